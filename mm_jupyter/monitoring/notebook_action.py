"""The notebook action: run a (retraining) notebook headlessly with parameters."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mm_jupyter.core.units import format_duration
from mm_jupyter.monitoring import notebook_runner
from mm_jupyter.monitoring.actions import MAX_DETAIL, Action, ActionResult, check_timeout


class NotebookAction(Action):
    """Execute the notebook at ``path`` headlessly, with ``parameters`` injected.

    Built by ``mm.triggers.run_notebook(path, ...)``, e.g. to retrain on drift.

    Parameters
    ----------
    path : str or path
        The notebook, relative to ``cwd``; stored as an absolute path. The kernel runs
        in the notebook's folder.
    parameters : dict, optional
        Names (Python identifiers) → JSON values, assigned in a cell after the one
        tagged ``parameters``; ``mm_trigger_event`` holds the event.
    timeout : float
        Seconds for each cell and for the whole run.
    kernel_name : str
        The kernelspec to run.
    cwd : str or path, optional
        Where a relative ``path`` starts (default: the current directory).

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    ValueError
        Not an ``.ipynb``, or a parameter name/value that cannot be injected.
    """

    kind = "notebook"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        parameters: dict[str, Any] | None = None,
        timeout: float = 600,
        kernel_name: str = "python3",
        cwd: str | os.PathLike[str] | None = None,
    ) -> None:
        base = Path(cwd) if cwd is not None else Path.cwd()
        source = (base / Path(path).expanduser()).resolve()
        if not source.is_file():
            raise FileNotFoundError(f"notebook not found: {source}")
        if source.suffix.lower() != ".ipynb":
            raise ValueError(f"{source} is not a notebook (.ipynb)")
        if not isinstance(kernel_name, str) or not kernel_name:
            raise ValueError(
                f"kernel_name must be a non-empty string, not {kernel_name!r}"
            )
        self.path = source
        self.parameters = notebook_runner.check_parameters(parameters)
        self.timeout = check_timeout(timeout)
        self.kernel_name = kernel_name

    def spec(self) -> dict[str, Any]:
        """Return the notebook's absolute path, parameters, timeout and kernel."""
        return {
            "kind": self.kind,
            "path": str(self.path),
            "parameters": self.parameters,
            "timeout": self.timeout,
            "kernel_name": self.kernel_name,
        }

    def _run(self, event: dict[str, Any], context: dict[str, Any]) -> ActionResult:
        done = notebook_runner.execute_notebook(
            self.path,
            parameters=self.parameters,
            event=event,
            context=context,
            timeout=self.timeout,
            kernel_name=self.kernel_name,
        )
        if done.error:
            return ActionResult("error", done.error[:MAX_DETAIL], done.output)
        return ActionResult(
            "ok", f"ran {self.path.name} in {format_duration(done.seconds)}", done.output
        )
