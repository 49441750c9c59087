"""Log the files tracked cells write under the working folder as their output artifacts.

The candidates come from a watch of the working folder (capture/folder_watch.py), which
the extension starts when it loads, so a tracked cell's end costs in proportion to what
it wrote, not to the folder. Until the watch is ready, when it cannot run (not Linux, out
of watches) or cannot vouch for a cell (its event queue overflowed, the cell changed
folder), the cell scans the folder as before; a scan that stops at its bound says so in
a warning naming the folder instead of missing files silently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mm_jupyter.capture.folder_watch import FolderWatch
from mm_jupyter.capture.written_files import MAX_ENTRIES, FileFilter, scan_written_files
from mm_jupyter.services.runs.session import get_session


class FileAutolog:
    """The working folder's watch, and the logging of what each tracked cell wrote."""

    def __init__(self, config: Any) -> None:
        self.config = config  # MMMagics: autolog_files, autolog_include, ...
        self.watch: FolderWatch | None = None

    def start_watch(self, root: Path | None = None) -> None:
        """Watch ``root`` (the working folder) from now on, replacing an earlier watch."""
        self.close()
        if not self.config.autolog_watch:
            return
        self.watch = FolderWatch(root or Path.cwd())
        self.watch.start()

    def close(self) -> None:
        if self.watch is not None:
            self.watch.close()
            self.watch = None

    def cell_started(self) -> bool:
        """Mark the start of a tracked cell; whether the watch covers it."""
        watch = self.watch
        config = self.config
        if watch is None or not config.autolog_files or not config.autolog_watch:
            return False
        return watch.ready and watch.root == Path.cwd() and watch.mark()

    def log_written(self, run: Any, started_ns: int, watched: bool) -> None:
        """Log the files written since ``started_ns`` (``watched``: the watch saw the
        whole cell) as outputs of the active run ``run``."""
        from mm_jupyter.api.artifacts import log_artifact

        config, watch, root = self.config, self.watch, Path.cwd()
        # A cell that changed folder is scanned there (the watch covers the old one).
        changed = watch.changed() if watched and watch and watch.root == root else None
        if changed is not None and not changed:
            return  # the usual cell: it wrote nothing
        files = FileFilter(
            root,
            started_ns,
            include=config.autolog_include,
            exclude=config.autolog_exclude,
            max_bytes=config.autolog_max_mb * 1024 * 1024,
            skip=run.logged_paths,
        )
        if changed is not None:
            paths = files.select(changed)
        else:
            scan = scan_written_files(files)
            paths = scan.files
            if scan.cut_short:
                why = f"; {self.watch.problem}" if self.watch and self.watch.problem else ""
                get_session().warn_once("autolog-bound", (
                    f"files written under {root} may not all be logged: the scan for them"
                    f" stopped after {MAX_ENTRIES:,} entries{why} (log them with"
                    " mm.log_artifact, or start the kernel in a smaller folder)"))
            if self.watch is None or self.watch.root != root:
                self.start_watch(root)  # the next cells are watched
        registry_root = str(get_session().registry().root)
        for path in paths:
            if not str(path).startswith(registry_root):
                log_artifact(path, name=path.relative_to(root).as_posix())
