"""The REST API on the team backend: PostgreSQL for metadata, an S3 bucket for blobs.

These tests run on the team backend always, whatever ``--registry-backend`` says, on a
real PostgreSQL and a real S3 server (SeaweedFS). alice's Jupyter server (in this
process: ``jp_fetch``) and bob's machine (a separate process with its own
``MM_JUPYTER_HOME`` and ``MM_JUPYTER_USER``) share one database and one bucket, as two
JupyterHub users of a team would.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from types import SimpleNamespace

import pytest
from server_helpers import API, strict_loads

from mm_jupyter.server import blobs as blob_handlers

# bob's notebook cell, run by a real IPython shell in his own process: a figure, stdout,
# a metric, and a model registered from the run.
BOB_CELL = textwrap.dedent('''
    import json, sys
    import matplotlib
    matplotlib.use("Agg")
    from IPython.testing.globalipapp import get_ipython
    ip = get_ipython()
    ip.run_line_magic("load_ext", "mm_jupyter")
    ip.run_line_magic("config", "MMMagics.show_summary = False")
    result = ip.run_cell(sys.argv[1])
    print("JSON" + json.dumps({"ok": result.success, "ref": ip.user_ns["version"].ref}))
''')

FIT = textwrap.dedent('''\
    %%mm_track --name bob-fit --experiment churn
    import matplotlib.pyplot as plt
    import mm_jupyter as mm
    from sklearn.linear_model import LogisticRegression
    clf = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    acc = 0.93
    print("fitted on the team backend")
    plt.plot([1, 3, 2]);
    version = mm.register_model(clf, "churn-clf")
''')

CLI = ("-m", "mm_jupyter.cli.main")


@pytest.fixture
def team(postgres_database, s3_server, s3_bucket, registry_dir, tmp_path, monkeypatch):
    """alice's server (and her kernels, ``mm``) on the team backend; ``machine(user)``
    is the environment of another user's machine on the same database and bucket."""
    shared = {**s3_server.env(s3_bucket, "mm"), "MM_JUPYTER_DATABASE_URL": postgres_database}
    for key, value in {**shared, "MM_JUPYTER_USER": "alice"}.items():
        monkeypatch.setenv(key, value)
    base = {k: v for k, v in os.environ.items() if not k.startswith("MM_JUPYTER_")}

    def machine(user: str) -> dict[str, str]:
        return {**base, **shared, "MM_JUPYTER_HOME": str(tmp_path / user),
                "MM_JUPYTER_USER": user}

    return SimpleNamespace(machine=machine, bucket=s3_bucket, s3=s3_server, home=registry_dir)


def python(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True,
                          timeout=180, env=env)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr  # nothing refused or journaled
    return done


async def get_json(jp_fetch, *path, **params):
    response = await jp_fetch(*API, *path, params=params)
    assert response.code == 200
    return strict_loads(response.body)


def bucket_keys(team) -> set[str]:
    import obstore
    from obstore.store import S3Store
    from s3_server import store_config

    store = S3Store(team.bucket, **store_config(team.s3))
    return {meta["path"] for batch in obstore.list(store) for meta in batch}


async def test_two_users_share_runs_blobs_and_a_model_over_rest(team, jp_fetch, raw_fetch, mm,
                                                                monkeypatch):
    # Given alice's server, which names the team backend in meta
    meta = await get_json(jp_fetch, "meta")
    backend = meta["backend"]
    assert backend["backend"] == "postgresql" and backend["user"] == "alice"
    assert backend["database"].startswith("postgresql://")
    assert backend["database_source"] == "env MM_JUPYTER_DATABASE_URL"
    assert backend["blobs"] == f"s3://{team.bucket}/mm"
    assert backend["blobs_source"] == "env MM_JUPYTER_BLOB_URL"
    # and a run alice tracked from her kernel
    with mm.track("alice-eda", experiment="churn"):
        mm.log_metric("rows", 1000)
    cursor = (await get_json(jp_fetch, "runs"))["cursor"]

    # When bob, on his own machine, tracks a cell that draws a figure and registers a model
    done = python(team.machine("bob"), "-c", BOB_CELL, FIT)
    assert json.loads(done.stdout.split("JSON", 1)[1]) == {"ok": True, "ref": "churn-clf:1"}

    # Then alice's server sees the change (what the sidebar polls) and both users' runs
    changes = await get_json(jp_fetch, "changes", since=str(cursor))
    assert changes["changed"] is True and changes["cursor"] > cursor
    page = await get_json(jp_fetch, "runs")
    assert {(r["name"], r["user"]) for r in page["runs"]} == {
        ("alice-eda", "alice"), ("bob-fit", "bob")}
    mine = await get_json(jp_fetch, "runs", user="bob")
    assert [r["name"] for r in mine["runs"]] == ["bob-fit"]

    # And bob's run shows its output and its figure, whose bytes live in the bucket only
    bob_run = next(r for r in page["runs"] if r["name"] == "bob-fit")
    detail = await get_json(jp_fetch, "runs", bob_run["id"])
    assert detail["run"]["metrics"]["acc"] == 0.93 and detail["run"]["n_figures"] == 1
    assert "fitted on the team backend" in "".join(
        o.get("text") or "" for o in detail["outputs"])
    (figure,) = [o for o in detail["outputs"] if o["output_type"] == "figure"]
    digest = figure["blobs"]["image/png"]["digest"]
    assert f"mm/sha256/{digest[:2]}/{digest}" in bucket_keys(team)
    assert not list(team.home.rglob(digest))  # not on alice's disk before she reads it
    response = await raw_fetch(f"mm-jupyter/api/blobs/{digest}")
    assert response.code == 200 and response.headers["Content-Type"] == "image/png"
    assert response.body.startswith(b"\x89PNG") and hashlib.sha256(response.body).hexdigest() == digest

    # And the model bob registered streams from the bucket in chunks, verified
    monkeypatch.setattr(blob_handlers, "STREAM_ABOVE", 256)
    monkeypatch.setattr(blob_handlers, "CHUNK", 256)
    version = await get_json(jp_fetch, "models", "churn-clf", "versions", "1")
    assert version["run"]["name"] == "bob-fit"
    model_digest = version["artifact"]["digest"]
    response = await raw_fetch(f"mm-jupyter/api/blobs/{model_digest}")
    assert response.code == 200 and len(response.body) > 256
    assert hashlib.sha256(response.body).hexdigest() == model_digest

    # When alice promotes bob's model over REST
    response = await raw_fetch(
        "mm-jupyter/api/models/churn-clf/versions/1/transition", method="POST",
        body=json.dumps({"stage": "production", "comment": "reviewed"}),
        headers={"Content-Type": "application/json"})
    assert response.code == 200, response.body
    assert strict_loads(response.body)["stage"] == "production"

    # Then bob's machine sees the promotion, recorded as alice's
    history = json.loads(python(team.machine("bob"), *CLI, "models", "history", "churn-clf",
                                "--json").stdout)
    stage_changes = [(h["to"], h["user"]) for h in history if h["kind"] == "stage"]
    assert stage_changes[-1] == ("production", "alice")
