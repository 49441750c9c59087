"""Run housekeeping on both backends: edits, visibility, moves, the audit trail, and
gc purging soft-deleted runs (their rows, snapshots and the blobs only they used)."""

from __future__ import annotations

import time

import pytest
from test_pg_roles import team  # noqa: F401  (the team database fixture: docs/team.md roles)

from mm_jupyter.errors import ConflictError, NotFoundError
from mm_jupyter.services.artifacts.maintenance import collect_garbage
from mm_jupyter.services.runs import housekeeping as hk
from mm_jupyter.store import queries, runs
from mm_jupyter.store.details import run_detail


def make_run(registry, name="r", experiment="e", *, finish=True, outputs=(), blobs=(), **kw):
    run = runs.NewRun(id=runs.new_run_id(), name=name, experiment=experiment,
                      started_at=runs.iso_now(), **kw)
    runs.create_run(registry, run)
    if finish:
        runs.finish_run(registry, run.id, status="finished", finished_at=runs.iso_now(),
                        duration_s=1.0, outputs=outputs, blobs=blobs)
    return run.id


def figure(registry, payload: bytes, seq=0):
    digest = registry.blobs.put_bytes(payload)
    output = runs.OutputRecord(seq=seq, output_type="display_data",
                               blobs={"image/png": {"digest": digest, "size": len(payload)}})
    return digest, output, (digest, len(payload), "image/png")


def test_update_changes_only_what_is_given_and_records_each_change(registry):
    run_id = make_run(registry, name="baseline", tags={"team": "risk", "old": "x"})
    seq = registry.change_seq()

    state = hk.update_run(registry, run_id, name="tuned", note="# why\nlr too high",
                          tags={"stage": "exp", "old": None}, starred=True, user="alice")

    assert state["name"] == "tuned" and state["starred"] is True
    assert state["note"] == "# why\nlr too high"
    assert state["tags"] == {"team": "risk", "stage": "exp"}
    assert registry.change_seq() > seq
    detail = run_detail(registry, run_id)
    assert {e["action"] for e in detail["events"]} == {"rename", "note", "tag", "star"}
    assert all(e["user"] == "alice" and e["at"].endswith("Z") for e in detail["events"])
    rename = next(e for e in detail["events"] if e["action"] == "rename")
    assert rename["detail"] == {"from": "baseline", "to": "tuned"}
    tag = next(e for e in detail["events"] if e["action"] == "tag")
    assert tag["detail"] == {"from": {"old": "x", "stage": None},
                             "to": {"old": None, "stage": "exp"}}

    # The same values again change nothing and record nothing; note="" clears the note.
    hk.update_run(registry, run_id, name="tuned", starred=True, user="bob")
    assert len(run_detail(registry, run_id)["events"]) == 4
    assert hk.update_run(registry, run_id, note="", user="bob")["note"] is None
    events = run_detail(registry, run_id)["events"]
    assert events[0]["action"] == "note" and events[0]["user"] == "bob"  # newest first
    assert events[0]["detail"] == {"from": "# why\nlr too high", "to": None}


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "a:b"}, "run name 'a:b' contains ':'"),
    ({"name": ""}, "run name '' is empty"),
    ({"note": "x" * (64 * 1024 + 1)}, "65537 bytes; the limit is 65536"),
    ({"note": 3}, "a note must be a string"),
    ({"tags": {"": "v"}}, "a tag key must be a non-empty string"),
    ({"tags": {"k": ["v"]}}, "tag 'k' must have a string value, not list"),
    ({"tags": ["k"]}, "tags must be a mapping"),
    ({"starred": "yes"}, "starred must be true or false"),
])
def test_bad_input_is_named_and_changes_nothing(registry, kwargs, message):
    run_id = make_run(registry, name="keep")
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        hk.update_run(registry, run_id, **{"name": "other", **kwargs})
    assert queries.get_run_summary(registry, run_id)["name"] == "keep"
    assert run_detail(registry, run_id)["events"] == []


def test_unknown_run_is_not_found(registry):
    with pytest.raises(NotFoundError):
        hk.archive_run(registry, "nope-such-run")


def test_children_follow_their_parent_and_running_runs_stay(registry):
    parent = make_run(registry, name="search")
    child = make_run(registry, name="cand")
    with registry.write() as conn:  # a search's candidate (the recorder sets this link)
        conn.execute("UPDATE runs SET parent_run_id = ? WHERE id = ?", (parent, child))

    hk.archive_run(registry, parent, user="alice")
    assert run_detail(registry, child)["archived_at"] is not None
    hk.delete_run(registry, parent, user="alice")
    assert run_detail(registry, child)["deleted_at"] is not None
    hk.restore_run(registry, parent, user="alice")
    restored = run_detail(registry, child)
    assert restored["archived_at"] is None and restored["deleted_at"] is None
    assert [e["action"] for e in restored["events"]] == ["restore", "delete", "archive"]
    moved = hk.move_run(registry, parent, "new-exp", user="alice")
    assert moved["experiment"] == "new-exp"
    assert queries.get_run_summary(registry, child)["experiment"] == "new-exp"
    assert run_detail(registry, parent)["events"][0]["detail"] == {"from": "e", "to": "new-exp"}

    running = make_run(registry, name="live", finish=False)
    with pytest.raises(ConflictError, match="still running"):
        hk.delete_run(registry, running)
    with pytest.raises(ConflictError, match="still running"):
        hk.move_run(registry, running, "elsewhere")
    assert run_detail(registry, running)["deleted_at"] is None
    hk.archive_run(registry, running)  # archiving a running run is allowed
    with pytest.raises(ValueError, match="an experiment name must be a non-empty"):
        hk.move_run(registry, parent, " ")


def test_gc_purges_deleted_runs_and_their_own_blobs_only(registry):
    shared, shared_out, shared_row = figure(registry, b"shared png bytes")
    own, own_out, own_row = figure(registry, b"only the deleted run's png", seq=1)
    live = make_run(registry, name="live", outputs=[shared_out], blobs=[shared_row],
                    cell_source="x = 1")
    doomed = make_run(registry, name="doomed", outputs=[shared_out, own_out],
                      blobs=[shared_row, own_row], cell_source="y = 2 # only here",
                      params=[("lr", 0.1, "explicit")])
    runs.write_metric_points(registry, [(doomed, "loss", 0, 0.5, time.time())])
    hk.update_run(registry, doomed, note="gone soon", user="alice")
    hk.delete_run(registry, doomed, user="alice")

    # Within the grace period nothing is purged.
    kept = collect_garbage(registry, grace_s=3600)
    assert kept["runs_purged"] == 0 and registry.blobs.has(own)

    # A dry run reports what would go, and leaves everything in place.
    dry = collect_garbage(registry, grace_s=0, dry_run=True)
    assert dry["runs_purged"] == 1 and dry["removed"] == 1 and dry["dry_run"] is True
    assert dry["freed_bytes"] >= len(b"only the deleted run's png")
    assert run_detail(registry, doomed)["deleted_at"] is not None and registry.blobs.has(own)

    report = collect_garbage(registry, grace_s=0)
    assert report["runs_purged"] == 1 and report["removed"] == 1
    assert report["snapshots_removed"] >= 1
    with pytest.raises(NotFoundError):
        run_detail(registry, doomed)
    assert not registry.blobs.has(own)
    assert registry.blobs.has(shared)  # still used by the live run
    assert run_detail(registry, live)["code"]["cell"] == "x = 1"
    with registry.read() as conn:
        for table in ("params", "metrics", "latest_metrics", "outputs", "run_events"):
            count = conn.execute(f"SELECT count(*) FROM {table} WHERE run_id = ?",
                                 (doomed,)).fetchone()[0]
            assert count == 0, table
        assert conn.execute("SELECT count(*) FROM code_snapshots WHERE content = ?",
                            ("y = 2 # only here",)).fetchone()[0] == 0
    assert collect_garbage(registry, grace_s=0)["runs_purged"] == 0


def test_gc_purges_on_the_team_backend(postgres_database, s3_server, s3_bucket, registry_dir,
                                       monkeypatch):
    # PostgreSQL for the rows and a real S3 server for the blobs, as a team runs it.
    from mm_jupyter.store import open_registry

    monkeypatch.setenv("MM_JUPYTER_DATABASE_URL", postgres_database)
    for key, value in s3_server.env(s3_bucket, "team").items():
        monkeypatch.setenv(key, value)
    registry = open_registry(registry_dir)
    try:
        assert registry.backend == "postgresql" and registry.blobs.describe().startswith("s3://")
        shared, shared_out, shared_row = figure(registry, b"team shared png")
        own, own_out, own_row = figure(registry, b"team png of the deleted run", seq=1)
        make_run(registry, name="live", outputs=[shared_out], blobs=[shared_row])
        doomed = make_run(registry, name="doomed", outputs=[shared_out, own_out],
                          blobs=[shared_row, own_row])
        hk.delete_run(registry, doomed, user="alice")
        report = collect_garbage(registry, grace_s=0)
        assert report["runs_purged"] == 1 and report["removed"] == 1
        assert not registry.blobs.has(own) and registry.blobs.has(shared)
        with pytest.raises(NotFoundError):
            run_detail(registry, doomed)
    finally:
        registry.close()


def test_a_team_reader_cannot_change_runs(team, tmp_path):  # noqa: F811
    # The roles of docs/team.md: bob reads, alice writes. The database refuses bob's
    # change, and the CLI says so in one line; alice's goes through.
    import json
    import os
    import subprocess
    import sys

    def cli(role, *args):
        env = {**os.environ, "MM_JUPYTER_USER": role, "MM_JUPYTER_HOME": str(tmp_path / role),
               "MM_JUPYTER_DATABASE_URL": team.replace("//mm@", f"//{role}@")}
        return subprocess.run([sys.executable, "-m", "mm_jupyter.cli.main", *args],
                              capture_output=True, text=True, timeout=120, env=env)

    denied = cli("bob", "runs", "star", "by-owner")
    assert denied.returncode == 1 and "permission denied" in denied.stderr
    assert denied.stderr.startswith("mm-jupyter: ") and "Traceback" not in denied.stderr
    shown = json.loads(cli("bob", "runs", "show", "by-owner", "--json").stdout)
    assert shown["starred"] is False and shown["events"] == []
    done = cli("alice", "runs", "star", "by-owner", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["starred"] is True


def test_a_team_readers_change_is_a_permission_error_and_a_403(team, registry_dir, monkeypatch):  # noqa: F811
    # The database's refusal is its own error (not "registry unavailable"), so the REST
    # API answers 403 rather than 503 and the CLI can say what happened.
    from mm_jupyter.errors import RegistryPermissionError
    from mm_jupyter.server.base import BaseHandler
    from mm_jupyter.store import open_registry

    monkeypatch.setenv("MM_JUPYTER_DATABASE_URL", team.replace("//mm@", "//bob@"))
    registry = open_registry(registry_dir)
    try:
        run_id = queries.resolve_run(registry, "by-owner")
        with pytest.raises(RegistryPermissionError, match="permission denied") as raised:
            hk.update_run(registry, run_id, starred=True, user="bob")
        status, message = BaseHandler.classify(None, raised.value)  # type: ignore[arg-type]
        assert status == 403 and "permission denied" in message
        assert queries.get_run_summary(registry, run_id)["starred"] is False
    finally:
        registry.close()
