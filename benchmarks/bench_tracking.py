"""Tracking benchmarks: cell overhead (next to its floor), import time, metric logging rate.

The cell overhead is measured in a project folder of 200 files and in one of 100,000
files (``--big-folder``): the files a tracked cell writes are found by a watch of the
folder (capture/folder_watch.py), so the second figure should match the first. The same
big folder with the watch off (``MMMagics.autolog_watch = False``) shows what the bounded
scan it replaces costs there.

The floor (``floor_run_sqlite_ms``) is raw sqlite3 writing the same run a tracked cell
writes, on the same registry file, in the same two transactions (start, end): the run
row and its params copied from a tracked run, then the end's UPDATE. No mm-jupyter code.

Prints one JSON object. Run through ``make bench`` (benchmarks/run_all.py).
"""

from __future__ import annotations

import argparse
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
    n: int = 300, summary: bool = False, cell: str = "x = 1", plain: str | None = None,
    watch: bool = True,
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
    ip.run_line_magic("config", f"MMMagics.autolog_watch = {watch}")
    files = ip.magics_manager.registry["MMMagics"].tracked_cells.files
    files.start_watch()  # of this folder, as %load_ext in it does
    if watch:
        files.watch.wait_ready(120)
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


def floor_run_ms(n: int = 300) -> float:
    """Median time of raw sqlite3 writing one tracked run (see the module docstring)."""
    import sqlite3
    import uuid

    from mm_jupyter.services.runs.session import get_session

    registry = get_session().registry()
    template = registry.conn.execute(
        "SELECT id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()[0]
    conn = sqlite3.connect(str(registry.db_path), isolation_level=None)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")

    def copy(table: str, key: str) -> str:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        chosen = ", ".join("?" if c == key else c for c in columns)
        return (f"INSERT INTO {table} ({', '.join(columns)}) SELECT {chosen}"
                f" FROM {table} WHERE {key} = ?")

    copy_run, copy_params = copy("runs", "id"), copy("params", "run_id")
    samples = []
    for _ in range(n):
        run_id = uuid.uuid4().hex
        t = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(copy_run, (run_id, template))
        conn.execute(copy_params, (run_id, template))
        conn.execute("COMMIT")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE runs SET status = 'finished', finished_at = ?, duration_s = ?"
                     " WHERE id = ?", ("2026-01-01T00:00:00Z", 0.001, run_id))
        conn.execute("COMMIT")
        samples.append(time.perf_counter() - t)
    conn.close()
    return statistics.median(samples) * 1000


def project_folder(n_files: int = 200) -> str:
    """A notebook folder of ``n_files`` files (100 per folder, two levels) to run in.

    A tracked cell looks for files it wrote under its working directory (auto-logging),
    so measuring in the repository would make the figure depend on what is built there.
    """
    folder = tempfile.mkdtemp(prefix="mm-bench-project-")
    for i in range(n_files):
        sub = os.path.join(folder, f"part{i // 1000}", f"sub{i // 100 % 10}")
        if i % 100 == 0:
            os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"data{i}.csv"), "w") as f:
            f.write("a,b\n1,2\n")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big-folder", type=int, default=100_000,
                        help="files in the big project folder (0 skips it)")
    args = parser.parse_args()
    os.environ["MM_JUPYTER_HOME"] = tempfile.mkdtemp(prefix="mm-bench-")
    result = {"import_mm_jupyter_ms": import_time_ms()}
    os.chdir(project_folder())
    overhead = cell_overhead_ms()
    result["tracked_cell_overhead_ms"] = overhead["overhead_ms"]
    result["untracked_cell_ms"] = overhead["untracked_ms"]
    result["tracked_cell_ms"] = overhead["tracked_ms"]
    result["floor_run_sqlite_ms"] = floor_run_ms()
    result["tracked_cell_overhead_with_summary_ms"] = cell_overhead_ms(200, True)["overhead_ms"]
    if args.big_folder:
        os.chdir(project_folder(args.big_folder))
        key = f"tracked_cell_overhead_{args.big_folder // 1000}k_files_ms"
        result[key] = cell_overhead_ms()["overhead_ms"]
        import warnings

        with warnings.catch_warnings():  # the bounded scan says it stopped short
            warnings.simplefilter("ignore")
            result[key.replace("_ms", "_scan_ms")] = cell_overhead_ms(
                100, watch=False)["overhead_ms"]
    result.update(history_growth())
    result.update(log_metric_rate())
    print(json.dumps({k: round(v, 4) for k, v in result.items()}))


if __name__ == "__main__":
    main()
