"""The mm-jupyter command line, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from mm_jupyter.store import runs

CLI = [sys.executable, "-m", "mm_jupyter.cli.main"]


def cli(*args, cwd=None, env=None):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60,
                          cwd=cwd, env={**os.environ, **(env or {})})


def seed(registry, user=None):
    run = runs.NewRun(id=runs.new_run_id(), name="cli-run", experiment="exp",
                      started_at=runs.iso_now(), params=[("lr", 0.1, "auto")], tags={"t": "1"},
                      cell_source="lr = 0.1", user=user)
    runs.create_run(registry, run)
    runs.write_metric_points(registry, [(run.id, "acc", 0, 0.5, time.time()),
                                        (run.id, "acc", 1, float("inf"), time.time())])
    runs.finish_run(registry, run.id, status="finished", finished_at=runs.iso_now(), duration_s=2.0)
    return run.id


def test_runs_list_json_is_the_stable_contract(registry):
    run_id = seed(registry)
    done = cli("runs", "list", "--json")
    assert done.returncode == 0, done.stderr
    (item,) = json.loads(done.stdout)  # strict JSON: Infinity is a string
    assert {"id", "name", "experiment", "status", "started_at", "duration_s", "params",
            "metrics", "tags"} <= set(item)
    assert item["id"] == run_id and item["metrics"] == {"acc": "Infinity"}
    assert item["params"] == {"lr": 0.1} and item["tags"] == {"t": "1"}
    assert json.loads(cli("runs", "list", "--experiment", "other", "--json").stdout) == []


def test_runs_show_by_name_and_text_table(registry):
    seed(registry)
    shown = json.loads(cli("runs", "show", "cli-run", "--json").stdout)
    assert shown["name"] == "cli-run" and shown["code"]["cell"] == "lr = 0.1"
    assert [p["step"] for p in shown["metric_series"]["acc"]] == [0, 1]
    table = cli("runs", "list").stdout
    assert "cli-run" in table and "finished" in table


def test_unknown_run_is_one_clear_line_and_exit_1(registry):
    done = cli("runs", "show", "nope")
    assert done.returncode == 1
    assert done.stderr.strip() == "mm-jupyter: no run with id or name 'nope'"


def test_init_creates_a_project_registry_found_from_subfolders(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MM_JUPYTER_HOME"}
    done = subprocess.run([*CLI, "init"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert done.returncode == 0 and (tmp_path / ".mm" / "registry.db").exists()
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    info = subprocess.run([*CLI, "info", "--json"], capture_output=True, text=True, cwd=sub, env=env)
    data = json.loads(info.stdout)
    assert data["registry"] == str(tmp_path / ".mm") and data["source"] == "project"


def test_info_without_a_registry_creates_nothing(tmp_path):
    # Given an empty folder, no MM_JUPYTER_HOME and a per-user data dir inside tmp_path
    env = {k: v for k, v in os.environ.items()
           if k not in ("MM_JUPYTER_HOME", "MM_JUPYTER_DATABASE_URL")}
    env["JUPYTER_DATA_DIR"] = str(tmp_path / "data")
    work = tmp_path / "work"
    work.mkdir()
    # When info runs, as text and as JSON
    text = subprocess.run([*CLI, "info"], capture_output=True, text=True, cwd=work, env=env)
    as_json = subprocess.run([*CLI, "info", "--json"], capture_output=True, text=True,
                             cwd=work, env=env)
    # Then it says where the registry would be, and no file or folder appeared
    where = tmp_path / "data" / "mm-jupyter"
    assert text.returncode == 0, text.stderr
    assert text.stdout.strip() == (f"no registry at {where} yet (created by the first"
                                   " tracked cell or `mm-jupyter init`)")
    data = json.loads(as_json.stdout)
    assert data["exists"] is False and data["registry"] == str(where)
    assert data["source"] == "user"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["work"]


def test_diff_without_a_notebook_to_compare_names_the_fix(registry, tmp_path):
    seed(registry)
    out = cli("diff", "cli-run")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "run 'cli-run' has no notebook path: pass --notebook PATH or a second run" in out.stderr
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{")
    out = cli("diff", "cli-run", "--notebook", str(broken))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert f"notebook {broken} is not a readable notebook" in out.stderr


def test_runs_list_filters_by_user(registry):
    seed(registry, user="alice")
    found = json.loads(cli("runs", "list", "--user", "alice", "--json").stdout)
    assert [(r["name"], r["user"]) for r in found] == [("cli-run", "alice")]
    assert json.loads(cli("runs", "list", "-u", "bob", "--json").stdout) == []

