"""Reproducibility in a real JupyterLab (issue 15): the hidden-state badge of a run with
warnings and of a clean one in the run view and the runs table, Re-run of the clean
run in a fresh kernel with its report, and Open as notebook.

The runs are real: a notebook executed headless (nbclient) with ``JPY_SESSION_NAME``
naming it, so each tracked cell is checked against that notebook. One cell rewrites
the notebook file, moving the cell that defined ``y`` to the end (``out_of_order``),
another defines ``hidden`` through ``exec`` (``unknown_origin``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lab_helpers import write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Execute a notebook headless and save it, with its outputs, as a second notebook (the
# first is the one the kernel checks against, which a cell rewrites).
EXECUTE_AND_SAVE_AS = """
import sys
import nbformat
from nbclient import NotebookClient

nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=120, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(nb, sys.argv[3])
"""
RUN_VIEW = '[id="mm-jupyter-run-{id}"] .jp-mm-RunDetail'
TABLE = ".jp-mm-RunsTableWidget"
ROW = "tr.jp-mm-TableGrid-row"
CELLS = [
    "%load_ext mm_jupyter",
    "x = 3",
    "y = 1",
    "exec('hidden = 2')",
    # The cell that defined y moved below the cells that use it, saved after it ran.
    "import os, nbformat\n"
    "_nb = nbformat.read(os.environ['JPY_SESSION_NAME'], as_version=4)\n"
    "_nb.cells.append(_nb.cells.pop(2))\n"
    "nbformat.write(_nb, os.environ['JPY_SESSION_NAME'])",
    "%%mm_track --name warned\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "clf = LogisticRegression().fit([[0.0], [1.0]], [0, 1])\n"
    "acc = (hidden + x + y) / 10",
    "%%mm_track --name clean-run\nacc = x / 4",
]


def open_run(page: Any, run_id: str) -> Any:
    """Open a run's view through the command; return the view."""
    page.evaluate(
        "id => { void window.jupyterapp.commands.execute('mm-jupyter:open-run', {id}); }",
        run_id,
    )
    view = page.locator(RUN_VIEW.format(id=run_id))
    view.wait_for()
    return view


def test_badges_rerun_and_open_as_notebook(
    lab_factory: Any,
    page: Any,
    page_errors: list[str],
    artifacts_dir: Path,
) -> None:
    # Given a run with hidden-state warnings and a clean one, from real kernels
    lab = lab_factory("--LabApp.expose_app_in_browser=True")
    path = lab.root_dir / "repro.ipynb"
    write_notebook(path, CELLS)
    env = {**os.environ, "MM_JUPYTER_HOME": str(lab.registry_dir),
           "JPY_SESSION_NAME": str(path)}
    saved = lab.root_dir / "outputs.ipynb"
    subprocess.run([sys.executable, "-c", EXECUTE_AND_SAVE_AS, str(path), str(lab.root_dir),
                    str(saved)], env=env, check=True, timeout=120)
    runs = {r["name"]: r for r in lab.api("mm-jupyter/api/runs")["runs"]}
    warned, clean = runs["warned"], runs["clean-run"]
    assert warned["reproducibility"]["status"] == "warnings", warned["reproducibility"]
    kinds = sorted(i["kind"] for i in warned["reproducibility"]["issues"])
    assert kinds == ["out_of_order", "unknown_origin"], kinds
    assert clean["reproducibility"]["status"] == "clean", clean["reproducibility"]

    page.goto(lab.lab_url())
    page.wait_for_function(
        "() => window.jupyterapp?.commands.hasCommand('mm-jupyter:open-run')"
    )

    # When the run with warnings opens
    view = open_run(page, warned["id"])
    # Then its header shows the warnings badge, and the issues are listed with
    # their explanation and a way to the cell that defined y
    badge = view.locator(".jp-mm-RunHeader .jp-mm-ReproBadge")
    assert badge.get_attribute("data-repro") == "warnings"
    assert badge.inner_text() == "⚠ 2 hidden-state warnings"
    issues = view.locator(".jp-mm-RunRepro .jp-mm-ReproIssue")
    assert issues.count() == 2
    moved = view.locator('.jp-mm-ReproIssue[data-kind="out_of_order"]')
    assert "y was defined by a cell below the cell that used it" in moved.inner_text()
    assert moved.get_by_role("button", name="Open notebook at this cell").count() == 1
    page.wait_for_timeout(200)
    view.screenshot(path=str(artifacts_dir / "reproducibility-warnings.png"))

    # When that button is clicked, the notebook opens with the defining cell selected
    moved.get_by_role("button", name="Open notebook at this cell").click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.content?.activeCell"
        "?.model.sharedModel.getSource() === 'y = 1'"
    )

    # And the run output under the tracked cell shows the badge, the first warning,
    # and the others one click away
    page.evaluate("() => { void window.jupyterapp.commands.execute('docmanager:open',"
                  " {path: 'outputs.ipynb', factory: 'Notebook'}); }")
    card = page.locator(f'.jp-mm-RunOutput[data-run-id="{warned["id"]}"]')
    card.wait_for()
    assert card.locator(".jp-mm-ReproBadge").inner_text() == "⚠ 2 hidden-state warnings"
    assert card.locator(".jp-mm-ReproIssue").count() == 1
    card.get_by_role("button", name="Show all 2 (+1)").click()
    assert card.locator(".jp-mm-ReproIssue").count() == 2
    clean_card = page.locator(f'.jp-mm-RunOutput[data-run-id="{clean["id"]}"]')
    assert clean_card.locator(".jp-mm-ReproBadge").inner_text() == "✓ reproducible"
    page.wait_for_timeout(200)
    card.screenshot(path=str(artifacts_dir / "reproducibility-run-output.png"))

    # When its model is registered from the card, it asks first
    card.locator(".jp-mm-RunOutput-registerOpen").click()
    card.get_by_label("Model name").fill("hidden-clf")
    card.locator(".jp-mm-RunOutput-registerSubmit").click()
    question = card.locator(".jp-mm-RunOutput-confirm")
    question.wait_for()
    assert "This run has 2 hidden-state warnings" in question.inner_text()
    page.wait_for_timeout(200)
    card.screenshot(path=str(artifacts_dir / "reproducibility-register-confirm.png"))
    # and once confirmed, the version is registered with the run's verdict
    question.get_by_role("button", name="Register anyway").click()
    card.locator('[role="status"]', has_text="registered hidden-clf:1").wait_for()
    version = lab.api("mm-jupyter/api/models/hidden-clf/versions/1")
    assert version["reproducibility"]["status"] == "warnings", version["reproducibility"]

    # And the runs table shows a badge per run in its Repro column
    page.evaluate(
        "() => { void window.jupyterapp.commands.execute('mm-jupyter:open-runs-table'); }"
    )
    table = page.locator(TABLE)
    row = table.locator(f'{ROW}[data-run-id="{warned["id"]}"]')
    row.wait_for()
    assert row.locator(".jp-mm-ReproBadge").inner_text() == "⚠ 2"
    clean_row = table.locator(f'{ROW}[data-run-id="{clean["id"]}"]')
    assert clean_row.locator(".jp-mm-ReproBadge").get_attribute("data-repro") == "clean"
    page.wait_for_timeout(200)
    table.screenshot(path=str(artifacts_dir / "reproducibility-table.png"))

    # When the clean run is re-run from its view
    view = open_run(page, clean["id"])
    assert view.locator(".jp-mm-RunHeader .jp-mm-ReproBadge").inner_text() == "✓ reproducible"
    button = view.locator(".jp-mm-RunRepro-rerun")
    button.click()
    # Then the button says what is happening while the kernel runs
    view.get_by_role("button", name="Re-running in a fresh kernel…").wait_for()
    assert button.is_disabled()
    # And the report says it reproduced, with the metric side by side
    report = view.locator(".jp-mm-RerunReport")
    report.wait_for(timeout=60_000)
    assert report.get_attribute("data-reproduced") == "true", report.inner_text()
    assert "Reproduced" in report.locator(".jp-mm-RerunReport-title").inner_text()
    assert report.locator('tr[data-key="acc"]').count() == 1
    new_run = report.locator(".jp-mm-RerunReport-open").get_attribute("data-run-id")
    tags = lab.api(f"mm-jupyter/api/runs/{new_run}")["run"]["tags"]
    assert tags.get("rerun_of") == clean["id"], tags
    page.wait_for_timeout(200)
    view.screenshot(path=str(artifacts_dir / "reproducibility-rerun.png"))

    # And the diff of the original and its re-run says the one re-ran the other
    report.get_by_role("button", name="Diff with the original").click()
    repro_diff = page.locator(".jp-mm-ReproDiff-rerun")
    repro_diff.wait_for()
    assert "reproduced ✓" in repro_diff.inner_text()
    view = open_run(page, clean["id"])

    # When Open as notebook is clicked, the run is saved as a notebook and opened
    view.locator(".jp-mm-RunRepro-checkout").click()
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="clean-run.ipynb").wait_for()
    assert (lab.root_dir / "clean-run.ipynb").exists()
    assert page_errors == []
