"""Dataset profiles of logged DataFrames and data files, their notebook view, and the
diff of two dataset versions (Python API and CLI), with real pandas and a real registry."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import mm_jupyter as mm
from mm_jupyter.capture import profile as profile_module
from mm_jupyter.cli.main import main
from mm_jupyter.errors import NotFoundError
from mm_jupyter.services.artifacts import dataset_facts
from mm_jupyter.services.runs.session import get_session


@pytest.fixture
def reg(registry_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    get_session().reset_registry()
    yield mm.get_registry()
    get_session().reset_registry()


def customers(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "age": rng.integers(18, 90, n).astype(float),
        "plan": rng.choice(["basic", "pro", "team"], n, p=[0.6, 0.3, 0.1]),
        "signup": pd.date_range("2024-01-01", periods=n, freq="D"),
    })


def column(version, name):
    return next(c for c in version.profile["columns"] if c["name"] == name)


def test_a_logged_dataframe_has_a_profile_per_column(reg):
    df = customers()
    df.loc[3, "age"] = np.nan
    v = mm.log_artifact(df, name="customers")
    assert v.profile["rows"] == 200 and v.profile["sample_rows"] is None
    age = column(v, "age")
    assert age["kind"] == "numeric" and age["nulls"] == 1
    assert age["min"] == df["age"].min() and age["max"] == df["age"].max()
    assert age["mean"] == pytest.approx(df["age"].mean())
    assert age["std"] == pytest.approx(df["age"].std())
    plan = column(v, "plan")
    assert plan["kind"] == "categorical" and plan["distinct"] == 3
    assert plan["top"][0] == {"value": "basic", "count": int((df["plan"] == "basic").sum())}
    assert column(v, "signup") == {"name": "signup", "dtype": str(df["signup"].dtype),
                                   "kind": "datetime", "nulls": 0,
                                   "min": "2024-01-01 00:00:00", "max": str(df["signup"].max())}
    # the CSV format records the same facts
    assert mm.log_artifact(df, name="customers-csv", format="csv").profile == v.profile


def test_large_frames_are_profiled_on_evenly_spaced_rows(reg, monkeypatch):
    monkeypatch.setattr(profile_module, "MAX_ROWS", 100)
    monkeypatch.setattr(profile_module, "MAX_COLUMNS", 2)
    v = mm.log_artifact(customers(1000), name="big")
    assert v.profile["rows"] == 1000 and v.profile["sample_rows"] == 100
    assert v.profile["columns_total"] == 3 and len(v.profile["columns"]) == 2


def test_data_files_get_fingerprints_and_profiles_unless_too_large(reg, tmp_path, monkeypatch):
    df = customers()
    df.to_csv(tmp_path / "c.csv", index=False)
    df.to_parquet(tmp_path / "c.parquet")
    np.save(tmp_path / "a.npy", np.arange(10.0))
    csv = mm.log_artifact(tmp_path / "c.csv", name="c.csv")
    assert csv.kind == "dataset" and csv.profile["rows"] == 200
    assert csv.metadata["fingerprint"] == mm.get_artifact("c.csv").metadata["fingerprint"]
    parquet = mm.log_artifact(tmp_path / "c.parquet", name="c.parquet")
    assert column(parquet, "plan")["distinct"] == 3
    npy = mm.log_artifact(tmp_path / "a.npy", name="a.npy")
    assert npy.profile["columns"][0]["max"] == 9
    monkeypatch.setattr(dataset_facts, "MAX_CSV_BYTES", 10)
    df.iloc[:10].to_csv(tmp_path / "small.csv", index=False)
    too_big = mm.log_artifact(tmp_path / "small.csv", name="small.csv")
    assert "fingerprint" not in too_big.metadata and "profile" not in too_big.metadata
    assert too_big.metadata["columns"] == ["age", "plan", "signup"]  # the header still


def test_the_notebook_view_shows_the_profile_with_names_as_text(reg):
    df = pd.DataFrame({"<img src=x onerror=alert(1)>": [1.0, 2.0], "city": ["<b>x</b>", "y"]})
    v = mm.log_artifact(df, name="xss")
    html = v._repr_html_()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "2 rows" in html


def test_the_diff_of_two_versions_shows_schema_and_profile_changes(reg):
    df = customers()
    mm.log_artifact(df, name="customers")
    changed = df.drop(columns=["signup"]).assign(
        age=df["age"] + 1, score=np.linspace(0, 1, len(df)),
    )
    changed["plan"] = changed["plan"].replace({"team": "pro"})
    mm.log_artifact(changed, name="customers")
    diff = mm.diff_artifacts("customers:v1", "customers:v2")
    data = diff.data
    assert data["schema"]["added"] == [{"name": "score", "dtype": "float64"}]
    assert data["schema"]["removed"] == [{"name": "signup", "dtype": str(df["signup"].dtype)}]
    assert data["schema"]["unchanged"] == ["age", "plan"]
    age = next(c for c in data["columns"] if c["name"] == "age")
    assert age["changed"] and age["stats"]["mean"]["delta"] == pytest.approx(1.0)
    assert age["stats"]["nulls"] == {"a": 0, "b": 0, "delta": 0}
    plan = next(c for c in data["columns"] if c["name"] == "plan")
    assert plan["stats"]["distinct"] == {"a": 3, "b": 2, "delta": -1}
    assert data["summary"] == {"columns_added": 1, "columns_removed": 1, "dtypes_changed": 0,
                               "columns_changed": 2, "rows_changed": False,
                               "same_content": False}
    assert "+ score float64" in repr(diff) and "- signup" in repr(diff)
    assert "score" in diff._repr_html_()
    same = mm.diff_artifacts("customers:v1", "customers:v1").data
    assert same["same_content"] and not any(c["changed"] for c in same["columns"])


def test_the_cli_prints_the_diff_as_text_and_json(reg):
    df = customers()
    mm.log_artifact(df, name="customers")
    mm.log_artifact(df.assign(age=df["age"] * 2), name="customers")
    runner = CliRunner()
    text = runner.invoke(main, ["artifacts", "diff", "customers:v1", "customers:v2"])
    assert text.exit_code == 0, text.output
    assert "diff customers:v1 -> customers:v2" in text.output and "~ age" in text.output
    assert "mean:" in text.output
    out = runner.invoke(main, ["artifacts", "diff", "customers:v1", "customers@nope", "--json"])
    assert isinstance(out.exception, NotFoundError) and "nope" in str(out.exception)
    data = json.loads(runner.invoke(
        main, ["artifacts", "diff", "customers:v1", "customers:v2", "--json"]).output)
    assert data["summary"]["columns_changed"] == 1
