"""Hidden-state analysis through a real kernel, as JupyterLab drives it.

JupyterLab sends each cell's id with its execute request (``metadata.cellId``) and
saves the notebook as the user edits it; these tests do the same over the kernel's
messaging protocol: execute cells by id, edit, delete or reorder cells in the saved
notebook, then run a tracked cell. Each notebook is flagged exactly as the issue
says: an edited cell, a deleted cell, a cell run out of order, console code, a name
made by ``exec``, and a clean notebook. A headless run (nbclient, no cell ids) of a
notebook in order is clean too.
"""

from __future__ import annotations

import os
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow


class Kernel:
    """A real ipykernel driven like JupyterLab: execute requests carry the cell id."""

    def __init__(self, folder: str) -> None:
        from jupyter_client.manager import start_new_kernel

        self.km, self.kc = start_new_kernel(kernel_name="python3", cwd=folder,
                                            env={**os.environ})

    def execute(self, source: str, cell_id: str | None = None) -> dict[str, Any]:
        """Run ``source`` as the cell ``cell_id`` (no id: a console); return the reply."""
        content = {"code": source, "silent": False, "store_history": True,
                   "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}
        msg = self.kc.session.msg("execute_request", content,
                                  metadata={"cellId": cell_id} if cell_id else {})
        self.kc.shell_channel.send(msg)
        while True:
            reply = self.kc.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                break
        assert reply["content"]["status"] == "ok", reply["content"]
        return dict(reply["content"])

    def stop(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def save(path: Any, cells: list[tuple[str, str]]) -> None:
    """Save a notebook of code cells ``[(id, source)]`` (what JupyterLab's save does)."""
    nb = nbformat.v4.new_notebook()
    for cell_id, source in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell["id"] = cell_id
        nb.cells.append(cell)
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """One kernel for the module's notebooks (each names its own variables), with its
    own registry; each test points the kernel at its notebook."""
    folder = tmp_path_factory.mktemp("hidden")
    old = os.environ.get("MM_JUPYTER_HOME")
    os.environ["MM_JUPYTER_HOME"] = str(folder / "registry")
    try:
        running = Kernel(str(folder))
    finally:
        if old is None:
            os.environ.pop("MM_JUPYTER_HOME")
        else:
            os.environ["MM_JUPYTER_HOME"] = old
    running.execute("%load_ext mm_jupyter", "load")
    running.execute("%config MMMagics.show_summary = False", "config")
    yield running, folder
    running.stop()


def open_notebook(kernel: Kernel, path: Any) -> None:
    """Point the kernel at ``path`` as jupyter_server would (``MM_JUPYTER_NOTEBOOK``)."""
    kernel.execute(f"%env MM_JUPYTER_NOTEBOOK={path}")


def verdict(folder: Any, name: str) -> dict[str, Any]:
    from mm_jupyter.services.runs.queries import get_run
    from mm_jupyter.store import open_registry

    with open_registry(folder / "registry") as registry:
        found = get_run(registry, name).reproducibility
    assert found is not None
    return found


def kinds(found: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(i["name"], i["kind"], (i["defined_in"] or {}).get("cell_id"))
            for i in found["issues"]]


def test_a_cell_edited_after_it_ran_is_flagged(kernel):
    running, folder = kernel
    path = folder / "edited.ipynb"
    cells = [("e1", "base = 10"), ("e2", "scale = 2"),
             ("e3", "%%mm_track --name edited\nresult = base * scale")]
    save(path, cells)
    open_notebook(running, path)
    running.execute(cells[0][1], "e1")
    ran = running.execute(cells[1][1], "e2")
    # the user changes the cell after running it, and saves
    save(path, [cells[0], ("e2", "scale = 3"), cells[2]])
    running.execute(cells[2][1], "e3")
    found = verdict(folder, "edited")
    assert found["status"] == "warnings"
    assert kinds(found) == [("scale", "edited_cell", "e2")]
    issue = found["issues"][0]
    assert issue["defined_in"]["execution_count"] == ran["execution_count"]
    assert issue["message"] == (f"scale was defined by a cell that has been edited since it"
                                f" ran (In [{ran['execution_count']}])")


def test_a_deleted_cell_is_flagged(kernel):
    running, folder = kernel
    path = folder / "deleted.ipynb"
    cells = [("d1", "data = [1, 2, 3]"), ("d2", "offset = 5"),
             ("d3", "%%mm_track --name deleted\ntotal = sum(data) + offset")]
    save(path, cells)
    open_notebook(running, path)
    running.execute(cells[0][1], "d1")
    running.execute(cells[1][1], "d2")
    save(path, [cells[0], cells[2]])  # d2 deleted; its `offset` lives on in the kernel
    running.execute(cells[2][1], "d3")
    found = verdict(folder, "deleted")
    assert found["status"] == "warnings"
    assert kinds(found) == [("offset", "deleted_cell", "d2")]


def test_a_cell_run_out_of_order_is_flagged(kernel):
    running, folder = kernel
    path = folder / "order.ipynb"
    cells = [("o1", "%%mm_track --name out-of-order\nproduct = factor * 2"),
             ("o2", "factor = 7")]
    save(path, cells)
    open_notebook(running, path)
    running.execute(cells[1][1], "o2")  # the cell below runs first
    running.execute(cells[0][1], "o1")
    found = verdict(folder, "out-of-order")
    assert kinds(found) == [("factor", "out_of_order", "o2")]


def test_console_code_and_exec_are_flagged_and_dependencies_are_followed(kernel):
    running, folder = kernel
    path = folder / "console.ipynb"
    cells = [("c1", "weights = [w * 2 for w in raw_weights]"),
             ("c2", "%%mm_track --name console\nscore = sum(weights) + ghost")]
    save(path, cells)
    open_notebook(running, path)
    running.execute("raw_weights = [1, 2]")  # typed in a console: no cell
    running.execute("exec('ghost = 1')")  # a name no code visibly defines
    running.execute(cells[0][1], "c1")
    running.execute(cells[1][1], "c2")
    found = verdict(folder, "console")
    assert found["status"] == "warnings"
    by_name = {i["name"]: i for i in found["issues"]}
    assert set(by_name) == {"ghost", "raw_weights"}
    assert by_name["ghost"]["kind"] == "unknown_origin"
    assert by_name["ghost"]["defined_in"] is None
    # raw_weights was read by c1, which the tracked cell depends on
    assert by_name["raw_weights"]["kind"] == "not_in_notebook"
    assert by_name["raw_weights"]["read_by"]["cell_id"] == "c1"


def test_a_notebook_run_top_to_bottom_is_clean(kernel):
    running, folder = kernel
    path = folder / "clean.ipynb"
    cells = [("k1", "import math\nradius = 2.0"),
             ("k2", "def area_of(r):\n    return math.pi * r ** 2"),
             ("k3", "%%mm_track --name clean\narea = area_of(radius)")]
    save(path, cells)
    open_notebook(running, path)
    for cell_id, source in cells:
        running.execute(source, cell_id)
    assert verdict(folder, "clean") == {"status": "clean", "issues": []}


def test_a_run_without_a_notebook_is_unknown(kernel):
    running, folder = kernel
    running.execute("%env MM_JUPYTER_NOTEBOOK=")
    running.execute("%%mm_track --name no-notebook\nvalue = 1")
    assert verdict(folder, "no-notebook") == {"status": "unknown", "issues": []}


def test_a_headless_run_in_order_is_clean(registry_dir, tmp_path):
    # nbclient sends no cell ids: the saved cells are matched by their source
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in (
        "%load_ext mm_jupyter",
        "xs = [1, 2, 3]",
        "%%mm_track --name headless-clean\nmean = sum(xs) / len(xs)",
    )]
    nbformat.write(nb, tmp_path / "headless.ipynb")
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    from mm_jupyter.services.runs.queries import get_run
    from mm_jupyter.store import open_registry

    with open_registry(registry_dir) as registry:
        assert get_run(registry, "headless-clean").reproducibility == {
            "status": "clean", "issues": []}
