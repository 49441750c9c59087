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
from functools import lru_cache

from mm_jupyter.store.dialect import Connection

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


def sync(conn: Connection) -> int:
    """Build ``runs_text`` if missing and take the queued runs into it, inside the
    caller's write transaction; return how many queued rows were taken."""
    created = not index_exists(conn)
    if created:
        conn.execute(INDEX_DDL)
    top = conn.execute("SELECT max(seq), count(*) FROM runs_text_pending").fetchone()
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
