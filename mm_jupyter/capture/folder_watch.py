"""Which files changed under the working folder during a tracked cell, from Linux inotify.

Why not scan: a scan of the working folder costs time in proportion to the folder (8.8 ms
at 20,000 files, on the cell's critical path) and a bound on it silently misses files
in bigger folders. inotify tells which entries changed, so the end of a tracked cell
costs in proportion to what the cell wrote, whatever the size of the folder.

How:

- ``start`` walks the folder once in a background thread (the same folders the scan
  enters: not hidden, not ``node_modules``/``venv``/..., at most ``MAX_DEPTH`` deep) and
  adds a watch to each; until that walk is done, ``ready`` is false and callers scan;
- ``mark`` (a tracked cell starts) reads and forgets the events so far;
- ``changed`` (it ends) reads the events since and returns the files they name, with
  the files of folders the cell created (written before their own watch existed).

Events are read without blocking, on the caller's thread: no thread of ours competes
with the user's code while a cell runs. A queue overflow (a cell that touched more
entries than ``fs.inotify.max_queued_events``) makes ``changed`` answer ``None`` (the
caller scans) and the watches are rebuilt, as folders created meanwhile may be unwatched.

``inotify_simple`` is the thin, maintained wrapper over ``inotify_init1``,
``inotify_add_watch`` and the event records; only Linux has it (elsewhere callers scan).
"""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path
from typing import Any

MAX_DEPTH = 4  # as deep as the scan goes (capture/written_files.py)
SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages", "build", "dist"})
MAX_CHANGED = 10_000  # distinct changed files one cell reports; beyond, callers scan
# Folders one watch may hold: inotify watches are a per-user budget shared with every
# other program (editors, JupyterLab's file browser); a kernel started in a home folder
# or at / must not take them all. Beyond this, callers scan (bounded, with a warning).
MAX_WATCHES = 5_000

# IN_MODIFY and IN_ATTRIB too: a file still open when the cell ends (an HDF5 store, a
# log) has no close event yet, and ``touch`` changes only attributes.
_MODIFY, _ATTRIB, _CLOSE_WRITE = 0x2, 0x4, 0x8
_MOVED_TO, _CREATE = 0x80, 0x100
_Q_OVERFLOW, _IGNORED, _ISDIR = 0x4000, 0x8000, 0x40000000
_ONLYDIR = 0x01000000
FILE_EVENTS = _MODIFY | _ATTRIB | _CLOSE_WRITE | _MOVED_TO | _CREATE
WATCH_MASK = FILE_EVENTS | _ONLYDIR


def enters(name: str) -> bool:
    """Whether the watch (and the scan) goes into a folder of this name."""
    return not name.startswith(".") and name not in SKIP_DIRS


class WatchUnavailable(Exception):
    """inotify cannot watch this folder (not Linux, or out of watches or instances)."""


class FolderWatch:
    """Changes under ``root`` (``start`` it, then ``mark`` and ``changed`` per cell)."""

    def __init__(self, root: Path, *, max_watches: int = MAX_WATCHES) -> None:
        self.root = root
        self.max_watches = max_watches
        self.problem: str | None = None  # why the watch is not (or no longer) usable
        self._ready = threading.Event()
        self._lock = threading.Lock()  # the walk adds watches while a cell may read
        self._folders: dict[int, tuple[Path, int]] = {}  # watch descriptor -> (folder, depth)
        self._inotify: Any = None

    # -- setting up ------------------------------------------------------------

    def start(self) -> threading.Thread:
        """Open inotify and watch the folders, in a background thread."""
        thread = threading.Thread(target=self._build, name="mm-jupyter-folder-watch",
                                  daemon=True)
        thread.start()
        return thread

    @property
    def ready(self) -> bool:
        return self._ready.is_set() and self.problem is None

    def wait_ready(self, timeout: float) -> bool:
        """Wait until the first walk is done; whether the watch is usable then."""
        self._ready.wait(timeout)
        return self.ready

    def _build(self) -> None:
        try:
            from inotify_simple import INotify

            inotify = INotify(nonblocking=True)
        except (ImportError, OSError) as exc:
            self.problem = f"inotify is not available here ({exc})"
            self._ready.set()
            return
        with self._lock:
            self._inotify = inotify
        try:
            self._watch_tree(self.root, 0, None)
        except WatchUnavailable as exc:
            self.problem = str(exc)
            self.close()
        self._ready.set()

    def _watch_tree(self, folder: Path, depth: int, found: set[Path] | None) -> None:
        """Watch ``folder`` and the folders under it; list its files into ``found``."""
        stack = [(folder, depth)]
        while stack:
            current, level = stack.pop()
            with self._lock:
                if self._inotify is None:
                    return  # closed meanwhile
                try:
                    wd = self._inotify.add_watch(current, WATCH_MASK)
                except OSError as exc:
                    if exc.errno in (errno.ENOSPC, errno.ENOMEM):
                        raise WatchUnavailable(
                            f"the system's inotify watches ran out under {self.root}"
                            " (raise fs.inotify.max_user_watches)"
                        ) from None
                    continue  # removed or unreadable meanwhile: nothing to watch there
                self._folders[wd] = (current, level)
                if len(self._folders) > self.max_watches:
                    raise WatchUnavailable(
                        f"{self.root} has more than {self.max_watches} folders to watch"
                    )
            try:
                entries = list(os.scandir(current))
            except OSError:
                continue
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if level < MAX_DEPTH and enters(entry.name):
                            stack.append((Path(entry.path), level + 1))
                    elif found is not None and entry.is_file(follow_symlinks=False):
                        found.add(Path(entry.path))
                except OSError:
                    continue

    def close(self) -> None:
        with self._lock:
            inotify, self._inotify = self._inotify, None
            self._folders.clear()
        if inotify is not None:
            inotify.close()

    # -- per cell ----------------------------------------------------------------

    def mark(self) -> bool:
        """Forget the changes so far (a tracked cell starts); whether ``changed`` will
        see every change from now on."""
        return self._read(None)

    def changed(self) -> set[Path] | None:
        """Files created, written, moved in or touched since ``mark``, or ``None`` when
        the watch cannot say (overflowed, closed, or more than ``MAX_CHANGED``)."""
        found: set[Path] = set()
        if not self._read(found) or len(found) > MAX_CHANGED:
            return None
        return found

    def _read(self, found: set[Path] | None) -> bool:
        """Read the pending events; add the files they name to ``found``. Folders
        created meanwhile are watched (and their files listed). False when the events
        cannot be trusted: the watch then rebuilds itself in the background."""
        new_folders: list[tuple[Path, int]] = []
        with self._lock:
            if self._inotify is None or not self._ready.is_set():
                return False
            events = self._inotify.read(timeout=0)
            overflowed = False
            for wd, mask, _, name in events:
                if mask & _Q_OVERFLOW:
                    overflowed = True
                    continue
                if mask & _IGNORED:  # the folder is gone (or moved away and unwatched)
                    self._folders.pop(wd, None)
                    continue
                where = self._folders.get(wd)
                if where is None or not name:
                    continue
                folder, depth = where
                if mask & _ISDIR:
                    if mask & (_CREATE | _MOVED_TO) and depth < MAX_DEPTH and enters(name):
                        new_folders.append((folder / name, depth + 1))
                elif found is not None:
                    found.add(folder / name)
        if overflowed:
            self._rebuild()
            return False
        try:
            for folder, depth in new_folders:
                self._watch_tree(folder, depth, found)
        except WatchUnavailable as exc:
            self.problem = str(exc)
            self.close()
            return False
        return True

    def _rebuild(self) -> None:
        """Start over: watches may be missing for folders created during the overflow."""
        self.close()
        self._ready.clear()
        self.start()
