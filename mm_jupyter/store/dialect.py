"""The one dialect boundary: store SQL written once, run on SQLite or PostgreSQL.

Store queries are written in the subset both engines accept (``"user"`` quoted,
``ON CONFLICT … DO UPDATE``, ``COALESCE``). On PostgreSQL, :func:`to_postgres`
rewrites only what must differ, mechanically, and caches the result per statement:

- ``?`` placeholders become ``%s`` (a literal ``%`` becomes ``%%``);
- ``INSERT OR IGNORE INTO …`` becomes ``INSERT INTO … ON CONFLICT DO NOTHING``;
- ``LIKE`` becomes ``ILIKE`` (SQLite's ``LIKE`` ignores ASCII case);
- the column name ``user`` is quoted (a reserved word on PostgreSQL);
- ``BETWEEN -9e999 AND 9e999`` (SQLite: "a number, not the text 'NaN'") becomes the
  float range ``'-Infinity'`` … ``'Infinity'``, which excludes NaN on PostgreSQL;
- a single-row ``INSERT`` into a table with an ``id`` identity gets ``RETURNING id`` so
  that ``cursor.lastrowid`` works as on SQLite.

``json_extract``/``json_valid``/``json_each`` over TEXT columns exist on PostgreSQL as
small SQL functions created by its first migration (store/sql/postgresql/), and the
``rowid`` that one query orders by is a real identity column there.

This module imports neither driver: the SQLite path pays nothing for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any, Protocol


class Cursor(Protocol):
    """What store code uses of a DB-API cursor (``sqlite3.Cursor`` satisfies it)."""

    @property
    def lastrowid(self) -> int | None: ...

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What store code uses of a connection (``sqlite3.Connection`` satisfies it)."""

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Cursor: ...


# Tables whose key is an ``id`` identity (``INTEGER PRIMARY KEY`` on SQLite).
ID_TABLES = frozenset({
    "experiments", "metrics", "outputs", "artifacts", "artifact_versions", "alias_history",
    "registered_models", "model_versions", "model_transitions", "registry_events",
    "monitor_batches", "monitor_rules", "monitor_alerts", "alert_actions", "history_kernels",
    "model_policies", "model_approvals",
})

_OR_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_INSERT_INTO = re.compile(r"^\s*INSERT\s+(?:OR\s+IGNORE\s+)?INTO\s+(\w+)", re.IGNORECASE)
_LIKE = re.compile(r"(?<![\w.])LIKE(?!\w)")
_USER = re.compile(r"(?<![\w.\"])user(?![\w\"])")
_FINITE = "BETWEEN -9e999 AND 9e999"
_PG_FINITE = "BETWEEN '-Infinity'::float8 AND 'Infinity'::float8"
# Split out string literals so that rewrites never touch text inside quotes.
_LITERALS = re.compile(r"('(?:[^']|'')*')")


def _rewrite_code(code: str) -> str:
    code = code.replace("?", "%s")
    code = _LIKE.sub("ILIKE", code)
    code = _USER.sub('"user"', code)  # a reserved word on PostgreSQL
    return code


@lru_cache(maxsize=1024)
def to_postgres(sql: str, *, returning_id: bool = False) -> tuple[str, bool]:
    """Return ``(postgres_sql, returns_id)`` for a store statement (cached)."""
    sql = sql.replace(_FINITE, _PG_FINITE)
    ignore = bool(_OR_IGNORE.search(sql))
    if ignore:
        sql = _OR_IGNORE.sub("INSERT INTO", sql)
    parts = _LITERALS.split(sql.replace("%", "%%"))
    sql = "".join(p if i % 2 else _rewrite_code(p) for i, p in enumerate(parts))
    if ignore:
        sql = sql.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    returns = False
    if returning_id and "RETURNING" not in sql.upper():
        match = _INSERT_INTO.match(sql)
        if match and match.group(1).lower() in ID_TABLES:
            sql = sql.rstrip().rstrip(";") + " RETURNING id"
            returns = True
    return sql, returns


COPY_FROM_ROWS = 200


def bulk_insert(conn: Connection, table: str, columns: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """Append ``rows`` to ``table``: ``COPY`` on PostgreSQL, ``executemany`` on SQLite.

    For plain appends of many rows (no conflict handling, no ``RETURNING``).
    """
    if not rows:
        return
    copy_rows = getattr(conn, "copy_rows", None)  # PgConnection's; sqlite3 has none
    # A few rows go faster as one pipelined statement than through COPY's handshake.
    if copy_rows is not None and len(rows) >= COPY_FROM_ROWS:
        copy_rows(table, columns, rows)
        return
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        rows)
