"""Corpus overhead: the notebooks of ``tests/magics/corpus/`` run plain vs every cell tracked.

Each repetition executes every corpus notebook in a fresh kernel twice (plain, then
tracked with ``%load_ext mm_jupyter`` first and ``%%mm_track`` on each code cell that is
not a cell magic; summaries off, as in ``tests/magics/test_corpus.py``), one kernel at a time,
and times the cells only (kernel start-up is the same for both and left out; the first
cell, ``%load_ext`` for the tracked run, is counted; the registry exists beforehand, as
after ``mm-jupyter init``, and its one-time creation is ``registry_create_s``). The
figures are medians of three repetitions. "nofig" sums the same cells minus those
that show a figure in the plain
run: the corpus with its figure cells skipped, without breaking the cells after them.

Prints one JSON object. Run through ``make bench`` (benchmarks/run_all.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_core.utils import ensure_async
from nbclient import NotebookClient

from mm_jupyter.store import open_registry

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "magics" / "corpus"
REPEATS = 3


def variant(path: Path, *, tracked: bool) -> nbformat.NotebookNode:
    """The notebook as it runs plain, or with every code cell tracked."""
    nb = nbformat.read(path, as_version=4)
    if tracked:
        for cell in nb.cells:
            if cell.cell_type == "code" and not cell.source.lstrip().startswith("%%"):
                cell.source = "%%mm_track\n" + cell.source
        first = "%load_ext mm_jupyter\n%config MMMagics.show_summary = False"
    else:
        first = "pass"
    nb.cells.insert(0, nbformat.v4.new_code_cell(first))
    return nb


async def cell_times(nb: nbformat.NotebookNode) -> list[float]:
    """Execute ``nb`` in a fresh kernel; the wall time of each cell (0 for markdown)."""
    folder = Path(tempfile.mkdtemp(prefix="mm-bench-corpus-"))
    (folder / "cwd").mkdir()
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(folder / "cwd")}},
    )
    env = {**os.environ, "MM_JUPYTER_HOME": str(folder / "registry")}
    # The registry exists, as after `mm-jupyter init` (or any earlier run): creating
    # one (migrations; sqlite-utils imports pandas) costs ~0.4 s once per registry,
    # not once per notebook. `registry_create_s` reports it.
    open_registry(folder / "registry").close()
    times = []
    async with client.async_setup_kernel(env=env):
        await client.async_wait_for_reply(await ensure_async(client.kc.kernel_info()))
        for index, cell in enumerate(nb.cells):
            t = time.perf_counter()
            await client.async_execute_cell(
                cell, index, execution_count=client.code_cells_executed + 1
            )
            times.append(time.perf_counter() - t if cell.cell_type == "code" else 0.0)
    return times


def has_figure(cell: nbformat.NotebookNode) -> bool:
    return any(
        key.startswith("image/")
        for output in cell.get("outputs", [])
        for key in output.get("data", {})
    )


def registry_create_s() -> float:
    """Seconds to create a registry in a fresh process, as a kernel's first run would."""
    folder = tempfile.mkdtemp(prefix="mm-bench-create-")
    code = (
        "import time; t = time.perf_counter(); from mm_jupyter.store import open_registry;"
        f"open_registry({folder!r}).close(); print(time.perf_counter() - t)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout)


def main() -> None:
    paths = sorted(CORPUS.glob("*.ipynb"))
    kinds = ("plain", "tracked", "plain_nofig", "tracked_nofig")
    totals: dict[str, list[float]] = {k: [] for k in kinds}
    cells = 0
    for repeat in range(REPEATS):
        sums = dict.fromkeys(totals, 0.0)
        for path in paths:
            plain_nb = variant(path, tracked=False)
            tracked_nb = variant(path, tracked=True)
            order = [("plain", plain_nb), ("tracked", tracked_nb)]
            if repeat % 2:  # alternate which goes first: drift on a busy machine evens out
                order.reverse()
            timed = {kind: asyncio.run(cell_times(nb)) for kind, nb in order}
            figure = [has_figure(cell) for cell in plain_nb.cells]
            for kind in ("plain", "tracked"):
                sums[kind] += sum(timed[kind])
                sums[f"{kind}_nofig"] += sum(t for t, f in zip(timed[kind], figure, strict=True) if not f)
            if repeat == 0:
                cells += sum(c.cell_type == "code" for c in plain_nb.cells[1:])
        for kind, value in sums.items():
            totals[kind].append(value)
    med = {k: statistics.median(v) for k, v in totals.items()}
    result = {
        "plain_s": med["plain"],
        "tracked_s": med["tracked"],
        "overhead_pct": (med["tracked"] / med["plain"] - 1) * 100,
        "plain_nofig_s": med["plain_nofig"],
        "tracked_nofig_s": med["tracked_nofig"],
        "overhead_nofig_pct": (med["tracked_nofig"] / med["plain_nofig"] - 1) * 100,
    }
    result["registry_create_s"] = registry_create_s()
    result = {k: round(v, 3) for k, v in result.items()}
    print(json.dumps({"corpus_overhead": {**result, "cells": cells}}))


if __name__ == "__main__":
    main()
