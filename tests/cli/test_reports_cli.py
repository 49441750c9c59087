"""``mm-jupyter runs show`` lists a run's evaluation reports, as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

import mm_jupyter as mm
from mm_jupyter.services.runs.session import get_session

CLI = [sys.executable, "-m", "mm_jupyter.cli.main"]


def cli(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ))


@pytest.fixture
def gbm(registry_dir):
    """Run ``gbm`` with the report ``test`` (binary) and ``train``."""
    session = get_session()
    session.reset_registry()
    X, y = make_classification(300, 5, random_state=1)
    model = LogisticRegression().fit(X, y)
    with mm.track("gbm") as run:
        test = mm.evaluate(model, X[200:], y[200:])
        mm.evaluate(model, X[:200], y[:200], name="train")
    session.reset_registry()
    yield run.id, test
    session.active.clear()


def test_runs_show_json_gains_the_reports(gbm):
    _, test = gbm
    done = cli("runs", "show", "gbm", "--json")
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert [(r["name"], r["task"], r["artifact"]) for r in shown["reports"]] == [
        ("test", "binary", "gbm-test-report:v1"),
        ("train", "binary", "gbm-train-report:v1"),
    ]
    assert shown["reports"][0]["metrics"] == pytest.approx(test.metrics)
    assert shown["reports"][0] == {**test.to_dict(), "metrics": shown["reports"][0]["metrics"]}
    assert shown["metrics"]["test.roc_auc"] == pytest.approx(test.metrics["roc_auc"])


def test_runs_show_text_has_a_reports_section(gbm):
    done = cli("runs", "show", gbm[0])
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    start = lines.index("  reports:")
    assert lines[start + 1].startswith("    test (binary)  accuracy ")
    assert lines[start + 1].endswith("[gbm-test-report:v1]")
    assert lines[start + 2].startswith("    train (binary)")
