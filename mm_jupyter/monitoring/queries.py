"""What the faces of monitoring read: the REST handlers, the CLI, ``%mm``, ``serve``, ``Monitor``.

Payloads are the REST shapes of docs/monitoring.md. Each function is one read of the
registry's monitoring data, today the SQLite store (``store/monitor_queries.py``,
``store/alert_queries.py``, ``store/export_queries.py``, ``store/monitoring.py``): this
module is the boundary a second backend stands behind, so adapters read monitoring
here and never from the store. ``ref`` is a model reference (``name``, ``name:N``,
``name@alias``); a bare name means the most recent version with monitoring data.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.store import Registry, alert_queries, export_queries, monitor_queries
from mm_jupyter.store import alerts as alert_store
from mm_jupyter.store import monitoring as monitor_store
from mm_jupyter.store.export_queries import MetricRows

# The bounds of these reads, which the REST handlers and the CLI check as well.
from mm_jupyter.store.monitor_common import ALERT_STATES, DEFAULT_POINTS, MAX_POINTS
from mm_jupyter.store.monitoring import VersionInfo


def list_monitors(registry: Registry, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Return one page of monitored model versions, newest activity first (``GET monitoring``)."""
    return monitor_queries.list_monitors(registry, limit=limit, offset=offset)


def monitor_detail(registry: Registry, ref: str) -> dict[str, Any]:
    """Return a version's summary, latest values, rules, alerts and last report.

    The ``GET monitoring/{model}`` payload, also ``mon.status()`` and ``mm-jupyter
    monitor status --json``.
    """
    return monitor_queries.monitor_detail(registry, ref)


def series(registry: Registry, ref: str, *, keys: list[str] | None = None,
           pattern: str | None = None, since_ts: float | None = None,
           until_ts: float | None = None, limit: int = DEFAULT_POINTS) -> dict[str, Any]:
    """Return the most recent ``limit`` points (oldest first) of each matching series.

    ``keys`` are exact; otherwise every key matching the glob ``pattern`` (default
    ``*``). Each series carries the thresholds of the rules that match it
    (``GET monitoring/{model}/series``). ``ValueError`` for bounds out of range.
    """
    return monitor_queries.series(registry, ref, keys=keys, pattern=pattern,
                                  since_ts=since_ts, until_ts=until_ts, limit=limit)


def alerts(registry: Registry, ref: str | None = None, *, state: str | None = None,
           limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Return one page of alerts, newest first: of the version ``ref`` names, or of all.

    ``state`` is one of ``ALERT_STATES`` (``GET monitoring/{model}/alerts``, ``GET alerts``).
    """
    return alert_queries.alerts(registry, ref, state=state, limit=limit, offset=offset)


def alert(registry: Registry, alert_id: int) -> dict[str, Any]:
    """Return one alert with its actions (``NotFoundError`` for an unknown id)."""
    return alert_queries.alert(registry, alert_id)


def acknowledge_alert(registry: Registry, alert_id: int, *, user: str | None,
                      comment: str | None = None, acknowledged: bool = True) -> dict[str, Any]:
    """Acknowledge an alert (``acknowledged=False``: undo it) and return it.

    ``POST alerts/{id}/acknowledge`` and ``.../unacknowledge``, ``mm-jupyter monitor ack``
    and ``mm.acknowledge_alert``. The first acknowledgement's who/when stay; the sidebar's
    badge counts firing alerts nobody has acknowledged.
    """
    alert_store.acknowledge_alert(registry, alert_id, user=user, comment=comment,
                                  acknowledged=acknowledged)
    return alert_queries.alert(registry, alert_id)


def acknowledgement(registry: Registry, alert_id: int, *, user: str | None,
                    comment: str | None = None, acknowledged: bool = True) -> dict[str, Any]:
    """``acknowledge_alert``, replying ``{"alert", "firing"}``: the alert and the new
    badge count (``POST alerts/{id}/acknowledge``), so the sidebar updates at once."""
    alert = acknowledge_alert(registry, alert_id, user=user, comment=comment,
                              acknowledged=acknowledged)
    return {"alert": alert, "firing": alert_queries.unacknowledged_firing(registry)}


def batches(registry: Registry, ref: str, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Return one page of a version's batches, newest first (``GET monitoring/{model}/batches``)."""
    return monitor_queries.batches(registry, ref, limit=limit, offset=offset)


def rules(registry: Registry, model_id: int, version_id: int) -> list[dict[str, Any]]:
    """Return the enabled rules that apply to a version, as ``Rule`` payloads (``mon.rules()``)."""
    return alert_queries.rules(registry, model_id, version_id)


def points(registry: Registry, version_id: int, pattern: str = "*",
           since: float | None = None) -> dict[str, list[tuple[float, float]]]:
    """Return every point of a version's series matching ``pattern``, oldest first.

    ``{key: [(ts, value), ...]}``, what ``mon.series()`` returns.
    """
    return monitor_queries.points(registry, version_id, pattern=pattern, since=since)


def version_info(registry: Registry, version_id: int) -> VersionInfo:
    """Return a version's model name, number, model id and reference profile.

    ``NotFoundError`` for an unknown version id.
    """
    return monitor_store.version_info(registry, version_id)


def prometheus_rows(registry: Registry, *, model: str | None = None) -> MetricRows:
    """Return what one Prometheus scrape exports (all models, or only ``model``), in one read."""
    return export_queries.prometheus_rows(registry, model=model)


__all__ = [
    "ALERT_STATES", "DEFAULT_POINTS", "MAX_POINTS", "MetricRows", "VersionInfo",
    "acknowledge_alert", "acknowledgement", "alert", "alerts",
    "batches", "list_monitors", "monitor_detail", "points", "prometheus_rows", "rules",
    "series", "version_info",
]  # fmt: skip
