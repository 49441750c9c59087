"""``Monitor``: log predictions of one model version, watch drift and performance, alert.

``mm.monitor("churn-clf@production")`` resolves the reference once, so a monitor keeps
watching the version it started with even if the alias moves later (create a new monitor
to follow the alias). Statistics come from drift.py/performance.py, storage and rule
evaluation from store/monitoring.py, reads from queries.py, actions from dispatch.py.
"""

from __future__ import annotations

import math
import secrets
import time
from typing import Any

import numpy as np

from mm_jupyter.core import rules
from mm_jupyter.display.monitoring import MonitorSummary
from mm_jupyter.identity import current_user
from mm_jupyter.monitoring import dispatch, queries, triggers
from mm_jupyter.monitoring.columns import to_columns, to_vector
from mm_jupyter.monitoring.drift import MIN_ROWS, batch_report, series_from_report
from mm_jupyter.monitoring.performance import performance, performance_series
from mm_jupyter.monitoring.profile import profile_data
from mm_jupyter.store import Registry
from mm_jupyter.store import alerts as alert_store
from mm_jupyter.store import monitoring as store
from mm_jupyter.store.models import resolve_model_version

SOURCES = ("api", "serve")
# Rows of a batch kept as a raw sample (the per-version cap is max_raw_rows). Small:
# serve flushes every second, and serialising big samples would hold the GIL there.
SAMPLE_ROWS_PER_BATCH = 100


def _json_values(values: np.ndarray) -> list[Any]:
    """Predictions/labels as JSON-safe Python values (NaN → None)."""
    if values.dtype.kind == "f":
        return [None if not math.isfinite(v) else v for v in values.tolist()]
    if values.dtype.kind in "biu":
        return values.tolist()
    return [None if v is None or (isinstance(v, float) and not math.isfinite(v)) else
            (v if isinstance(v, (bool, int, float, str)) else str(v)) for v in values.tolist()]


def latency_series(latency_ms: Any) -> dict[str, float]:
    """``latency.*`` points from one latency or one per row (milliseconds)."""
    values = np.asarray(latency_ms, dtype=float).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return {}
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return {"latency.mean_ms": float(values.mean()), "latency.p50_ms": float(p50),
            "latency.p95_ms": float(p95), "latency.p99_ms": float(p99)}


class Monitor:
    """Monitoring of one registered model version (see docs/monitoring.md)."""

    def __init__(self, registry: Registry, ref: str, *, min_rows: int = MIN_ROWS,
                 max_raw_rows: int = 10_000, max_prediction_rows: int = 100_000):
        if isinstance(min_rows, bool) or not isinstance(min_rows, int) or min_rows < 1:
            raise ValueError(f"min_rows must be a positive integer, not {min_rows!r}")
        for label, value in (("max_raw_rows", max_raw_rows), ("max_prediction_rows", max_prediction_rows)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{label} must be a non-negative integer, not {value!r}")
        self.registry = registry
        self.model_id, self.version_id = resolve_model_version(registry, ref)
        self.model, self.version, _, self.profile = queries.version_info(registry, self.version_id)
        self.ref = f"{self.model}:{self.version}"
        self.min_rows = min_rows
        self.max_raw_rows = max_raw_rows
        self.max_prediction_rows = max_prediction_rows
        self.last_report: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"<Monitor {self.ref}>"

    # -- logging ----------------------------------------------------------------

    def _feature_names(self) -> list[str] | None:
        return list(self.profile["features"]) if self.profile else None

    def log(self, X: Any, predictions: Any = None, *, labels: Any = None, latency_ms: Any = None,
            timestamp: float | None = None, batch_id: str | None = None, source: str = "api") -> str:
        """Log a batch of inputs (and predictions); return its batch id for ``log_labels``.

        Drift against the reference profile, missing and unknown values, latency and, with
        ``labels``, performance are computed and stored; rules are evaluated at once.
        """
        if source not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
        columns = to_columns(X, names=self._feature_names())
        n_rows = len(next(iter(columns.values()))) if columns else 0
        preds = None
        if predictions is not None:
            preds = to_vector(predictions)
            if preds.shape[0] != n_rows:
                raise ValueError(f"predictions has {preds.shape[0]} values but X has {n_rows} rows")
        ts = time.time() if timestamp is None else float(timestamp)
        if not math.isfinite(ts):
            raise ValueError("timestamp must be finite epoch seconds")
        batch_id = batch_id or secrets.token_hex(8)
        report = batch_report(columns, self.profile, predictions=preds, min_rows=self.min_rows)
        series = series_from_report(report)
        if latency_ms is not None:
            series.update(latency_series(latency_ms))
        kept = None
        if preds is not None:
            kept = _json_values(preds[: self.max_prediction_rows])
        sample_rows = min(n_rows, SAMPLE_ROWS_PER_BATCH, self.max_raw_rows)
        sample = None
        if sample_rows:
            sample = {"columns": {name: _json_values(np.asarray(col[:sample_rows]))
                                  for name, col in columns.items()},
                      "predictions": None if kept is None else kept[:sample_rows]}
        fired = store.record_batch(
            self.registry, self.version_id, batch_id=batch_id, ts=ts, source=source,
            n_rows=n_rows, report=report, series=series, predictions=kept, sample=sample,
            sample_rows=sample_rows, max_raw_rows=self.max_raw_rows,
        )
        self.last_report = report
        dispatch.dispatch(self.registry, fired)
        dispatch.dispatch_events(self.registry)
        if labels is not None:
            self.log_labels(batch_id, labels)
        return batch_id

    def log_labels(self, batch_id: str, y_true: Any, *, rows: Any = None) -> dict[str, Any]:
        """Attach ground truth to a logged batch (all rows, or the row offsets in ``rows``)."""
        _, version_id, preds, labels = store.batch_for_labels(self.registry, batch_id)
        if version_id != self.version_id:
            raise ValueError(f"batch {batch_id!r} belongs to another model version than {self.ref}")
        truth = _json_values(to_vector(y_true))
        merged = list(labels) if labels is not None else [None] * len(preds)
        if rows is None:
            if len(truth) != len(preds):
                raise ValueError(f"y_true has {len(truth)} values but the batch has {len(preds)} predictions")
            merged = truth
        else:
            offsets = [int(r) for r in to_vector(rows).tolist()]
            if len(offsets) != len(truth):
                raise ValueError(f"rows has {len(offsets)} offsets but y_true has {len(truth)} values")
            for offset, label in zip(offsets, truth, strict=True):
                if not 0 <= offset < len(preds):
                    raise ValueError(f"row {offset} is outside the batch (0..{len(preds) - 1})")
                merged[offset] = label
        task = self.profile.get("task") if self.profile else None
        result = performance(np.asarray(merged, dtype=object), np.asarray(preds, dtype=object), task=task)
        fired = store.record_labels(self.registry, batch_id, merged, result, performance_series(result))
        dispatch.dispatch(self.registry, fired)
        return result

    def set_reference(self, X: Any, predictions: Any = None) -> dict[str, Any]:
        """Store the reference profile drift is measured against (replaces any earlier one)."""
        profile = profile_data(X, predictions=None if predictions is None else to_vector(predictions))
        store.set_reference_profile(self.registry, self.version_id, profile)
        self.profile = profile
        return profile

    # -- rules ------------------------------------------------------------------

    def rule(self, series: str, op: str, threshold: float, *, severity: str = "warning",
             action: Any = None, count: int = 1, window: Any = None, name: str | None = None,
             this_version: bool = False) -> dict[str, Any]:
        """Alert when ``series op threshold`` (``count`` times within ``window``); run ``action``."""
        spec = rules.rule_spec(series, op, threshold, count=count, window=window,
                               severity=severity, name=name)
        act = _action(action)
        rule_id = alert_store.upsert_rule(
            self.registry, model_id=self.model_id,
            version_id=self.version_id if this_version else None, pattern=spec.pattern,
            op=spec.op, threshold=spec.threshold, count=spec.count, window_s=spec.window_s,
            severity=spec.severity, name=spec.name, action=None if act is None else act.spec(),
            user=current_user(),
        )
        self._keep_action(rule_id, act)
        return self._rule(rule_id)

    def on_event(self, event: str, action: Any, *, this_version: bool = False) -> dict[str, Any]:
        """Run ``action`` when a registry event (e.g. ``stage_changed``) happens to this model."""
        return on_model_event(self.registry, event, action, model_id=self.model_id,
                              version_id=self.version_id if this_version else None)

    def _keep_action(self, rule_id: int, act: Any) -> None:
        if act is not None and act.kind == "callable":
            dispatch.remember_local_action(self.registry, rule_id, act)
        else:
            dispatch.forget_local_action(self.registry, rule_id)

    def _rule(self, rule_id: int) -> dict[str, Any]:
        return next(r for r in self.rules() if r["id"] == rule_id)

    def rules(self) -> list[dict[str, Any]]:
        """The enabled rules that apply to this version (the REST ``Rule`` payloads)."""
        return queries.rules(self.registry, self.model_id, self.version_id)

    def remove_rule(self, rule_id: int) -> None:
        """Switch a rule off; its firing alerts resolve, its history stays."""
        alert_store.disable_rule(self.registry, int(rule_id))
        dispatch.forget_local_action(self.registry, int(rule_id))

    # -- reading ----------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """The monitor overview (the REST ``GET monitoring/{model}`` payload)."""
        return queries.monitor_detail(self.registry, self.ref)

    def alerts(self, state: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Alerts of this version, newest first (``state`` = firing or resolved)."""
        return list(queries.alerts(self.registry, self.ref, state=state, limit=limit)["alerts"])

    def series(self, pattern: str = "*", since: float | None = None) -> dict[str, list[tuple[float, float]]]:
        """Points of the series matching ``pattern``: ``{key: [(ts, value), ...]}``."""
        return queries.points(self.registry, self.version_id, pattern=pattern, since=since)

    def summary(self) -> Any:
        """A table of the latest values and charts over time, for the notebook."""
        return MonitorSummary(self)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until queued actions (webhooks, notebooks) have run; False on timeout."""
        return dispatch.wait(timeout)


def _action(action: Any) -> Any:
    if action is None:
        return None
    return triggers.as_action(action)


def on_model_event(registry: Registry, event: str, action: Any, *, model_id: int | None = None,
                   version_id: int | None = None) -> dict[str, Any]:
    """Store an event rule: ``action`` runs when a registry event of kind ``event`` happens."""
    rules.check_event_kind(event)
    act = _action(action)
    if act is None:
        raise ValueError("an event rule needs an action")
    rule_id = alert_store.upsert_rule(registry, kind="event", model_id=model_id, version_id=version_id,
                                pattern=event, action=act.spec(), user=current_user())
    if act.kind == "callable":
        dispatch.remember_local_action(registry, rule_id, act)
    return {"id": rule_id, "kind": "event", "pattern": event, "action": act.spec()}
