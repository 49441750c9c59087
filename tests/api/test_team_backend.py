"""The team registry end to end: two users, two machines, one PostgreSQL and one bucket.

Each "machine" is a separate process with its own MM_JUPYTER_HOME (local journal and
read cache) and MM_JUPYTER_USER, pointed at the same real PostgreSQL database and the
same real S3 bucket (SeaweedFS), as JupyterHub users of one team would be.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

TRAIN = textwrap.dedent("""
    import json, sys
    import mm_jupyter as mm
    me = sys.argv[1]
    for i in range(3):
        with mm.track(name=f"{me}-{i}", experiment="churn"):
            mm.log_params({"lr": 0.1 * (i + 1)})
            for step in range(50):
                mm.log_metric("loss", 1 / (step + 1), step=step)
    mm.log_artifact(f"data of {me}".encode(), name=f"{me}-data")
    print("JSON" + json.dumps(sorted(r.name for r in mm.list_runs(limit=50))))
""")

REGISTER = textwrap.dedent("""
    import mm_jupyter as mm
    from sklearn.linear_model import LogisticRegression
    clf = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    with mm.track(name="fit"):
        version = mm.register_model(clf, "churn-clf")
    print("REF", version.ref)
""")

USE = textwrap.dedent("""
    import mm_jupyter as mm
    print("BYTES", mm.use_artifact("alice-data", load=True))
    clf = mm.load_model("churn-clf@production", trust=True)
    print("PRED", list(clf.predict([[0.0], [3.0]])))
""")


@pytest.fixture
def team(postgres_database, s3_server, s3_bucket, tmp_path):
    """The environment of one user's machine, given the user's name."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("MM_JUPYTER_")}

    def machine(user: str) -> dict[str, str]:
        return {**base, **s3_server.env(s3_bucket, "mm"), "MM_JUPYTER_DATABASE_URL": postgres_database,
                "MM_JUPYTER_HOME": str(tmp_path / user), "MM_JUPYTER_USER": user}

    return machine


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=180,
                          env=env)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr  # nothing was refused or journaled
    return done


def test_two_users_share_runs_artifacts_and_a_model(team):
    alice, bob = team("alice"), team("bob")
    # Both track runs at the same time into the same registry
    with ThreadPoolExecutor(2) as pool:
        outs = list(pool.map(lambda who: run(team(who), "-c", TRAIN, who), ["alice", "bob"]))
    seen_by_bob = json.loads(outs[1].stdout.split("JSON", 1)[1])
    assert {f"bob-{i}" for i in range(3)} <= set(seen_by_bob)
    # Each sees the other's runs, recorded under the right user
    cli = [*("-m", "mm_jupyter.cli.main")]
    listed = json.loads(run(bob, *cli, "runs", "list", "--user", "alice", "--json").stdout)
    assert sorted(r["name"] for r in listed) == ["alice-0", "alice-1", "alice-2"]
    assert {r["user"] for r in listed} == {"alice"}
    # alice registers a model; bob, an ML engineer, promotes it
    ref = run(alice, "-c", REGISTER).stdout.split("REF ", 1)[1].strip()
    assert ref == "churn-clf:1"
    promoted = json.loads(run(bob, *cli, "models", "promote", "churn-clf", "1", "--stage",
                              "production", "--json").stdout)
    assert promoted["stage"] == "production"
    history = json.loads(run(alice, *cli, "models", "history", "churn-clf", "--json").stdout)
    assert [(h["to"], h["user"]) for h in history if h["kind"] == "stage"][-1] == \
        ("production", "bob")
    # bob's machine reads alice's artifact and model from the bucket (a fresh read cache)
    used = run(bob, "-c", USE).stdout
    assert "BYTES b'data of alice'" in used
    assert "PRED [0, 1]" in used.replace("np.int64(0)", "0").replace("np.int64(1)", "1")
    # and the bytes live in the bucket, not on anyone's disk only
    info = json.loads(run(bob, *cli, "info", "--json").stdout)
    assert info["backend"] == "postgresql" and info["blobs"].startswith("s3://")
    assert run(bob, *cli, "verify").returncode == 0


def test_a_team_database_that_is_down_costs_the_cell_no_wait_and_no_work(tmp_path):
    # A port nothing listens on: the server is down (the PostgreSQL pool alone would
    # retry for the whole busy timeout while the cell waited)
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MM_JUPYTER_")}
    env.update(MM_JUPYTER_HOME=str(tmp_path / "laptop"),
               MM_JUPYTER_DATABASE_URL=f"postgresql://mm@127.0.0.1:{port}/mm")
    script = textwrap.dedent("""
        import time, mm_jupyter as mm
        start = time.monotonic()
        with mm.track(name="on-the-train"):
            mm.log_metric("acc", 0.9)
        print("TOOK", time.monotonic() - start)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout.split("TOOK", 1)[1]) < 5  # not the 15 s busy timeout
    assert done.stderr.count("RegistryWarning") == 1 and "error connecting" not in done.stderr
    journals = list((tmp_path / "laptop" / "journal").glob("*.jsonl"))
    assert journals and "on-the-train" in journals[0].read_text()


def test_a_bucket_that_is_down_keeps_the_cell_and_its_outputs(ip, registry_dir, monkeypatch):
    # A registry whose blobs are on an S3 endpoint nothing listens on
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("MM_JUPYTER_BLOB_URL", "s3://team-bucket/mm")
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    from mm_jupyter.services.runs.session import get_session

    get_session().reset_registry()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = ip.run_cell('%%mm_track --name offline-bucket\nprint("kept " * 60000)\n41 + 1')
    said = [str(w.message) for w in caught if "mm-jupyter" in str(w.message)]
    assert len(said) == 1 and "blob store s3://team-bucket/mm failed" in said[0]
    # The cell ran as usual, and its run and output went to the journal, not nowhere
    assert result.success and result.result == 42
    import base64

    import mm_jupyter as mm

    journals = list((registry_dir / "journal").glob("*.jsonl"))
    text = journals[0].read_text() if journals else ""
    assert f'"run_id":"{mm.get_run("offline-bucket").id}"' in text  # the run's end
    assert base64.b64encode(b"kept " * 3).decode()[:12] in text  # its output, inline
