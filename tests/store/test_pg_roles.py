"""The team backend's access control is the database's (docs/team.md "Roles").

The role SQL here is the SQL docs/team.md gives; a reader browses everything, and the
tracked work of a reader is journaled locally instead of lost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs" / "team.md"

SCRIPT = textwrap.dedent("""
    import json, warnings
    import mm_jupyter as mm
    warnings.simplefilter("always")
    seen = [r.name for r in mm.list_runs()]
    with mm.track(name="by-reader"):
        mm.log_metric("acc", 0.9)
        print("the work ran")
    print("JSON" + json.dumps(seen))
""")


def role_sql() -> str:
    """The role statements of docs/team.md, from the CREATE ROLE mm_reader line on."""
    text = DOCS.read_text()
    block = text.split("```sql", 1)[1].split("```", 1)[0]
    return block[block.index("CREATE ROLE mm_reader"):]


@pytest.fixture
def team(postgres_database, tmp_path, monkeypatch):
    """A team database whose schema the owner (the test's superuser) created."""
    import psycopg

    import mm_jupyter as mm
    from mm_jupyter.services.runs.session import get_session

    monkeypatch.setenv("MM_JUPYTER_DATABASE_URL", postgres_database)
    monkeypatch.setenv("MM_JUPYTER_HOME", str(tmp_path / "owner"))
    get_session().reset_registry()
    with mm.track(name="by-owner"):
        mm.log_metric("acc", 0.5)
    get_session().reset_registry()
    database = postgres_database.rsplit("/", 1)[1]
    owner = psycopg.conninfo.conninfo_to_dict(postgres_database)["user"]
    statements = (role_sql().replace(" mm TO", f" {database} TO")
                  .replace("FOR ROLE mm_owner", f"FOR ROLE {owner}"))
    with psycopg.connect(postgres_database, autocommit=True) as conn:
        for sql in [s for s in statements.split(";") if s.strip() and not s.strip().startswith("\\")]:
            conn.execute("\n".join(ln for ln in sql.splitlines() if not ln.strip().startswith("--")))
    yield postgres_database
    with psycopg.connect(postgres_database, autocommit=True) as conn:
        conn.execute(f"REASSIGN OWNED BY alice, bob, mm_reader, mm_writer TO {owner}")
        conn.execute("DROP OWNED BY alice, bob, mm_reader, mm_writer")
        for role in ("alice", "bob", "mm_writer", "mm_reader"):
            conn.execute(f"DROP ROLE IF EXISTS {role}")


def run_as(url: str, role: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MM_JUPYTER_DATABASE_URL": url.replace("//mm@", f"//{role}@"),
           "MM_JUPYTER_HOME": str(home), "MM_JUPYTER_USER": role}
    return subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=120, env=env)


def test_a_reader_browses_and_its_tracked_work_is_journaled_not_lost(team, tmp_path):
    done = run_as(team, "bob", tmp_path / "bob")
    assert done.returncode == 0, done.stderr
    assert "the work ran" in done.stdout  # the user's code ran and printed
    assert json.loads(done.stdout.split("JSON", 1)[1]) == ["by-owner"]  # browsing works
    assert done.stderr.count("runs are kept in the journal") == 1  # warned once
    journals = list((tmp_path / "bob" / "journal").glob("*.jsonl"))
    assert journals and "by-reader" in journals[0].read_text()


def test_a_writer_records_runs_under_its_own_name(team, tmp_path):
    done = run_as(team, "alice", tmp_path / "alice")
    assert done.returncode == 0, done.stderr
    assert "journal" not in done.stderr
    import mm_jupyter as mm
    from mm_jupyter.services.runs.session import get_session

    get_session().reset_registry()
    assert [r.name for r in mm.list_runs(user="alice")] == ["by-reader"]
    get_session().reset_registry()
