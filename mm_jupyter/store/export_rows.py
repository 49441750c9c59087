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

``frame_json`` (migration 0015) holds the same values as ``mm.runs_frame`` reads them
(``{"params": {...}, "metrics": {...}}``, each value as runs_export.frame_batches
decodes it), so that the frame of 100,000 runs parses 100,000 ready texts in one call
instead of aggregating 2 million rows: :func:`frame_batches`.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mm_jupyter.core.csv_cells import (
    BIG_INT_MARK,
    csv_text,
    metric_cell,
    param_value,
    quoted,
)
from mm_jupyter.errors import RegistryError
from mm_jupyter.store import runs_export
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
        postgres = not isinstance(conn, sqlite3.Connection)
        params: dict[str, list[tuple[str, str]]] = {}
        typed: dict[str, dict[str, dict[str, Any]]] = {}
        for run_id, key, value, value_num in conn.execute(
                f"SELECT run_id, key, value, value_num FROM params WHERE run_id IN ({marks})",
                ids):
            big = value_num is not None and value.startswith('"')
            decoded = param_value(BIG_INT_MARK + value if big else value)
            params.setdefault(run_id, []).append((key, quoted(csv_text(decoded))))
            typed.setdefault(run_id, {"params": {}, "metrics": {}})["params"][key] = decoded
        metrics: dict[str, list[tuple[str, str]]] = {}
        for run_id, key, value in conn.execute(
                f"SELECT run_id, key, value FROM latest_metrics WHERE run_id IN ({marks})",
                ids):
            metrics.setdefault(run_id, []).append((key, quoted(metric_cell(value))))
            typed.setdefault(run_id, {"params": {}, "metrics": {}})["metrics"][key] = (
                _frame_metric(value, postgres))
        conn.execute(f"DELETE FROM run_exports WHERE run_id IN ({marks})", ids)
        conn.executemany(
            "INSERT INTO run_exports (run_id, plain, param_keys, param_cells,"
            " metric_keys, metric_cells, frame_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*_row(i, params.get(i, ()), metrics.get(i, ())),
              json.dumps(typed[i], separators=(",", ":"))) for i in ids if i in typed])
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


def _frame_metric(value: Any, postgres: bool) -> Any:
    """A latest metric value as runs_export.frame_batches reads it: a finite float as
    it is (an integral one as an int on PostgreSQL, whose JSON spells 3.0 as 3),
    non-finite ones as the text NaN, Infinity, -Infinity."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return metric_cell(value)
        if postgres and value.is_integer() and abs(value) < 1e15:
            return int(value)
    return value


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


def frame_batches(registry: Registry, ids: Sequence[str], size: int = runs_export.BATCH * 10
                  ) -> Iterator[runs_export.FrameBatch]:
    """runs_export.frame_batches from the runs' ready ``frame_json`` (the caller takes
    the queue in first: :func:`catch_up`): the runs ``ids`` names, in id order, each
    batch one read of one row per run; a run still queued is read the long way."""
    ordered = sorted(ids)
    with registry.read() as conn:
        n_runs = int(conn.execute("SELECT count(*) FROM runs").fetchone()[0])
    dense = len(ordered) * 2 > n_runs
    for start in range(0, len(ordered), size):
        chunk = ordered[start:start + size]
        yield _frame_batch(registry, chunk, between=dense)


def _frame_batch(registry: Registry, chunk: list[str], *, between: bool
                 ) -> runs_export.FrameBatch:
    """One batch of ``frame_batches``: ``chunk`` by id, or every run from its first to
    its last id (``between``) less those ``chunk`` leaves out."""
    if between:
        match, args = "BETWEEN ? AND ?", [chunk[0], chunk[-1]]
    else:
        match, args = f"IN ({','.join('?' * len(chunk))})", list(chunk)
    with registry.read() as conn:
        # Per run its attributes, whether its row lacks frame_json (built before the
        # upgrade: read the long way), and its values and tags as one JSON array text.
        rows = conn.execute(
            "SELECT r.id, r.name, e.name, r.status, r.user, r.started_at,"
            " r.finished_at, r.duration_s,"
            " x.run_id IS NOT NULL AND x.frame_json IS NULL,"
            " '[' || COALESCE(x.frame_json, 'null') || ',' || CASE WHEN r.tags LIKE '{%'"
            " AND json_valid(r.tags) THEN r.tags ELSE 'null' END || ']' FROM runs r"
            " JOIN experiments e ON e.id = r.experiment_id"
            f" LEFT JOIN run_exports x ON x.run_id = r.id WHERE r.id {match}",
            args).fetchall()
        waiting = {r[0] for r in conn.execute(
            f"SELECT run_id FROM run_exports_pending WHERE run_id {match}", args)}
    if between:
        wanted = set(chunk)
        rows = [r for r in rows if r[0] in wanted]
    waiting.update(r[0] for r in rows if r[8])
    try:  # tags the database takes for JSON, but Python not: each run on its own
        values = json.loads("[" + ",".join([r[9] for r in rows]) + "]")
    except ValueError:
        values = [_frame_and_tags(r[9]) for r in rows]
    params: dict[str, dict[str, Any]] = {}
    metrics: dict[str, dict[str, Any]] = {}
    tags_of: dict[str, dict[str, Any]] = {}
    for r, (frame, tags) in zip(rows, values, strict=True):
        run_id = r[0]
        if frame is not None:
            if frame["params"]:
                params[run_id] = frame["params"]
            if frame["metrics"]:
                metrics[run_id] = frame["metrics"]
        if isinstance(tags, dict):
            tags_of[run_id] = tags
    runs = [tuple(r[:8]) for r in rows]
    if waiting:
        long_way = runs_export.object_batches(registry, sorted(waiting & {
            r[0] for r in rows}))
        for batch in long_way:
            for run in batch.runs:
                run_id = run[0]
                for mine, theirs in ((params, batch.params), (metrics, batch.metrics),
                                     (tags_of, batch.tags)):
                    mine.pop(run_id, None)
                    if run_id in theirs:
                        mine[run_id] = theirs[run_id]
    return runs_export.FrameBatch(runs, params, metrics, tags_of)


def _frame_and_tags(text: str) -> tuple[Any, Any]:
    """A run's ``[frame_json, tags]`` text read apart: its tags ``None`` when they are
    no JSON (the frame_json this module wrote always is)."""
    frame, end = json.JSONDecoder().raw_decode(text, 1)
    try:
        return frame, json.loads(text[end + 1:-1])
    except ValueError:
        return frame, None
