"""Open a registry: connection pragmas, race-free migrations, transactions.

Process model (DESIGN.md): several kernels, the Jupyter server and the CLI share one
SQLite file. Every connection uses WAL, a busy timeout of at least 10 s and
``foreign_keys=ON``; every transaction that may write starts with ``BEGIN IMMEDIATE``
because a deferred transaction that reads and then writes fails at once with
``SQLITE_BUSY_SNAPSHOT`` whatever the timeout.

Every ``sqlite3`` error leaves this module as a ``RegistryError`` (corruption as
``RegistryCorruptError``), so callers that must never break the user's cell need to
catch one family. A registry file deleted or replaced under an open connection is
noticed by a device/inode check on every transaction and reopened at its path.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mm_jupyter.errors import (
    RegistryBusyError,
    RegistryCorruptError,
    RegistryError,
    RegistryFullError,
    RegistryNewerError,
    RegistryWarning,
)
from mm_jupyter.store.backend_config import load_backend_config, redact
from mm_jupyter.store.blob_interface import BlobBackend
from mm_jupyter.store.blobs import open_blob_store
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.location import RegistryLocation, resolve_location
from mm_jupyter.store.schema import SCHEMA_VERSION

DB_NAME = "registry.db"
DATABASE_URL_ENV = "MM_JUPYTER_DATABASE_URL"
DEFAULT_BUSY_TIMEOUT_S = 15.0
TIMEOUT_ENV = "MM_JUPYTER_BUSY_TIMEOUT"

__all__ = ["SCHEMA_VERSION", "Registry", "open_registry"]


def busy_timeout_s() -> float:
    """Return the busy timeout; ``MM_JUPYTER_BUSY_TIMEOUT`` overrides it (tests)."""
    raw = os.environ.get(TIMEOUT_ENV)
    if not raw:
        return DEFAULT_BUSY_TIMEOUT_S
    try:
        return max(0.0, float(raw))
    except ValueError:
        raise RegistryError(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds") from None


def translate_error(exc: sqlite3.Error, path: Path, action: str) -> RegistryError:
    """Return the registry error that names what went wrong with ``path``."""
    name = str(getattr(exc, "sqlite_errorname", ""))
    text = str(exc)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or (
        "malformed" in text or "not a database" in text
    ):
        return RegistryCorruptError(path, text)
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return RegistryFullError(f"cannot {action} registry {path}: {text}")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return RegistryBusyError(f"registry {path} is locked: {text}")
    return RegistryError(f"cannot {action} registry {path}: {text}")


def _is_translated(exc: BaseException) -> bool:
    """Return whether ``exc`` is an SQLite failure of the file, not of our SQL.

    Constraint violations (``IntegrityError``) and misuse stay as they are: callers
    turn some of them into ``ConflictError``.
    """
    return isinstance(exc, sqlite3.OperationalError) or (
        type(exc) is sqlite3.DatabaseError
    )


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


class Registry:
    """One registry folder: ``registry.db`` plus the content-addressed ``blobs/``.

    Thread-safe: one connection guarded by a re-entrant lock, so a kernel's main
    thread and its metric flusher can share it.
    """

    backend = "sqlite"

    def __init__(self, location: RegistryLocation, *, timeout: float | None = None,
                 blob_url: str | None = None):
        self.location = location
        self.root = location.path
        self.db_path = self.root / DB_NAME
        self.lock = threading.RLock()
        self.timeout = busy_timeout_s() if timeout is None else timeout
        self._reopened_warned = False
        # Bumped when the file is reopened (deleted/replaced): caches of rows in the
        # old file (an environment digest) are stale.
        self.generation = 0
        self.blobs: BlobBackend = open_blob_store(blob_url, self.root / "blobs")
        self._connect()

    # -- connection -------------------------------------------------------------

    def _connect(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self._refuse_truncated()
            # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
            self.conn = sqlite3.connect(
                str(self.db_path),
                timeout=self.timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            self.file_id = _file_id(self.db_path)
            self._configure()
            self._migrate()
        except sqlite3.Error as exc:
            if hasattr(self, "conn"):
                self.conn.close()
            raise translate_error(exc, self.db_path, "open") from exc
        except OSError as exc:
            raise RegistryError(f"cannot create registry {self.root}: {exc}") from exc

    def _refuse_truncated(self) -> None:
        """Refuse a registry file emptied under its WAL: SQLite would wait for the
        busy timeout, then say "locked". A WAL database gets its header before its
        ``-shm`` exists, so an empty file beside a ``-shm`` was truncated."""
        try:
            size = os.path.getsize(self.db_path)
        except FileNotFoundError:
            return
        if size == 0 and os.path.exists(f"{self.db_path}-shm"):
            raise RegistryCorruptError(self.db_path, "the file was truncated to 0 bytes")

    def _check_file(self) -> None:
        """Notice a registry file deleted or replaced under this connection.

        One ``stat`` per transaction: writes to an unlinked inode would vanish when
        the process exits. Reopen at the path (re-creating it) and warn once.
        """
        try:
            st = os.stat(self.db_path)
        except FileNotFoundError:
            st = None
        if st is not None and (st.st_dev, st.st_ino) == self.file_id:
            if st.st_size == 0:  # truncated under us: our pages are only in the cache
                raise RegistryCorruptError(self.db_path, "the file was truncated to 0 bytes")
            return
        what = "deleted" if st is None else "replaced"
        if not self._reopened_warned:
            self._reopened_warned = True
            warnings.warn(
                f"mm-jupyter: registry {self.db_path} was {what} while open; "
                "reopening it at its path (runs before this are not in the new file)",
                RegistryWarning,
                stacklevel=4,
            )
        self.conn.close()
        self._connect()
        self.generation += 1

    def _configure(self) -> None:
        conn = self.conn
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        mode = self._enable_wal()
        if str(mode).lower() != "wal":
            raise RegistryError(
                f"registry {self.db_path} cannot use WAL (journal_mode={mode}); "
                "is it on a network file system?"
            )
        # NORMAL in WAL: durable across application and kernel crashes, may lose the
        # last commits on power loss; it keeps a tracked cell's overhead under 1 ms.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")

    def _enable_wal(self) -> str:
        """Switch to WAL, retrying: SQLite may answer SQLITE_BUSY at once (without the
        busy handler) while another process is switching the same fresh file."""
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        while True:
            try:
                mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() == "wal":
                    return str(mode)
                return str(self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.2)

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise RegistryNewerError(
                f"registry {self.db_path} has schema version {version}, newer than "
                f"this mm-jupyter's {SCHEMA_VERSION}; upgrade mm-jupyter to use it"
            )
        if version == SCHEMA_VERSION:
            return
        # Apply under the write lock and re-check inside it, so two processes opening
        # an old registry at once migrate it exactly once (sqlite-utils' apply()
        # computes pending steps outside any transaction).
        with self.write(bump=False):
            version = self.schema_version()
            if version > SCHEMA_VERSION:
                raise RegistryNewerError(
                    f"registry {self.db_path} has schema version {version}; "
                    "upgrade mm-jupyter"
                )
            # Imported here: only a registry that needs migrating pays for it.
            from sqlite_utils import Database

            from mm_jupyter.store.migrations import MIGRATIONS

            MIGRATIONS.apply(Database(self.conn))
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def schema_version(self) -> int:
        """Return the schema version recorded in the database file."""
        try:
            return int(self.conn.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.Error as exc:
            raise translate_error(exc, self.db_path, "read") from exc

    # -- transactions -----------------------------------------------------------

    @contextmanager
    def write(self, *, bump: bool = True) -> Iterator[Connection]:
        """Run a write transaction (``BEGIN IMMEDIATE``) and bump the change cursor.

        The cursor is bumped first, so statements inside can stamp rows with
        ``(SELECT change_seq FROM registry_state)``.
        """
        with self.lock:
            if self.conn.in_transaction:  # nested: join the outer transaction
                yield self.conn
                return
            self._check_file()
            conn = self.conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                if _is_translated(exc):
                    raise translate_error(exc, self.db_path, "write") from exc
                raise
            try:
                if bump:  # every write moves the cursor the sidebar polls
                    conn.execute("UPDATE registry_state SET change_seq = change_seq + 1")
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                # Some errors (SQLITE_FULL, IOERR) already rolled back the transaction.
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # the original error says more than the rollback's
                if isinstance(exc, sqlite3.Error) and _is_translated(exc):
                    raise translate_error(exc, self.db_path, "write") from exc
                raise

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """Run a short read transaction: one consistent snapshot, then release it."""
        with self.lock:
            if self.conn.in_transaction:
                yield self.conn
                return
            self._check_file()
            conn = self.conn
            try:
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    if conn.in_transaction:
                        conn.execute("COMMIT")
            except sqlite3.Error as exc:  # locked, I/O error, disk gone, corrupt
                if _is_translated(exc):
                    raise translate_error(exc, self.db_path, "read") from exc
                raise

    def change_seq(self) -> int:
        """Return the change cursor: it grows with every committed write."""
        with self.read() as conn:
            row = conn.execute("SELECT change_seq FROM registry_state").fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        """Close the connection; the registry object is unusable afterwards."""
        with self.lock:
            self.conn.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _open_backend(location: RegistryLocation, timeout: float | None) -> Registry:
    # The backend each setting names: environment, else the folder's config.toml, else
    # the embedded default (store/backend_config.py).
    config = load_backend_config(location.path)
    return open_database(location, config.database.url, config.blobs.url, timeout=timeout)


def open_database(location: RegistryLocation, url: str | None, blob_url: str | None, *,
                  timeout: float | None = None) -> Registry:
    """Open the database ``url`` names (SQLite in ``location`` when ``None``) as it is.

    No journal import or reaping: for a registry this process does not own, such as
    a remote being pushed to (``open_registry`` is for this process's own registry).
    """
    if url is None:
        return Registry(location, timeout=timeout, blob_url=blob_url)
    try:  # only a PostgreSQL URL imports psycopg (about 90 ms)
        from mm_jupyter.store.pg import PgRegistry
    except ImportError as exc:
        raise RegistryError(
            f"{redact(url)} is a PostgreSQL database but psycopg is missing: "
            'pip install "mm-jupyter[team]"') from exc
    return PgRegistry(location, url, timeout=timeout, blob_url=blob_url)


def open_registry(
    path: str | os.PathLike[str] | None = None,
    *,
    timeout: float | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> Registry:
    """Open (creating and migrating if needed) the registry at ``path``.

    Without ``path`` the location rule applies (``MM_JUPYTER_HOME``, nearest
    ``.mm/`` above ``cwd``, per-user default). Pending journals are imported and dead
    runs reaped on every open.
    """
    if path is None:
        location = resolve_location(cwd)
    else:
        location = RegistryLocation(Path(path).expanduser().resolve(), "explicit")
    registry = _open_backend(location, timeout)
    from mm_jupyter.store.journal import import_journals
    from mm_jupyter.store.liveness import pid_alive, reap_dead_actions, reap_dead_runs

    # Temp files of blob writers that died on this host (one scandir of blobs/tmp).
    try:
        registry.blobs.remove_dead_temps(pid_alive)
    except OSError:
        pass

    try:
        # Journals first: a spooled run's end must land before the reaper sees it.
        import_journals(registry)
        reap_dead_runs(registry)
        reap_dead_actions(registry)
    except RegistryCorruptError:
        registry.close()
        raise
    except (RegistryError, OSError):
        pass  # a busy registry must not stop anyone from opening it; retry next time
    return registry
