"""The names a cell reads and binds (core/code_names.py) and the hidden-state verdict
built on them (core/hidden_state.py, magics/provenance.py), without a kernel."""

from __future__ import annotations

import pytest

from mm_jupyter.core.code_names import code_names
from mm_jupyter.core.hidden_state import (
    DefinitionIndex,
    Entry,
    NotebookCells,
    analyse,
    explain,
)
from mm_jupyter.magics.provenance import CellProvenance


@pytest.mark.parametrize(("source", "reads", "writes"), [
    ("x = 1\nprint(x)", {"print"}, {"x"}),
    ("print(x)\nx = 1", {"print", "x"}, {"x"}),
    ("x = x + 1", {"x"}, {"x"}),
    ("x += 1", {"x"}, {"x"}),
    ("for i in range(n):\n    total = i", {"range", "n"}, {"i", "total"}),
    ("def f(a):\n    return a + df\ndf = 1", set(), {"df", "f"}),
    ("def f(a):\n    return a + df", {"df"}, {"f"}),
    ("import numpy as np, os.path\nfrom a import b as c", set(), {"np", "os", "c"}),
    ("[i * k for i in xs if i > t]", {"k", "t", "xs"}, set()),
    ("df['y'] = df.x * 2", {"df"}, {"df"}),
    ("model.fit(X, y)", {"model", "X", "y"}, set()),
    ("class A(Base):\n    z = q", {"Base", "q"}, {"A"}),
    ("def g():\n    global G\n    G = 1", set(), {"G", "g"}),
    ("with open(p) as fh:\n    data = fh.read()", {"open", "p"}, {"data", "fh"}),
    ("try:\n    import foo\nexcept ImportError as e:\n    print(e)",
     {"ImportError", "print"}, {"e", "foo"}),
    ("acc = (n := len(xs)) / total", {"len", "total", "xs"}, {"acc", "n"}),
    ("lambda v: v + outer", {"outer"}, set()),
    ("def f(x=default):\n    y = x\n    return y", {"default"}, {"f"}),
    ("match p:\n    case [a, *rest]:\n        b = a", {"p"}, {"a", "rest", "b"}),
])
def test_code_names(source, reads, writes):
    found = code_names(source)
    assert found.error is None
    assert set(found.reads) == reads
    assert set(found.writes) == writes


def test_code_names_of_bad_code_and_star_imports():
    bad = code_names("x = (")
    assert bad.error and bad.error.startswith("SyntaxError") and not bad.reads
    assert code_names("from os.path import *").star_import


def entries(*cells):
    index = DefinitionIndex()
    for n, (cell_id, source) in enumerate(cells, start=1):
        index.add(Entry(n, code_names(source), cell_id, source))
    return index


def test_each_kind_and_the_definition_used_is_the_last_one():
    index = entries(
        ("a", "x = 1"),        # 1: later redefined: not the one used
        ("b", "x = 2"),        # 2: edited since
        (None, "y = 3"),       # 3: console
        ("gone", "z = 4"),     # 4: deleted
        ("below", "w = 5"),    # 5: below the tracked cell
        ("t", "r = x + y + z + w + q + len([])"),  # 6: the tracked cell
    )
    notebook = NotebookCells.of([("a", "x = 1"), ("b", "x = 20"), ("t", "r = x + y + z + w"
                                 " + q + len([])"), ("below", "w = 5")])
    found = analyse(index, index.entries[6], notebook, defined_elsewhere=lambda n: n == "q")
    assert found["status"] == "warnings"
    assert [(i["name"], i["kind"], i["defined_in"]) for i in found["issues"]] == [
        ("q", "unknown_origin", None),
        ("w", "out_of_order", {"execution_count": 5, "cell_id": "below"}),
        ("x", "edited_cell", {"execution_count": 2, "cell_id": "b"}),
        ("y", "not_in_notebook", {"execution_count": 3, "cell_id": None}),
        ("z", "deleted_cell", {"execution_count": 4, "cell_id": "gone"}),
    ]
    assert explain(found["issues"][2]) == (
        "x was defined by a cell that has been edited since it ran (In [2])")


def test_no_notebook_is_unknown_and_a_clean_notebook_has_no_issues():
    index = entries(("a", "x = 1"), ("t", "y = x"))
    assert analyse(index, index.entries[2], None, defined_elsewhere=bool) == {
        "status": "unknown", "issues": []}
    notebook = NotebookCells.of([("a", "x = 1\n\n"), ("t", "y = x")])  # trailing blank lines
    assert analyse(index, index.entries[2], notebook, defined_elsewhere=bool) == {
        "status": "clean", "issues": []}


def test_cells_without_ids_match_by_source():
    index = entries((None, "x = 1"), (None, "y = x"))
    notebook = NotebookCells.of([(None, "x = 1"), (None, "y = x")])
    assert analyse(index, index.entries[2], notebook, defined_elsewhere=bool)["status"] == "clean"
    reordered = NotebookCells.of([(None, "y = x"), (None, "x = 1")])
    found = analyse(index, index.entries[2], reordered, defined_elsewhere=bool)
    assert [i["kind"] for i in found["issues"]] == ["out_of_order"]


def test_provenance_indexes_only_new_entries_and_handles_magics():
    provenance = CellProvenance()
    history = [(1, "%load_ext mm_jupyter"), (2, "import pandas as pd\n%matplotlib inline"),
               (3, "df = pd.DataFrame()\n!echo hi")]
    for n, cell in ((2, "c2"), (3, "c3")):
        provenance.note_cell(n, cell)
    provenance.update(history)
    assert provenance.index.last_definition("df", 10) == 3
    assert provenance.index.last_definition("pd", 10) == 2
    first = provenance.index.entries[3]
    current = (4, "%%mm_track --name t\nrows = len(df)")
    history.append(current)
    found = provenance.analyse(
        history, current, "c4",
        [("c2", history[1][1]), ("c3", history[2][1]), ("c4", current[1])],
        namespace={"df": 1, "pd": 2}, hidden={})
    assert found == {"status": "clean", "issues": []}
    assert provenance.index.entries[3] is first  # not indexed again
    assert provenance.index.entries[4].cell_id == "c4"
    assert "df" in provenance.index.entries[4].names.reads


def test_the_history_restarting_reindexes_the_numbers_it_reuses():
    provenance = CellProvenance()
    provenance.update([(1, "a = 1"), (2, "b = 2")])
    provenance.update([(1, "c = 3")])  # %reset: numbering starts again
    assert provenance.index.last_definition("c", 5) == 1
    assert provenance.index.last_definition("a", 5) is None


def test_text_and_html_fallbacks_name_the_issues():
    from mm_jupyter.display.reproducibility import reproducibility_lines
    from mm_jupyter.display.run_output import run_output_html

    issues = [{"name": f"v{i}", "kind": "edited_cell", "message": f"v{i} <was> edited"}
              for i in range(5)]
    found = {"status": "warnings", "issues": issues}
    assert reproducibility_lines(found) == [
        "hidden state: 5 warnings (docs/reproducibility.md)",
        "  v0 <was> edited", "  v1 <was> edited", "  v2 <was> edited", "  … (+2)"]
    assert reproducibility_lines({"status": "clean", "issues": []}) == []
    assert reproducibility_lines(None) == []
    data = {"run": {"status": "finished", "name": "r", "id": "abc", "experiment": "e",
                    "duration_s": 0.1}, "n_outputs": 0, "n_figures": 0, "params": {},
            "n_params": 0, "metrics": {}, "n_metrics": 0, "models": [],
            "reproducibility": found}
    card = run_output_html(data)
    assert "⚠ hidden state: 5 warnings" in card and "v0 &lt;was&gt; edited" in card
    assert "<was>" not in card


def test_verdicts_are_reused_until_the_notebook_is_saved_with_an_edit():
    provenance = CellProvenance()
    history = [(k, f"v{k} = v{k - 1} + 1" if k > 1 else "v1 = 1") for k in range(1, 301)]
    for n, _ in history:
        provenance.note_cell(n, f"c{n}")
    cells = [(f"c{n}", source) for n, source in history]

    def track(n: int, notebook):
        current = (n, "%%mm_track\nout = v300")
        history.append(current)
        return provenance.analyse(history, current, f"t{n}", notebook, {}, {})

    cells.append(("t301", "%%mm_track\nout = v300"))
    assert track(301, cells) == {"status": "clean", "issues": []}
    memoised = dict(provenance._memo.issues)
    assert len(memoised) == 300  # the whole chain, once
    cells.append(("t302", "%%mm_track\nout = v300"))
    assert track(302, cells)["status"] == "clean"
    assert provenance._memo.issues.keys() >= memoised.keys()
    # the first cell of the chain is edited and saved: a new cell list
    edited = [("c1", "v1 = 2"), *cells[1:]]
    edited.append(("t303", "%%mm_track\nout = v300"))
    found = track(303, edited)
    assert [(i["name"], i["kind"], i["read_by"]["execution_count"]) for i in found["issues"]] == [
        ("v1", "edited_cell", 2)]


def test_a_capture_cell_magic_binds_its_variable():
    # `%%capture out` binds `out` (edge_cases.ipynb of the corpus reads it next cell)
    provenance = CellProvenance()
    assert provenance.names("%%capture --no-stderr captured\nprint(1)").writes == {
        "captured"}
    assert provenance.names("%%capture\nx = 1").writes == {"x"}


# -- nbdime's notebook pairs: real edits nobody here wrote -------------------------------

PAIRS = __import__("pathlib").Path(__file__).resolve().parents[3] / "shared" / "testdata" \
    / "notebook-pairs"


def _code_cells(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return [(cell.get("id"), cell.source) for cell in nb.cells if cell.cell_type == "code"]


def _pairs():
    if not PAIRS.is_dir():
        return []
    return [(base, variant) for variant in sorted(PAIRS.glob("*--*.ipynb"))
            if (base := PAIRS / (variant.name.split("--")[0] + ".ipynb")).exists()]


@pytest.mark.skipif(not PAIRS.is_dir(),
                    reason="../shared/testdata/notebook-pairs (nbdime's pairs) is absent")
@pytest.mark.parametrize(("base", "variant"), _pairs(), ids=lambda p: p.stem)
def test_a_base_notebook_run_then_edited_into_its_variant(base, variant):
    # Given every code cell of nbdime's base notebook executed in order (with its cell
    # ids, as JupyterLab sends them), then the notebook saved as the variant
    provenance = CellProvenance()
    executed = _code_cells(base)
    history = []
    for n, (cell_id, source) in enumerate(executed, start=1):
        provenance.note_cell(n, cell_id)
        history.append((n, source))
    provenance.update(history)
    defined = {}  # name -> (execution number, cell id, source) of its last definition
    for n, (cell_id, source) in enumerate(executed, start=1):
        for name in provenance.names(source).writes:
            defined[name] = (n, cell_id, source)
    # When a tracked cell at the end of the variant reads every name the base defined
    reads = sorted(defined)
    tracked = "%%mm_track\n" + "\n".join(f"print({name})" for name in reads)
    notebook = [*_code_cells(variant), ("tracked", tracked)]
    current = (len(history) + 1, tracked)
    found = provenance.analyse([*history, current], current, "tracked", notebook, {}, {})
    # Then each name is flagged exactly as the variant changed its defining cell
    now_by_id = {cell_id: source for cell_id, source in notebook if cell_id}
    now_sources = {source.rstrip() for _, source in notebook}
    expected = set()
    for name, (n, cell_id, source) in defined.items():
        if cell_id is not None and cell_id not in now_by_id:
            expected.add((name, "deleted_cell", n))
        elif cell_id is not None and now_by_id[cell_id].rstrip() != source.rstrip():
            expected.add((name, "edited_cell", n))
        elif cell_id is None and source.rstrip() not in now_sources:
            expected.add((name, "not_in_notebook", n))
    direct = {(i["name"], i["kind"], i["defined_in"]["execution_count"])
              for i in found["issues"] if "read_by" not in i}
    assert direct == expected
    assert found["status"] == ("warnings" if found["issues"] else "clean")
