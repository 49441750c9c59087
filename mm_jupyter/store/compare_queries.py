"""Read what a comparison of N runs needs, a fixed number of queries whatever N is.

Params, latest metrics and tags come with the run summaries (``run_summaries``: one
query each for all runs). Metric series come from two queries: the size and step range
of every series (an aggregate over the ``metrics_series`` index), then all points in
step order, streamed through min-max decimation (``core/decimation.py``: why min-max
and not LTTB is said there), so a series longer than ``max_points`` never builds up
in memory.

A first version thinned on the database side with window functions (ROW_NUMBER per
bucket for the min and the max): 2.2 s for 50 runs x 2 metrics x 1,000 steps and 12 s
at 10,000 steps on SQLite; streaming takes 0.47 s and 2.8 s (docs/compare.md).
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from mm_jupyter.core.decimation import bucket_count, minmax_decimate
from mm_jupyter.encoding import decode_float
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.queries import run_summaries

# The most points a thinned series keeps: two per bucket, plus the first and last.
DEFAULT_MAX_POINTS = 1000


def compared_summaries(registry: Registry, ids: list[str]) -> list[dict[str, Any]]:
    """Return the summaries (params, latest metrics, tags) of ``ids``, in that order."""
    with registry.read() as conn:
        return run_summaries(conn, ids)


def _spans(conn: Connection, marks: str, ids: list[str]) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {
        (run_id, key): (int(n), int(lo), int(hi))
        for run_id, key, n, lo, hi in conn.execute(
            "SELECT run_id, key, count(*), min(step), max(step) FROM metrics"
            f" WHERE run_id IN ({marks}) GROUP BY run_id, key",
            ids,
        )
    }


def compared_series(
    registry: Registry, ids: list[str], *, max_points: int = DEFAULT_MAX_POINTS
) -> dict[str, dict[str, dict[str, Any]]]:
    """Return ``{key: {run_id: {"points", "count", "downsampled"}}}`` for ``ids``.

    A series of at most ``max_points`` points comes whole (NaN included, as gaps);
    a longer one is thinned by min-max decimation to at most ``max_points`` points.
    ``count`` is the number of points stored.
    """
    bucket_count(max_points)  # a bad max_points is a ValueError before any I/O
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    out: dict[str, dict[str, dict[str, Any]]] = {}
    with registry.read() as conn:
        spans = _spans(conn, marks, ids)
        rows = conn.execute(
            f"SELECT run_id, key, step, value FROM metrics WHERE run_id IN ({marks})"
            " ORDER BY run_id, key, step, id",
            ids,
        )
        for (run_id, key), group in groupby(rows, key=lambda r: (r[0], r[1])):
            count, first_step, last_step = spans[(run_id, key)]
            points = minmax_decimate(
                ((int(r[2]), decode_float(r[3])) for r in group),
                count=count, first_step=first_step, last_step=last_step,
                max_points=max_points,
            )
            out.setdefault(key, {})[run_id] = {
                "points": [{"step": step, "value": value} for step, value in points],
                "count": count,
                "downsampled": count > max_points,
            }
    return out
