"""Data passed to fit() as a run's inputs (lineage source 'fit'), with real pandas,
numpy, scikit-learn and a real registry: linked to logged versions when the data is
theirs, else recorded as fingerprint-only dataset versions (or stored, on request)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import mm_jupyter as mm
from mm_jupyter.errors import FingerprintOnlyError
from mm_jupyter.services.artifacts import catalog, maintenance
from mm_jupyter.services.artifacts.materialize import export_version
from mm_jupyter.services.runs import fit_inputs
from mm_jupyter.services.runs.fit_inputs import record_fit_inputs
from mm_jupyter.services.runs.session import get_session


@pytest.fixture
def reg(registry_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    get_session().reset_registry()
    yield mm.get_registry()
    fit_inputs.set_dataset_mode("fingerprint")
    get_session().reset_registry()


def churn(n=400, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "age": rng.integers(18, 90, n),
        "income": rng.normal(50_000, 10_000, n).round(2),
        "plan": rng.choice(["basic", "pro"], n),
        "churned": rng.integers(0, 2, n),
    })


def fit_in_run(reg, name, X, y, names=("X_train", "y_train")):
    """A run that fits a model on X, y and records them the way the autolog hook does."""
    with mm.track(name) as run:
        features = X.select_dtypes("number") if isinstance(X, pd.DataFrame) else X
        model = LogisticRegression(max_iter=200).fit(features, y)
        record_fit_inputs(reg, run.id, dict(zip(names, (X, y), strict=True)))
    return run.id, model


def edges_of(reg, run_id):
    graph = catalog.lineage_graph(reg, run=run_id, depth=1)
    return {e["source"]: e["via"] for e in graph["edges"] if e["kind"] == "input"}


def test_unknown_data_becomes_fingerprint_only_dataset_versions_with_a_profile(reg):
    df = churn()
    X, y = df[["age", "income"]], df["churned"]
    run_id, _ = fit_in_run(reg, "train", X, y)
    assert edges_of(reg, run_id) == {"version:X_train:v1": "fit", "version:y_train:v1": "fit"}
    x = mm.get_artifact("X_train")
    assert x.kind == "dataset" and x.stored is False and x.format == "fingerprint"
    assert x.size == 0 and x.metadata["source"] == "fit" and x.metadata["rows"] == 400
    assert x.metadata["columns"] == {"age": "int64", "income": "float64"}
    assert x.digest == x.metadata["fingerprint"]
    assert [c["name"] for c in x.profile["columns"]] == ["age", "income"]
    income = x.profile["columns"][1]
    assert income["kind"] == "numeric" and income["min"] == float(df["income"].min())
    assert "fingerprint only" in repr(x)
    version = catalog.artifact_detail(reg, "X_train")["versions"][0]
    assert version["stored"] is False and [c["id"] for c in version["consumers"]] == [run_id]
    assert version["producer"] is None  # the run read it; it did not make it


def test_the_same_data_again_links_the_same_versions(reg):
    df = churn()
    fit_in_run(reg, "first", df[["age"]], df["churned"])
    run_id, _ = fit_in_run(reg, "again", df[["age"]].copy(), df["churned"].to_numpy(),
                           names=("features", "labels"))
    # the ndarray y is the Series' column: same digest, linked to y_train
    assert edges_of(reg, run_id) == {"version:X_train:v1": "fit", "version:y_train:v1": "fit"}
    assert [a.name for a in mm.list_artifacts()] == ["y_train", "X_train"]


def test_data_read_back_from_a_logged_csv_links_the_logged_version(reg, tmp_path):
    churn().to_csv(tmp_path / "churn.csv", index=False)
    with mm.track("prep"):
        logged = mm.log_artifact("churn.csv", name="churn.csv", kind="dataset")
    assert logged.metadata["fingerprint"] and logged.profile["rows"] == 400
    df = pd.read_csv(tmp_path / "churn.csv")
    X, y = df.drop(columns=["churned"]), df["churned"]
    run_id, model = fit_in_run(reg, "train", X, y)
    # X is three of its columns, y one: both are churn.csv:v1
    assert edges_of(reg, run_id) == {"version:churn.csv:v1": "fit"}
    assert [a.name for a in mm.list_artifacts()] == ["churn.csv"]
    # A model registered from the run carries the lineage up to the file.
    version = mm.register_model(model, "churn-clf", run=run_id)
    graph = mm.lineage(f"churn-clf:v{version.version}").graph
    ids = {n["id"] for n in graph["nodes"]}
    assert {"version:churn.csv:v1", f"run:{run_id}"} <= ids
    assert {"source": "version:churn.csv:v1", "target": f"run:{run_id}", "kind": "input",
            "via": "fit"} in graph["edges"]


def test_a_logged_dataframe_is_matched_exactly(reg):
    df = churn()
    mm.log_artifact(df, name="churn")
    run_id, _ = fit_in_run(reg, "train", df, df["churned"])
    assert edges_of(reg, run_id) == {"version:churn:v1": "fit"}


def test_store_mode_keeps_the_bytes(reg):
    fit_inputs.set_dataset_mode("store")
    df = churn()
    X, y = df[["age", "income"]], df["churned"]
    fit_in_run(reg, "train", X, y)
    x = mm.get_artifact("X_train")
    assert x.stored and x.format == "parquet" and x.size > 0
    assert x.metadata["fingerprint"] and x.profile["rows"] == 400
    pd.testing.assert_frame_equal(mm.use_artifact("X_train", load=True), X)
    arr = np.arange(12.0).reshape(4, 3)
    with mm.track("arrays") as run:
        record_fit_inputs(reg, run.id, {"A": arr})
    np.testing.assert_array_equal(mm.use_artifact("A", load=True), arr)
    with pytest.raises(ValueError, match="dataset mode"):
        fit_inputs.set_dataset_mode("everything")


def test_fingerprint_only_versions_have_no_bytes_to_read(reg, tmp_path):
    df = churn()
    fit_in_run(reg, "train", df[["age"]], df["churned"])
    for read in (lambda: mm.use_artifact("X_train"), lambda: mm.use_artifact("X_train", load=True),
                 lambda: export_version(reg, "X_train:v1", tmp_path / "out")):
        with pytest.raises(FingerprintOnlyError, match="fingerprint only: its bytes were not stored"):
            read()
    assert not (tmp_path / "out").exists()
    with mm.track("reader") as reader, pytest.raises(FingerprintOnlyError):
        mm.use_artifact("X_train")
    assert edges_of(reg, reader.id) == {}  # a run cannot have read bytes that do not exist
    report = maintenance.verify_blobs(reg)
    assert report["missing"] == [] and report["fingerprint_only"] == 2


def test_odd_values_are_skipped_and_names_that_clash_get_a_suffix(reg, recwarn):
    model = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    mm.register_model(model, "X")
    with mm.track("odd") as run:
        record_fit_inputs(reg, run.id, {"gen": iter([1, 2]), "none": None, "X": [[0.0], [1.0]],
                                        "bad:name@x": np.zeros(3)})
    names = {a.name for a in mm.list_artifacts(kind="dataset")}
    assert names == {"X-data", "bad_name_x"}
    assert not [w for w in recwarn if "not recorded" in str(w.message)]


def test_a_failing_registry_warns_once_and_never_raises(reg, monkeypatch):
    from mm_jupyter.errors import RegistryError
    from mm_jupyter.store import artifact_queries

    def broken(*args, **kwargs):
        raise RegistryError("disk on fire")

    monkeypatch.setattr(artifact_queries, "versions_with_fingerprint", broken)
    get_session().forget_warning("fit-inputs")
    with mm.track("t") as run, pytest.warns(Warning, match="not recorded .*disk on fire"):
        record_fit_inputs(reg, run.id, {"X": np.zeros((3, 2)), "y": np.zeros(3)})
