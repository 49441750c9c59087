"""What the monitoring reads share: value cleaning, paging, which version a reference means.

Values that are not finite never leave the monitoring reads: a point or a latest value
that is ±inf (SQLite can hold it, the writer never stores it) is skipped, and a stored
JSON value becomes ``None``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from mm_jupyter.store.db import Registry
from mm_jupyter.store.models import parse_model_ref, resolve_model_version

MAX_POINTS = 5000  # points per series
DEFAULT_POINTS = 500
ALERT_STATES = ("firing", "resolved")
# The detail view: every firing alert (bounded), then this many recent resolved ones.
RECENT_RESOLVED = 20
# SQL: a finite REAL (NaN cannot be stored in a NOT NULL REAL column; ±inf can).
FINITE_SQL = "abs({}) <= 1.7976931348623157e308"


def finite_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def clean_json(value: Any) -> Any:
    """A parsed JSON value with every non-finite float replaced by ``None``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    return value


def json_or(text: Any, default: Any) -> Any:
    if text is None:
        return default
    try:
        return clean_json(json.loads(text))
    except (TypeError, ValueError):  # one unreadable row must not break a listing
        return default




def placeholders(ids: list[int]) -> str:
    return ",".join("?" * len(ids))


# -- which version a reference means ---------------------------------------------------

# Versions with their own monitoring data: batches, alerts or enabled rules of theirs.
_OWN_DATA = (
    "(EXISTS (SELECT 1 FROM monitor_batches b WHERE b.version_id = v.id)"
    " OR EXISTS (SELECT 1 FROM monitor_alerts a WHERE a.version_id = v.id)"
    " OR EXISTS (SELECT 1 FROM monitor_rules r"
    "           WHERE r.version_id = v.id AND r.enabled = 1))"
)


def resolve_monitored(registry: Registry, ref: str) -> tuple[int, int]:
    """Return ``(model_id, version_id)`` of a reference, for monitoring.

    ``name:N`` and ``name@x`` resolve as everywhere else; a bare ``name`` means the
    most recent version that has monitoring data, else the latest version.
    """
    name, number, label = parse_model_ref(ref)
    if number is None and label is None:
        with registry.read() as conn:
            row = conn.execute(
                "SELECT v.model_id, v.id FROM model_versions v"
                " JOIN registered_models m ON m.id = v.model_id"
                f" WHERE m.name = ? AND {_OWN_DATA} ORDER BY v.version DESC LIMIT 1",
                (name,),
            ).fetchone()
        if row is not None:
            return int(row[0]), int(row[1])
    return resolve_model_version(registry, ref)
