"""Numbered schema migrations (sqlite-utils ``Migrations``).

Each step's SQL is ``store/sql/<name>.sql``, byte for byte what it ran (SQLite keeps
each ``CREATE`` statement's text). Never edit a released migration: add a new numbered
one. ``SCHEMA_VERSION`` is the
number of migrations and is mirrored in ``PRAGMA user_version`` so that opening an
up-to-date registry costs one pragma read, and a newer registry is refused.
"""

from __future__ import annotations

import sqlite3
from importlib.resources import files

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("mm_jupyter")


def sql(name: str) -> str:
    """The SQL script of migration ``name`` (package data, shipped in the wheel)."""
    return (files("mm_jupyter.store") / "sql" / f"{name}.sql").read_text(encoding="utf-8")


def run_script(db: Database, script: str) -> None:
    """Run ``script``'s statements one by one inside the open transaction (store/db.py
    migrates under its write lock).

    Not ``Database.executescript``: inside a transaction sqlite-utils 4 finds each
    statement's end by re-joining the script one character at a time, which took 78 ms
    of the 90 ms a new registry cost (measured); and sqlite3's own ``executescript``
    would commit first. The ends are found the same way (``sqlite3.complete_statement``:
    a ``;`` inside a trigger's body or a string ends nothing), tried at each ``;`` only.
    """
    cursor = db.conn.cursor()
    start = 0
    end = script.find(";")
    while end != -1:
        statement = script[start:end + 1]
        if sqlite3.complete_statement(statement):
            cursor.execute(statement)
            start = end + 1
        end = script.find(";", end + 1)
    if script[start:].strip():
        cursor.execute(script[start:])  # a last statement without ';', or comments


@MIGRATIONS(name="0001_tracking")
def m0001_tracking(db: Database) -> None:
    """Experiments, runs, params, metrics, outputs, code, environments, blobs."""
    run_script(db, sql("0001_tracking"))


@MIGRATIONS(name="0002_artifacts")
def m0002_artifacts(db: Database) -> None:
    """Artifacts, content-addressed versions, aliases with history, lineage."""
    run_script(db, sql("0002_artifacts"))


@MIGRATIONS(name="0003_model_registry")
def m0003_model_registry(db: Database) -> None:
    """Registered models, versions, stages, aliases, transitions and events."""
    run_script(db, sql("0003_model_registry"))


@MIGRATIONS(name="0004_monitoring")
def m0004_monitoring(db: Database) -> None:
    """Model monitoring: prediction batches, series, rules, alerts and their actions."""
    run_script(db, sql("0004_monitoring"))
    # Events that happened before monitoring existed must not fire new rules.
    db.execute("UPDATE registry_state SET events_dispatched ="
               " (SELECT COALESCE(max(id), 0) FROM registry_events)")


@MIGRATIONS(name="0005_history_and_journals")
def m0005_history_and_journals(db: Database) -> None:
    """Execution history stored once per entry; journals imported exactly once.

    Before this, every run stored the kernel's whole input history again (O(n²) in
    the number of tracked cells). Now each entry is a content-addressed snapshot
    (kind ``input``) referenced once per (kernel, execution number), and a run
    references the range it saw. Older runs keep their ``history_digest``.
    """
    run_script(db, sql("0005_history_and_journals"))


@MIGRATIONS(name="0006_text_search")
def m0006_text_search(db: Database) -> None:
    """The runs list's text filter through a trigram index (issue 12).

    Triggers queue runs whose name, id or tags change; where this SQLite has the FTS5
    trigram tokenizer the index (store/text_search.py) is built here from every run,
    elsewhere the first process that has it builds it.
    """
    from mm_jupyter.store import text_search

    run_script(db, sql("0006_text_search"))
    if text_search.available():
        text_search.sync(db.conn)


@MIGRATIONS(name="0007_sync")
def m0007_sync(db: Database) -> None:
    """Push and pull: how far each remote was pushed, and the numbers it gave versions."""
    run_script(db, sql("0007_sync"))


@MIGRATIONS(name="0008_autolog")
def m0008_autolog(db: Database) -> None:
    """Automatic logging: autolog params, child runs, custom objects, fit inputs,
    fingerprint-only dataset versions."""
    run_script(db, sql("0008_autolog"))


@MIGRATIONS(name="0009_housekeeping")
def m0009_housekeeping(db: Database) -> None:
    """Housekeeping and comparing: run notes, stars, archive and soft delete, the cell
    a run ran in, the audit trail of those changes, metric directions, acknowledged
    alerts."""
    run_script(db, sql("0009_housekeeping"))


@MIGRATIONS(name="0010_run_lists")
def m0010_run_lists(db: Database) -> None:
    """A partial index of the archived and deleted runs, which lists hide: counting the
    runs a list shows subtracts them instead of reading every run."""
    run_script(db, sql("0010_run_lists"))


@MIGRATIONS(name="0011_reproducibility")
def m0011_reproducibility(db: Database) -> None:
    """The hidden-state analysis of each tracked cell: a status and its issues."""
    run_script(db, sql("0011_reproducibility"))


@MIGRATIONS(name="0012_run_pages")
def m0012_run_pages(db: Database) -> None:
    """The params' sort index ends with the run id: the runs list's tie-breaker
    (keyset pages, issue 16)."""
    run_script(db, sql("0012_run_pages"))


@MIGRATIONS(name="0013_model_policies")
def m0013_model_policies(db: Database) -> None:
    """Promotion policies, approvals, and forced transitions (issue 17)."""
    run_script(db, sql("0013_model_policies"))


@MIGRATIONS(name="0014_run_exports")
def m0014_run_exports(db: Database) -> None:
    """Each run's params and latest metrics as the runs export writes them, one row
    per run, queued by triggers for every existing run (issue 16); built by 0016,
    whose columns store/export_rows.refresh writes too."""
    run_script(db, sql("0014_run_exports"))


@MIGRATIONS(name="0015_run_frames")
def m0015_run_frames(db: Database) -> None:
    """Each run's params and latest metrics as mm.runs_frame read them, one JSON text
    per run (issue 16); queued here, built by 0016, which replaces its column."""
    run_script(db, sql("0015_run_frames"))


@MIGRATIONS(name="0016_run_frame_columns")
def m0016_run_frame_columns(db: Database) -> None:
    """Each run's params and latest metrics as mm.runs_frame reads them (key sets as
    JSON, metric values as float64 bytes), beside its CSV cells, built here for every
    existing run (issue 16)."""
    from mm_jupyter.store import export_rows

    run_script(db, sql("0016_run_frame_columns"))
    if sqlite3.sqlite_version_info >= (3, 35):
        db.execute("ALTER TABLE run_exports DROP COLUMN frame_json")
    else:  # no DROP COLUMN before SQLite 3.35: the column stays, unread and empty
        db.execute("UPDATE run_exports SET frame_json = NULL")
    export_rows.refresh(db.conn)


# store/schema.py's SCHEMA_VERSION is the number of migrations above;
# tests/store/test_migrations.py checks they agree.
