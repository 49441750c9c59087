"""The sidebar and the run detail view, driven in a real browser.

Golden path: a notebook cell tracked with ``%%mm_track`` shows up in the sidebar
while it is open (polling), and its detail view shows params and outputs.
Security: an output with script-bearing HTML renders without running anything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lab_helpers import (
    execute_notebook,
    open_sidebar,
    widen_sidebar,
    write_notebook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KERNEL_IDLE = "Python 3 (ipykernel) | Idle"
XSS_HTML = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


def open_run(page: Any, panel: Any, name: str, timeout_ms: float = 10_000) -> Any:
    """Click the run named ``name`` in the sidebar; return its main-area view."""
    row = panel.locator("tr[data-run-id]", has_text=name).first
    row.wait_for(timeout=timeout_ms)
    run_id = row.get_attribute("data-run-id")
    assert run_id
    row.click()
    view = page.locator(f"#mm-jupyter-run-{run_id}")
    view.wait_for(state="visible")
    return view


def test_tracked_cell_appears_and_opens(
    lab: Any, page: Any, artifacts_dir: Path
) -> None:
    # Given a notebook with a tracked cell, opened in JupyterLab
    write_notebook(
        lab.root_dir / "tracked.ipynb",
        [
            "%load_ext mm_jupyter",
            '%%mm_track --name browser-run --experiment e2e\nlr = 0.1\nacc = 0.9\nprint("hello")',
        ],
    )
    page.goto(lab.lab_url("lab/tree/tracked.ipynb"))
    page.get_by_text(KERNEL_IDLE).wait_for(timeout=60_000)

    # And the sidebar is open, connected to the server's registry
    panel = open_sidebar(page)
    panel.locator(".jp-mm-Registry-path").wait_for()
    assert str(lab.registry_dir.name) in panel.locator(".jp-mm-Registry-path").inner_text()
    assert panel.locator(".jp-mm-Notice-warn").count() == 0

    # When both cells run
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    page.locator(".jp-Notebook .jp-OutputArea-output", has_text="hello").wait_for(
        timeout=60_000
    )

    # Then the run appears in the open sidebar within a few seconds (polling)
    view = open_run(page, panel, "browser-run", timeout_ms=10_000)

    # And its detail view shows the param and the captured stdout
    view.locator('[data-param="lr"]').wait_for()
    assert "0.1" in view.locator('[data-param="lr"]').inner_text()
    view.locator(".jp-mm-OutputView-stream", has_text="hello").wait_for()
    assert "e2e" in view.locator(".jp-mm-RunHeader").inner_text()
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
    assert "browser-run" in tab.inner_text()

    widen_sidebar(page, 130)  # room for all columns in the picture
    page.wait_for_timeout(300)  # let the layout and fonts settle
    page.screenshot(path=str(artifacts_dir / "sidebar.png"))


def test_untrusted_html_output_runs_no_script(
    lab: Any, page: Any, page_errors: list[str], artifacts_dir: Path
) -> None:
    # Given a run whose output is HTML with an onerror handler and a script,
    # recorded headlessly (a live notebook would render its own fresh output
    # as trusted, which is not what this test is about)
    path = lab.root_dir / "xss.ipynb"
    write_notebook(
        path,
        [
            "%load_ext mm_jupyter",
            "%%mm_track --name xss-run --experiment e2e\n"
            "from IPython.display import HTML, display\n"
            f"display(HTML({XSS_HTML!r}))",
        ],
    )
    execute_notebook(path, lab.registry_dir)

    # When the run's detail view opens (found through the search box)
    page.goto(lab.lab_url())
    panel = open_sidebar(page)
    panel.get_by_label("Search runs").fill("xss-run")
    view = open_run(page, panel, "xss-run")
    rendered = view.locator(".jp-mm-OutputView-rendered")
    rendered.first.wait_for(state="attached")
    page.wait_for_timeout(1000)  # give a broken image's onerror time to fire

    # Then nothing ran, and the handler and the script were stripped
    assert page.evaluate("window.__pwned") is None
    html = rendered.first.inner_html()
    assert "onerror" not in html
    assert "<script" not in html
    assert not [e for e in page_errors if "__pwned" in e]
    page.screenshot(path=str(artifacts_dir / "xss.png"))


def test_missing_server_extension_is_explained(
    lab_factory: Any, page: Any, artifacts_dir: Path
) -> None:
    # Given a lab whose server does not load the mm_jupyter server extension
    lab = lab_factory("--ServerApp.jpserver_extensions=mm_jupyter=False")

    # When the sidebar opens
    page.goto(lab.lab_url())
    panel = open_sidebar(page)

    # Then it says what is missing and how to fix it
    notice = panel.locator(".jp-mm-Notice-warn")
    notice.wait_for()
    text = notice.inner_text()
    assert "server extension is not available" in text
    assert "pip install mm-jupyter" in text
    assert "jupyter server extension enable mm_jupyter" in text
    assert panel.locator("tr[data-run-id]").count() == 0
    page.screenshot(path=str(artifacts_dir / "missing-server-extension.png"))


SEED_RUNS = """
import mm_jupyter as mm

for i in range(60):
    experiment = "grid" if i % 2 else "other"
    with mm.track(f"grid-{i:02d}", experiment=experiment, params={"i": i}):
        mm.log_metric("score", i / 100)
        for step in range(4):
            mm.log_metric("loss", 1 / (step + 1 + i), step=step)
try:
    with mm.track("boom", experiment="grid"):
        raise ValueError("boom")
except ValueError:
    pass
"""


def row_names(panel: Any) -> list[str]:
    """Run names in the table, top to bottom."""
    return panel.locator("tbody .jp-mm-RunsTable-name").all_inner_texts()


def test_runs_table_pages_sorts_and_filters(
    lab_factory: Any, page: Any, tmp_path: Path
) -> None:
    # Given a registry with 61 runs (60 finished, 1 failed) in two experiments
    lab = lab_factory()
    subprocess.run(
        [sys.executable, "-c", SEED_RUNS],
        cwd=tmp_path,
        env={**os.environ, "MM_JUPYTER_HOME": str(lab.registry_dir)},
        check=True,
        timeout=300,
    )
    page.goto(lab.lab_url())
    panel = open_sidebar(page)
    pager = panel.locator(".jp-mm-Pager-range")

    # Then the first page holds 50 runs, newest first
    pager.filter(has_text="1–50 of 61").wait_for()
    assert len(row_names(panel)) == 50
    assert row_names(panel)[0] == "boom"

    # When the next page is requested, the remaining 11 show
    panel.get_by_role("button", name="Next page").click()
    pager.filter(has_text="51–61 of 61").wait_for()
    assert len(row_names(panel)) == 11
    panel.get_by_role("button", name="Previous page").click()
    pager.filter(has_text="1–50 of 61").wait_for()

    # When sorting by a metric column: descending first, then ascending;
    # the run without the metric comes last either way
    # (the sidebar shows one metric: score and loss are as common, loss comes first)
    panel.get_by_label("Metric column").select_option("score")
    header = panel.locator("th", has_text="score")
    header.click()
    panel.locator("tbody tr").first.filter(has_text="grid-59").wait_for()
    header.click()
    panel.locator("tbody tr").first.filter(has_text="grid-00").wait_for()
    panel.get_by_role("button", name="Next page").click()
    pager.filter(has_text="51–61 of 61").wait_for()
    assert row_names(panel)[-1] == "boom"

    # When filtering by status, experiment and text
    panel.get_by_role("combobox", name="Status").select_option("failed")
    pager.filter(has_text="1–1 of 1").wait_for()
    assert row_names(panel) == ["boom"]
    panel.get_by_role("combobox", name="Status").select_option("")
    panel.get_by_label("Experiment").select_option("other")
    pager.filter(has_text="1–30 of 30").wait_for()
    panel.get_by_label("Search runs").fill("grid-1")
    pager.filter(has_text="1–5 of 5").wait_for()  # grid-10, -12, -14, -16, -18
    assert sorted(row_names(panel)) == [f"grid-{i}" for i in (10, 12, 14, 16, 18)]

    # And a run's detail shows its loss curve as a line chart
    view = open_run(page, panel, "grid-12")
    chart = view.locator(".jp-mm-MetricChart", has_text="loss")
    chart.locator("polyline").wait_for()
    assert chart.locator("circle").count() == 4

    # And the failed run's detail shows its traceback
    panel.get_by_label("Search runs").fill("boom")
    panel.get_by_label("Experiment").select_option("")
    view = open_run(page, panel, "boom")
    view.locator(".jp-mm-Traceback", has_text="ValueError: boom").wait_for()
