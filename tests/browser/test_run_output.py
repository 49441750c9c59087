"""The run output below a tracked cell in a real JupyterLab (issue 14): rendered by the
extension, still rendered after a kernel restart and a reopened notebook, opens its
run, registers the run's model without the kernel; and the run view opens the
notebook at the run's cell."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lab_helpers import write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KERNEL_IDLE = "Python 3 (ipykernel) | Idle"
FIT = (
    "%%mm_track --name lab-fit\n"
    "from sklearn.datasets import load_iris\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "X, y = load_iris(return_X_y=True)\n"
    "clf = LogisticRegression(max_iter=300).fit(X, y)\n"
    "acc = clf.score(X, y)"
)


# Execute a notebook headlessly and save it with its outputs (nbconvert --execute's way).
EXECUTE_AND_SAVE = """
import sys
import nbformat
from nbclient import NotebookClient

nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=120, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(nb, sys.argv[1])
"""


def run_row(lab: Any, name: str) -> tuple[str, str | None, str | None]:
    """``(id, notebook_path, cell_id)`` of run ``name``, read from the registry."""
    from mm_jupyter.store import open_registry

    with open_registry(lab.registry_dir) as registry, registry.read() as conn:
        row = conn.execute(
            "SELECT id, notebook_path, cell_id FROM runs WHERE name = ?", (name,)
        ).fetchone()
    return row[0], row[1], row[2]


def test_run_output_survives_restart_opens_registers_and_leads_back(
    lab_factory: Any, page: Any, page_errors: list[str], artifacts_dir: Path
) -> None:
    lab = lab_factory("--LabApp.expose_app_in_browser=True")
    path = lab.root_dir / "fit.ipynb"
    write_notebook(path, ["%load_ext mm_jupyter", FIT, "after = 1"])

    # Given a tracked cell that fits a scikit-learn model, run in JupyterLab
    page.goto(lab.lab_url("lab/tree/fit.ipynb"))
    page.get_by_text(KERNEL_IDLE).wait_for(timeout=60_000)
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    card = page.locator(".jp-Notebook .jp-mm-RunOutput")
    card.wait_for(timeout=90_000)

    # Then the extension renders the run output: the run, its metric, Register
    run_id, notebook_path, cell_id = run_row(lab, "lab-fit")
    assert card.get_attribute("data-run-id") == run_id
    assert "lab-fit" in card.inner_text() and "acc=" in card.inner_text()
    assert card.locator(".jp-mm-RunOutput-registerOpen").count() == 1
    # and the run recorded the notebook and the cell JupyterLab sent
    assert notebook_path == str(path)
    cell_ids = [c["id"] for c in json.loads(path.read_text())["cells"]]
    assert cell_id == cell_ids[1]
    page.wait_for_timeout(300)
    card.screenshot(path=str(artifacts_dir / "run-output.png"))

    # When the notebook is saved, the kernel restarted and the notebook reopened
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty"
    )
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.restartKernel()")
    page.get_by_text(KERNEL_IDLE).wait_for(timeout=60_000)
    assert card.count() == 1
    page.goto(lab.lab_url("lab/tree/fit.ipynb"))
    page.get_by_text(KERNEL_IDLE).wait_for(timeout=60_000)

    # Then the saved output is still rendered by the extension (no widget error)
    card.wait_for()
    assert "Error displaying widget" not in page.locator(".jp-Notebook").inner_text()
    saved = path.read_text()
    assert "application/vnd.mm-jupyter.run+json" in saved and "widget" not in saved

    # When Register is used from the output (a fresh kernel knows nothing of the fit)
    card.locator(".jp-mm-RunOutput-registerOpen").click()
    card.get_by_label("Model name").fill("lab-clf")
    card.get_by_label("Alias").fill("champion")
    card.locator(".jp-mm-RunOutput-registerSubmit").click()
    done = card.locator('[role="status"]')
    done.wait_for()
    # Then it says what it registered, and the version exists
    assert "registered lab-clf:1 (alias champion)" in " ".join(done.inner_text().split())
    model = lab.api("mm-jupyter/api/models/lab-clf")
    assert [v["version"] for v in model["versions"]] == [1]
    version = lab.api("mm-jupyter/api/models/lab-clf/versions/1")
    assert version["aliases"] == ["champion"] and version["run"]["id"] == run_id
    page.wait_for_timeout(300)
    card.screenshot(path=str(artifacts_dir / "run-output-registered.png"))

    # And the link opens the model
    card.locator(".jp-mm-RunOutput-modelLink").click()
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current", has_text="lab-clf").wait_for()

    # When the run name in the output is clicked, the run opens
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="fit.ipynb").click()
    card.locator(".jp-mm-RunOutput-name").click()
    view = page.locator(f"#mm-jupyter-run-{run_id}")
    view.wait_for(state="visible")

    # Given a notebook executed headlessly, then opened in JupyterLab
    headless = lab.root_dir / "headless.ipynb"
    write_notebook(headless, ["%load_ext mm_jupyter", FIT.replace("lab-fit", "headless-fit")])
    subprocess.run(
        [sys.executable, "-c", EXECUTE_AND_SAVE, str(headless), str(lab.root_dir)],
        env={**os.environ, "MM_JUPYTER_HOME": str(lab.registry_dir)}, check=True, timeout=180,
    )
    headless_id, headless_path, headless_cell = run_row(lab, "headless-fit")
    assert headless_path == str(headless)
    assert headless_cell == json.loads(headless.read_text())["cells"][1]["id"]
    page.evaluate(
        "() => { void window.jupyterapp.commands.execute('docmanager:open',"
        " {path: 'headless.ipynb'}); }"
    )
    # Then its saved output is rendered by the extension, Register offered
    headless_card = page.locator(f'.jp-mm-RunOutput[data-run-id="{headless_id}"]')
    headless_card.wait_for()
    assert headless_card.locator(".jp-mm-RunOutput-registerOpen").count() == 1
    # (closed once its kernel is up: closing a notebook whose session is still
    # starting makes JupyterLab itself throw)
    page.evaluate(
        "async () => { const nb = [...window.jupyterapp.shell.widgets('main')]"
        ".find(w => w.context?.path === 'headless.ipynb');"
        " await nb.sessionContext.ready; nb.close(); }"
    )
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="lab-fit").first.click()

    # When the notebook is closed, and "Open notebook at this cell" used from the run
    page.evaluate(
        "() => { const nb = [...window.jupyterapp.shell.widgets('main')]"
        ".find(w => w.context?.path === 'fit.ipynb'); return nb.close(); }"
    )
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="fit.ipynb").wait_for(
        state="detached"
    )
    button = view.locator(".jp-mm-RunHeader-openCell")
    button.click()
    # Then the notebook opens with the run's cell active
    active = page.locator(".jp-Notebook .jp-Cell.jp-mod-active")
    active.wait_for()
    page.wait_for_function(
        "() => document.querySelector('.jp-Notebook .jp-Cell.jp-mod-active')"
        "?.textContent.includes('--name lab-fit')"
    )
    assert page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex"
    ) == 1

    # Screenshot in the dark theme too
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Dark'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    # the theme's style sheet loads after the flag flips: wait for a dark background
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.jp-Notebook')).backgroundColor"
        " !== 'rgb(255, 255, 255)'"
    )
    page.wait_for_timeout(500)
    # the whole page, clipped: an element screenshot kept the light paint here
    page.screenshot(path=str(artifacts_dir / "run-output-dark.png"), clip=card.bounding_box())
    view_tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="lab-fit")
    view_tab.first.click()
    view.locator(".jp-mm-RunHeader").screenshot(
        path=str(artifacts_dir / "run-output-open-cell-dark.png")
    )
    assert page_errors == []
