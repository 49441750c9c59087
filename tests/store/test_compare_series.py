"""Metric series of compared runs: min-max decimation, pure and through both backends."""

from __future__ import annotations

import math

import pytest

from mm_jupyter.core.decimation import bucket_count, minmax_decimate
from mm_jupyter.store.compare_queries import compared_series
from mm_jupyter.store.runs import NewRun, create_run, new_run_id, write_metric_points


def thin(values, max_points):
    points = list(enumerate(values))
    return list(minmax_decimate(iter(points), count=len(points), first_step=0,
                                last_step=len(points) - 1, max_points=max_points))


def test_short_series_pass_whole_with_nan():
    values = [1.0, float("nan"), 3.0]
    out = thin(values, 10)
    assert [s for s, _ in out] == [0, 1, 2] and math.isnan(out[1][1])


@pytest.mark.parametrize("n", [11, 101, 5000, 12345])
def test_long_series_keep_bounds_order_and_extremes(n):
    values = [math.sin(i / 7) for i in range(n)]
    values[n // 3] = 99.0
    values[n // 2] = -99.0
    values[n // 4] = float("nan")
    out = thin(values, 10 if n < 1000 else 1000)
    limit = 10 if n < 1000 else 1000
    assert len(out) <= limit
    steps = [s for s, _ in out]
    assert steps == sorted(set(steps)) and steps[0] == 0 and steps[-1] == n - 1
    assert (n // 3, 99.0) in out and (n // 2, -99.0) in out
    assert all(values[s] == v for s, v in out)
    assert not any(v is not None and math.isnan(v) for _, v in out[1:])


def test_every_bucket_keeps_its_min_and_max():
    # 4 buckets of 5 steps (max_points 10): each bucket's min and max survive
    values = [5, 1, 9, 3, 4, 2, 8, 0, 6, 7, 4, 4, 4, 4, 4, 1, 2, 3, 10, 0]
    out = dict(thin([float(v) for v in values], 10))
    for b in range(bucket_count(10)):
        chunk = values[b * 5 : b * 5 + 5]
        assert min(chunk) in out.values() and max(chunk) in out.values()


def test_bad_max_points_is_refused():
    with pytest.raises(ValueError, match="max_points must be at least 4"):
        bucket_count(3)


def test_compared_series_on_the_backend(registry):
    ids = []
    for name, n in (("long", 3000), ("short", 3)):
        run_id = new_run_id()
        create_run(registry, NewRun(
            id=run_id, name=name, experiment="e", started_at="2026-01-01T00:00:00.000Z",
            user="u", host="h", pid=None, notebook_path=None, tags={}, params=[],
            cell_source="x = 1\n", history=[], notebook_text=None))
        values = [float(i % 17) for i in range(n)]
        if n > 3:
            values[2500] = -5.0
        else:
            values[1] = float("nan")
        write_metric_points(registry, [(run_id, "loss", i, v, 1.0 + i) for i, v in enumerate(values)])
        ids.append(run_id)
    out = compared_series(registry, ids, max_points=100)["loss"]
    long, short = out[ids[0]], out[ids[1]]
    assert long["count"] == 3000 and long["downsampled"] is True
    assert len(long["points"]) <= 100
    assert {"step": 2500, "value": -5.0} in long["points"]
    assert long["points"][0]["step"] == 0 and long["points"][-1]["step"] == 2999
    assert short["count"] == 3 and short["downsampled"] is False
    assert math.isnan(short["points"][1]["value"])
