"""Record a report on the run in progress: its metrics under ``<name>.`` and the artifact.

Outside a run nothing is recorded and the caller is told why: an evaluation tried in
passing should not leave a run behind (docs/evaluation.md). A registry failure while
recording warns once and leaves the report in the user's hands, like every other
tracking failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mm_jupyter.services.evaluation.report import Report
from mm_jupyter.services.evaluation.storage import store_report
from mm_jupyter.services.runs.session import Session
from mm_jupyter.services.runs.state import REGISTRY_ERRORS

NO_RUN = (
    "not recorded: no run is active (evaluate inside a %%mm_track cell or a"
    " `with mm.track():` block to record it)"
)
NOT_RECORDED = "not recorded: the active run is not being recorded (the registry is unavailable)"


@dataclass
class Recorded:
    """Where a report went: the run and artifact version, or why nowhere."""

    run_id: str | None = None
    run_name: str | None = None
    artifact: str | None = None
    note: str | None = None


def metric_points(report: Report) -> dict[str, float]:
    """Return the metrics to log, keyed ``<name>.<metric>`` (``test.f1.<class>``)."""
    name = report.data["name"]
    return {f"{name}.{key}": float(value) for key, value in report.data["metrics"].items()}


def record(session: Session, report: Report) -> Recorded:
    """Log ``report``'s metrics and store it on the innermost active run, if recorded."""
    if not session.active:
        return Recorded(note=NO_RUN)
    run = session.active[-1]
    if run.id is None:
        return Recorded(run_name=run.name, note=NOT_RECORDED)
    for key, value in metric_points(report).items():
        session.add_point(run, key, run.next_step(key, None), value)
    registry = session.registry()
    if registry is None:
        return Recorded(run.id, run.name, note=NOT_RECORDED)
    try:
        version: dict[str, Any] = store_report(registry, report, run_id=run.id, run_name=run.name)
    except (*REGISTRY_ERRORS, ValueError) as exc:  # a full disk, a name taken by a model
        session.warn_once("evaluation", f"evaluation report not stored ({exc})")
        return Recorded(run.id, run.name, note=f"metrics logged, report not stored ({exc})")
    return Recorded(run.id, run.name, artifact=str(version["ref"]))
