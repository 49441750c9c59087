"""Tracking benchmarks: cell overhead, import time, metric logging rate.

Prints one JSON object. Run through ``make bench`` (benchmarks/run_all.py).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def import_time_ms(repeats: int = 7) -> float:
    """Median wall time of ``import mm_jupyter`` in a fresh interpreter."""
    code = (
        "import time; t = time.perf_counter(); import mm_jupyter; "
        "print((time.perf_counter() - t) * 1000)"
    )
    samples = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                             text=True, check=True).stdout)
        for _ in range(repeats)
    ]
    return statistics.median(samples)


def cell_overhead_ms(
    n: int = 300, summary: bool = False, cell: str = "x = 1", plain: str | None = None
) -> dict[str, float]:
    """Median tracked-minus-untracked time of ``cell`` (trivial by default) in one shell.

    ``plain`` is the untracked twin when ``cell`` calls the tracking API (which needs a
    run): the same work without it.
    """
    from IPython.testing.globalipapp import get_ipython

    ip = get_ipython()
    if "mm_jupyter" not in ip.extension_manager.loaded:
        ip.run_line_magic("load_ext", "mm_jupyter")
    ip.run_line_magic("config", f"MMMagics.show_summary = {summary}")
    tracked_cell, plain_cell = f"%%mm_track\n{cell}", cell if plain is None else plain
    devnull = open(os.devnull, "w")
    stdout = sys.stdout
    sys.stdout = devnull  # a summary printed to a terminal is not what we measure
    try:
        for _ in range(20):  # warm up: environment probe, first run, caches
            ip.run_cell(tracked_cell)
            ip.run_cell(plain_cell)
        plain_s, tracked = [], []
        for _ in range(n):
            t = time.perf_counter()
            ip.run_cell(plain_cell)
            plain_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            ip.run_cell(tracked_cell)
            tracked.append(time.perf_counter() - t)
    finally:
        sys.stdout = stdout
    return {
        "untracked_ms": statistics.median(plain_s) * 1000,
        "tracked_ms": statistics.median(tracked) * 1000,
        "overhead_ms": (statistics.median(tracked) - statistics.median(plain_s)) * 1000,
    }


def history_growth(n: int = 1000) -> dict[str, float]:
    """Registry bytes added per tracked one-line cell, measured over cells n/2..n of
    one kernel (the execution history is stored once per entry, so this stays flat)."""
    from IPython.testing.globalipapp import get_ipython

    from mm_jupyter.services.runs.session import get_session

    ip = get_ipython()
    ip.run_line_magic("config", "MMMagics.show_summary = False")
    conn = get_session().registry().conn

    def used() -> int:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        return int((pages - free) * conn.execute("PRAGMA page_size").fetchone()[0])

    devnull = open(os.devnull, "w")
    stdout, sys.stdout = sys.stdout, devnull
    try:
        for i in range(n):
            if i == n // 2:
                half = used()
            ip.run_cell(f"%%mm_track\nx = {i}", store_history=True)
    finally:
        sys.stdout = stdout
    return {f"history_bytes_per_cell_after_{n}": (used() - half) / (n - n // 2)}


def log_metric_rate(n: int = 300_000) -> dict[str, float]:
    """Points per second of ``mm.log_metric`` in a loop, and of the flush to SQLite."""
    import mm_jupyter as mm
    from mm_jupyter.services.runs.session import get_session

    with mm.track("bench-metrics", capture_outputs=False):
        log = mm.log_metric
        t = time.perf_counter()
        for i in range(n):
            log("loss", 1.0 / (i + 1), step=i)
        loop = time.perf_counter() - t
        t = time.perf_counter()
        get_session().flush()
        flush = time.perf_counter() - t
    return {
        "log_metric_points_per_s": n / loop,
        "log_metric_us_per_point": loop / n * 1e6,
        "metric_flush_points_per_s": n / flush if flush else float("inf"),
    }


def project_folder(n_files: int = 200) -> str:
    """A notebook folder of fixed size to run the cells in.

    A tracked cell scans its working directory for files it wrote (auto-logging), so
    measuring in the repository would make the figure depend on what is built there.
    """
    folder = tempfile.mkdtemp(prefix="mm-bench-project-")
    for i in range(n_files):
        sub = os.path.join(folder, f"part{i % 10}")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"data{i}.csv"), "w") as f:
            f.write("a,b\n1,2\n")
    return folder


def main() -> None:
    os.environ["MM_JUPYTER_HOME"] = tempfile.mkdtemp(prefix="mm-bench-")
    result = {"import_mm_jupyter_ms": import_time_ms()}
    os.chdir(project_folder())
    overhead = cell_overhead_ms()
    result["tracked_cell_overhead_ms"] = overhead["overhead_ms"]
    result["untracked_cell_ms"] = overhead["untracked_ms"]
    result["tracked_cell_ms"] = overhead["tracked_ms"]
    result["tracked_cell_overhead_with_summary_ms"] = cell_overhead_ms(200, True)["overhead_ms"]
    result.update(history_growth())
    result.update(log_metric_rate())
    print(json.dumps({k: round(v, 4) for k, v in result.items()}))


if __name__ == "__main__":
    main()
