"""``mm-jupyter models register`` and ``runs list --children`` as real processes, on runs
made by real scikit-learn fits in tracked cells."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from tracked_fits import N_CANDIDATES, track_fits

import mm_jupyter as mm

CLI = [sys.executable, "-m", "mm_jupyter.cli.main"]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ))


@pytest.fixture
def fits(ip):
    """``gbm`` (a model stored), ``nofit`` and ``search`` (6 candidates as child runs)."""
    return track_fits(ip)


def test_register_prints_the_new_version(fits):
    done = cli("models", "register", "--run", "gbm", "--name", "iris-gbm", "--alias",
               "champion", "--stage", "staging")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "registered iris-gbm:1 from run gbm (@champion)"
    version = mm.get_model("iris-gbm@champion")
    assert (version.version, version.stage, version.run["id"]) == (1, "staging", fits.gbm)


def test_register_json_is_the_version(fits):
    done = cli("models", "register", "-r", fits.gbm[:8], "--name", "m", "--json",
               "--description", "from the CLI")
    assert done.returncode == 0, done.stderr
    version = json.loads(done.stdout)
    assert (version["ref"], version["description"]) == ("m:1", "from the CLI")
    assert version["run"]["name"] == "gbm"
    assert version["created_by"] and version["history"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--run", "nofit", "--name", "m"], "run {nofit} has no autologged model"),
        (["--run", "nope", "--name", "m"], "no run with id or name 'nope'"),
        (["--run", "gbm", "--name", "data"], "cannot register model 'data'"),
        (["--run", "gbm", "--name", "m", "--alias", "9"], "alias '9' must start with a letter"),
        (["--run", "gbm", "--name", "m", "--stage", "prod"], "'prod' is not one of"),
    ],
)
def test_errors_are_one_line_and_exit_1_or_2(fits, args, message):
    mm.log_artifact(b"a,b\n1,2\n", "data", kind="dataset")
    done = cli("models", "register", *args)
    assert done.returncode in (1, 2)
    assert message.format(nofit=fits.nofit) in done.stderr
    assert "Traceback" not in done.stderr
    assert mm.list_models() == []


def test_runs_list_hides_candidates_unless_children(fits):
    done = cli("runs", "list", "--json")
    assert done.returncode == 0, done.stderr
    runs = json.loads(done.stdout)
    assert [r["name"] for r in runs] == ["search", "nofit", "gbm"]
    assert [r["n_children"] for r in runs] == [N_CANDIDATES, 0, 0]
    assert [r["parent_run_id"] for r in runs] == [None, None, None]
    done = cli("runs", "list", "--children", "--json")
    runs = json.loads(done.stdout)
    assert len(runs) == 3 + N_CANDIDATES
    children = [r for r in runs if r["parent_run_id"] == fits.search]
    assert sorted(r["name"] for r in children) == [
        f"search/candidate-{i}" for i in range(N_CANDIDATES)
    ]


def test_runs_list_text_shows_the_count_of_candidates(fits):
    done = cli("runs", "list")
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stdout.splitlines() if " search " in f" {line} "]
    assert f"+{N_CANDIDATES} candidates" in line
    assert "candidate-" not in done.stdout
    done = cli("runs", "list", "--children")
    assert "search/candidate-0" in done.stdout


def test_runs_show_lists_candidates_and_the_parent(fits):
    done = cli("runs", "show", "search", "--json")
    shown = json.loads(done.stdout)
    assert shown["n_children"] == N_CANDIDATES
    done = cli("runs", "show", "search")
    assert "candidates: 6" in done.stdout
    done = cli("runs", "show", "search/candidate-0")
    assert f"parent: search ({fits.search})" in done.stdout
