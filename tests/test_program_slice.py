"""The re-run program without a kernel: which history entries a tracked cell needs
(core/program_slice.py) and how IPython text is read and cleaned (core/cell_source.py)."""

from __future__ import annotations

from mm_jupyter.core.cell_source import (
    as_python,
    called_names,
    program_source,
    split_tracked,
    tracking_aliases,
)
from mm_jupyter.core.code_names import code_names
from mm_jupyter.core.hidden_state import DefinitionIndex, Entry
from mm_jupyter.core.program_slice import program_numbers
from mm_jupyter.core.rerun_compare import metric_deltas, output_differences, reproduced


def numbers(history: list[str]) -> list[int]:
    """The program of the last entry of ``history`` (numbered from 1)."""
    index, calls, tracking = DefinitionIndex(), {}, set()
    for n, source in enumerate(history[:-1], start=1):
        python = as_python(source)
        index.add(Entry(n, code_names(python), None, source))
        calls[n] = called_names(python)
        tracking |= tracking_aliases(python)
    calls = {n: names - tracking for n, names in calls.items()}
    target = Entry(len(history), code_names(as_python(history[-1])), None, history[-1])
    return program_numbers(index, target, calls)


def test_the_slice_follows_definitions_mutations_and_method_calls():
    history = [
        "%load_ext mm_jupyter\nimport mm_jupyter as mm\nimport numpy as np",  # 1
        "X = np.ones((4, 2))",  # 2
        "X = X * 2",  # 3: redefines X from X
        "y = [0, 1, 0, 1]\nunused = 7",  # 4
        "from sklearn.linear_model import LogisticRegression\nmodel = LogisticRegression()",
        "model.fit(X, y)",  # 6: a method call changes model in place
        "print(X)",  # 7: reads X, changes nothing
        "mm.log_metric('other', 1)",  # 8: a call on mm-jupyter itself
        "X2 = X[:1]",  # 9: not read
        "np.random.seed(0)",  # 10: a call on a module the target uses
        "%%mm_track --name t\nacc = model.score(X, y) + np.random.rand()\nmm.log_metric('acc', acc)",
    ]
    assert numbers(history) == [1, 2, 3, 4, 5, 6, 10]


def test_a_call_after_the_reader_or_before_the_definition_is_not_needed():
    history = ["import os\nitems = []", "items.append(1)", "items = [2]", "n = len(items)"]
    assert numbers(history) == [3]


def test_item_assignment_counts_as_a_definition():
    history = ["import pandas as pd\ndf = pd.DataFrame({'a': [1]})", "df['b'] = df.a * 2",
               "%%mm_track\ntotal = df.b.sum()"]
    assert numbers(history) == [1, 2]


def test_cell_text_is_read_and_cleaned():
    assert split_tracked("\n%%mm_track --name x\nacc = 1\n") == ("%%mm_track --name x",
                                                                 "acc = 1\n")
    assert split_tracked("%%mm_tracking\nx") == (None, "%%mm_tracking\nx")
    assert code_names(as_python("files = !ls\n%matplotlib inline\nx?")).writes == {"files"}
    assert as_python("%%bash\necho $x") == ""
    assert as_python("%%time\nz = 1") == "z = 1"
    cleaned = program_source(
        "%%mm_track --name prep\n%load_ext mm_jupyter\n!pip install x\n%pip install y\n"
        "%mm runs\nfor i in range(2):\n    !echo $i\nimport math")
    assert cleaned == "for i in range(2):\n    pass\nimport math"
    assert program_source("%load_ext mm_jupyter\n%mm models") == ""
    assert program_source("%%mm_track --name t\nacc = 1", tracked=True) == \
        "%%mm_track --name t\nacc = 1"
    assert called_names("model.fit(X)\ndf['a'].fillna(0)\nprint(x)\ndef f():\n    g.h()") \
        == {"model", "df"}


def test_the_comparison():
    deltas = metric_deltas({"acc": 0.9, "fit_time_s": 0.1, "nan": float("nan")},
                           {"acc": 0.9 + 1e-9, "fit_time_s": 0.3, "nan": float("nan"),
                            "extra": 1}, 1e-6)
    rows = {d["key"]: d for d in deltas}
    assert rows["acc"]["within_tolerance"] and rows["nan"]["within_tolerance"]
    assert rows["fit_time_s"]["timing"] and not rows["fit_time_s"]["within_tolerance"]
    assert rows["extra"]["original"] is None and rows["extra"]["delta"] is None
    assert reproduced("finished", {"acc": 0.9, "fit_time_s": 0.1, "nan": 0}, deltas)
    assert not reproduced("failed", {"acc": 0.9}, deltas)
    assert not reproduced("finished", {"acc": 0.9, "gone": 1.0}, deltas)
    diffs = output_differences(
        [{"output_type": "stream", "text": "<obj at 0x7f00aa11bb22>"},
         {"output_type": "execute_result", "data": {"text/plain": "1"}}],
        [{"output_type": "stream", "text": "<obj at 0x7fffee001122>"},
         {"output_type": "execute_result", "data": {"text/plain": "2"}},
         {"output_type": "stream", "text": "more"}])
    assert [(d["seq"], d["kind"]) for d in diffs] == [(1, "changed"), (2, "added")]


def test_without_history_the_notebook_snapshot_above_the_cell_is_sliced():
    import json

    from mm_jupyter.services.runs.program import program_of

    def cell(cell_id, source):
        return {"cell_type": "code", "id": cell_id, "source": source, "metadata": {},
                "outputs": [], "execution_count": None}

    notebook = json.dumps({"cells": [
        cell("a", "%load_ext mm_jupyter\nimport math"),
        {"cell_type": "markdown", "id": "m", "source": "# notes", "metadata": {}},
        cell("b", "radius = 2\nunused = 1"),
        cell("c", "print('exploring')"),
        cell("t", "%%mm_track --name area\narea = math.pi * radius ** 2"),
        cell("d", "radius = 99"),  # below the tracked cell: never part of it
    ]})
    detail = {"run": {"id": "r1", "name": "area", "experiment": "geo"},
              "code": {"cell": "area = math.pi * radius ** 2", "history": []},
              "cell_id": "t"}
    program = program_of(detail, notebook)
    assert program.origin == "notebook"
    assert [(c.cell_id, c.source) for c in program.cells] == [
        ("a", "import math"), ("b", "radius = 2\nunused = 1"),
        ("t", "%%mm_track --name area --experiment geo\narea = math.pi * radius ** 2")]
    assert program.steps()[-1] == {"execution_count": None, "cell_id": "t"}
    # Neither history nor notebook: the cell alone, tracked like the original
    alone = program_of({**detail, "cell_id": None}, None)
    assert [c.source for c in alone.cells] == [
        "%%mm_track --name area --experiment geo\narea = math.pi * radius ** 2"]
