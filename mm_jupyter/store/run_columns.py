"""The keys in use (experiments, metric and param keys) and the column statistics the
runs table picks its default columns from, read at a bounded cost at any size."""

from __future__ import annotations

from typing import Any

from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.run_selection import ARCHIVED, TOP_LEVEL


def _distinct_keys(conn: Connection, table: str) -> list[str]:
    # A skip-scan written out: jump from key to key through the (key, ...) index, one
    # seek per distinct key (SELECT DISTINCT scans the whole index without ANALYZE).
    return [
        row[0]
        for row in conn.execute(
            f"WITH RECURSIVE k(key) AS (SELECT min(key) FROM {table} UNION ALL"
            f" SELECT (SELECT min(key) FROM {table} WHERE key > k.key) FROM k"
            " WHERE k.key IS NOT NULL) SELECT key FROM k WHERE key IS NOT NULL"
        )
    ]


#: How many of the most recent top-level runs the column statistics of ``keys`` read:
#: enough to pick sensible default columns, and a bounded cost at any registry size.
STATS_RUNS = 2000


def keys(registry: Registry) -> dict[str, Any]:
    """Return the experiment names and the metric and param keys in use, with column
    statistics over the ``STATS_RUNS`` most recent listed runs: ``metric_counts`` (how
    many of them have each metric), ``varying_params`` (params whose value differs
    between them) and ``tag_keys``."""
    recent = (
        f"SELECT r.id FROM runs r WHERE {TOP_LEVEL} AND {ARCHIVED['exclude']}"
        " ORDER BY r.started_at DESC LIMIT ?"
    )
    with registry.read() as conn:
        experiments = [r[0] for r in conn.execute("SELECT name FROM experiments ORDER BY name")]
        metrics = _distinct_keys(conn, "latest_metrics")
        params = _distinct_keys(conn, "params")
        metric_counts = {
            str(key): int(n) for key, n in conn.execute(
                f"SELECT key, count(*) FROM latest_metrics WHERE run_id IN ({recent})"
                " GROUP BY key ORDER BY key", (STATS_RUNS,))
        }
        varying = [
            str(row[0]) for row in conn.execute(
                f"SELECT key FROM params WHERE run_id IN ({recent}) GROUP BY key"
                " HAVING count(DISTINCT value) > 1 ORDER BY key", (STATS_RUNS,))
        ]
        tag_keys = [
            str(row[0]) for row in conn.execute(
                f"SELECT DISTINCT j.key FROM runs t, json_each(t.tags) j"
                f" WHERE t.id IN ({recent}) ORDER BY j.key", (STATS_RUNS,))
        ]
    return {
        "experiments": experiments, "metrics": metrics, "params": params,
        "metric_counts": metric_counts, "varying_params": varying, "tag_keys": tag_keys,
    }
