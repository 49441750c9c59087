"""Export at scale (issue 16, target 5): ``GET runs.csv``, ``mm.runs_frame()`` and
``mm-jupyter runs list --csv`` of ``--runs`` runs with 10 params and 10 metrics, each
beside its floor.

The registry (10 params: lr, depth, model, p3..p9; 10 latest metrics: acc, loss, f1,
m3..m9; a ``team`` tag) is bulk-inserted with ``executemany`` like seed_runs.py and
cached under ``benchmarks/.cache/``. Each figure is the best of ``--rounds`` rounds
(the machine is shared: the spread is printed too, as ``*_all_s``):

- ``csv``: draining ``export.csv_chunks`` (every run, every column, the list's order),
  in process; its bytes and its peak RSS growth (in a fresh process: ``VmHWM`` after
  the export minus the RSS before it; bounded memory means it stays near a batch's).
- ``csv_chosen``: the same with a table view's eight columns (``CHOSEN``), as the
  table's Export CSV asks; its floor pivots only those keys.
- ``http_csv``: ``GET runs.csv`` through a started ``jupyter server`` (read whole; its
  floor is ``floor_csv``: no HTTP at all).
- ``frame``: ``frames.runs_frame``, and its peak RSS growth.
- ``cli_csv``: ``mm-jupyter runs list --csv > /dev/null`` as a process (start-up in).

The floors are what plain sqlite3 does with the same rows, no mm-jupyter code: one
query pivoting each run's params and latest metrics into columns (GROUP BY), with the
tags' JSON text, in the list's order (newest first), written with ``csv.writer`` to a
bytes sink (``floor_csv``; ``floor_cli_csv`` the same as a fresh process); and a
pandas DataFrame built from those raw rows (``floor_frame``). They do none of the
export's formatting (spelling NaN and infinities, JSON values, formula escaping), so
they are a bound, not a like-for-like twin. Target: 2 s for the CSV and the frame.

    .venv/bin/python benchmarks/bench_export.py [--runs 100000] [--rounds 3] [--no-http]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seed_runs import EXPERIMENTS, cached, insert_seed  # noqa: E402

from mm_jupyter.services.runs import export  # noqa: E402
from mm_jupyter.services.runs import frame as frames  # noqa: E402
from mm_jupyter.store import open_registry  # noqa: E402

GENERATOR_VERSION = "1"  # bump to rebuild the cached registry
TARGET_S = 2.0
PARAMS = ("lr", "depth", "model", *(f"p{k}" for k in range(3, 10)))
METRICS = ("acc", "loss", "f1", *(f"m{k}" for k in range(3, 10)))


def build(path: Path, n_runs: int) -> None:
    """Fill an empty registry with ``n_runs`` runs of 10 params and 10 metrics each."""
    rng = random.Random(n_runs * 11)
    registry = open_registry(path)
    try:
        with registry.write() as conn:
            conn.executemany(
                "INSERT INTO experiments (id, name, created_at) VALUES (?, ?, ?)",
                [(i + 1, name, "2026-01-01T00:00:00.000Z") for i, name in enumerate(EXPERIMENTS)])
            run_rows, params, metrics = [], [], []
            t0 = 1_764_000_000.0
            for i in range(n_runs):
                run_id = f"{rng.getrandbits(48):012x}"
                started = t0 + i * 7.0
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started))
                end = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started + 5))
                run_rows.append((
                    run_id, f"run-{i}", rng.randrange(len(EXPERIMENTS)) + 1,
                    rng.choices(("finished", "failed"), (95, 5))[0], "bench", "box",
                    f"/abs/nb{i % 50}.ipynb", f"{stamp}.000Z", f"{end}.000Z",
                    rng.uniform(0.1, 600.0),
                    json.dumps({"team": rng.choice(("risk", "growth", "ml"))}),
                ))
                values: dict[str, Any] = {
                    "lr": rng.choice((0.001, 0.01, 0.1, 0.3)), "depth": rng.randrange(2, 12),
                    "model": rng.choice(("gbm", "rf", "lr")),
                    **{f"p{k}": round(rng.random(), 4) for k in range(3, 10)},
                }
                params += [
                    (run_id, key, json.dumps(v), None if isinstance(v, str) else float(v),
                     "explicit")
                    for key, v in values.items()
                ]
                for key in METRICS:
                    metrics.append((run_id, key, rng.random(), 10, started + 5))
            insert_seed(conn, run_rows, params, metrics)
        registry.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        registry.close()


def peak_kb() -> int:
    """This process's peak resident set (``VmHWM``), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def reset_peak() -> None:
    """Reset ``VmHWM`` to the current RSS (Linux: "5" into clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def timed(work: Callable[[], Any], rounds: int) -> list[float]:
    """Seconds of each of ``rounds`` calls of ``work`` (its result dropped at once)."""
    seconds = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        seconds.append(round(time.perf_counter() - start, 3))
    return seconds


def peak_growth_mb(what: str, path: Path) -> int:
    """Peak RSS growth of one ``what`` export in a fresh process: its ``VmHWM`` after the
    export minus its RSS before it (imports done, registry open)."""
    done = subprocess.run([sys.executable, __file__, "--memory-of", what, "--path", str(path)],
                          capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


def memory_child(what: str, path: Path) -> None:
    import pandas  # noqa: F401  (imported before the baseline, as in a notebook)

    registry = open_registry(path)
    work = {"csv": lambda: csv_drain(registry), "frame": lambda: frames.runs_frame(registry),
            "floor_csv": lambda: floor_csv(path / "registry.db"),
            "floor_frame": lambda: floor_frame(path / "registry.db")}[what]
    reset_peak()
    before = rss_kb()
    work()
    print(round((peak_kb() - before) / 1024))


# The floor: one plain query, every value pivoted into its column by the database.
ALL_ATTRIBUTES = ("r.id", "r.name", "e.name", "r.status", "r.user", "r.started_at",
                  "r.finished_at", "r.duration_s")
#: The chosen-columns case: a table view's columns (the UI's Export CSV sends them).
CHOSEN = "name,status,started_at,params.lr,params.depth,metrics.acc,metrics.loss,tags.team"
CHOSEN_FLOOR = (("r.name", "r.status", "r.started_at"), ("lr", "depth"), ("acc", "loss"))


def floor_sql(attributes: tuple[str, ...] = ALL_ATTRIBUTES, params: tuple[str, ...] = PARAMS,
              metrics: tuple[str, ...] = METRICS) -> str:
    """The floor's query: the runs in the list's order, each key's value pivoted into
    its column by the database (GROUP BY), the tags as their JSON text."""
    pivot_params = ", ".join(
        f"max(CASE WHEN key = '{k}' THEN value END) AS \"params.{k}\"" for k in params)
    pivot_metrics = ", ".join(
        f"max(CASE WHEN key = '{k}' THEN value END) AS \"metrics.{k}\"" for k in metrics)
    columns = ", ".join([*attributes, *(f'p."params.{k}"' for k in params),
                         *(f'm."metrics.{k}"' for k in metrics), "r.tags"])

    def only(keys: tuple[str, ...], every: tuple[str, ...]) -> str:
        # Some keys only: named (all of them: no WHERE, which SQLite plans faster).
        return "" if keys == every else f" WHERE key IN ({', '.join(repr(k) for k in keys)})"

    return (
        f"SELECT {columns}"
        " FROM runs r JOIN experiments e ON e.id = r.experiment_id"
        f" LEFT JOIN (SELECT run_id AS p_run, {pivot_params} FROM params"
        f"{only(params, PARAMS)} GROUP BY run_id) p ON p.p_run = r.id"
        f" LEFT JOIN (SELECT run_id AS m_run, {pivot_metrics} FROM latest_metrics"
        f"{only(metrics, METRICS)} GROUP BY run_id) m ON m.m_run = r.id"
        " WHERE r.parent_run_id IS NULL AND r.deleted_at IS NULL AND r.archived_at IS NULL"
        " ORDER BY r.started_at DESC, r.id DESC")


def floor_rows(db: Path, sql: str | None = None) -> Any:
    conn = sqlite3.connect(db)
    cursor = conn.execute(sql or floor_sql())
    return conn, cursor


def floor_csv(db: Path, sql: str | None = None) -> int:
    conn, cursor = floor_rows(db, sql)
    sink = io.BytesIO()
    text = io.TextIOWrapper(sink, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([d[0] for d in cursor.description])
    size = 0
    while rows := cursor.fetchmany(5000):
        writer.writerows(rows)
        size += sink.tell()
        sink.seek(0)
        sink.truncate()
    conn.close()
    return size


def floor_frame(db: Path) -> Any:
    import pandas as pd

    conn, cursor = floor_rows(db)
    names = [d[0] for d in cursor.description]
    frame = pd.DataFrame.from_records(cursor.fetchall(), columns=names)
    conn.close()
    return frame


def csv_drain(registry: Any, columns: str | None = None) -> int:
    return sum(len(c.encode()) for c in export.csv_chunks(registry, columns=columns))


def cli_csv(path: Path) -> float:
    env = {**os.environ, "MM_JUPYTER_HOME": str(path),
           "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mm_jupyter.cli.main", "runs", "list", "--csv"],
                   env=env, stdout=subprocess.DEVNULL, check=True)
    return round(time.perf_counter() - start, 3)


def http_csv(path: Path, rounds: int) -> tuple[list[float], int]:
    """Seconds of each ``GET runs.csv`` (read whole) through a started jupyter server
    (started as timing.http_round_trips starts it)."""
    import urllib.request

    from timing import free_port, wait_for_server

    port, token = free_port(), "bench-token"
    env = {**os.environ, "MM_JUPYTER_HOME": str(path),
           "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    root = path.parent / "server-root"
    root.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root",
           f"--port={port}", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}",
           "--ServerApp.jpserver_extensions={'mm_jupyter': True}"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/mm-jupyter/api/"

    def get(route: str) -> int:
        request = urllib.request.Request(base + route,
                                         headers={"Authorization": f"token {token}"})
        size = 0
        with urllib.request.urlopen(request, timeout=120) as response:
            while block := response.read(1 << 20):
                size += len(block)
        return size

    seconds: list[float] = []
    size = 0
    try:
        wait_for_server(get, proc)
        get("runs.csv?columns=id")  # warm-up
        for _ in range(rounds):
            start = time.perf_counter()
            size = get("runs.csv")
            seconds.append(round(time.perf_counter() - start, 3))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return seconds, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-http", action="store_true", help="skip GET runs.csv")
    parser.add_argument("--only", nargs="+", default=None,
                        help="csv, frame, cli, http (default: all)")
    parser.add_argument("--memory-of", help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_of:
        memory_child(args.memory_of, args.path)
        return
    label = f"{args.runs // 1000}k" if args.runs % 1000 == 0 else str(args.runs)
    only = set(args.only or ("csv", "frame", "cli", "http"))
    if args.no_http:
        only.discard("http")
    path = cached(f"export-{args.runs}", GENERATOR_VERSION, lambda p: build(p, args.runs),
                  f"{args.runs} runs x 10 params x 10 metrics")
    db = path / "registry.db"
    prefix = f"export_{label}"
    result: dict[str, Any] = {f"{prefix}_rounds": args.rounds, "export_target_s": TARGET_S}

    def record(name: str, seconds: list[float]) -> None:
        result[f"{prefix}_{name}_s"] = min(seconds)
        result[f"{prefix}_{name}_all_s"] = seconds

    registry = open_registry(path)
    try:
        if "csv" in only:
            csv_drain(registry)  # warm-up: the page cache, imports
            record("csv", timed(lambda: csv_drain(registry), args.rounds))
            result[f"{prefix}_csv_bytes"] = csv_drain(registry)
            record("floor_csv", timed(lambda: floor_csv(db), args.rounds))
            result[f"{prefix}_floor_csv_bytes"] = floor_csv(db)
            record("csv_chosen", timed(lambda: csv_drain(registry, CHOSEN), args.rounds))
            result[f"{prefix}_csv_chosen_columns"] = CHOSEN
            chosen_sql = floor_sql(*CHOSEN_FLOOR)
            record("floor_csv_chosen", timed(lambda: floor_csv(db, chosen_sql), args.rounds))
            for name in ("csv", "floor_csv"):
                result[f"{prefix}_{name}_peak_rss_growth_mb"] = peak_growth_mb(name, path)
            result["export_csv_target_met"] = result[f"{prefix}_csv_s"] <= TARGET_S
        if "frame" in only:
            frame = frames.runs_frame(registry)
            result[f"{prefix}_frame_shape"] = list(frame.shape)
            del frame
            record("frame", timed(lambda: frames.runs_frame(registry), args.rounds))
            record("floor_frame", timed(lambda: floor_frame(db), args.rounds))
            for name in ("frame", "floor_frame"):
                result[f"{prefix}_{name}_peak_rss_growth_mb"] = peak_growth_mb(name, path)
            result["export_frame_target_met"] = result[f"{prefix}_frame_s"] <= TARGET_S
    finally:
        registry.close()
    if "cli" in only:
        record("cli_csv", [cli_csv(path) for _ in range(args.rounds)])
        # The CLI's floor: the raw query and csv.writer, also as a fresh process.
        floor = [sys.executable, "-c",
                 "import sys; sys.path.insert(0, sys.argv[1]); import bench_export as b;"
                 " b.floor_csv(b.Path(sys.argv[2]))", str(Path(__file__).parent), str(db)]
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            subprocess.run(floor, check=True, stdout=subprocess.DEVNULL)
            times.append(round(time.perf_counter() - start, 3))
        record("floor_cli_csv", times)
    if "http" in only:
        seconds, size = http_csv(path, args.rounds)
        record("http_csv", seconds)
        result[f"{prefix}_http_csv_bytes"] = size
    print(json.dumps(result))


if __name__ == "__main__":
    main()
