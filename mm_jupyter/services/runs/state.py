"""A run in progress in this process, and what may reach the registry from it.

Both the session (which buffers metric points) and spooling (which writes runs or journals
them) read these; keeping them here lets each import the other's needs at the top.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.errors import MMError, RegistryError

# What a failing registry or disk raises; the user's code never sees these.
REGISTRY_ERRORS = (RegistryError, MMError, OSError, sqlite3.DatabaseError)
INT64 = (-(2**63), 2**63 - 1)


@dataclass
class ActiveRun:
    """A run in progress in this process. ``id`` is ``None`` when not recorded."""

    id: str | None
    name: str
    experiment: str
    steps: dict[str, int] = field(default_factory=dict)
    # Files this run logged or used explicitly: auto-logging skips them.
    logged_paths: set[str] = field(default_factory=set)
    # Metrics the run will record when it ends (a tracked cell's metric-like names);
    # registering a model mid-cell records them with the version.
    pending_metrics: Any = None

    def next_step(self, key: str, step: int | None) -> int:
        """Return the step of the next point of ``key`` (explicit, else +1)."""
        if step is None:
            step = self.steps.get(key, -1) + 1
        self.steps[key] = max(step, self.steps.get(key, step))
        return step


def storable(point: tuple[Any, ...]) -> bool:
    """Return whether SQLite can store metric ``point`` (run, key, step, value, ts)."""
    run_id, key, step, value, ts = point
    try:
        key.encode("utf-8")
    except (AttributeError, UnicodeEncodeError):
        return False
    return (
        isinstance(run_id, str)
        and type(step) is int
        and INT64[0] <= step <= INT64[1]
        and isinstance(value, float)
        and isinstance(ts, float)
    )
