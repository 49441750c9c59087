"""Configure a registry's backend and its remotes (``config.toml``), and describe them.

The rules (environment over file over default, no secrets in the file) live in
``store/backend_config.py``; this module edits the file for ``mm-jupyter init`` and
``mm-jupyter remote``, and says which backend is in use for ``info`` and ``GET meta``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mm_jupyter.errors import ConfigError, NotFoundError
from mm_jupyter.identity import current_user
from mm_jupyter.store.backend_config import (
    CONFIG_NAME,
    BackendConfig,
    Remote,
    check_blob_url,
    check_database_url,
    load_backend_config,
    read_config_file,
    redact,
    write_config_file,
)
from mm_jupyter.store.location import PROJECT_DIR, resolve_location

REMOTE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def registry_folder() -> Path:
    """The folder of this process's registry (the location rule), where config.toml is."""
    return resolve_location().path


def project_folder(cwd: Path) -> Path:
    """The project registry folder ``mm-jupyter init`` creates in ``cwd``."""
    return cwd / PROJECT_DIR


def _tables(folder: Path) -> dict[str, dict[str, Any]]:
    """The file's tables, to edit; a malformed file is refused before it is rewritten."""
    load_backend_config(folder)
    data = read_config_file(folder / CONFIG_NAME)
    return {name: dict(value) if isinstance(value := data.get(name), dict) else {}
            for name in ("backend", "remotes")}


def set_backend(folder: Path, *, database: str | None, blobs: str | None) -> Path | None:
    """Record the team backend of the registry in ``folder``; ``None`` if nothing to set.

    Both URLs are checked first, so a bad one changes nothing.
    """
    if database is None and blobs is None:
        return None
    tables = _tables(folder)
    if database is not None:
        tables["backend"]["database"] = check_database_url(database, in_file=True)
    if blobs is not None:
        tables["backend"]["blobs"] = check_blob_url(blobs, in_file=True)
    folder.mkdir(parents=True, exist_ok=True)
    return write_config_file(folder, tables)


def add_remote(folder: Path, name: str, *, database: str, blobs: str | None) -> Remote:
    """Add (or replace) the remote ``name`` of the registry in ``folder``."""
    if not REMOTE_NAME.fullmatch(name):
        raise ConfigError(
            f"remote name {name[:80]!r}: use letters, digits, '_', '.' or '-' (at most 64)"
        )
    remote = Remote(name, check_database_url(database, in_file=True),
                    None if blobs is None else check_blob_url(blobs, in_file=True))
    tables = _tables(folder)
    tables["remotes"][name] = {"database": remote.database, "blobs": remote.blobs}
    folder.mkdir(parents=True, exist_ok=True)
    write_config_file(folder, tables)
    return remote


def remove_remote(folder: Path, name: str) -> None:
    """Forget the remote ``name``; ``NotFoundError`` if there is none."""
    tables = _tables(folder)
    if name not in tables["remotes"]:
        raise NotFoundError(f"no remote named {name!r}")
    del tables["remotes"][name]
    write_config_file(folder, tables)


def list_remotes(folder: Path) -> list[dict[str, str | None]]:
    """Return the remotes, by name, with their URLs."""
    config = load_backend_config(folder)
    return [{"name": r.name, "database": r.database, "blobs": r.blobs}
            for r in sorted(config.remotes.values(), key=lambda r: r.name)]


def get_remote(folder: Path, name: str) -> Remote:
    """Return the remote ``name``; ``NotFoundError`` naming the known ones if absent."""
    remotes = load_backend_config(folder).remotes
    if name not in remotes:
        known = ", ".join(sorted(remotes)) or "none; add one with mm-jupyter remote add"
        raise NotFoundError(f"no remote named {name!r} (remotes: {known})")
    return remotes[name]


def describe_backend(config: BackendConfig) -> dict[str, Any]:
    """Say which backend is in use and why, never with a password."""
    return {
        "backend": config.backend,
        "database": None if config.database.url is None else redact(config.database.url),
        "database_source": config.database.source,
        "blobs": config.blobs.url,
        "blobs_source": config.blobs.source,
        "user": current_user(),
    }


def describe_folder(folder: Path) -> dict[str, Any]:
    """``describe_backend`` for the registry in ``folder``."""
    return describe_backend(load_backend_config(folder))
