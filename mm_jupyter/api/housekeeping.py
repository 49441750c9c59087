"""Keep runs tidy from Python: ``mm.update_run``, ``mm.archive_run``, ``mm.restore_run``,
``mm.delete_run``, ``mm.move_run``; and ``mm.set_metric_direction``.

Each change is recorded in the run's history with the registry identity
(``MM_JUPYTER_USER``, else the login name) and the time (docs/housekeeping.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mm_jupyter.records import Run
from mm_jupyter.services.runs import directions, housekeeping
from mm_jupyter.services.runs.session import get_session

__all__ = [
    "archive_run",
    "delete_run",
    "move_run",
    "restore_run",
    "set_metric_direction",
    "update_run",
]


def _registry() -> Any:
    session = get_session()
    session.flush()  # this process's buffered points belong to the run it changes
    return session.require_registry()


def update_run(
    ref: str,
    name: str | None = None,
    note: str | None = None,
    tags: Mapping[str, Any] | None = None,
    starred: bool | None = None,
) -> Run:
    """Change a run's name, markdown note, tags or star; only the arguments given change.

    ``ref`` is a run id, a unique id prefix or a name (the latest run of that name).
    ``note=""`` removes the note (at most 64 KiB of markdown); in ``tags`` a value of
    ``None`` removes that tag. Returns the updated run. Raises ``NotFoundError`` for an
    unknown run and ``ValueError`` naming bad input (then nothing changes).
    """
    state = housekeeping.update_run(
        _registry(), ref, name=name, note=note, tags=tags, starred=starred
    )
    return Run.from_summary(state)


def archive_run(ref: str) -> Run:
    """Archive a run (and its child runs): lists hide it by default; ``restore_run`` undoes it."""
    return Run.from_summary(housekeeping.archive_run(_registry(), ref))


def restore_run(ref: str) -> Run:
    """Un-archive and un-delete a run (and its child runs)."""
    return Run.from_summary(housekeeping.restore_run(_registry(), ref))


def delete_run(ref: str) -> Run:
    """Delete a run (and its child runs) softly: hidden everywhere, restorable until
    ``mm-jupyter gc`` purges it. A running run raises ``ConflictError``."""
    return Run.from_summary(housekeeping.delete_run(_registry(), ref))


def move_run(ref: str, experiment: str) -> Run:
    """Move a run (and its child runs) to ``experiment``, creating it if needed.

    A running run raises ``ConflictError``.
    """
    return Run.from_summary(housekeeping.move_run(_registry(), ref, experiment))


def set_metric_direction(key: str, direction: str | None) -> dict[str, Any]:
    """Say whether lower (``"min"``) or higher (``"max"``) is better for metric ``key``.

    ``None`` clears the override: the direction is inferred from the key's name again
    (``val_loss`` -> min, ``acc`` -> max). Diff, compare and model-trend colours use
    it. Returns ``{key, direction, source}`` (``source``: ``set`` or ``inferred``).
    """
    result = directions.set_direction(get_session().require_registry(), key, direction)
    return {k: result[k] for k in ("key", "direction", "source")}
