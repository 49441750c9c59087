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
from collections.abc import Callable, Mapping, Sequence
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
        #: Bumped when an entry is replaced by a different one (``%reset``): verdicts
        #: memoised for the old entries (``IssueMemo``) no longer hold.
        self.generation = 0

    def add(self, entry: Entry) -> None:
        """Add (or replace) an entry; entries normally arrive in execution order."""
        old = self.entries.get(entry.n)
        if old is not None:
            if (old.cell_id, normalise(old.source)) == (entry.cell_id, normalise(entry.source)):
                return  # the same cell again (IPython's stored copy of the running one)
            self._remove(old)
            self.generation += 1
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


class IssueMemo:
    """The issues each executed entry brings, memoised while they cannot change.

    What an entry's names depend on is fixed once it ran (later entries cannot change
    the definitions before it); where those definitions stand is fixed until the
    notebook is saved again. So each entry's transitive issues are computed once per
    notebook save, and a tracked cell costs its own reads, not its whole dependency
    closure (a chain of 500 cells each reading the previous one).
    """

    def __init__(self) -> None:
        self._key: tuple[int, int] | None = None
        self.issues: dict[int, list[dict[str, Any]]] = {}

    def valid_for(self, notebook: NotebookCells, index: DefinitionIndex) -> None:
        key = (id(notebook), index.generation)
        if key != self._key:
            self._key, self.issues = key, {}


def _issue(name: str, kind: Kind, n: int | None, cell_id: str | None,
           reader: Entry | None) -> dict[str, Any]:
    issue: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "defined_in": None if n is None else {"execution_count": n, "cell_id": cell_id},
    }
    if reader is not None:
        issue["read_by"] = {"execution_count": reader.n, "cell_id": reader.cell_id}
    issue["message"] = explain(issue)
    return issue


def _direct(index: DefinitionIndex, reader: Entry, position: int | None,
            notebook: NotebookCells, *, direct: bool) -> tuple[list[dict[str, Any]], list[int]]:
    """The issues of the names ``reader`` reads (one step), and the entries defining them."""
    issues, defining = [], []
    for name in sorted(reader.names.reads):
        n = index.last_definition(name, reader.n)
        if n is None:
            continue
        defining.append(n)
        place, cell_id, problem = notebook.place(index.entries[n])
        by = None if direct else reader
        if problem is not None:
            issues.append(_issue(name, problem, n, cell_id, by))
        elif place is not None and position is not None and place > position \
                and not (cell_id is not None and cell_id == reader.cell_id):
            issues.append(_issue(name, "out_of_order", n, cell_id, by))
    return issues, defining


def _merge(into: list[dict[str, Any]], more: list[dict[str, Any]]) -> None:
    """Add issues not there yet (by name, kind and definition), up to ``MAX_ISSUES``."""
    seen = {(i["name"], i["kind"], (i["defined_in"] or {}).get("execution_count"))
            for i in into}
    for issue in more:
        key = (issue["name"], issue["kind"], (issue["defined_in"] or {}).get("execution_count"))
        if key not in seen and len(into) < MAX_ISSUES:
            seen.add(key)
            into.append(issue)


def _entry_issues(index: DefinitionIndex, n: int, notebook: NotebookCells,
                  memo: IssueMemo) -> list[dict[str, Any]]:
    """The transitive issues of entry ``n`` (as a dependency: each with ``read_by``),
    memoised; iterative, as a dependency chain may be thousands of cells long."""
    stack = [n]
    while stack:
        m = stack[-1]
        if m in memo.issues:
            stack.pop()
            continue
        entry = index.entries[m]
        issues, defining = _direct(index, entry, notebook.place(entry)[0], notebook,
                                   direct=False)
        pending = [d for d in defining if d not in memo.issues]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        for d in defining:
            _merge(issues, memo.issues[d])
        memo.issues[m] = issues
    return memo.issues[n]


def analyse(
    index: DefinitionIndex,
    target: Entry,
    notebook: NotebookCells | None,
    *,
    defined_elsewhere: Callable[[str], bool],
    memo: IssueMemo | None = None,
) -> dict[str, Any]:
    """Return ``{"status", "issues"}`` for the cell ``target`` (already in ``index``).

    ``defined_elsewhere(name)`` says whether a name no entry binds exists anyway (in
    the kernel's namespace and not a builtin): those are ``unknown_origin``; a name
    that exists nowhere is a NameError for the cell itself, not hidden state.
    ``memo`` keeps the verdicts of executed entries from one tracked cell to the next.
    """
    if notebook is None:
        return {"status": "unknown", "issues": []}
    memo = memo or IssueMemo()
    memo.valid_for(notebook, index)
    issues = [_issue(name, "unknown_origin", None, None, None)
              for name in sorted(target.names.reads)
              if index.last_definition(name, target.n) is None and defined_elsewhere(name)]
    position = notebook.position(target.cell_id, target.source)
    direct, defining = _direct(index, target, position, notebook, direct=True)
    _merge(issues, direct)
    for n in defining:
        _merge(issues, _entry_issues(index, n, notebook, memo))
    return {"status": "warnings" if issues else "clean", "issues": issues[:MAX_ISSUES]}
