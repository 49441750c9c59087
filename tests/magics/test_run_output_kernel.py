"""A real kernel through nbclient (as nbconvert --execute and papermill run one): the
run output is saved as plain MIME data, reads well in nbconvert's HTML and as text,
and the run knows its notebook and cell."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient
from test_run_output import assert_valid

from mm_jupyter.display.run_output import RUN_MIME

pytestmark = pytest.mark.slow

CELLS = [
    "%load_ext mm_jupyter",
    "from sklearn.datasets import load_iris\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "X, y = load_iris(return_X_y=True)",
    "%%mm_track --name headless\n"
    "C = 0.5\n"
    "clf = LogisticRegression(C=C, max_iter=300).fit(X, y)\n"
    "print('fitted')\n"
    "acc = clf.score(X, y)",
]


def test_a_headless_run_saves_a_readable_run_output_and_records_notebook_and_cell(
    registry_dir, tmp_path
):
    # Given a saved notebook executed headlessly by nbclient in its folder
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    path = tmp_path / "headless.ipynb"
    nbformat.write(nb, path)
    # another notebook in the folder does not confuse the lookup
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]),
                   tmp_path / "other.ipynb")
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    nbformat.write(nb, path)
    tracked = nb.cells[2]
    # Then the cell's own output comes first, the run output last
    assert tracked.outputs[0]["text"] == "fitted\n"
    output = tracked.outputs[-1]
    assert output["output_type"] == "display_data"
    assert set(output["data"]) == {RUN_MIME, "text/html", "text/plain"}
    data = output["data"][RUN_MIME]
    assert_valid("run_output", data)
    assert data["run"]["name"] == "headless" and data["run"]["status"] == "finished"
    assert data["models"] == [
        {"artifact": "headless-model:v1", "variable": "clf", "class": "LogisticRegression"}
    ]
    # the run recorded the notebook it ran in and which cell
    assert data["run"]["notebook_path"] == str(path)
    assert data["run"]["cell_id"] == tracked["id"]
    from mm_jupyter.store import open_registry

    with open_registry(registry_dir) as registry, registry.read() as conn:
        row = conn.execute("SELECT notebook_path, cell_id FROM runs WHERE name = 'headless'").fetchone()
    assert tuple(row) == (str(path), tracked["id"])
    # And the saved notebook has no widget state and no widget repr anywhere
    saved = path.read_text()
    assert "application/vnd.jupyter.widget" not in saved and "VBox(" not in saved
    assert "widgets" not in json.loads(saved)["metadata"]
    # text readers get one fact a line
    text = output["data"]["text/plain"]
    lines = text.splitlines()
    assert lines[1] == f"experiment: {data['run']['experiment']}"
    assert lines[2].startswith("params: C=0.5, ") and lines[2].endswith("(+6)")
    assert "model: clf (LogisticRegression) stored as headless-model:v1" in text
    # nbconvert's HTML shows the card (our html, not a widget placeholder) and no script of ours
    nbconvert = pytest.importorskip("nbconvert")
    body, _ = nbconvert.HTMLExporter().from_notebook_node(nbformat.read(path, as_version=4))
    assert 'class="mm-run-summary"' in body and "headless-model:v1" in body
    assert "VBox(" not in body and "Error displaying widget" not in body
    card = body[body.index('class="mm-run-summary"'):]
    assert "<script" not in card[:card.index("</div>")]
