"""Log the files a tracked cell wrote under the working directory as output artifacts.

After the cell, a bounded scan of the working directory finds files modified since the
cell started that match the include globs (common data and model formats by default)
and none of the exclude globs, under a size cap. Hidden folders, virtual environments
and ``node_modules`` are never entered, so the scan stays a few milliseconds.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable
from pathlib import Path

DEFAULT_INCLUDE = (
    "*.csv", "*.tsv", "*.parquet", "*.feather", "*.arrow", "*.npy", "*.npz", "*.jsonl",
    "*.pkl", "*.pickle", "*.joblib", "*.pt", "*.pth", "*.onnx", "*.h5", "*.keras",
    "*.safetensors", "*.cbm", "*.ubj",
)
DEFAULT_EXCLUDE = ("*.ipynb", "*.py", "*.tmp", "*~")
SKIP_DIRS = {"node_modules", "__pycache__", "venv", "site-packages", "build", "dist"}
MAX_ENTRIES = 5_000
MAX_DEPTH = 4


class _Globs:
    """Globs compiled into one regex each for names and for relative paths.

    One regex match per entry instead of one fnmatch call per pattern keeps a scan of
    thousands of entries well under a millisecond.
    """

    def __init__(self, globs: Iterable[str]) -> None:
        globs = list(globs)
        self.name = _union([g for g in globs if "/" not in g])
        self.path = _union([g for g in globs if "/" in g])

    def match(self, name: str, relative: str | None) -> bool:
        if self.name is not None and self.name.match(name):
            return True
        return self.path is not None and relative is not None and bool(self.path.match(relative))


def _union(globs: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(fnmatch.translate(g) for g in globs)) if globs else None


def written_files(
    root: Path,
    since_ns: int,
    *,
    include: Iterable[str] = DEFAULT_INCLUDE,
    exclude: Iterable[str] = DEFAULT_EXCLUDE,
    max_bytes: int = 1 << 30,
    skip: Iterable[str] = (),
) -> list[Path]:
    """Return files under ``root`` modified at or after ``since_ns`` that match."""
    includes, excludes, skipped = _Globs(include), _Globs(exclude), set(skip)
    found: list[Path] = []
    seen = 0
    stack = [(root, 0)]
    while stack and seen < MAX_ENTRIES:
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
                    if depth < MAX_DEPTH and name not in SKIP_DIRS:
                        stack.append((Path(entry.path), depth + 1))
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue
                # Match names before stat(): most files are not candidates at all.
                relative = (
                    os.path.relpath(entry.path, root)
                    if includes.path is not None or excludes.path is not None
                    else None
                )
                if not includes.match(name, relative) or excludes.match(name, relative):
                    continue
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if st.st_mtime_ns < since_ns or st.st_size > max_bytes:
                continue
            if os.path.realpath(entry.path) in skipped:
                continue
            found.append(Path(entry.path))
    return sorted(found)
