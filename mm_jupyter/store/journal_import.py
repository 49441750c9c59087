"""Apply a journal's records to the registry (inside the importer's transaction).

Kept apart from ``journal.py`` (files, locking, naming) so each stays small. Every
step is keyed so that a record applies once: runs by id (``if_absent``), and the
whole journal by its name in ``journal_imports`` (checked by the caller).
"""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import Any

from mm_jupyter.store.db import Registry
from mm_jupyter.store.history import store_history
from mm_jupyter.store.runs import (
    NewRun,
    OutputRecord,
    finish_run,
    insert_run,
    log_param_rows,
    put_environment,
    set_tags,
    write_metric_points,
)

_RUN_FIELDS = {f.name for f in dataclasses.fields(NewRun)} - {"params", "history"}
_OUTPUT_FIELDS = {f.name for f in dataclasses.fields(OutputRecord)}


def _start(registry: Registry, record: dict[str, Any]) -> None:
    fields = {k: v for k, v in record["run"].items() if k in _RUN_FIELDS}
    run = NewRun(**fields)
    history = record.get("history")
    span = record.get("history_range")
    if history is not None and span is None:  # no kernel key: stored whole (legacy)
        run.history = [tuple(item) for item in history]
    with registry.write() as conn:
        if not insert_run(conn, run, encoded_params=record.get("params", []), if_absent=True):
            return
        if span is not None and run.history_kernel:
            entries = [(int(n), str(s)) for n, s in history or []]
            ref = store_history(conn, run.history_kernel, entries, span=span)
            if ref is not None:
                conn.execute(
                    "UPDATE runs SET history_kernel_id = ?, history_from = ?,"
                    " history_upto = ? WHERE id = ?",
                    (*ref, run.id),
                )


def _known(registry: Registry, run_ids: set[str]) -> set[str]:
    with registry.read() as conn:
        return {
            r for r in run_ids
            if conn.execute("SELECT 1 FROM runs WHERE id = ?", (r,)).fetchone()
        }


def _end(registry: Registry, record: dict[str, Any]) -> None:
    run_id = record["run_id"]
    if not _known(registry, {run_id}):
        return  # its start was never stored anywhere: nothing to end
    env = record.get("environment")
    outputs = [
        OutputRecord(**{k: v for k, v in o.items() if k in _OUTPUT_FIELDS})
        for o in record.get("outputs", [])
    ]
    finish_run(
        registry,
        run_id,
        status=record["status"],
        finished_at=record["finished_at"],
        duration_s=record["duration_s"],
        error=record.get("error"),
        outputs=outputs,
        environment_digest=put_environment(registry, env) if env else None,
        blobs=[(d, s, m) for d, s, m, _ in record.get("blobs", [])],
    )


def apply_records(registry: Registry, records: list[dict[str, Any]]) -> None:
    """Apply ``records`` in order; the caller holds the write transaction.

    A record the registry refuses (a constraint, a malformed record) is skipped on
    its own savepoint, so one bad line never blocks a journal forever.
    """
    for record in records:
        registry.conn.execute("SAVEPOINT journal_record")
        try:
            _apply(registry, record)
        except (sqlite3.IntegrityError, KeyError, TypeError, ValueError):
            registry.conn.execute("ROLLBACK TO journal_record")
        registry.conn.execute("RELEASE journal_record")


def _apply(registry: Registry, record: dict[str, Any]) -> None:
    kind = record.get("t")
    if kind == "start":
        _start(registry, record)
    elif kind == "metrics":
        points = [tuple(p) for p in record.get("points", [])]
        known = _known(registry, {str(p[0]) for p in points})
        write_metric_points(registry, [p for p in points if p[0] in known])
    elif kind == "end":
        _end(registry, record)
    elif kind in ("params", "tags") and _known(registry, {record["run_id"]}):
        if kind == "params":
            log_param_rows(registry, record["rows"])
        else:
            set_tags(registry, record["run_id"], record["tags"])
