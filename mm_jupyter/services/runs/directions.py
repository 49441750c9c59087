"""Whether lower or higher is better for each metric: the user's choice, else the name's.

Diff, compare and model-trend colours call ``directions_for`` with the keys they
show; ``GET keys`` carries the same answer for every metric key in use.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mm_jupyter.core.directions import check_direction, infer_direction
from mm_jupyter.identity import current_user
from mm_jupyter.store import metric_directions
from mm_jupyter.store.db import Registry

MAX_KEY = 250  # the metric key limit mm.log_metric enforces


def check_metric_key(key: Any) -> str:
    """Return ``key`` if it can name a metric, else raise ``ValueError`` saying why."""
    if not isinstance(key, str) or not key.strip():
        raise ValueError(f"metric key must be a non-empty string, not {key!r}")
    if len(key) > MAX_KEY:
        raise ValueError(f"metric key is {len(key)} characters; the limit is {MAX_KEY}")
    try:
        key.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"metric key {key!r} holds a lone surrogate at position {exc.start}"
        ) from None
    return key


def directions_for(registry: Registry, keys: Iterable[str]) -> dict[str, str]:
    """Return ``{key: 'min'|'max'}`` for ``keys``: the stored override, else inferred.

    One indexed read of the overrides, whatever the number of keys.
    """
    wanted = list(dict.fromkeys(keys))
    stored = metric_directions.stored_directions(registry, wanted)
    return {key: stored.get(key) or infer_direction(key) for key in wanted}


def set_direction(
    registry: Registry, key: str, direction: str | None, user: str | None = None
) -> dict[str, Any]:
    """Store that lower (``'min'``) or higher (``'max'``) is better for metric ``key``.

    ``None`` clears the override, so the direction is inferred from the name again.
    ``user`` defaults to the registry identity (``MM_JUPYTER_USER``, else the login).
    Returns ``{key, direction, source, changed}`` where ``direction`` is the one now in
    effect and ``source`` is ``'set'`` or ``'inferred'``. Bad input raises ``ValueError``.
    """
    check_metric_key(key)
    checked = check_direction(direction)
    changed = metric_directions.write_direction(
        registry, key, checked, user if user is not None else current_user()
    )
    return {
        "key": key,
        "direction": checked or infer_direction(key),
        "source": "inferred" if checked is None else "set",
        "changed": changed,
    }


def list_directions(
    registry: Registry, keys: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Return the stored overrides plus ``keys`` inferred, as rows sorted by key.

    Each row is ``{key, direction, source ('set'|'inferred'), set_by, set_at}``.
    """
    rows = {r["key"]: {**r, "source": "set"} for r in metric_directions.list_directions(registry)}
    for key in keys:
        if key not in rows:
            rows[key] = {
                "key": key, "direction": infer_direction(key), "source": "inferred",
                "set_by": None, "set_at": None,
            }
    return [rows[k] for k in sorted(rows)]
