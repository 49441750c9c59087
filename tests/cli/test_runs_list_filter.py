"""mm-jupyter runs list --filter/--sort/--archived/--csv/--columns, as a real process."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time

from mm_jupyter.store import runs

CLI = [sys.executable, "-m", "mm_jupyter.cli.main"]


def cli(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ))


def seed(registry, name, *, params, acc, tags=None):
    run = runs.NewRun(id=runs.new_run_id(), name=name, experiment="exp",
                      started_at=runs.iso_now(), tags=tags or {},
                      params=[(k, v, "explicit") for k, v in params.items()])
    runs.create_run(registry, run)
    runs.write_metric_points(registry, [(run.id, "acc", 0, acc, time.time())])
    runs.finish_run(registry, run.id, status="finished", finished_at=runs.iso_now(),
                    duration_s=1.0)
    time.sleep(0.01)  # distinct start times
    return run.id


def test_filter_sort_and_archived(registry):
    seed(registry, "a", params={"lr": 0.1}, acc=0.95, tags={"team": "risk"})
    seed(registry, "b", params={"lr": 0.01}, acc=0.85)
    old = seed(registry, "c", params={"lr": 0.001}, acc=0.99)
    with registry.write() as conn:
        conn.execute("UPDATE runs SET archived_at = '2026-01-01T00:00:00Z' WHERE id = ?", (old,))
    done = cli("runs", "list", "--filter", "metrics.acc > 0.9 or tags.team = 'risk'", "--json")
    assert done.returncode == 0, done.stderr
    assert [r["name"] for r in json.loads(done.stdout)] == ["a"]
    done = cli("runs", "list", "-f", "params.lr < 1", "--archived", "include",
               "--sort", "param:lr", "--order", "asc", "--json")
    assert [r["name"] for r in json.loads(done.stdout)] == ["c", "b", "a"]
    assert [r["name"] for r in json.loads(cli("runs", "list", "--archived", "only",
                                              "--json").stdout)] == ["c"]
    text = cli("runs", "list", "--filter", "metrics.acc > 2")
    assert text.returncode == 0 and text.stdout.strip() == "no runs match"


def test_a_bad_filter_exits_2_pointing_at_the_token(registry):
    done = cli("runs", "list", "--filter", "metrics.acc 0.9")
    assert done.returncode == 2 and done.stdout == ""
    assert "Invalid value for --filter: filter: expected an operator after" in done.stderr
    assert "at column 13 (found '0.9')" in done.stderr
    assert "  metrics.acc 0.9\n              ^" in done.stderr
    assert "Traceback" not in done.stderr
    bad_sort = cli("runs", "list", "--sort", "bogus")
    assert bad_sort.returncode == 2 and "unknown sort 'bogus'" in bad_sort.stderr
    bad_column = cli("runs", "list", "--csv", "--columns", "id,nope")
    assert bad_column.returncode == 2 and "unknown column 'nope'" in bad_column.stderr


def test_csv_to_stdout(registry):
    seed(registry, "=cmd()", params={"lr": 0.1, "opt": "adam"}, acc=0.5)
    seed(registry, "b", params={"lr": 0.01}, acc=0.75, tags={"team": "+x"})
    done = cli("runs", "list", "--csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["name"] for r in rows] == ["b", "'=cmd()"]
    assert rows[0]["params.lr"] == "0.01" and rows[0]["tags.team"] == "'+x"
    assert rows[1]["params.opt"] == "adam" and rows[1]["metrics.acc"] == "0.5"
    assert list(rows[0])[:8] == ["id", "name", "experiment", "status", "user", "started_at",
                                 "finished_at", "duration_s"]
    picked = cli("runs", "list", "--csv", "--columns", "name,metrics.acc", "--filter",
                 "params.lr > 0.05", "-n", "1")
    assert picked.stdout.splitlines() == ["name,metrics.acc", "'=cmd(),0.5"]


def test_help_names_the_new_options():
    done = cli("runs", "list", "--help")
    for option in ("--filter", "--sort", "--order", "--archived", "--csv", "--columns"):
        assert option in done.stdout
