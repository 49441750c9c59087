"""The trigram index behind the runs list's text filter (``q``) on SQLite.

``runs_text`` is an FTS5 table with the ``trigram`` tokenizer (SQLite 3.34+) over each
run's name, id and tags, keyed by ``runs.rowid``. Migration 0006 queues runs whose
text changed in ``runs_text_pending`` (by triggers that touch no FTS5 table, so every
SQLite can write runs); :func:`sync` takes the queue into the index. A search counts
the queued rows as candidates too, and every candidate is checked against the runs
themselves, so the index may lag or hold stale rows without changing any result.

A process whose SQLite lacks the trigram tokenizer never builds nor reads the index:
its ``q`` filter scans, as before migration 0006.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from mm_jupyter.errors import RegistryError
from mm_jupyter.store.dialect import Connection

if TYPE_CHECKING:
    from mm_jupyter.store.db import Registry

# case_sensitive 0 folds Unicode case, a superset of LIKE's ASCII folding: the index
# may offer a candidate that LIKE then rejects, never miss one. columnsize=0: no
# per-row token counts (they serve only ranking).
INDEX_DDL = (
    "CREATE VIRTUAL TABLE runs_text USING fts5(name, id, tags, columnsize = 0,"
    " tokenize = 'trigram case_sensitive 0')"
)


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether this process's SQLite has FTS5 with the trigram tokenizer."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(INDEX_DDL)
        return True
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def index_exists(conn: Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs_text'"
    ).fetchone()
    return row is not None


def pending(conn: Connection) -> bool:
    """Whether runs wait to be taken into the index."""
    return conn.execute("SELECT 1 FROM runs_text_pending LIMIT 1").fetchone() is not None


def sync(conn: Connection, limit: int | None = None) -> int:
    """Build ``runs_text`` if missing and take the oldest ``limit`` (default: all)
    queued rows into it, inside the caller's write transaction; return how many."""
    created = not index_exists(conn)
    if created:
        conn.execute(INDEX_DDL)
    top = conn.execute(
        "SELECT max(seq), count(*) FROM (SELECT seq FROM runs_text_pending ORDER BY seq"
        " LIMIT ?)", (-1 if limit is None else limit,)).fetchone()
    if top[0] is None:
        return 0
    queued = "SELECT run_rowid FROM runs_text_pending WHERE seq <= ?"
    if not created:
        conn.execute(f"DELETE FROM runs_text WHERE rowid IN ({queued})", (top[0],))
    conn.execute(
        "INSERT INTO runs_text (rowid, name, id, tags) SELECT rowid, name, id, tags"
        f" FROM runs WHERE rowid IN ({queued})",
        (top[0],),
    )
    conn.execute("DELETE FROM runs_text_pending WHERE seq <= ?", (top[0],))
    return int(top[1])


# -- the runs list's q filter -------------------------------------------------------

# Up to this many matches a search lists the matching runs by id: the count is their
# number and a page sorts just them (a sort index walked in order would pass over every
# run that does not match). Beyond it, matches are common enough that walking the sort
# index stops after a page.
SPARSE_MAX = 500
CATCH_UP_WAIT_S = 0.2  # the longest a search waits for the write lock to catch up
CATCH_UP_CHUNK = 1000  # queued rows taken per write transaction (at most ~50 ms)
TRIGRAM = 3  # shortest q the trigram index can answer
# A short q on PostgreSQL compares under "POSIX", the same collation as "C" under
# another name, which the trigram indexes (built under "C") do not answer: pg_trgm
# extracts no trigram from a short q and would read its whole indexes.
_COLUMNS = {
    "sqlite": ("r.name", "r.id", "r.tags"),
    "postgresql": ('r.name COLLATE "C"', 'r.id COLLATE "C"', 'r.tags COLLATE "C"'),
    "postgresql-short": ('r.name COLLATE "POSIX"', 'r.id COLLATE "POSIX"',
                         'r.tags COLLATE "POSIX"'),
}
_EXPERIMENT = {"sqlite": "name", "postgresql": 'name COLLATE "C"'}


def like_pattern(q: str) -> str:
    """``q`` as a LIKE pattern matching it anywhere; ``%``, ``_`` and ``\\`` literal."""
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def contains(backend: str, columns: list[str], q: str) -> tuple[str, list[Any]]:
    """``(clause, args)``: q is in one of ``columns``, ASCII letters in any case, the
    same on both backends (the artifacts' and models' lists, which scan)."""
    collate = ' COLLATE "C"' if backend == "postgresql" else ""
    arms = [f"{column}{collate} LIKE ? ESCAPE '\\'" for column in columns]
    return f"({' OR '.join(arms)})", [like_pattern(q)] * len(arms)


def catch_up(registry: Registry) -> None:
    """Take queued runs into the SQLite index before a search; best effort.

    Builds the index where a process without the trigram tokenizer migrated the
    registry. Waits at most ``CATCH_UP_WAIT_S`` for another writer and gives up
    otherwise (or on a read-only file): queued runs are searched all the same.
    """
    if registry.backend != "sqlite" or not available():
        return
    with registry.read() as conn:
        if index_exists(conn) and not pending(conn):
            return
    with registry.lock:
        try:
            registry.conn.execute(f"PRAGMA busy_timeout = {int(CATCH_UP_WAIT_S * 1000)}")
            # One transaction per chunk: tracked cells wait for one chunk at most.
            while True:
                with registry.write(bump=False) as conn:
                    if sync(conn, CATCH_UP_CHUNK) < CATCH_UP_CHUNK:
                        break
        except (RegistryError, sqlite3.Error):
            pass
        finally:
            registry.conn.execute(f"PRAGMA busy_timeout = {int(registry.timeout * 1000)}")


@dataclass
class RunsMatch:
    """The runs list's filters with q: the count's, and the page's (the matching runs
    by id when ``total`` is known, else the filters without the index's narrowing)."""

    count_where: str
    count_args: list[Any]
    page_where: str
    page_args: list[Any]
    total: int | None
    #: The index's candidates as tests a page's sort index answers alone (SQLite,
    #: between SPARSE_MAX candidates and half the runs): on the runs' rowid
    #: (``narrow_runs``) and on a value table's run id (``narrow_values``), with
    #: ``narrow_args`` (``narrow_value_args``). The "+" keeps SQLite walking the sort's index (one page,
    #: then stop) instead of starting from the candidates and sorting them all; each
    #: index entry is then checked against the candidates before its run's row is
    #: read and its LIKEs tested: a search whose matches sit deep in the order (runs
    #: named run-5xxxx, newest first) costs a few ms instead of 60-100.
    narrow_runs: str | None = None
    narrow_values: str | None = None
    narrow_args: list[Any] = field(default_factory=list)
    narrow_value_args: list[Any] = field(default_factory=list)


def runs_match(conn: Connection, backend: str, q: str, where: str, args: list[Any],
               base: str) -> RunsMatch:
    """Add the q filter to ``where``/``args`` (the other filters; ``base`` the FROM
    clause they need).

    A run matches when q is a substring of its name, id, experiment's name or tags,
    ASCII letters in any case (SQLite's LIKE; ILIKE under COLLATE "C" on PostgreSQL,
    whose trigram indexes answer it): both backends return the same runs.
    """
    pattern = like_pattern(q)
    short = len(q) < TRIGRAM
    columns = _COLUMNS["postgresql-short" if backend == "postgresql" and short else backend]
    experiments = [row[0] for row in conn.execute(
        f"SELECT id FROM experiments WHERE {_EXPERIMENT[backend]} LIKE ? ESCAPE '\\'",
        (pattern,))]
    arms = [f"{column} LIKE ? ESCAPE '\\'" for column in columns]
    check_args = [pattern] * len(arms) + experiments
    if experiments:
        arms.append(f"r.experiment_id IN ({', '.join('?' * len(experiments))})")
    check = f"({' OR '.join(arms)})"
    count_where, count_args = f"{where} AND {check}", [*args, *check_args]
    page = RunsMatch(count_where, count_args, count_where, count_args, None)
    if backend == "sqlite" and not short and "\x00" not in q and available() \
            and index_exists(conn):
        # The trigram index's candidates (a superset: it folds Unicode case), the
        # queued runs and the matching experiments' runs; LIKE then checks each.
        # (Their rowids only: reading the index's id column costs its content rows.)
        from_experiments = (
            " UNION ALL SELECT rowid FROM runs WHERE experiment_id IN"
            f" ({', '.join('?' * len(experiments))})" if experiments else "")
        candidates = ("SELECT rowid AS c FROM runs_text WHERE runs_text MATCH ?"
                      f" UNION ALL SELECT run_rowid FROM runs_text_pending{from_experiments}")
        candidate_args = ['"' + q.replace('"', '""') + '"', *experiments]
        # The index is read once: its candidates travel to the count and the page as
        # one JSON list (an FTS5 query of a common q costs ~5 ms, each time), which
        # the database writes (11,111 rowids: 1.6 ms, where fetching them as rows
        # and writing the list in Python takes 4.5).
        half = int(conn.execute("SELECT count(*) FROM runs").fetchone()[0]) // 2
        n_found, found = conn.execute(
            f"SELECT count(*), json_group_array(c) FROM ({candidates} LIMIT ?)",
            [*candidate_args, max(half, SPARSE_MAX) + 1]).fetchone()
        if n_found > max(half, SPARSE_MAX):
            # When most runs match, a scan counts faster: its LIKEs stop at the first
            # field that matches, where each candidate costs a lookup.
            return page
        subset, subset_args = "SELECT value FROM json_each(?)", [found]
        page.count_where = f"{where} AND r.rowid IN ({subset}) AND {check}"
        page.count_args = [*args, *subset_args, *check_args]
        if n_found > SPARSE_MAX:
            page.narrow_runs = f"+r.rowid IN ({subset})"
            page.narrow_values = (
                f"+v.run_id IN (SELECT id FROM runs WHERE rowid IN ({subset}))")
            page.narrow_args = page.narrow_value_args = subset_args
            return page
    ids = [row[0] for row in conn.execute(
        f"SELECT r.id {base} WHERE {page.count_where} LIMIT ?",
        [*page.count_args, SPARSE_MAX + 1])]
    if len(ids) <= SPARSE_MAX:
        page.page_where = f"r.id IN ({', '.join('?' * len(ids))})" if ids else "1 = 0"
        page.page_args, page.total = ids, len(ids)
    return page
