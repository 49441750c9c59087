"""``mm.rerun`` and ``mm.checkout``: re-execute a run from what it stored, or reopen it
as a notebook (docs/reproducibility.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from mm_jupyter.core.rerun_compare import DEFAULT_RTOL
from mm_jupyter.encoding import to_jsonable
from mm_jupyter.records import Run
from mm_jupyter.services.runs import checkout as checkouts
from mm_jupyter.services.runs import rerun as reruns
from mm_jupyter.services.runs.session import get_session

__all__ = ["Checkout", "RerunReport", "checkout", "rerun"]


@dataclass(frozen=True)
class RerunReport:
    """What ``mm.rerun`` found (schemas/rerun_report.json; ``to_dict()`` is that JSON)."""

    run: str
    rerun: str | None
    status: str
    reproduced: bool
    rtol: float
    metrics: list[dict[str, Any]]
    outputs: list[dict[str, Any]]
    packages: list[dict[str, Any]]
    program: list[dict[str, Any]]
    error: str | None
    duration_s: float

    def to_dict(self) -> dict[str, Any]:
        """Return the report as the CLI's ``--json`` and the REST API give it."""
        data: dict[str, Any] = to_jsonable(asdict(self))
        return data

    def __repr__(self) -> str:
        verdict = "reproduced" if self.reproduced else "NOT reproduced"
        differ = [m["key"] for m in self.metrics if not m["within_tolerance"]
                  and not m.get("timing")]
        tail = f"; differ: {', '.join(differ[:5])}" if differ else ""
        return (f"<RerunReport {self.run} -> {self.rerun or '-'}: {self.status},"
                f" {verdict}{tail}>")


@dataclass(frozen=True)
class Checkout:
    """What ``mm.checkout`` wrote: the notebook, requirements.txt, inputs, venv."""

    run: str
    notebook: str
    requirements: str
    inputs: list[dict[str, Any]]
    venv: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON the CLI's ``--json`` prints."""
        data: dict[str, Any] = to_jsonable(asdict(self))
        return data


def _record(cls: Any, data: dict[str, Any]) -> Any:
    return cls(**{f.name: data[f.name] for f in fields(cls)})


def _ref(run: str | Run) -> str:
    return run.id if isinstance(run, Run) else str(run)


def _registry() -> Any:
    session = get_session()
    session.flush()  # this process's buffered metrics belong to the run compared
    return session.require_registry()


def rerun(run: str | Run, *, timeout: float = reruns.DEFAULT_TIMEOUT,
          rtol: float = DEFAULT_RTOL) -> RerunReport:
    """Re-run ``run`` (a ``Run``, id, unique id prefix or name) in a fresh kernel and
    return the report, a ``RerunReport`` (``run``, ``rerun``, ``status``,
    ``reproduced``, ``rtol``, ``metrics``, ``outputs``, ``packages``, ``program``,
    ``error``, ``duration_s``; ``to_dict()`` gives the JSON).

    The run's dependency cells and tracked cell run in a temporary folder holding its
    input artifacts at the versions it used; the new run is tagged ``rerun_of=<id>``.
    ``reproduced`` is true when the program finished and every metric of the original
    equals the new one within ``rtol`` (relative). A failing or non-deterministic
    program is reported, not raised; ``timeout`` (seconds) bounds the whole program.
    """
    return _record(  # type: ignore[no-any-return]
        RerunReport, reruns.rerun(_registry(), _ref(run), timeout=timeout, rtol=rtol))


def checkout(run: str | Run, out: str | Path, *, venv: bool = False) -> Checkout:
    """Write ``run`` as a notebook into the folder ``out``: ``<run-name>.ipynb`` (a
    header naming the run, ``%load_ext mm_jupyter``, the dependency cells, the tracked
    cell), ``requirements.txt`` pinned from the run's environment, and its input
    artifacts, verified. ``venv=True`` also creates ``out/.venv`` with those pins.
    Returns a ``Checkout`` (``run``, ``notebook``, ``requirements``, ``inputs``,
    ``venv``).
    """
    return _record(  # type: ignore[no-any-return]
        Checkout, checkouts.checkout(_registry(), _ref(run), Path(out), venv=venv))
