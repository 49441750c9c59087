"""Re-run a run from what it stored, in a fresh kernel, and say whether it reproduced.

The program (services/runs/program.py) is executed headless (program_kernel.py) in a
temporary folder that holds the run's input artifacts at the exact versions it used
(run_inputs.py); ``use_artifact("name")`` without a version is pinned to the same
version (``MM_JUPYTER_PINNED_INPUTS``). The kernel uses the same registry, and its
runs are tagged ``rerun_of=<id>`` (``MM_JUPYTER_RERUN_OF``, services/runs/recorder.py).
The report (schemas/rerun_report.json) compares the new run's latest metrics, text
outputs and environment with the original's. A program that fails or gives other
numbers is a finding, reported, never an exception: only a bad request raises
(``NotFoundError`` for an unknown run, ``ValueError`` for a bad timeout or rtol).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from mm_jupyter.capture.environment import installed_packages
from mm_jupyter.core.rerun_compare import (
    DEFAULT_RTOL,
    metric_deltas,
    output_differences,
    package_differences,
    reproduced,
)
from mm_jupyter.errors import MMError
from mm_jupyter.services.runs import queries
from mm_jupyter.services.runs.program import Program, build_program
from mm_jupyter.services.runs.program_kernel import KERNEL_NAME, execute_program
from mm_jupyter.services.runs.program_notebook import program_notebook
from mm_jupyter.services.runs.recorder import RERUN_ENV, RERUN_TAG, TRIGGER_ENV
from mm_jupyter.services.runs.run_inputs import input_versions, pinned_env, restore_inputs
from mm_jupyter.store.db import Registry

DEFAULT_TIMEOUT = 600.0
#: Environment variables of this process that must not reach the re-run's kernel:
#: they would name another notebook, or tie the new run to an alert it did not answer.
_DROPPED_ENV = (TRIGGER_ENV, "JPY_SESSION_NAME", "MM_JUPYTER_NOTEBOOK")


def check_options(timeout: Any, rtol: Any) -> tuple[float, float]:
    """``(timeout, rtol)`` as floats; ``ValueError`` naming a bad one."""
    for name, value in (("timeout", timeout), ("rtol", rtol)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, not {value!r}")
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, not {timeout!r}")
    if rtol < 0:
        raise ValueError(f"rtol must be 0 or more, not {rtol!r}")
    return float(timeout), float(rtol)


def kernel_env(registry: Registry, run_id: str, pins: dict[str, str],
               notebook: Path) -> dict[str, str]:
    """The re-run kernel's environment: this process's, with the same registry, the
    original named, the inputs pinned and the generated notebook as its notebook."""
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env["MM_JUPYTER_HOME"] = str(registry.root)
    env[RERUN_ENV] = run_id
    env["MM_JUPYTER_NOTEBOOK"] = str(notebook)
    env.update(pins)
    return env


def _new_run(registry: Registry, run_id: str, before: set[str], notebook: Path) -> str | None:
    """The newest run tagged ``rerun_of=<run_id>`` that was not there before and ran in
    this re-run's notebook (its temporary path is this re-run's alone: two re-runs of
    one run at once each find their own)."""
    runs = queries.list_runs(registry, filter=f"tags.{RERUN_TAG} = '{run_id}'", limit=20,
                             archived="include")
    return next((r.id for r in runs
                 if r.id not in before and r.notebook_path == str(notebook)), None)


def _report(run_id: str, rtol: float, program: Program | None) -> dict[str, Any]:
    return {"run": run_id, "rerun": None, "status": "error", "reproduced": False,
            "rtol": rtol, "metrics": [], "outputs": [], "packages": [],
            "program": program.steps() if program else [], "error": None,
            "duration_s": 0.0}


def rerun(registry: Registry, ref: str, *, timeout: float = DEFAULT_TIMEOUT,
          rtol: float = DEFAULT_RTOL, kernel_name: str = KERNEL_NAME) -> dict[str, Any]:
    """Re-run the run ``ref`` names (id, unique id prefix or name); return the report."""
    started = time.monotonic()
    timeout, rtol = check_options(timeout, rtol)
    run_id = queries.resolve_run(registry, ref)
    original = queries.run_detail(registry, run_id, exact=True)
    try:
        program = build_program(registry, run_id)
    except ValueError as exc:
        report = _report(run_id, rtol, None)
        report.update(error=str(exc), duration_s=time.monotonic() - started)
        return report
    report = _report(run_id, rtol, program)
    before = {r.id for r in queries.list_runs(
        registry, filter=f"tags.{RERUN_TAG} = '{run_id}'", limit=1000, archived="include")}
    with tempfile.TemporaryDirectory(prefix="mm-rerun-") as tmp:
        folder = Path(tmp)
        try:
            versions = input_versions(registry, run_id)
            restore_inputs(registry, versions, folder)
        except (MMError, OSError) as exc:
            report.update(error=f"restoring the inputs failed: {exc}",
                          duration_s=time.monotonic() - started)
            return report
        notebook = folder / f"rerun-{run_id[:12]}.ipynb"
        nb = program_notebook(program)
        # On disk, so the new run stores it as its notebook snapshot (what ran).
        notebook.write_text(json.dumps(nb, indent=1), "utf-8")
        env = kernel_env(registry, run_id, pinned_env(versions), notebook)
        outcome = execute_program(nb, folder, env, timeout=timeout, kernel_name=kernel_name)
    report.update(status=outcome.status, error=outcome.error)
    new_id = _new_run(registry, run_id, before, notebook)
    report["rerun"] = new_id
    original_metrics = original["run"]["metrics"]
    original_packages = (original.get("environment") or {}).get("packages") or {}
    if new_id is not None:
        fresh = queries.run_detail(registry, new_id, exact=True)
        if outcome.status == "finished" and fresh["run"]["status"] != "finished":
            # The tracked cell raised inside the run: nbclient saw it too, unless the
            # cell swallowed it; the run's own status is the truth.
            report.update(status="failed", error=fresh.get("error"))
        report["metrics"] = metric_deltas(original_metrics, fresh["run"]["metrics"], rtol)
        report["outputs"] = output_differences(original["outputs"], fresh["outputs"])
        current = (fresh.get("environment") or {}).get("packages") or installed_packages()
    else:
        report["metrics"] = metric_deltas(original_metrics, {}, rtol)
        current = installed_packages()
        if report["status"] == "finished":
            report.update(status="failed", error="the program recorded no run")
    report["packages"] = package_differences(original_packages, current)
    report["reproduced"] = reproduced(report["status"], original_metrics, report["metrics"])
    report["duration_s"] = round(time.monotonic() - started, 3)
    return report
