"""Read what one Prometheus scrape exports, in a single statement (monitoring/exporter.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mm_jupyter.store.db import Registry
from mm_jupyter.store.monitor_common import FINITE_SQL


@dataclass
class MetricRows:
    """What one scrape exports, read in a single statement."""

    # (model, version, series key, latest value)
    values: list[tuple[str, int, str, float]] = field(default_factory=list)
    # (model, version, batches, rows, last batch ts)
    batches: list[tuple[str, int, int, int, float]] = field(default_factory=list)
    # (model, version, rule id, series key, severity) of each firing alert
    firing: list[tuple[str, int, int, str, str]] = field(default_factory=list)


def prometheus_rows(registry: Registry, *, model: str | None = None) -> MetricRows:
    """Read everything a scrape exports (all models, or only ``model``) in one query."""
    join = (
        " JOIN model_versions v ON v.id = x.version_id"
        " JOIN registered_models m ON m.id = v.model_id"
    )
    only = "" if model is None else " AND m.name = :model"
    sql = (
        # latest value of every series (monitor_latest: one row per version and key)
        "SELECT 'value', m.name, v.version, x.key, x.value, NULL"
        f" FROM monitor_latest x{join}"
        f" WHERE {FINITE_SQL.format('x.value')}{only}"
        # batch totals per version
        " UNION ALL SELECT 'batches', m.name, v.version, count(*),"
        f" COALESCE(sum(x.n_rows), 0), max(x.ts) FROM monitor_batches x{join}"
        f" WHERE 1 = 1{only} GROUP BY x.version_id"
        # firing alerts
        " UNION ALL SELECT 'firing', m.name, v.version, x.rule_id, x.series, x.severity"
        f" FROM monitor_alerts x{join} WHERE x.state = 'firing'{only}"
    )
    out = MetricRows()
    with registry.read() as conn:
        rows = conn.execute(sql, {"model": model}).fetchall()
    for kind, name, version, a, b, c in rows:
        if kind == "value":
            out.values.append((name, version, a, b))
        elif kind == "batches":
            out.batches.append((name, version, a, b, c))
        else:
            out.firing.append((name, version, a, b, c))
    return out
