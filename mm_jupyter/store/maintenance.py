"""Verify and garbage-collect the blob store (a local folder or an S3 bucket).

``verify`` re-hashes every blob and checks that every digest the database references
exists. ``gc`` first purges the runs deleted (soft, docs/housekeeping.md) longer than
the grace period ago, with everything they recorded, then removes only blobs nothing
references, and only blobs older than the grace period: a writer stores its blob
before its row commits, so a young unreferenced blob may be about to be referenced.
Both go through the blob interface only (``BlobBackend``), so they work the same on
either store.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection

GC_GRACE_S = 3600.0


def referenced_digests(conn: Any) -> set[str]:
    """Return every blob digest a row of the registry points at.

    A fingerprint-only version (``stored = 0``) points at none: its digest is the
    fingerprint of data whose bytes were never stored, so it is neither missing nor
    something ``gc`` must keep.
    """
    found = {r[0] for r in conn.execute("SELECT digest FROM artifact_versions WHERE stored = 1")}
    found |= {r[0] for r in conn.execute("SELECT digest FROM version_files")}
    found |= {
        r[0]
        for r in conn.execute(
            "SELECT json_extract(b.value, '$.digest') FROM outputs o, json_each(o.blobs) b"
            " WHERE o.blobs IS NOT NULL AND json_valid(o.blobs)"
        )
        if r[0]
    }
    return found


def verify(registry: Registry) -> dict[str, Any]:
    """Re-hash every blob; return ``{checked, missing, corrupt, unreferenced}``.

    Also ``temp_files`` (path, size, age) and ``temp_bytes``: temp files of blob
    writes, orphans when their writer was interrupted (``gc`` removes them); and
    ``fingerprint_only``: how many versions have no bytes by design (not missing).
    """
    with registry.read() as conn:
        referenced = referenced_digests(conn)
        fingerprint_only = conn.execute(
            "SELECT count(*) FROM artifact_versions WHERE stored = 0"
        ).fetchone()[0]
    on_disk = set(registry.blobs.iter_digests())
    corrupt = []
    for digest in sorted(on_disk):
        actual = registry.blobs.rehash(digest)
        if actual is not None and actual != digest:
            corrupt.append({"digest": digest, "actual": actual})
    now = time.time()
    temps = [
        {"path": temp.name, "size": temp.size, "age_s": round(now - temp.modified, 1)}
        for temp in registry.blobs.temp_files()
    ]
    return {
        "checked": len(on_disk),
        "missing": sorted(referenced - on_disk),
        "corrupt": corrupt,
        "unreferenced": len(on_disk - referenced),
        "temp_files": temps,
        "temp_bytes": sum(t["size"] for t in temps),
        "fingerprint_only": int(fingerprint_only),
    }


# Run ids per IN (...) list: well under SQLite's bound-variable limit.
_CHUNK = 500
# What a purged run leaves behind, deleted explicitly (not only by ON DELETE CASCADE,
# which older tables lack): children's rows first, then the runs.
_RUN_ROWS = (
    "params", "metrics", "latest_metrics", "outputs", "run_objects",
    "run_events", "lineage",
)
# Rows that outlive the run they name: the run reference is cleared. An artifact or
# model version stays in the catalog (a model may be in production) and keeps its blob.
_RUN_REFERENCES = ("artifact_versions", "model_versions", "alert_actions")


class _DryRun(Exception):
    """Raised to roll back a dry run's purge after measuring it."""


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z"


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def purge_deleted_runs(conn: Connection, deleted_before: str) -> dict[str, int]:
    """Delete the runs soft-deleted at or before ``deleted_before`` (ISO UTC) and their rows.

    Inside the caller's write transaction. Afterwards the code snapshots and kernel
    histories only they referenced are deleted too; their blobs become unreferenced,
    for the blob sweep. Returns ``{runs, snapshots}``: how many of each went.
    """
    ids = [str(r[0]) for r in conn.execute(
        "SELECT id FROM runs WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
        (deleted_before,),
    ).fetchall()]
    if not ids:
        return {"runs": 0, "snapshots": 0}
    snapshots: set[str] = set()
    kernels: set[int] = set()
    for chunk in _chunks(ids):
        marks = ", ".join("?" * len(chunk))
        for cell, history, notebook, kernel in conn.execute(
            "SELECT cell_digest, history_digest, notebook_digest, history_kernel_id"
            f" FROM runs WHERE id IN ({marks})", chunk,
        ):
            snapshots.update(d for d in (cell, history, notebook) if d)
            if kernel is not None:
                kernels.add(int(kernel))
        # A live child of a purged run (restored on its own) loses its parent link;
        # purged runs drop theirs first so that one run's delete never waits on another.
        conn.execute(f"UPDATE runs SET parent_run_id = NULL WHERE parent_run_id IN ({marks})",
                     chunk)
        for table in _RUN_REFERENCES:
            conn.execute(f"UPDATE {table} SET run_id = NULL WHERE run_id IN ({marks})", chunk)
        for table in _RUN_ROWS:
            conn.execute(f"DELETE FROM {table} WHERE run_id IN ({marks})", chunk)
    for chunk in _chunks(ids):
        marks = ", ".join("?" * len(chunk))
        conn.execute(f"DELETE FROM runs WHERE id IN ({marks})", chunk)
    # A kernel's history entries are shared by its runs: gone with the last of them.
    for kernel in sorted(kernels):
        if conn.execute("SELECT 1 FROM runs WHERE history_kernel_id = ? LIMIT 1",
                        (kernel,)).fetchone():
            continue
        snapshots.update(str(r[0]) for r in conn.execute(
            "SELECT digest FROM history_entries WHERE kernel_id = ?", (kernel,)))
        conn.execute("DELETE FROM history_entries WHERE kernel_id = ?", (kernel,))
        conn.execute("DELETE FROM history_kernels WHERE id = ?", (kernel,))
    removed = 0
    for digest in sorted(snapshots):
        if conn.execute(
            "SELECT 1 FROM runs WHERE cell_digest = ? OR history_digest = ?"
            " OR notebook_digest = ? LIMIT 1", (digest, digest, digest),
        ).fetchone() or conn.execute(
            "SELECT 1 FROM history_entries WHERE digest = ? LIMIT 1", (digest,)
        ).fetchone():
            continue
        conn.execute("DELETE FROM code_snapshots WHERE digest = ?", (digest,))
        removed += 1
    return {"runs": len(ids), "snapshots": removed}


def _sweep(
    registry: Registry, conn: Connection, now: float, grace_s: float, dry_run: bool
) -> tuple[int, int]:
    """Remove (or count) the unreferenced blobs older than ``grace_s``."""
    removed, freed = 0, 0
    referenced = referenced_digests(conn)
    for blob in registry.blobs.iter_blobs():
        if blob.digest in referenced or now - blob.modified < grace_s:
            continue
        removed += 1
        freed += blob.size
        if not dry_run:
            registry.blobs.delete(blob.digest)
            conn.execute("DELETE FROM blobs WHERE digest = ?", (blob.digest,))
    return removed, freed


def gc(registry: Registry, *, grace_s: float = GC_GRACE_S, dry_run: bool = False) -> dict[str, Any]:
    """Purge runs deleted more than ``grace_s`` ago, then remove unreferenced blob
    files older than ``grace_s`` and stale temp files.

    Returns ``{runs_purged, snapshots_removed, removed, freed_bytes, temp_files,
    dry_run}``. A dry run purges inside a transaction it rolls back, so its figures
    are those of a real run at that moment, blobs freed by the purge included.
    """
    now = time.time()
    purged = {"runs": 0, "snapshots": 0}
    if dry_run:
        try:
            with registry.write(bump=False) as conn:
                purged = purge_deleted_runs(conn, _iso(now - grace_s))
                removed, freed = _sweep(registry, conn, now, grace_s, dry_run=True)
                raise _DryRun
        except _DryRun:
            pass
    else:
        with registry.read() as conn:
            due = conn.execute(
                "SELECT 1 FROM runs WHERE deleted_at IS NOT NULL AND deleted_at <= ? LIMIT 1",
                (_iso(now - grace_s),),
            ).fetchone()
        if due:
            # Committed before any blob goes: a failed commit must not leave rows that
            # point at deleted blobs.
            with registry.write() as conn:
                purged = purge_deleted_runs(conn, _iso(now - grace_s))
        # Under the write lock no writer can commit a new reference while we decide.
        with registry.write(bump=False) as conn:
            removed, freed = _sweep(registry, conn, now, grace_s, dry_run=False)
    # Temp files of interrupted writes (local: in tmp/ and, older versions, beside blobs).
    temps = 0
    for temp in registry.blobs.temp_files():
        if now - temp.modified < grace_s:
            continue
        temps += 1
        freed += temp.size
        if not dry_run:
            registry.blobs.remove_temp(temp.name)
    return {
        "runs_purged": purged["runs"],
        "snapshots_removed": purged["snapshots"],
        "removed": removed,
        "freed_bytes": freed,
        "temp_files": temps,
        "dry_run": dry_run,
    }
