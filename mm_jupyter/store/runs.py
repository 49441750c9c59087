"""Write runs and what they record: params, tags, metric points, outputs, code."""

from __future__ import annotations

import hashlib
import json
import math
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.encoding import dumps, numeric_value
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection, bulk_insert
from mm_jupyter.store.stamps import CURRENT_SEQ as CURRENT_SEQ
from mm_jupyter.store.stamps import iso_now as iso_now

# CURRENT_SEQ and iso_now live in store/stamps.py; re-exported as most store modules
# take them from here.

STATUSES = ("running", "finished", "failed", "interrupted", "killed")
PARAM_SOURCES = ("auto", "explicit", "namespace", "autolog")
# A point becomes the run's latest value of its key unless a later step is there already.
UPSERT_LATEST = (
    "INSERT INTO latest_metrics (run_id, key, step, value, timestamp_ts)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET"
    " step = excluded.step, value = excluded.value,"
    " timestamp_ts = excluded.timestamp_ts"
    " WHERE excluded.step >= latest_metrics.step"
)


def new_run_id() -> str:
    """Return a fresh 12-hex-digit run id (48 random bits)."""
    return secrets.token_hex(6)


@dataclass
class NewRun:
    """Everything known about a run when it starts."""

    id: str
    name: str
    experiment: str
    started_at: str
    user: str | None = None
    host: str | None = None
    pid: int | None = None
    notebook_path: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    params: Sequence[tuple[str, Any, str]] = ()
    cell_source: str | None = None
    history: Sequence[tuple[int, str]] | None = None
    notebook_text: str | None = None
    # Digest of a notebook snapshot already stored (the file did not change).
    notebook_digest: str | None = None
    heartbeat_ts: float | None = None
    # The process's history key (store/history.py): with it, each history entry is
    # stored once per kernel and the run references the range it saw.
    history_kernel: str | None = None
    # The notebook cell the run ran in (JupyterLab's cellId, or the id of the saved
    # cell a headless kernel's source matched): "Open notebook at this cell".
    cell_id: str | None = None
    # The hidden-state analysis of the cell (core/hidden_state.py): {"status", "issues"}.
    reproducibility: dict[str, Any] | None = None


@dataclass
class OutputRecord:
    """One captured output of a run, already capped; big payloads are blob digests."""

    seq: int
    output_type: str
    name: str | None = None
    text: str | None = None
    data: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    blobs: dict[str, dict[str, Any]] | None = None
    truncated_bytes: int = 0


def _experiment_id(conn: Connection, name: str) -> int:
    row = conn.execute("SELECT id FROM experiments WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    cur = conn.execute(
        "INSERT INTO experiments (name, created_at) VALUES (?, ?)", (name, iso_now())
    )
    return int(cur.lastrowid or 0)


def _snapshot(conn: Connection, kind: str, content: str | None) -> str | None:
    """Store ``content`` once per distinct text; return its digest."""
    if content is None:
        return None
    data = content.encode("utf-8", "surrogatepass")
    digest = hashlib.sha256(data).hexdigest()
    conn.execute(
        "INSERT OR IGNORE INTO code_snapshots (digest, kind, content, size, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (digest, kind, content, len(data), iso_now()),
    )
    return digest


def param_rows(
    run_id: str, params: Iterable[tuple[str, Any, str]]
) -> list[tuple[str, str, str, float | None, str]]:
    rows = []
    for key, value, source in params:
        if source not in PARAM_SOURCES:
            raise ValueError(f"param source must be one of {PARAM_SOURCES}: {source!r}")
        rows.append((run_id, str(key), dumps(value), numeric_value(value), source))
    return rows


def create_run(registry: Registry, run: NewRun) -> None:
    """Insert a running run with its params and code snapshots, in one transaction."""
    with registry.write() as conn:
        insert_run(conn, run)


def insert_run(
    conn: Connection,
    run: NewRun,
    *,
    encoded_params: Sequence[Sequence[Any]] | None = None,
    if_absent: bool = False,
) -> bool:
    """Insert ``run`` inside the caller's write transaction; return whether it did.

    ``encoded_params`` are ``param_rows`` already encoded (a journal's);
    ``if_absent`` makes inserting a run id that exists a no-op (journal import).
    """
    from mm_jupyter.store.history import store_history

    if if_absent and conn.execute("SELECT 1 FROM runs WHERE id = ?", (run.id,)).fetchone():
        return False
    history_json, ref = None, None
    if run.history is not None and run.history_kernel is not None:
        ref = store_history(conn, run.history_kernel, list(run.history))
    elif run.history is not None:
        history_json = json.dumps(list(run.history))
    kernel_id, first, last = ref or (None, None, None)
    experiment_id = _experiment_id(conn, run.experiment)
    notebook_digest = run.notebook_digest
    if run.notebook_text is None and notebook_digest is not None and not conn.execute(
        "SELECT 1 FROM code_snapshots WHERE digest = ?", (notebook_digest,)
    ).fetchone():
        notebook_digest = None  # its text went to a journal not imported yet
    conn.execute(
        "INSERT INTO runs (id, name, experiment_id, status, user, host, pid,"
        " notebook_path, started_at, heartbeat_ts, tags, cell_digest,"
        " history_digest, notebook_digest, history_kernel_id, history_from,"
        " history_upto, cell_id, repro_status, repro_issues, change_seq)"
        " VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        f" {CURRENT_SEQ})",
        (
            run.id,
            run.name,
            experiment_id,
            run.user,
            run.host,
            run.pid,
            run.notebook_path,
            run.started_at,
            run.heartbeat_ts,
            dumps(run.tags),
            _snapshot(conn, "cell", run.cell_source),
            _snapshot(conn, "history", history_json),
            _snapshot(conn, "notebook", run.notebook_text) or notebook_digest,
            kernel_id,
            first,
            last,
            run.cell_id,
            *reproducibility_columns(run.reproducibility),
        ),
    )
    if encoded_params is None:
        _upsert_params(conn, run.id, run.params)
    else:
        _upsert_param_rows(conn, encoded_params)
    return True


def reproducibility_columns(
    reproducibility: dict[str, Any] | None,
) -> tuple[str | None, str | None]:
    """``(repro_status, repro_issues)`` of a run's hidden-state analysis."""
    if not reproducibility:
        return None, None
    return str(reproducibility.get("status")), dumps(reproducibility.get("issues") or [])


def _upsert_params(
    conn: Connection, run_id: str, params: Iterable[tuple[str, Any, str]]
) -> None:
    _upsert_param_rows(conn, param_rows(run_id, params))


def _upsert_param_rows(
    conn: Connection, rows: Iterable[Sequence[Any]]
) -> None:
    conn.executemany(
        "INSERT INTO params (run_id, key, value, value_num, source) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value,"
        " value_num = excluded.value_num, source = excluded.source",
        [tuple(r) for r in rows],
    )


def log_params(
    registry: Registry, run_id: str, params: Iterable[tuple[str, Any, str]]
) -> None:
    """Set params of a run (later values of a key replace earlier ones)."""
    with registry.write() as conn:
        _upsert_params(conn, run_id, params)
        _touch(conn, run_id)


def log_param_rows(registry: Registry, rows: Iterable[Sequence[Any]]) -> None:
    """Upsert already encoded ``param_rows`` (a journal's)."""
    with registry.write() as conn:
        _upsert_param_rows(conn, rows)


def set_tags(registry: Registry, run_id: str, tags: dict[str, Any]) -> None:
    """Merge ``tags`` into a run's tags."""
    with registry.write() as conn:
        row = conn.execute("SELECT tags FROM runs WHERE id = ?", (run_id,)).fetchone()
        merged = {**json.loads(row[0] if row else "{}"), **tags}
        conn.execute(
            f"UPDATE runs SET tags = ?, change_seq = {CURRENT_SEQ} WHERE id = ?",
            (dumps(merged), run_id),
        )


def _touch(conn: Connection, run_id: str) -> None:
    conn.execute(f"UPDATE runs SET change_seq = {CURRENT_SEQ} WHERE id = ?", (run_id,))


def db_float(value: float) -> float | str:
    """Return the database spelling of a metric value (NaN as the text ``'NaN'``)."""
    return "NaN" if math.isnan(value) else value


def _latest_points(rows: list[tuple[str, str, int, Any, float]]) -> list[tuple[str, str, int, Any, float]]:
    """The point per (run, key) that the upsert would keep: the highest step, the
    later one on a tie. One upsert per series, not per point: PostgreSQL slows down
    quadratically when one statement batch updates the same row thousands of times."""
    latest: dict[tuple[str, str], tuple[str, str, int, Any, float]] = {}
    for row in rows:
        kept = latest.get((row[0], row[1]))
        if kept is None or row[2] >= kept[2]:
            latest[(row[0], row[1])] = row
    return list(latest.values())


def write_metric_points(
    registry: Registry,
    points: Sequence[tuple[str, str, int, float, float]],
    *,
    heartbeat: Iterable[str] = (),
) -> None:
    """Append ``(run_id, key, step, value, timestamp_ts)`` points in one transaction.

    Also keeps ``latest_metrics`` (highest step, then latest time) and heartbeats the
    given running runs.
    """
    if not points and not heartbeat:
        return
    rows = [(r, k, s, db_float(v), t) for r, k, s, v, t in points]
    # A bare heartbeat is not a change the sidebar needs to see: no cursor bump.
    with registry.write(bump=bool(points)) as conn:
        # COPY on PostgreSQL: a flush of 100k points takes ~0.3 s, not ~3 s pipelined.
        bulk_insert(conn, "metrics", ("run_id", "key", "step", "value", "timestamp_ts"), rows)
        conn.executemany(
            UPSERT_LATEST,
            _latest_points(rows),
        )
        run_ids = {r for r, *_ in points} | set(heartbeat)
        now = max((t for *_, t in points), default=None)
        touch = (f"UPDATE runs SET change_seq = {CURRENT_SEQ},"
                 " heartbeat_ts = COALESCE(?, heartbeat_ts) WHERE id = ? AND status = 'running'")
        if len(run_ids) == 1:  # the usual case: one statement, one round trip on PostgreSQL
            conn.execute(touch, (now, *run_ids))
        else:
            conn.executemany(touch, [(now, r) for r in run_ids])


def heartbeat(registry: Registry, run_ids: Iterable[str], ts: float) -> None:
    """Record that the process owning these running runs is alive at ``ts``."""
    ids = list(run_ids)
    if not ids:
        return
    # No cursor bump: a heartbeat is not a change anyone needs to see.
    with registry.write(bump=False) as conn:
        conn.executemany(
            "UPDATE runs SET heartbeat_ts = ? WHERE id = ? AND status = 'running'",
            [(ts, r) for r in ids],
        )


def finish_run(
    registry: Registry,
    run_id: str,
    *,
    status: str,
    finished_at: str,
    duration_s: float,
    error: str | None = None,
    outputs: Sequence[OutputRecord] = (),
    environment_digest: str | None = None,
    blobs: Iterable[tuple[str, int, str]] = (),
) -> None:
    """End a run: status, timing, outputs and the blob rows its outputs reference.

    ``blobs`` are ``(digest, size, media_type)`` of files already written to the blob
    store, so a row never points at bytes that are not on disk.
    """
    if status not in STATUSES or status == "running":
        raise ValueError(f"cannot finish a run with status {status!r}")
    with registry.write() as conn:
        now = iso_now()
        conn.executemany(
            "INSERT OR IGNORE INTO blobs (digest, size, media_type, created_at)"
            " VALUES (?, ?, ?, ?)",
            [(d, s, m, now) for d, s, m in blobs],
        )
        conn.executemany(
            "INSERT INTO outputs (run_id, seq, output_type, name, text, data, metadata,"
            " blobs, truncated_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    run_id,
                    o.seq,
                    o.output_type,
                    o.name,
                    o.text,
                    None if o.data is None else json.dumps(o.data),
                    None if o.metadata is None else dumps(o.metadata),
                    None if o.blobs is None else json.dumps(o.blobs),
                    o.truncated_bytes,
                )
                for o in outputs
            ],
        )
        conn.execute(
            "UPDATE runs SET status = ?, finished_at = ?, duration_s = ?, error = ?,"
            " environment_digest = COALESCE(?, environment_digest),"
            " n_outputs = n_outputs + ?, n_figures = n_figures + ?,"
            f" change_seq = {CURRENT_SEQ} WHERE id = ?",
            (
                status,
                finished_at,
                duration_s,
                error,
                environment_digest,
                len(outputs),
                sum(1 for o in outputs if o.blobs and "image/png" in o.blobs),
                run_id,
            ),
        )


def put_environment(registry: Registry, env: dict[str, Any]) -> str:
    """Store an environment description once; return its digest."""
    packages = json.dumps(env.get("packages", {}), sort_keys=True)
    git = env.get("git") or {}
    key = json.dumps(
        [env["python"], env["platform"], packages, git.get("commit"), git.get("dirty")]
    )
    digest = hashlib.sha256(key.encode()).hexdigest()
    with registry.write(bump=False) as conn:
        conn.execute(
            "INSERT OR IGNORE INTO environments (digest, python, platform, packages,"
            " git_commit, git_dirty, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                digest,
                env["python"],
                env["platform"],
                packages,
                git.get("commit"),
                None if git.get("dirty") is None else int(bool(git["dirty"])),
                iso_now(),
            ),
        )
    return digest


def set_environment(registry: Registry, run_ids: list[str], digest: str) -> None:
    """Give runs that ended before the environment was known their environment."""
    if not run_ids:
        return
    marks = ", ".join("?" for _ in run_ids)
    with registry.write(bump=False) as conn:
        conn.execute(
            f"UPDATE runs SET environment_digest = ? WHERE id IN ({marks})"
            " AND environment_digest IS NULL",
            (digest, *run_ids),
        )
