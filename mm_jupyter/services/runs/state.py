"""A run in progress in this process: its id, names and the next step of each metric."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
