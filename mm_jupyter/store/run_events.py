"""The audit trail of run housekeeping: who renamed, noted, tagged, starred, archived,
restored, deleted or moved a run, and when (table ``run_events``)."""

from __future__ import annotations

import json
from typing import Any

from mm_jupyter.store.dialect import Connection

ACTIONS = ("rename", "note", "tag", "star", "archive", "restore", "delete", "move")
MAX_EVENTS = 100  # what a run's detail shows, newest first


def record_event(
    conn: Connection, run_id: str, *, at: str, user: str | None, action: str,
    before: Any, after: Any,
) -> dict[str, Any]:
    """Write one event inside the caller's write transaction; return it as read back."""
    if action not in ACTIONS:
        raise ValueError(f"unknown run event {action!r}: one of {', '.join(ACTIONS)}")
    detail = {"from": before, "to": after}
    conn.execute(
        "INSERT INTO run_events (run_id, at, user, action, detail) VALUES (?, ?, ?, ?, ?)",
        (run_id, at, user, action, json.dumps(detail, sort_keys=True)),
    )
    return {"at": at, "user": user, "action": action, "detail": detail}


def run_events(conn: Connection, run_id: str, limit: int = MAX_EVENTS) -> list[dict[str, Any]]:
    """Return a run's last ``limit`` events, newest first: ``{at, user, action, detail}``."""
    events = []
    for at, user, action, detail in conn.execute(
        "SELECT at, user, action, detail FROM run_events WHERE run_id = ?"
        " ORDER BY id DESC LIMIT ?",
        (run_id, limit),
    ):
        try:
            parsed = json.loads(detail)
        except (TypeError, ValueError):  # one unreadable row must not hide the rest
            parsed = {"_unreadable": str(detail)[:200]}
        events.append({"at": at, "user": user, "action": action, "detail": parsed})
    return events
