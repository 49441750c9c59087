"""Helpers shared by the browser tests: notebooks, headless execution, the sidebar."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat

SIDEBAR_TAB = '.jp-SideBar.jp-mod-left li[data-id="mm-jupyter-sidebar"]'
SIDEBAR = "#mm-jupyter-sidebar"
EXECUTE_NOTEBOOK = """
import sys
import nbformat
from nbclient import NotebookClient

nb = nbformat.read(sys.argv[1], as_version=4)
resources = {"metadata": {"path": sys.argv[2]}}
NotebookClient(nb, timeout=120, kernel_name="python3", resources=resources).execute()
"""


def write_notebook(path: Path, sources: list[str]) -> None:
    """Write a notebook with one code cell per source."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nb, path)


def execute_notebook(path: Path, registry_dir: Path, timeout_s: float = 180) -> None:
    """Run a notebook headlessly against the registry ``registry_dir``.

    nbclient runs in a child process: Playwright's sync API owns this thread's
    event loop, which nbclient's own loop handling would trip over.
    """
    subprocess.run(
        [sys.executable, "-c", EXECUTE_NOTEBOOK, str(path), str(path.parent)],
        env={**os.environ, "MM_JUPYTER_HOME": str(registry_dir)},
        check=True,
        timeout=timeout_s,
    )


def open_sidebar(page: Any) -> Any:
    """Click the sidebar tab and return the panel."""
    page.locator(SIDEBAR_TAB).click()
    panel = page.locator(SIDEBAR)
    panel.wait_for(state="visible")
    return panel


def widen_sidebar(page: Any, pixels: int) -> None:
    """Drag the handle between the left panel and the main area to the right."""
    handle = page.locator("#jp-main-split-panel > .lm-SplitPanel-handle").first
    box = handle.bounding_box()
    assert box
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + pixels, y, steps=5)
    page.mouse.up()
