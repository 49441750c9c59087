"""Materialise a stored artifact version as files: a cached checkout under the registry,
or a copy where the user asks (``mm-jupyter artifacts get``).

A checkout is copied only when its cached digest no longer matches (size, mtime, inode),
so ``use_artifact`` on an unchanged version costs a stat, not a copy.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mm_jupyter.errors import FingerprintOnlyError
from mm_jupyter.store import Registry
from mm_jupyter.store import artifacts as store


def require_bytes(version: dict[str, Any]) -> None:
    """Raise ``FingerprintOnlyError`` for a version whose bytes were never stored."""
    if not version.get("stored", True):
        raise FingerprintOnlyError(str(version["ref"]))


def materialize(registry: Registry, version: dict[str, Any]) -> Path:
    """Return the path of ``version``'s files, copying blobs out only where needed.

    ``FingerprintOnlyError`` for a fingerprint-only version: there is nothing to copy.
    """
    require_bytes(version)
    base = registry.root / "cache" / str(version["digest"])
    # A version stored before names were checked may have a file name such as "..",
    # which would put the copy over the cache folder itself.
    file_name = str(version["file_name"])
    if file_name in ("", ".", "..") or "/" in file_name or "\\" in file_name:
        file_name = "content"
    target = base / file_name
    if version["is_dir"]:
        for member in store.version_files(registry, version["id"]):
            checkout(registry, member["digest"], target / member["path"])
        target.mkdir(parents=True, exist_ok=True)
    else:
        checkout(registry, version["digest"], target)
    return target


def checkout(registry: Registry, digest: str, target: Path) -> None:
    """Copy a blob to ``target`` unless an unmodified copy is already there."""
    real = str(target)
    try:
        st = os.stat(target)
        if store.cached_digest(registry, real, (st.st_size, st.st_mtime_ns, st.st_ino)) == digest:
            return
    except FileNotFoundError:
        pass
    registry.blobs.copy_out(digest, target)
    st = os.stat(target)
    store.remember_digest(registry, real, (st.st_size, st.st_mtime_ns, st.st_ino), digest)


def export_version(registry: Registry, ref: str, out: Path) -> dict[str, Any]:
    """Write the content of the version ``ref`` names to ``out``, verified byte for byte.

    A directory version is written into the folder ``out``; a file version to ``out``,
    or under its own file name when ``out`` is an existing folder. Returns ``{"ref",
    "digest", "size", "path"}`` of what was written; ``FingerprintOnlyError`` for a
    version whose bytes were never stored.
    """
    version = store.resolve_version(registry, ref)
    require_bytes(version)
    if version["is_dir"]:
        for member in store.version_files(registry, version["id"]):
            registry.blobs.copy_out(member["digest"], out / member["path"])
        out.mkdir(parents=True, exist_ok=True)
    else:
        if out.is_dir():
            out = out / version["file_name"]
        registry.blobs.copy_out(version["digest"], out)
    return {"ref": version["ref"], "digest": version["digest"], "size": version["size"],
            "path": str(out.resolve())}
