"""The run output below a tracked cell (issue 14): one MIME bundle, no widget.

In-process IPython shell with real scikit-learn fits and a real registry.
"""

from __future__ import annotations

import json

import pytest
from IPython.utils.capture import capture_output
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

import mm_jupyter as mm
from mm_jupyter.display.run_output import RUN_MIME
from mm_jupyter.errors import RegistryWarning

SETUP = (
    "from sklearn.datasets import load_iris\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "X, y = load_iris(return_X_y=True)\n"
)


def assert_valid(name: str, payload: object) -> None:
    """Validate ``payload`` against schema ``name`` (offline, from the package's files)."""
    from mm_jupyter import schemas

    base = "https://mm-jupyter.invalid/schemas/v1/"
    registry = Registry().with_resources(
        (f"{base}{n}.json", Resource.from_contents(schemas.load(n))) for n in schemas.NAMES
    )
    validator = Draft202012Validator({"$ref": f"{base}{name}.json"}, registry=registry)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(payload)]
    assert not errors, errors


@pytest.fixture
def shown(ip):
    """Run a tracked cell with the summary on; return the bundles it displayed."""
    assert ip.run_cell(SETUP).success
    ip.run_line_magic("config", "MMMagics.show_summary = True")

    def run(cell: str, **kwargs) -> list[dict]:
        with capture_output(display=True) as captured:
            result = ip.run_cell(cell, **kwargs)
        assert result.success, result.error_in_exec
        return [o.data for o in captured.outputs]

    return run


def test_the_summary_is_one_bundle_of_json_html_and_text(shown):
    # Given a tracked cell that fits a classifier (autolog stores it as a model)
    outputs = shown("%%mm_track --name fit-run\nC = 0.5\n"
                    "clf = LogisticRegression(C=C, max_iter=300).fit(X, y)\nacc = clf.score(X, y)")
    # Then one display output, with exactly the three MIME types and no widget
    assert len(outputs) == 1
    bundle = outputs[0]
    assert set(bundle) == {RUN_MIME, "text/html", "text/plain"}
    data = bundle[RUN_MIME]
    json.dumps(data)  # plain JSON, storable in the notebook as it is
    assert_valid("run_output", data)  # the contract with the lab renderer
    run = mm.get_run("fit-run")
    assert data["run"]["id"] == run.id and data["run"]["name"] == "fit-run"
    assert data["run"]["status"] == "finished" and data["run"]["experiment"] == run.experiment
    assert data["params"]["C"] == "0.5" and float(data["metrics"]["acc"]) > 0.9
    # the model autologging stored, by artifact version, variable and class
    assert data["models"] == [
        {"artifact": "fit-run-model:v1", "variable": "clf", "class": "LogisticRegression"}
    ]
    assert data["registry"]["path"] == str(mm.get_registry().location.path)
    # text reads as facts, one a line; html is the card (no script, no widget repr)
    text = bundle["text/plain"]
    assert text.splitlines()[0].startswith(f"run fit-run ({run.id}) · finished")
    assert "model: clf (LogisticRegression) stored as fit-run-model:v1" in text
    assert "VBox" not in text and "<script" not in bundle["text/html"]
    assert 'class="mm-run-summary"' in bundle["text/html"]
    assert "fit-run-model:v1" in bundle["text/html"]


def test_the_artifact_it_names_registers_without_the_kernel(shown):
    from mm_jupyter.services.models.registration import register_stored_run_model

    data = shown("%%mm_track --name reg-run\nclf = LogisticRegression(max_iter=300).fit(X, y)")[0][RUN_MIME]
    version = register_stored_run_model(
        mm.get_registry(), data["run"]["id"], "iris-clf", alias="staging",
        artifact=data["models"][0]["artifact"], exact=True,
    )
    assert version.ref == "iris-clf:1"
    assert mm.get_model("iris-clf@staging").run["id"] == data["run"]["id"]


def test_only_predictors_are_offered(shown):
    # A cell that fits a transformer only: the summary, but nothing to register
    data = shown("%%mm_track --name scale\nscaler = StandardScaler().fit(X)")[0][RUN_MIME]
    assert data["models"] == []
    assert "model:" not in shown("%%mm_track --name scale2\nscaler = StandardScaler().fit(X)")[0][
        "text/plain"]


def test_register_off_offers_no_model(shown, ip):
    ip.run_line_magic("config", "MMMagics.register_button = False")
    try:
        data = shown("%%mm_track --name off\nclf = LogisticRegression(max_iter=300).fit(X, y)")[0][RUN_MIME]
    finally:
        ip.run_line_magic("config", "MMMagics.register_button = True")
    assert data["models"] == [] and data["run"]["name"] == "off"


def test_hostile_values_are_escaped_in_html_and_kept_as_text(shown):
    hostile = "<img src=x onerror=alert(1)>"
    bundle = shown(f"%%mm_track --name hostile\nnote = {hostile!r}\nscore_x = 1")[0]
    assert_valid("run_output", bundle[RUN_MIME])
    assert hostile not in bundle["text/html"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in bundle["text/html"]
    assert bundle[RUN_MIME]["params"]["note"] == hostile  # data: the renderer shows text
    assert f"note={hostile}" in bundle["text/plain"]


def test_a_failing_summary_warns_once_and_shows_nothing(shown, ip, monkeypatch):
    import mm_jupyter.display.run_output as run_output

    def broken(*args, **kwargs):
        raise RuntimeError("no summary today")

    monkeypatch.setattr(run_output, "run_output_bundle", broken)
    with pytest.warns(RegistryWarning, match="summary not shown"):
        outputs = shown("%%mm_track --name quiet\nx = 21 * 2\nx", store_history=True)
    # nothing displayed, the run recorded, the cell's result as without tracking
    assert outputs == []
    assert mm.get_run("quiet").status == "finished"
    assert ip.user_ns["_"] == 42


# -- where a headless kernel's cell comes from (capture/notebook.py) ------------------


def test_a_headless_kernel_finds_its_notebook_and_cell_by_source(tmp_path, monkeypatch):
    import nbformat

    from mm_jupyter.capture.notebook import CellNotebooks, notebook_path

    def write(name, sources):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
        nbformat.write(nb, tmp_path / name)
        return [c["id"] for c in nb.cells]

    (tmp_path / "broken.ipynb").write_text("{not json")  # skipped, not an error
    write("a.ipynb", ["x = 1"])
    ids = write("b.ipynb", ["%%mm_track\nfit()", "y = 2"])
    finder = CellNotebooks()
    assert finder.find(str(tmp_path), "%%mm_track\nfit()") == (str(tmp_path / "b.ipynb"), ids[0])
    assert finder.find(str(tmp_path), "y = 2") == (str(tmp_path / "b.ipynb"), ids[1])
    assert finder.find(str(tmp_path), "not in any") is None
    # an edited notebook is read again
    new_ids = write("b.ipynb", ["%%mm_track\nfit(2)"])
    assert finder.find(str(tmp_path), "%%mm_track\nfit(2)") == (str(tmp_path / "b.ipynb"), new_ids[0])
    assert finder.find(str(tmp_path / "missing"), "x = 1") is None
    # MM_JUPYTER_NOTEBOOK names the notebook outright (papermill, copies side by side)
    monkeypatch.setenv("MM_JUPYTER_NOTEBOOK", str(tmp_path / "a.ipynb"))
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert notebook_path({}) == str(tmp_path / "a.ipynb")


def test_an_in_process_shell_records_no_notebook(shown):
    # no kernel, no session: nothing is looked for, nothing recorded
    data = shown("%%mm_track --name local\nx = 1")[0][RUN_MIME]
    assert data["run"]["notebook_path"] is None and data["run"]["cell_id"] is None
