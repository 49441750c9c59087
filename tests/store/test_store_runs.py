"""The run store: values round-trip exactly, lookups, liveness, blobs."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time

import pytest

from mm_jupyter.errors import BlobCorruptedError, NotFoundError
from mm_jupyter.store import queries, run_columns, runs
from mm_jupyter.store.details import run_detail
from mm_jupyter.store.liveness import STALE_AFTER_S, reap_dead_runs


def make_run(registry, name="r", experiment="e", **kw):
    run = runs.NewRun(
        id=runs.new_run_id(), name=name, experiment=experiment,
        started_at=runs.iso_now(), **kw,
    )
    runs.create_run(registry, run)
    return run.id


# -0.0 is the one value that does not keep its sign: SQLite stores it as 0.0.
@pytest.mark.parametrize(
    "value", [0.5, 1e308, -1e-308, float("inf"), float("-inf"), float("nan"), 2.0**70]
)
def test_metric_values_round_trip_exactly(registry, value):
    run_id = make_run(registry)
    runs.write_metric_points(registry, [(run_id, "m", 0, value, time.time())])
    point = run_detail(registry, run_id)["metrics"]["m"][0]["value"]
    latest = queries.get_run_summary(registry, run_id)["metrics"]["m"]
    for got in (point, latest):
        if math.isnan(value):
            assert math.isnan(got)
        else:
            assert got == value and math.copysign(1, got) == math.copysign(1, value)


def test_latest_metric_is_the_highest_step(registry):
    run_id = make_run(registry)
    now = time.time()
    runs.write_metric_points(registry, [(run_id, "loss", 5, 0.1, now), (run_id, "loss", 2, 0.9, now)])
    assert queries.get_run_summary(registry, run_id)["metrics"]["loss"] == 0.1
    series = run_detail(registry, run_id)["metrics"]["loss"]
    assert [p["step"] for p in series] == [2, 5]


def test_params_keep_json_values_and_sources(registry):
    run_id = make_run(registry, params=[("lr", 0.1, "auto"), ("layers", [64, 32], "explicit"),
                                        ("name", "gbm", "namespace")])
    runs.log_params(registry, run_id, [("lr", 0.2, "explicit")])
    detail = run_detail(registry, run_id)
    assert detail["run"]["params"] == {"lr": 0.2, "layers": [64, 32], "name": "gbm"}
    assert detail["param_sources"] == {"lr": "explicit", "layers": "explicit", "name": "namespace"}


def test_unserialisable_param_is_stored_as_a_bounded_repr(registry):
    class Hostile:
        def __repr__(self):
            raise RuntimeError("no repr")

    run_id = make_run(registry, params=[("obj", Hostile(), "explicit"), ("big", "x" * 50_000, "explicit")])
    params = queries.get_run_summary(registry, run_id)["params"]
    assert params["obj"].startswith("<") and "Hostile" in params["obj"]
    assert len(params["big"]) < 11_000 and "truncated" in params["big"]


def test_runs_resolve_by_id_prefix_and_latest_name(registry):
    first = make_run(registry, name="same")
    time.sleep(0.002)
    second = make_run(registry, name="same")
    assert queries.resolve_run(registry, "same") == second
    assert queries.resolve_run(registry, first) == first
    assert queries.resolve_run(registry, first[:8]) == first
    with pytest.raises(NotFoundError, match="no run"):
        queries.resolve_run(registry, "missing")


def test_sort_by_metric_puts_runs_without_it_last(registry):
    ids = {}
    for name, acc in [("a", 0.5), ("b", 0.9), ("c", None), ("d", float("nan"))]:
        ids[name] = make_run(registry, name=name)
        if acc is not None:
            runs.write_metric_points(registry, [(ids[name], "acc", 0, acc, time.time())])
    page = queries.query_runs(registry, sort="metric:acc", order="desc")
    assert [r["name"] for r in page["runs"]][:2] == ["b", "a"]
    assert {r["name"] for r in page["runs"][2:]} == {"c", "d"}
    asc = queries.query_runs(registry, sort="metric:acc", order="asc", limit=1, offset=1)
    assert [r["name"] for r in asc["runs"]] == ["b"]
    with pytest.raises(ValueError, match="unknown sort"):
        queries.query_runs(registry, sort="bogus")


def test_changes_cursor_moves_on_writes(registry):
    before = registry.change_seq()
    make_run(registry)
    assert queries.changes(registry, before)["changed"] is True
    assert queries.changes(registry, registry.change_seq())["changed"] is False


def test_dead_pid_on_this_host_is_reaped_as_killed(registry):
    import socket

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    run_id = make_run(registry, host=socket.gethostname(), pid=proc.pid, heartbeat_ts=time.time())
    assert reap_dead_runs(registry) == [run_id]
    assert queries.get_run_summary(registry, run_id)["status"] == "killed"


def test_stale_heartbeat_on_another_host_is_reaped(registry):
    fresh = make_run(registry, host="elsewhere", pid=1, heartbeat_ts=time.time())
    stale = make_run(registry, host="elsewhere", pid=1, heartbeat_ts=time.time() - STALE_AFTER_S - 1)
    assert reap_dead_runs(registry) == [stale]
    assert queries.get_run_summary(registry, fresh)["status"] == "running"


def test_live_process_run_is_not_reaped(registry):
    import socket

    run_id = make_run(registry, host=socket.gethostname(), pid=os.getppid(), heartbeat_ts=time.time())
    assert reap_dead_runs(registry) == []
    assert queries.get_run_summary(registry, run_id)["status"] == "running"


def test_blob_round_trip_and_corruption_is_detected(registry):
    digest = registry.blobs.put_bytes(b"hello")
    assert registry.blobs.put_bytes(b"hello") == digest
    assert registry.blobs.get_bytes(digest) == b"hello"
    path = registry.blobs.path_for(digest)
    assert not os.access(path, os.W_OK) or os.geteuid() == 0  # stored read-only
    os.chmod(path, 0o644)
    path.write_bytes(b"hellO")
    with pytest.raises(BlobCorruptedError, match=digest):
        registry.blobs.get_bytes(digest)
    path.unlink()
    with pytest.raises(NotFoundError, match="missing"):
        registry.blobs.get_bytes(digest)
    with pytest.raises(ValueError, match="not a sha256"):
        registry.blobs.path_for("../../etc/passwd")


def test_finish_run_records_outputs_and_status(registry):
    run_id = make_run(registry)
    runs.finish_run(
        registry, run_id, status="failed", finished_at=runs.iso_now(), duration_s=1.5,
        error="Traceback...\nValueError: x",
        outputs=[runs.OutputRecord(0, "stream", name="stdout", text="hi\n")],
    )
    detail = run_detail(registry, run_id)
    assert detail["run"]["status"] == "failed" and detail["run"]["duration_s"] == 1.5
    assert detail["outputs"][0]["text"] == "hi\n"
    assert detail["error"].endswith("ValueError: x")
    with pytest.raises(ValueError, match="cannot finish"):
        runs.finish_run(registry, run_id, status="running", finished_at="", duration_s=0)


def test_one_unreadable_record_does_not_hide_the_others(registry):
    good = make_run(registry, name="good", params=[("a", 1, "auto")])
    bad = make_run(registry, name="bad", params=[("a", 2, "auto")])
    with registry.write() as conn:
        conn.execute("UPDATE params SET value = '{broken' WHERE run_id = ?", (bad,))
        conn.execute("UPDATE runs SET tags = 'nope' WHERE id = ?", (bad,))
    page = {r["id"]: r for r in queries.query_runs(registry)["runs"]}
    assert page[good]["params"] == {"a": 1}
    assert "_unreadable" in page[bad]["params"]["a"] and "_unreadable" in page[bad]["tags"]


def test_keys_lists_each_distinct_key_once(registry):
    for i in range(3):
        run_id = make_run(registry, experiment=f"e{i % 2}", params=[("lr", i, "auto"), ("d", 1, "auto")])
        runs.write_metric_points(registry, [(run_id, "acc", 0, 0.1, time.time()),
                                            (run_id, "loss", 0, 0.2, time.time())])
    assert run_columns.keys(registry) == {
        "experiments": ["e0", "e1"], "metrics": ["acc", "loss"], "params": ["d", "lr"],
        "metric_counts": {"acc": 3, "loss": 3}, "varying_params": ["lr"], "tag_keys": [],
    }


def test_long_series_survive_strict_json():
    from mm_jupyter.encoding import payload_dumps

    payload = {"series": [{"value": float(i)} for i in range(5000)], "x": float("nan")}
    text = payload_dumps(payload)
    assert '"NaN"' in text and text.count('"value"') == 5000
