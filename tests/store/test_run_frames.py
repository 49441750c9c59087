"""Each run's ready frame values (store/frame_parts.py, migration 0016): mm.runs_frame
built from them equals the frame built the long way, whatever queued, changed or was
deleted meanwhile, on both backends; an older registry gets them when it upgrades."""

from __future__ import annotations

import pytest
from test_runs_export_wide import make

from mm_jupyter.services.runs import frame as frames
from mm_jupyter.store import export_rows, runs

pd = pytest.importorskip("pandas")


def both_ways(registry, monkeypatch, **options):
    """The frame from the ready rows, and the frame built the long way: every run
    queued, as if another writer held the lock when the export tried to take the
    queue in."""
    ready = frames.runs_frame(registry, **options)
    with registry.write() as conn:
        conn.execute("CREATE TEMP TABLE was_queued AS SELECT run_id FROM run_exports_pending")
        conn.execute("INSERT INTO run_exports_pending (run_id) SELECT id FROM runs WHERE true"
                     " ON CONFLICT DO NOTHING")
    with monkeypatch.context() as m:
        m.setattr(export_rows, "catch_up", lambda registry: None)
        long_way = frames.runs_frame(registry, **options)
    with registry.write() as conn:  # the queue as it was (the other rows are current)
        conn.execute("DELETE FROM run_exports_pending"
                     " WHERE run_id NOT IN (SELECT run_id FROM was_queued)")
        conn.execute("DROP TABLE was_queued")
    return ready, long_way


def assert_same(ready, long_way):
    pd.testing.assert_frame_equal(ready, long_way, check_exact=True)
    assert list(ready.dtypes) == list(long_way.dtypes)


def test_ready_rows_build_the_same_frame_as_the_long_way(registry, monkeypatch):
    # Given runs with other keys, a separator in a key, odd values, odd tags
    ids = [make(registry, "a", params={"lr": 0.1, "big": 2**70, "s": "=1+1",
                                       "obj": {"k": [1, 2.5, None]}, "flag": True},
                metrics={"acc": 0.5, "nan": float("nan"), "whole": 3.0},
                tags={"team": "a,b"}),
           make(registry, "b", params={"lr": 0.3, "depth": 4, "big": 5},
                metrics={"loss": 1e300, "whole": 4.0, "third": 1 / 3}),
           make(registry, "c", params={"k\x1fey": 1, "depth": 2**63},
                metrics={"acc": float("inf"), "neg": float("-inf"), "whole": -0.0}),
           make(registry, "d"),
           make(registry, "e", metrics={"acc": 0.25}, tags={"n": 1}),
           make(registry, "f", params={"lr": 1e-300, "depth": 7})]
    with registry.write() as conn:  # tags that are no JSON object
        conn.execute("UPDATE runs SET tags = '[1]' WHERE id = ?", (ids[3],))
        conn.execute("UPDATE runs SET tags = '{bad' WHERE id = ?", (ids[5],))
    # When read, then after values change and runs are deleted, then again with the
    # queue not taken in, and with a filter that leaves runs out
    ready, long_way = both_ways(registry, monkeypatch)
    assert len(ready) == 6
    assert_same(ready, long_way)
    runs.log_params(registry, ids[1], [("lr", 0.5, "explicit"), ("new", "x", "explicit")])
    runs.write_metric_points(registry, [(ids[1], "loss", 1, 0.25, 1764171426.0)])
    with registry.write() as conn:
        conn.execute("DELETE FROM runs WHERE id = ?", (ids[2],))
    ready, long_way = both_ways(registry, monkeypatch)
    assert_same(ready, long_way)
    assert ids[2] not in set(ready["run_id"])
    assert ready.set_index("run_id").loc[ids[1], "metrics.loss"] == 0.25
    monkeypatch.setattr(export_rows, "catch_up", lambda registry: None)
    runs.log_params(registry, ids[0], [("lr", 0.7, "explicit")])
    runs.write_metric_points(registry, [(ids[4], "acc", 1, 0.75, 1764171427.0)])
    with registry.read() as conn:
        assert conn.execute("SELECT count(*) FROM run_exports_pending").fetchone()[0] == 2
    ready, long_way = both_ways(registry, monkeypatch)
    # Then: the same frame each time (the queued runs read the long way)
    assert_same(ready, long_way)
    by_id = ready.set_index("run_id")
    assert by_id.loc[ids[0], "params.lr"] == 0.7 and by_id.loc[ids[4], "metrics.acc"] == 0.75
    ready, long_way = both_ways(registry, monkeypatch, q="a")
    assert_same(ready, long_way)


def test_runs_of_one_key_set_give_typed_columns(registry, monkeypatch):
    # Given runs that all have the same params and metrics (the common case: one group)
    for i in range(4):
        make(registry, f"r{i}", params={"depth": i, "lr": 0.1 * i, "model": "rf"},
             metrics={"acc": 0.5 + i / 10, "whole": float(i)})
    # When the frame is read both ways
    ready, long_way = both_ways(registry, monkeypatch)
    # Then they agree, numbers are numbers and metrics floats on both backends
    assert_same(ready, long_way)
    assert ready["params.depth"].dtype == "int64"
    assert ready["params.lr"].dtype == "float64"
    assert ready["metrics.whole"].dtype == "float64"
    assert list(ready["params.model"]) == ["rf"] * 4
    assert sorted(ready["metrics.acc"]) == [0.5, 0.6, 0.7, 0.8]


@pytest.mark.parametrize(("column", "damage"), [
    ("frame_params", "[1"),  # no JSON
    ("frame_params", "[1,2]"),  # fewer values than keys
    ("frame_metrics", b"\x00"),  # no whole float64
])
def test_a_damaged_ready_row_is_read_the_long_way(registry, monkeypatch, column, damage):
    # Given three runs of one key set, one of whose ready rows was written by hand
    ids = [make(registry, f"r{i}", params={"a": i, "b": "x", "c": True},
                metrics={"acc": i / 4}) for i in range(3)]
    export_rows.catch_up(registry)
    with registry.write() as conn:
        conn.execute(f"UPDATE run_exports SET {column} = ? WHERE run_id = ?", (damage, ids[1]))
    # When the frame is read
    ready, long_way = both_ways(registry, monkeypatch)
    # Then the damaged run's values come from the params and metrics themselves
    assert_same(ready, long_way)
    by_id = ready.set_index("run_id")
    assert by_id.loc[ids[1], "params.a"] == 1 and by_id.loc[ids[1], "metrics.acc"] == 0.25


def test_a_row_built_before_the_upgrade_is_read_the_long_way(registry, monkeypatch):
    run_id = make(registry, "a", params={"lr": 0.1}, metrics={"acc": 0.5})
    export_rows.catch_up(registry)
    with registry.write() as conn:
        conn.execute("UPDATE run_exports SET frame_param_keys = NULL")
    ready, long_way = both_ways(registry, monkeypatch)
    assert_same(ready, long_way)
    assert ready.loc[0, "run_id"] == run_id and ready.loc[0, "params.lr"] == 0.1


def test_an_older_registry_gets_its_frame_rows_when_it_upgrades(v4_registry, monkeypatch):
    with v4_registry.read() as conn:
        pending = conn.execute("SELECT count(*) FROM run_exports_pending").fetchone()[0]
        missing = conn.execute(
            "SELECT count(*) FROM run_exports WHERE frame_param_keys IS NULL").fetchone()[0]
        built = conn.execute("SELECT count(*) FROM run_exports").fetchone()[0]
    assert (pending, missing) == (0, 0) and built > 0
    ready, long_way = both_ways(v4_registry, monkeypatch)
    assert_same(ready, long_way)
