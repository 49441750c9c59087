"""Evaluation reports in a real browser: the run view's Reports section and the diff.

A notebook run headlessly fits two classifiers on iris (string labels, one of them
script-bearing HTML) in tracked cells ``shallow`` and ``deep`` and calls
``mm.evaluate`` in each. The run view of ``deep`` shows a Reports section: the
report open with its metrics, a 3-by-3 confusion matrix heatmap whose diagonal is
shaded, the classification report, and the stored ROC, precision-recall and
calibration PNGs loaded from the blob store; no class name runs a script. The diff
of the two runs lists the report with its metric and per-class deltas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lab_helpers import execute_notebook, open_sidebar, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = '<img src=x onerror="window.__pwned=1">'
CELLS = [
    "%load_ext mm_jupyter\n"
    "import mm_jupyter as mm\n"
    "from sklearn.datasets import load_iris\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "from sklearn.tree import DecisionTreeClassifier\n"
    "X, y = load_iris(return_X_y=True, as_frame=True)\n"
    f"y = y.map({{0: 'setosa', 1: 'versicolor', 2: {HOSTILE!r}}})\n"
    "X_train, y_train, X_test, y_test = X[::2], y[::2], X[1::2], y[1::2]",
    "%%mm_track --name shallow\n"
    "model = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X_train, y_train)\n"
    "mm.evaluate(model, X_test, y_test)",
    "%%mm_track --name deep\n"
    "model = LogisticRegression(max_iter=300).fit(X_train, y_train)\n"
    "mm.evaluate(model, X_test, y_test)",
]


def test_a_run_shows_its_report_and_the_diff_its_deltas(
    lab_factory: Any, page: Any, page_errors: list[str], artifacts_dir: Path
) -> None:
    # Given two runs with an evaluation report each
    lab = lab_factory()
    notebook = lab.root_dir / "evaluate.ipynb"
    write_notebook(notebook, CELLS)
    execute_notebook(notebook, lab.registry_dir)
    runs = {r["name"]: r["id"] for r in lab.api("mm-jupyter/api/runs")["runs"]}
    report = lab.api(f"mm-jupyter/api/runs/{runs['deep']}/reports/test")

    # When the deep run opens from the sidebar
    page.goto(lab.lab_url())
    panel = open_sidebar(page)
    panel.locator(f'tr[data-run-id="{runs["deep"]}"]').click()
    view = page.locator(f'[id="mm-jupyter-run-{runs["deep"]}"]')
    section = view.locator(".jp-mm-Section-reports")
    section.wait_for()

    # Then the Reports section lists the report, open, with its metrics
    assert "Reports (1)" in section.locator(".jp-mm-Section-title").inner_text()
    block = section.locator('details[data-report="test"]')
    assert block.get_attribute("open") is not None
    summary = block.locator(".jp-mm-RunReport-summary").inner_text()
    assert "multiclass" in summary and "accuracy" in summary
    accuracy = block.locator('.jp-mm-ReportMetrics tr[data-metric="accuracy"] td')
    accuracy.wait_for()
    assert float(accuracy.inner_text()) == pytest.approx(report["metrics"]["accuracy"], abs=1e-3)

    # And the heatmap: 3 × 3 cells, counts as stored, the diagonal shaded darker
    cells = block.locator(".jp-mm-Heatmap-cell")
    assert cells.count() == 9
    counts = report["confusion_matrix"]["counts"]
    assert [int(t) for t in cells.all_inner_texts()] == [n for row in counts for n in row]
    shares = [float(s) for s in cells.evaluate_all("cs => cs.map(c => c.dataset.share)")]
    assert all(shares[i * 4] > 0.5 for i in range(3))
    assert block.locator(".jp-mm-ClassReport tbody tr").count() == 3 + 2  # classes, averages

    # And the stored figures load as images from the blob store
    for name in ("roc", "precision_recall", "calibration"):
        image = block.locator(f'.jp-mm-ReportFigure[data-figure="{name}"] img')
        image.wait_for()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert block.locator('.jp-mm-ReportFigure[data-figure="confusion_matrix"]').count() == 0

    # And the hostile class name is text everywhere, nothing ran
    assert HOSTILE in block.locator(".jp-mm-Heatmap").inner_text()
    assert page.evaluate("window.__pwned") is None
    assert not [e for e in page_errors if "__pwned" in e]
    view.locator(".jp-mm-Section-reports").scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # let the images and fonts settle
    page.screenshot(path=str(artifacts_dir / "reports.png"))

    # When the two runs are compared
    for name in ("shallow", "deep"):
        panel.locator(f'tr[data-run-id="{runs[name]}"] .jp-mm-RunsTable-select').check()
    panel.locator(".jp-mm-CompareBar").get_by_role("button", name="Diff").click()
    diff = page.locator(f'[id="mm-jupyter-diff-{runs["shallow"]}-{runs["deep"]}"]')
    reports = diff.locator('details[data-section="Reports"]')
    reports.wait_for()

    # Then the report is compared metric by metric and class by class
    entry = reports.locator('.jp-mm-DiffReport[data-report="test"]')
    assert "shallow-test-report:v1" in entry.inner_text()
    assert "deep-test-report:v1" in entry.inner_text()
    metrics = entry.locator(".jp-mm-DiffReportMetrics")
    gain = "jp-mm-mod-up"  # accuracy rose and log-loss fell: both are gains
    assert gain in metrics.locator('tr[data-metric="accuracy"] .jp-mm-DiffDelta').get_attribute("class")
    assert gain in metrics.locator('tr[data-metric="log_loss"] .jp-mm-DiffDelta').get_attribute("class")
    assert entry.locator(".jp-mm-DiffReportClasses tbody tr").count() == 3
    assert page.evaluate("window.__pwned") is None
    reports.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "reports-diff.png"))
