"""The runs list's text filter (q) through trigram indexes (issue 12), on both backends.

Every search is checked against a reference written here in Python: q matches a run
when it is a substring of the run's name, id, experiment's name or stored tags text
(JSON), ASCII letters in any case and every other character as is. Both backends are
held to that one reference, so they return the same runs: with and without their index
(SQLite's FTS5 trigram table; PostgreSQL's pg_trgm), with q shorter than a trigram,
after tags, names and experiments change, and after runs are deleted.
"""

from __future__ import annotations

import string
import uuid

import pytest

from mm_jupyter.encoding import dumps
from mm_jupyter.store import open_registry, queries, runs, text_search

FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

# (name, experiment, tags): case, Unicode, LIKE's special characters, quotes.
CORPUS = [
    ("Crème-brûlée", "Exp-Ü", {"team": "Risk"}),
    ("CRÈME run", "fraud", {"owner": "Zoë"}),
    ("straße", "fraud", {}),
    ("STRASSE run", "Exp-Ü", {"team": "growth"}),
    ("Σίσυφος", "weird%exp_", {}),
    ("σίσυφος run", "fraud", {"k%": "v_"}),
    ("\u212aelvin sign", "fraud", {}),  # KELVIN SIGN: Unicode folds it to 'k', LIKE not
    ("İstanbul", "fraud", {}),
    ("istanbul run", "Exp-Ü", {"city": "IST"}),
    ("漢字テスト", "fraud", {"lang": "日本語"}),
    ("emoji 🚀 run", "weird%exp_", {}),
    ("100%_done", "fraud", {}),
    ("100 percent", "fraud", {"pct": "100%"}),
    ("back\\slash", "fraud", {"path": "C:\\tmp"}),
    ('quote"d', "fraud", {}),
    ("it's run", "fraud", {}),
    ("tab\there", "fraud", {}),
    ("MiXeD-Case-Run", "Exp-Ü", {"Team": "ML"}),
    ("abc", "fraud", {}),
    ("xyz-ab", "fraud", {}),
]
QUERIES = [
    " ", "a", "A", "ab", "AB", "é", "É", "è", "È", "ß", "ss", "SS", "σ", "Σ", "k", "K",
    "\u212a", "kelvin", "\u212aelvin", "İ", "i", "ist", "IST", "漢", "漢字", "字テ", "日本語",
    "🚀", "🚀 r", "%", "_", "\\", "%_", "100%", "0%_", "\\s", "\\\\", "C:\\", '"', "'",
    "it'", "crème", "CRÈME", "rÈm", "mixed-case", "MIXED", "fraud", "FRAUD", "exp-ü",
    "Exp-Ü", "EXP-ü", "weird%", "p_", "team", '"team"', "risk", "RISK", "zo", "zoë",
    "\\u00eb", "zzz", "bc", "abc", "x", "\t", "run", "RUN", " run",
]


def ids_matching(q, rows):
    """The reference: run ids q matches, newest first."""
    needle = q.translate(FOLD)
    return [run_id for run_id, *texts in rows
            if any(needle in text.translate(FOLD) for text in texts)]


def current_rows(registry):
    """(id, name, id, experiment, tags text) of every run, newest first."""
    with registry.read() as conn:
        return [tuple(r) for r in conn.execute(
            "SELECT r.id, r.name, r.id, e.name, r.tags FROM runs r"
            " JOIN experiments e ON e.id = r.experiment_id ORDER BY r.started_at DESC")]


def add_run(registry, name, experiment="fraud", tags=None, started_at=None):
    run = runs.NewRun(id=runs.new_run_id(), name=name, experiment=experiment,
                      started_at=started_at or runs.iso_now(), tags=tags or {})
    runs.create_run(registry, run)
    return run.id


def add_corpus(registry):
    for i, (name, experiment, tags) in enumerate(CORPUS):
        add_run(registry, name, experiment, tags, started_at=f"2026-01-01T00:00:{i:02d}.000Z")


def add_corpus_as_schema_5(registry):
    """The corpus as mm-jupyter wrote it at schema 5: today's writer also fills columns
    later migrations added (cell_id), which that schema lacks."""
    with registry.write() as conn:
        for i, (name, experiment, tags) in enumerate(CORPUS):
            conn.execute("INSERT INTO experiments (name, created_at) VALUES (?, ?)"
                         " ON CONFLICT (name) DO NOTHING", (experiment, runs.iso_now()))
            conn.execute(
                "INSERT INTO runs (id, name, experiment_id, status, started_at, tags)"
                " SELECT ?, ?, id, 'finished', ?, ? FROM experiments WHERE name = ?",
                (runs.new_run_id(), name, f"2026-01-01T00:00:{i:02d}.000Z", dumps(tags or {}),
                 experiment))


def search(registry, q, **options):
    page = queries.query_runs(registry, q=q, limit=500, **options)
    return page["total"], [r["id"] for r in page["runs"]]


def assert_matches_reference(registry, qs=QUERIES):
    rows = current_rows(registry)
    for q in qs:
        expected = ids_matching(q, rows)
        assert search(registry, q) == (len(expected), expected), repr(q)


@pytest.fixture(params=[3, 500], ids=["few-listed", "default"])
def sparse_max(request, monkeypatch):
    """How many matches a search lists by id: 3 sends most queries down the other path."""
    monkeypatch.setattr(text_search, "SPARSE_MAX", request.param)
    return request.param


def test_every_query_returns_the_reference_runs(registry, sparse_max):
    add_corpus(registry)
    assert_matches_reference(registry)
    # and under the other sorts the same runs come back
    rows = current_rows(registry)
    for q in ("run", "fraud", "é", "%"):
        expected = set(ids_matching(q, rows))
        for sort in ("name", "metric:acc", "param:lr", "experiment"):
            total, found = search(registry, q, sort=sort)
            assert (total, set(found)) == (len(expected), expected), (q, sort)


def test_other_filters_combine_with_q(registry):
    add_corpus(registry)
    rows = current_rows(registry)
    in_exp = {r[0] for r in rows if r[3] == "Exp-Ü"}
    for q in ("run", "e", "team"):
        expected = [i for i in ids_matching(q, rows) if i in in_exp]
        page = queries.query_runs(registry, q=q, experiment="Exp-Ü", limit=500)
        assert (page["total"], [r["id"] for r in page["runs"]]) == (len(expected), expected)
    page = queries.query_runs(registry, q="run", status="finished")
    assert page["total"] == 0 and page["runs"] == []


def test_pages_of_a_search_cover_its_matches_once(registry, sparse_max):
    add_corpus(registry)
    expected = ids_matching("r", current_rows(registry))
    seen = []
    for offset in range(0, len(expected), 2):
        page = queries.query_runs(registry, q="r", limit=2, offset=offset)
        assert page["total"] == len(expected)
        seen += [r["id"] for r in page["runs"]]
    assert seen == expected


def test_changed_tags_names_and_experiments_are_found_by_their_new_text(registry, sparse_max):
    add_corpus(registry)
    run_id = add_run(registry, "plain", tags={"team": "risk"})
    assert run_id in search(registry, "risk")[1]
    runs.set_tags(registry, run_id, {"team": "payments"})
    assert run_id not in search(registry, "risk")[1]
    assert search(registry, "PAYMENTS")[1] == [run_id]
    with registry.write() as conn:
        conn.execute("UPDATE runs SET name = 'renamed-run' WHERE id = ?", (run_id,))
        conn.execute("UPDATE experiments SET name = 'new-exp' WHERE name = 'Exp-Ü'")
    assert search(registry, "renamed-r")[1] == [run_id]
    assert search(registry, "plain") == (0, [])
    assert search(registry, "Exp-Ü") == (0, [])
    assert_matches_reference(registry, [*QUERIES, "new-exp", "NEW-EXP", "payments"])


def test_a_deleted_run_is_not_found_nor_is_its_text_given_to_the_next_run(
        registry, sparse_max):
    add_corpus(registry)
    first = add_run(registry, "doomed-run")
    last = add_run(registry, "short-lived")
    assert search(registry, "short-lived") == (1, [last])  # now in the index
    with registry.write() as conn:
        conn.execute("DELETE FROM runs WHERE id IN (?, ?)", (first, last))
    # SQLite gives the next run the deleted last run's rowid
    reborn = add_run(registry, "newcomer")
    assert search(registry, "short-lived") == (0, [])
    assert search(registry, "doomed") == (0, [])
    assert search(registry, "newcomer") == (1, [reborn])
    assert_matches_reference(registry)


@pytest.mark.sqlite_only("SQLite's queue and FTS5 table")
def test_a_search_takes_a_long_queue_in_chunks(registry, monkeypatch):
    monkeypatch.setattr(text_search, "CATCH_UP_CHUNK", 3)
    add_corpus(registry)
    assert_matches_reference(registry, ["run"])
    with registry.read() as conn:
        assert not text_search.pending(conn)
        assert conn.execute("SELECT count(*) FROM runs_text").fetchone()[0] == len(CORPUS)


@pytest.mark.sqlite_only("SQLite's queue and FTS5 table")
def test_queued_runs_are_searched_before_the_index_takes_them(registry, monkeypatch):
    add_corpus(registry)
    queries.query_runs(registry, q="run")  # takes the corpus into the index
    with registry.read() as conn:
        assert not text_search.pending(conn)
    monkeypatch.setattr(text_search, "catch_up", lambda registry: None)
    run_id = add_run(registry, "queued-run")
    runs.set_tags(registry, run_id, {"fresh": "tag"})
    assert search(registry, "queued-r") == (1, [run_id])
    assert search(registry, "fresh") == (1, [run_id])
    assert_matches_reference(registry)
    with registry.read() as conn:
        assert text_search.pending(conn)
    monkeypatch.undo()
    search(registry, "queued-r")
    with registry.read() as conn:
        assert not text_search.pending(conn)
        plan = " ".join(r[3] for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT rowid FROM runs_text WHERE runs_text MATCH '\"que\"'"))
    assert "VIRTUAL TABLE" in plan
    assert search(registry, "queued-r") == (1, [run_id])


@pytest.mark.sqlite_only("the FTS5 trigram tokenizer of this process's SQLite")
def test_without_the_trigram_tokenizer_runs_are_written_and_q_scans(
        backend, registry_dir, monkeypatch):
    # Given a process whose SQLite lacks the tokenizer migrating and writing a registry
    monkeypatch.setattr(text_search, "available", lambda: False)
    registry = open_registry(registry_dir)
    add_corpus(registry)
    with registry.read() as conn:
        assert not text_search.index_exists(conn)
    # Then its searches scan and find the same runs
    assert_matches_reference(registry)
    # And the first search of a process that has the tokenizer builds the index
    monkeypatch.undo()
    assert_matches_reference(registry)
    with registry.read() as conn:
        assert text_search.index_exists(conn) and not text_search.pending(conn)
    registry.close()


@pytest.mark.sqlite_only("a read-only SQLite connection")
def test_a_search_that_cannot_write_the_index_still_finds_queued_runs(registry):
    add_corpus(registry)
    registry.conn.execute("PRAGMA query_only = 1")
    try:
        assert_matches_reference(registry, ["run", "fraud", "🚀 r"])
    finally:
        registry.conn.execute("PRAGMA query_only = 0")


def test_an_older_registry_is_indexed_when_it_upgrades(v4_registry):
    registry = v4_registry
    with registry.read() as conn:
        assert text_search.index_exists(conn) and not text_search.pending(conn)
        indexed = conn.execute("SELECT count(*) FROM runs_text").fetchone()[0]
    assert indexed == 2
    assert search(registry, "bbbbbbb") == (1, ["bbbbbbbbbbbb"])


# -- PostgreSQL ------------------------------------------------------------------


def explain(registry, q):
    """The plan of the search's count with sequential scans off: which indexes serve q."""
    with registry.read() as conn:
        conn.execute("SET LOCAL enable_seqscan = off")
        match = text_search.runs_match(conn, "postgresql", q, "1 = 1", [], "FROM runs r")
        rows = conn.execute(
            f"EXPLAIN SELECT count(*) FROM runs r WHERE {match.count_where}",
            match.count_args).fetchall()
    return "\n".join(r[0] for r in rows)


def test_postgresql_answers_q_from_its_trigram_indexes(registry, backend):
    if backend != "postgresql":
        pytest.skip("pg_trgm")
    add_corpus(registry)
    plan = explain(registry, "crème")
    assert "runs_name_trgm" in plan and "runs_tags_trgm" in plan
    assert "trgm" not in explain(registry, "cr")  # too short for a trigram: scanned


def test_postgresql_without_pg_trgm_opens_and_scans(postgres_database, tmp_path, monkeypatch):
    # Given a role that may create tables but not extensions (no CREATE on the database)
    import psycopg

    role = f"nopriv_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_database, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT CREATE, USAGE ON SCHEMA public TO {role}")
    url = postgres_database.replace("//mm@", f"//{role}@")
    monkeypatch.setenv("MM_JUPYTER_DATABASE_URL", url)
    try:
        # When it creates the registry
        registry = open_registry(tmp_path / "r")
        try:
            # Then the migration succeeded without the indexes and q finds the same runs
            with registry.read() as conn:
                assert conn.execute("SELECT count(*) FROM pg_indexes"
                                    " WHERE indexname LIKE '%trgm%'").fetchone()[0] == 0
            add_corpus(registry)
            assert_matches_reference(registry)
        finally:
            registry.close()
    finally:
        from mm_jupyter.store.pg import close_pools

        close_pools()
        with psycopg.connect(postgres_database, autocommit=True) as conn:
            conn.execute(f"REASSIGN OWNED BY {role} TO mm")
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")


def test_postgresql_indexes_the_runs_of_an_older_registry(postgres_database, tmp_path,
                                                          monkeypatch):
    from mm_jupyter.store import pg

    monkeypatch.setenv("MM_JUPYTER_DATABASE_URL", postgres_database)
    with monkeypatch.context() as old:
        old.setattr(pg, "MIGRATIONS", pg.MIGRATIONS[:5])
        old.setattr(pg, "SCHEMA_VERSION", 5)
        registry = open_registry(tmp_path / "r")
        add_corpus_as_schema_5(registry)
        registry.close()
    registry = open_registry(tmp_path / "r")
    try:
        with registry.read() as conn:
            assert conn.execute("SELECT count(*) FROM pg_indexes"
                                " WHERE indexname LIKE '%trgm%'").fetchone()[0] == 3
        assert_matches_reference(registry)
    finally:
        registry.close()


def test_the_stored_tags_text_is_what_q_matches(registry):
    # Tags are stored as JSON with non-ASCII characters escaped (encoding.dumps):
    # q matches that text on both backends, as it did before the index.
    run_id = add_run(registry, "plain", tags={"owner": "Zoë"})
    assert dumps({"owner": "Zoë"}) == '{"owner": "Zo\\u00eb"}'
    assert search(registry, "zo\\u00eb") == (1, [run_id])
    assert search(registry, "zoë") == (0, [])


def test_the_artifacts_and_models_lists_match_q_the_same_way(registry):
    # Their q filter scans (10,000 artifacts: a few ms); it follows the same rule.
    from mm_jupyter.store import artifact_queries, model_queries

    names = [name for name, _, _ in CORPUS]
    with registry.write() as conn:
        for i, name in enumerate(names):
            conn.execute("INSERT INTO artifacts (name, kind, description, created_at)"
                         " VALUES (?, 'file', ?, ?)", (f"a{i}", name, runs.iso_now()))
            conn.execute("INSERT INTO registered_models (name, description, owner,"
                         " created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                         (f"m{i}", name, name, runs.iso_now(), runs.iso_now()))
    for q in QUERIES:
        needle = q.translate(FOLD)
        expected = {prefix: {f"{prefix}{i}" for i, name in enumerate(names)
                             if needle in name.translate(FOLD) or needle in f"{prefix}{i}"}
                    for prefix in ("a", "m")}
        page = artifact_queries.list_artifacts(registry, q=q, limit=500)
        assert {a["name"] for a in page["artifacts"]} == expected["a"], repr(q)
        page = model_queries.list_models(registry, q=q, limit=500)
        assert {m["name"] for m in page["models"]} == expected["m"], repr(q)
