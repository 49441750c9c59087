"""Offline first, then share: push laptops' registries to a team registry, pull models back.

Each laptop is an embedded SQLite registry of its own (a folder, a user), made by a
real process through the public API; the team registry is a real PostgreSQL database
with its blobs in a real S3 bucket (SeaweedFS). Pushes and pulls go through
``services.sync`` in this process; what arrived is read back from the team registry.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from mm_jupyter.services import sync
from mm_jupyter.services.configuration import add_remote
from mm_jupyter.services.registry import open_registry
from mm_jupyter.store import maintenance, sync_state
from mm_jupyter.store.db import open_database
from mm_jupyter.store.location import RegistryLocation

# A laptop's work: data (identical bytes on every laptop), a fit that reads it, and
# the models named on the command line, each a different fit (so a different digest).
WORK = textwrap.dedent("""
    import json, sys
    import mm_jupyter as mm
    from sklearn.linear_model import LogisticRegression
    who, spec = sys.argv[1], json.loads(sys.argv[2])
    with mm.track(name=f"{who}-prep", experiment="churn"):
        mm.log_params({"rows": 4})
        mm.log_artifact(b"the shared training data", name="churn-data")
    for c, labels in spec:
        with mm.track(name=f"{who}-fit-{c}", experiment="churn"):
            mm.use_artifact("churn-data")
            mm.log_params({"C": c})
            for step in range(20):
                mm.log_metric("loss", 1 / (step + 1), step=step)
            mm.log_metric("odd", float("nan"))
            clf = LogisticRegression(C=c).fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
            moved = labels.pop("move_alias", None)  # taken from the version holding it
            version = mm.register_model(clf, "churn-clf", **labels)
            if moved:
                mm.set_model_alias(version.ref, moved, move=True)
            print("REF", version.ref)
""")


def work(folder: Path, user: str, *fits: tuple[float, dict]) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MM_JUPYTER_")}
    env.update(MM_JUPYTER_HOME=str(folder), MM_JUPYTER_USER=user)
    done = subprocess.run([sys.executable, "-c", WORK, user, json.dumps(fits)], env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return [line.split(" ", 1)[1] for line in done.stdout.splitlines() if line.startswith("REF ")]


def as_user(folder: Path, call):
    """Run ``call(local registry)`` as the laptop's user (its folder's name)."""
    before = os.environ.get("MM_JUPYTER_USER")
    os.environ["MM_JUPYTER_USER"] = folder.name
    try:
        with open_registry(folder) as local:
            return call(local)
    finally:
        if before is None:
            del os.environ["MM_JUPYTER_USER"]
        else:
            os.environ["MM_JUPYTER_USER"] = before


def push(folder: Path, **options):
    return as_user(folder, lambda local: sync.push(local, "team", **options))


def pull(folder: Path, **options):
    return as_user(folder, lambda local: sync.pull(local, "team", **options))


def test_push_sends_everything_once_and_the_team_numbers_versions(laptops):
    alice = laptops("alice")
    assert work(alice, "alice", (1.0, {"alias": "champion", "stage": "staging"}),
                (2.0, {"stage": "production"})) == ["churn-clf:1", "churn-clf:2"]

    first = push(alice)
    assert first["runs"] == {"sent": 3, "updated": 0, "already_there": 0, "conflicts": 0}
    assert first["artifact_versions"]["sent"] == 3  # the data and two model files
    assert first["model_versions"] == {"sent": 2, "already_there": 0, "conflicts": 0}
    assert first["aliases"]["sent"] == 1 and first["stages"]["sent"] == 2
    assert first["blobs"]["sent"] == 3 and first["blobs"]["bytes_sent"] > 0
    assert first["conflicts"] == [] and not first["up_to_date"]

    again = push(alice)  # idempotent: nothing new, and it says so
    assert again["up_to_date"]
    assert all(again[k]["sent"] == 0 for k in ("runs", "artifact_versions", "model_versions"))
    assert again["blobs"]["sent"] == 0

    # Everything arrived whole: runs with their series (NaN kept), lineage, stages, alias
    runs = dict(laptops.rows("SELECT name, user FROM runs"))
    assert runs == {"alice-prep": "alice", "alice-fit-1.0": "alice", "alice-fit-2.0": "alice"}
    points = laptops.rows("SELECT count(*) FROM metrics m JOIN runs r ON r.id = m.run_id"
                                " WHERE r.name = 'alice-fit-1.0' AND m.key = 'loss'")
    assert points == [(20,)]
    odd = laptops.rows("SELECT value FROM latest_metrics WHERE key = 'odd'")
    assert len(odd) == 2 and all(math.isnan(float(v)) for (v,) in odd)
    edges = laptops.rows("SELECT r.name, l.direction FROM lineage l JOIN runs r"
                               " ON r.id = l.run_id JOIN artifact_versions v ON v.id = l.version_id"
                               " JOIN artifacts a ON a.id = v.artifact_id WHERE a.name = 'churn-data'")
    assert sorted(edges) == [("alice-fit-1.0", "input"), ("alice-fit-2.0", "input"),
                             ("alice-prep", "output")]
    stages = laptops.rows("SELECT version, stage, created_by FROM model_versions"
                                " ORDER BY version")
    assert stages == [(1, "staging", "alice"), (2, "production", "alice")]
    assert laptops.rows("SELECT alias FROM model_aliases") == [("champion",)]
    # the blob rows too: every version's content is a known blob there
    assert laptops.rows("SELECT count(*) FROM artifact_versions v"
                        " LEFT JOIN blobs b ON b.digest = v.digest WHERE b.digest IS NULL") == [(0,)]
    with tempfile.TemporaryDirectory() as scratch:
        team = open_database(RegistryLocation(Path(scratch), "remote"), laptops.team_url,
                             laptops.blobs)
        try:
            assert maintenance.verify(team)["missing"] == []  # blobs went before rows
        finally:
            team.close()


def test_two_laptops_local_version_3_become_team_versions_3_and_4(laptops):
    alice, bob = laptops("alice"), laptops("bob")
    work(alice, "alice", (1.0, {}), (2.0, {"alias": "champion", "stage": "production"}))
    push(alice)
    # bob starts from the team's model, then each of them registers a third version
    pulled = pull(bob, models=["churn-clf"])
    assert pulled["model_versions"]["sent"] == 2 and pulled["runs"]["sent"] == 3
    assert work(bob, "bob", (3.0, {"move_alias": "champion", "stage": "production"})) == \
        ["churn-clf:3"]
    assert work(alice, "alice", (4.0, {})) == ["churn-clf:3"]

    assert push(alice)["versions"][-1] == {"kind": "model", "name": "churn-clf", "local": 3,
                                           "remote": 3, "state": "sent"}
    report = push(bob)
    mine = [v for v in report["versions"] if v["kind"] == "model"]
    assert {"kind": "model", "name": "churn-clf", "local": 3, "remote": 4,
            "state": "sent"} in mine
    # the shared data is the same content: already there, not a second version
    assert report["artifact_versions"]["already_there"] >= 1
    assert laptops.rows("SELECT count(*) FROM artifact_versions v JOIN artifacts a"
                              " ON a.id = v.artifact_id WHERE a.name = 'churn-data'") == [(1,)]
    # bob's alias and stage collide with alice's on the team: reported, not overwritten
    kinds = sorted(c["kind"] for c in report["conflicts"])
    assert kinds == ["alias", "stage"]
    assert any("churn-clf@champion is version 2 there" in c["detail"] for c in report["conflicts"])
    assert laptops.rows("SELECT v.version FROM model_aliases s JOIN model_versions v"
                              " ON v.id = s.version_id") == [(2,)]
    assert laptops.rows("SELECT version, stage FROM model_versions ORDER BY version") == \
        [(1, "none"), (2, "production"), (3, "none"), (4, "none")]
    # bob's registry remembers that its version 3 is the team's 4
    with open_registry(bob) as local:
        mapping = sync_state.version_mapping(local, "team", "model")
        with local.read() as conn:
            local_id = conn.execute("SELECT id FROM model_versions WHERE version = 3").fetchone()[0]
    assert mapping[local_id] == 4
    # The team's own event log says where version 4 came from
    events = laptops.rows("SELECT payload FROM registry_events WHERE kind = 'registered'")
    assert any('"source_version": 3' in p and "push by bob" in p for (p,) in events)


def test_pull_brings_a_model_with_its_lineage_and_blobs(laptops):
    alice, carol = laptops("alice"), laptops("carol")
    work(alice, "alice", (1.0, {"stage": "production"}), (2.0, {}))
    push(alice)
    dry = pull(carol, models=["churn-clf"], dry_run=True)
    assert dry["dry_run"] and dry["model_versions"]["sent"] == 2
    with open_registry(carol) as local, local.read() as conn:
        assert conn.execute("SELECT count(*) FROM model_versions").fetchone()[0] == 0

    report = pull(carol, models=["churn-clf"])
    assert report["model_versions"]["sent"] == 2
    assert report["runs"]["sent"] == 3  # both fits and, upstream, the run that made the data
    assert report["conflicts"] == []
    assert pull(carol, models=["churn-clf"])["up_to_date"]

    env = {k: v for k, v in os.environ.items() if not k.startswith("MM_JUPYTER_")}
    env.update(MM_JUPYTER_HOME=str(carol), MM_JUPYTER_USER="carol")
    script = textwrap.dedent("""
        import mm_jupyter as mm
        clf = mm.load_model("churn-clf@production", trust=True)
        print([int(p) for p in clf.predict([[0.0], [3.0]])])
        graph = mm.lineage("churn-clf:1")
        print(repr(graph))
    """)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "[0, 1]"
    assert "alice-fit-1.0" in done.stdout and "alice-prep" in done.stdout
    with open_registry(carol) as local:
        assert maintenance.verify(local)["missing"] == []


def test_a_filtered_push_carries_only_those_runs_and_what_they_point_at(laptops):
    alice = laptops("alice")
    work(alice, "alice", (1.0, {}), (2.0, {}))
    report = push(alice, runs=["alice-fit-1.0"])
    # the run, the model version it registered, its model file and the data it read,
    # and the run that produced that data (a row there must find its producer)
    assert report["runs"]["sent"] == 2
    assert report["model_versions"]["sent"] == 1
    assert sorted(n for (n,) in laptops.rows("SELECT name FROM runs")) == \
        ["alice-fit-1.0", "alice-prep"]
    # a filtered push does not move the cursor: the full push still sends the rest
    rest = push(alice)
    assert rest["runs"]["sent"] == 1 and rest["runs"]["already_there"] == 2
    assert rest["model_versions"] == {"sent": 1, "already_there": 1, "conflicts": 0}


def test_a_remote_without_blobs_is_refused_with_a_clear_error(laptops, postgres_database):
    alice = laptops("alice")
    add_remote(alice, "bare", database=postgres_database, blobs=None)
    with open_registry(alice) as local, pytest.raises(Exception, match="has no blob store"):
        sync.push(local, "bare")


def test_a_run_pushed_while_running_is_completed_by_the_next_push(laptops):
    from mm_jupyter.store.liveness import reap_dead_runs
    from mm_jupyter.store.runs import NewRun, create_run, finish_run, write_metric_points

    alice = laptops("alice")
    now = time.time()  # a live run (fresh heartbeat): the reaper leaves it alone
    with open_registry(alice) as local:
        create_run(local, NewRun(id="0000000000aa", name="long", experiment="e",
                                 started_at="2026-12-07T00:00:00.000Z", user="alice",
                                 host="alice-laptop", pid=4242, heartbeat_ts=now,
                                 params=[("epochs", 3, "explicit")]))
        write_metric_points(local, [("0000000000aa", "loss", 0, 1.0, now)])
    assert push(alice)["runs"]["sent"] == 1
    assert laptops.rows("SELECT status FROM runs") == [("running",)]
    # No heartbeat reaches the team: a teammate's registry open reaps the copy
    with tempfile.TemporaryDirectory() as scratch:
        team = open_database(RegistryLocation(Path(scratch), "remote"), laptops.team_url,
                             laptops.blobs)
        try:
            assert reap_dead_runs(team, now=now + 3600) == ["0000000000aa"]
        finally:
            team.close()
    with open_registry(alice) as local:
        write_metric_points(local, [("0000000000aa", "loss", s, 1.0 / (s + 1), now + s)
                                    for s in (1, 2)])
        finish_run(local, "0000000000aa", status="finished",
                   finished_at="2026-12-07T00:00:09.000Z", duration_s=9.0)
    report = push(alice)
    assert report["runs"] == {"sent": 0, "updated": 1, "already_there": 0, "conflicts": 0}
    assert laptops.rows("SELECT status, duration_s FROM runs") == [("finished", 9.0)]
    # replaced whole, not appended to: three points, one param
    assert laptops.rows("SELECT step FROM metrics ORDER BY step") == [(0,), (1,), (2,)]
    assert laptops.rows("SELECT key FROM params") == [("epochs",)]
    assert push(alice)["up_to_date"]


def test_tags_are_merged_and_a_different_value_is_a_conflict(laptops):
    from mm_jupyter.store.runs import set_tags

    alice = laptops("alice")
    work(alice, "alice")
    push(alice)
    with open_registry(alice) as local, local.read() as conn:
        run_id = conn.execute("SELECT id FROM runs WHERE name = 'alice-prep'").fetchone()[0]
    with tempfile.TemporaryDirectory() as scratch:
        team = open_database(RegistryLocation(Path(scratch), "remote"), laptops.team_url,
                             laptops.blobs)
        try:
            set_tags(team, run_id, {"reviewed": "yes-by-bob"})  # a teammate tagged it
        finally:
            team.close()
    with open_registry(alice) as local:
        set_tags(local, run_id, {"reviewed": "no", "note": "baseline"})
    report = push(alice)
    assert [(c["kind"], c["key"]) for c in report["conflicts"]] == [("tag", "reviewed")]
    assert "'yes-by-bob' there" in report["conflicts"][0]["detail"]
    tags = json.loads(laptops.rows("SELECT tags FROM runs WHERE id = ?", (run_id,))[0][0])
    assert tags == {"reviewed": "yes-by-bob", "note": "baseline"}


def test_a_pushed_stage_is_held_to_the_team_registrys_policy(laptops):
    """A version in production on a laptop is not in production on the team registry
    unless the team's policy says so: the version arrives, its stage is a conflict that
    names the failed rule."""
    from mm_jupyter.services.models import policies

    alice = laptops("alice")
    work(alice, "alice", (1.0, {"stage": "production"}))
    with tempfile.TemporaryDirectory() as scratch:
        team = open_database(RegistryLocation(Path(scratch), "remote"), laptops.database,
                             laptops.blobs)
        try:
            policies.set_policy(team, None, "production", ["approvals >= 1"], user="lead")
        finally:
            team.close()
    report = push(alice)
    assert report["model_versions"]["sent"] == 1 and report["stages"].get("sent", 0) == 0
    [conflict] = [c for c in report["conflicts"] if c["kind"] == "stage"]
    assert "churn-clf:1 may not enter production" in conflict["detail"]
    assert "approvals >= 1" in conflict["detail"]
    assert laptops.rows("SELECT version, stage FROM model_versions") == [(1, "none")]
