"""Read what one Prometheus scrape exports, in one read snapshot (monitoring/exporter.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mm_jupyter.store.db import Registry
from mm_jupyter.store.monitor_common import FINITE_SQL


@dataclass
class MetricRows:
    """What one scrape exports, read in one snapshot."""

    # (model, version, series key, latest value)
    values: list[tuple[str, int, str, float]] = field(default_factory=list)
    # (model, version, batches, rows, last batch ts)
    batches: list[tuple[str, int, int, int, float]] = field(default_factory=list)
    # (model, version, rule id, series key, severity) of each firing alert
    firing: list[tuple[str, int, int, str, str]] = field(default_factory=list)


def prometheus_rows(registry: Registry, *, model: str | None = None) -> MetricRows:
    """Read everything a scrape exports (all models, or only ``model``) in one snapshot."""
    join = (
        " JOIN model_versions v ON v.id = x.version_id"
        " JOIN registered_models m ON m.id = v.model_id"
    )
    only, args = ("", ()) if model is None else (" AND m.name = ?", (model,))
    # Three statements in one snapshot: one UNION would mix text and numbers in a
    # column, which PostgreSQL refuses.
    out = MetricRows()
    with registry.read() as conn:
        # latest value of every series (monitor_latest: one row per version and key)
        out.values = [tuple(r) for r in conn.execute(
            f"SELECT m.name, v.version, x.key, x.value FROM monitor_latest x{join}"
            f" WHERE {FINITE_SQL.format('x.value')}{only}", args)]
        # batch totals per version
        out.batches = [tuple(r) for r in conn.execute(
            "SELECT m.name, v.version, count(*), COALESCE(sum(x.n_rows), 0), max(x.ts)"
            f" FROM monitor_batches x{join} WHERE 1 = 1{only}"
            " GROUP BY x.version_id, m.name, v.version", args)]
        # firing alerts
        out.firing = [tuple(r) for r in conn.execute(
            "SELECT m.name, v.version, x.rule_id, x.series, x.severity"
            f" FROM monitor_alerts x{join} WHERE x.state = 'firing'{only}", args)]
    return out
