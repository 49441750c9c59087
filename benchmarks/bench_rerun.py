"""Re-run benchmark (issue 15): ``rerun`` of the quickstart's tuned run, end to end.

Executes examples/quickstart.ipynb headless (nbclient) in a temporary folder with a
registry of its own, then times ``rerun(registry, tuned)`` — program built from the
stored history, inputs restored, a fresh kernel started, the program run, the report
made — twice. Target: at most 10 s. Prints one JSON object (benchmarks/run_all.py).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUICKSTART = ROOT / "examples" / "quickstart.ipynb"
TARGET_S = 10.0


def record_quickstart(folder: Path) -> float:
    """Execute the quickstart in ``folder``; return its wall time."""
    import nbformat
    from nbclient import NotebookClient

    notebook = folder / QUICKSTART.name
    shutil.copy(QUICKSTART, notebook)
    nb = nbformat.read(notebook, as_version=4)
    env = {**os.environ, "JPY_SESSION_NAME": str(notebook)}
    started = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute(env=env)
    return time.perf_counter() - started


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mm-bench-rerun-") as tmp:
        folder = Path(tmp)
        os.environ["MM_JUPYTER_HOME"] = str(folder / ".mm")
        quickstart_s = record_quickstart(folder)

        from mm_jupyter.services.registry import open_registry
        from mm_jupyter.services.runs.queries import list_runs
        from mm_jupyter.services.runs.rerun import rerun

        registry = open_registry()
        [tuned] = list_runs(registry, filter="name = 'tuned'", limit=5)
        times, reports = [], []
        for _ in range(2):
            started = time.perf_counter()
            reports.append(rerun(registry, tuned.id))
            times.append(time.perf_counter() - started)
        registry.close()
    report = reports[0]
    print(json.dumps({"rerun": {
        "quickstart_execute_s": round(quickstart_s, 2),
        "rerun_tuned_s": [round(t, 2) for t in times],
        "rerun_tuned_best_s": round(min(times), 2),
        "target_s": TARGET_S,
        "within_target": min(times) <= TARGET_S,
        "status": report["status"],
        "reproduced": [r["reproduced"] for r in reports],
        "program_cells": len(report["program"]),
        "metrics_compared": len(report["metrics"]),
        "error": report["error"],
    }}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
