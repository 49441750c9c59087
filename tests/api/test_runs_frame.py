"""mm.list_runs(filter=...) and mm.runs_frame(): the Python face of the filter language
and of the export, on a real registry (runs written through mm.track)."""

from __future__ import annotations

import math
import time

import pytest

import mm_jupyter as mm
from mm_jupyter.core.run_filter import FilterError
from mm_jupyter.services.runs.session import get_session

pd = pytest.importorskip("pandas")


@pytest.fixture
def reg(registry_dir):
    get_session().reset_registry()
    registry = mm.get_registry()
    with mm.track("baseline", experiment="churn", tags={"team": "risk"},
                  params={"lr": 0.1, "depth": 3, "opt": "adam"}, capture_outputs=False):
        mm.log_metric("acc", 0.91)
        mm.log_metric("loss", float("nan"))
    time.sleep(0.01)  # distinct start times: a definite newest-first order
    with mm.track("tuned", experiment="churn", tags={"team": "growth"},
                  params={"lr": 0.01, "depth": 5, "opt": "sgd", "big": 2**70},
                  capture_outputs=False):
        mm.log_metric("acc", 0.95)
    time.sleep(0.01)
    with mm.track("other", experiment="fraud", params={"lr": 0.5},
                  capture_outputs=False):
        mm.log_metric("acc", 0.5)
        mm.log_metric("peak", float("-inf"))
        mm.log_metric("third", 1 / 3)  # needs 16-17 digits to read back exactly
    yield registry
    get_session().reset_registry()


def test_list_runs_takes_the_filter_sort_and_archived(reg):
    found = mm.list_runs(filter="metrics.acc > 0.9 and params.lr <= 0.1", sort="metric:acc",
                         order="asc")
    assert [r.name for r in found] == ["baseline", "tuned"]
    assert [r.name for r in mm.list_runs("churn", filter="tags.team = 'growth'")] == ["tuned"]
    with reg.write() as conn:
        conn.execute("UPDATE runs SET archived_at = '2026-01-01T00:00:00Z' WHERE name = 'other'")
    assert [r.name for r in mm.list_runs()] == ["tuned", "baseline"]
    assert len(mm.list_runs(include_archived=True)) == 3
    assert [r.name for r in mm.list_runs(archived="only")] == ["other"]
    assert mm.list_runs(archived="only")[0].archived_at == "2026-01-01T00:00:00Z"
    with pytest.raises(ValueError, match="contradicts"):
        mm.list_runs(include_archived=True, archived="only")


def test_a_bad_filter_raises_filter_error_naming_the_token(reg):
    with pytest.raises(FilterError) as info:
        mm.list_runs(filter="metrics.acc >> 1")
    assert info.value.column == 14 and info.value.token == ">"
    with pytest.raises(ValueError, match="at column 1"):
        mm.runs_frame(filter="bogus = 1")


def test_runs_frame_is_one_row_per_run_like_search_runs(reg):
    frame = mm.runs_frame()
    assert list(frame.columns) == [
        "run_id", "name", "experiment", "status", "user", "start_time", "end_time",
        "duration_s", "params.big", "params.depth", "params.lr", "params.opt",
        "metrics.acc", "metrics.loss", "metrics.peak", "metrics.third", "tags.script",
        "tags.team"]
    assert list(frame["name"]) == ["other", "tuned", "baseline"]  # newest first
    tuned = frame.set_index("name").loc["tuned"]
    assert tuned["params.lr"] == 0.01 and tuned["params.depth"] == 5
    assert tuned["params.big"] == 2**70  # exact, not a float
    assert tuned["params.opt"] == "sgd" and tuned["tags.team"] == "growth"
    assert pd.api.types.is_float_dtype(frame["params.lr"])
    assert pd.api.types.is_numeric_dtype(frame["params.depth"])
    assert pd.api.types.is_datetime64_any_dtype(frame["start_time"])
    assert str(frame["start_time"].dt.tz) == "UTC"
    baseline = frame.set_index("name").loc["baseline"]
    assert math.isnan(baseline["metrics.loss"]) and baseline["metrics.acc"] == 0.91
    assert pd.isna(frame.set_index("name").loc["other", "params.opt"])
    assert frame.set_index("name").loc["other", "metrics.peak"] == float("-inf")
    assert frame.set_index("name").loc["other", "metrics.third"] == 1 / 3  # exactly
    assert pd.api.types.is_float_dtype(frame["metrics.peak"])
    assert frame["run_id"].tolist() == [r.id for r in mm.list_runs()]


def test_runs_frame_takes_the_list_options(reg):
    frame = mm.runs_frame("params.opt in ('adam', 'sgd')", experiment="churn",
                          sort="metric:acc", order="desc")
    assert frame["name"].tolist() == ["tuned", "baseline"]
    empty = mm.runs_frame(filter="metrics.acc > 2")
    assert len(empty) == 0 and list(empty.columns)[:3] == ["run_id", "name", "experiment"]


def test_runs_frame_without_pandas_says_what_to_install(reg, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match=r"mm\.runs_frame needs pandas: pip install pandas"):
        mm.runs_frame()
