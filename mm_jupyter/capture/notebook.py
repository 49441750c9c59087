"""Find the notebook a kernel runs and snapshot its file without rehashing it needlessly.

Where the path comes from: ``MM_JUPYTER_NOTEBOOK`` (set by the user, e.g. for
papermill), ``JPY_SESSION_NAME`` (set by jupyter_server for the kernel),
``__session__`` (set by ipykernel in the user namespace), or ``__vsc_ipynb_file__``
(VS Code). A kernel started by nbclient (nbconvert ``--execute``, papermill) has
none of these: ``CellNotebooks`` then finds the notebook in the kernel's working
folder whose saved cell holds the source being run. The snapshot is the file as
last saved.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from typing import Any

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
NOTEBOOK_ENV = "MM_JUPYTER_NOTEBOOK"
# How many notebooks of the working folder a headless kernel looks through.
MAX_SCANNED = 50


def notebook_path(namespace: Mapping[str, Any]) -> str | None:
    """Return the absolute path of the running notebook, if it can be known."""
    for candidate in (
        os.environ.get(NOTEBOOK_ENV),
        os.environ.get("JPY_SESSION_NAME"),
        namespace.get("__session__"),
        namespace.get("__vsc_ipynb_file__"),
    ):
        if isinstance(candidate, str) and candidate.endswith(".ipynb"):
            return os.path.abspath(candidate)
    return None


class NotebookSnapshots:
    """Read a notebook file only when its (size, mtime, inode) changed.

    Like DVC's state cache: an unchanged file is neither read nor rehashed, and the
    run references the snapshot already stored.
    """

    def __init__(self) -> None:
        self._seen: dict[str, tuple[tuple[int, int, int], str]] = {}
        # The text last read, until its cells are asked for (parsed once per change).
        self._text: dict[str, tuple[tuple[int, int, int], str]] = {}
        self._cells: dict[str, tuple[tuple[int, int, int], list[tuple[str | None, str]]]] = {}

    def snapshot(self, path: str) -> tuple[str | None, str | None]:
        """Return ``(text, None)`` for a changed file, ``(None, digest)`` if unchanged."""
        try:
            st = os.stat(path)
        except OSError:
            return None, None
        key = (st.st_size, st.st_mtime_ns, st.st_ino)
        seen = self._seen.get(path)
        if seen is not None and seen[0] == key:
            return None, seen[1]
        if st.st_size > MAX_NOTEBOOK_BYTES:
            return None, None
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            return None, None
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        self._seen[path] = (key, digest)
        self._text[path] = (key, text)
        return text, None

    def cells(self, path: str) -> list[tuple[str | None, str]] | None:
        """The code cells of the notebook as last snapshot (``None``: unreadable).

        Parsed once per change of the file, from the text ``snapshot`` read: the
        hidden-state analysis of every tracked cell needs them, the JSON parse of a
        big notebook costs milliseconds.
        """
        seen = self._seen.get(path)
        if seen is None:
            return None
        parsed = self._cells.get(path)
        if parsed is not None and parsed[0] == seen[0]:
            return parsed[1]
        pending = self._text.pop(path, None)
        if pending is None or pending[0] != seen[0]:
            return None
        try:
            cells = code_cells(pending[1])
        except ValueError:  # not JSON (saved half-way?): no verdict
            return None
        self._cells[path] = (seen[0], cells)
        return cells

    def forget(self, path: str) -> None:
        """Drop the cache entry (the stored snapshot could not be written)."""
        self._seen.pop(path, None)
        self._text.pop(path, None)


def code_cells(text: str) -> list[tuple[str | None, str]]:
    """``[(cell id, source)]`` of the code cells of a notebook's JSON text, in order."""
    nb = json.loads(text)
    found: list[tuple[str | None, str]] = []
    cells = nb.get("cells") if isinstance(nb, dict) else None
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source")
        if isinstance(source, list):
            source = "".join(str(line) for line in source)
        if isinstance(source, str):
            cell_id = cell.get("id")
            found.append((cell_id if isinstance(cell_id, str) else None, source))
    return found


def _cell_sources(path: str) -> dict[str, str | None]:
    """``{source: cell id}`` of the code cells of a notebook file (first cell wins)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    found: dict[str, str | None] = {}
    for cell_id, source in code_cells(text):
        found.setdefault(source, cell_id)
    return found


class CellNotebooks:
    """Find which saved notebook of a folder holds a cell's source (headless kernels).

    nbclient sends neither the notebook's path nor the cell's id, but the kernel's
    working folder is the notebook's (nbconvert, papermill) and the source it runs
    is the saved cell's. Cheap on the tracked cell's path: at most ``MAX_SCANNED``
    notebooks are looked at, each parsed once per (size, mtime), and the notebook
    found last is tried first.
    """

    def __init__(self) -> None:
        self._parsed: dict[str, tuple[tuple[int, int], dict[str, str | None]]] = {}
        self._last: str | None = None

    def _sources(self, path: str) -> dict[str, str | None]:
        try:
            st = os.stat(path)
            key = (st.st_size, st.st_mtime_ns)
            seen = self._parsed.get(path)
            if seen is not None and seen[0] == key:
                return seen[1]
            sources = {} if st.st_size > MAX_NOTEBOOK_BYTES else _cell_sources(path)
        except (OSError, ValueError):  # unreadable or not JSON: not this one
            sources = {}
            key = (-1, -1)
        self._parsed[path] = (key, sources)
        return sources

    def find(self, folder: str, source: str) -> tuple[str, str | None] | None:
        """Return ``(absolute notebook path, cell id)`` of the notebook in ``folder``
        with a code cell whose source is ``source``; ``None`` when none has one."""
        last = self._last
        if last is not None and os.path.dirname(last) == os.path.abspath(folder):
            sources = self._sources(last)  # the usual case: one stat, no listing
            if source in sources:
                return last, sources[source]
        try:
            names = sorted(
                entry.name for entry in os.scandir(folder)
                if entry.name.endswith(".ipynb") and not entry.name.startswith(".")
            )[:MAX_SCANNED]
        except OSError:
            return None
        paths = [os.path.abspath(os.path.join(folder, name)) for name in names]
        if self._last in paths:
            paths.remove(self._last)
            paths.insert(0, self._last)
        for path in paths:
            sources = self._sources(path)
            if source in sources:
                self._last = path
                return path, sources[source]
        return None
