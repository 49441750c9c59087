"""An append-only spool for what could not be written to the registry.

When the registry cannot be written (read-only, disk full, corrupt, locked past the
busy timeout), a run's start (row, params, code, new history entries), its metric
points and its end (status, outputs, environment) are appended as JSON lines to
``<registry>/journal/<host>-<pid>-<ms>-<random>.jsonl``, or, when the registry
folder itself is unwritable, to ``<tmp>/mm-jupyter-<uid>/journal/<hash of the
registry path>/``. Every append is fsynced (so a run's end survives a kernel crash).

The next successful open of that registry, in any process, imports pending journals
(``import_journals``): blobs first, then every row in one transaction that also
records the journal's name in ``journal_imports``; then the file is renamed to
``.imported``. Importing twice adds nothing: the name is recorded in the same
transaction, and runs are keyed by id (``insert_run(if_absent=True)``).

Bounds: output blobs travel inline (base64), at most ``MAX_BLOB_BYTES`` per run end;
bigger ones are dropped from the record (counted in ``truncated_bytes``), never
referenced without their bytes. Writers and importers lock a file with ``flock``;
a writer whose file was imported (renamed) starts a new file.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import socket
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

JOURNAL_DIR = "journal"
SUFFIX = ".jsonl"
MAX_BLOB_BYTES = 64 * 1024 * 1024  # inline blob bytes per run end


def fallback_dir(root: Path) -> Path:
    """Return the per-user journal folder for a registry whose folder is unwritable."""
    key = hashlib.sha256(str(root).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"mm-jupyter-{os.getuid()}" / JOURNAL_DIR / key


def journal_dirs(root: Path) -> list[Path]:
    """Return where journals of the registry at ``root`` may be."""
    return [root / JOURNAL_DIR, fallback_dir(root)]


def pending_journals(root: Path) -> list[Path]:
    """Return the journals of ``root`` not imported yet, oldest first."""
    found = []
    for folder in journal_dirs(root):
        try:
            found += [folder / n for n in os.listdir(folder) if n.endswith(SUFFIX)]
        except OSError:
            continue
    return sorted(found, key=lambda p: p.name)


def _line(record: dict[str, Any]) -> bytes:
    # ensure_ascii: lone surrogates and odd code points survive as \\u escapes.
    return json.dumps(record, ensure_ascii=True, separators=(",", ":")).encode() + b"\n"


class JournalWriter:
    """Append records for one registry; thread-safe, one file at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path: Path | None = None
        self.lock = threading.Lock()
        # Highest history entry journaled per kernel key: entries are written once.
        self.history_upto: dict[str, int] = {}

    def _new_path(self) -> Path:
        name = (
            f"{socket.gethostname()}-{os.getpid()}-{int(time.time() * 1000)}"
            f"-{secrets.token_hex(3)}{SUFFIX}"
        )
        for folder in journal_dirs(self.root):
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.close(fd)
                return folder / name
            except OSError:
                continue
        raise OSError(f"no writable journal folder for {self.root}")

    def append(self, records: list[dict[str, Any]]) -> Path:
        """Append ``records`` durably; return the journal's path."""
        data = b"".join(_line(r) for r in records)
        with self.lock:
            for _ in range(3):
                if self.path is None:
                    self.path = self._new_path()
                path = self.path
                try:
                    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
                except FileNotFoundError:  # imported (renamed) since: start a new file
                    self.path = None
                    continue
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                    st = os.fstat(fd)
                    try:
                        current = os.stat(path)
                    except FileNotFoundError:
                        current = None
                    if current is None or current.st_ino != st.st_ino:
                        self.path = None  # renamed between our open and our lock
                        continue
                    os.write(fd, data)
                    os.fsync(fd)
                finally:
                    os.close(fd)  # releases the lock
                return path
            raise OSError(f"cannot append to a journal of {self.root}")

    def start_record(self, run: Any, encoded_params: list[Any]) -> dict[str, Any]:
        """Return the record of a run's start; history entries journaled once."""
        fields = {k: v for k, v in asdict(run).items() if k not in ("params", "history")}
        record: dict[str, Any] = {"t": "start", "run": fields, "params": encoded_params}
        history = list(run.history) if run.history is not None else None
        if history is not None and run.history_kernel and history:
            done = self.history_upto.get(run.history_kernel, 0)
            record["history_range"] = [history[0][0], history[-1][0]]
            history = [(n, s) for n, s in history if n > done]
            self.history_upto[run.history_kernel] = record["history_range"][1]
        record["history"] = history
        return record


def end_record(
    run_id: str, end: dict[str, Any], outputs: list[Any], blobs: dict[str, Any]
) -> dict[str, Any]:
    """Return the record of a run's end; ``blobs`` maps digest → (bytes, media type)."""
    kept_blobs = []
    for digest, (data, media_type) in blobs.items():
        kept_blobs.append([digest, len(data), media_type, base64.b64encode(data).decode()])
    return {
        "t": "end",
        "run_id": run_id,
        **end,
        "outputs": [asdict(o) for o in outputs],
        "blobs": kept_blobs,
    }


class BlobSpool:
    """A ``put_blob`` for output records that keeps bytes for the journal (bounded)."""

    def __init__(self) -> None:
        self.blobs: dict[str, tuple[bytes, str]] = {}
        self.size = 0
        self.dropped: set[str] = set()

    def __call__(self, data: bytes, media_type: str) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if digest not in self.blobs:
            if self.size + len(data) > MAX_BLOB_BYTES:
                self.dropped.add(digest)
            else:
                self.blobs[digest] = (data, media_type)
                self.size += len(data)
        return digest

    def strip_dropped(self, outputs: list[Any]) -> None:
        """Remove references to blobs not kept; count their size as truncated."""
        for record in outputs:
            for mime, ref in list((record.blobs or {}).items()):
                if ref.get("digest") in self.dropped:
                    del record.blobs[mime]
                    record.truncated_bytes += int(ref.get("size") or 0)


def import_journals(registry: Any) -> int:
    """Import every pending journal of ``registry``; return how many were imported.

    A journal another process is importing (locked) is left for later.
    """
    imported = 0
    for path in pending_journals(registry.root):
        with contextlib.suppress(FileNotFoundError):
            if _import_one(registry, path):
                imported += 1
    return imported


def _read_records(data: bytes) -> list[dict[str, Any]]:
    records = []
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            continue  # a line torn by a crash mid-append: the rest is still good
    return records


def _import_one(registry: Any, path: Path) -> bool:
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        if os.stat(path).st_ino != os.fstat(fd).st_ino:
            return False  # imported and replaced meanwhile
        with os.fdopen(os.dup(fd), "rb") as handle:
            records = _read_records(handle.read())
        from mm_jupyter.store.journal_import import apply_records

        for record in records:  # bytes first: no row may point at a missing blob
            for digest, _size, _media, b64 in record.get("blobs", []):
                data = base64.b64decode(b64)
                if hashlib.sha256(data).hexdigest() == digest:
                    registry.blobs.put_bytes(data)
        with registry.write() as conn:
            done = conn.execute(
                "SELECT 1 FROM journal_imports WHERE name = ?", (path.name,)
            ).fetchone()
            if not done:
                apply_records(registry, records)
                conn.execute(
                    "INSERT INTO journal_imports (name, imported_at, records)"
                    " VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?)",
                    (path.name, len(records)),
                )
        os.replace(path, path.with_name(path.name[: -len(SUFFIX)] + ".imported"))
        return True
    finally:
        os.close(fd)
