"""Check a registry file and recover what a damaged one still holds.

``check`` runs ``PRAGMA integrity_check`` on the file without migrating or writing
it. ``recover`` builds a fresh registry beside the damaged one, copies every row it
can still read (``VACUUM INTO`` first: it keeps everything when the damage is outside
the pages it reads; else table by table, forwards and then backwards by rowid so rows
after a damaged page survive), then swaps the files. The damaged file (with its
``-wal``/``-shm``) is kept beside it as ``registry.db.corrupt-<time>``. Kernels that
still hold the old file notice the swap on their next transaction and reopen.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

# Rows read past a damaged page: stop a direction after this many errors in a row.
MAX_READ_ERRORS = 3


def check(db_path: Path) -> dict[str, Any]:
    """Return ``{"ok", "problems"}`` for the registry file at ``db_path``."""
    if not db_path.exists():
        return {"ok": False, "problems": [f"{db_path} does not exist"]}
    if db_path.stat().st_size == 0:
        if Path(f"{db_path}-shm").exists():
            return {"ok": False, "problems": ["the file was truncated to 0 bytes"]}
        return {"ok": True, "problems": []}
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return {"ok": False, "problems": [str(exc)]}
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(100)")]
    except sqlite3.Error as exc:
        rows = [str(exc)]
    finally:
        conn.close()
    problems = [r for r in rows if r != "ok"]
    return {"ok": not problems, "problems": problems}


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]


def _read_rows(conn: sqlite3.Connection, table: str, order: str) -> tuple[list[Any], int]:
    """Return the rows of ``table`` readable in ``order`` and how many errors stopped us."""
    rows: list[Any] = []
    errors = 0
    try:
        cursor = conn.execute(f'SELECT rowid, * FROM "{table}" ORDER BY rowid {order}')
        while True:
            try:
                row = cursor.fetchone()
            except sqlite3.DatabaseError:
                errors += 1
                if errors >= MAX_READ_ERRORS:
                    break
                continue
            if row is None:
                break
            rows.append(row)
    except sqlite3.DatabaseError:
        errors += 1
    return rows, errors


def _copy_rows(damaged: sqlite3.Connection, fresh: sqlite3.Connection) -> dict[str, int]:
    """Copy every readable row of every table both files have; return counts."""
    copied: dict[str, int] = {}
    try:
        names = _tables(damaged)
    except sqlite3.DatabaseError:  # the schema page itself is gone: try ours
        names = _tables(fresh)
    fresh_tables = set(_tables(fresh))
    for table in names:
        # The fresh file's migration stamps are the right ones for its schema.
        if table not in fresh_tables or table == "_sqlite_migrations":
            continue
        try:
            cols = [r[1] for r in damaged.execute(f'PRAGMA table_info("{table}")')]
        except sqlite3.DatabaseError:
            continue
        keep = {r[1] for r in fresh.execute(f'PRAGMA table_info("{table}")')}
        cols = [c for c in cols if c in keep]
        if not cols:
            continue
        forward, _ = _read_rows(damaged, table, "ASC")
        backward, _ = _read_rows(damaged, table, "DESC")
        rows = {row[0]: row for row in forward}
        for row in backward:
            rows.setdefault(row[0], row)
        all_cols = ["rowid", *[r[1] for r in damaged.execute(f'PRAGMA table_info("{table}")')]]
        index = [all_cols.index(c) for c in cols]
        placeholders = ", ".join("?" for _ in range(len(cols) + 1))
        sql = (
            f'INSERT OR IGNORE INTO "{table}" (rowid, {", ".join(cols)})'
            f" VALUES ({placeholders})"
        )
        n = 0
        for rowid in sorted(rows):
            row = rows[rowid]
            try:
                fresh.execute(sql, (rowid, *[row[i] for i in index]))
                n += 1
            except sqlite3.DatabaseError:
                continue  # a row the current schema refuses (damaged values)
        copied[table] = n
    return copied


def recover(db_path: Path) -> dict[str, Any]:
    """Rebuild ``db_path`` from what it still holds; keep the damaged file beside it.

    Returns ``{"recovered", "kept", "method", "rows"}``.
    """
    from mm_jupyter.store.migrations import MIGRATIONS
    from mm_jupyter.store.schema import SCHEMA_VERSION

    stamp = time.strftime("%Y%m%dT%H%M%S")
    fresh_path = db_path.with_name(f"{db_path.name}.recovering-{os.getpid()}")
    fresh_path.unlink(missing_ok=True)
    method = "vacuum-into"
    rows: dict[str, int] = {}
    damaged = sqlite3.connect(db_path, timeout=5, isolation_level=None)
    try:
        try:
            damaged.execute("VACUUM INTO ?", (str(fresh_path),))
            verdict = check(fresh_path)
            if not verdict["ok"]:
                raise sqlite3.DatabaseError("; ".join(verdict["problems"]))
        except sqlite3.DatabaseError:
            method = "row-copy"
            fresh_path.unlink(missing_ok=True)
            rows = _row_copy(damaged, fresh_path, MIGRATIONS, SCHEMA_VERSION)
    finally:
        damaged.close()
    kept = db_path.with_name(f"{db_path.name}.corrupt-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{db_path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{kept}{suffix}"))
    os.replace(fresh_path, db_path)
    return {"recovered": str(db_path), "kept": str(kept), "method": method, "rows": rows}


def _row_copy(
    damaged: sqlite3.Connection, fresh_path: Path, migrations: Any, version: int
) -> dict[str, int]:
    from sqlite_utils import Database

    fresh = sqlite3.connect(fresh_path, isolation_level=None)
    try:
        migrations.apply(Database(fresh))
        fresh.execute(f"PRAGMA user_version = {version}")
        # Rows come back table by table: references are checked by `doctor` afterwards.
        fresh.execute("PRAGMA foreign_keys = OFF")
        fresh.execute("BEGIN")
        # The fresh schema seeds singleton rows (registry_state): the copy replaces them.
        with contextlib.suppress(sqlite3.Error):
            fresh.execute("DELETE FROM registry_state")
        rows = _copy_rows(damaged, fresh)
        fresh.execute("COMMIT")
        if not fresh.execute("SELECT count(*) FROM registry_state").fetchone()[0]:
            fresh.execute("INSERT INTO registry_state (id, change_seq) VALUES (1, 0)")
        fresh.execute("PRAGMA journal_mode = WAL")
    finally:
        fresh.close()
    return rows
