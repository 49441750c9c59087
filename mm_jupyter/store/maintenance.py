"""Verify and garbage-collect the blob store.

``verify`` re-hashes every blob file and checks that every digest the database
references exists. ``gc`` removes only blobs nothing references, and only files older
than a grace period: a writer puts its blob file on disk before its row commits, so a
young unreferenced file may be about to be referenced.
"""

from __future__ import annotations

import os
import time
from typing import Any

from mm_jupyter.store.blobs import hash_file
from mm_jupyter.store.db import Registry

GC_GRACE_S = 3600.0


def referenced_digests(conn: Any) -> set[str]:
    """Return every blob digest a row of the registry points at."""
    found = {r[0] for r in conn.execute("SELECT digest FROM artifact_versions")}
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
    writes, orphans when their writer was interrupted (``gc`` removes them).
    """
    with registry.read() as conn:
        referenced = referenced_digests(conn)
    on_disk = set(registry.blobs.iter_digests())
    corrupt = []
    for digest in sorted(on_disk):
        actual = hash_file(registry.blobs.path_for(digest))
        if actual != digest:
            corrupt.append({"digest": digest, "actual": actual})
    now = time.time()
    temps = [
        {"path": str(path), "size": size, "age_s": round(now - mtime, 1)}
        for path, size, mtime in registry.blobs.temp_files()
    ]
    return {
        "checked": len(on_disk),
        "missing": sorted(referenced - on_disk),
        "corrupt": corrupt,
        "unreferenced": len(on_disk - referenced),
        "temp_files": temps,
        "temp_bytes": sum(t["size"] for t in temps),
    }


def gc(registry: Registry, *, grace_s: float = GC_GRACE_S, dry_run: bool = False) -> dict[str, Any]:
    """Remove unreferenced blob files older than ``grace_s`` and stale temp files."""
    now = time.time()
    removed, freed = [], 0
    # Under the write lock no writer can commit a new reference while we decide.
    with registry.write(bump=False) as conn:
        referenced = referenced_digests(conn)
        for digest in registry.blobs.iter_digests():
            if digest in referenced:
                continue
            path = registry.blobs.path_for(digest)
            try:
                st = os.stat(path)
            except FileNotFoundError:
                continue
            if now - st.st_mtime < grace_s:
                continue
            removed.append(digest)
            freed += st.st_size
            if not dry_run:
                os.unlink(path)
                conn.execute("DELETE FROM blobs WHERE digest = ?", (digest,))
    # Temp files of interrupted writes, in tmp/ and (older versions) beside blobs.
    temps = 0
    for path, size, mtime in registry.blobs.temp_files():
        if now - mtime < grace_s:
            continue
        temps += 1
        freed += size
        if not dry_run:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
    return {"removed": len(removed), "freed_bytes": freed, "temp_files": temps, "dry_run": dry_run}
