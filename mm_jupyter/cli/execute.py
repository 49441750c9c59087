"""``mm-jupyter execute NOTEBOOK -p NAME VALUE``: run a notebook headless, for CI.

A pipeline trains the way a data scientist does, in the notebook: parameters follow
papermill's convention (a cell tagged ``injected-parameters`` after the one tagged
``parameters``), so the tracked cells record the runs and the notebook registers the
model as it would interactively (docs/ci.md). The execution is monitoring's retraining
runner (monitoring/notebook_runner.py), so a CI run and a triggered retrain behave alike.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from mm_jupyter.cli.support import emit
from mm_jupyter.monitoring.notebook_runner import check_parameters, execute_notebook


def parse_value(text: str) -> Any:
    """A parameter value: JSON when it reads as JSON (``0.5``, ``true``, ``[1, 2]``),
    else the text itself (``-p name churn-clf``), as papermill's ``-p`` does."""
    try:
        return json.loads(text)
    except ValueError:
        return text


@click.command("execute")
@click.argument("notebook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--parameter", "-p", "parameters", nargs=2, multiple=True,
              metavar="NAME VALUE", help="A parameter (VALUE read as JSON, else text).")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Save the executed notebook here (also when a cell fails).")
@click.option("--timeout", type=click.FloatRange(min=1), default=3600.0, show_default=True,
              help="Seconds for the whole notebook (and any one cell).")
@click.option("--kernel", "kernel_name", default="python3", show_default=True,
              help="The Jupyter kernel to run it in.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def execute(notebook: Path, parameters: tuple[tuple[str, str], ...], output_dir: Path | None,
            timeout: float, kernel_name: str, as_json: bool) -> None:
    """Run NOTEBOOK headless with parameters; exit 1 if a cell fails or it times out."""
    try:
        values = check_parameters({name: parse_value(raw) for name, raw in parameters})
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    done = execute_notebook(
        notebook.resolve(), parameters=values,
        event={"kind": "execute", "notebook": notebook.name},
        context={"output_dir": str(output_dir) if output_dir else None},
        timeout=timeout, kernel_name=kernel_name)
    outcome = {"notebook": str(notebook), "parameters": values, "ok": done.error is None,
               "error": done.error, "output": done.output, "seconds": round(done.seconds, 2)}
    emit(outcome, as_json, lambda o: (f"ran {o['notebook']} in {o['seconds']} s"
                                      if o["ok"] else f"failed: {o['error']}")
         + (f"; executed copy: {o['output']}" if o["output"] else ""))
    if done.error is not None:
        raise click.exceptions.Exit(1)


__all__ = ["execute", "parse_value"]
