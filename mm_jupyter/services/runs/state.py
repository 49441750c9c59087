"""A run in progress in this process, and what may reach the registry from it.

Both the session (which buffers metric points) and spooling (which writes runs or journals
them) read these; keeping them here lets each import the other's needs at the top.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.errors import MMError, RegistryError
from mm_jupyter.services.runs.metric_buffer import MetricSeries

# What a failing registry or disk raises; the user's code never sees these.
REGISTRY_ERRORS = (RegistryError, MMError, OSError, sqlite3.DatabaseError)
INT64 = (-(2**63), 2**63 - 1)


@dataclass
class ActiveRun:
    """A run in progress in this process. ``id`` is ``None`` when not recorded."""

    id: str | None
    name: str
    experiment: str
    # Each metric key's buffered points and next automatic step (metric_buffer.py).
    series: dict[str, MetricSeries] = field(default_factory=dict)
    # The series log_metric may append to without a check (emptied when the buffer
    # is full, so that the next point of each key checks the bounds).
    hot: dict[str, MetricSeries] = field(default_factory=dict)
    # Files this run logged or used explicitly: auto-logging skips them.
    logged_paths: set[str] = field(default_factory=set)
    # Metrics the run will record when it ends (a tracked cell's metric-like names);
    # registering a model mid-cell records them with the version.
    pending_metrics: Any = None

    def next_step(self, key: str, step: int | None) -> int:
        """Return the step of the next point of ``key`` (explicit, else one more than
        the highest so far, from 0)."""
        series = self.series.get(key)
        if series is None:
            step = 0 if step is None else step
            self.series[key] = MetricSeries(None, self.id, key, step)
        elif step is None:
            step = series.next
            series.next = step + 1
        elif step >= series.next:
            series.next = step + 1
        return step

    @property
    def steps(self) -> dict[str, int]:
        """Return each key's highest step so far."""
        return {key: s.next - 1 for key, s in self.series.items()}


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
