"""Write monitoring data: batches and their series, labels, the alerts they fire.

A batch, its series points and the rule evaluation they cause are one ``BEGIN
IMMEDIATE`` transaction, so two processes logging at once (a notebook and ``serve``)
cannot both open the same alert: the partial unique index on firing alerts backs that
up. Functions return the alerts that newly fired as event dicts; running their actions
is the caller's business (monitoring/dispatch.py), after the commit.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, NamedTuple

from mm_jupyter.core import rules as rule_logic
from mm_jupyter.errors import NotFoundError
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.runs import CURRENT_SEQ, iso_now

# Points of a series kept in an alert's record of what fired it.
MAX_FIRED_VALUES = 20


def iso_from_ts(ts: float) -> str:
    """Return epoch seconds as the ISO-8601 UTC text used everywhere else."""
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z"


def compact_json(value: Any) -> str:
    # Not encoding.dumps: that one bounds lists to 1,000 items for params and tags,
    # and a batch's predictions are routinely longer. Callers pass JSON-safe values.
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


# -- batches ------------------------------------------------------------------


def record_batch(
    registry: Registry,
    version_id: int,
    *,
    batch_id: str,
    ts: float,
    source: str,
    n_rows: int,
    report: dict[str, Any],
    series: dict[str, float],
    predictions: list[Any] | None = None,
    sample: dict[str, Any] | None = None,
    sample_rows: int = 0,
    max_raw_rows: int = 10_000,
) -> list[dict[str, Any]]:
    """Store one batch with its series points; return the alerts it fired.

    ``sample`` is the capped raw input (columns and predictions) of ``sample_rows``
    rows; samples of this version beyond ``max_raw_rows`` rows are dropped oldest first.
    """
    with registry.write() as conn:
        pk = int(conn.execute(
            "INSERT INTO monitor_batches (batch_id, version_id, ts, source, n_rows, report,"
            " predictions) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (batch_id, version_id, ts, source, n_rows, compact_json(report),
             None if predictions is None else compact_json(predictions)),
        ).lastrowid or 0)
        _insert_points(conn, version_id, ts, pk, series)
        if sample is not None and sample_rows > 0 and max_raw_rows > 0:
            conn.execute(
                "INSERT INTO monitor_samples (batch_id, version_id, n_rows, rows) VALUES (?, ?, ?, ?)",
                (pk, version_id, sample_rows, compact_json(sample)),
            )
            _trim_samples(conn, version_id, max_raw_rows)
        return _evaluate(conn, version_id, ts, pk, batch_id, series)


def _insert_points(conn: Connection, version_id: int, ts: float, batch_pk: int,
                   series: dict[str, float]) -> None:
    conn.executemany(
        "INSERT INTO monitor_series (version_id, key, ts, value, batch_id) VALUES (?, ?, ?, ?, ?)",
        [(version_id, key, ts, value, batch_pk) for key, value in series.items()],
    )
    # Late labels may belong to an old batch: the latest value only moves forward in time.
    conn.executemany(
        "INSERT INTO monitor_latest (version_id, key, value, ts) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (version_id, key) DO UPDATE SET value = excluded.value, ts = excluded.ts"
        " WHERE excluded.ts >= monitor_latest.ts",
        [(version_id, key, value, ts) for key, value in series.items()],
    )


def _trim_samples(conn: Connection, version_id: int, cap: int) -> None:
    rows = conn.execute(
        "SELECT batch_id, n_rows FROM monitor_samples WHERE version_id = ? ORDER BY batch_id DESC",
        (version_id,),
    ).fetchall()
    kept = 0
    drop = []
    for batch_pk, n in rows:
        kept += n
        if kept > cap:
            drop.append((batch_pk,))
    conn.executemany("DELETE FROM monitor_samples WHERE batch_id = ?", drop)


def batch_for_labels(registry: Registry, batch_id: str) -> tuple[int, int, list[Any], list[Any] | None]:
    """Return ``(batch pk, version id, predictions, labels so far)`` of a batch."""
    with registry.read() as conn:
        row = conn.execute(
            "SELECT id, version_id, predictions, labels FROM monitor_batches WHERE batch_id = ?",
            (str(batch_id),),
        ).fetchone()
    if row is None:
        raise NotFoundError(f"no monitored batch {batch_id!r}")
    if row[2] is None:
        raise ValueError(f"batch {batch_id!r} was logged without predictions; labels need them")
    return int(row[0]), int(row[1]), json.loads(row[2]), None if row[3] is None else json.loads(row[3])


def record_labels(
    registry: Registry,
    batch_id: str,
    labels: list[Any],
    performance: dict[str, Any],
    series: dict[str, float],
) -> list[dict[str, Any]]:
    """Store a batch's labels and performance, replace its performance points; return fired alerts."""
    n_labelled = sum(label is not None for label in labels)
    with registry.write() as conn:
        row = conn.execute(
            "SELECT id, version_id, ts FROM monitor_batches WHERE batch_id = ?", (str(batch_id),)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no monitored batch {batch_id!r}")
        pk, version_id, ts = int(row[0]), int(row[1]), float(row[2])
        conn.execute(
            "UPDATE monitor_batches SET labels = ?, n_labelled = ?, performance = ? WHERE id = ?",
            (compact_json(labels), n_labelled, compact_json(performance), pk),
        )
        conn.execute(
            "DELETE FROM monitor_series WHERE batch_id = ? AND key LIKE 'performance.%'", (pk,)
        )
        _insert_points(conn, version_id, ts, pk, series)
        return _evaluate(conn, version_id, ts, pk, str(batch_id), series)


# -- rule evaluation ----------------------------------------------------------


def _evaluate(conn: Connection, version_id: int, ts: float, batch_pk: int,
              batch_id: str, series: dict[str, float]) -> list[dict[str, Any]]:
    """Apply the version's series rules to fresh points: fire, deduplicate, resolve."""
    rules = conn.execute(
        "SELECT r.id, r.pattern, r.op, r.threshold, r.count, r.window_s, r.severity, r.name,"
        " r.action, m.name, v.version FROM monitor_rules r"
        " JOIN model_versions v ON v.id = ? JOIN registered_models m ON m.id = v.model_id"
        " WHERE r.kind = 'series' AND r.enabled = 1 AND r.model_id = v.model_id"
        " AND (r.version_id IS NULL OR r.version_id = v.id)",
        (version_id,),
    ).fetchall()
    fired: list[dict[str, Any]] = []
    for (rule_id, pattern, op, threshold, count, window_s, severity, name, action,
         model, version) in rules:
        for key, value in series.items():
            if not rule_logic.matches(pattern, key):
                continue
            open_alert = conn.execute(
                "SELECT id FROM monitor_alerts WHERE rule_id = ? AND version_id = ? AND series = ?"
                " AND state = 'firing'",
                (rule_id, version_id, key),
            ).fetchone()
            if not rule_logic.breaches(op, value, threshold):
                if open_alert:  # back within the threshold
                    conn.execute(
                        "UPDATE monitor_alerts SET state = 'resolved', value = ?, last_ts = ?,"
                        f" resolved_ts = ?, change_seq = {CURRENT_SEQ} WHERE id = ?",
                        (value, ts, ts, open_alert[0]),
                    )
                continue
            if open_alert:  # still breaching: the same alert, counted, no new action
                conn.execute(
                    "UPDATE monitor_alerts SET occurrences = occurrences + 1, value = ?,"
                    " last_ts = CASE WHEN last_ts > ? THEN last_ts ELSE ? END,"
                    f" change_seq = {CURRENT_SEQ} WHERE id = ?",
                    (value, ts, ts, open_alert[0]),
                )
                continue
            points = _breaching_points(conn, version_id, key, op, threshold, count, window_s, ts)
            if len(points) < count:
                continue
            text = rule_logic.message(key, value, op, threshold)
            alert_id = int(conn.execute(
                "INSERT INTO monitor_alerts (rule_id, version_id, series, state, severity, message,"
                " value, fired_values, occurrences, fired_ts, last_ts, change_seq)"
                f" VALUES (?, ?, ?, 'firing', ?, ?, ?, ?, ?, ?, ?, {CURRENT_SEQ})",
                (rule_id, version_id, key, severity, text, value, compact_json(points), len(points), ts, ts),
            ).lastrowid or 0)
            fired.append({
                "type": "alert", "alert_id": alert_id, "state": "firing", "rule_id": rule_id,
                "rule_name": name, "model": model, "version": version, "series": key,
                "op": op, "threshold": threshold, "value": value, "values": points,
                "severity": severity, "message": text, "fired_at": iso_from_ts(ts),
                "batch_id": batch_id, "action": None if action is None else json.loads(action),
            })
    return fired


def _breaching_points(conn: Connection, version_id: int, key: str, op: str,
                      threshold: float, count: int, window_s: float | None,
                      ts: float) -> list[dict[str, Any]]:
    """The recent breaching points that justify firing: within the window, else consecutive.

    With a window: breaching points in ``[ts - window, ts]``. Without one, "3 times"
    means the last three points in a row.
    """
    # op comes from the rule table, whose CHECK constraint allows only the six operators.
    assert op in rule_logic.OPS
    if window_s is not None:
        rows = conn.execute(
            "SELECT s.ts, s.value, b.batch_id FROM monitor_series s"
            " LEFT JOIN monitor_batches b ON b.id = s.batch_id"
            f" WHERE s.version_id = ? AND s.key = ? AND s.ts >= ? AND s.ts <= ? AND s.value {op} ?"
            " ORDER BY s.ts DESC LIMIT ?",
            (version_id, key, ts - window_s, ts, threshold, max(count, MAX_FIRED_VALUES)),
        ).fetchall()
    else:
        recent = conn.execute(
            "SELECT s.ts, s.value, b.batch_id FROM monitor_series s"
            " LEFT JOIN monitor_batches b ON b.id = s.batch_id"
            " WHERE s.version_id = ? AND s.key = ? AND s.ts <= ? ORDER BY s.ts DESC LIMIT ?",
            (version_id, key, ts, count),
        ).fetchall()
        rows = []
        for row in recent:
            if not rule_logic.breaches(op, row[1], threshold):
                break
            rows.append(row)
    return [{"ts": r[0], "value": r[1], "batch_id": r[2]} for r in reversed(rows[:MAX_FIRED_VALUES])]


# -- reference profile --------------------------------------------------------


def set_reference_profile(registry: Registry, version_id: int, profile: dict[str, Any]) -> None:
    """Store (or replace) a model version's reference profile."""
    with registry.write() as conn:
        cursor = conn.execute(
            "UPDATE model_versions SET reference_profile = ? WHERE id = ?",
            (compact_json(profile), version_id),
        )
        if cursor.rowcount != 1:
            raise NotFoundError(f"no model version with id {version_id}")
        conn.execute(
            "UPDATE registered_models SET updated_at = ?, change_seq = "
            f"{CURRENT_SEQ} WHERE id = (SELECT model_id FROM model_versions WHERE id = ?)",
            (iso_now(), version_id),
        )


class VersionInfo(NamedTuple):
    """What monitoring needs of a model version."""

    name: str
    version: int
    model_id: int
    profile: dict[str, Any] | None  # the reference profile, if one is stored


def version_info(registry: Registry, version_id: int) -> VersionInfo:
    """Return ``(model name, version number, model id, reference profile)`` of a version."""
    with registry.read() as conn:
        row = conn.execute(
            "SELECT m.name, v.version, m.id, v.reference_profile FROM model_versions v"
            " JOIN registered_models m ON m.id = v.model_id WHERE v.id = ?",
            (version_id,),
        ).fetchone()
    if row is None:
        raise NotFoundError(f"no model version with id {version_id}")
    return VersionInfo(row[0], int(row[1]), int(row[2]),
                       None if row[3] is None else json.loads(row[3]))


__all__ = [
    "VersionInfo", "batch_for_labels", "compact_json", "iso_from_ts", "record_batch",
    "record_labels", "set_reference_profile", "version_info",
]
