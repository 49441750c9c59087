"""Put files and directories into the blob store without rehashing unchanged ones."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

from mm_jupyter.errors import RegistryError
from mm_jupyter.services.artifacts.serialization import media_type_for
from mm_jupyter.store import artifacts as store
from mm_jupyter.store.db import Registry

DISK_FULL = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def _key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def ingest_file(registry: Registry, path: Path) -> tuple[str, int]:
    """Store the file at ``path`` (unless its bytes are known stored); return digest, size."""
    real = os.path.realpath(path)
    key = _key(os.stat(real))
    digest = store.cached_digest(registry, real, key)
    if digest is not None and registry.blobs.has(digest):
        return digest, key[0]  # unchanged since last time: no read, no hash
    digest, size = registry.blobs.put_file(real)
    store.remember_digest(registry, real, key, digest)
    return digest, size


def ingest_directory(
    registry: Registry, root: Path
) -> tuple[str, int, list[tuple[str, str, int]], bytes]:
    """Store every file under ``root``; return manifest digest, total size, files, manifest."""
    files: list[tuple[str, str, int]] = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue  # links could point anywhere; only regular files are content
            digest, size = ingest_file(registry, path)
            files.append((path.relative_to(root).as_posix(), digest, size))
    manifest = json.dumps(
        [{"path": p, "digest": d, "size": s} for p, d, s in files], separators=(",", ":")
    ).encode()
    digest = registry.blobs.put_bytes(manifest)
    return digest, sum(s for _, _, s in files), files, manifest


def disk_full(exc: OSError, name: str) -> RegistryError | None:
    """Return a clear error if ``exc`` means the disk is full, else ``None``."""
    if exc.errno in DISK_FULL:
        return RegistryError(f"disk full while writing artifact {name!r}: {exc.strerror}")
    return None


def blob_rows(files: list[tuple[str, str, int]], media_type: Any) -> list[tuple[str, int, str]]:
    """Return ``blobs`` table rows for directory members."""
    return [(d, s, media_type_for(p) if media_type is None else media_type) for p, d, s in files]
