"""The main-area runs table in a real JupyterLab (issue 14 item 1, and the run view's
housekeeping of item 5).

A registry of 30 runs (params lr, depth, optimizer; metrics acc, loss; a team tag) is
opened in the table from the sidebar's "Open table" button. A param column chosen in
the column chooser survives a page reload (JupyterLab's state database); the filter
box narrows the rows with the filter language and shows the server's error, naming
the bad token, under the box; a metric header sorts; Export CSV downloads the
filtered runs with the table's columns; arrow keys move between rows; three checked
rows open in the compare view. From the run
view, a run is renamed, given a markdown note (rendered sanitized), archived, and
another deleted, and the registry (read through ``mm_jupyter``'s Python API in a
separate process) has them. The sidebar list fits its default width, and its search box
takes the filter language. Screenshots: ``tests/artifacts/runs-table.png``,
``runs-table-dark.png`` and ``runs-table-run-view.png``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lab_helpers import open_sidebar

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEED = """
import mm_jupyter as mm

for i in range(30):
    with mm.track(
        f"tbl-{i:02d}",
        experiment="grid" if i % 2 else "other",
        params={"lr": [0.001, 0.01, 0.1][i % 3], "depth": 2 + i % 5, "optimizer": "adam"},
        tags={"team": "risk" if i % 4 == 0 else "ml"},
    ):
        mm.log_metric("acc", round(0.8 + i * 0.006, 4))
        mm.log_metric("loss", round(1.0 - i * 0.01, 4))
"""

# acc = 0.8 + 0.006 i is above 0.9 for i >= 17: 13 runs, best tbl-29.
ABOVE = [f"tbl-{i:02d}" for i in range(17, 30)]

READ_BACK = """
import json, sys
import mm_jupyter as mm

out = {}
for ref in sys.argv[1:]:
    run = mm.get_run(ref)
    out[ref] = {"name": run.name, "note": run.note, "archived": run.archived_at is not None}
out["listed"] = sorted(r.name for r in mm.list_runs(limit=100))
# Deleted runs are never listed, archived ones when asked for
out["with_archived"] = sorted(r.name for r in mm.list_runs(limit=100, archived="include"))
print(json.dumps(out))
"""

TABLE = ".jp-mm-RunsTableWidget"
ROW = "tr.jp-mm-TableGrid-row"
ROWS = f"{TABLE} {ROW}"
XSS = '<img src=x onerror="window.__pwned=1">'


def python(registry: Path, code: str, *args: str, cwd: Path) -> str:
    """Run Python code against the registry in a child process; its stdout."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env={**os.environ, "MM_JUPYTER_HOME": str(registry)},
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    ).stdout


def use_theme(page: Any, theme: str) -> None:
    """Switch the JupyterLab theme through the command palette."""
    page.keyboard.press("Escape")
    page.keyboard.press("Control+Shift+C")
    palette = page.locator(".lm-CommandPalette-input")
    palette.fill(f"Use Theme: {theme}")
    page.locator(".lm-CommandPalette-item", has_text=theme).first.click()
    light = "true" if "Light" in theme else "false"
    page.wait_for_selector(f'body[data-jp-theme-light="{light}"]', state="attached")
    page.wait_for_timeout(400)


def range_text(page: Any, text: str) -> None:
    """Wait until the table's pager says ``text`` (``1-13 of 13`` with an en dash)."""
    page.locator(f"{TABLE} .jp-mm-TablePager-range", has_text=text).wait_for()


def first_names(page: Any, n: int) -> list[str]:
    """The names of the first ``n`` rows."""
    return page.locator(f"{ROWS} td.jp-mm-TableGrid-name").all_inner_texts()[:n]


def test_runs_table_columns_filter_sort_export_and_housekeeping(
    lab_factory: Any, page: Any, page_errors: list[str], artifacts_dir: Path, tmp_path: Path
) -> None:
    # Given a registry with 30 runs
    lab = lab_factory()
    python(lab.registry_dir, SEED, cwd=tmp_path)
    ids = {r["name"]: r["id"] for r in lab.api("mm-jupyter/api/runs?limit=100")["runs"]}
    assert len(ids) == 30

    # The sidebar's compact list fits its default width, and names its status column
    page.goto(lab.lab_url())
    panel = open_sidebar(page)
    panel.locator(f'tr[data-run-id="{ids["tbl-29"]}"]').wait_for()
    assert panel.locator('th[aria-label="Status"]').count() == 1
    scroll = panel.locator(".jp-mm-RunsScroll")
    assert scroll.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    assert panel.locator("thead th").count() == 4  # status, name, duration, one metric
    # and its search box takes the filter language too
    search = panel.get_by_label("Search runs")
    search.fill("metrics.acc > 0.9")
    panel.locator(".jp-mm-Pager-range", has_text="1–13 of 13").wait_for()
    search.fill("")
    panel.locator(".jp-mm-Pager-range", has_text="1–30 of 30").wait_for()

    # When the table opens from the sidebar's button
    panel.get_by_role("button", name="Open table").click()
    range_text(page, "1–30 of 30")
    table = page.locator(TABLE)
    # Then the defaults are the metrics every run has and the params that vary
    table.locator('th[data-column="metric:acc"]').wait_for()
    assert table.locator('th[data-column="metric:acc"]').count() == 1
    assert table.locator('th[data-column="param:lr"]').count() == 1
    assert table.locator('th[data-column="param:depth"]').count() == 1
    assert table.locator('th[data-column="param:optimizer"]').count() == 0  # never varies

    # When a param column is chosen in the column chooser
    table.get_by_role("button", name="Columns…").click()
    chooser = table.locator(".jp-mm-ColumnChooser")
    chooser.get_by_label("Search columns").fill("optim")
    chooser.locator('input[data-column="param:optimizer"]').check()
    chooser.get_by_role("button", name="Done").click()
    table.locator('th[data-column="param:optimizer"]').wait_for()
    assert "adam" in table.locator(ROW).first.inner_text()

    # Then it is still there after a reload (the state database, per registry)
    page.wait_for_timeout(1500)  # the state and the workspace are saved debounced
    page.goto(lab.lab_url(query=""))
    page.locator(f'{TABLE} th[data-column="param:optimizer"]').wait_for()
    range_text(page, "1–30 of 30")

    # When a filter is typed, the rows narrow to the runs it keeps
    box = table.get_by_label("Filter runs")
    box.fill("metrics.acc > 0.9")
    range_text(page, "1–13 of 13")
    assert sorted(first_names(page, 13)) == ABOVE

    # A bad filter shows the server's error, naming the bad token, under the box
    box.fill("metrix.acc > 0.9")
    error = table.locator(".jp-mm-TableFilter-error")
    error.wait_for()
    assert "metrix" in error.inner_text()
    assert box.get_attribute("aria-invalid") == "true"
    box.fill("metrics.acc > 0.9")
    error.wait_for(state="detached")
    range_text(page, "1–13 of 13")

    # When the acc header is clicked: best first, then worst first
    header = table.locator('th[data-column="metric:acc"]')
    header.get_by_role("button").click()
    page.wait_for_function(
        f"() => document.querySelector('{TABLE} th[data-column=\"metric:acc\"]')"
        ".getAttribute('aria-sort') === 'descending'"
    )
    table.locator(f'{ROW}[data-index="0"]', has_text="tbl-29").wait_for()
    header.get_by_role("button").click()
    table.locator(f'{ROW}[data-index="0"]', has_text="tbl-17").wait_for()
    assert header.get_attribute("aria-sort") == "ascending"

    # Arrow keys move the one tab stop between rows
    table.locator(f'{ROW}[data-index="0"]').focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.index") == "2"
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.dataset.index") == "12"
    assert table.locator(f'{ROW}[tabindex="0"]').count() == 1

    # Export CSV downloads the filtered runs in this order, with the table's columns
    with page.expect_download() as download:
        table.get_by_role("button", name="Export CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["name"] for r in rows] == ABOVE
    assert {"id", "metrics.acc", "params.lr", "params.optimizer"} <= set(rows[0])
    assert rows[0]["params.optimizer"] == "adam"

    page.screenshot(path=str(artifacts_dir / "runs-table.png"))
    use_theme(page, "JupyterLab Dark")
    page.screenshot(path=str(artifacts_dir / "runs-table-dark.png"))
    use_theme(page, "JupyterLab Light")

    # When three rows are checked, Compare opens the comparison of those runs
    for name in ("tbl-17", "tbl-18", "tbl-19"):
        table.locator(f'{ROW}[data-run-id="{ids[name]}"] input[type="checkbox"]').check()
    table.locator(".jp-mm-TableSelection-count", has_text="3 selected").wait_for()
    table.get_by_role("button", name="Compare", exact=True).click()
    compare_id = "mm-jupyter-compare-" + "-".join(ids[n] for n in ("tbl-17", "tbl-18", "tbl-19"))
    page.locator(f'[id="{compare_id}"]').wait_for()
    table_tab = page.locator('.lm-TabBar-tab[data-id="mm-jupyter-runs-table"]')
    table_tab.click()
    table.get_by_role("button", name="Clear selection").click()
    assert table.locator(".jp-mm-TableSelection-count").count() == 0

    # When a run is opened from the table and renamed, noted and archived
    table.locator(f'{ROW}[data-run-id="{ids["tbl-20"]}"]').click()
    view = page.locator(f'[id="mm-jupyter-run-{ids["tbl-20"]}"]')
    view.locator(".jp-mm-RunHousekeeping-rename").click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill("renamed-20")
    dialog.get_by_role("button", name="Rename").click()
    view.locator(".jp-mm-RunHeader-name", has_text="renamed-20").wait_for()

    view.locator(".jp-mm-RunHousekeeping-note").click()
    dialog.locator("textarea").fill(f"**Best** so far {XSS}")
    dialog.get_by_role("button", name="Save").click()
    note = view.locator(".jp-mm-RunNote")
    note.locator("strong", has_text="Best").wait_for()
    page.wait_for_timeout(500)  # a broken image's onerror would have fired by now
    assert "onerror" not in note.inner_html()
    assert page.evaluate("window.__pwned") is None

    view.locator(".jp-mm-RunHousekeeping-archive").click()
    view.locator(".jp-mm-RunHousekeeping-state", has_text="Archived").wait_for()
    view.locator(".jp-mm-Section-history li", has_text="archive").first.wait_for()
    view.screenshot(path=str(artifacts_dir / "runs-table-run-view.png"))

    # And another is deleted (after confirming)
    table_tab.click()
    table.locator(f'{ROW}[data-run-id="{ids["tbl-21"]}"]').click()
    other = page.locator(f'[id="mm-jupyter-run-{ids["tbl-21"]}"]')
    other.locator(".jp-mm-RunHousekeeping-delete").click()
    dialog.get_by_role("button", name="Delete").click()
    other.locator(".jp-mm-RunHousekeeping-state", has_text="Deleted").wait_for()

    # Then the registry has every change
    back = json.loads(
        python(lab.registry_dir, READ_BACK, ids["tbl-20"], ids["tbl-21"], cwd=tmp_path)
    )
    assert back[ids["tbl-20"]]["name"] == "renamed-20"
    assert back[ids["tbl-20"]]["note"].startswith("**Best** so far")
    assert back[ids["tbl-20"]]["archived"] is True
    assert "renamed-20" not in back["listed"] and "tbl-21" not in back["listed"]
    assert "renamed-20" in back["with_archived"] and "tbl-21" not in back["with_archived"]
    assert lab.api(f"mm-jupyter/api/runs/{ids['tbl-21']}")["deleted_at"]

    # And the table (filtered) has let both go; Show archived brings the archived one back
    table_tab.click()
    range_text(page, "1–11 of 11")
    table.get_by_label("Show archived").check()
    range_text(page, "1–12 of 12")
    table.locator(f'{ROW}.jp-mm-mod-archived[data-run-id="{ids["tbl-20"]}"]').wait_for()
    assert not page_errors
