"""Read monitored versions, their overview, series and batches in the REST shapes of
docs/monitoring.md (REST, CLI, ``Monitor``).

Every function is one short ``registry.read()`` snapshot. Rules and alerts are read by
``alert_queries.py``, the Prometheus scrape by ``export_queries.py``; the shared value
cleaning and reference resolution live in ``monitor_common.py``. Adapters read all of
them through ``monitoring/queries.py``.
"""

from __future__ import annotations

import math
from typing import Any

from mm_jupyter.core.paging import MAX_LIMIT, check_page
from mm_jupyter.core.rules import matches
from mm_jupyter.store.alert_queries import ALERT_SELECT, NEWEST_FIRST, alert_rows, rules_of
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.monitor_common import (
    DEFAULT_POINTS,
    FINITE_SQL,
    MAX_POINTS,
    RECENT_RESOLVED,
    finite_or_none,
    json_or,
    placeholders,
    resolve_monitored,
)

# -- summaries -------------------------------------------------------------------------


def _monitored_ids(conn: Connection) -> list[int]:
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
        "        WHERE version_id IS NOT NULL AND enabled = 1),"
        " wide AS ("
        "  SELECT (SELECT v.id FROM model_versions v WHERE v.model_id = r.model_id"
        "          ORDER BY v.version DESC LIMIT 1) AS version_id"
        "  FROM monitor_rules r WHERE r.version_id IS NULL AND r.model_id IS NOT NULL"
        "  AND r.enabled = 1"
        "  AND NOT EXISTS (SELECT 1 FROM own JOIN model_versions v"
        "                  ON v.id = own.version_id WHERE v.model_id = r.model_id)),"
        " monitored AS (SELECT version_id FROM own"
        "  UNION SELECT version_id FROM wide WHERE version_id IS NOT NULL)"
        " SELECT version_id, CASE WHEN b > a THEN b ELSE a END AS activity FROM ("
        "  SELECT s.version_id,"
        "  COALESCE((SELECT max(ts) FROM monitor_batches"
        "            WHERE version_id = s.version_id), 0) AS b,"
        "  COALESCE((SELECT max(last_ts) FROM monitor_alerts"
        "            WHERE version_id = s.version_id), 0) AS a"
        "  FROM monitored s) x ORDER BY activity DESC, version_id DESC"
    ).fetchall()
    return [int(r[0]) for r in rows]


def _summaries(conn: Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
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
        f" WHERE v.id IN ({placeholders(ids)})",
        ids,
    ).fetchall()
    aliases: dict[int, list[str]] = {}
    for version_id, alias in conn.execute(
        "SELECT version_id, alias FROM model_aliases"
        f" WHERE version_id IN ({placeholders(ids)}) ORDER BY alias",
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
            "first_ts": finite_or_none(first_ts), "last_ts": finite_or_none(last_ts),
            "firing": firing, "has_reference_profile": bool(has_profile),
        }  # fmt: skip
    return out


def _cursor(conn: Connection) -> int:
    row = conn.execute("SELECT change_seq FROM registry_state").fetchone()
    return int(row[0]) if row else 0


def list_monitors(
    registry: Registry, *, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Return one page of monitored model versions, newest activity first."""
    check_page(limit, offset)
    with registry.read() as conn:
        ids = _monitored_ids(conn)
        page = ids[offset : offset + limit]
        summaries = _summaries(conn, page)
        # The badge's count: firing alerts nobody has acknowledged yet.
        firing = conn.execute(
            "SELECT count(*) FROM monitor_alerts WHERE state = 'firing'"
            " AND acknowledged_at IS NULL"
        ).fetchone()[0]
        cursor = _cursor(conn)
    return {
        "total": len(ids), "offset": offset, "limit": limit, "firing": firing,
        "cursor": cursor, "monitors": [summaries[i] for i in page if i in summaries],
    }  # fmt: skip


# -- one monitor -----------------------------------------------------------------------


def _features(profile_text: Any, report: Any) -> list[str]:
    """Feature names: the reference profile's, else those of the last batch."""
    profile = json_or(profile_text, None)
    if isinstance(profile, dict) and isinstance(profile.get("features"), dict):
        return [str(name) for name in profile["features"]]
    if isinstance(report, dict) and isinstance(report.get("features"), dict):
        return [str(name) for name in report["features"]]
    return []


def _last_report(conn: Connection, version_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT batch_id, ts, source, n_labelled, report, performance"
        " FROM monitor_batches WHERE version_id = ? ORDER BY ts DESC, id DESC LIMIT 1",
        (version_id,),
    ).fetchone()
    if row is None:
        return None
    batch_id, ts, source, n_labelled, report, performance = row
    body = json_or(report, {})
    return {
        **(body if isinstance(body, dict) else {}),
        "batch_id": batch_id, "ts": finite_or_none(ts), "source": source,
        "n_labelled": n_labelled, "performance": json_or(performance, None),
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
                f" AND {FINITE_SQL.format('value')} ORDER BY key",
                (version_id,),
            )
        }
        keys = [r[0] for r in conn.execute(
            "SELECT key FROM monitor_latest WHERE version_id = ? ORDER BY key",
            (version_id,),
        )]  # fmt: skip
        firing = conn.execute(
            f"{ALERT_SELECT} WHERE a.version_id = ? AND a.state = 'firing'{NEWEST_FIRST}"
            " LIMIT ?",
            (version_id, MAX_LIMIT),
        ).fetchall()
        resolved = conn.execute(
            f"{ALERT_SELECT} WHERE a.version_id = ? AND a.state = 'resolved'{NEWEST_FIRST}"
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
            "rules": rules_of(conn, model_id, version_id),
            "alerts": alert_rows(conn, firing + resolved),
            "last_report": report,
        }


def _thresholds(
    conn: Connection, model_id: int, version_id: int
) -> list[tuple[Any, ...]]:
    """``(id, pattern, op, threshold, severity)`` of the version's series rules."""
    return conn.execute(
        "SELECT id, pattern, op, threshold, severity FROM monitor_rules"
        " WHERE kind = 'series' AND enabled = 1 AND model_id = ?"
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
                f" AND ts >= ? AND ts <= ? AND {FINITE_SQL.format('value')}"
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
                    if matches(glob, key) and finite_or_none(threshold) is not None
                ],
            })  # fmt: skip
    return {"ref": f"{name}:{number}", "series": out}


def batches(
    registry: Registry, ref: str, *, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Return one page of a version's batches, newest first."""
    check_page(limit, offset)
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
        {"batch_id": batch_id, "ts": finite_or_none(ts), "source": source, "n_rows": n_rows,
         "n_labelled": n_labelled, "status": None if status is None else str(status),
         "reason": None if reason is None else str(reason)}
        for batch_id, ts, source, n_rows, n_labelled, status, reason in rows
    ]  # fmt: skip
    return {"total": total, "offset": offset, "limit": limit, "batches": page}


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
