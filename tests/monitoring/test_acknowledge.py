"""Acknowledging monitoring alerts from Python (``mm.acknowledge_alert``) and the CLI
(``mm-jupyter monitor ack|unack``), on the registry the location rule finds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import mm_jupyter as mm
from mm_jupyter.errors import NotFoundError
from mm_jupyter.identity import current_user
from mm_jupyter.monitoring import queries

# The monitoring fleet the REST tests use: two firing alerts on fraud/clf:1.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from monitoring_seed import FRAUD, seed_fleet

CLI = [sys.executable, "-m", "mm_jupyter.cli.main"]


def cli(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ))


@pytest.fixture
def fleet(registry):
    return seed_fleet(registry)


def unacknowledged(registry) -> int:
    return queries.list_monitors(registry)["firing"]


def test_python_api_acknowledges_and_undoes(registry, fleet):
    assert unacknowledged(registry) == 2
    alert = mm.acknowledge_alert(fleet.age_alert, comment="retraining")
    assert alert["acknowledged_by"] == current_user() and alert["acknowledged_at"] > 0
    assert alert["actions"][-1] == {**alert["actions"][-1], "kind": "acknowledge",
                                    "status": "ok", "detail": f"{current_user()}: retraining"}
    assert unacknowledged(registry) == 1
    alert = mm.unacknowledge_alert(fleet.age_alert)
    assert alert["acknowledged_at"] is None and unacknowledged(registry) == 2
    with pytest.raises(NotFoundError, match="no monitoring alert 424242"):
        mm.acknowledge_alert(424242)


def test_cli_ack_shows_who_and_the_alerts_table_has_it(registry, fleet):
    done = cli("monitor", "ack", str(fleet.rows_alert), "--comment", "known: tiny batch")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        f"alert {fleet.rows_alert} ({FRAUD}:1 volume.rows, firing) acknowledged by"
        f" {current_user()} ")
    table = cli("monitor", "alerts", f"{FRAUD}:1", "--state", "firing").stdout.splitlines()
    assert "ACKNOWLEDGED (UTC)" in table[0]
    rows = {line.split()[0]: line for line in table[1:]}
    assert current_user() in rows[str(fleet.rows_alert)]
    assert current_user() not in rows[str(fleet.age_alert)]
    assert unacknowledged(registry) == 1
    undone = cli("monitor", "unack", str(fleet.rows_alert), "--json")
    assert undone.returncode == 0 and json.loads(undone.stdout)["acknowledged_at"] is None
    missing = cli("monitor", "ack", "424242")
    assert missing.returncode == 1
    assert missing.stderr.strip() == "mm-jupyter: no monitoring alert 424242"
    assert cli("monitor", "ack", "--help").returncode == 0


def test_notebook_summary_mutes_an_acknowledged_alert(registry, fleet):
    mm.acknowledge_alert(fleet.age_alert)
    html = mm.monitor(f"{FRAUD}:1").summary()._repr_html_()
    assert f"acknowledged by {current_user()}" in html
    assert html.count("acknowledged by") == 1  # the other firing alert is nobody's yet
