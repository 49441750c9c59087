"""Re-run and checkout through real kernels (nbclient): a seeded run reproduces, an
unseeded one reports its delta, an input artifact is restored and pinned at the version
the run used, a failing program is a finding, and the checked-out notebook executes to
the same metrics. The runs come from one notebook (tests/rerun_notebook.py)."""

from __future__ import annotations

import json
import os

import nbformat
import pytest
from jsonschema import Draft202012Validator
from nbclient import NotebookClient
from referencing import Registry as SchemaRegistry
from referencing import Resource
from rerun_notebook import run_notebook

from mm_jupyter import schemas
from mm_jupyter.services.runs import queries
from mm_jupyter.services.runs.checkout import checkout, checkout_payload
from mm_jupyter.services.runs.rerun import rerun
from mm_jupyter.services.runs.run_inputs import restore_inputs, safe_relative_path
from mm_jupyter.store import open_registry

pytestmark = pytest.mark.slow


def assert_valid(name, payload):
    resources = [(s["$id"], Resource.from_contents(s))
                 for s in (schemas.load(n) for n in schemas.NAMES)]
    validator = Draft202012Validator(
        {"$ref": f"https://mm-jupyter.invalid/schemas/v1/{name}.json"},
        registry=SchemaRegistry().with_resources(resources))
    errors = list(validator.iter_errors(json.loads(json.dumps(payload))))
    assert not errors, [e.message for e in errors[:5]]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebook")
    home = tmp_path_factory.mktemp("registry")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MM_JUPYTER_HOME", str(home))
        runs = run_notebook(folder, home)
        registry = open_registry(home)
        yield runs, registry, home
        registry.close()


@pytest.fixture(scope="module")
def clean_report(recorded):
    runs, registry, _ = recorded
    return rerun(registry, runs.clean, timeout=120)


def inputs_of(registry, run_id):
    detail = queries.run_detail(registry, run_id, exact=True)
    return sorted(v["ref"] for v in detail["artifacts"]["inputs"])


def test_a_seeded_run_reproduces_with_zero_deltas(recorded, clean_report):
    runs, registry, _ = recorded
    report = clean_report
    assert_valid("rerun_report", report)
    assert report["status"] == "finished", report["error"]
    assert report["reproduced"] is True and report["error"] is None, json.dumps(report)
    metrics = {m["key"]: m for m in report["metrics"]}
    # acc and coef, plus what autologging recorded of the fit (train.*, fit_time_s)
    assert {"acc", "coef", "train.accuracy", "fit_time_s"} <= set(metrics)
    exact = [m for m in metrics.values() if not m["timing"]]
    assert all(m["delta"] == 0 and m["within_tolerance"] for m in exact)
    # a wall-clock timing differs on every run: shown, not held against the run
    assert [k for k, m in metrics.items() if m["timing"]] == ["fit_time_s"]
    assert report["outputs"] == [] and report["packages"] == []
    # The program: the imports cell, then the tracked cell (the CSV-writing cell and
    # the unrelated one are left out), numbered as the original kernel ran them.
    assert [p["execution_count"] for p in report["program"]] == [1, 4]
    new = queries.run_detail(registry, report["rerun"], exact=True)
    assert new["run"]["tags"]["rerun_of"] == runs.clean
    assert new["run"]["experiment"] == queries.get_run(registry, runs.clean).experiment
    # The CSV came only from the restored input, at the version the run used.
    assert inputs_of(registry, report["rerun"]) == inputs_of(registry, runs.clean) \
        == ["data.csv:v1"]
    assert 0 < report["duration_s"] < 120


def test_an_unseeded_run_reports_its_delta(recorded):
    runs, registry, _ = recorded
    report = rerun(registry, runs.noisy, timeout=120)
    assert report["status"] == "finished" and report["error"] is None
    assert report["reproduced"] is False
    [noise] = report["metrics"]
    assert noise["key"] == "noise" and noise["within_tolerance"] is False
    assert noise["delta"] == pytest.approx(noise["rerun"] - noise["original"])
    assert noise["delta"] != 0
    # A generous tolerance is the user's call: the comparison honours it.
    assert rerun(registry, runs.noisy, timeout=120, rtol=1e9)["reproduced"] is True


def test_use_artifact_without_a_version_gets_the_version_the_run_used(recorded):
    runs, registry, _ = recorded
    assert inputs_of(registry, runs.pinned) == ["notes:v1"]
    report = rerun(registry, runs.pinned, timeout=120)
    assert report["reproduced"] is True, report
    # v2 is the latest now; the re-run still read v1 (5 characters: "first")
    assert [m["rerun"] for m in report["metrics"]] == [5.0]
    assert inputs_of(registry, report["rerun"]) == ["notes:v1"]


def test_a_failing_program_is_reported_not_raised(recorded):
    runs, registry, _ = recorded
    report = rerun(registry, runs.fragile, timeout=120)
    assert_valid("rerun_report", report)
    assert report["status"] == "failed" and report["reproduced"] is False
    assert "side.txt" in report["error"] and "FileNotFoundError" in report["error"]
    assert report["metrics"][0]["rerun"] is None
    assert report["metrics"][0]["within_tolerance"] is False


def test_bad_options_and_unknown_runs_raise(recorded):
    _, registry, _ = recorded
    from mm_jupyter.errors import NotFoundError

    with pytest.raises(NotFoundError):
        rerun(registry, "no-such-run")
    for bad in ({"timeout": 0}, {"rtol": -1}, {"timeout": float("nan")}):
        with pytest.raises(ValueError):
            rerun(registry, "no-such-run", **bad)


def test_checkout_executes_to_the_same_metrics(recorded, tmp_path):
    runs, registry, home = recorded
    out = tmp_path / "out"
    result = checkout(registry, runs.clean, out)
    notebook = out / "clean.ipynb"
    assert result["notebook"] == str(notebook)
    assert result["inputs"] == [{"ref": "data.csv:v1", "path": "data.csv",
                                 "digest": result["inputs"][0]["digest"], "stored": True}]
    assert (out / "data.csv").is_file()
    pins = (out / "requirements.txt").read_text().splitlines()
    names = {p.split("==")[0].lower() for p in pins}
    assert {"mm-jupyter", "numpy", "pandas", "scikit-learn"} <= names
    assert all("==" in p for p in pins) and "jupyterlab" not in names
    nb = nbformat.read(notebook, as_version=4)
    header = nb.cells[0]
    assert header.cell_type == "markdown" and runs.clean in header.source
    assert "data.csv:v1" in header.source and str(home) in header.source
    assert nb.cells[1].source == "%load_ext mm_jupyter"
    assert nb.cells[-1].source.startswith("%%mm_track --name clean")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MM_JUPYTER_RERUN")}
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(out)}}).execute(env=env)
    newest = queries.list_runs(registry, filter="name = 'clean'", limit=1)[0]
    original = queries.get_run(registry, runs.clean)
    def results(run):
        return {k: v for k, v in run.metrics.items() if k != "fit_time_s"}

    assert newest.id != runs.clean and results(newest) == results(original)
    assert results(original)["acc"] == 1.0 and "coef" in results(original)


def test_checkout_payload_writes_nothing_and_matches_the_schema(recorded, tmp_path):
    runs, registry, _ = recorded
    payload = checkout_payload(registry, runs.pinned)
    assert_valid("checkout", payload)
    assert payload["name"] == "pinned.ipynb"
    assert payload["inputs"][0]["ref"] == "notes:v1"
    assert payload["notebook"]["cells"][-1]["source"].startswith("%%mm_track --name pinned")


def test_a_hostile_artifact_name_is_never_written_outside(recorded, tmp_path):
    _, registry, _ = recorded
    digest = registry.blobs.put_bytes(b"payload")
    folder = tmp_path / "inside"
    folder.mkdir()
    (folder / "link").symlink_to(tmp_path)
    names = ["../x", "/tmp/x", "a/../../x", "C:x", "a\\..\\x", "link/x", ".", ""]
    versions = [{"name": n, "ref": f"{n}:v1", "digest": digest, "stored": True,
                 "is_dir": False, "id": 0} for n in names]
    restored = restore_inputs(registry, versions, folder)
    assert [r["path"] for r in restored] == [None] * len(names)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inside"]
    assert [p.name for p in folder.iterdir()] == ["link"]
    assert safe_relative_path("data/train.csv") == "data/train.csv"
    assert restore_inputs(registry, [{**versions[0], "name": "sub/ok.bin"}], folder)[0][
        "path"] == "sub/ok.bin"
    assert (folder / "sub" / "ok.bin").read_bytes() == b"payload"


def test_the_public_api(recorded, clean_report):
    runs, _, home = recorded
    import mm_jupyter as mm
    from mm_jupyter.services.runs.session import get_session

    assert {"rerun", "checkout"} <= set(mm.__all__)
    session = get_session()
    session.reset_registry()
    try:
        written = mm.checkout(mm.get_run(runs.pinned), home.parent / "api-out")
        assert written.run == runs.pinned and written.venv is None
        assert written.to_dict()["inputs"][0]["ref"] == "notes:v1"
    finally:
        session.reset_registry()
    from mm_jupyter.api.reproduce import RerunReport

    report = RerunReport(**clean_report)  # what mm.rerun returns, read by attribute
    assert report.reproduced and report.to_dict() == json.loads(json.dumps(clean_report))
    assert repr(report) == f"<RerunReport {runs.clean} -> {report.rerun}: finished, reproduced>"
