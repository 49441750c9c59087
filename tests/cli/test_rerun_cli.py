"""``mm-jupyter rerun`` and ``mm-jupyter checkout`` as real processes, each re-run in a
real kernel: the JSON report's fields, the exit codes (0 reproduced, 1 not, 2 bad
input) and the table; checkout's files, and ``--venv`` listing what pip could not
install instead of failing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from mm_jupyter.store import runs

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "mm_jupyter.cli.main"]


def cli(*args, env=None, timeout=180):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def seed(registry, name, cell, acc, packages=None):
    """A finished run of ``cell`` whose metric ``acc`` was ``acc``."""
    run = runs.NewRun(id=runs.new_run_id(), name=name, experiment="exp",
                      started_at=runs.iso_now(), cell_source=cell,
                      history=[(1, "import math"), (2, f"%%mm_track --name {name}\n{cell}")])
    runs.create_run(registry, run)
    runs.write_metric_points(registry, [(run.id, "acc", 0, acc, time.time())])
    environment = None
    if packages is not None:
        environment = runs.put_environment(
            registry, {"python": "3.11.0", "platform": "Linux", "packages": packages})
    runs.finish_run(registry, run.id, status="finished", finished_at=runs.iso_now(),
                    duration_s=1.0, environment_digest=environment)
    return run.id


def test_rerun_json_and_exit_codes(registry):
    clean = seed(registry, "steady", "acc = 0.5", 0.5)
    noisy = seed(registry, "dice", "import random\nacc = random.random()", 2.0)
    done = cli("rerun", clean, "--json", "--timeout", "120")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) == {"run", "rerun", "status", "reproduced", "rtol", "metrics",
                           "outputs", "packages", "program", "error", "duration_s"}
    assert report["run"] == clean and report["reproduced"] is True
    assert report["status"] == "finished" and report["rtol"] == 1e-6
    assert report["metrics"] == [{"key": "acc", "original": 0.5, "rerun": 0.5, "delta": 0.0,
                                  "within_tolerance": True, "timing": False}]
    # the program: the tracked cell only (it reads nothing from the import before it)
    assert report["program"] == [{"execution_count": 2, "cell_id": None}]
    # Not reproduced: exit 1, and the table names the metric that differs
    done = cli("rerun", "dice", "--rtol", "0.01")
    assert done.returncode == 1, done.stderr
    assert "NOT reproduced" in done.stdout and "rtol 0.01" in done.stdout
    [row] = [line for line in done.stdout.splitlines() if line.startswith("acc")]
    assert row.split()[1] == "2" and row.endswith("DIFFERS")
    assert noisy in done.stdout
    # A program longer than --timeout: stopped, reported, exit 1
    slow = seed(registry, "slow", "import time\ntime.sleep(60)\nacc = 0.5", 0.5)
    done = cli("rerun", slow, "--timeout", "3", "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["status"] == "timeout" and "3 s" in report["error"]
    assert report["reproduced"] is False and report["duration_s"] < 30
    # Bad input: exit 2 before any kernel starts
    for args in (["rerun", "no-such-run"], ["rerun", clean, "--rtol", "-1"],
                 ["rerun", clean, "--timeout", "0"], ["checkout", "no-such-run", "--out", "x"]):
        done = cli(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)


def test_checkout_writes_the_notebook_and_lists_failed_pins(registry, tmp_path):
    seed(registry, "odd name/../x", "import math\nacc = math.sqrt(0.25)", 0.5,
         packages={"mm-jupyter": "0.1.0", "numpy": "2.0.0", "jupyterlab": "4.0.0"})
    out = tmp_path / "out"
    # No package index: pip fails fast, and that is a finding, not an error.
    done = cli("checkout", "odd name/../x", "--out", str(out), "--venv", "--json",
               env={"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": ""}, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    notebook = out / "odd-name-..-x.ipynb"
    assert result["notebook"] == str(notebook) and notebook.is_file()
    assert sorted(p.name for p in out.iterdir()) == [".venv", notebook.name,
                                                     "requirements.txt"]
    cells = json.loads(notebook.read_text())["cells"]
    assert cells[-1]["source"].startswith("%%mm_track --name ")
    assert "acc = math.sqrt(0.25)" in cells[-1]["source"]
    venv = result["venv"]
    assert venv["path"] == str(out / ".venv") and (out / ".venv").is_dir()
    # only what the program imports (math: the standard library) and mm-jupyter
    assert (out / "requirements.txt").read_text() == "mm-jupyter==0.1.0\n"
    assert [f["requirement"] for f in venv["failed"]] == ["mm-jupyter==0.1.0"]
    assert venv["failed"][0]["error"]
    assert venv["installed"] == []
