"""Each run's ready export row (store/export_rows.py, migration 0014): the CSV written
from them is byte for byte the one written the long way, whatever queued, changed or
deleted meanwhile, on both backends; an older registry gets them when it upgrades."""

from __future__ import annotations

from test_runs_export_wide import make

from mm_jupyter.services.runs import export
from mm_jupyter.store import export_rows, runs


def both_ways(registry, monkeypatch, columns=None):
    """The CSV from the ready rows, and the CSV written the long way."""
    ready = "".join(export.csv_chunks(registry, columns=columns))
    with monkeypatch.context() as m:
        m.setattr(export._ReadyLines, "batch", lambda self, registry, ids: None)
        long_way = "".join(export.csv_chunks(registry, columns=columns))
    return ready, long_way


def test_ready_rows_write_the_same_csv_as_the_long_way(registry, monkeypatch):
    # Given runs with other keys, a separator in a key, odd values and a tag to quote
    ids = [make(registry, "a", params={"lr": 0.1, "big": 2**70, "s": "=1+1"},
                metrics={"acc": 0.5, "nan": float("nan")}, tags={"team": "a,b"}),
           make(registry, "b", params={"lr": 0.3, "depth": 4}, metrics={"loss": 1e300}),
           make(registry, "c", params={"k\x1fey": 1}, metrics={"acc": float("inf")}),
           make(registry, "d")]
    # When values change, runs are deleted, and then again with the queue not taken in
    ready, long_way = both_ways(registry, monkeypatch)
    assert ready == long_way and ready.count("\r\n") == 5
    runs.log_params(registry, ids[1], [("lr", 0.5, "explicit"), ("new", "x", "explicit")])
    runs.write_metric_points(registry, [(ids[1], "loss", 1, 0.25, 1764171426.0)])
    with registry.write() as conn:
        conn.execute("DELETE FROM runs WHERE id = ?", (ids[2],))
    ready, long_way = both_ways(registry, monkeypatch)
    assert ready == long_way and "0.25" in ready and ids[2] not in ready
    monkeypatch.setattr(export_rows, "catch_up", lambda registry: None)
    runs.log_params(registry, ids[0], [("lr", 0.7, "explicit")])
    ready, long_way = both_ways(registry, monkeypatch)
    # Then: the same bytes each time (the queued run read the long way)
    assert ready == long_way and "0.7" in ready


def test_chosen_columns_from_ready_rows_are_the_long_way_s_bytes(registry, monkeypatch):
    # Given runs with other keys, a text to quote and a formula
    make(registry, "a", params={"lr": 0.1, "s": "=1+1", "note": "x,y"},
         metrics={"acc": 0.5, "nan": float("nan")}, tags={"team": "a,b"})
    make(registry, "b", params={"lr": 0.3, "depth": 4}, metrics={"loss": 1e300})
    make(registry, "d")
    written = []
    batch = export._ReadyLines.batch
    monkeypatch.setattr(export._ReadyLines, "batch", lambda self, registry, ids: (
        written.append(batch(self, registry, ids)) or written[-1]))
    # When columns are chosen in any order: attributes among keys, a key no run has,
    # one column, the same column twice
    choices = ("name,params.lr,metrics.acc,tags.team,status",
               "metrics.acc,params.note,params.s,started_at,params.depth,tags.none",
               "params.lr", "name,name", "tags.team,metrics.loss,params.lr")
    for columns in choices:
        ready, long_way = both_ways(registry, monkeypatch, columns)
        # Then the ready rows give the long way's bytes
        assert ready == long_way, columns
        assert ready.count("\r\n") == 4
    assert all(text is not None for text in written)  # every batch from ready rows
    ready, _ = both_ways(registry, monkeypatch, "name,params.note,tags.team")
    assert '"x,y","a,b"' in ready
    # And with a run whose key holds a separator, its batch goes the long way alike
    make(registry, "c", params={"k\x1fey": 1, "lr": 2}, metrics={"acc": float("inf")})
    for columns in (*choices, "tags.team,params.k\x1fey,metrics.loss"):
        ready, long_way = both_ways(registry, monkeypatch, columns)
        assert ready == long_way and ready.count("\r\n") == 5, columns


def test_the_queue_holds_each_run_once_and_empties(registry):
    run_id = make(registry, "a", params={"lr": 0.1}, metrics={"acc": 0.5})
    for step in range(1, 4):
        runs.write_metric_points(registry, [(run_id, "acc", step, 0.1 * step, 1.0)])
    with registry.read() as conn:
        assert conn.execute("SELECT run_id FROM run_exports_pending").fetchall() == [
            (run_id,)]
    export_rows.catch_up(registry)
    with registry.read() as conn:
        assert conn.execute("SELECT count(*) FROM run_exports_pending").fetchone()[0] == 0
        row = conn.execute("SELECT param_keys, metric_keys, metric_cells FROM run_exports"
                           " WHERE run_id = ?", (run_id,)).fetchone()
    assert tuple(row) == ("lr", "acc", "0.30000000000000004")


def test_an_older_registry_gets_its_rows_when_it_upgrades(v4_registry, monkeypatch):
    with v4_registry.read() as conn:
        pending = conn.execute("SELECT count(*) FROM run_exports_pending").fetchone()[0]
        with_values = conn.execute(
            "SELECT count(*) FROM (SELECT run_id FROM params UNION"
            " SELECT run_id FROM latest_metrics)").fetchone()[0]
        built = conn.execute("SELECT count(*) FROM run_exports").fetchone()[0]
    assert (pending, built) == (0, with_values) and built > 0
    ready, long_way = both_ways(v4_registry, monkeypatch)
    assert ready == long_way
