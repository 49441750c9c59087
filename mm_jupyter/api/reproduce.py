"""``mm.rerun`` and ``mm.checkout``: re-execute a run from what it stored, or reopen it
as a notebook (docs/reproducibility.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mm_jupyter.core.rerun_compare import DEFAULT_RTOL
from mm_jupyter.records import Run
from mm_jupyter.services.runs import checkout as checkouts
from mm_jupyter.services.runs import rerun as reruns
from mm_jupyter.services.runs.session import get_session

__all__ = ["checkout", "rerun"]


def _ref(run: str | Run) -> str:
    return run.id if isinstance(run, Run) else str(run)


def _registry() -> Any:
    session = get_session()
    session.flush()  # this process's buffered metrics belong to the run compared
    return session.require_registry()


def rerun(run: str | Run, *, timeout: float = reruns.DEFAULT_TIMEOUT,
          rtol: float = DEFAULT_RTOL) -> dict[str, Any]:
    """Re-run ``run`` (a ``Run``, id, unique id prefix or name) in a fresh kernel and
    return the report: ``{"run", "rerun", "status", "reproduced", "rtol", "metrics",
    "outputs", "packages", "program", "error", "duration_s"}``.

    The run's dependency cells and tracked cell run in a temporary folder holding its
    input artifacts at the versions it used; the new run is tagged ``rerun_of=<id>``.
    ``reproduced`` is true when the program finished and every metric of the original
    equals the new one within ``rtol`` (relative). A failing or non-deterministic
    program is reported, not raised; ``timeout`` (seconds) bounds the whole program.
    """
    return reruns.rerun(_registry(), _ref(run), timeout=timeout, rtol=rtol)


def checkout(run: str | Run, out: str | Path, *, venv: bool = False) -> dict[str, Any]:
    """Write ``run`` as a notebook into the folder ``out``: ``<run-name>.ipynb`` (a
    header naming the run, ``%load_ext mm_jupyter``, the dependency cells, the tracked
    cell), ``requirements.txt`` pinned from the run's environment, and its input
    artifacts, verified. ``venv=True`` also creates ``out/.venv`` with those pins.
    Returns ``{"run", "notebook", "requirements", "inputs", "venv"}``.
    """
    return checkouts.checkout(_registry(), _ref(run), Path(out), venv=venv)
