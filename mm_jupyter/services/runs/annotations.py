"""Params and tags the user adds to the active run (``mm.log_params``, ``mm.set_tags``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mm_jupyter.errors import RegistryError
from mm_jupyter.services.runs.session import Session
from mm_jupyter.services.runs.spooling import write_for_run
from mm_jupyter.store import runs as store_runs


def log_params(session: Session, rows: Sequence[tuple[str, Any, str]]) -> None:
    """Record ``rows`` of ``(key, value, source)`` as params of the active run.

    Later values of a key replace earlier ones. They go to the registry, or to the
    run's journal while it is spooled; a registry failure only warns. ``MMError`` when
    no run is active.
    """
    _write_to_active_run(session, "params", store_runs.log_params, rows)


def set_tags(session: Session, tags: Mapping[str, str]) -> None:
    """Merge ``tags`` into the active run's tags (written like ``log_params``)."""
    _write_to_active_run(session, "tags", store_runs.set_tags, tags)


def _write_to_active_run(
    session: Session, what: str, write: Callable[..., None], payload: Any
) -> None:
    """Write ``payload`` for the active run with ``write(registry, run_id, payload)``."""
    run = session.current()
    if run.id is None:
        return  # the run is not being recorded; the user was warned when it started
    try:
        write_for_run(session, run.id, what, write, payload)
    except RegistryError as exc:
        session.warn_once(what, f"{what} not saved ({exc})")
