"""The registry's metadata on PostgreSQL (``MM_JUPYTER_DATABASE_URL=postgresql://…``).

Imported only when such a URL is in use: psycopg costs about 90 ms of import, which the
SQLite path never pays. The store's SQL runs unchanged through :class:`PgConnection`,
which translates each statement once (store/dialect.py) and presents the slice of
``sqlite3``'s interface the store uses: ``execute``/``executemany`` returning a cursor
with ``lastrowid`` and ``rowcount``, ``in_transaction``, and ``sqlite3.IntegrityError``
for constraint violations (callers turn some into ``ConflictError``). Every other
server error leaves as a ``RegistryError`` (lock and deadlock timeouts as
``RegistryBusyError``).

Writers serialize as under SQLite's ``BEGIN IMMEDIATE``: each write transaction first
takes one transaction-level advisory lock, so the store's read-then-write sequences
(next version number, alias moves, the change cursor) stay correct without per-query
locking, and two writers can never deadlock each other. Taking that lock is retried
on deadlock or serialization failures until the busy timeout. Connections come from a
``psycopg_pool`` pool per URL: opening a registry (the server does it per request)
costs no new connection.
"""

from __future__ import annotations

import atexit
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib.resources import files
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Loader
from psycopg.types.numeric import Int8Dumper
from psycopg_pool import ConnectionPool

from mm_jupyter.errors import (
    RegistryBusyError,
    RegistryError,
    RegistryNewerError,
    RegistryPermissionError,
)
from mm_jupyter.store.backend_config import redact
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import to_postgres
from mm_jupyter.store.location import RegistryLocation
from mm_jupyter.store.schema import SCHEMA_VERSION

# pg_advisory_xact_lock keys: one for writers, one for migrations.
WRITE_LOCK = 0x6D6D_7772  # "mmwr"
MIGRATE_LOCK = 0x6D6D_6D67  # "mmmg"
MIGRATIONS = ("0001_tracking", "0002_artifacts", "0003_model_registry", "0004_monitoring",
              "0005_history_and_journals", "0006_text_search", "0007_sync",
              "0008_autolog", "0009_housekeeping", "0010_run_lists",
              "0011_reproducibility", "0012_run_pages", "0013_model_policies",
              "0014_run_exports", "0015_run_frames", "0016_run_frame_columns")
_RETRIED = (pg_errors.DeadlockDetected, pg_errors.SerializationFailure,
            pg_errors.LockNotAvailable)

_pools: dict[str, ConnectionPool[Any]] = {}
_pools_lock = threading.Lock()


class _BoolAsInt(Int8Dumper):
    """Python bools into INTEGER columns, as SQLite stores them (0/1)."""

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


class _NumericLoader(Loader):
    """``numeric`` results (``sum`` of integers) as int or float, never Decimal."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        try:
            return int(text)
        except ValueError:
            return float(text)


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.adapters.register_dumper(bool, _BoolAsInt)
    conn.adapters.register_loader("numeric", _NumericLoader)


CONNECT_TIMEOUT_S = 5
# The pool reports reconnection attempts through logging; without a handler of the
# user's, Python's last-resort handler would print them into the user's cell.
logging.getLogger("psycopg.pool").addHandler(logging.NullHandler())


def pool_for(url: str, timeout: float) -> ConnectionPool[Any]:
    """Return the process's connection pool for ``url`` (opened on first use)."""
    with _pools_lock:
        pool = _pools.get(url)
        if pool is None:
            # One direct attempt first: a server that is down or refuses us fails in
            # milliseconds (at most CONNECT_TIMEOUT_S), where the pool would retry until
            # the busy timeout while a tracked cell waits.
            try:
                psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S).close()
            except psycopg.Error as exc:
                raise RegistryError(f"cannot connect to {redact(url)}: {exc}") from None
            pool = ConnectionPool(
                url, min_size=1, max_size=20, open=False, configure=_configure,
                kwargs={"autocommit": True, "cursor_factory": psycopg.ClientCursor},
                timeout=max(timeout, 1.0), name="mm-jupyter")
            try:
                pool.open(wait=True, timeout=max(timeout, 1.0))
            except Exception as exc:
                pool.close()
                raise RegistryError(f"cannot connect to {redact(url)}: {exc}") from exc
            _pools[url] = pool
        return pool


def close_pools() -> None:
    """Close every pool (tests drop databases; the process is exiting)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()


atexit.register(close_pools)


def translate(exc: psycopg.Error, what: str) -> Exception:
    """Return the error store callers expect for a server error."""
    if isinstance(exc, psycopg.IntegrityError):
        return sqlite3.IntegrityError(str(exc))
    if isinstance(exc, (*_RETRIED, pg_errors.QueryCanceled)):
        return RegistryBusyError(f"registry {what} is busy: {exc}")
    if isinstance(exc, pg_errors.InsufficientPrivilege):  # a team role without the grant
        return RegistryPermissionError(f"registry {what}: permission denied ({exc})")
    return RegistryError(f"registry {what}: {exc}")


class PgCursor:
    """The result of one statement: rows, ``rowcount`` and ``lastrowid``."""

    def __init__(self, cur: psycopg.Cursor[Any], lastrowid: int | None):
        self._cur = cur
        self.lastrowid = lastrowid
        self.rowcount = cur.rowcount

    def fetchone(self) -> Any:
        return self._cur.fetchone() if self._cur.description else None

    def fetchall(self) -> list[Any]:
        return self._cur.fetchall() if self._cur.description else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgConnection:
    """A psycopg connection that runs the store's SQLite-flavoured statements."""

    def __init__(self, conn: psycopg.Connection[Any], what: str):
        self.raw = conn
        self.what = what

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def execute(self, sql: str, parameters: Any = (), /) -> PgCursor:
        query, returns_id = to_postgres(sql, returning_id=True)
        try:
            cur = self.raw.execute(query, tuple(parameters))
            lastrowid = None
            if returns_id:
                row = cur.fetchone()
                lastrowid = int(row[0]) if row else None
        except psycopg.Error as exc:
            raise translate(exc, self.what) from exc
        return PgCursor(cur, lastrowid)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> PgCursor:
        query, _ = to_postgres(sql)
        rows = [tuple(p) for p in parameters]
        # Server-side binding here: psycopg pipelines the rows (one round trip per
        # batch, not per row; metric flushes send thousands).
        cur = psycopg.Cursor(self.raw)
        try:
            if rows:
                cur.executemany(query, rows)
        except psycopg.Error as exc:
            raise translate(exc, self.what) from exc
        return PgCursor(cur, None)

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Append ``rows`` to ``table`` with ``COPY``: about 10x a pipelined ``executemany``
        for bulk copies (a push of 10,000 runs sends about 700,000 rows)."""
        names = ", ".join(f'"{c}"' for c in columns)
        count = 0
        try:
            with self.raw.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        except psycopg.Error as exc:
            raise translate(exc, self.what) from exc
        return count


class PgRegistry(Registry):
    """A registry whose metadata lives in PostgreSQL; blobs stay under ``root``.

    Same surface as the SQLite registry: ``read()``, ``write()``, ``change_seq()``,
    ``schema_version()``, ``close()``, ``lock``, ``blobs``. One pooled connection per
    registry object, guarded by a re-entrant lock as on SQLite.
    """

    backend = "postgresql"

    def __init__(self, location: RegistryLocation, url: str, *, timeout: float | None = None,
                 blob_url: str | None = None):
        from mm_jupyter.store.blobs import open_blob_store
        from mm_jupyter.store.db import busy_timeout_s

        self.location = location
        self.root = location.path
        self.url = url
        self.display = redact(url)
        # Keys per-registry caches (monitoring/dispatch.py): one per database.
        self.db_path = self.root / self.display.replace("/", "_").replace(":", "_")
        self.lock = threading.RLock()
        self.timeout = busy_timeout_s() if timeout is None else timeout
        self.generation = 0
        self.blobs = open_blob_store(blob_url, self.root / "blobs")
        self._pool = pool_for(url, self.timeout)
        try:
            raw = self._pool.getconn()
        except psycopg.Error as exc:  # PoolTimeout: every pooled connection is in use
            raise translate(exc, self.display) from exc
        self.conn: PgConnection = PgConnection(raw, self.display)  # type: ignore[assignment]
        try:
            raw.execute(f"SET lock_timeout = {int(self.timeout * 1000)}")
            self._migrate()
        except BaseException:
            self.close()
            raise

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise RegistryNewerError(
                f"registry {self.display} has schema version {version}, newer than "
                f"this mm-jupyter's {SCHEMA_VERSION}; upgrade mm-jupyter to use it")
        if version == SCHEMA_VERSION:
            return
        raw = self.conn.raw
        try:
            with raw.transaction():
                # One transaction under an advisory lock: two processes opening a fresh
                # database at once migrate it exactly once; a failure applies nothing.
                raw.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
                raw.execute("CREATE TABLE IF NOT EXISTS mm_migrations ("
                            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                            " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
                row = raw.execute("SELECT COALESCE(max(version), 0) FROM mm_migrations").fetchone()
                done = int(row[0]) if row else 0
                if done > SCHEMA_VERSION:
                    raise RegistryNewerError(
                        f"registry {self.display} has schema version {done}; upgrade mm-jupyter")
                # Pending by name, not by position: a migration that lands before one
                # already applied elsewhere (two branches) is still applied, once.
                applied = {r[0] for r in raw.execute("SELECT name FROM mm_migrations")}
                pending = [name for name in MIGRATIONS if name not in applied]
                for number, name in enumerate(pending, start=done + 1):
                    script = (files("mm_jupyter.store") / "sql" / "postgresql"
                              / f"{name}.sql").read_text(encoding="utf-8")
                    raw.execute(script.encode())
                    raw.execute("INSERT INTO mm_migrations (version, name) VALUES (%s, %s)",
                                (number, name))
        except psycopg.Error as exc:
            raise translate(exc, self.display) from exc

    def schema_version(self) -> int:
        """Return the number of migrations applied to the database (0: empty)."""
        try:
            raw = self.conn.raw
            with self.lock:
                row = raw.execute("SELECT to_regclass('mm_migrations') IS NOT NULL").fetchone()
                if not row or not row[0]:
                    return 0
                row = raw.execute("SELECT COALESCE(max(version), 0) FROM mm_migrations").fetchone()
            return int(row[0]) if row else 0
        except psycopg.Error as exc:
            raise translate(exc, self.display) from exc

    def _begin_write(self, bump: bool) -> None:
        """``BEGIN`` and take the writers' lock, retrying deadlocks until the timeout."""
        raw = self.conn.raw
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        begin = f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
        if bump:  # every write moves the cursor the sidebar polls
            begin += "; UPDATE registry_state SET change_seq = change_seq + 1"
        while True:
            try:
                raw.execute(begin.encode())
                return
            except _RETRIED as exc:
                raw.rollback()
                if time.monotonic() > deadline:
                    raise translate(exc, self.display) from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.2)
            except psycopg.Error as exc:
                if self.conn.in_transaction:
                    raw.rollback()
                raise translate(exc, self.display) from exc

    @contextmanager
    def write(self, *, bump: bool = True) -> Iterator[PgConnection]:
        """Run a write transaction, serialized with every other writer."""
        with self.lock:
            conn = self.conn
            if conn.in_transaction:  # nested: join the outer transaction
                yield conn
                return
            self._begin_write(bump)
            try:
                yield conn
                conn.raw.execute("COMMIT")
            except BaseException as exc:
                self._rollback()
                if isinstance(exc, psycopg.Error):
                    raise translate(exc, self.display) from exc
                raise

    @contextmanager
    def read(self) -> Iterator[PgConnection]:
        """Run a read transaction on one snapshot (``REPEATABLE READ``)."""
        with self.lock:
            conn = self.conn
            if conn.in_transaction:
                yield conn
                return
            try:
                conn.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            except psycopg.Error as exc:
                raise translate(exc, self.display) from exc
            try:
                yield conn
            finally:
                self._rollback()

    def _rollback(self) -> None:
        raw = self.conn.raw
        if raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            try:
                raw.execute("ROLLBACK")
            except psycopg.Error:
                pass  # the original error says more than the rollback's

    def close(self) -> None:
        """Hand the connection back to the pool; the object is unusable afterwards."""
        with self.lock:
            raw = getattr(getattr(self, "conn", None), "raw", None)
            if raw is not None and not raw.closed:
                self._rollback()
                self._pool.putconn(raw)
                self.conn.raw = raw = None  # type: ignore[assignment]
