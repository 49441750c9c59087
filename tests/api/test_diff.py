"""Run and notebook diffing: real notebook pairs, runs, presenters, CLI, magics."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

import mm_jupyter as mm
from mm_jupyter.display.diff import fmt_delta, to_html, to_text
from mm_jupyter.services.diff.notebooks import diff_notebooks
from mm_jupyter.services.runs.session import get_session
from mm_jupyter.store import runs

PAIRS = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "notebook-pairs"
needs_pairs = pytest.mark.skipif(
    not PAIRS.is_dir(), reason="../shared/testdata/notebook-pairs (nbdime's pairs) is absent"
)


def load(name):
    return json.loads((PAIRS / name).read_text())


def statuses(diff):
    return [c["status"] for c in diff["cells"]]


@needs_pairs
def test_real_pair_with_inserted_deleted_and_edited_cells():
    d = diff_notebooks(load("multi_cell_nb.ipynb"), load("multi_cell_nb--cellchange.ipynb"))
    assert d["summary"]["modified"] >= 1 and d["summary"]["added"] >= 1
    edited = [c for c in d["cells"] if c["status"] == "modified"]
    assert any(h["op"] != "equal" for c in edited for h in c["source"])


@needs_pairs
def test_real_pair_with_changed_source_and_output():
    d = diff_notebooks(load("single_cell_nb.ipynb"), load("single_cell_nb--changed_source_output.ipynb"))
    (cell,) = [c for c in d["cells"] if c["status"] != "unchanged"]
    assert cell["status"] == "modified" and cell["outputs"]["changed"]


@needs_pairs
def test_execution_counts_and_cell_ids_are_ignored_unless_asked():
    a, b = load("single_cell_nb.ipynb"), load("single_cell_nb--changed_ec.ipynb")
    assert set(statuses(diff_notebooks(a, b))) == {"unchanged"}
    assert "modified" in statuses(diff_notebooks(a, b, volatile=True))


def _nb(sources, images=None):
    cells = []
    for i, src in enumerate(sources):
        cell = nbformat.v4.new_code_cell(src)
        if images and i in images:
            cell.outputs = [nbformat.v4.new_output(
                "display_data", data={"image/png": images[i], "text/plain": "<Figure>"})]
        cells.append(cell)
    return json.loads(nbformat.writes(nbformat.v4.new_notebook(cells=cells)))


PNG_A = base64.b64encode(b"\x89PNG fake a").decode()
PNG_B = base64.b64encode(b"\x89PNG fake b").decode()


def test_moved_inserted_deleted_edited_and_image_outputs():
    a = _nb(["import x", "a = 1", "b = 2", "plot()", "gone = True", "c = 3"], {3: PNG_A})
    b = _nb(["import x", "c = 3", "a = 10", "b = 2", "plot()", "new = 1"], {4: PNG_B})
    d = diff_notebooks(a, b)
    by_status = {}
    for cell in d["cells"]:
        by_status.setdefault(cell["status"], []).append(cell)
    assert [(c["a_index"], c["b_index"]) for c in by_status["moved"]] == [(5, 1)]
    assert [c["b_index"] for c in by_status["added"]] == [5]
    assert [c["a_index"] for c in by_status["removed"]] == [4]
    modified = {c["a_index"]: c for c in by_status["modified"]}
    assert modified[1]["source"] == [{"op": "replace", "a": ["a = 1"], "b": ["a = 10"]}]
    image = modified[3]["outputs"]
    assert image["a"][0]["data"]["image/png"] == PNG_A and image["b"][0]["data"]["image/png"] == PNG_B
    html = to_html({"a": None, "b": None, "params": {"added": {}, "removed": {}, "changed": {}},
                    "metrics": {}, "code": [], "notebook": d, "environment": None,
                    "artifacts": {"inputs": {"added": [], "removed": []},
                                  "outputs": {"added": [], "removed": []}}})
    assert f"data:image/png;base64,{PNG_A}" in html and f"data:image/png;base64,{PNG_B}" in html


def test_500_cells_with_20_changes_is_fast():
    a = _nb([f"x{i} = {i}\nprint(x{i})" for i in range(500)])
    b = _nb([f"x{i} = {i}\nprint(x{i})" + ("\n# changed" if i % 25 == 0 else "") for i in range(500)])
    d = diff_notebooks(a, b)
    assert d["summary"] == {"unchanged": 480, "modified": 20, "added": 0, "removed": 0, "moved": 0}


@pytest.fixture
def reg(registry_dir):
    get_session().reset_registry()
    yield mm.get_registry()
    get_session().reset_registry()


def seed_run(reg, name, params, metrics, notebook, packages, cell):
    run = runs.NewRun(id=runs.new_run_id(), name=name, experiment="e", started_at=runs.iso_now(),
                      params=[(k, v, "auto") for k, v in params.items()], cell_source=cell,
                      notebook_text=json.dumps(notebook), notebook_path="/nb.ipynb")
    runs.create_run(reg, run)
    runs.write_metric_points(reg, [(run.id, k, s, v, time.time()) for k, vs in metrics.items()
                                   for s, v in enumerate(vs)])
    env = runs.put_environment(reg, {"python": "3.11.7", "platform": "linux", "packages": packages})
    runs.finish_run(reg, run.id, status="finished", finished_at=runs.iso_now(), duration_s=1.0,
                    environment_digest=env)
    time.sleep(0.002)
    return run.id


def test_diff_of_two_runs(reg):
    seed_run(reg, "base", {"lr": 0.1, "depth": 5, "old": 1}, {"acc": [0.7, 0.8]},
             _nb(["lr = 0.1", "train()"]), {"numpy": "1.26", "gone": "1.0"}, "lr = 0.1\ntrain()")
    seed_run(reg, "tuned", {"lr": 0.05, "depth": 5, "new": 2}, {"acc": [0.75, 0.9]},
             _nb(["lr = 0.05", "train()"]), {"numpy": "2.0", "added": "0.1"}, "lr = 0.05\ntrain()")
    d = mm.diff("base", "tuned").to_dict()
    assert d["params"] == {"added": {"new": 2}, "removed": {"old": 1},
                           "changed": {"lr": {"a": 0.1, "b": 0.05}}, "unchanged": {"depth": 5}}
    assert d["metrics"]["acc"]["delta"] == pytest.approx(0.1)
    assert [p["value"] for p in d["metrics"]["acc"]["series_b"]] == [0.75, 0.9]
    assert d["code"][0] == {"op": "replace", "a": ["lr = 0.1"], "b": ["lr = 0.05"]}
    assert d["notebook"]["summary"]["modified"] == 1
    assert d["environment"]["packages"] == {"added": {"added": "0.1"}, "removed": {"gone": "1.0"},
                                            "changed": {"numpy": {"a": "1.26", "b": "2.0"}}}
    text = repr(mm.diff("base", "tuned"))
    assert "~ lr: 0.1 -> 0.05" in text and "+ lr = 0.05" in text and "~ numpy 1.26 -> 2.0" in text


def test_presenters_escape_untrusted_content(reg):
    evil = "<script>window.x=1</script>"
    nb = _nb([evil])
    nb["cells"][0]["outputs"] = [{"output_type": "display_data", "metadata": {},
                                  "data": {"text/html": evil, "text/plain": evil}}]
    seed_run(reg, evil, {evil: evil}, {}, _nb(["x"]), {}, "x")
    seed_run(reg, "other", {}, {}, nb, {}, evil)
    html = mm.diff(evil, "other")._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_cli_diff_text_and_json(reg):
    seed_run(reg, "one", {"lr": 0.1}, {"acc": [0.5]}, _nb(["x = 1"]), {}, "a")
    seed_run(reg, "two", {"lr": 0.2}, {"acc": [0.6]}, _nb(["x = 2"]), {}, "b")
    cli = [sys.executable, "-m", "mm_jupyter.cli.main", "diff", "one", "two"]
    text = subprocess.run([*cli, "--no-color"], capture_output=True, text=True, timeout=60)
    assert text.returncode == 0 and "~ lr: 0.1 -> 0.2" in text.stdout and "\033[" not in text.stdout
    colored = subprocess.run([*cli, "--color"], capture_output=True, text=True, timeout=60)
    assert "\033[32m" in colored.stdout
    data = json.loads(subprocess.run([*cli, "--json"], capture_output=True, text=True, timeout=60).stdout)
    assert data["summary"]["params_changed"] == 1 and data["notebook"]["summary"]["modified"] == 1


def test_mm_diff_magic_and_against_the_notebook_on_disk(ip, tmp_path):
    from IPython.core.error import UsageError

    get_session().reset_registry()
    path = tmp_path / "work.ipynb"
    nb = _nb(["lr = 0.1", "fit()"])
    path.write_text(json.dumps(nb))
    reg = mm.get_registry()
    run = runs.NewRun(id=runs.new_run_id(), name="snap", experiment="e", started_at=runs.iso_now(),
                      notebook_text=json.dumps(nb), notebook_path=str(path))
    runs.create_run(reg, run)
    runs.finish_run(reg, run.id, status="finished", finished_at=runs.iso_now(), duration_s=0.1)
    nb["cells"][0]["source"] = "lr = 0.3"
    path.write_text(json.dumps(nb))
    shown = ip.run_line_magic("mm", "diff snap")
    cells = shown.to_dict()["notebook"]["cells"]
    assert cells[0]["source"] == [{"op": "replace", "a": ["lr = 0.1"], "b": ["lr = 0.3"]}]
    assert "notebook on disk" in repr(shown)
    with pytest.raises(UsageError, match="usage"):
        ip.run_line_magic("mm", "diff")
    with pytest.raises(UsageError, match="no run"):
        ip.run_line_magic("mm", "diff nope other")


def test_text_and_html_diff_colour_by_metric_direction(reg):
    # a higher val_loss is a regression (red), a higher acc an improvement (green)
    seed_run(reg, "before", {"lr": 0.1}, {"acc": [0.8], "val_loss": [0.2]}, _nb(["x"]), {}, "x")
    seed_run(reg, "after", {"lr": 0.1}, {"acc": [0.9], "val_loss": [0.200082]}, _nb(["x"]), {},
             "x")
    diff = mm.diff("before", "after")
    assert diff.to_dict()["directions"] == {"acc": "max", "val_loss": "min"}
    text = to_text(diff.to_dict())
    assert "\033[32m  acc: 0.8 -> 0.9  (+0.1)" in text
    assert "\033[31m  val_loss: 0.2 -> 0.200082  (+0.000082)" in text
    html = to_html(diff.to_dict())
    assert '<tr class="ins"><td>acc</td>' in html and '<tr class="del"><td>val_loss</td>' in html
    mm.set_metric_direction("val_loss", "max")  # the user's word wins over the name
    assert "\033[32m  val_loss" in to_text(mm.diff("before", "after").to_dict())


@pytest.mark.parametrize(("delta", "text"), [
    (0.000082, "+0.000082"), (-1.25, "-1.25"), (1234.5678, "+1234.57"), (3.1e-7, "+3.1e-7"),
    (2.5e9, "+2.5e9"), (0.0, "0"), (-0.0123456789, "-0.0123457"), (None, ""),
])
def test_deltas_read_in_fixed_notation_until_they_are_tiny(delta, text):
    assert fmt_delta(delta) == text
