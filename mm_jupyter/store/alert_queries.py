"""Read monitoring rules and alerts (with their actions) in the REST shapes of docs/monitoring.md."""

from __future__ import annotations

from typing import Any

from mm_jupyter.core.paging import check_page
from mm_jupyter.errors import NotFoundError
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.monitor_common import (
    ALERT_STATES,
    finite_or_none,
    json_or,
    placeholders,
    resolve_monitored,
)

_RULE_SELECT = (
    "SELECT r.id, r.kind, m.name, v.version, r.pattern, r.op, r.threshold, r.count,"
    " r.window_s, r.severity, r.name, r.action, r.enabled, r.created_at, r.created_by"
    " FROM monitor_rules r LEFT JOIN registered_models m ON m.id = r.model_id"
    " LEFT JOIN model_versions v ON v.id = r.version_id"
)


def _action_view(text: Any) -> dict[str, str] | None:
    """What a rule does, for display: its kind and a label (a webhook's masked URL).

    The stored spec is not sent: a webhook's full URL may carry a secret.
    """
    spec = json_or(text, None)
    if not isinstance(spec, dict):
        return None
    kind = str(spec.get("kind") or "unknown")
    display = spec.get("display") or spec.get("name") or spec.get("path") or kind
    return {"kind": kind, "display": str(display)}


def _rule(row: tuple[Any, ...]) -> dict[str, Any]:
    (rule_id, kind, model, version, pattern, op, threshold, count, window_s, severity,
     name, action, enabled, created_at, created_by) = row  # fmt: skip
    return {
        "id": rule_id, "kind": kind, "model": model, "version": version,
        "pattern": pattern, "op": op, "threshold": finite_or_none(threshold), "count": count,
        "window_s": finite_or_none(window_s), "severity": severity, "name": name,
        "action": _action_view(action), "enabled": bool(enabled),
        "created_at": created_at, "created_by": created_by,
    }  # fmt: skip


def rules_of(
    conn: Connection, model_id: int, version_id: int
) -> list[dict[str, Any]]:
    """The rules that apply to a version (enabled or not), oldest first."""
    rows = conn.execute(
        f"{_RULE_SELECT} WHERE (r.model_id = ?"
        " AND (r.version_id IS NULL OR r.version_id = ?))"
        " OR (r.model_id IS NULL AND r.kind = 'event') ORDER BY r.id",
        (model_id, version_id),
    ).fetchall()
    return [_rule(row) for row in rows]


ALERT_SELECT = (
    "SELECT a.id, a.rule_id, m.name, v.version, a.series, a.state, a.severity,"
    " a.message, a.value, r.threshold, r.op, a.fired_values, a.occurrences,"
    " a.fired_ts, a.last_ts, a.resolved_ts, a.acknowledged_at, a.acknowledged_by"
    " FROM monitor_alerts a JOIN monitor_rules r ON r.id = a.rule_id"
    " JOIN model_versions v ON v.id = a.version_id"
    " JOIN registered_models m ON m.id = v.model_id"
)
NEWEST_FIRST = " ORDER BY a.fired_ts DESC, a.id DESC"


def _fired_values(text: Any) -> list[dict[str, Any]]:
    values = json_or(text, [])
    out = []
    for item in values if isinstance(values, list) else []:
        if not isinstance(item, dict):
            continue
        ts, value = finite_or_none(item.get("ts")), finite_or_none(item.get("value"))
        if ts is None or value is None:
            continue
        batch = item.get("batch_id")
        batch = None if batch is None else str(batch)
        out.append({"ts": ts, "value": value, "batch_id": batch})
    return out


def alert_rows(
    conn: Connection, rows: list[tuple[Any, ...]]
) -> list[dict[str, Any]]:
    """``Alert`` dicts of alert rows, with their actions (one query for all)."""
    ids = [row[0] for row in rows]
    actions: dict[int, list[dict[str, Any]]] = {}
    if ids:
        for action in conn.execute(
            "SELECT alert_id, kind, status, detail, output, run_id, created_ts,"
            " finished_ts FROM alert_actions"
            f" WHERE alert_id IN ({placeholders(ids)}) ORDER BY id",
            ids,
        ):
            alert_id, kind, status, detail, output, run_id, created, finished = action
            actions.setdefault(alert_id, []).append({
                "kind": kind, "status": status, "detail": detail, "output": output,
                "run_id": run_id, "created_ts": finite_or_none(created),
                "finished_ts": finite_or_none(finished),
            })  # fmt: skip
    out = []
    for row in rows:
        (alert_id, rule_id, model, version, series_key, state, severity, message,
         value, threshold, op, fired, occurrences, fired_ts, last_ts,
         resolved_ts, acknowledged_at, acknowledged_by) = row  # fmt: skip
        out.append({
            "id": alert_id, "rule_id": rule_id, "model": model, "version": version,
            "series": series_key, "state": state, "severity": severity,
            "message": message,
            "value": finite_or_none(value), "threshold": finite_or_none(threshold), "op": op,
            "fired_values": _fired_values(fired), "occurrences": occurrences,
            "fired_ts": finite_or_none(fired_ts) or 0.0, "last_ts": finite_or_none(last_ts),
            "resolved_ts": finite_or_none(resolved_ts), "actions": actions.get(alert_id, []),
            "acknowledged_at": finite_or_none(acknowledged_at),
            "acknowledged_by": acknowledged_by,
        })  # fmt: skip
    return out


def alert(registry: Registry, alert_id: int) -> dict[str, Any]:
    """Return one ``Alert`` with its actions; ``NotFoundError`` for an unknown id."""
    with registry.read() as conn:
        rows = conn.execute(f"{ALERT_SELECT} WHERE a.id = ?", (alert_id,)).fetchall()
        if not rows:
            raise NotFoundError(f"no monitoring alert {alert_id}")
        return alert_rows(conn, rows)[0]


def unacknowledged_firing(registry: Registry) -> int:
    """Return how many alerts fire that nobody has acknowledged (the sidebar's badge)."""
    with registry.read() as conn:
        return int(conn.execute(
            "SELECT count(*) FROM monitor_alerts WHERE state = 'firing'"
            " AND acknowledged_at IS NULL"
        ).fetchone()[0])


def alerts(
    registry: Registry,
    ref: str | None = None,
    *,
    state: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Return one page of alerts, newest first: of one model version, or of all."""
    check_page(limit, offset)
    if state is not None and state not in ALERT_STATES:
        raise ValueError(
            f"state must be one of {', '.join(ALERT_STATES)}, not {state!r}"
        )
    where: list[str] = ["1 = 1"]
    args: list[int | str] = []
    if ref is not None:
        where.append("a.version_id = ?")
        args.append(resolve_monitored(registry, ref)[1])
    if state is not None:
        where.append("a.state = ?")
        args.append(state)
    condition = " AND ".join(where)
    with registry.read() as conn:
        total = conn.execute(
            f"SELECT count(*) FROM monitor_alerts a WHERE {condition}", args
        ).fetchone()[0]
        rows = conn.execute(
            f"{ALERT_SELECT} WHERE {condition}{NEWEST_FIRST} LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ).fetchall()
        page = alert_rows(conn, rows)
    return {"total": total, "offset": offset, "limit": limit, "alerts": page}


def rules(registry: Registry, model_id: int, version_id: int) -> list[dict[str, Any]]:
    """The enabled rules that apply to a version, as ``Rule`` payloads (``mon.rules()``)."""
    with registry.read() as conn:
        return [r for r in rules_of(conn, model_id, version_id) if r["enabled"]]
