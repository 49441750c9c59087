"""Model monitoring in the sidebar and the main area, in a real browser.

A registry is seeded through the real Python API (``mm.register_model`` with a
reference profile, ``mm.monitor``, ``mon.rule``, ``mon.log``, ``mon.log_labels``):
two normal batches, then two with ``age`` shifted by three standard deviations, so
that the ``drift.psi.*`` rule fires for ``drift.psi.age``. In Chromium, against the
real server: the left-area tab and the sidebar's Monitoring tab show the firing
count; the Monitoring tab lists ``churn-clf:1``; its view draws SVG charts with the
rule's threshold and the breaching points, the firing alert with its action, and
the rules. A non-drifting batch logged while the page is open resolves the alert:
the badges disappear after the change-cursor poll. With the sidebar collapsed and
the view hidden, a drifting batch brings the left-area badge back (background poll).

A feature and a rule name carry HTML: they must show as text and run nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from lab_helpers import SIDEBAR_TAB, open_sidebar

pytestmark = [pytest.mark.browser, pytest.mark.slow]

XSS_FEATURE = "<img src=x onerror=window.__pwned=1>"
XSS_RULE_NAME = '<b onmouseover="window.__pwned=2">psi</b> watch'
REF = "churn-clf:1"
VIEW_ID = f"mm-jupyter-monitor-{quote(REF, safe='')}"

# Shared by the seeding scripts: a frame of three features, `age` shifted by
# `shift` standard deviations. Each script runs in its own Python process.
PRELUDE = f"""
import time
import numpy as np
import pandas as pd
import mm_jupyter as mm

rng = np.random.default_rng(int(time.time() * 1000) % 2**32)
XSS = {XSS_FEATURE!r}

def frame(n, shift=0.0):
    return pd.DataFrame({{
        "age": rng.normal(40, 10, n) + shift * 10,
        "tenure": rng.normal(24, 6, n),
        XSS: rng.normal(100, 20, n),
    }})

def log(mon, shift, ts=None):
    batch = frame(300, shift)
    y = (batch["age"] > 40).astype(int)
    batch_id = mon.log(batch, predictions=y, timestamp=ts,
                       latency_ms=rng.gamma(2.0, 5.0, len(batch)))
    mon.log_labels(batch_id, y)
    return batch_id
"""

SEED = (
    PRELUDE
    + f"""
from sklearn.linear_model import LogisticRegression

X = frame(1000)
model = LogisticRegression(max_iter=500).fit(X, (X["age"] > 40).astype(int))
mm.register_model(model, "churn-clf", reference_data=X, stage="production")

def page_on_call(alert):
    return "paged"

mon = mm.monitor("churn-clf@production")
mon.rule("drift.psi.*", ">", 0.2, severity="warning", name={XSS_RULE_NAME!r},
         action=page_on_call)
now = time.time()
for i, shift in enumerate([0, 0, 3, 3]):
    log(mon, shift, ts=now - (4 - i) * 600)   # every 10 minutes, up to now
mon.wait(30)
"""
)

CALM = PRELUDE + """
log(mm.monitor("churn-clf@production"), 0)
"""

DRIFT = PRELUDE + """
mon = mm.monitor("churn-clf@production")
log(mon, 3)
mon.wait(30)
"""


def run_python(code: str, registry_dir: Path) -> None:
    """Run ``code`` in a child Python against the registry (like a notebook would)."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "MM_JUPYTER_HOME": str(registry_dir)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_monitoring_badge_charts_alert_resolve(
    lab_factory: Any,
    page: Any,
    page_errors: list[str],
    artifacts_dir: Path,
) -> None:
    started = time.monotonic()
    # Given a registry where churn-clf:1 (production) drifted: one alert fires
    lab = lab_factory()
    run_python(SEED, lab.registry_dir)
    listing = lab.api("mm-jupyter/api/monitoring")
    assert listing["firing"] == 1
    assert [m["ref"] for m in listing["monitors"]] == [REF]

    # When JupyterLab opens with the sidebar collapsed
    page.goto(lab.lab_url())
    left_tab = page.locator(SIDEBAR_TAB)
    alerting_tab = page.locator(f'{SIDEBAR_TAB}.jp-mm-mod-alerting[data-mm-alerts="1"]')

    # Then the left-area tab shows the firing count, in its class, data and caption
    alerting_tab.wait_for()
    assert left_tab.get_attribute("title") == "Model management: 1 alert firing"
    assert left_tab.evaluate("e => getComputedStyle(e, '::after').content") == '"1"'

    # When the sidebar opens: the Monitoring tab carries a red, labelled badge
    panel = open_sidebar(page)
    monitoring_tab = panel.get_by_role("tab", name="Monitoring")
    badge = monitoring_tab.locator(".jp-mm-FiringBadge")
    badge.wait_for()
    assert badge.inner_text() == "1"
    assert badge.get_attribute("aria-label") == "1 alert firing"

    # And its list shows the monitored version
    monitoring_tab.click()
    row = panel.locator(f'[data-monitor-ref="{REF}"]')
    row.wait_for()
    assert row.locator(".jp-mm-ArtifactsList-name").inner_text() == "churn-clf"
    assert row.locator(".jp-mm-ArtifactsList-version").inner_text() == ":1"
    assert row.locator('.jp-mm-StageBadge[data-stage="production"]').count() == 1
    assert row.locator(".jp-mm-MonitoringList-rows").inner_text() == "1200 rows"
    assert row.locator(".jp-mm-MonitoringList-batches").inner_text() == "4 batches"
    assert row.locator(".jp-mm-FiringBadge").inner_text() == "1"

    # When the version opens
    row.click()
    view = page.locator(f'[id="{VIEW_ID}"]')
    view.locator(".jp-mm-MonitoringDetail").wait_for()

    # Then the header names it, with stage and counts
    assert view.locator(".jp-mm-MonitorHeader-model").inner_text() == "churn-clf"
    assert view.locator(".jp-mm-MonitorHeader-version").inner_text() == ":1"
    assert view.locator('[data-fact="Rows"]').inner_text() == "1200"
    assert view.locator('[data-fact="Batches"]').inner_text() == "4"
    assert view.locator('[data-fact="Reference profile"]').inner_text() == "yes"

    # And the drift chart draws one line per feature, the rule threshold as a
    # dashed labelled line, and the breaching points of the shifted batches
    drift = view.locator('[data-chart="drift"]')
    drift.locator("svg.jp-mm-Chart-svg").wait_for()
    threshold = drift.locator('.jp-mm-Chart-threshold[data-op=">"][data-threshold="0.2"]')
    assert threshold.count() == 1
    assert threshold.locator("line").get_attribute("stroke-dasharray")
    assert threshold.locator("text").text_content() == "> 0.2"
    age = drift.locator('.jp-mm-Chart-series[data-series="drift.psi.age"]')
    assert age.locator("circle.jp-mm-Chart-breach").count() == 2
    legend = drift.locator(".jp-mm-Chart-legendLabel").all_inner_texts()
    assert sorted(legend) == sorted(["age", "tenure", XSS_FEATURE])
    assert len(drift.locator(".jp-mm-Chart-xTick text").all_text_contents()) >= 2

    # And volume, performance and latency are charted too
    for chart in ("volume", "performance", "latency"):
        assert view.locator(f'[data-chart="{chart}"] svg .jp-mm-Chart-line').count() >= 1

    # And the firing alert is listed, red, with the action it set off
    alert = view.locator('.jp-mm-Alert[data-state="firing"][data-series="drift.psi.age"]')
    assert alert.count() == 1
    assert "drift.psi.age" in alert.locator(".jp-mm-Alert-message").inner_text()
    action = alert.locator('.jp-mm-AlertAction[data-action-kind="callable"]')
    assert action.get_attribute("data-status") == "ok"
    assert "page_on_call" in action.inner_text()

    # And alerts are grouped by rule, one row each, below the charts: the charts are
    # above the fold of the 1440x900 window
    group = view.locator(
        ".jp-mm-AlertGroup",
        has=page.locator('.jp-mm-Alert[data-series="drift.psi.age"]'),
    )
    assert group.locator(".jp-mm-AlertGroup-count").inner_text() == "1 firing"
    assert group.locator(".jp-mm-AlertGroup-rule").inner_text() == "drift.psi.* > 0.2"
    assert group.locator(".jp-mm-AlertGroup-head").get_attribute("aria-expanded") == "true"
    drift_box = drift.bounding_box()
    alerts_box = view.locator(".jp-mm-Section-alerts").bounding_box()
    assert drift_box and alerts_box and drift_box["y"] + drift_box["height"] <= 900
    assert alerts_box["y"] > drift_box["y"]

    # When the alert is acknowledged
    alert.get_by_role("button", name="Acknowledge").click()
    # Then it is muted and says who, and no badge counts it any more
    acked = view.locator('.jp-mm-Alert[data-series="drift.psi.age"][data-acknowledged="yes"]')
    acked.wait_for()
    assert "acknowledged by" in acked.locator(".jp-mm-Alert-acknowledged").inner_text()
    assert "1 acknowledged" in group.locator(".jp-mm-AlertGroup-count").inner_text()
    monitoring_tab.locator(".jp-mm-FiringBadge").wait_for(state="detached", timeout=15_000)
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "monitoring-acknowledged.png"))
    # When it is unacknowledged, it counts again
    acked.get_by_role("button", name="Unacknowledge").click()
    view.locator('.jp-mm-Alert[data-series="drift.psi.age"][data-acknowledged="no"]').wait_for()
    monitoring_tab.locator(".jp-mm-FiringBadge").wait_for(timeout=15_000)

    # And the rule, whose HTML name is plain text
    rule = view.locator('.jp-mm-RuleList tr[data-pattern="drift.psi.*"]')
    assert rule.locator(".jp-mm-RuleList-condition").inner_text() == "> 0.2"
    assert rule.locator(".jp-mm-RuleList-name").inner_text() == XSS_RULE_NAME
    assert "callable" in rule.locator(".jp-mm-RuleList-action").inner_text()

    # And nothing stored ran or became markup
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src='x']").count() == 0

    # A picture of the badge, the list and the view
    page.mouse.move(0, 0)
    page.wait_for_timeout(400)  # let the layout and fonts settle
    page.screenshot(path=str(artifacts_dir / "monitoring.png"))

    # When the drift chart switches to the Kolmogorov–Smirnov statistic
    view.get_by_label("Drift statistic").select_option("ks")

    # Then it draws the KS series, still one line per feature
    drift.locator(".jp-mm-Chart-title", has_text="Kolmogorov–Smirnov").wait_for()
    ks_age = drift.locator('.jp-mm-Chart-series[data-series="drift.ks.age"]')
    ks_age.locator(".jp-mm-Chart-line").wait_for()
    assert drift.locator(".jp-mm-Chart-threshold").count() == 0  # no rule on drift.ks.*

    # When another sidebar tab is shown and a non-drifting batch is logged
    panel.get_by_role("tab", name="Runs").click()
    run_python(CALM, lab.registry_dir)
    resolved_at = time.monotonic()

    # Then, after the cursor poll, the alert is resolved and every badge is gone
    monitoring_tab.locator(".jp-mm-FiringBadge").wait_for(state="detached", timeout=15_000)
    page.locator(f"{SIDEBAR_TAB}.jp-mm-mod-alerting").wait_for(state="detached")
    assert left_tab.get_attribute("title") == "Model management"
    assert left_tab.get_attribute("data-mm-alerts") is None
    # (a rule whose alerts all resolved is one folded row: unfold it)
    view.locator('.jp-mm-AlertGroup[data-state="resolved"] .jp-mm-AlertGroup-head').click()
    resolved = '.jp-mm-Alert[data-state="resolved"][data-series="drift.psi.age"]'
    view.locator(resolved).wait_for()
    assert view.locator('.jp-mm-Alert[data-state="firing"]').count() == 0
    resolve_s = time.monotonic() - resolved_at

    # When the sidebar is collapsed, the view closed, and drift comes back
    left_tab.click()
    panel.wait_for(state="hidden")
    dock_tabs = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab")
    view_tab = dock_tabs.filter(has_text=f"{REF} monitoring")
    view_tab.locator(".lm-TabBar-tabCloseIcon").click()
    view.wait_for(state="detached")
    run_python(DRIFT, lab.registry_dir)

    # Then the background poll (every 5 s while nothing is on screen) brings the
    # left-area badge back
    alerting_tab.wait_for(timeout=20_000)
    assert left_tab.get_attribute("title") == "Model management: 1 alert firing"

    assert page_errors == []
    print(
        f"monitoring browser test: {time.monotonic() - started:.1f} s,"
        f" badge cleared {resolve_s:.1f} s after the calm batch"
    )
