"""A run's program as an nbformat v4.5 notebook (plain JSON data, no nbformat needed).

The first code cell loads the extension (the program's own ``%load_ext`` lines were
dropped, see core/cell_source.py), then the dependency cells, then the tracked cell
with its ``%%mm_track`` line, so running the notebook records a new run. The re-run
executes this notebook; ``checkout`` writes it with a markdown header naming the run.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from mm_jupyter.services.runs.program import LOAD_EXTENSION, Program

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def notebook_file_name(run_name: str, run_id: str) -> str:
    """A safe file name for a run's notebook: ``<run-name>.ipynb`` with anything but
    letters, digits, ``.``, ``_`` and ``-`` replaced (the id when nothing is left)."""
    stem = _UNSAFE.sub("-", run_name).strip("-.")[:100] or f"run-{run_id[:12]}"
    if not stem[0].isalnum():
        stem = f"run-{stem}"
    return f"{stem}.ipynb"


def _code_cell(index: int, source: str, metadata: dict[str, Any]) -> dict[str, Any]:
    return {"cell_type": "code", "id": f"mm-{index}", "metadata": metadata,
            "execution_count": None, "outputs": [], "source": source}


def program_notebook(program: Program, header: str | None = None) -> dict[str, Any]:
    """The notebook running ``program``; ``header`` is markdown for a first cell."""
    cells: list[dict[str, Any]] = []
    if header:
        cells.append({"cell_type": "markdown", "id": "mm-header", "metadata": {},
                      "source": header})
    cells.append(_code_cell(0, LOAD_EXTENSION, {}))
    for index, cell in enumerate(program.cells, start=1):
        metadata: dict[str, Any] = {"mm_jupyter": {
            "execution_count": cell.execution_count, "cell_id": cell.cell_id,
        }}
        cells.append(_code_cell(index, cell.source, metadata))
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3",
                           "language": "python"},
            "language_info": {"name": "python", "version": version},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
