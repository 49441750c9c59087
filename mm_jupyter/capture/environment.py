"""Describe the environment once per process: Python, platform, packages, git state."""

from __future__ import annotations

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
        name = dist.metadata.get("Name") if dist.metadata else None
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
