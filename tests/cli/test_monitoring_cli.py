"""``mm-jupyter monitor status|alerts|series`` and ``serve --help``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from mm_jupyter.cli.main import main
from mm_jupyter.services.runs.session import get_session

pd = pytest.importorskip("pandas")
pytest.importorskip("sklearn")
from sklearn.linear_model import LogisticRegression  # noqa: E402

FEATURES = ["age", "income"]


@pytest.fixture
def monitored(registry_dir):
    """``churn:1`` with two logged batches and a firing ``volume.rows`` alert."""
    import mm_jupyter as mm

    get_session().reset_registry()
    rng = np.random.default_rng(0)
    X = pd.DataFrame({f: rng.normal(0, 1, 300) for f in FEATURES})
    model = LogisticRegression().fit(X, (X["age"] > 0).astype(int))
    mm.register_model(model, "churn", reference_data=X, stage="production")
    mon = mm.monitor("churn@production")
    mon.rule("volume.rows", ">", 50, severity="critical")
    for seed in (1, 2):
        batch = pd.DataFrame({f: np.random.default_rng(seed).normal(0, 1, 100) for f in FEATURES})
        mon.log(batch, predictions=model.predict(batch), latency_ms=[2.0] * 100)
    yield "churn@production"
    get_session().reset_registry()


def invoke(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_status_json_is_the_rest_payload(monitored):
    detail = json.loads(invoke("monitor", "status", monitored, "--json"))
    assert set(detail) == {"monitor", "latest", "features", "series_keys", "rules", "alerts",
                           "last_report"}
    assert detail["monitor"]["ref"] == "churn:1"
    assert (detail["monitor"]["batches"], detail["monitor"]["rows"]) == (2, 200)
    assert detail["latest"]["volume.rows"]["value"] == 100
    assert "latency.p99_ms" in detail["series_keys"]
    assert [a["series"] for a in detail["alerts"]] == ["volume.rows"]


def test_status_text_shows_volume_latest_values_alerts_and_rules(monitored):
    text = invoke("monitor", "status", monitored)
    assert text.startswith("churn:1  stage production")
    assert "batches 2  rows 200" in text and "firing alerts 1" in text
    assert "volume.rows" in text and "latency.p99_ms" in text
    assert "critical" in text and "> 50" in text


def test_alerts_json_text_and_state_filter(monitored):
    page = json.loads(invoke("monitor", "alerts", monitored, "--json"))
    assert {"total", "offset", "limit", "alerts"} <= set(page) and page["total"] == 1
    (alert,) = page["alerts"]
    assert (alert["state"], alert["series"], alert["occurrences"]) == ("firing", "volume.rows", 2)
    assert json.loads(invoke("monitor", "alerts", monitored, "--state", "resolved",
                             "--json"))["alerts"] == []
    text = invoke("monitor", "alerts", monitored)
    assert text.splitlines()[0].split()[:4] == ["ID", "STATE", "SEVERITY", "SERIES"]
    assert "firing" in text and "volume.rows" in text
    assert invoke("monitor", "alerts", monitored, "--state", "resolved").strip() == \
        "no resolved alerts"


def test_series_by_key_and_pattern(monitored):
    payload = json.loads(invoke("monitor", "series", monitored, "--key", "volume.rows",
                                "--key", "latency.mean_ms", "--json"))
    assert payload["ref"] == "churn:1"
    by_key = {s["key"]: s for s in payload["series"]}
    assert set(by_key) == {"volume.rows", "latency.mean_ms"}
    assert [p["value"] for p in by_key["volume.rows"]["points"]] == [100, 100]
    assert by_key["volume.rows"]["thresholds"][0]["threshold"] == 50
    last = json.loads(invoke("monitor", "series", monitored, "--pattern", "drift.psi.*",
                             "--limit", "1", "--json"))
    assert {s["key"] for s in last["series"]} == {"drift.psi.age", "drift.psi.income"}
    assert all(len(s["points"]) == 1 and s["truncated"] for s in last["series"])
    text = invoke("monitor", "series", monitored, "--pattern", "volume.*")
    header, row = text.splitlines()
    assert header.split() == ["SERIES", "POINTS", "LATEST", "MIN", "MAX", "LAST", "(UTC)"]
    assert row.split()[:5] == ["volume.rows", "2", "100", "100", "100"]


def test_key_and_pattern_together_is_a_usage_error(monitored):
    result = CliRunner().invoke(main, ["monitor", "series", monitored, "-k", "a", "-p", "b"])
    assert result.exit_code == 2 and "not both" in result.output


def test_unknown_model_is_one_line_and_exit_1(registry_dir):
    done = subprocess.run([sys.executable, "-m", "mm_jupyter.cli.main", "monitor", "status", "nope"],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "MM_JUPYTER_HOME": str(registry_dir)})
    assert done.returncode == 1
    assert done.stderr.startswith("mm-jupyter: ") and "nope" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_serve_help_warns_about_exposure_and_trust():
    text = " ".join(invoke("serve", "--help").split())
    assert "127.0.0.1" in text and "reverse proxy" in text and "--trust" in text
    assert "--flush-seconds" in text and "--flush-rows" in text
