"""Read monitoring data in the REST shapes of docs/monitoring.md (REST, CLI, exporter).

Every function is one short ``registry.read()`` snapshot. Values that are not finite
never leave this module: a point or a latest value that is ±inf (SQLite can hold it,
the writer never stores it) is skipped, and a stored JSON value becomes ``None``.
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.monitoring.rules import matches
from mm_jupyter.store.db import Registry
from mm_jupyter.store.models import parse_model_ref, resolve_model_version

MAX_LIMIT = 500  # monitors, alerts and batches per page
MAX_POINTS = 5000  # points per series
DEFAULT_POINTS = 500
ALERT_STATES = ("firing", "resolved")
# The detail view: every firing alert (bounded), then this many recent resolved ones.
RECENT_RESOLVED = 20
# SQL: a finite REAL (NaN cannot be stored in a NOT NULL REAL column; ±inf can).
_FINITE = "abs({}) <= 1.7976931348623157e308"


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _clean(value: Any) -> Any:
    """A parsed JSON value with every non-finite float replaced by ``None``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _json(text: Any, default: Any) -> Any:
    if text is None:
        return default
    try:
        return _clean(json.loads(text))
    except (TypeError, ValueError):  # one unreadable row must not break a listing
        return default


def _page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise ValueError(f"offset must be >= 0, not {offset}")


def _marks(ids: list[int]) -> str:
    return ",".join("?" * len(ids))


# -- which version a reference means ---------------------------------------------------

# Versions with their own monitoring data: batches, alerts or enabled rules of theirs.
_OWN_DATA = (
    "(EXISTS (SELECT 1 FROM monitor_batches b WHERE b.version_id = v.id)"
    " OR EXISTS (SELECT 1 FROM monitor_alerts a WHERE a.version_id = v.id)"
    " OR EXISTS (SELECT 1 FROM monitor_rules r"
    "           WHERE r.version_id = v.id AND r.enabled))"
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


# -- summaries -------------------------------------------------------------------------


def _monitored_ids(conn: sqlite3.Connection) -> list[int]:
    """Ids of monitored versions, newest activity (batch or alert) first.

    A version is monitored when it has batches, alerts or enabled rules of its own; a
    model whose rules cover every version but that has no such version yet shows its
    latest version (the one a bare name resolves to).
    """
    rows = conn.execute(
        "WITH own AS ("
        "  SELECT version_id FROM monitor_batches"
        "  UNION SELECT version_id FROM monitor_alerts"
        "  UNION SELECT version_id FROM monitor_rules"
        "        WHERE version_id IS NOT NULL AND enabled),"
        " wide AS ("
        "  SELECT (SELECT v.id FROM model_versions v WHERE v.model_id = r.model_id"
        "          ORDER BY v.version DESC LIMIT 1) AS version_id"
        "  FROM monitor_rules r WHERE r.version_id IS NULL AND r.model_id IS NOT NULL"
        "  AND r.enabled"
        "  AND NOT EXISTS (SELECT 1 FROM own JOIN model_versions v"
        "                  ON v.id = own.version_id WHERE v.model_id = r.model_id)),"
        " monitored AS (SELECT version_id FROM own"
        "  UNION SELECT version_id FROM wide WHERE version_id IS NOT NULL)"
        " SELECT s.version_id, max("
        "  COALESCE((SELECT max(ts) FROM monitor_batches"
        "            WHERE version_id = s.version_id), 0),"
        "  COALESCE((SELECT max(last_ts) FROM monitor_alerts"
        "            WHERE version_id = s.version_id), 0)) AS activity"
        " FROM monitored s ORDER BY activity DESC, s.version_id DESC"
    ).fetchall()
    return [int(r[0]) for r in rows]


def _summaries(conn: sqlite3.Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """``MonitorSummary`` of each version id."""
    if not ids:
        return {}
    rows = conn.execute(
        "SELECT v.id, m.name, v.version, v.stage, v.reference_profile IS NOT NULL,"
        " (SELECT count(*) FROM monitor_batches b WHERE b.version_id = v.id),"
        " (SELECT COALESCE(sum(n_rows), 0) FROM monitor_batches b"
        "  WHERE b.version_id = v.id),"
        " (SELECT COALESCE(sum(n_labelled), 0) FROM monitor_batches b"
        "  WHERE b.version_id = v.id),"
        " (SELECT min(ts) FROM monitor_batches b WHERE b.version_id = v.id),"
        " (SELECT max(ts) FROM monitor_batches b WHERE b.version_id = v.id),"
        " (SELECT count(*) FROM monitor_alerts a WHERE a.version_id = v.id"
        "  AND a.state = 'firing')"
        " FROM model_versions v JOIN registered_models m ON m.id = v.model_id"
        f" WHERE v.id IN ({_marks(ids)})",
        ids,
    ).fetchall()
    aliases: dict[int, list[str]] = {}
    for version_id, alias in conn.execute(
        "SELECT version_id, alias FROM model_aliases"
        f" WHERE version_id IN ({_marks(ids)}) ORDER BY alias",
        ids,
    ):
        aliases.setdefault(version_id, []).append(alias)
    out = {}
    for (version_id, name, number, stage, has_profile, n_batches, n_rows, labelled,
         first_ts, last_ts, firing) in rows:  # fmt: skip
        out[version_id] = {
            "model": name, "version": number, "ref": f"{name}:{number}", "stage": stage,
            "aliases": aliases.get(version_id, []), "batches": n_batches,
            "rows": int(n_rows), "labelled": int(labelled),
            "first_ts": _finite(first_ts), "last_ts": _finite(last_ts),
            "firing": firing, "has_reference_profile": bool(has_profile),
        }  # fmt: skip
    return out


def _cursor(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT change_seq FROM registry_state").fetchone()
    return int(row[0]) if row else 0


def list_monitors(
    registry: Registry, *, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Return one page of monitored model versions, newest activity first."""
    _page(limit, offset)
    with registry.read() as conn:
        ids = _monitored_ids(conn)
        page = ids[offset : offset + limit]
        summaries = _summaries(conn, page)
        firing = conn.execute(
            "SELECT count(*) FROM monitor_alerts WHERE state = 'firing'"
        ).fetchone()[0]
        cursor = _cursor(conn)
    return {
        "total": len(ids), "offset": offset, "limit": limit, "firing": firing,
        "cursor": cursor, "monitors": [summaries[i] for i in page if i in summaries],
    }  # fmt: skip


# -- rules and alerts ------------------------------------------------------------------

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
    spec = _json(text, None)
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
        "pattern": pattern, "op": op, "threshold": _finite(threshold), "count": count,
        "window_s": _finite(window_s), "severity": severity, "name": name,
        "action": _action_view(action), "enabled": bool(enabled),
        "created_at": created_at, "created_by": created_by,
    }  # fmt: skip


def _rules_of(
    conn: sqlite3.Connection, model_id: int, version_id: int
) -> list[dict[str, Any]]:
    """The rules that apply to a version (enabled or not), oldest first."""
    rows = conn.execute(
        f"{_RULE_SELECT} WHERE (r.model_id = ?"
        " AND (r.version_id IS NULL OR r.version_id = ?))"
        " OR (r.model_id IS NULL AND r.kind = 'event') ORDER BY r.id",
        (model_id, version_id),
    ).fetchall()
    return [_rule(row) for row in rows]


_ALERT_SELECT = (
    "SELECT a.id, a.rule_id, m.name, v.version, a.series, a.state, a.severity,"
    " a.message, a.value, r.threshold, r.op, a.fired_values, a.occurrences,"
    " a.fired_ts, a.last_ts, a.resolved_ts"
    " FROM monitor_alerts a JOIN monitor_rules r ON r.id = a.rule_id"
    " JOIN model_versions v ON v.id = a.version_id"
    " JOIN registered_models m ON m.id = v.model_id"
)
_NEWEST = " ORDER BY a.fired_ts DESC, a.id DESC"


def _fired_values(text: Any) -> list[dict[str, Any]]:
    values = _json(text, [])
    out = []
    for item in values if isinstance(values, list) else []:
        if not isinstance(item, dict):
            continue
        ts, value = _finite(item.get("ts")), _finite(item.get("value"))
        if ts is None or value is None:
            continue
        batch = item.get("batch_id")
        batch = None if batch is None else str(batch)
        out.append({"ts": ts, "value": value, "batch_id": batch})
    return out


def _alerts(
    conn: sqlite3.Connection, rows: list[tuple[Any, ...]]
) -> list[dict[str, Any]]:
    """``Alert`` dicts of alert rows, with their actions (one query for all)."""
    ids = [row[0] for row in rows]
    actions: dict[int, list[dict[str, Any]]] = {}
    if ids:
        for action in conn.execute(
            "SELECT alert_id, kind, status, detail, output, run_id, created_ts,"
            " finished_ts FROM alert_actions"
            f" WHERE alert_id IN ({_marks(ids)}) ORDER BY id",
            ids,
        ):
            alert_id, kind, status, detail, output, run_id, created, finished = action
            actions.setdefault(alert_id, []).append({
                "kind": kind, "status": status, "detail": detail, "output": output,
                "run_id": run_id, "created_ts": _finite(created),
                "finished_ts": _finite(finished),
            })  # fmt: skip
    out = []
    for row in rows:
        (alert_id, rule_id, model, version, series_key, state, severity, message,
         value, threshold, op, fired, occurrences, fired_ts, last_ts,
         resolved_ts) = row  # fmt: skip
        out.append({
            "id": alert_id, "rule_id": rule_id, "model": model, "version": version,
            "series": series_key, "state": state, "severity": severity,
            "message": message,
            "value": _finite(value), "threshold": _finite(threshold), "op": op,
            "fired_values": _fired_values(fired), "occurrences": occurrences,
            "fired_ts": _finite(fired_ts) or 0.0, "last_ts": _finite(last_ts),
            "resolved_ts": _finite(resolved_ts), "actions": actions.get(alert_id, []),
        })  # fmt: skip
    return out


def alerts(
    registry: Registry,
    ref: str | None = None,
    *,
    state: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Return one page of alerts, newest first: of one model version, or of all."""
    _page(limit, offset)
    if state is not None and state not in ALERT_STATES:
        raise ValueError(
            f"state must be one of {', '.join(ALERT_STATES)}, not {state!r}"
        )
    where, args = ["1"], []
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
            f"{_ALERT_SELECT} WHERE {condition}{_NEWEST} LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ).fetchall()
        page = _alerts(conn, rows)
    return {"total": total, "offset": offset, "limit": limit, "alerts": page}


# -- one monitor -----------------------------------------------------------------------


def _features(profile_text: Any, report: Any) -> list[str]:
    """Feature names: the reference profile's, else those of the last batch."""
    profile = _json(profile_text, None)
    if isinstance(profile, dict) and isinstance(profile.get("features"), dict):
        return [str(name) for name in profile["features"]]
    if isinstance(report, dict) and isinstance(report.get("features"), dict):
        return [str(name) for name in report["features"]]
    return []


def _last_report(conn: sqlite3.Connection, version_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT batch_id, ts, source, n_labelled, report, performance"
        " FROM monitor_batches WHERE version_id = ? ORDER BY ts DESC, id DESC LIMIT 1",
        (version_id,),
    ).fetchone()
    if row is None:
        return None
    batch_id, ts, source, n_labelled, report, performance = row
    body = _json(report, {})
    return {
        **(body if isinstance(body, dict) else {}),
        "batch_id": batch_id, "ts": _finite(ts), "source": source,
        "n_labelled": n_labelled, "performance": _json(performance, None),
    }  # fmt: skip


def monitor_detail(registry: Registry, ref: str) -> dict[str, Any]:
    """Return a version's monitor: summary, latest values, rules, alerts, report."""
    model_id, version_id = resolve_monitored(registry, ref)
    with registry.read() as conn:
        summary = _summaries(conn, [version_id])[version_id]
        latest = {
            key: {"value": value, "ts": ts}
            for key, value, ts in conn.execute(
                "SELECT key, value, ts FROM monitor_latest WHERE version_id = ?"
                f" AND {_FINITE.format('value')} ORDER BY key",
                (version_id,),
            )
        }
        keys = [r[0] for r in conn.execute(
            "SELECT key FROM monitor_latest WHERE version_id = ? ORDER BY key",
            (version_id,),
        )]  # fmt: skip
        firing = conn.execute(
            f"{_ALERT_SELECT} WHERE a.version_id = ? AND a.state = 'firing'{_NEWEST}"
            " LIMIT ?",
            (version_id, MAX_LIMIT),
        ).fetchall()
        resolved = conn.execute(
            f"{_ALERT_SELECT} WHERE a.version_id = ? AND a.state = 'resolved'{_NEWEST}"
            " LIMIT ?",
            (version_id, RECENT_RESOLVED),
        ).fetchall()
        report = _last_report(conn, version_id)
        profile = conn.execute(
            "SELECT reference_profile FROM model_versions WHERE id = ?", (version_id,)
        ).fetchone()[0]
        return {
            "monitor": summary,
            "latest": latest,
            "features": _features(profile, report),
            "series_keys": keys,
            "rules": _rules_of(conn, model_id, version_id),
            "alerts": _alerts(conn, firing + resolved),
            "last_report": report,
        }


def _thresholds(
    conn: sqlite3.Connection, model_id: int, version_id: int
) -> list[tuple[Any, ...]]:
    """``(id, pattern, op, threshold, severity)`` of the version's series rules."""
    return conn.execute(
        "SELECT id, pattern, op, threshold, severity FROM monitor_rules"
        " WHERE kind = 'series' AND enabled AND model_id = ?"
        " AND (version_id IS NULL OR version_id = ?) ORDER BY id",
        (model_id, version_id),
    ).fetchall()


def series(
    registry: Registry,
    ref: str,
    *,
    keys: list[str] | None = None,
    pattern: str | None = None,
    since_ts: float | None = None,
    until_ts: float | None = None,
    limit: int = DEFAULT_POINTS,
) -> dict[str, Any]:
    """Return the most recent ``limit`` points (oldest first) of each matching series.

    ``keys`` are exact (each is returned, with no points when it has none); otherwise
    every key with data matching the glob ``pattern`` (default ``*``). Each series
    carries the thresholds of the enabled rules whose pattern matches its key.
    """
    if keys is not None and pattern is not None:
        raise ValueError("give series keys or a pattern, not both")
    if not 1 <= limit <= MAX_POINTS:
        raise ValueError(f"limit must be between 1 and {MAX_POINTS}, not {limit}")
    for label, bound in (("since_ts", since_ts), ("until_ts", until_ts)):
        if bound is not None and not math.isfinite(bound):
            raise ValueError(f"{label} must be a finite number of epoch seconds")
    if since_ts is not None and until_ts is not None and since_ts > until_ts:
        raise ValueError(f"since_ts ({since_ts}) is after until_ts ({until_ts})")
    model_id, version_id = resolve_monitored(registry, ref)
    low = -math.inf if since_ts is None else since_ts
    high = math.inf if until_ts is None else until_ts
    with registry.read() as conn:
        name, number = conn.execute(
            "SELECT m.name, v.version FROM model_versions v"
            " JOIN registered_models m ON m.id = v.model_id WHERE v.id = ?",
            (version_id,),
        ).fetchone()
        if keys is not None:
            wanted = list(dict.fromkeys(keys))
        else:
            glob = "*" if pattern is None else pattern
            wanted = [key for (key,) in conn.execute(
                "SELECT key FROM monitor_latest WHERE version_id = ? ORDER BY key",
                (version_id,),
            ) if matches(glob, key)]  # fmt: skip
        rules = _thresholds(conn, model_id, version_id)
        out = []
        for key in wanted:
            rows = conn.execute(
                "SELECT ts, value FROM monitor_series WHERE version_id = ? AND key = ?"
                f" AND ts >= ? AND ts <= ? AND {_FINITE.format('value')}"
                " ORDER BY ts DESC, rowid DESC LIMIT ?",
                (version_id, key, low, high, limit + 1),
            ).fetchall()
            out.append({
                "key": key,
                "points": [
                    {"ts": ts, "value": value} for ts, value in reversed(rows[:limit])
                ],
                "truncated": len(rows) > limit,
                "thresholds": [
                    {"rule_id": rule_id, "op": op, "threshold": threshold,
                     "severity": severity}
                    for rule_id, glob, op, threshold, severity in rules
                    if matches(glob, key) and _finite(threshold) is not None
                ],
            })  # fmt: skip
    return {"ref": f"{name}:{number}", "series": out}


def batches(
    registry: Registry, ref: str, *, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Return one page of a version's batches, newest first."""
    _page(limit, offset)
    _, version_id = resolve_monitored(registry, ref)
    with registry.read() as conn:
        total = conn.execute(
            "SELECT count(*) FROM monitor_batches WHERE version_id = ?", (version_id,)
        ).fetchone()[0]
        rows = conn.execute(
            "SELECT batch_id, ts, source, n_rows, n_labelled,"
            " CASE WHEN json_valid(report) THEN json_extract(report, '$.status') END,"
            " CASE WHEN json_valid(report) THEN json_extract(report, '$.reason') END"
            " FROM monitor_batches WHERE version_id = ?"
            " ORDER BY ts DESC, id DESC LIMIT ? OFFSET ?",
            (version_id, limit, offset),
        ).fetchall()
    page = [
        {"batch_id": batch_id, "ts": _finite(ts), "source": source, "n_rows": n_rows,
         "n_labelled": n_labelled, "status": None if status is None else str(status),
         "reason": None if reason is None else str(reason)}
        for batch_id, ts, source, n_rows, n_labelled, status, reason in rows
    ]  # fmt: skip
    return {"total": total, "offset": offset, "limit": limit, "batches": page}


# -- the Prometheus exporter -----------------------------------------------------------


@dataclass
class MetricRows:
    """What one scrape exports, read in a single statement."""

    # (model, version, series key, latest value)
    values: list[tuple[str, int, str, float]] = field(default_factory=list)
    # (model, version, batches, rows, last batch ts)
    batches: list[tuple[str, int, int, int, float]] = field(default_factory=list)
    # (model, version, rule id, series key, severity) of each firing alert
    firing: list[tuple[str, int, int, str, str]] = field(default_factory=list)


def prometheus_rows(registry: Registry, *, model: str | None = None) -> MetricRows:
    """Read everything a scrape exports (all models, or only ``model``) in one query."""
    join = (
        " JOIN model_versions v ON v.id = x.version_id"
        " JOIN registered_models m ON m.id = v.model_id"
    )
    only = "" if model is None else " AND m.name = :model"
    sql = (
        # latest value of every series (monitor_latest: one row per version and key)
        "SELECT 'value', m.name, v.version, x.key, x.value, NULL"
        f" FROM monitor_latest x{join}"
        f" WHERE {_FINITE.format('x.value')}{only}"
        # batch totals per version
        " UNION ALL SELECT 'batches', m.name, v.version, count(*),"
        f" COALESCE(sum(x.n_rows), 0), max(x.ts) FROM monitor_batches x{join}"
        f" WHERE 1{only} GROUP BY x.version_id"
        # firing alerts
        " UNION ALL SELECT 'firing', m.name, v.version, x.rule_id, x.series, x.severity"
        f" FROM monitor_alerts x{join} WHERE x.state = 'firing'{only}"
    )
    out = MetricRows()
    with registry.read() as conn:
        rows = conn.execute(sql, {"model": model}).fetchall()
    for kind, name, version, a, b, c in rows:
        if kind == "value":
            out.values.append((name, version, a, b))
        elif kind == "batches":
            out.batches.append((name, version, a, b, c))
        else:
            out.firing.append((name, version, a, b, c))
    return out


def rules(registry: Registry, model_id: int, version_id: int) -> list[dict[str, Any]]:
    """The enabled rules that apply to a version, as ``Rule`` payloads (``mon.rules()``)."""
    with registry.read() as conn:
        return [r for r in _rules_of(conn, model_id, version_id) if r["enabled"]]


def points(
    registry: Registry, version_id: int, pattern: str = "*", since: float | None = None
) -> dict[str, list[tuple[float, float]]]:
    """Every point of a version's series matching ``pattern``, oldest first (``mon.series()``)."""
    with registry.read() as conn:
        rows = conn.execute(
            "SELECT key, ts, value FROM monitor_series WHERE version_id = ? AND ts >= ?"
            " ORDER BY key, ts",
            (version_id, since if since is not None else float("-inf")),
        ).fetchall()
    out: dict[str, list[tuple[float, float]]] = {}
    for key, ts, value in rows:
        if matches(pattern, key):
            out.setdefault(key, []).append((ts, value))
    return out


__all__ = [
    "MetricRows", "alerts", "batches", "list_monitors", "monitor_detail", "points",
    "prometheus_rows", "resolve_monitored", "rules", "series",
]  # fmt: skip
