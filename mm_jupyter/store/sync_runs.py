"""Copy runs, with everything they hold, from one registry to another (push and pull).

A run id is made on the machine that ran it and never reused, so a run is copied at
most once: present on the destination means done. The exception is a run that was
still running when it was copied: once it has ended at the source, it is refreshed
(its row updated, its params, metrics and outputs replaced). Tags are merged: a key the
destination lacks is added, a key whose value differs is a conflict, never overwritten.

Rows that rows point at by digest (code snapshots, environments, history entries,
blob rows) are inserted if absent; integer ids (experiment, history kernel) are mapped
through their natural keys (experiment name; kernel key and generation). The blobs
themselves are the caller's to send first (``output_blob_digests``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection, bulk_insert
from mm_jupyter.store.runs import CURRENT_SEQ, iso_now

# Columns copied as they are; experiment_id, history_kernel_id and change_seq are
# the destination's own (tests/store/test_sync_columns.py checks nothing is missed).
RUN_COLUMNS = (
    "id", "name", "status", "user", "host", "pid", "notebook_path", "started_at",
    "finished_at", "duration_s", "heartbeat_ts", "tags", "error", "cell_digest",
    "history_digest", "notebook_digest", "environment_digest", "n_outputs", "n_figures",
    "history_from", "history_upto", "parent_run_id", "note", "starred", "archived_at",
    "deleted_at", "cell_id", "repro_status", "repro_issues",
)
MAPPED_RUN_COLUMNS = ("experiment_id", "history_kernel_id", "change_seq")
CHILD_TABLES = {
    "params": ("run_id", "key", "value", "value_num", "source"),
    "metrics": ("run_id", "key", "step", "value", "timestamp_ts"),
    "latest_metrics": ("run_id", "key", "value", "step", "timestamp_ts"),
    "outputs": ("run_id", "seq", "output_type", "name", "text", "data", "metadata", "blobs",
                "truncated_bytes"),
    "run_objects": ("run_id", "digest"),
}
# The order each child table is read in, so a copy keeps the source's order.
_CHILD_ORDER = {"params": "run_id, key", "metrics": "id", "latest_metrics": "run_id, key",
                "outputs": "run_id, seq", "run_objects": "run_id, digest"}
CHUNK = 500  # ids per IN (...) list: well under SQLite's 32,766 variables


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """Yield ``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def marks(items: Sequence[Any]) -> str:
    """``?, ?, ?`` for an ``IN (...)`` list of ``items``."""
    return ", ".join("?" * len(items))


@dataclass
class RunPlan:
    """What copying some runs would do: which are new, refreshed, merged or the same."""

    new: list[str] = field(default_factory=list)
    refresh: list[str] = field(default_factory=list)
    same: list[str] = field(default_factory=list)
    # run id -> tags the destination lacks (added) and keys whose values differ.
    tag_additions: dict[str, dict[str, Any]] = field(default_factory=dict)
    tag_conflicts: list[dict[str, Any]] = field(default_factory=list)


def _states(registry: Registry, ids: Sequence[str]) -> dict[str, tuple[str, str, str, Any]]:
    """run id -> (status, tags JSON, name, parent) for those of ``ids`` the registry holds."""
    found: dict[str, tuple[str, str, str, Any]] = {}
    with registry.read() as conn:
        for part in chunks(ids):
            for run_id, status, tags, name, parent in conn.execute(
                "SELECT id, status, tags, name, parent_run_id FROM runs"
                f" WHERE id IN ({marks(part)})", part
            ):
                found[run_id] = (status, tags, name, parent)
    return found


def plan_runs(source: Registry, dest: Registry, ids: Sequence[str]) -> RunPlan:
    """Compare the runs ``ids`` of ``source`` with what ``dest`` holds."""
    plan = RunPlan()
    mine, theirs = _states(source, ids), _states(dest, ids)
    # Parents first: a child run (a search candidate) must find its parent there.
    for run_id in sorted(ids, key=lambda r: r in mine and mine[r][3] is not None):
        if run_id not in mine:
            continue
        status, tags, name, _ = mine[run_id]
        if run_id not in theirs:
            plan.new.append(run_id)
            continue
        their_status, their_tags, _, _ = theirs[run_id]
        # Ended here since it was copied; "killed" there too: with no heartbeats
        # reaching the destination, its reaper took the copy for dead.
        if status != "running" and their_status in ("running", "killed") \
                and their_status != status:
            plan.refresh.append(run_id)
            continue
        plan.same.append(run_id)
        ours, others = json.loads(tags or "{}"), json.loads(their_tags or "{}")
        added = {k: v for k, v in ours.items() if k not in others}
        if added:
            plan.tag_additions[run_id] = added
        for key in sorted(k for k in ours if k in others and ours[k] != others[k]):
            plan.tag_conflicts.append({
                "kind": "tag", "run": run_id, "name": name, "key": key,
                "detail": f"run {name} ({run_id}): tag {key!r} is {others[key]!r} there,"
                          f" {ours[key]!r} here; left as it is there",
            })
    return plan


def _metric_value(value: Any) -> Any:
    # SQLite turns a NaN REAL into NULL: NaN travels as the text 'NaN' (store/runs.py).
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return value


@dataclass
class _Batch:
    """The rows of some runs read from the source, ready to write."""

    runs: list[dict[str, Any]]
    children: dict[str, list[tuple[Any, ...]]]
    snapshots: set[str]
    environments: set[str]
    history: list[tuple[str, int, int, str]]  # (kernel key, generation, n, digest)
    objects: set[str]  # digests of the custom objects (code_objects) the runs used
    blob_rows: list[tuple[Any, ...]]


def _output_digests(blobs_json: str | None) -> list[str]:
    if not blobs_json:
        return []
    try:
        blobs = json.loads(blobs_json)
    except ValueError:
        return []
    return [str(b["digest"]) for b in blobs.values()
            if isinstance(b, dict) and isinstance(b.get("digest"), str)]


def output_blob_digests(source: Registry, ids: Sequence[str]) -> dict[str, int]:
    """digest -> size of every blob the outputs of runs ``ids`` reference."""
    found: dict[str, int] = {}
    with source.read() as conn:
        for part in chunks(ids):
            for (blobs_json,) in conn.execute(
                f"SELECT blobs FROM outputs WHERE run_id IN ({marks(part)})"
                " AND blobs IS NOT NULL", part
            ):
                for digest in _output_digests(blobs_json):
                    found[digest] = 0
            if found:
                keys = list(found)
                for sub in chunks(keys):
                    for digest, size in conn.execute(
                        f"SELECT digest, size FROM blobs WHERE digest IN ({marks(sub)})", sub
                    ):
                        found[digest] = int(size)
    return found


def _read_batch(conn: Connection, ids: Sequence[str]) -> _Batch:
    cols = ", ".join(f"r.{c}" for c in RUN_COLUMNS)
    runs = []
    for row in conn.execute(
        f"SELECT {cols}, e.name, k.key, k.generation FROM runs r"
        " JOIN experiments e ON e.id = r.experiment_id"
        " LEFT JOIN history_kernels k ON k.id = r.history_kernel_id"
        f" WHERE r.id IN ({marks(ids)})", ids
    ):
        item = dict(zip(RUN_COLUMNS, row[:len(RUN_COLUMNS)], strict=True))
        item["experiment"], item["kernel_key"], item["kernel_generation"] = row[len(RUN_COLUMNS):]
        runs.append(item)
    children = {
        table: [tuple(r) for r in conn.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE run_id IN ({marks(ids)})"
            f" ORDER BY {_CHILD_ORDER[table]}", ids)]
        for table, columns in CHILD_TABLES.items()
    }
    for table in ("metrics", "latest_metrics"):
        value_at = CHILD_TABLES[table].index("value")
        children[table] = [(*r[:value_at], _metric_value(r[value_at]), *r[value_at + 1:])
                           for r in children[table]]
    snapshots = {d for r in runs for d in (r["cell_digest"], r["history_digest"],
                                           r["notebook_digest"]) if d}
    environments = {r["environment_digest"] for r in runs if r["environment_digest"]}
    history = []
    for r in runs:
        if r["kernel_key"] is None or r["history_from"] is None:
            continue
        for n, digest in conn.execute(
            "SELECT h.n, h.digest FROM history_entries h JOIN history_kernels k"
            " ON k.id = h.kernel_id WHERE k.key = ? AND k.generation = ?"
            " AND h.n BETWEEN ? AND ?",
            (r["kernel_key"], r["kernel_generation"], r["history_from"], r["history_upto"]),
        ):
            history.append((r["kernel_key"], int(r["kernel_generation"]), int(n), digest))
            snapshots.add(digest)
    digests = sorted({d for o in children["outputs"] for d in _output_digests(o[7])})
    blob_rows = [tuple(r) for part in chunks(digests) for r in conn.execute(
        "SELECT digest, size, media_type, created_at FROM blobs"
        f" WHERE digest IN ({marks(part)})", part)]
    objects = {r[1] for r in children["run_objects"]}
    return _Batch(runs, children, snapshots, environments, history, objects=objects,
                  blob_rows=blob_rows)


def _missing(conn: Connection, table: str, digests: set[str]) -> list[str]:
    wanted = sorted(digests)
    present: set[str] = set()
    for part in chunks(wanted):
        present |= {r[0] for r in conn.execute(
            f"SELECT digest FROM {table} WHERE digest IN ({marks(part)})", part)}
    return [d for d in wanted if d not in present]


def _copy_by_digest(source: Connection, dest: Connection, table: str, columns: str,
                    digests: set[str]) -> None:
    """Insert the rows of ``table`` the destination lacks (snapshots can be large)."""
    for part in chunks(_missing(dest, table, digests)):
        rows = [tuple(r) for r in source.execute(
            f"SELECT {columns} FROM {table} WHERE digest IN ({marks(part)})", part)]
        dest.executemany(
            f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({marks(columns.split(','))})",
            rows)


def _experiment_ids(conn: Connection, names: set[str]) -> dict[str, int]:
    now = iso_now()
    conn.executemany("INSERT OR IGNORE INTO experiments (name, created_at) VALUES (?, ?)",
                     [(n, now) for n in sorted(names)])
    return {name: int(conn.execute("SELECT id FROM experiments WHERE name = ?",
                                   (name,)).fetchone()[0]) for name in names}


def _kernel_ids(conn: Connection, keys: set[tuple[str, int]]) -> dict[tuple[str, int], int]:
    conn.executemany("INSERT OR IGNORE INTO history_kernels (key, generation) VALUES (?, ?)",
                     sorted(keys))
    return {key: int(conn.execute(
        "SELECT id FROM history_kernels WHERE key = ? AND generation = ?", key).fetchone()[0])
        for key in keys}


def copy_runs(source: Registry, dest: Registry, ids: Sequence[str], *,
              refresh: Sequence[str] = ()) -> None:
    """Copy runs ``ids`` (absent from ``dest``) and refresh ``refresh`` in one transaction.

    The caller has sent the blobs the outputs reference; the blob rows come along here.
    """
    wanted = [*ids, *refresh]
    if not wanted:
        return
    with source.read() as src:
        batch = _read_batch(src, wanted)
        with dest.write() as conn:
            _copy_by_digest(src, conn, "code_snapshots", "digest, kind, content, size, created_at",
                            batch.snapshots)
            _copy_by_digest(src, conn, "code_objects",
                            "digest, name, kind, module, source, size, created_at",
                            batch.objects)
            _copy_by_digest(src, conn, "environments",
                            "digest, python, platform, packages, git_commit, git_dirty,"
                            " created_at", batch.environments)
            conn.executemany(
                "INSERT OR IGNORE INTO blobs (digest, size, media_type, created_at)"
                " VALUES (?, ?, ?, ?)", batch.blob_rows)
            experiments = _experiment_ids(conn, {r["experiment"] for r in batch.runs})
            kernels = _kernel_ids(conn, {(r["kernel_key"], int(r["kernel_generation"]))
                                         for r in batch.runs if r["kernel_key"] is not None}
                                  | {(k, g) for k, g, _, _ in batch.history})
            conn.executemany(
                "INSERT OR IGNORE INTO history_entries (kernel_id, n, digest) VALUES (?, ?, ?)",
                [(kernels[(k, g)], n, d) for k, g, n, d in batch.history])
            _write_runs(conn, batch, experiments, kernels, set(refresh))


def _write_runs(conn: Connection, batch: _Batch, experiments: dict[str, int],
                kernels: dict[tuple[str, int], int], refresh: set[str]) -> None:
    def values(r: dict[str, Any]) -> tuple[Any, ...]:
        kernel = None if r["kernel_key"] is None else kernels[(r["kernel_key"],
                                                               int(r["kernel_generation"]))]
        return (*(r[c] for c in RUN_COLUMNS), experiments[r["experiment"]], kernel)

    # A child run (a search candidate) after its parent, which the selection carries.
    ordered = sorted(batch.runs, key=lambda r: r["parent_run_id"] is not None)
    fresh = [values(r) for r in ordered if r["id"] not in refresh]
    conn.executemany(
        f"INSERT INTO runs ({', '.join(RUN_COLUMNS)}, experiment_id, history_kernel_id,"
        f" change_seq) VALUES ({marks(RUN_COLUMNS)}, ?, ?, {CURRENT_SEQ})", fresh)
    updated = [values(r) for r in batch.runs if r["id"] in refresh]
    if updated:
        ids = [u[0] for u in updated]
        for table in CHILD_TABLES:  # replaced whole: the source's copy is complete now
            conn.execute(f"DELETE FROM {table} WHERE run_id IN ({marks(ids)})", ids)
        sets = ", ".join(f"{c} = ?" for c in (*RUN_COLUMNS[1:], "experiment_id",
                                              "history_kernel_id"))
        conn.executemany(f"UPDATE runs SET {sets}, change_seq = {CURRENT_SEQ} WHERE id = ?",
                         [(*u[1:], u[0]) for u in updated])
    for table, columns in CHILD_TABLES.items():
        bulk_insert(conn, table, columns, batch.children[table])


def add_tags(dest: Registry, additions: dict[str, dict[str, Any]]) -> None:
    """Add tags the destination's runs lack (keys it has are left alone)."""
    if not additions:
        return
    with dest.write() as conn:
        for run_id, added in additions.items():
            row = conn.execute("SELECT tags FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                continue
            tags = {**added, **json.loads(row[0] or "{}")}
            conn.execute(f"UPDATE runs SET tags = ?, change_seq = {CURRENT_SEQ} WHERE id = ?",
                         (json.dumps(tags, sort_keys=True), run_id))
