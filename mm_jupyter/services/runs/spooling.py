"""Store a run's start and end, retrying, and spool them when the registry refuses.

The promise: tracking never breaks the user's cell and keeps the user's work. A run
whose start cannot be written is journaled whole (``store/journal.py``): its start,
points, params and end go to the journal and are imported into the registry on its
next successful open (in any process) or, in this process, after the next
successful write. A run's end is retried (``END_RETRY_DELAYS_S``) before it is
spooled; a busy or corrupt registry is not retried (the busy timeout was already
waited; corruption does not heal). Each problem warns once, naming the journal.
"""

from __future__ import annotations

import time
from typing import Any

from mm_jupyter.errors import RegistryBusyError, RegistryCorruptError
from mm_jupyter.services.runs.state import REGISTRY_ERRORS, storable

# Sleeps between attempts to write a run's end (about 0.75 s in all): long enough
# for a transient I/O error, short enough not to hold up the next cell.
END_RETRY_DELAYS_S = (0.05, 0.2, 0.5)


def _writer(session: Any) -> Any:
    from mm_jupyter.store.journal import JournalWriter
    from mm_jupyter.store.location import resolve_location

    registry = session.opened
    root = registry.root if registry is not None else resolve_location().path
    if session.journal is None or session.journal.root != root:
        session.journal = JournalWriter(root)
    return session.journal


def spool(session: Any, records: list[dict[str, Any]], error: BaseException | None) -> bool:
    """Append ``records`` to this process's journal; warn once; return success."""

    reason = error if error is not None else session.open_error
    try:
        path = _writer(session).append(records)
    except REGISTRY_ERRORS as exc:
        session.warn_once(
            "registry",
            f"registry cannot be written ({reason}) and neither can a journal ({exc});"
            " this run is not recorded",
        )
        return False
    session.journal_pending = True
    session.warn_once(
        "registry",
        f"registry cannot be written ({reason}); runs are kept in the journal {path}"
        " and imported when the registry can be written again",
    )
    return True


def spool_points(
    session: Any, points: list[tuple[Any, ...]], error: BaseException | None = None
) -> None:
    """Journal metric points (their runs' rows are in the registry or the journal)."""

    good = [list(p) for p in points if storable(p)]
    if good:
        spool(session, [{"t": "metrics", "points": good}], error)


def record_start(session: Any, run: Any) -> bool:
    """Store a new run (``store.runs.NewRun``); journal it if the registry refuses.

    Returns whether the run is recorded (in the registry or the journal).
    """
    from mm_jupyter.store.runs import create_run, param_rows

    registry = session.registry()
    error: BaseException | None = session.open_error
    if registry is not None:
        try:
            create_run(registry, run)
        except REGISTRY_ERRORS as exc:
            error = exc
        else:
            after_success(session, registry)
            return True
    try:
        writer = _writer(session)
        with writer.lock:
            record = writer.start_record(run, [list(r) for r in param_rows(run.id, run.params)])
    except (ValueError, TypeError) as exc:  # a param SQLite could not store either
        session.warn_once("start", f"run not recorded ({exc})")
        return False
    if not spool(session, [record], error):
        return False
    session.journaled.add(run.id)
    return True


def record_end(
    session: Any,
    run_id: str,
    *,
    status: str,
    duration_s: float,
    error: str | None,
    capture: Any,
) -> None:
    """Write a run's end state and outputs, retrying; spool them if it never works."""
    from mm_jupyter.store.runs import iso_now

    end = {"status": status, "finished_at": iso_now(), "duration_s": duration_s,
           "error": error}
    failure: BaseException | None = session.open_error
    if run_id not in session.journaled:
        for delay in (*END_RETRY_DELAYS_S, None):
            registry = session.registry()
            if registry is None:
                break
            try:
                _store_end(session, registry, run_id, end, capture)
            except (RegistryBusyError, RegistryCorruptError) as exc:
                failure = exc
                break
            except REGISTRY_ERRORS as exc:
                failure = exc
                if delay is None:
                    break
                time.sleep(delay)
            else:
                after_success(session, registry)
                return
    _spool_end(session, run_id, end, capture, failure)


def _store_end(
    session: Any, registry: Any, run_id: str, end: dict[str, Any], capture: Any
) -> None:
    from mm_jupyter.store.runs import finish_run

    blobs: list[tuple[str, int, str]] = []

    def put_blob(data: bytes, media_type: str) -> str:
        digest = str(registry.blobs.put_bytes(data))
        blobs.append((digest, len(data), media_type))
        return digest

    outputs = capture.records(put_blob) if capture is not None else []
    environment = session.environment(registry)
    finish_run(
        registry,
        run_id,
        outputs=outputs,
        environment_digest=environment,
        blobs=blobs,
        **end,
    )
    if environment is None:  # still being computed: attached when ready
        session.attach_environment_later(run_id)


def _spool_end(
    session: Any, run_id: str, end: dict[str, Any], capture: Any, error: Any
) -> None:
    from mm_jupyter.store.journal import BlobSpool, end_record

    blob_spool = BlobSpool()
    outputs = capture.records(blob_spool) if capture is not None else []
    blob_spool.strip_dropped(outputs)
    with session.flush_lock:  # this run's points still waiting for the registry
        mine = [p for p in session.points if p[0] == run_id]
        if mine:
            rest = [p for p in session.points if p[0] != run_id]
            session.points.clear()
            session.points.extend(rest)
    records: list[dict[str, Any]] = []
    if mine:
        records.append({"t": "metrics", "points": [list(p) for p in mine if storable(p)]})
    end["environment"] = session.environment_data
    records.append(end_record(run_id, end, outputs, blob_spool.blobs))
    spool(session, records, error)


def after_success(session: Any, registry: Any) -> None:
    """After a write succeeded: import this process's pending journal, once."""
    if not session.journal_pending:
        return
    from mm_jupyter.store.journal import import_journals

    try:
        import_journals(registry)
    except REGISTRY_ERRORS:
        return  # still refused: the next success (or open) tries again
    writer = session.journal
    path = None if writer is None else writer.path
    if path is None or not path.exists():
        # Everything this process spooled is in the registry now.
        session.journal_pending = False
        session.journaled.clear()
        session.forget_warning("registry")


def write_for_run(session: Any, run_id: str, what: str, write: Any, payload: Any) -> None:
    """Write params or tags of a run; journal them when the run is spooled or refused."""
    from mm_jupyter.store.runs import param_rows

    error: BaseException | None = session.open_error
    if run_id not in session.journaled:
        registry = session.registry()
        if registry is not None:
            try:
                write(registry, run_id, payload)
                return
            except REGISTRY_ERRORS as exc:
                error = exc
    record: dict[str, Any]
    if what == "params":
        record = {"t": "params", "run_id": run_id,
                  "rows": [list(r) for r in param_rows(run_id, payload)]}
    else:
        record = {"t": "tags", "run_id": run_id, "tags": dict(payload)}
    spool(session, [record], error)
