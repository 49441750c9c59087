"""The PostgreSQL backend: migrations, writers, dialect differences (real server)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
import time

import pytest
from test_migrations import open_at_once  # the same openers as the SQLite test

from mm_jupyter.errors import RegistryBusyError, RegistryNewerError
from mm_jupyter.store import SCHEMA_VERSION, open_registry, queries, runs
from mm_jupyter.store.details import run_detail


@pytest.fixture
def pg_url(postgres_database, monkeypatch):
    monkeypatch.setenv("MM_JUPYTER_DATABASE_URL", postgres_database)
    return postgres_database


def make_run(registry, name="r", **kw):
    run = runs.NewRun(id=runs.new_run_id(), name=name, experiment="e",
                      started_at=runs.iso_now(), **kw)
    runs.create_run(registry, run)
    return run.id


def test_processes_opening_a_fresh_database_at_once_migrate_it_once(pg_url, tmp_path):
    # Given four processes released at the same instant against an empty database
    # (they inherit MM_JUPYTER_DATABASE_URL)
    outcomes = open_at_once([str(tmp_path / f"home{i}") for i in range(4)])
    # Then every process opened it and each migration ran exactly once
    assert outcomes == [("ok", SCHEMA_VERSION)] * 4
    reg = open_registry(tmp_path / "home0")
    with reg.read() as conn:
        rows = conn.execute("SELECT version FROM mm_migrations ORDER BY version").fetchall()
    assert [r[0] for r in rows] == list(range(1, SCHEMA_VERSION + 1))
    reg.close()


def test_a_newer_database_is_refused(pg_url, tmp_path):
    reg = open_registry(tmp_path / "r")
    with reg.write(bump=False) as conn:
        conn.execute("INSERT INTO mm_migrations (version, name) VALUES (?, 'future')",
                     (SCHEMA_VERSION + 1,))
    reg.close()
    with pytest.raises(RegistryNewerError, match="newer than"):
        open_registry(tmp_path / "r")


def test_a_writer_waits_for_another_then_commits_and_times_out_when_held_too_long(
        pg_url, tmp_path):
    first = open_registry(tmp_path / "a")
    second = open_registry(tmp_path / "b", timeout=5)
    impatient = open_registry(tmp_path / "c", timeout=0.2)
    held = threading.Event()

    def hold():
        with first.write():
            held.set()
            time.sleep(0.6)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    with pytest.raises(RegistryBusyError):
        make_run(impatient)
    started = time.monotonic()
    run_id = make_run(second)  # waits for the writer's lock, then commits
    assert time.monotonic() - started > 0.2
    holder.join()
    assert queries.resolve_run(first, run_id) == run_id
    for reg in (first, second, impatient):
        reg.close()


def test_bools_nan_and_infinities_round_trip(pg_url, tmp_path):
    reg = open_registry(tmp_path / "r")
    run_id = make_run(reg)
    now = time.time()
    runs.write_metric_points(reg, [(run_id, "nan", 0, float("nan"), now),
                                   (run_id, "inf", 0, float("inf"), now),
                                   (run_id, "ninf", 0, float("-inf"), now)])
    metrics = run_detail(reg, run_id)["metrics"]
    assert math.isnan(metrics["nan"][0]["value"])
    assert metrics["inf"][0]["value"] == float("inf")
    assert metrics["ninf"][0]["value"] == float("-inf")
    # A Python bool goes into an INTEGER column as 0/1, as on SQLite
    with reg.write() as conn:
        conn.execute("UPDATE runs SET n_figures = ? WHERE id = ?", (True, run_id))
        assert conn.execute("SELECT n_figures FROM runs WHERE id = ?", (run_id,)).fetchone() == (1,)
    reg.close()


def test_nan_sorts_after_every_number_as_on_sqlite(pg_url, tmp_path):
    reg = open_registry(tmp_path / "r")
    for name, acc in [("a", 0.5), ("n", float("nan")), ("b", 0.9), ("i", float("inf"))]:
        runs.write_metric_points(reg, [(make_run(reg, name=name), "acc", 0, acc, time.time())])
    page = queries.query_runs(reg, sort="metric:acc", order="desc")
    assert [r["name"] for r in page["runs"]][:3] == ["i", "b", "a"]
    reg.close()


def test_the_q_filter_ignores_case_as_on_sqlite(pg_url, tmp_path):
    reg = open_registry(tmp_path / "r")
    make_run(reg, name="Baseline")
    make_run(reg, name="tuned", tags={"Team": "RISK"})
    assert [r["name"] for r in queries.query_runs(reg, q="BASE")["runs"]] == ["Baseline"]
    assert [r["name"] for r in queries.query_runs(reg, q="risk")["runs"]] == ["tuned"]
    assert queries.query_runs(reg, q="100%")["runs"] == []  # % is a literal
    reg.close()


def test_the_sqlite_path_never_imports_psycopg(tmp_path):
    script = ("import sys; from mm_jupyter.store import open_registry;"
              f" open_registry({str(tmp_path / 'r')!r}).close();"
              " print('psycopg' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k != "MM_JUPYTER_DATABASE_URL"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env=env).stdout.strip()
    assert out == "False"


def test_the_postgresql_schema_mirrors_the_sqlite_one(pg_url, tmp_path):
    # The twin migrations (store/sql/postgresql/) define the same tables and columns
    from mm_jupyter.store.db import Registry
    from mm_jupyter.store.location import RegistryLocation

    lite = Registry(RegistryLocation(tmp_path / "lite", "explicit"))
    names = [r[0] for r in lite.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        " AND name != '_sqlite_migrations'"
        # SQLite's text index (FTS5 and its queue); PostgreSQL's is pg_trgm indexes
        " AND name NOT LIKE 'runs_text%'")]
    expected = {t: {r[1] for r in lite.conn.execute(f'PRAGMA table_info("{t}")')} for t in names}
    lite.close()
    reg = open_registry(tmp_path / "pg")
    with reg.read() as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name != 'mm_migrations'").fetchall()
    reg.close()
    got: dict[str, set[str]] = {}
    for table, column in rows:
        got.setdefault(table, set()).add(column)
    got["monitor_series"].discard("rowid")  # SQLite's implicit rowid, explicit here
    assert got == expected
