"""Find the notebook a kernel runs and snapshot its file without rehashing it needlessly.

Where the path comes from: ``JPY_SESSION_NAME`` (set by jupyter_server for the
kernel), ``__session__`` (set by ipykernel in the user namespace), or
``__vsc_ipynb_file__`` (VS Code). The snapshot is the file as last saved.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Any

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024


def notebook_path(namespace: Mapping[str, Any]) -> str | None:
    """Return the absolute path of the running notebook, if it can be known."""
    for candidate in (
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
        return text, None

    def forget(self, path: str) -> None:
        """Drop the cache entry (the stored snapshot could not be written)."""
        self._seen.pop(path, None)
