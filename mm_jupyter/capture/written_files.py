"""Which files a tracked cell wrote under the working folder (logged as its outputs).

A file is logged when it was modified since the cell started, matches the include globs
(common data and model formats by default) and none of the exclude globs, and is under
a size cap (``FileFilter``). The candidates come from a folder watch where one is running
(capture/folder_watch.py: no cost in proportion to the folder) and otherwise from a scan
of the folder, bounded to ``MAX_ENTRIES`` entries: ``Scan.cut_short`` says when the
bound was reached, so the caller can name the folder in a warning. Hidden folders,
virtual environments and ``node_modules`` are entered by neither.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mm_jupyter.capture.folder_watch import MAX_DEPTH, enters

DEFAULT_INCLUDE = (
    "*.csv", "*.tsv", "*.parquet", "*.feather", "*.arrow", "*.npy", "*.npz", "*.jsonl",
    "*.pkl", "*.pickle", "*.joblib", "*.pt", "*.pth", "*.onnx", "*.h5", "*.keras",
    "*.safetensors", "*.cbm", "*.ubj",
)
DEFAULT_EXCLUDE = ("*.ipynb", "*.py", "*.tmp", "*~")
MAX_ENTRIES = 5_000  # entries one scan looks at (a warning names the folder beyond)


class Globs:
    """Globs compiled into one regex each for names and for relative paths.

    One regex match per entry instead of one fnmatch call per pattern keeps a scan of
    thousands of entries well under a millisecond.
    """

    def __init__(self, globs: Iterable[str]) -> None:
        globs = tuple(globs)
        self.name = _union(tuple(g for g in globs if "/" not in g))
        self.path = _union(tuple(g for g in globs if "/" in g))

    def match(self, name: str, relative: str | None) -> bool:
        if self.name is not None and self.name.match(name):
            return True
        return self.path is not None and relative is not None and bool(self.path.match(relative))


@functools.lru_cache(maxsize=32)
def _union(globs: tuple[str, ...]) -> re.Pattern[str] | None:
    # Cached: every tracked cell filters with the same globs (~0.3 ms to translate).
    return re.compile("|".join(fnmatch.translate(g) for g in globs)) if globs else None


class FileFilter:
    """Which written files are logged: name and path globs, mtime, size, not skipped."""

    def __init__(
        self,
        root: Path,
        since_ns: int,
        *,
        include: Iterable[str] = DEFAULT_INCLUDE,
        exclude: Iterable[str] = DEFAULT_EXCLUDE,
        max_bytes: int = 1 << 30,
        skip: Iterable[str] = (),
    ) -> None:
        self.root = root
        self.since_ns = since_ns
        self.max_bytes = max_bytes
        self.includes, self.excludes, self.skipped = Globs(include), Globs(exclude), set(skip)
        self._paths = self.includes.path is not None or self.excludes.path is not None

    def matches_name(self, path: str, name: str) -> bool:
        """The globs alone (no stat): most files are not candidates at all."""
        if name.startswith("."):
            return False
        relative = os.path.relpath(path, self.root) if self._paths else None
        return self.includes.match(name, relative) and not self.excludes.match(name, relative)

    def accepts_stat(self, path: str, st: os.stat_result) -> bool:
        """Written since the cell started, not too big, not logged by the cell itself."""
        if st.st_mtime_ns < self.since_ns or st.st_size > self.max_bytes:
            return False
        return os.path.realpath(path) not in self.skipped

    def select(self, paths: Iterable[Path]) -> list[Path]:
        """The files among ``paths`` (changes a folder watch saw) that are logged."""
        found = []
        for path in paths:
            text = str(path)
            if not self.matches_name(text, path.name):
                continue
            try:
                st = os.stat(text, follow_symlinks=False)
            except OSError:
                continue  # written, then removed or renamed within the cell
            if stat.S_ISREG(st.st_mode) and self.accepts_stat(text, st):
                found.append(path)
        return sorted(found)


@dataclass
class Scan:
    """What a scan of the working folder found, and whether it stopped at its bound."""

    files: list[Path]
    cut_short: bool


def scan_written_files(
    files: FileFilter, *, max_entries: int = MAX_ENTRIES
) -> Scan:
    """Files under ``files.root`` that ``files`` accepts, looking at ``max_entries``
    entries at most (``cut_short`` says when there were more)."""
    found: list[Path] = []
    seen = 0
    stack = [(files.root, 0)]
    while stack and seen < max_entries:
        folder, depth = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            seen += 1
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if depth < MAX_DEPTH and enters(name):
                        stack.append((Path(entry.path), depth + 1))
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue
                if not files.matches_name(entry.path, name):
                    continue
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if files.accepts_stat(entry.path, st):
                found.append(Path(entry.path))
    return Scan(sorted(found), cut_short=bool(stack) and seen >= max_entries)
