"""The kernel's side of the hidden-state analysis: what each executed cell was.

Per kernel, this keeps the notebook cell each execution ran in (JupyterLab sends its
``cellId`` with every execute request; ``pre_run_cell`` sees it) and a
``DefinitionIndex`` (core/hidden_state.py) over the execution history, extended by
the entries added since the last tracked cell only: a tracked cell's analysis costs
the same after 5 or 5,000 executions. Each distinct source is turned into Python
(``core/cell_source.as_python``: magics and shell escapes out, the same text re-runs
slice with, so the verdict and the re-run program agree) and parsed once.
"""

from __future__ import annotations

import builtins
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from mm_jupyter.core.cell_source import as_python
from mm_jupyter.core.code_names import EMPTY, CodeNames, code_names
from mm_jupyter.core.hidden_state import (
    DefinitionIndex,
    Entry,
    IssueMemo,
    NotebookCells,
    analyse,
)

# Names IPython itself puts in the namespace: output caches, input caches, In/Out.
IPYTHON_NAMES = re.compile(r"^(_+|_i+|_i?\d+|_[iod]h|In|Out|get_ipython|exit|quit)$")
# Distinct sources whose names are kept (a cell run 1,000 times is one entry).
MAX_CACHED_SOURCES = 4096


class CellProvenance:
    """Execution number → cell id, and the definition index of this kernel's history."""

    def __init__(self) -> None:
        self.cell_ids: dict[int, str] = {}
        self.index = DefinitionIndex()
        self._names: OrderedDict[str, CodeNames] = OrderedDict()
        self._added: dict[int, str] = {}  # execution number → source indexed
        # The cell map of the notebook as last parsed (capture/notebook.py returns the
        # same list until the file changes): rebuilt only when the notebook changed.
        self._notebook: tuple[Any, NotebookCells] | None = None
        self._memo = IssueMemo()

    def note_cell(self, execution_count: int, cell_id: str | None) -> None:
        """Remember which notebook cell an execution runs in (every cell, cheap)."""
        if cell_id:
            self.cell_ids[execution_count] = cell_id

    def names(self, raw: str) -> CodeNames:
        """What a cell as typed reads and binds (cached per distinct source)."""
        found = self._names.get(raw)
        if found is not None:
            self._names.move_to_end(raw)
            return found
        found = code_names(as_python(raw))
        self._names[raw] = found
        if len(self._names) > MAX_CACHED_SOURCES:
            self._names.popitem(last=False)
        return found

    def update(self, history: Sequence[tuple[int, str]]) -> None:
        """Index the history entries not indexed yet (or changed: ``%reset``).

        Walks back from the newest entry to the first one already indexed (the same
        string object IPython keeps), so the cost is that of the new entries only.
        """
        start = len(history)
        while start and self._added.get(history[start - 1][0]) is not history[start - 1][1]:
            start -= 1
        for m, source in history[start:]:
            self._added[m] = source
            names = self.names(source) if source else EMPTY
            self.index.add(Entry(m, names, self.cell_ids.get(m), source))

    def analyse(
        self,
        history: Sequence[tuple[int, str]] | None,
        current: tuple[int, str] | None,
        cell_id: str | None,
        notebook: Sequence[tuple[str | None, str]] | None,
        namespace: Mapping[str, Any],
        hidden: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The hidden-state verdict of the cell running now (``current``: its execution
        number and source as typed): ``{"status", "issues"}``."""
        if not history or current is None or notebook is None:
            return {"status": "unknown", "issues": []}
        self.note_cell(current[0], cell_id)
        self.update(history)
        target = self.index.entries.get(current[0])
        if target is None:
            return {"status": "unknown", "issues": []}
        hidden = hidden or {}

        def defined_elsewhere(name: str) -> bool:
            return (name in namespace and name not in hidden
                    and not hasattr(builtins, name) and not IPYTHON_NAMES.match(name))

        if self._notebook is None or self._notebook[0] is not notebook:
            self._notebook = (notebook, NotebookCells.of(notebook))
        return analyse(self.index, target, self._notebook[1],
                       defined_elsewhere=defined_elsewhere, memo=self._memo)
