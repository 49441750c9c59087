"""Where the registry lives, resolved the same way by kernel, server and CLI.

Rule (DESIGN.md): ``MM_JUPYTER_HOME`` if set; else the nearest ``.mm/`` folder walking
up from the working directory (``mm-jupyter init`` creates one); else a per-user
default under Jupyter's data directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "MM_JUPYTER_HOME"
PROJECT_DIR = ".mm"


@dataclass(frozen=True)
class RegistryLocation:
    """A registry folder and the rule that chose it (``env``, ``project``, ``user``)."""

    path: Path
    source: str


def user_default() -> Path:
    """Return the per-user registry folder under Jupyter's data directory."""
    # jupyter_core is a dependency of jupyter_server and ipykernel; importing it here
    # keeps the per-user location identical to where Jupyter keeps its own data.
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "mm-jupyter"


def resolve_location(cwd: str | os.PathLike[str] | None = None) -> RegistryLocation:
    """Resolve the registry folder for a process working in ``cwd``."""
    env = os.environ.get(ENV_VAR)
    if env:
        return RegistryLocation(Path(env).expanduser().resolve(), "env")
    start = Path(cwd) if cwd is not None else Path.cwd()
    for folder in (start, *start.parents):
        candidate = folder / PROJECT_DIR
        if candidate.is_dir():
            return RegistryLocation(candidate.resolve(), "project")
    return RegistryLocation(user_default(), "user")
