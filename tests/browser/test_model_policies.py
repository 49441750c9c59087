"""The promotion gate of the model view (issue 17), in a real browser.

A registry holds ``churn-clf`` v1, registered by alice from a run that logged
``test.accuracy`` 0.95, and a production policy ``test.accuracy >= 0.99`` that the
version fails. The model view lists the policy; the promote dialog for production
lists the failing rule with its message before anything is sent, and its Promote
button is disabled (Enter does not accept either). The version's details approve it
(the approval is listed), open its model card (name and metrics) and download its
package as a zip. Editing the policy to rules the version passes (after a rule that
does not parse is refused inline) lets the promotion through.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from lab_helpers import open_sidebar

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MODEL = "churn-clf"
REF = f"{MODEL}:1"
RULE = "test.accuracy >= 0.99"
VIEW_ID = f"mm-jupyter-model-{quote(MODEL, safe='')}"

SEED = f"""
import mm_jupyter as mm
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

X, y = load_iris(return_X_y=True, as_frame=True)
with mm.track(name="fit"):
    model = LogisticRegression(max_iter=300).fit(X, y)
    mm.log_metric("test.accuracy", 0.95)
    mm.register_model(model, name={MODEL!r}, reference_data=X)
mm.set_policy({MODEL!r}, "production", require=[{RULE!r}])
"""


def seed(registry_dir: Path) -> None:
    """Register the model and set its policy as alice, in a child Python."""
    result = subprocess.run(
        [sys.executable, "-c", SEED],
        env={**os.environ, "MM_JUPYTER_HOME": str(registry_dir), "MM_JUPYTER_USER": "alice"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def dialog_titled(page: Any, title: str) -> Any:
    """The JupyterLab dialog whose header reads ``title``."""
    return page.locator(".jp-Dialog", has=page.locator(".jp-Dialog-header", has_text=title))


def test_promote_dialog_lists_the_failing_rule_then_approve_and_card(
    lab_factory: Any, page: Any, page_errors: list[str], artifacts_dir: Path
) -> None:
    # Given churn-clf:1 (test.accuracy 0.95) and a production policy needing 0.99
    lab = lab_factory(env={"MM_JUPYTER_USER": "bob"})
    seed(lab.registry_dir)
    check = lab.api(f"mm-jupyter/api/models/{MODEL}/versions/1/checks?stage=production")
    assert check["passed"] is False and check["failed"] == [RULE]

    # When the model opens from the sidebar's Models tab
    page.goto(lab.lab_url())
    panel = open_sidebar(page)
    panel.get_by_role("tab", name="Models").click()
    panel.locator(f'[data-model-name="{MODEL}"]').click()
    view = page.locator(f'[id="{VIEW_ID}"]')
    v1 = view.locator('tbody.jp-mm-ModelVersion[data-version="1"]')
    v1.wait_for()

    # Then the policy section lists production's rule, the model's own
    production = view.locator('.jp-mm-Policy[data-stage="production"]')
    production.locator(f'[data-rule="{RULE}"]').wait_for()
    assert production.get_attribute("data-source") == "model"

    # When the user asks to promote v1 to production
    v1.locator('[data-action="production"]').click()
    dialog = dialog_titled(page, f"Promote {REF} to production?")
    dialog.wait_for()

    # Then the dialog lists the failing rule with its message, and Promote is disabled
    rule = dialog.locator(f'.jp-mm-GateRule[data-rule="{RULE}"]')
    rule.wait_for()
    assert rule.get_attribute("data-status") == "fail"
    assert "0.95" in rule.inner_text()
    assert dialog.locator('.jp-mm-Gate[data-check-state="loaded"]').count() == 1
    promote = dialog.get_by_role("button", name="Promote", exact=True)
    assert promote.is_disabled()
    assert dialog.locator(".jp-mm-Gate-forceBox").count() == 0  # bob may not override
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "model-policy-dialog.png"))

    # And Enter in the comment does not promote either
    dialog.get_by_label("Comment").fill("please")
    dialog.get_by_label("Comment").press("Enter")
    page.wait_for_timeout(300)
    assert dialog.is_visible()
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="detached")
    assert lab.api(f"mm-jupyter/api/models/{MODEL}")["versions"][0]["stage"] == "none"

    # When v1's details open and bob approves it with a comment
    v1.get_by_role("button", name=f"Details of {REF}").click()
    details = v1.locator(".jp-mm-VersionDetails")
    approvals = details.locator(".jp-mm-Pane-approvals")
    approvals.locator(".jp-mm-Approvals-none").wait_for()
    approvals.get_by_label("Approval comment").fill("reviewed the report")
    approvals.locator(".jp-mm-ApproveForm-submit").click()

    # Then the approval is listed with its comment
    entry = approvals.locator('.jp-mm-Approval[data-approval-user="bob"]')
    entry.wait_for()
    assert "reviewed the report" in entry.inner_text()
    assert entry.get_attribute("data-counts") == "true"
    entry.scroll_into_view_if_needed()
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "model-policy-approvals.png"))

    # When the model card opens
    details.locator(".jp-mm-ModelCard-toggle").click()
    card = details.locator(".jp-mm-ModelCard-body")
    card.locator(".jp-mm-ModelCard-markdown-rendered").wait_for()

    # Then it shows the model's name and its metrics
    card_text = card.inner_text()
    assert MODEL in card_text
    assert "test.accuracy" in card_text and "0.95" in card_text
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "model-policy-card.png"))

    # And "Package" downloads the package as a zip, through the authenticated fetch
    with page.expect_download(timeout=120_000) as download_info:
        details.locator(".jp-mm-PackageButton").click()
    download = download_info.value
    assert download.suggested_filename == f"{MODEL}-1.zip"
    saved = Path(download.path())
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
    assert any(name.endswith("MODEL_CARD.md") for name in names), names
    assert details.locator(".jp-mm-PackageButton").is_enabled()

    # When the production policy is edited: a rule that does not parse is refused inline
    production.get_by_role("button", name="Edit the production policy").click()
    editor = production.locator("form.jp-mm-PolicyEditor")
    rules = editor.get_by_label("Rules for production", exact=False)
    assert rules.input_value() == RULE
    rules.fill("test.accuracy >=")
    editor.get_by_role("button", name="Save").click()
    error = editor.locator(".jp-mm-InlineError")
    error.wait_for()
    assert "test.accuracy" in error.inner_text()

    # And a rule the version passes is saved
    rules.fill("test.accuracy >= 0.9\n\napprovals >= 1")
    editor.get_by_role("button", name="Save").click()
    production.locator('[data-rule="approvals >= 1"]').wait_for()
    assert production.locator('[data-rule="test.accuracy >= 0.9"]').count() == 1

    # Then the promote dialog shows every rule passing, and Promote goes through
    v1.locator('[data-action="production"]').click()
    dialog.wait_for()
    dialog.locator('.jp-mm-GateRule[data-rule="approvals >= 1"][data-status="pass"]').wait_for()
    assert dialog.locator('.jp-mm-GateRule[data-status="fail"]').count() == 0
    assert promote.is_enabled()
    promote.click()
    dialog.wait_for(state="detached")
    view.locator('tbody.jp-mm-ModelVersion[data-version="1"][data-stage="production"]').wait_for()

    assert page_errors == []
