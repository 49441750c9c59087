"""Stored metric directions: the keys whose lower/higher-is-better the user set."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mm_jupyter.store.db import Registry
from mm_jupyter.store.runs import iso_now

# Keys per IN (...) list: well under SQLite's 32,766 bound variables.
_CHUNK = 500


def stored_directions(
    registry: Registry, keys: Iterable[str] | None = None
) -> dict[str, str]:
    """Return ``{key: 'min'|'max'}`` stored for ``keys`` (all stored ones if ``None``)."""
    with registry.read() as conn:
        if keys is None:
            rows = conn.execute("SELECT key, direction FROM metric_directions").fetchall()
            return {str(k): str(d) for k, d in rows}
        wanted = sorted(set(keys))
        found: dict[str, str] = {}
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            for key, direction in conn.execute(
                f"SELECT key, direction FROM metric_directions WHERE key IN ({marks})",
                chunk,
            ):
                found[str(key)] = str(direction)
        return found


def list_directions(registry: Registry) -> list[dict[str, Any]]:
    """Return every stored direction as ``{key, direction, set_by, set_at}`` by key."""
    with registry.read() as conn:
        rows = conn.execute(
            "SELECT key, direction, set_by, set_at FROM metric_directions ORDER BY key"
        ).fetchall()
    return [
        {"key": r[0], "direction": r[1], "set_by": r[2], "set_at": r[3]} for r in rows
    ]


def write_direction(
    registry: Registry, key: str, direction: str | None, user: str | None
) -> bool:
    """Store ``direction`` for ``key`` (``None`` deletes it); return whether it changed.

    The write moves the change cursor, so open views recolour their deltas.
    """
    with registry.write() as conn:
        row = conn.execute(
            "SELECT direction FROM metric_directions WHERE key = ?", (key,)
        ).fetchone()
        before = None if row is None else row[0]
        if direction is None:
            conn.execute("DELETE FROM metric_directions WHERE key = ?", (key,))
        else:
            conn.execute(
                "INSERT INTO metric_directions (key, direction, set_by, set_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                " direction = excluded.direction, set_by = excluded.set_by,"
                " set_at = excluded.set_at",
                (key, direction, user, iso_now()),
            )
    return before != direction
