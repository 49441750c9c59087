"""Read what a comparison of N runs needs, a fixed number of queries whatever N is.

Params, latest metrics and tags come with the run summaries (``run_summaries``: one
query each for all runs). Metric series come from one query that thins every long
series on the database side, so that 50 runs with 100k steps each do not travel to
Python point by point.

Thinning is min-max decimation, not LTTB: the steps are cut into equal buckets and
each bucket keeps its lowest and its highest value (plus the first and last point of
the series). A loss spike or a collapse to NaN-free extremes survives, which is what
one looks for when comparing runs; LTTB keeps the visually most salient point per
bucket and can drop the one extreme a reader needs. Min-max also needs nothing but
window functions, which SQLite and PostgreSQL both have, while LTTB depends on the
previously chosen point and cannot be written as one set query.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.encoding import decode_float
from mm_jupyter.store.db import Registry
from mm_jupyter.store.queries import FINITE_OR_INF, run_summaries

# The most points a thinned series keeps: two per bucket, plus the first and last.
DEFAULT_MAX_POINTS = 1000


def compared_summaries(registry: Registry, ids: list[str]) -> list[dict[str, Any]]:
    """Return the summaries (params, latest metrics, tags) of ``ids``, in that order."""
    with registry.read() as conn:
        return run_summaries(conn, ids)


def _series_sql(marks: str) -> str:
    # ``fin`` splits the finite values (and ±inf) from NaN and NULL so that the min
    # and max ranks of a bucket only look at numbers.
    return (
        "WITH spans AS ("
        " SELECT run_id, key, count(*) AS n, min(step) AS lo, max(step) AS hi"
        f" FROM metrics WHERE run_id IN ({marks}) GROUP BY run_id, key),"
        " marked AS ("
        " SELECT m.id, m.run_id, m.key, m.step, m.value, s.n,"
        " (m.step - s.lo) * ? / (s.hi - s.lo + 1) AS bucket,"
        f" CASE WHEN m.value {FINITE_OR_INF} THEN 1 ELSE 0 END AS fin"
        " FROM metrics m JOIN spans s ON s.run_id = m.run_id AND s.key = m.key"
        f" WHERE m.run_id IN ({marks})),"
        " ranked AS ("
        " SELECT id, run_id, key, step, value, n, fin,"
        " ROW_NUMBER() OVER (PARTITION BY run_id, key ORDER BY step, id) AS pos,"
        " ROW_NUMBER() OVER (PARTITION BY run_id, key, bucket, fin"
        " ORDER BY value, step, id) AS low,"
        " ROW_NUMBER() OVER (PARTITION BY run_id, key, bucket, fin"
        " ORDER BY value DESC, step, id) AS high"
        " FROM marked)"
        " SELECT run_id, key, step, value, n FROM ranked"
        " WHERE n <= ? OR pos = 1 OR pos = n OR (fin = 1 AND (low = 1 OR high = 1))"
        " ORDER BY run_id, key, step, id"
    )


def compared_series(
    registry: Registry, ids: list[str], *, max_points: int = DEFAULT_MAX_POINTS
) -> dict[str, dict[str, dict[str, Any]]]:
    """Return ``{key: {run_id: {"points", "count", "downsampled"}}}`` for ``ids``.

    A series of at most ``max_points`` points comes whole (NaN included, as gaps);
    a longer one is thinned by min-max decimation to at most ``max_points`` points.
    ``count`` is the number of points stored.
    """
    if max_points < 4:
        raise ValueError(f"max_points must be at least 4, not {max_points}")
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    buckets = (max_points - 2) // 2
    out: dict[str, dict[str, dict[str, Any]]] = {}
    with registry.read() as conn:
        rows = conn.execute(_series_sql(marks), [*ids, buckets, *ids, max_points])
        for run_id, key, step, value, count in rows:
            series = out.setdefault(key, {}).setdefault(
                run_id,
                {"points": [], "count": int(count), "downsampled": count > max_points},
            )
            series["points"].append({"step": int(step), "value": decode_float(value)})
    return out
