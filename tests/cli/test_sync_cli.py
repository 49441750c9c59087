"""``mm-jupyter push`` and ``pull`` as a script uses them: JSON counts, exit codes, resuming.

A real PostgreSQL database and S3 bucket are the team registry (fixture ``laptops``
in tests/team_remote.py); the CLI runs as a separate process on the laptop.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import psycopg

from mm_jupyter.services.registry import open_registry
from mm_jupyter.store.pg import WRITE_LOCK
from mm_jupyter.store.runs import NewRun, create_run, finish_run, write_metric_points


def cli(laptops, folder, *args, check=True):
    done = subprocess.run([sys.executable, "-m", "mm_jupyter.cli.main", *args],
                          env=laptops.env(folder), capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def fill(folder, n_runs: int, *, points: int = 10) -> None:
    """``n_runs`` finished runs with ``points`` loss points each, as tracked cells leave them."""
    now = time.time()
    with open_registry(folder) as local:
        for i in range(n_runs):
            run_id = f"{i:012x}"
            create_run(local, NewRun(id=run_id, name=f"fit-{i}", experiment="churn",
                                     started_at="2026-12-07T00:00:00.000Z", user="alice",
                                     cell_source=f"fit({i})", params=[("i", i, "auto")]))
            write_metric_points(local, [(run_id, "loss", s, 1 / (s + 1), now)
                                        for s in range(points)])
            finish_run(local, run_id, status="finished", finished_at="2026-12-07T00:00:01.000Z",
                       duration_s=1.0)


def test_push_json_counts_dry_run_and_up_to_date(laptops):
    alice = laptops("alice")
    fill(alice, 3)
    dry = json.loads(cli(laptops, alice, "push", "team", "--dry-run", "--json").stdout)
    assert dry["dry_run"] and dry["runs"]["sent"] == 3
    assert laptops.rows("SELECT count(*) FROM runs") == [(0,)]  # nothing moved

    real = json.loads(cli(laptops, alice, "push", "team", "--json").stdout)
    assert {k: real[k] for k in ("runs", "artifact_versions", "model_versions")} == \
        {k: dry[k] for k in ("runs", "artifact_versions", "model_versions")}
    assert real["runs"] == {"sent": 3, "updated": 0, "already_there": 0, "conflicts": 0}
    assert laptops.rows("SELECT count(*) FROM metrics") == [(30,)]

    text = cli(laptops, alice, "push", "team").stdout
    assert text.startswith("Nothing to push: team is up to date")
    again = json.loads(cli(laptops, alice, "push", "team", "--json").stdout)
    assert again["up_to_date"] and again["runs"]["sent"] == 0

    listed = json.loads(cli(laptops, alice, "remote", "list", "--json").stdout)
    assert listed[0]["name"] == "team" and listed[0]["pushed_at"]


def test_conflicts_exit_1_after_pushing_the_rest(laptops):
    script = ("import mm_jupyter as mm\n"
              "v = mm.log_artifact(b'{data}', name='features')\n"
              "mm.set_alias(v.ref, 'golden')\n")
    alice, bob = laptops("alice"), laptops("bob")
    for who, data in ((alice, "a"), (bob, "b")):
        done = subprocess.run([sys.executable, "-c", script.format(data=data)],
                              env=laptops.env(who), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    cli(laptops, alice, "push", "team")
    done = cli(laptops, bob, "push", "team", check=False)
    assert done.returncode == 1, done.stderr
    assert "1 conflicts (nothing was overwritten)" in done.stdout
    assert "features@golden is version 1 there; here it is version 1" in done.stdout
    assert "local version 1 is version 2 on team" in done.stdout
    assert sorted(laptops.rows("SELECT version FROM artifact_versions")) == [(1,), (2,)]
    assert laptops.rows("SELECT v.version FROM artifact_aliases s"
                        " JOIN artifact_versions v ON v.id = s.version_id") == [(1,)]


def test_a_killed_push_is_finished_by_pushing_again(laptops):
    alice = laptops("alice")
    fill(alice, 760)  # four transactions of at most 250 runs
    pusher = subprocess.Popen([sys.executable, "-m", "mm_jupyter.cli.main", "push", "team"],
                              env=laptops.env(alice), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        with psycopg.connect(laptops.team_url, autocommit=True) as conn:
            deadline = time.monotonic() + 120
            while True:  # wait for the first transaction of runs to land
                try:
                    if conn.execute("SELECT count(*) FROM runs").fetchone()[0] > 0:
                        break
                except psycopg.errors.UndefinedTable:
                    pass  # not migrated yet
                assert time.monotonic() < deadline and pusher.poll() is None
                time.sleep(0.02)
            # Hold the writers' lock: the push stops before its next transaction
            conn.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK,))
            pusher.send_signal(signal.SIGKILL)
            pusher.wait(timeout=30)
            landed = conn.execute("SELECT count(*) FROM runs").fetchone()[0]
            conn.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK,))
    finally:
        if pusher.poll() is None:
            pusher.kill()
    assert 0 < landed < 760
    report = json.loads(cli(laptops, alice, "push", "team", "--json").stdout)
    assert report["runs"] == {"sent": 760 - landed, "updated": 0, "already_there": landed,
                              "conflicts": 0}
    assert laptops.rows("SELECT count(*), count(DISTINCT run_id) FROM metrics") == [(7600, 760)]
    assert json.loads(cli(laptops, alice, "push", "team", "--json").stdout)["up_to_date"]


def test_pull_needs_something_to_pull_and_a_known_remote(laptops):
    alice = laptops("alice")
    done = cli(laptops, alice, "pull", "team", check=False)
    assert done.returncode != 0 and "--model NAME or --run RUN" in done.stderr
    done = cli(laptops, alice, "push", "elsewhere", check=False)
    assert done.returncode == 1 and "no remote named 'elsewhere' (remotes: team)" in done.stderr
    done = cli(laptops, alice, "pull", "team", "--model", "nope", check=False)
    assert done.returncode == 1 and "no registered model named 'nope'" in done.stderr
