"""Files a tracked cell writes, found in a real kernel (ipykernel through nbclient) in a
folder bigger than the scan's bound: the folder watch finds them all; with the watch off
the scan stops short and says so under the cell, naming the folder."""

from __future__ import annotations

import os
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from mm_jupyter.services.runs.queries import run_detail
from mm_jupyter.store import open_registry

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="the folder watch is Linux's inotify"),
]

WRITE = (
    "%%mm_track --name writer\nimport pathlib\n"
    "pathlib.Path('zz/preds.csv').write_text('p')\n"
    "pathlib.Path('new/fold').mkdir(parents=True)\n"
    "pathlib.Path('new/fold/model.pkl').write_bytes(b'm')\n"
    "'done'"
)


def _run(folder, cells):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return nb


@pytest.fixture
def big_folder(tmp_path):
    """6,000 old files beside a folder ``zz``: a 5,000-entry scan never reaches it."""
    for i in range(6_000):
        path = tmp_path / f"f{i}.csv"
        path.write_text("x")
        os.utime(path, (1e9, 1e9))
    (tmp_path / "zz").mkdir()
    return tmp_path


def test_the_watch_finds_every_file_a_cell_wrote_in_a_big_folder(registry_dir, big_folder):
    nb = _run(big_folder, [
        "%load_ext mm_jupyter\n%config MMMagics.show_summary = False",
        # The walk that sets the watches runs in the background from %load_ext.
        "assert get_ipython().magics_manager.registry['MMMagics']"
        ".tracked_cells.files.watch.wait_ready(60)",
        WRITE,
    ])
    # The cell's outputs are its own: its result, no warning of ours.
    assert nb.cells[2].outputs == [{
        "output_type": "execute_result", "execution_count": 3, "metadata": {},
        "data": {"text/plain": "'done'"},
    }]
    registry = open_registry(registry_dir)
    try:
        outputs = run_detail(registry, "writer")["artifacts"]["outputs"]
    finally:
        registry.close()
    assert {v["name"] for v in outputs} == {"zz/preds.csv", "new/fold/model.pkl"}


def test_a_scan_cut_short_warns_under_the_cell_naming_the_folder(registry_dir, big_folder):
    nb = _run(big_folder, [
        "%load_ext mm_jupyter\n%config MMMagics.show_summary = False\n"
        "%config MMMagics.autolog_watch = False",
        WRITE,
    ])
    streams = [o for o in nb.cells[1].outputs if o["output_type"] == "stream"]
    assert len(streams) == 1 and streams[0]["name"] == "stderr"
    assert f"files written under {big_folder} may not all be logged" in streams[0]["text"]
    results = [o for o in nb.cells[1].outputs if o["output_type"] == "execute_result"]
    assert [r["data"] for r in results] == [{"text/plain": "'done'"}]  # the cell went on
