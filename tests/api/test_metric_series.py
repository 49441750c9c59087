"""mm.log_metric_series and the bounded metric buffer (issue 16, target 2), read back
through the registry (SQLite, or PostgreSQL with --registry-backend=postgresql)."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

import mm_jupyter as mm
from mm_jupyter.errors import MMError
from mm_jupyter.services.runs import metric_buffer
from mm_jupyter.services.runs import session as session_mod
from mm_jupyter.services.runs.session import get_session
from mm_jupyter.store.details import run_detail


@pytest.fixture
def reg(registry_dir):
    session = get_session()
    session.reset_registry()
    yield mm.get_registry()
    session.reset_registry()


def series_of(run_id, key):
    points = run_detail(mm.get_registry(), run_id)["metrics"].get(key, [])
    return [(p["step"], p["value"]) for p in points]


def count_rows(run_id):
    with mm.get_registry().read() as conn:
        return conn.execute("SELECT count(*) FROM metrics WHERE run_id = ?",
                            (run_id,)).fetchone()[0]


@pytest.mark.parametrize("kind", ["numpy", "list", "tuple", "generator"])
def test_values_are_read_back_exactly_with_steps_from_zero(reg, kind):
    values = [0.5, 0.25, 1e-300, -3.0, 7]
    given = {"numpy": lambda: np.array(values, dtype=float), "list": lambda: values,
             "tuple": lambda: tuple(values), "generator": lambda: (v for v in values)}[kind]()
    with mm.track("series", capture_outputs=False) as run:
        mm.log_metric_series("loss", given)
    assert series_of(run.id, "loss") == [(i, float(v)) for i, v in enumerate(values)]
    assert mm.get_run(run.id).metrics["loss"] == 7.0


def test_numpy_dtypes_and_explicit_steps(reg):
    with mm.track("dtypes", capture_outputs=False) as run:
        mm.log_metric_series("f32", np.array([0.5, 1.5], dtype=np.float32),
                             steps=np.array([10, 20], dtype=np.uint8))
        mm.log_metric_series("ints", np.arange(3, dtype=np.int64), steps=[5, 2, 9])
        mm.log_metric_series("objects", np.array([np.float64(1.5), 2], dtype=object))
        mm.log_metric_series("scalars", [np.float64(0.1), np.float32(0.5), np.int64(3)])
        for v in (0.25, 0.5):  # numpy floats take log_metric's fast path after the first
            mm.log_metric("np", np.float64(v))
        mm.log_metric("np", np.float64(0.75), step=7)
        mm.log_metric("np", np.float32(1.5))
    assert series_of(run.id, "f32") == [(10, 0.5), (20, 1.5)]
    assert series_of(run.id, "ints") == [(2, 1.0), (5, 0.0), (9, 2.0)]  # by step
    assert series_of(run.id, "objects") == [(0, 1.5), (1, 2.0)]
    assert series_of(run.id, "scalars") == [(0, 0.1), (1, float(np.float32(0.5))), (2, 3.0)]
    assert mm.get_run(run.id).metrics["ints"] == 2.0  # the highest step's value
    assert series_of(run.id, "np") == [(0, 0.25), (1, 0.5), (7, 0.75), (8, 1.5)]


def test_interleaving_with_log_metric_keeps_one_step_sequence(reg):
    with mm.track("interleave", capture_outputs=False) as run:
        mm.log_metric("acc", 0.1)  # step 0
        mm.log_metric_series("acc", [0.2, 0.3])  # steps 1, 2
        mm.log_metric("acc", 0.4)  # step 3
        mm.log_metric_series("acc", np.array([0.5]), steps=[10])
        mm.log_metric("acc", 0.6)  # step 11: after the highest
        mm.log_metric_series("acc", [0.7], steps=[4])  # below: the next stays 12
        mm.log_metric_series("acc", np.array([0.8, 0.9]))  # steps 12, 13
        mm.log_metric("acc", 1.0, step=-5)
        mm.log_metric("acc", 1.1)  # step 14
    assert series_of(run.id, "acc") == [
        (-5, 1.0), (0, 0.1), (1, 0.2), (2, 0.3), (3, 0.4), (4, 0.7), (10, 0.5),
        (11, 0.6), (12, 0.8), (13, 0.9), (14, 1.1),
    ]


def test_nan_and_infinities_are_stored_as_log_metric_stores_them(reg):
    special = [math.nan, math.inf, -math.inf, 0.0]
    with mm.track("special", capture_outputs=False) as run:
        for v in special:
            mm.log_metric("one", v)
        mm.log_metric_series("many", np.array(special))
        mm.log_metric_series("listed", special)
    one = series_of(run.id, "one")
    for key in ("many", "listed"):
        got = series_of(run.id, key)
        assert [s for s, _ in got] == [s for s, _ in one] == [0, 1, 2, 3]
        assert math.isnan(got[0][1]) and math.isnan(one[0][1])
        assert [v for _, v in got[1:]] == [v for _, v in one[1:]] == special[1:]


BAD_VALUES = [
    ([1.0, 2.0, "3"], TypeError, r"values\[2\] of metric 'loss'"),
    ([1.0, True], TypeError, r"values\[1\] of metric 'loss'"),
    ([0.5, 2**2000], ValueError, r"beyond float range.*values\[1\]"),
    ([None], TypeError, r"values\[0\]"),
    (np.array([True, False]), TypeError, r"values\[0\]"),
    (np.array([1 + 2j]), TypeError, r"values\[0\]"),
    (np.zeros((2, 2)), ValueError, "1-D"),
    ("0.5", TypeError, "list, tuple or 1-D array"),
    (0.5, TypeError, "list, tuple or 1-D array"),
]


@pytest.mark.parametrize(("values", "error", "message"), BAD_VALUES)
def test_a_bad_value_names_key_and_index_and_nothing_is_logged(reg, values, error, message):
    with mm.track("bad", capture_outputs=False) as run:
        mm.log_metric_series("other", [1.0])
        with pytest.raises(error, match=message):
            mm.log_metric_series("loss", values)
        mm.log_metric("loss", 9.0)  # the key starts at step 0: nothing was logged
    assert series_of(run.id, "loss") == [(0, 9.0)]
    assert series_of(run.id, "other") == [(0, 1.0)]


BAD_STEPS = [
    ([0, 2**70], ValueError, r"step 1180591620717411303424 of metric 'loss' is out of range"
                             r".*steps\[1\]"),
    ([0, True], TypeError, r"must be an int, not True.*steps\[1\]"),
    ([0, None], TypeError, r"steps\[1\]"),
    ([0, "x"], TypeError, r"steps\[1\]"),
    ([0], ValueError, "2 values but 1 steps"),
    (np.array([0, 2**64 - 1], dtype=np.uint64), ValueError, r"out of range.*steps\[1\]"),
    (np.array([True, False]), TypeError, r"steps\[0\]"),
]


@pytest.mark.parametrize(("steps", "error", "message"), BAD_STEPS)
def test_a_bad_step_names_key_and_index_and_nothing_is_logged(reg, steps, error, message):
    with mm.track("bad-steps", capture_outputs=False) as run:
        with pytest.raises(error, match=message):
            mm.log_metric_series("loss", [1.0, 2.0], steps=steps)
        mm.log_metric("loss", 9.0)
    assert series_of(run.id, "loss") == [(0, 9.0)]


def test_steps_log_metric_would_take_are_taken(reg):
    # log_metric takes a step it can make an int of (not bool): the series does too.
    with mm.track("lenient", capture_outputs=False) as run:
        mm.log_metric_series("loss", [1.0, 2.0], steps=[np.int64(3), 4.0])
        mm.log_metric("same", 1.0, step=np.int64(3))
        mm.log_metric("same", 2.0, step=4.0)
    assert series_of(run.id, "loss") == series_of(run.id, "same") == [(3, 1.0), (4, 2.0)]


def test_empty_series_and_no_active_run(reg):
    with mm.track("empty", capture_outputs=False) as run:
        mm.log_metric_series("loss", [])
        mm.log_metric_series("loss", np.array([]), steps=[])
        mm.log_metric("loss", 1.0)
    assert series_of(run.id, "loss") == [(0, 1.0)]
    with pytest.raises(MMError, match="no active run"):
        mm.log_metric_series("loss", [1.0])
    with pytest.raises(MMError, match="no active run"):
        mm.log_metric("loss", 1.0)


def test_nested_runs_keep_their_own_steps(reg):
    with mm.track("outer", capture_outputs=False) as outer:
        mm.log_metric_series("loss", [1.0, 2.0])
        with mm.track("inner", capture_outputs=False) as inner:
            mm.log_metric("loss", 5.0)
            mm.log_metric_series("loss", [6.0])
        mm.log_metric("loss", 3.0)
    assert series_of(outer.id, "loss") == [(0, 1.0), (1, 2.0), (2, 3.0)]
    assert series_of(inner.id, "loss") == [(0, 5.0), (1, 6.0)]


def test_nothing_is_lost_at_finish(reg):
    n = 120_000
    with mm.track("many", capture_outputs=False) as run:
        for i in range(n):
            mm.log_metric("a", float(i))
            if i % 1000 == 0:
                mm.log_metric("b", i)  # an int: the checked path
        mm.log_metric_series("c", np.arange(n, dtype=float))
        mm.log_metric_series("a", [1.0, 2.0])
    with mm.get_registry().read() as conn:
        rows = dict(conn.execute(
            "SELECT key, count(*) FROM metrics WHERE run_id = ? GROUP BY key", (run.id,)
        ).fetchall())
        latest = dict(conn.execute(
            "SELECT key, step FROM latest_metrics WHERE run_id = ?", (run.id,)).fetchall())
    assert rows == {"a": n + 2, "b": n // 1000, "c": n}
    assert latest == {"a": n + 1, "b": n // 1000 - 1, "c": n - 1}
    assert get_session().buffered == 0


def test_the_buffer_is_written_by_size_before_its_time(reg, monkeypatch):
    # No time-based flush in this test: only the size of the buffer can write it.
    monkeypatch.setattr(session_mod, "FLUSH_EVERY_S", 3600.0)
    monkeypatch.setattr(metric_buffer, "FLUSH_POINTS", 2_000)
    with mm.track("by-size", capture_outputs=False) as run:
        for i in range(20_000):
            mm.log_metric("loss", float(i))
        deadline = time.monotonic() + 30
        while count_rows(run.id) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)  # the flusher's poll finds 2,000 points waiting
        assert count_rows(run.id) > 0  # before the run finished
    assert count_rows(run.id) == 20_000


def test_a_full_buffer_makes_the_logging_thread_write(reg, monkeypatch):
    # The flusher neither polls nor flushes here; MAX_BUFFERED alone bounds the buffer.
    monkeypatch.setattr(session_mod, "FLUSH_EVERY_S", 3600.0)
    monkeypatch.setattr(session_mod, "POLL_S", 3600.0)
    monkeypatch.setattr(metric_buffer, "FLUSH_POINTS", 10**9)
    monkeypatch.setattr(metric_buffer, "MAX_BUFFERED", 1_000)
    session = get_session()
    with mm.track("bounded", capture_outputs=False) as run:
        for _ in range(20):  # series: checked after each call
            mm.log_metric_series("s", np.arange(300, dtype=float))
            assert session.metrics.count() < 1_000
        assert count_rows(run.id) > 0
        for i in range(5_000):
            mm.log_metric("loss", float(i))  # the fast path does not count...
        assert session.metrics.count() > 1_000
        session.metrics.cool(session.active)  # ...the flusher's poll sends it to the
        mm.log_metric("loss", 0.5)  # checked path, which writes before going on
        assert session.metrics.count() == 0
    assert count_rows(run.id) == 20 * 300 + 5_001


def test_points_logged_from_two_threads_keep_their_pairs(reg):
    # The columns have one writer (the main thread); another thread's points are
    # tuples: a step is never paired with another point's value.
    import threading

    n = 20_000

    def worker():
        for i in range(n, 2 * n):
            mm.log_metric("x", 2.0 * i, step=i)
        mm.log_metric_series("x", [2.0 * i for i in range(2 * n, 3 * n)],
                             steps=range(2 * n, 3 * n))

    with mm.track("threads", capture_outputs=False) as run:
        thread = threading.Thread(target=worker)
        thread.start()
        for i in range(n):
            mm.log_metric("x", 2.0 * i, step=i)
        mm.log_metric_series("x", np.arange(3 * n, 4 * n) * 2.0,
                             steps=np.arange(3 * n, 4 * n))
        thread.join()
    points = series_of(run.id, "x")
    assert len(points) == 4 * n
    assert all(value == 2.0 * step for step, value in points)
    assert sorted(step for step, _ in points) == list(range(4 * n))
