"""The sidebar and its views in Jupyter Notebook 7 (issue 14, scope 9).

Notebook 7's main area holds one widget (the file browser, or the notebook), so a
view added to it is silently dropped; mm-jupyter opens its views in Notebook 7's down
panel instead (``shared/mainArea.ts``). In a real ``jupyter notebook`` server the
sidebar is shown from View > Left Sidebar, a run is clicked and its view appears;
two runs are selected and Diff, then Compare, open their views.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import start_notebook, stop_lab
from lab_helpers import SIDEBAR, execute_notebook, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    "%load_ext mm_jupyter",
    "%%mm_track --name base\nlr = 0.1\nmm.log_metric('acc', 0.8)",
    "%%mm_track --name tuned\nlr = 0.05\nmm.log_metric('acc', 0.9)",
]


def show_sidebar(page: Any) -> Any:
    """View > Left Sidebar > Show Model management, as a user does; return the panel.

    Notebook 7 remembers the open sidebar across its pages: if it is shown already,
    the menu offers to hide it, and nothing is clicked.
    """
    page.wait_for_timeout(500)  # the layout is restored after the page's first paint
    if page.locator(SIDEBAR).is_visible():
        return page.locator(SIDEBAR)
    page.get_by_role("menuitem", name="View").click()
    page.locator(".lm-Menu-itemLabel", has_text="Left Sidebar").click()
    page.locator(".lm-Menu-itemLabel", has_text="Show Model management").click()
    panel = page.locator(SIDEBAR)
    panel.wait_for(state="visible")
    return panel


def not_notebook_core(error: Any) -> bool:
    """Whether a page error comes from anything but Notebook 7's own core bundle.

    Notebook 7.6's shortcuts plugin throws "Cannot read properties of undefined
    (reading 'schema')" from ``notebook_core.*.js`` on every page load, with or
    without mm-jupyter (its pluginChanged handler reads a plugin it has not loaded).
    """
    return "/static/notebook/notebook_core." not in (error.stack or "")


def test_run_diff_and_compare_open_in_notebook7(
    chromium_path: Path, tmp_path: Path, page: Any, artifacts_dir: Path,
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"{e}\n{e.stack}") if not_notebook_core(e)
            else None)
    server = start_notebook(tmp_path / "nb7")
    try:
        # Given two tracked runs, base then tuned, in a notebook of the server's folder
        notebook = server.root_dir / "tune.ipynb"
        write_notebook(notebook, [CELLS[0], "import mm_jupyter as mm", *CELLS[1:]])
        execute_notebook(notebook, server.registry_dir)
        runs = {r["name"]: r for r in server.api("mm-jupyter/api/runs")["runs"]}
        base, tuned = runs["base"]["id"], runs["tuned"]["id"]

        # When Notebook 7's file browser shows the sidebar and a run is clicked
        page.goto(server.lab_url("tree", ""))
        page.locator(".jp-DirListing-item", has_text="tune.ipynb").wait_for()
        panel = show_sidebar(page)
        panel.locator(f'tr[data-run-id="{base}"]').click()

        # Then the run's view appears (in the down panel), with its params and metrics
        view = page.locator(f'[id="mm-jupyter-run-{base}"]')
        view.wait_for(state="visible")
        view.get_by_text("lr", exact=True).first.wait_for()
        text = view.inner_text()
        assert "base" in text and "0.1" in text and "acc" in text
        box = view.bounding_box()
        assert box and box["width"] > 900 and box["height"] > 200, box
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts_dir / "notebook7-run.png"))

        # When both runs are checked and Diff is clicked
        panel.locator(f'tr[data-run-id="{base}"] .jp-mm-RunsTable-select').check()
        panel.locator(f'tr[data-run-id="{tuned}"] .jp-mm-RunsTable-select').check()
        bar = panel.locator(".jp-mm-CompareBar")
        bar.locator(".jp-mm-CompareBar-diff").click()
        # Then the diff appears, older run as A
        diff = page.locator(f'[id="mm-jupyter-diff-{base}-{tuned}"]')
        diff.locator(".jp-mm-DiffView").wait_for(state="visible")
        lr = diff.locator('.jp-mm-DiffParams tr[data-param="lr"]')
        assert lr.locator(".jp-mm-DiffTable-a").inner_text() == "0.1"
        assert lr.locator(".jp-mm-DiffTable-b").inner_text() == "0.05"
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts_dir / "notebook7-diff.png"))

        # When Compare is clicked, the comparison appears too
        bar.locator(".jp-mm-CompareBar-compare").click()
        compare = page.locator('[id^="mm-jupyter-compare"]').first
        compare.wait_for(state="visible")
        compare.get_by_text("tuned").first.wait_for()
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts_dir / "notebook7-compare.png"))

        # And on a notebook page too: a run opens below the notebook
        page.goto(server.lab_url("notebooks/tune.ipynb", ""))
        page.locator(".jp-Notebook .jp-Cell").first.wait_for()
        panel = show_sidebar(page)
        panel.locator(f'tr[data-run-id="{tuned}"]').click()
        view = page.locator(f'[id="mm-jupyter-run-{tuned}"]')
        view.wait_for(state="visible")
        view.get_by_text("tuned").first.wait_for()
        assert page.locator(".jp-Notebook").is_visible()
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts_dir / "notebook7-notebook-run.png"))

        # And in the dark theme (Settings > Theme), the same page
        page.get_by_role("menuitem", name="Settings").click()
        page.locator(".lm-Menu-itemLabel", has_text="Theme").first.click()
        page.locator(".lm-Menu-itemLabel").get_by_text("JupyterLab Dark", exact=True).click()
        page.locator('body[data-jp-theme-light="false"]').wait_for(state="attached")
        view.get_by_text("tuned").first.wait_for()
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts_dir / "notebook7-notebook-run-dark.png"))
        assert errors == []
    finally:
        stop_lab(server)
