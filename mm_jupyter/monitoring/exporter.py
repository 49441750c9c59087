"""Prometheus exposition of monitoring data (``/mm-jupyter/metrics``, monitoring.md).

``MonitoringCollector`` is a custom collector: each scrape reads the registry once
(``queries.prometheus_rows``, one statement over ``monitor_latest``, the
batch totals and the firing alerts) and builds the families from those rows, so a
scrape costs the same whether 1 or 100 models are monitored. Label values are escaped
by ``prometheus_client`` (quotes, backslashes and line breaks in model names are safe).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import prometheus_client
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from mm_jupyter.monitoring.queries import prometheus_rows
from mm_jupyter.store import Registry

# The text format generate_latest writes; prometheus_client >= 0.22 names it
# CONTENT_TYPE_PLAIN_0_0_4 (its CONTENT_TYPE_LATEST moved on to version 1.0.0).
CONTENT_TYPE = getattr(
    prometheus_client, "CONTENT_TYPE_PLAIN_0_0_4", prometheus_client.CONTENT_TYPE_LATEST
)

VERSION_LABELS = ("model", "version")


def _families() -> dict[str, Any]:
    return {
        "value": GaugeMetricFamily(
            "mm_monitor_value",
            "Latest value of a monitored series (drift, missing rates, latency, ...).",
            labels=(*VERSION_LABELS, "series"),
        ),
        "rows": CounterMetricFamily(
            "mm_monitor_rows",
            "Rows logged to monitoring for a model version.",
            labels=VERSION_LABELS,
        ),
        "batches": CounterMetricFamily(
            "mm_monitor_batches",
            "Batches logged to monitoring for a model version.",
            labels=VERSION_LABELS,
        ),
        "last": GaugeMetricFamily(
            "mm_monitor_last_batch_timestamp_seconds",
            "Time of the last logged batch of a model version (epoch seconds).",
            labels=VERSION_LABELS,
        ),
        "alert": GaugeMetricFamily(
            "mm_alert_firing",
            "1 for each firing alert (resolved alerts are absent).",
            labels=(*VERSION_LABELS, "rule", "series", "severity"),
        ),
        "alerts": GaugeMetricFamily(
            "mm_alerts_firing",
            "Firing alerts of a registered model.",
            labels=("model",),
        ),
    }


class MonitoringCollector(Collector):
    """Collect the monitoring families from a registry at each scrape.

    Parameters
    ----------
    source
        The registry, or a callable returning it (the server opens it lazily).
    model
        Export only this registered model (``mm-jupyter serve`` uses it); default all.
    """

    def __init__(
        self, source: Registry | Callable[[], Registry], *, model: str | None = None
    ) -> None:
        self._source = source
        self.model = model

    def registry(self) -> Registry:
        """Return the registry to read."""
        if isinstance(self._source, Registry):
            return self._source
        return self._source()

    def describe(self) -> Iterator[Metric]:
        """Name the families without reading the registry (for duplicate checks)."""
        yield from _families().values()

    def collect(self) -> Iterator[Metric]:
        """Read the registry once and yield every family."""
        rows = prometheus_rows(self.registry(), model=self.model)
        families = _families()
        models: Counter[str] = Counter()
        for name, version, key, value in rows.values:
            families["value"].add_metric((name, str(version), key), value)
            models[name] += 0
        for name, version, n_batches, n_rows, last_ts in rows.batches:
            labels = (name, str(version))
            families["rows"].add_metric(labels, float(n_rows))
            families["batches"].add_metric(labels, float(n_batches))
            if last_ts is not None and math.isfinite(last_ts):
                families["last"].add_metric(labels, last_ts)
            models[name] += 0
        for name, version, rule_id, key, severity in rows.firing:
            families["alert"].add_metric(
                (name, str(version), str(rule_id), key, severity), 1
            )
            models[name] += 1
        for name in sorted(models):
            families["alerts"].add_metric((name,), float(models[name]))
        yield from families.values()


def exposition(registry: Registry, *, model: str | None = None) -> bytes:
    """Return the Prometheus text exposition of ``registry``'s monitoring data."""
    private = CollectorRegistry(auto_describe=False)
    private.register(MonitoringCollector(registry, model=model))
    return prometheus_client.generate_latest(private)


__all__ = ["CONTENT_TYPE", "MonitoringCollector", "exposition"]
