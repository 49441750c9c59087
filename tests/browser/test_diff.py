"""Comparing two runs in a real browser.

A notebook run headlessly tracks two cells, ``base`` (lr 0.1) and ``tuned``
(lr 0.05). In the sidebar's Runs table both rows are checked; "Compare 2 runs"
opens the diff view with the older run as A: the param ``lr`` is changed
0.1 → 0.05, the code diff highlights the changed line, the metric ``acc`` shows
both values and the delta. Swap opens the reversed pair.

Two saved versions of a notebook (with stored stream and PNG outputs), each run
with its own tracked cell, give a notebook diff: the view opened through
``mm-jupyter:open-diff`` collapses the unchanged cells, shows the modified cell's
line diff and both outputs side by side (text as ``<pre>``, PNGs as data URLs).
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
    assert bar.get_by_role("button", name="Diff").count() == 0
    panel.locator(f'tr[data-run-id="{base}"] .jp-mm-RunsTable-select').check()
    # Checking a row does not open the run
    assert page.locator(f'[id="mm-jupyter-run-{tuned}"]').count() == 0

    bar.get_by_role("button", name="Diff").wait_for()
    bar.get_by_role("button", name="Compare 2").wait_for()
    panel.screenshot(path=str(artifacts_dir / "diff-select.png"))

    # And Diff is clicked
    bar.get_by_role("button", name="Diff").click()

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
        assert "jp-mm-mod-better" in (acc.locator(".jp-mm-DiffDelta").get_attribute("class") or "")

    page.wait_for_timeout(300)
    view.screenshot(path=str(artifacts_dir / "diff.png"))

    # And ctrl-click on a row toggles its selection without opening the run
    panel.locator(f'tr[data-run-id="{tuned}"]').click(modifiers=["Control"])
    bar.locator(".jp-mm-CompareBar-count", has_text="1 selected").wait_for()
    assert page.locator(f'[id="mm-jupyter-run-{tuned}"]').count() == 0

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


def _png(rgb: tuple[int, int, int], size: int = 24) -> str:
    """A base64 PNG of one colour."""
    import base64
    import struct
    import zlib

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return base64.b64encode(png).decode()


def _tracked_notebook(
    path: Path, name: str, lr: float, loss: float, rgb: tuple[int, int, int], last: str
) -> None:
    """A notebook whose saved outputs (a stream and a PNG) differ between versions."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    tracked = nbformat.v4.new_code_cell(
        f"%%mm_track --name {name}\nlr = {lr}\nprint('loss', {loss})"
    )
    tracked.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=f"loss {loss}\n"),
        nbformat.v4.new_output("display_data", data={"image/png": _png(rgb), "text/plain": "<Figure>"}),
    ]
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext mm_jupyter"),
        nbformat.v4.new_markdown_cell("# Tuning\nOne tracked cell."),
        nbformat.v4.new_code_cell("import math\nx = math.sqrt(4)"),
        tracked,
        nbformat.v4.new_code_cell(last),
    ]
    nbformat.write(nb, path)


def test_notebook_diff_cells_and_outputs(
    lab_factory: Any,
    page: Any,
    page_errors: list[str],
    artifacts_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given two runs tracked from two saved versions of a notebook
    lab = lab_factory("--LabApp.expose_app_in_browser=True")
    for name, lr, loss, rgb, last in (
        ("nb-a", 0.1, 0.5, (200, 40, 40), "print('only in a')"),
        ("nb-b", 0.05, 0.4, (40, 90, 200), "summary = {'lr': lr}\nsummary"),
    ):
        path = lab.root_dir / f"{name}.ipynb"
        _tracked_notebook(path, name, lr, loss, rgb, last)
        monkeypatch.setenv("JPY_SESSION_NAME", str(path))
        execute_notebook(path, lab.registry_dir)
    runs = {r["name"]: r["id"] for r in lab.api("mm-jupyter/api/runs")["runs"]}
    a, b = runs["nb-a"], runs["nb-b"]
    diff = lab.api(f"mm-jupyter/api/diff?a={a}&b={b}")
    assert diff["notebook"] is not None, "the runs carry no notebook snapshot"

    # When the diff opens through the command
    page.goto(lab.lab_url())
    page.wait_for_function(
        "() => window.jupyterapp?.commands.hasCommand('mm-jupyter:open-diff')"
    )
    page.evaluate(
        "([a, b]) => window.jupyterapp.commands.execute('mm-jupyter:open-diff', {a, b})",
        [a, b],
    )
    view = page.locator(f'[id="mm-jupyter-diff-{a}-{b}"]')
    notebook = view.locator('[data-section="Notebook"] .jp-mm-NotebookDiff')
    notebook.wait_for()

    # Then unchanged cells are collapsed behind an expander
    expander = notebook.locator(".jp-mm-NotebookDiff-expander").first
    unchanged = sum(1 for c in diff["notebook"]["cells"] if c["status"] == "unchanged")
    assert unchanged >= 2
    assert notebook.locator('[data-cell-status="unchanged"]').count() == 0
    assert "unchanged cell" in expander.inner_text()

    # And the modified tracked cell shows its line diff and both outputs side by side
    modified = notebook.locator('[data-cell-status="modified"]', has_text="lr = 0.05")
    assert modified.locator('[data-diff-op="delete"]', has_text="lr = 0.1").count() == 1
    assert modified.locator('[data-diff-op="insert"]', has_text="lr = 0.05").count() == 1
    sides = modified.locator(".jp-mm-OutputsDiff-side")
    assert sides.count() == 2
    assert "loss 0.5" in sides.nth(0).inner_text()
    assert "loss 0.4" in sides.nth(1).inner_text()
    images = modified.locator("img.jp-mm-OutputsDiff-image")
    assert images.count() == 2
    assert (images.nth(0).get_attribute("src") or "").startswith("data:image/png;base64,")
    assert images.nth(0).evaluate("img => img.naturalWidth") == 24
    page.wait_for_timeout(300)
    view.locator('[data-section="Notebook"]').screenshot(path=str(artifacts_dir / "diff-notebook.png"))

    # When the expander is clicked, the unchanged cells show
    expander.click()
    assert notebook.locator('[data-cell-status="unchanged"]').count() >= 2
    assert page_errors == []
