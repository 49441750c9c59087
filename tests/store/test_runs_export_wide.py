"""The exports' wide reading (store/runs_export.py wide_batches, services/runs/export.py):
the same cells as the per-key objects, on both backends, where its shortcuts could slip:
a key holding one of its separators, runs with other keys, keys in use when most runs
are selected, and batches of one run."""

from __future__ import annotations

import csv
import io
import math
import time

import pytest

from mm_jupyter.services.runs import export
from mm_jupyter.services.runs import frame as frames
from mm_jupyter.store import runs, runs_export


def make(registry, name, *, params=None, metrics=None, tags=None, archived=False):
    run = runs.NewRun(
        id=runs.new_run_id(), name=name, experiment="exp", started_at=runs.iso_now(),
        user="alice", tags=tags or {},
        params=[(k, v, "explicit") for k, v in (params or {}).items()])
    runs.create_run(registry, run)
    runs.write_metric_points(registry, [
        (run.id, key, 0, value, 1764171425.0) for key, value in (metrics or {}).items()])
    runs.finish_run(registry, run.id, status="finished", finished_at=runs.iso_now(),
                    duration_s=1.5)
    if archived:
        with registry.write() as conn:
            conn.execute("UPDATE runs SET archived_at = '2026-01-01T00:00:00Z' WHERE id = ?",
                         (run.id,))
    time.sleep(0.002)  # distinct start times: a definite order
    return run.id


@pytest.fixture
def odd(registry):
    return [
        make(registry, "plain", params={"lr": 0.1, "depth": 3}, metrics={"acc": 0.5},
             tags={"team": "risk"}),
        make(registry, "sep", params={"a\x1fb": "x", "lr": "0.2", "big": 2**70},
             metrics={"m\x1fn": 1 / 3, "acc": float("nan")}, tags={"team": "a,b\"c"}),
        make(registry, "odd", params={"list": [3, {"b": 1, "a": "=x"}], "none": None,
                                      "flag": False, "text": "line\nbreak, \"quoted\""},
             metrics={"acc": float("-inf"), "loss": 1e300}),
        make(registry, "bare"),
        make(registry, "hidden", params={"only_hidden": 1}, metrics={"hidden_m": 2.0},
             tags={"hidden_t": "x"}, archived=True),
    ]


def reference_rows(registry, names):
    """The CSV rows through the per-key objects (object_batches), cell by cell."""
    ids = runs_export.matching_ids(registry)
    rows = []
    for batch in runs_export.object_batches(registry, ids):
        for run in batch.runs:
            values = dict(zip(runs_export.ATTRIBUTES, run, strict=True))
            params = batch.params.get(run[0], {})
            metrics = {k: float(v) if isinstance(v, str) else v
                       for k, v in batch.metrics.get(run[0], {}).items()}
            tags = batch.tags.get(run[0], {})
            row = []
            for name in names:
                prefix, _, key = name.partition(".")
                source = {"params": params, "metrics": metrics, "tags": tags}.get(prefix)
                row.append(export.csv_text(values.get(name) if source is None
                                           else source.get(key)))
            rows.append(row)
    return rows


def test_csv_cells_match_the_per_key_objects(registry, odd, monkeypatch):
    for size in (runs_export.BATCH, 1):  # one batch; one run a batch
        monkeypatch.setattr(runs_export.wide_batches, "__defaults__", (size,))
        rows = list(csv.reader(io.StringIO("".join(export.csv_chunks(registry)))))
        names = rows[0]
        # Keys in use: the archived run's keys are left out (most runs are listed).
        assert not any("hidden" in n for n in names)
        assert "params.a\x1fb" in names and "metrics.m\x1fn" in names
        assert rows[1:] == reference_rows(registry, names)
    by_name = {r[1]: dict(zip(names, r, strict=True)) for r in rows[1:]}
    assert by_name["sep"]["params.a\x1fb"] == "x" and by_name["sep"]["params.big"] == str(2**70)
    assert float(by_name["sep"]["metrics.m\x1fn"]) == 1 / 3
    assert by_name["sep"]["metrics.acc"] == "NaN"
    assert by_name["odd"]["metrics.acc"] == "-Infinity"
    assert by_name["odd"]["params.list"] == '[3, {"a": "=x", "b": 1}]'
    assert by_name["odd"]["params.flag"] == "false"
    assert by_name["bare"]["params.lr"] == "" and by_name["bare"]["metrics.acc"] == ""


def test_chosen_columns_repeat_and_name_unused_keys(registry, odd):
    text = "".join(export.csv_chunks(registry, columns="name,params.lr,name,metrics.nope"))
    assert text.splitlines() == [
        "name,params.lr,name,metrics.nope", "bare,,bare,", "odd,,odd,", "sep,0.2,sep,",
        "plain,0.1,plain,"]
    assert "".join(export.csv_chunks(registry, columns="name", limit=2)).split() == [
        "name", "bare", "odd"]
    # Only the chosen keys are read: a subset of a run's keys, one holding a separator.
    names = ["name", "params.big", "params.lr", "metrics.m\x1fn", "metrics.acc", "tags.team"]
    rows = list(csv.reader(io.StringIO("".join(export.csv_chunks(registry, columns=names)))))
    assert rows[0] == names and rows[1:] == reference_rows(registry, names)


def test_frame_values_match_the_csv(registry, odd):
    pd = pytest.importorskip("pandas")
    frame = frames.runs_frame(registry).set_index("name")
    assert frame.loc["sep", "params.a\x1fb"] == "x"
    assert frame.loc["sep", "params.big"] == 2**70
    assert frame.loc["sep", "metrics.m\x1fn"] == 1 / 3
    assert math.isnan(frame.loc["sep", "metrics.acc"])
    assert frame.loc["odd", "metrics.acc"] == float("-inf")
    assert frame.loc["odd", "params.list"] == [3, {"b": 1, "a": "=x"}]
    assert pd.isna(frame.loc["bare", "params.depth"])
    assert pd.api.types.is_float_dtype(frame["metrics.loss"])
    assert not any("hidden" in c for c in frame.columns)


def test_keys_in_use_of_most_runs_and_of_few(registry, odd):
    ids = runs_export.matching_ids(registry)  # four of five: counted over all, minus one
    params, metrics, tags = runs_export.keys_in_use(registry, ids)
    assert "only_hidden" not in params and "hidden_m" not in metrics
    assert "hidden_t" not in tags and "team" in tags
    few = runs_export.keys_in_use(registry, [odd[0]])  # looked up run by run
    assert few == (["depth", "lr"], ["acc"], ["team"])
    assert runs_export.keys_in_use(registry, odd) == runs_export.keys_in_use(
        registry, odd, size=1)
