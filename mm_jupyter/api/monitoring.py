"""The monitoring part of the public API: ``mm.monitor``, ``mm.on_model_event`` and
``mm.acknowledge_alert``/``mm.unacknowledge_alert``."""

from __future__ import annotations

from typing import Any

from mm_jupyter.identity import current_user
from mm_jupyter.monitoring import queries
from mm_jupyter.monitoring.monitor import Monitor
from mm_jupyter.monitoring.monitor import on_model_event as _on_model_event
from mm_jupyter.services.models.lookup import resolve_model_version
from mm_jupyter.services.runs.session import get_session


def monitor(ref: str, *, min_rows: int = 30, max_raw_rows: int = 10_000,
            max_prediction_rows: int = 100_000) -> Monitor:
    """Monitor a registered model version: ``name``, ``name:N`` or ``name@alias_or_stage``.

    ``min_rows``: fewer non-missing values than this give "insufficient data" instead of
    drift; ``max_raw_rows``: raw input rows kept per version (a sample, newest first);
    ``max_prediction_rows``: predictions kept per batch to join late labels.
    """
    return Monitor(get_session().require_registry(), ref, min_rows=min_rows,
                   max_raw_rows=max_raw_rows, max_prediction_rows=max_prediction_rows)


def on_model_event(event: str, action: Any, *, model: str | None = None) -> dict[str, Any]:
    """Run ``action`` on a registry event (``registered``, ``stage_changed``, ``alias_moved``).

    ``model`` limits it to one registered model (``name``); by default every model.
    """
    registry = get_session().require_registry()
    model_id = None
    if model is not None:
        model_id, _ = resolve_model_version(registry, model)
    return _on_model_event(registry, event, action, model_id=model_id)


def acknowledge_alert(alert_id: int, *, comment: str | None = None) -> dict[str, Any]:
    """Acknowledge monitoring alert ``alert_id``: you have seen it and own it.

    Records who and when (``acknowledged_by``/``acknowledged_at``; the first
    acknowledgement's stay) and ``comment`` in the alert's actions. The sidebar's badge
    counts firing alerts nobody has acknowledged. Returns the alert;
    ``NotFoundError`` for an unknown id.
    """
    return queries.acknowledge_alert(get_session().require_registry(), alert_id,
                                     user=current_user(), comment=comment)


def unacknowledge_alert(alert_id: int, *, comment: str | None = None) -> dict[str, Any]:
    """Undo ``acknowledge_alert``: the alert counts on the badge again while it fires."""
    return queries.acknowledge_alert(get_session().require_registry(), alert_id,
                                     user=current_user(), comment=comment, acknowledged=False)
