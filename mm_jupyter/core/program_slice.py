"""The minimal program behind a tracked cell: which executed entries it needs (pure).

Starting from the names the tracked cell reads, each name's last definition before
its reader is needed, then what that definition read, transitively
(``DefinitionIndex``). An assignment to an item or attribute (``df["y"] = ...``)
counts as a definition already. What ``code_names`` cannot see is a method call that
changes an object in place (``model.fit(X, y)`` in a cell of its own): so an entry
that calls a method of a needed name as a statement, after that name's definition and
before its reader, is needed too (``calls``, from ``cell_source.called_names``). This
errs towards running a little more (``df.head()`` is kept as well), never less.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping

from mm_jupyter.core.hidden_state import DefinitionIndex, Entry


def program_numbers(
    index: DefinitionIndex, target: Entry, calls: Mapping[int, frozenset[str]]
) -> list[int]:
    """Execution numbers of the entries ``target`` depends on, in execution order
    (``target`` itself excluded); ``calls[n]``: names entry ``n`` calls methods of."""
    callers: dict[str, list[int]] = {}
    for n in sorted(calls):
        if n < target.n:
            for name in calls[n]:
                callers.setdefault(name, []).append(n)
    included: set[int] = set()
    seen: set[tuple[str, int]] = set()
    queue = [(name, target.n) for name in sorted(target.names.reads)]
    while queue:
        name, reader = queue.pop()
        if (name, reader) in seen:
            continue
        seen.add((name, reader))
        defined = index.last_definition(name, reader)
        if defined is None:
            continue
        needed = [defined]
        numbers = callers.get(name, [])
        # Calls on the object between its definition and the reader changed it.
        needed += numbers[bisect.bisect_right(numbers, defined):bisect.bisect_left(numbers, reader)]
        for n in needed:
            if n in included or n not in index.entries:
                continue
            included.add(n)
            queue.extend((read, n) for read in sorted(index.entries[n].names.reads))
    return sorted(included)
