"""Each run's params and latest metrics as the runs export writes them, one row per run
(``run_exports``, migration 0014), so that an export of 100,000 runs reads 100,000
rows instead of pivoting 2 million (issue 16).

Triggers on ``params`` and ``latest_metrics`` queue the run whose values changed in
``run_exports_pending`` (one row per run, whatever the number of writes: a tracked
cell pays an index probe per param, a metric flush one per key). :func:`refresh` takes
queued runs into ``run_exports``; the export calls :func:`catch_up` first and reads
any run still queued (another writer held the lock) the long way, so a row is never
read stale.

A row holds per kind (params, metrics) the run's keys, sorted and joined by
``KEY_SEP``, and their CSV cells (core/csv_cells.py, quoted as csv.writer quotes
them) joined by ``VALUE_SEP``. ``plain`` is 0 when a key or a cell holds a
separator: the export then reads that run apart.

The ``frame_*`` columns (migration 0016) hold the same values as ``mm.runs_frame``
reads them: key sets as JSON arrays, param values as a JSON array, latest metrics as
float64 bytes (store/frame_parts.py reads them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from mm_jupyter.core.csv_cells import (
    BIG_INT_MARK,
    csv_text,
    metric_cell,
    param_value,
    quoted,
)
from mm_jupyter.errors import RegistryError
from mm_jupyter.store import frame_parts
from mm_jupyter.store.dialect import Connection

if TYPE_CHECKING:
    from mm_jupyter.store.db import Registry

KEY_SEP = "\x1f"
VALUE_SEP = "\x1e"
CHUNK = 1000  # queued runs taken per statement
CATCH_UP_WAIT_S = 0.5  # the longest an export waits for the write lock to catch up


def refresh(conn: Connection, limit: int | None = None) -> int:
    """Take the oldest ``limit`` (default: all) queued runs into ``run_exports``, inside
    the caller's write transaction; return how many were taken."""
    taken = 0
    while limit is None or taken < limit:
        size = CHUNK if limit is None else min(CHUNK, limit - taken)
        ids = [r[0] for r in conn.execute(
            "SELECT run_id FROM run_exports_pending ORDER BY run_id LIMIT ?", (size,))]
        if not ids:
            break
        marks = ",".join("?" * len(ids))
        params: dict[str, list[tuple[str, str]]] = {}
        typed: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        for run_id, key, value, value_num in conn.execute(
                f"SELECT run_id, key, value, value_num FROM params WHERE run_id IN ({marks})",
                ids):
            big = value_num is not None and value.startswith('"')
            decoded = param_value(BIG_INT_MARK + value if big else value)
            params.setdefault(run_id, []).append((key, quoted(csv_text(decoded))))
            typed.setdefault(run_id, ({}, {}))[0][key] = decoded
        metrics: dict[str, list[tuple[str, str]]] = {}
        for run_id, key, value in conn.execute(
                f"SELECT run_id, key, value FROM latest_metrics WHERE run_id IN ({marks})",
                ids):
            metrics.setdefault(run_id, []).append((key, quoted(metric_cell(value))))
            typed.setdefault(run_id, ({}, {}))[1][key] = value
        conn.execute(f"DELETE FROM run_exports WHERE run_id IN ({marks})", ids)
        conn.executemany(
            "INSERT INTO run_exports (run_id, plain, param_keys, param_cells,"
            " metric_keys, metric_cells, frame_param_keys, frame_params,"
            " frame_metric_keys, frame_metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*_row(i, params.get(i, ()), metrics.get(i, ())), *frame_parts.row_values(*typed[i]))
             for i in ids if i in typed])
        conn.execute(f"DELETE FROM run_exports_pending WHERE run_id IN ({marks})", ids)
        taken += len(ids)
    return taken


def _row(run_id: str, params: Iterable[tuple[str, str]],
         metrics: Iterable[tuple[str, str]]) -> tuple[Any, ...]:
    """One ``run_exports`` row (keys sorted as Python sorts them: the export's order)."""
    plain = 1
    texts: list[str | None] = []
    for pairs in (params, metrics):
        ordered = sorted(pairs)
        if not ordered:
            texts += [None, None]
            continue
        keys = [k for k, _ in ordered]
        cells = [c for _, c in ordered]
        if any(KEY_SEP in k for k in keys) or any(VALUE_SEP in c for c in cells):
            plain = 0
        texts += [KEY_SEP.join(keys), VALUE_SEP.join(cells)]
    return (run_id, plain, *texts)


def catch_up(registry: Registry) -> None:
    """Take queued runs into ``run_exports`` before an export; best effort: waits at
    most ``CATCH_UP_WAIT_S`` for another writer (or gives up on a read-only file), and
    the export reads runs still queued the long way."""
    with registry.read() as conn:
        if conn.execute("SELECT 1 FROM run_exports_pending LIMIT 1").fetchone() is None:
            return
    sqlite = registry.backend == "sqlite"
    with registry.lock:
        try:
            if sqlite:
                registry.conn.execute(
                    f"PRAGMA busy_timeout = {int(CATCH_UP_WAIT_S * 1000)}")
            # One transaction per chunk: tracked cells wait for one chunk at most.
            while True:
                with registry.write(bump=False) as conn:
                    if refresh(conn, CHUNK) < CHUNK:
                        break
        except (RegistryError, sqlite3.Error):
            pass
        finally:
            if sqlite:
                registry.conn.execute(
                    f"PRAGMA busy_timeout = {int(registry.timeout * 1000)}")


def queued(conn: Connection, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` wait in the queue (their ``run_exports`` rows may be stale)."""
    marks = ",".join("?" * len(ids))
    return {r[0] for r in conn.execute(
        f"SELECT run_id FROM run_exports_pending WHERE run_id IN ({marks})", list(ids))}


def read_batch(registry: Registry, ids: Sequence[str]) -> tuple[list[tuple[Any, ...]],
                                                                 set[str]]:
    """The runs ``ids`` names, in that order: per run its export ``ATTRIBUTES``, its
    tags' text, then its ``run_exports`` row's ``plain``, param keys and cells, metric
    keys and cells (``None`` without values); and the set of those runs still queued
    (their rows are not to be read). One read transaction."""
    marks = ",".join("?" * len(ids))
    with registry.read() as conn:
        rows = conn.execute(
            "SELECT r.id, r.name, e.name, r.status, r.user, r.started_at,"
            " r.finished_at, r.duration_s, r.tags, x.plain, x.param_keys, x.param_cells,"
            " x.metric_keys, x.metric_cells FROM runs r"
            " JOIN experiments e ON e.id = r.experiment_id"
            f" LEFT JOIN run_exports x ON x.run_id = r.id WHERE r.id IN ({marks})",
            list(ids)).fetchall()
        waiting = queued(conn, ids)
    by_id = {r[0]: tuple(r) for r in rows}
    return [by_id[i] for i in ids if i in by_id], waiting
