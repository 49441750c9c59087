"""Check and clean the blob store: ``mm-jupyter verify`` and ``mm-jupyter gc``."""

from __future__ import annotations

from typing import Any

from mm_jupyter.store import Registry, maintenance


def verify_blobs(registry: Registry) -> dict[str, Any]:
    """Re-hash every blob: ``{checked, missing, corrupt, unreferenced, temp_files, ...}``."""
    return maintenance.verify(registry)


def collect_garbage(registry: Registry, *, grace_s: float, dry_run: bool = False) -> dict[str, Any]:
    """Remove blobs nothing references that are older than ``grace_s``, and stale temps.

    Safe while kernels write: their files stay until the grace period has passed.
    """
    return maintenance.gc(registry, grace_s=grace_s, dry_run=dry_run)
