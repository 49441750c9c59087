"""The program that re-creates a run: its dependency cells, then its tracked cell.

Built from what the run stored. The kernel's execution history is preferred: it is
what actually ran, in the order it ran, console input and since-deleted cells
included. A run without history (recorded by ``mm.track`` in a script, or before
histories were stored) falls back to the notebook snapshot's code cells above the
tracked cell. Either way the same slice is taken (core/program_slice.py), so a
notebook with twenty exploratory cells re-runs only the few the tracked cell needs.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mm_jupyter.core.cell_source import (
    as_python,
    called_names,
    program_source,
    split_tracked,
    tracking_aliases,
)
from mm_jupyter.core.code_names import code_names
from mm_jupyter.core.hidden_state import DefinitionIndex, Entry, normalise
from mm_jupyter.core.program_slice import program_numbers
from mm_jupyter.store import details
from mm_jupyter.store.db import Registry

LOAD_EXTENSION = "%load_ext mm_jupyter"


@dataclass(frozen=True)
class ProgramCell:
    """One cell of the program; ``execution_count`` is the original kernel's number
    (``None`` for a cell taken from the notebook snapshot)."""

    execution_count: int | None
    cell_id: str | None
    source: str
    tracked: bool = False


@dataclass(frozen=True)
class Program:
    """The cells to run in order, the tracked one last; ``origin`` says where they
    came from: ``"history"`` or ``"notebook"``."""

    cells: list[ProgramCell]
    origin: str

    def steps(self) -> list[dict[str, Any]]:
        """``[{"execution_count", "cell_id"}]`` as the re-run report lists them."""
        return [{"execution_count": c.execution_count, "cell_id": c.cell_id}
                for c in self.cells]


def build_program(registry: Registry, run_id: str) -> Program:
    """The program of run ``run_id`` (an exact id); ``ValueError`` when it stored no
    code to run."""
    detail = details.run_detail(registry, run_id, exact=True)
    notebook = detail["code"].get("notebook")
    text = None
    if not detail["code"].get("history") and notebook:
        text = details.notebook_snapshot(registry, notebook["digest"])
    return program_of(detail, text)


def program_of(detail: dict[str, Any], notebook_text: str | None) -> Program:
    """The program of a run from its ``run_detail`` and notebook snapshot text."""
    body = detail["code"].get("cell")
    if body is None:
        raise ValueError(f"run {detail['run']['id']} stored no code: it cannot be re-run")
    history = detail["code"].get("history") or []
    if history:
        return _from_history(detail, history, body)
    cells = _notebook_cells(notebook_text)
    if cells:
        return _from_notebook(detail, cells, body)
    return Program([ProgramCell(None, detail.get("cell_id"), _tracked(detail, body), True)],
                   "history")


def _tracked(detail: dict[str, Any], body: str) -> str:
    """A ``%%mm_track`` cell recording a run like the original, for a cell whose
    typed text was not stored (a run from ``mm.track``)."""
    run = detail["run"]
    line = f"%%mm_track --name {shlex.quote(run['name'])}" \
           f" --experiment {shlex.quote(run['experiment'])}"
    return f"{line}\n{body.rstrip()}"


def with_experiment(source: str, experiment: str) -> str:
    """The tracked cell with ``--experiment`` on its ``%%mm_track`` line when it has
    none: the experiment would otherwise come from the new notebook's file name, and
    the new run would not sit next to its original."""
    line, body = split_tracked(source)
    if line is None:
        return source
    try:
        words = shlex.split(line)
    except ValueError:
        return source
    if any(w == "--experiment" or w.startswith("--experiment=")
           or (w.startswith("-e") and not w.startswith("--")) for w in words):
        return source
    return f"{line} --experiment {shlex.quote(experiment)}\n{body}"


def _same_body(source: str, body: str) -> bool:
    return normalise(split_tracked(source)[1]) == normalise(body)


def _slice(entries: Sequence[tuple[int, str | None, str]], target: tuple[int, str | None, str],
           ) -> list[int]:
    index = DefinitionIndex()
    calls: dict[int, frozenset[str]] = {}
    tracking: set[str] = set()
    for n, cell_id, source in entries:
        python = as_python(source)
        index.add(Entry(n, code_names(python), cell_id, source))
        calls[n] = called_names(python)
        tracking |= tracking_aliases(python)
    calls = {n: names - tracking for n, names in calls.items()}
    n, cell_id, source = target
    return program_numbers(index, Entry(n, code_names(as_python(source)), cell_id, source),
                           calls)


def _from_history(detail: dict[str, Any], history: list[dict[str, Any]], body: str,
                  ) -> Program:
    # The tracked cell is the last entry with its body (the history ends with it).
    at = next((i for i in range(len(history) - 1, -1, -1)
               if _same_body(history[i]["source"], body)), None)
    if at is None:
        n = int(history[-1]["n"]) + 1
        target = (n, detail.get("cell_id"), _tracked(detail, body))
        before = history
    else:
        entry = history[at]
        source = entry["source"] if split_tracked(entry["source"])[0] \
            else _tracked(detail, body)
        target = (int(entry["n"]), detail.get("cell_id"), source)
        before = history[:at]
    entries = [(int(e["n"]), None, str(e["source"])) for e in before]
    by_n = {n: source for n, _, source in entries}
    cells = []
    for n in _slice(entries, target):
        text = program_source(by_n[n])
        if text:
            cells.append(ProgramCell(n, None, text))
    source = with_experiment(target[2], detail["run"]["experiment"])
    cells.append(ProgramCell(target[0], target[1], source, True))
    return Program(cells, "history")


def _notebook_cells(text: str | None) -> list[tuple[str | None, str]]:
    """``[(cell id, source)]`` of the code cells of a stored notebook."""
    if not text:
        return []
    try:
        nb = json.loads(text)
        cells = nb.get("cells", []) if isinstance(nb, dict) else []
    except ValueError:
        return []
    found = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        found.append((cell.get("id") if isinstance(cell.get("id"), str) else None, source))
    return found


def _from_notebook(detail: dict[str, Any], cells: list[tuple[str | None, str]], body: str,
                   ) -> Program:
    cell_id = detail.get("cell_id")
    at = next((i for i, (cid, _) in enumerate(cells) if cell_id and cid == cell_id), None)
    if at is None:
        at = next((i for i, (_, src) in enumerate(cells) if _same_body(src, body)), None)
    if at is not None and split_tracked(cells[at][1])[0] and _same_body(cells[at][1], body):
        target_source = cells[at][1]
    else:
        target_source = _tracked(detail, body)
    above = cells[:at] if at is not None else cells
    # Positions stand in for execution numbers: a top-to-bottom run's order.
    entries = [(i + 1, cid, src) for i, (cid, src) in enumerate(above)]
    target = (len(above) + 1, cell_id, target_source)
    program = []
    for n in _slice(entries, target):
        text = program_source(entries[n - 1][2])
        if text:
            program.append(ProgramCell(None, entries[n - 1][1], text))
    source = with_experiment(target_source, detail["run"]["experiment"])
    program.append(ProgramCell(None, cell_id, source, True))
    return Program(program, "notebook")
