"""Describe the environment once per process: Python, platform, packages, git state."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from typing import Any

GIT_TIMEOUT_S = 5.0


def installed_packages() -> dict[str, str]:
    """Return ``{distribution name: version}`` for every installed distribution."""
    packages = {}
    for dist in metadata.distributions():
        try:  # a broken distribution has no metadata; newer Pythons raise KeyError
            name = dist.metadata["Name"] if dist.metadata else None
        except (KeyError, TypeError):
            name = None
        if name:
            packages[str(name)] = str(dist.version)
    return dict(sorted(packages.items(), key=lambda kv: kv[0].lower()))


def git_state(cwd: str | None = None) -> dict[str, Any] | None:
    """Return ``{"commit", "dirty"}`` of the git work tree at ``cwd``, if any."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=cwd or os.getcwd(),
                capture_output=True,
                text=True,
                timeout=GIT_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return None
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit.strip(), "dirty": bool(status and status.strip())}


def collect_environment() -> dict[str, Any]:
    """Return the environment of this process."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "executable": sys.executable,
        "packages": installed_packages(),
        "git": git_state(),
    }


# Run in a child of the same interpreter with the kernel's sys.path: reading ~100s of
# package metadata files holds the GIL for 0.2-0.6 s, which a thread would take from
# the user's cells; a child process uses another core and leaves the kernel alone.
_CHILD = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]);"
    "from mm_jupyter.capture.environment import collect_environment;"
    "sys.stdout.write(json.dumps(collect_environment()))"
)
CHILD_TIMEOUT_S = 60.0


def collect_environment_apart() -> dict[str, Any]:
    """Return ``collect_environment()`` as computed by a child process.

    Falls back to computing it here if the child cannot run (no executable, a
    sandbox without ``fork``, a failure inside it).
    """
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = list(sys.path) + ([here] if here not in sys.path else [])
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, json.dumps(path)],
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_S,
            check=True,
        )
        env = json.loads(done.stdout)
        if isinstance(env, dict) and "packages" in env:
            return env
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    return collect_environment()

