"""Write monitoring rules, the runs of their actions, and claim registry events.

The reading side is ``alert_queries.py``; batches and the rule evaluation they cause
are written by ``monitoring.py``.
"""

from __future__ import annotations

import json
import os
import socket
import time
from typing import Any

from mm_jupyter.errors import NotFoundError
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.monitoring import compact_json
from mm_jupyter.store.runs import CURRENT_SEQ, iso_now

# Registry events handed to event rules per claim (the rest wait for the next claim).
EVENT_BATCH = 200


# -- rules --------------------------------------------------------------------


def upsert_rule(
    registry: Registry,
    *,
    kind: str = "series",
    model_id: int | None,
    version_id: int | None = None,
    pattern: str,
    op: str | None = None,
    threshold: float | None = None,
    count: int = 1,
    window_s: float | None = None,
    severity: str = "warning",
    name: str | None = None,
    action: dict[str, Any] | None = None,
    user: str | None = None,
) -> int:
    """Create a rule, or update the identical one (same series, op, threshold, window)."""
    with registry.write() as conn:
        row = conn.execute(
            "SELECT id FROM monitor_rules WHERE kind = ? AND COALESCE(model_id, 0) = ?"
            " AND COALESCE(version_id, 0) = ? AND pattern = ? AND COALESCE(op, '') = ?"
            " AND COALESCE(threshold, 0) = ? AND count = ? AND COALESCE(window_s, 0) = ?",
            (kind, model_id or 0, version_id or 0, pattern, op or "", threshold or 0.0,
             count, window_s or 0.0),
        ).fetchone()
        action_text = None if action is None else compact_json(action)
        if row is not None:
            conn.execute(
                "UPDATE monitor_rules SET severity = ?, name = ?, action = ?, enabled = 1 WHERE id = ?",
                (severity, name, action_text, row[0]),
            )
            return int(row[0])
        return int(conn.execute(
            "INSERT INTO monitor_rules (kind, model_id, version_id, pattern, op, threshold, count,"
            " window_s, severity, name, action, created_at, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, model_id, version_id, pattern, op, threshold, count, window_s, severity, name,
             action_text, iso_now(), user),
        ).lastrowid or 0)


def disable_rule(registry: Registry, rule_id: int) -> None:
    """Switch a rule off and resolve its firing alerts (its history stays)."""
    with registry.write() as conn:
        cursor = conn.execute("UPDATE monitor_rules SET enabled = 0 WHERE id = ?", (rule_id,))
        if cursor.rowcount != 1:
            raise NotFoundError(f"no monitoring rule {rule_id}")
        now = time.time()
        conn.execute(
            f"UPDATE monitor_alerts SET state = 'resolved', resolved_ts = ?, change_seq = {CURRENT_SEQ}"
            " WHERE rule_id = ? AND state = 'firing'",
            (now, rule_id),
        )


# -- acknowledging ------------------------------------------------------------

# The alert's own action list records each acknowledgement (with the comment), so the
# alert's history says who took it and why without a table of its own.
ACK_KINDS = ("acknowledge", "unacknowledge")
MAX_COMMENT = 2000


def acknowledge_alert(registry: Registry, alert_id: int, *, user: str | None,
                      comment: str | None = None, acknowledged: bool = True) -> bool:
    """Mark an alert as seen and owned by ``user`` (or, ``acknowledged=False``, undo it).

    Acknowledging an acknowledged alert keeps the first who/when (and returns ``False``:
    nothing changed); so does unacknowledging one nobody acknowledged. A change is
    recorded as an ``acknowledge``/``unacknowledge`` row of the alert's actions, with
    ``comment`` as its detail. ``NotFoundError`` for an unknown alert id.
    """
    if comment is not None and len(comment) > MAX_COMMENT:
        raise ValueError(f"the comment is longer than {MAX_COMMENT} characters ({len(comment)})")
    with registry.write() as conn:
        row = conn.execute(
            "SELECT rule_id, acknowledged_at FROM monitor_alerts WHERE id = ?", (alert_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no monitoring alert {alert_id}")
        rule_id, acknowledged_at = row
        if (acknowledged_at is not None) == acknowledged:
            return False
        now = time.time()
        conn.execute(
            "UPDATE monitor_alerts SET acknowledged_at = ?, acknowledged_by = ?,"
            f" change_seq = {CURRENT_SEQ} WHERE id = ?",
            (now if acknowledged else None, user if acknowledged else None, alert_id),
        )
        conn.execute(
            "INSERT INTO alert_actions (rule_id, alert_id, kind, status, detail, host, pid,"
            " created_ts, finished_ts) VALUES (?, ?, ?, 'ok', ?, ?, ?, ?, ?)",
            (rule_id, alert_id, ACK_KINDS[0 if acknowledged else 1],
             f"{user or 'someone'}" + (f": {comment}" if comment else ""),
             socket.gethostname(), os.getpid(), now, now),
        )
    return True


# -- actions ------------------------------------------------------------------


def record_action(registry: Registry, *, rule_id: int, kind: str, status: str,
                  alert_id: int | None = None, event_id: int | None = None,
                  detail: str | None = None, output: str | None = None,
                  run_id: str | None = None) -> int:
    """Record that an alert or event set an action off (status pending/running/ok/...)."""
    now = time.time()
    finished = None if status in ("pending", "running") else now
    with registry.write() as conn:
        action_id = int(conn.execute(
            "INSERT INTO alert_actions (rule_id, alert_id, event_id, kind, status, detail, output,"
            " run_id, host, pid, created_ts, finished_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (rule_id, alert_id, event_id, kind, status, detail, output, run_id,
             socket.gethostname(), os.getpid(), now, finished),
        ).lastrowid or 0)
        _touch_alert(conn, alert_id)
        return action_id


def finish_action(registry: Registry, action_id: int, *, status: str, detail: str | None,
                  output: str | None = None, run_id: str | None = None) -> None:
    """Record how an action ended."""
    with registry.write() as conn:
        conn.execute(
            "UPDATE alert_actions SET status = ?, detail = ?, output = ?, run_id = ?,"
            " finished_ts = ? WHERE id = ?",
            (status, detail, output, run_id,
             None if status in ("pending", "running") else time.time(), action_id),
        )
        row = conn.execute("SELECT alert_id FROM alert_actions WHERE id = ?", (action_id,)).fetchone()
        _touch_alert(conn, row[0] if row else None)


def _touch_alert(conn: Connection, alert_id: int | None) -> None:
    # The sidebar refreshes what changed since its cursor: an alert's actions are part of it.
    if alert_id is not None:
        conn.execute(f"UPDATE monitor_alerts SET change_seq = {CURRENT_SEQ} WHERE id = ?", (alert_id,))


def runs_triggered_by(registry: Registry, tag: str) -> list[str]:
    """Ids of the runs a triggered notebook recorded (tag ``mm.triggered_by``), oldest first."""
    with registry.read() as conn:
        rows = conn.execute(
            "SELECT id FROM runs WHERE json_extract(tags, '$.\"mm.triggered_by\"') = ?"
            " ORDER BY started_at",
            (tag,),
        ).fetchall()
    return [row[0] for row in rows]


# -- registry events ----------------------------------------------------------


def claim_events(registry: Registry) -> list[dict[str, Any]]:
    """Hand registry events that no process has dispatched yet to the event rules.

    Returns one dispatch item per (event, matching rule). The cursor moves inside the
    same write transaction, so each event is dispatched exactly once across processes.
    """
    with registry.read() as conn:
        cursor, newest = conn.execute(
            "SELECT events_dispatched, (SELECT COALESCE(max(id), 0) FROM registry_events)"
            " FROM registry_state"
        ).fetchone()
    if newest <= cursor:  # the common case costs one read
        return []
    items: list[dict[str, Any]] = []
    with registry.write(bump=False) as conn:
        cursor = conn.execute("SELECT events_dispatched FROM registry_state").fetchone()[0]
        events = conn.execute(
            "SELECT e.id, e.kind, e.model_id, e.version_id, e.payload, e.at, m.name, v.version"
            " FROM registry_events e LEFT JOIN registered_models m ON m.id = e.model_id"
            " LEFT JOIN model_versions v ON v.id = e.version_id"
            " WHERE e.id > ? ORDER BY e.id LIMIT ?",
            (cursor, EVENT_BATCH),
        ).fetchall()
        if not events:
            return []
        conn.execute("UPDATE registry_state SET events_dispatched = ?", (events[-1][0],))
        rules = conn.execute(
            "SELECT id, model_id, version_id, pattern, severity, name, action FROM monitor_rules"
            " WHERE kind = 'event' AND enabled = 1"
        ).fetchall()
        for event_id, kind, model_id, version_id, payload, at, model, version in events:
            for rule_id, r_model, r_version, pattern, severity, name, action in rules:
                if pattern != kind or (r_model is not None and r_model != model_id):
                    continue
                if r_version is not None and r_version != version_id:
                    continue
                items.append({
                    "type": "registry_event", "event_id": event_id, "event": kind,
                    "rule_id": rule_id, "rule_name": name, "severity": severity,
                    "model": model, "version": version, "at": at,
                    **{k: v for k, v in json.loads(payload or "{}").items() if k not in ("type",)},
                    "action": None if action is None else json.loads(action),
                })
    return items


__all__ = [
    "ACK_KINDS", "EVENT_BATCH", "MAX_COMMENT", "acknowledge_alert", "claim_events",
    "disable_rule", "finish_action", "record_action", "runs_triggered_by", "upsert_rule",
]
