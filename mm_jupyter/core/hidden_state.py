"""Hidden state: which names a cell used came from code the notebook no longer shows.

A kernel's state is built by every cell executed since it started, in the order they
ran, including cells edited or deleted since and code typed in a console. A tracked
cell is reproducible from its notebook only if every name it reads (and, transitively,
every name the cells that defined those read) was defined by a cell that is still in
the notebook, unchanged, above it. Each exception is one issue:

- ``deleted_cell``: defined by a cell no longer in the notebook;
- ``edited_cell``: defined by a cell whose source has changed since it ran;
- ``out_of_order``: defined by a cell below the cell that read it;
- ``not_in_notebook``: defined by code that never was a cell of it (console,
  ``%run``, a history entry no cell matches);
- ``unknown_origin``: a name the tracked cell read that no executed code defined
  (``exec``, ``%run``, a startup file, a star import's unseen names).

Pure: the caller (the kernel side, magics/provenance.py; re-runs) supplies the
executed entries and the notebook's cells. ``DefinitionIndex`` is incremental, so a
tracked cell costs the same with 5 or 5,000 cells of history: each entry is added
once, and finding a name's last definition is a bisection.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mm_jupyter.core.code_names import CodeNames

Kind = Literal["deleted_cell", "edited_cell", "out_of_order", "not_in_notebook",
               "unknown_origin"]
KINDS: tuple[Kind, ...] = ("deleted_cell", "edited_cell", "out_of_order",
                           "not_in_notebook", "unknown_origin")
STATUSES = ("clean", "warnings", "unknown")
#: More issues than this on one run are cut (the first ones say enough).
MAX_ISSUES = 50

EXPLANATIONS: dict[str, str] = {
    "deleted_cell": "was defined by a cell that is no longer in the notebook",
    "edited_cell": "was defined by a cell that has been edited since it ran",
    "out_of_order": "was defined by a cell below the cell that used it",
    "not_in_notebook": "was defined by code that is not in the notebook (console, %run)",
    "unknown_origin": "was not defined by any code this kernel ran (exec, %run, startup)",
}


def explain(issue: Mapping[str, Any]) -> str:
    """One line saying what an issue means: ``df was defined by a cell ... [12]``."""
    where = issue.get("defined_in") or {}
    count = where.get("execution_count")
    text = f"{issue.get('name')} {EXPLANATIONS.get(str(issue.get('kind')), 'is suspect')}"
    return text + (f" (In [{count}])" if count is not None else "")


@dataclass(frozen=True)
class Entry:
    """One executed cell: its execution number, the names it used, where it came from."""

    n: int
    names: CodeNames
    #: The notebook cell it ran in, where the frontend said (JupyterLab's cellId).
    cell_id: str | None
    #: The source as typed (magics included), trailing blank lines removed.
    source: str


def normalise(source: str) -> str:
    """Compare sources as IPython's history keeps them (trailing whitespace dropped)."""
    return source.rstrip()


class DefinitionIndex:
    """Execution numbers binding each name, built incrementally from the history."""

    def __init__(self) -> None:
        self.entries: dict[int, Entry] = {}
        self._defs: dict[str, list[int]] = {}
        self._stars: list[int] = []

    def add(self, entry: Entry) -> None:
        """Add (or replace) an entry; entries normally arrive in execution order."""
        old = self.entries.get(entry.n)
        if old is not None:
            self._remove(old)
        self.entries[entry.n] = entry
        for name in entry.names.writes:
            bisect.insort(self._defs.setdefault(name, []), entry.n)
        if entry.names.star_import:
            bisect.insort(self._stars, entry.n)

    def _remove(self, entry: Entry) -> None:
        for name in entry.names.writes:
            numbers = self._defs.get(name, [])
            if entry.n in numbers:
                numbers.remove(entry.n)
        if entry.n in self._stars:
            self._stars.remove(entry.n)

    def last_definition(self, name: str, before: int) -> int | None:
        """The execution number of the last entry before ``before`` binding ``name``;
        the last star import stands in when nothing binds it explicitly."""
        numbers = self._defs.get(name)
        if numbers:
            at = bisect.bisect_left(numbers, before)
            if at:
                return numbers[at - 1]
        at = bisect.bisect_left(self._stars, before)
        return self._stars[at - 1] if at else None

    def dependencies(self, reads: Iterable[str], before: int) -> dict[int, set[str]]:
        """Every entry the code reading ``reads`` at ``before`` depends on, transitively:
        ``{execution number: names taken from it}``."""
        found: dict[int, set[str]] = {}
        queue = [(name, before) for name in reads]
        while queue:
            name, reader = queue.pop()
            n = self.last_definition(name, reader)
            if n is None:
                continue
            first = n not in found
            names = found.setdefault(n, set())
            if name in names:
                continue
            names.add(name)
            if first:
                queue.extend((read, n) for read in self.entries[n].names.reads)
        return found


@dataclass(frozen=True)
class NotebookCells:
    """The code cells of the notebook as saved: position, id and source of each."""

    by_id: Mapping[str, tuple[int, str]]
    by_source: Mapping[str, tuple[int, str | None]]

    @classmethod
    def of(cls, cells: Sequence[tuple[str | None, str]]) -> NotebookCells:
        """From ``[(cell id, source)]`` in notebook order (the first of equal sources
        wins: it is the one a top-to-bottom run defines names in first)."""
        by_id: dict[str, tuple[int, str]] = {}
        by_source: dict[str, tuple[int, str | None]] = {}
        for position, (cell_id, source) in enumerate(cells):
            text = normalise(source)
            if cell_id:
                by_id.setdefault(cell_id, (position, text))
            by_source.setdefault(text, (position, cell_id))
        return cls(by_id, by_source)

    def place(self, entry: Entry) -> tuple[int | None, str | None, Kind | None]:
        """Where an executed entry stands now: ``(position, cell id, problem)``."""
        text = normalise(entry.source)
        if entry.cell_id is not None:
            found = self.by_id.get(entry.cell_id)
            if found is None:
                return None, entry.cell_id, "deleted_cell"
            if found[1] != text:
                return found[0], entry.cell_id, "edited_cell"
            return found[0], entry.cell_id, None
        same = self.by_source.get(text)
        if same is not None:
            return same[0], same[1], None
        # No id (a cell run before the extension was loaded, or a headless kernel):
        # unchanged cells match by source; anything else is not in the notebook.
        return None, None, "not_in_notebook"

    def position(self, cell_id: str | None, source: str) -> int | None:
        """The position of the running cell: by id, else by its source."""
        if cell_id is not None and cell_id in self.by_id:
            return self.by_id[cell_id][0]
        same = self.by_source.get(normalise(source))
        return same[0] if same is not None else None


def analyse(
    index: DefinitionIndex,
    target: Entry,
    notebook: NotebookCells | None,
    *,
    defined_elsewhere: Callable[[str], bool],
) -> dict[str, Any]:
    """Return ``{"status", "issues"}`` for the cell ``target`` (already in ``index``).

    ``defined_elsewhere(name)`` says whether a name no entry binds exists anyway (in
    the kernel's namespace and not a builtin): those are ``unknown_origin``; a name
    that exists nowhere is a NameError for the cell itself, not hidden state.
    """
    if notebook is None:
        return {"status": "unknown", "issues": []}
    issues: list[dict[str, Any]] = []
    seen: set[tuple[str, str, int | None]] = set()

    def add(name: str, kind: Kind, n: int | None, cell_id: str | None,
            reader: Entry | None) -> None:
        if (name, kind, n) in seen or len(issues) >= MAX_ISSUES:
            return
        seen.add((name, kind, n))
        issue: dict[str, Any] = {
            "name": name,
            "kind": kind,
            "defined_in": None if n is None else {"execution_count": n, "cell_id": cell_id},
        }
        if reader is not None and reader.n != target.n:
            issue["read_by"] = {"execution_count": reader.n, "cell_id": reader.cell_id}
        issue["message"] = explain(issue)
        issues.append(issue)

    positions: dict[int, int | None] = {target.n: notebook.position(target.cell_id,
                                                                    target.source)}
    for name in sorted(target.names.reads):
        if index.last_definition(name, target.n) is None and defined_elsewhere(name):
            add(name, "unknown_origin", None, None, None)
    queue: list[tuple[str, Entry]] = [(name, target) for name in sorted(target.names.reads)]
    visited: set[tuple[str, int]] = set()
    while queue:
        name, reader = queue.pop(0)
        n = index.last_definition(name, reader.n)
        if n is None or (name, n) in visited:
            continue
        visited.add((name, n))
        entry = index.entries[n]
        position, cell_id, problem = notebook.place(entry)
        positions.setdefault(n, position)
        if problem is not None:
            add(name, problem, n, cell_id, reader)
        else:
            below = positions.get(reader.n)
            same_cell = cell_id is not None and cell_id == reader.cell_id
            if position is not None and below is not None and position > below \
                    and not same_cell:
                add(name, "out_of_order", n, cell_id, reader)
        queue.extend((read, entry) for read in sorted(entry.names.reads))
    return {"status": "warnings" if issues else "clean", "issues": issues}
