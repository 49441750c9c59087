"""The commands of docs/ci.md's pipeline, in its order, as a CI job runs them.

Train headless in a real kernel (``mm-jupyter execute`` on examples/ci/train.ipynb with a
parameter), set the policies, check and promote to staging, package, refuse production
until someone other than the registrant approves, then promote. Everything is configured
from environment variables and nothing asks a question (stdin is closed). The CI service
itself (GitHub Actions, GitLab CI) and ``docker build`` are not run here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "ci" / "train.ipynb"
DOCS = ROOT / "docs" / "ci.md"

pytest.importorskip("sklearn")


@pytest.fixture
def job(tmp_path, registry_backend):
    if registry_backend == "postgresql":
        pytest.skip("the pipeline's commands run once, on SQLite; policies on PostgreSQL:"
                    " tests/api/test_policies.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MM_JUPYTER_")}
    env.update(MM_JUPYTER_HOME=str(tmp_path / "registry"), MM_JUPYTER_USER="ci-bot")

    def run(*args: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mm_jupyter.cli.main", *args], cwd=tmp_path,
            env={**env, **({"MM_JUPYTER_USER": user} if user else {})},
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)

    run.path = tmp_path
    return run


def test_the_documented_pipeline_trains_gates_packages_and_promotes(job):
    docs = DOCS.read_text()
    for command in ("mm-jupyter execute", "models policy set", "models check",
                    "--if-checks-pass", "models package", "models approve"):
        assert command in docs, command  # the docs show what this test runs
    # 1. train in the notebook, headless, with a parameter
    done = job("execute", str(NOTEBOOK), "-p", "C", "0.5", "--output-dir", "executed", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    outcome = json.loads(done.stdout)
    assert outcome["ok"] and outcome["parameters"] == {"C": 0.5}
    executed = nbformat.read(outcome["output"], as_version=4)
    assert any("C = 0.5" in c.source for c in executed.cells
               if "injected-parameters" in c.metadata.get("tags", []))
    # 2. the team's policies (once per registry, here for the test's fresh one)
    assert job("models", "policy", "set", "cancer-clf", "--stage", "staging",
               "--require", "test.accuracy >= 0.9", "--require", "evaluation exists"
               ).returncode == 0
    assert job("models", "policy", "set", "cancer-clf", "--stage", "production",
               "--require", "approvals >= 1", "--require", "test.roc_auc >= 0.95"
               ).returncode == 0
    # 3. check the candidate, promote it to staging
    done = job("models", "check", "cancer-clf@candidate", "--stage", "staging", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    version = json.loads(done.stdout)["version"]
    done = job("models", "promote", "cancer-clf", str(version), "--stage", "staging",
               "--if-checks-pass")
    assert done.returncode == 0, done.stderr
    # 4. package what is in staging (docker build runs on this folder)
    done = job("models", "package", "cancer-clf@staging", "--out", "build/cancer-clf", "--json")
    assert done.returncode == 0, done.stderr
    folder = job.path / "build" / "cancer-clf"
    assert (folder / "Dockerfile").is_file() and (folder / "mm-package.json").is_file()
    # 5. production waits for an approval by someone other than the registrant
    done = job("models", "check", f"cancer-clf:{version}", "--stage", "production", "--json")
    assert done.returncode == 1
    assert json.loads(done.stdout)["failed"] == ["approvals >= 1"]
    done = job("models", "promote", "cancer-clf", str(version), "--stage", "production",
               "--if-checks-pass")
    assert done.returncode == 1 and "approvals >= 1" in done.stdout + done.stderr
    assert job("models", "approve", f"cancer-clf:{version}").returncode == 0  # ci-bot's own
    assert job("models", "check", f"cancer-clf:{version}", "--stage",
               "production").returncode == 1
    done = job("models", "approve", f"cancer-clf:{version}", "--comment", "reviewed the report",
               user="reviewer")
    assert done.returncode == 0, done.stderr
    done = job("models", "promote", "cancer-clf", str(version), "--stage", "production",
               "--if-checks-pass", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stage"] == "production"


def test_execute_reports_a_failing_cell_and_bad_parameters(job, tmp_path):
    broken = tmp_path / "broken.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
                                         nbformat.v4.new_code_cell("1 / 0")])
    nbformat.write(nb, broken)
    done = job("execute", str(broken))
    assert done.returncode == 1 and "ZeroDivisionError" in done.stdout
    done = job("execute", str(broken), "-p", "not a name", "1")
    assert done.returncode == 2 and "not a Python identifier" in done.stderr
