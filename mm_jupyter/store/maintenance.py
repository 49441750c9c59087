"""Verify and garbage-collect the blob store (a local folder or an S3 bucket).

``verify`` re-hashes every blob and checks that every digest the database references
exists. ``gc`` removes only blobs nothing references, and only blobs older than a
grace period: a writer stores its blob before its row commits, so a young
unreferenced blob may be about to be referenced. Both go through the blob interface
only (``BlobBackend``), so they work the same on either store.
"""

from __future__ import annotations

import time
from typing import Any

from mm_jupyter.store.db import Registry

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


def gc(registry: Registry, *, grace_s: float = GC_GRACE_S, dry_run: bool = False) -> dict[str, Any]:
    """Remove unreferenced blob files older than ``grace_s`` and stale temp files."""
    now = time.time()
    removed, freed = [], 0
    # Under the write lock no writer can commit a new reference while we decide.
    with registry.write(bump=False) as conn:
        referenced = referenced_digests(conn)
        for blob in registry.blobs.iter_blobs():
            if blob.digest in referenced or now - blob.modified < grace_s:
                continue
            removed.append(blob.digest)
            freed += blob.size
            if not dry_run:
                registry.blobs.delete(blob.digest)
                conn.execute("DELETE FROM blobs WHERE digest = ?", (blob.digest,))
    # Temp files of interrupted writes (local: in tmp/ and, older versions, beside blobs).
    temps = 0
    for temp in registry.blobs.temp_files():
        if now - temp.modified < grace_s:
            continue
        temps += 1
        freed += temp.size
        if not dry_run:
            registry.blobs.remove_temp(temp.name)
    return {"removed": len(removed), "freed_bytes": freed, "temp_files": temps, "dry_run": dry_run}
