"""Schema migrations: from empty, idempotent, race-free across processes, no downgrade."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
from pathlib import Path

import pytest

from mm_jupyter.errors import RegistryNewerError
from mm_jupyter.store import SCHEMA_VERSION, migrations, open_registry
from mm_jupyter.store.migrations import MIGRATIONS

TABLES = {
    "experiments", "runs", "params", "metrics", "latest_metrics", "outputs",
    "code_snapshots", "environments", "blobs", "registry_state",
    "artifacts", "artifact_versions", "version_files", "artifact_aliases", "alias_history",
    "lineage", "file_digests", "registered_models", "model_versions", "model_aliases",
    "model_transitions", "registry_events",
}


def test_schema_version_counts_the_migrations():
    assert len(MIGRATIONS._migrations) == SCHEMA_VERSION


def test_both_dialects_list_the_same_migrations_in_the_same_order():
    # PostgreSQL numbers its migrations by their place in pg.MIGRATIONS, SQLite applies
    # them in the order they are registered: each step is one twin pair of scripts.
    pytest.importorskip("psycopg")
    from mm_jupyter.store import pg

    names = [m.name for m in MIGRATIONS._migrations]
    assert names == list(pg.MIGRATIONS) == sorted(names)
    sql_dir = Path(migrations.__file__).parent / "sql"
    for name in names:
        assert (sql_dir / f"{name}.sql").is_file(), name
        assert (sql_dir / "postgresql" / f"{name}.sql").is_file(), name


def test_fresh_registry_has_every_table_and_pragmas(tmp_path):
    reg = open_registry(tmp_path / "r")
    tables = {r[0] for r in reg.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables >= TABLES
    assert reg.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert reg.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000
    assert reg.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert reg.schema_version() == SCHEMA_VERSION
    reg.close()


def test_reopening_applies_nothing_twice(tmp_path):
    open_registry(tmp_path / "r").close()
    reg = open_registry(tmp_path / "r")
    applied = reg.conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    assert applied == SCHEMA_VERSION
    reg.close()


def test_newer_registry_is_refused_with_a_clear_error(tmp_path):
    open_registry(tmp_path / "r").close()
    conn = sqlite3.connect(tmp_path / "r" / "registry.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RegistryNewerError, match="newer than"):
        open_registry(tmp_path / "r")


def open_at_barrier(path: str, barrier, results) -> None:
    barrier.wait()
    try:
        reg = open_registry(path)
        results.put(("ok", reg.schema_version()))
        reg.close()
    except Exception as exc:  # reported to the parent, which fails the test
        results.put(("error", repr(exc)))


def open_at_once(paths: list[str]) -> list[tuple[str, object]]:
    """Open the registry at each path in its own process, all released at one instant."""
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(len(paths)), ctx.Queue()
    procs = [ctx.Process(target=open_at_barrier, args=(path, barrier, results)) for path in paths]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    return outcomes


@pytest.mark.slow
def test_eight_processes_opening_a_fresh_registry_migrate_it_once(tmp_path):
    # Given eight processes released at the same instant against a new folder
    outcomes = open_at_once([str(tmp_path / "shared")] * 8)
    # Then every process opened it and the migration ran exactly once
    assert outcomes == [("ok", SCHEMA_VERSION)] * 8
    conn = sqlite3.connect(tmp_path / "shared" / "registry.db")
    assert conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_script_runs_statement_by_statement_inside_the_transaction(tmp_path):
    # Given a script whose ';' also sit in a comment, a string and a trigger's body
    from sqlite_utils import Database

    conn = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    script = """
        -- a comment; with a semicolon
        CREATE TABLE t (x TEXT);
        CREATE TABLE log (x TEXT);
        CREATE TRIGGER t_log AFTER INSERT ON t BEGIN
            INSERT INTO log VALUES (NEW.x || ';');
            INSERT INTO log VALUES ('two');
        END;
        INSERT INTO t VALUES ('a;b'); INSERT INTO t VALUES ('c')
    """
    # When it runs in a transaction that is then rolled back, and again committed
    conn.execute("BEGIN")
    migrations.run_script(Database(conn), script)
    assert conn.in_transaction  # nothing committed it on the way
    conn.execute("ROLLBACK")
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    conn.execute("BEGIN")
    migrations.run_script(Database(conn), script)
    conn.execute("COMMIT")
    # Then every statement ran once, the trigger whole
    assert [r[0] for r in conn.execute("SELECT x FROM t ORDER BY x")] == ["a;b", "c"]
    assert [r[0] for r in conn.execute("SELECT x FROM log ORDER BY rowid")] == [
        "a;b;", "two", "c;", "two"]
