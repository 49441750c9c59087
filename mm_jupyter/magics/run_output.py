"""What a tracked cell learns about where it runs, and the run output it shows.

- ``locate``: the notebook path and the cell id a run records. JupyterLab sends the
  cell's id in the execute request's metadata (IPython hands it to the hooks as
  ``info.cell_id``) and jupyter_server names the notebook (``JPY_SESSION_NAME``); a
  kernel started by nbclient (nbconvert, papermill) gets neither, so the saved
  notebook of its working folder whose cell holds this source supplies both.
- ``show``: the run output below the cell (display/run_output.py), a plain MIME
  bundle: no widget, nothing in the notebook's widget state.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from mm_jupyter.capture.notebook import CellNotebooks, notebook_path
from mm_jupyter.services.runs.session import get_session

# How long the summary waits for the cell's model to be stored (in the background,
# services/runs/autolog.py) so that Register can name its artifact version.
MODEL_WAIT_S = 5.0


class RunOutputs:
    """Locate each tracked cell in its notebook and show its run output."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.notebooks = CellNotebooks()

    def locate(self, raw_cell: str | None, cell_id: str | None) -> tuple[str | None, str | None]:
        """Return ``(notebook path, cell id)`` for the cell being run, as far as known."""
        path = notebook_path(self.shell.user_ns)
        # Only a kernel run headlessly looks at files: an in-process shell (tests,
        # benchmarks, IPython in a terminal) has no notebook to find.
        if (path is None or cell_id is None) and raw_cell and getattr(self.shell, "kernel", None):
            folder = os.path.dirname(path) if path else os.getcwd()
            found = self.notebooks.find(folder, raw_cell)
            if found is not None and (path is None or found[0] == path):
                path, cell_id = found[0], cell_id or found[1]
        return path, cell_id

    def show(self, run_id: str, candidates: Mapping[str, Any], logged: Any, register: bool) -> None:
        """Display the run output of ``run_id``; a failure warns once and shows nothing.

        ``candidates`` are the predictors the cell bound (``{variable: model}``);
        ``logged`` the model autologging stored (``LoggedModel``), the one Register
        offers: a model the registry does not hold cannot be registered without the
        kernel.
        """
        from IPython.display import display

        try:
            display(self.bundle(run_id, candidates, logged, register), raw=True)
        except Exception as exc:  # a summary is a courtesy, never an error
            get_session().warn_once("summary", f"summary not shown ({exc})")

    def bundle(
        self, run_id: str, candidates: Mapping[str, Any], logged: Any, register: bool
    ) -> dict[str, Any]:
        """The MIME bundle of the run output."""
        from mm_jupyter.api import runs as api
        from mm_jupyter.display.run_output import run_output_bundle

        registry = get_session().require_registry()
        models = self._models(registry, run_id, candidates, logged) if register else []
        return run_output_bundle(
            api.get_run(run_id), models=models, registry=str(registry.location.path)
        )

    @staticmethod
    def _models(
        registry: Any, run_id: str, candidates: Mapping[str, Any], logged: Any
    ) -> list[dict[str, str]]:
        model = getattr(logged, "model", None)
        variable = next((name for name, m in candidates.items() if m is model), None)
        if model is None or variable is None:
            return []  # nothing stored, or not a predictor (a fitted scaler)
        from mm_jupyter.services.models.registration import run_model_versions
        from mm_jupyter.services.runs.autolog import wait_for_writes

        wait_for_writes(MODEL_WAIT_S)
        versions = run_model_versions(registry, run_id, autologged=True)
        if not versions:
            return []
        latest = max(versions, key=lambda v: (str(v["created_at"]), int(v["id"])))
        return [{"artifact": str(latest["ref"]), "variable": variable,
                 "class": type(model).__qualname__}]
