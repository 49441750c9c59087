"""The registry itself: opening it, where it is, and the doctor's check.

Every adapter reaches the registry through these functions (the CLI, the server, the
Python API through the session), so a second backend has one place to plug in. Reading
a recorded blob is services/blobs.py's (its queries are not needed to open a registry).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TypedDict

from mm_jupyter.store import db, journal, recovery
from mm_jupyter.store.backend_config import load_backend_config
from mm_jupyter.store.location import PROJECT_DIR, resolve_location


class RegistryDescription(TypedDict):
    """Where a registry is, the rule that chose it, and its schema version."""

    path: str
    source: str
    schema_version: int


def open_registry(
    path: str | os.PathLike[str] | None = None,
    *,
    timeout: float | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> db.Registry:
    """Open the registry at ``path``, else the one the location rule finds from ``cwd``.

    The location rule: ``MM_JUPYTER_HOME``, else the nearest ``.mm/`` above ``cwd``,
    else the per-user default. The registry is created and migrated if needed, and
    pending journals are imported.
    """
    return db.open_registry(path, timeout=timeout, cwd=cwd)


def registry_exists() -> tuple[bool, str, str]:
    """Say whether the registry the location rule finds exists, without creating it.

    Returns ``(exists, folder, source)``. A folder whose backend is PostgreSQL counts as
    existing (its tables live in the database). ``mm-jupyter info`` asks this first, so
    looking at where the registry would be never creates one.
    """
    location = resolve_location()
    path = location.path
    exists = (path / db.DB_NAME).exists() or (
        load_backend_config(path).backend == "postgresql"
    )
    return exists, str(path), location.source


def init_project_registry(folder: Path) -> tuple[Path, bool]:
    """Create the project registry (``.mm/``) in ``folder``.

    Returns the registry folder and whether it existed before.
    """
    path = folder / PROJECT_DIR
    existed = path.is_dir()
    open_registry(path).close()
    return path, existed


def describe_registry(registry: db.Registry) -> RegistryDescription:
    """Return where ``registry`` is, which location rule chose it, and its schema."""
    with registry.lock:
        schema_version = registry.schema_version()
    return {
        "path": str(registry.location.path),
        "source": registry.location.source,
        "schema_version": schema_version,
    }


def check_registry(*, recover: bool = False) -> dict[str, Any]:
    """Check the registry file of this folder's location and list pending journals.

    With ``recover``, a damaged file is rebuilt from what it still holds (the damaged
    file is kept beside it) and checked again. Returns ``{"registry", "ok",
    "problems", "pending_journals"}``, plus ``"recovery"`` and ``"problems_after"``
    when it recovered.
    """
    # Not open_registry: it refuses a corrupt file, and a check must not migrate or
    # write a file it is only asked to look at.
    root = resolve_location().path
    db_path = root / db.DB_NAME
    report: dict[str, Any] = {"registry": str(db_path), **recovery.check(db_path)}
    report["pending_journals"] = [str(p) for p in journal.pending_journals(root)]
    if recover and not report["ok"] and db_path.exists():
        report["recovery"] = recovery.recover(db_path)
        after = recovery.check(db_path)
        report["ok"], report["problems_after"] = after["ok"], after["problems"]
    return report
