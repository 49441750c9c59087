"""A run's input artifact versions, restored into a folder for a re-run or checkout.

Each version the run consumed (lineage) is written at its artifact name, relative to
the folder, so code that reads ``pd.read_csv("iris.csv")`` finds the bytes it read
then. Names are stored data, so they are never trusted as paths: only a plain
relative path (no ``..``, no absolute path, no drive, no backslash) that still lands
inside the folder once resolved is written; anything else is listed with ``path``
null. The blob store verifies every copy against its digest while writing it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath
from typing import Any

from mm_jupyter.services.artifacts.versions import PINNED_INPUTS_ENV
from mm_jupyter.store import artifacts as store
from mm_jupyter.store.artifact_queries import run_artifacts
from mm_jupyter.store.db import Registry

_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_relative_path(name: str) -> str | None:
    """``name`` as a relative POSIX path that stays below its folder, else ``None``."""
    if not name or "\\" in name or "\x00" in name or _DRIVE.match(name):
        return None
    if any(ord(ch) < 32 for ch in name):
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(p in ("..", ".") for p in path.parts):
        return None
    return str(path)


def input_versions(registry: Registry, run_id: str) -> list[dict[str, Any]]:
    """The full rows of the artifact versions run ``run_id`` consumed, by name."""
    with registry.read() as conn:
        refs = run_artifacts(conn, run_id)["inputs"]
    return [store.resolve_version(registry, ref["ref"]) for ref in refs]


def pinned_inputs(versions: list[dict[str, Any]]) -> str:
    """The ``MM_JUPYTER_PINNED_INPUTS`` value pinning each artifact to its version
    (the newest one the run used, when it used several of one artifact)."""
    pins: dict[str, int] = {}
    for version in versions:
        pins[version["name"]] = max(int(version["version"]), pins.get(version["name"], 0))
    return json.dumps(pins, sort_keys=True)


def pinned_env(versions: list[dict[str, Any]]) -> dict[str, str]:
    """The environment variable that pins ``use_artifact`` to these versions."""
    return {PINNED_INPUTS_ENV: pinned_inputs(versions)}


def _inside(folder: Path, relative: str) -> Path | None:
    root = folder.resolve()
    target = (root / relative).resolve()
    # A symlink already in the folder must not lead the copy out of it.
    return target if target.is_relative_to(root) and target != root else None


def restore_inputs(
    registry: Registry, versions: list[dict[str, Any]], folder: Path
) -> list[dict[str, Any]]:
    """Write each stored version into ``folder`` at its name; return
    ``[{"ref", "path", "digest", "stored"}]`` (``path`` null when not written)."""
    restored = []
    for version in versions:
        relative = safe_relative_path(str(version["name"]))
        target = _inside(folder, relative) if relative is not None else None
        stored = bool(version.get("stored", True))
        written = None
        if target is not None and stored:
            if version["is_dir"]:
                for member in store.version_files(registry, version["id"]):
                    member_path = safe_relative_path(str(member["path"]))
                    inner = _inside(target, member_path) if member_path else None
                    if inner is not None:
                        registry.blobs.copy_out(member["digest"], inner)
                target.mkdir(parents=True, exist_ok=True)
            else:
                registry.blobs.copy_out(version["digest"], target)
            written = relative
        restored.append({"ref": version["ref"], "path": written,
                         "digest": version["digest"], "stored": stored})
    return restored


def describe_inputs(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What ``restore_inputs`` would write, without writing (the checkout route)."""
    return [
        {"ref": v["ref"], "path": safe_relative_path(str(v["name"])),
         "digest": v["digest"], "stored": bool(v.get("stored", True))}
        for v in versions
    ]
