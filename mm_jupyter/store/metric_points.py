"""Append metric series in bulk: the flush of ``mm.log_metric`` buffers.

A series is one run's points of one key held column-wise, ``(run_id, key, steps,
values, stamps)`` with ``array('q')``/``array('d')`` columns, as the session buffers
them. On SQLite the points go in multi-row ``INSERT`` statements of ``ROWS_PER_INSERT``
points, the run and key bound once per statement: ``executemany`` of one row per step
releases and re-takes the GIL per row, which a busy main thread turns into a wait of
the switch interval (5 ms) per row. On PostgreSQL they go through ``COPY``
(``dialect.bulk_insert``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any

from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection, bulk_insert
from mm_jupyter.store.runs import CURRENT_SEQ, UPSERT_LATEST

COLUMNS = ("run_id", "key", "step", "value", "timestamp_ts")
# 3 parameters per point plus the run and key: 24,002 of SQLite's 32,766. Each
# statement releases the GIL once; a busy logging thread makes each release cost it.
ROWS_PER_INSERT = 8000
_ONE_ROW = "(?1, ?2, ?, ?, ?)"
_INSERT = "INSERT INTO metrics (run_id, key, step, value, timestamp_ts) VALUES "
_INSERT_MANY = _INSERT + ", ".join([_ONE_ROW] * ROWS_PER_INSERT)

Series = tuple[str, str, Sequence[int], Sequence[float], Sequence[float]]


def _db_values(values: Sequence[float]) -> list[float | str]:
    """Return ``values`` as the database spells them (NaN as the text ``'NaN'``)."""
    out: list[Any] = list(values)
    if math.isnan(sum(out)):  # one C pass; NaN (or inf - inf) somewhere
        out = ["NaN" if v != v else v for v in out]
    return out


def _insert_sqlite(conn: Connection, run_id: str, key: str, steps: Sequence[int],
                   values: list[float | str], stamps: Sequence[float]) -> None:
    n = len(steps)
    flat: list[Any] = [None] * (3 * n)
    flat[0::3] = steps
    flat[1::3] = values
    flat[2::3] = stamps
    head: list[Any] = [run_id, key]
    width = 3 * ROWS_PER_INSERT
    for start in range(0, 3 * n, width):
        part = flat[start:start + width]
        # One statement (one sqlite3_step, one GIL release) per ROWS_PER_INSERT points;
        # the last, shorter one is prepared for its size.
        sql = _INSERT_MANY if len(part) == width else (
            _INSERT + ", ".join([_ONE_ROW] * (len(part) // 3)))
        conn.execute(sql, head + part)


def _latest(series: Sequence[Series]) -> list[tuple[str, str, int, Any, float]]:
    """The point per (run, key) the upsert keeps: the highest step, the later on a tie."""
    latest: dict[tuple[str, str], tuple[str, str, int, Any, float]] = {}
    for run_id, key, steps, values, stamps in series:
        if not steps:
            continue
        top = max(steps)
        at = len(steps) - 1  # the usual case: steps go up
        if steps[at] != top:
            at -= list(reversed(steps)).index(top)
        value = values[at]
        row = (run_id, key, top, "NaN" if value != value else value, stamps[at])
        kept = latest.get((run_id, key))
        if kept is None or top >= kept[2]:
            latest[(run_id, key)] = row
    return list(latest.values())


def write_metric_series(
    registry: Registry, series: Sequence[Series], *, heartbeat: Iterable[str] = ()
) -> None:
    """Append the points of ``series`` in one transaction (in order, series by series).

    Also keeps ``latest_metrics`` (highest step, then latest) and heartbeats the given
    running runs, like ``store.runs.write_metric_points``.
    """
    series = [s for s in series if len(s[2])]
    if not series and not heartbeat:
        return
    with registry.write(bump=bool(series)) as conn:
        copy = getattr(conn, "copy_rows", None) is not None
        now = None
        for run_id, key, steps, values, stamps in series:
            db_values = _db_values(values)
            if copy:  # PostgreSQL: COPY
                bulk_insert(conn, "metrics", COLUMNS, list(zip(
                    repeat(run_id), repeat(key), steps, db_values, stamps, strict=False)))
            else:
                _insert_sqlite(conn, run_id, key, steps, db_values, stamps)
            last = max(stamps)
            now = last if now is None or last > now else now
        conn.executemany(
            UPSERT_LATEST,
            _latest(series),
        )
        run_ids = {s[0] for s in series} | set(heartbeat)
        touch = (f"UPDATE runs SET change_seq = {CURRENT_SEQ},"
                 " heartbeat_ts = COALESCE(?, heartbeat_ts) WHERE id = ? AND status = 'running'")
        if len(run_ids) == 1:  # the usual case: one statement, one round trip on PostgreSQL
            conn.execute(touch, (now, *run_ids))
        else:
            conn.executemany(touch, [(now, r) for r in run_ids])
