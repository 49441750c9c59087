"""The team backend (PostgreSQL, blobs on S3) side by side with the embedded SQLite one.

Starts its own loopback PostgreSQL and SeaweedFS S3 server (benchmarks/team_backend.py)
and measures, for both backends in the same run:

- ``*_tracked_cell_5p5m_overhead_ms``: a tracked cell with 5 literal params and 5 logged
  metrics, median of ``--cells`` cells, minus the same cell untracked (bench_tracking's
  ``cell_overhead_ms``). Target on PostgreSQL <= 5 ms.
- ``*_cell_metric_points_per_s``: a tracked cell that logs ``--points`` points in a loop;
  points over the cell's wall time, the last flush included. A second connection
  polls the metrics table every 20 ms meanwhile: ``*_cell_metric_max_flush_gap_s`` is
  the longest the table went without new points while the cell ran (the flusher must
  write at least once a second). Target on PostgreSQL >= 100,000 points/s.
- ``*_runs_100k_<case>_ms``: bench_server's handler cases (store query + strict JSON)
  on 100,000 synthetic runs (seed_runs), SQLite's cached registry and the same runs
  loaded into PostgreSQL; the two backends are timed in turn, case by case. Targets:
  the first page sorted by a metric and the ``q`` filter <= 50 ms.

The machine is noisy, so the cell figures are medians over ``--rounds`` rounds, each a
fresh process per backend, the backends alternating (``*_rounds`` lists every round).
Team tracked cells put their blobs on the S3 server (``team_blobs``). Without the
PostgreSQL binaries (or SeaweedFS) the team figures are reported as skipped, with the
reason. Prints one JSON object.

    .venv/bin/python benchmarks/bench_team.py [--rounds 3] [--cells 200]
        [--points 200000] [--metric-cells 1] [--runs 100000] [--repeat 25]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from team_backend import TeamServers, team_servers  # noqa: E402

CELL_TARGET_MS = 5.0
POINTS_TARGET_PER_S = 100_000
PAGE_TARGET_MS = 50.0
FLUSH_GAP_TARGET_S = 1.0
# Each query case runs --repeat times, or fewer (at least MIN_REPEAT) once the two
# backends have spent CASE_BUDGET_S on it.
MIN_REPEAT, CASE_BUDGET_S = 7, 4.0
BACKEND_NAMES = ("MM_JUPYTER_DATABASE_URL", "MM_JUPYTER_BLOB_URL")
# The 5-param, 5-metric cell, and its untracked twin (logging needs a run).
PARAMS = "lr = 0.05\ndepth = 6\nn_estimators = 200\nsubsample = 0.8\nseed = 42\n"
SCORES = '{"acc": 0.91, "f1": 0.88, "auc": 0.95, "loss": 0.23, "recall": 0.87}'
CELL = PARAMS + f"mm.log_metrics({SCORES})"
PLAIN = PARAMS + f"scores = {SCORES}"


# -- in a child process: one backend, chosen by the environment ---------------------


class FlushWatcher:
    """Polls the highest metric row id on its own connection; keeps when it grew."""

    def __init__(self, connect: Callable[[], Any], every_s: float = 0.02):
        self.conn = connect()
        self.every_s = every_s
        self.changes: list[float] = []
        self._stop = threading.Event()

    def _poll(self) -> None:
        last = None
        while not self._stop.is_set():
            row = self.conn.execute("SELECT max(id) FROM metrics").fetchone()
            if row[0] != last:
                last = row[0]
                self.changes.append(time.perf_counter())
            self._stop.wait(self.every_s)

    @contextmanager
    def watching(self) -> Iterator[None]:
        self.changes.clear()
        self._stop.clear()
        thread = threading.Thread(target=self._poll, daemon=True)
        thread.start()
        time.sleep(2 * self.every_s)  # the first poll sees the table as it was
        try:
            yield
        finally:
            self._stop.set()
            thread.join()

    def longest_gap(self, start: float, end: float) -> float:
        """The longest time within [start, end] the table went without new points."""
        seen = [start] + [t for t in self.changes[1:] if start < t < end] + [end]
        return max(b - a for a, b in itertools.pairwise(seen))


def connect_to_registry() -> Callable[[], Any]:
    """A factory of second connections to the registry this process records into."""
    url = os.environ.get("MM_JUPYTER_DATABASE_URL")
    if url:
        import psycopg

        return lambda: psycopg.connect(url, autocommit=True)
    import sqlite3

    path = Path(os.environ["MM_JUPYTER_HOME"]) / "registry.db"
    return lambda: sqlite3.connect(path, check_same_thread=False)


def cell_metric_rate(points: int, repeat: int) -> dict[str, Any]:
    """Points/s of ``mm.log_metric`` in a tracked cell, and the longest flush gap."""
    from IPython.testing.globalipapp import get_ipython

    ip = get_ipython()
    watcher = FlushWatcher(connect_to_registry())
    rates, gaps = [], []
    for k in range(repeat):
        code = (f"%%mm_track\nfor i in range({points}):\n"
                f"    mm.log_metric('loss{k}', 1.0 / (i + 1), step=i)")
        with watcher.watching():
            start = time.perf_counter()
            result = ip.run_cell(code)
            end = time.perf_counter()
        result.raise_error()
        stored = watcher.conn.execute(  # a literal: both drivers, no parameter style
            f"SELECT count(*) FROM metrics WHERE key = 'loss{k}'").fetchone()[0]
        if stored != points:
            raise RuntimeError(f"{stored} of {points} points stored")
        rates.append(points / (end - start))
        gaps.append(watcher.longest_gap(start, end))
    watcher.conn.close()
    return {"cell_metric_points_per_s": statistics.median(rates),
            "cell_metric_max_flush_gap_s": max(gaps)}


def recorded(connect: Callable[[], Any]) -> dict[str, int]:
    """Params and metrics of the last tracked run: proof the cell records 5 and 5."""
    conn = connect()
    row = conn.execute(
        "SELECT (SELECT count(*) FROM params p WHERE p.run_id = r.id),"
        " (SELECT count(*) FROM latest_metrics m WHERE m.run_id = r.id)"
        " FROM runs r ORDER BY r.started_at DESC LIMIT 1").fetchone()
    conn.close()
    if tuple(row) != (5, 5):  # the figure would not be the one it is named after
        raise RuntimeError(f"the tracked cell recorded {row[0]} params and {row[1]} metrics")
    return {"tracked_cell_5p5m_params": row[0], "tracked_cell_5p5m_metrics": row[1]}


def child(args: argparse.Namespace) -> None:
    """Measure the cell figures on the backend the environment names; print JSON."""
    from bench_tracking import cell_overhead_ms, project_folder
    from IPython.testing.globalipapp import get_ipython

    folder = project_folder()
    os.chdir(folder)  # a fixed folder: tracked cells scan it for written files
    ip = get_ipython()
    ip.run_cell("import mm_jupyter as mm")
    try:
        overhead = cell_overhead_ms(args.cells, cell=CELL, plain=PLAIN)
        result: dict[str, Any] = {
            "tracked_cell_5p5m_overhead_ms": overhead["overhead_ms"],
            "tracked_cell_5p5m_ms": overhead["tracked_ms"],
            **recorded(connect_to_registry()),
            **cell_metric_rate(args.points, args.metric_cells),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result))


# -- in the parent: servers, rounds, the 100k-runs queries --------------------------


@contextmanager
def backend_env(env: dict[str, str]) -> Iterator[None]:
    """Registries opened inside use the backend ``env`` names (else the SQLite default)."""
    saved = {k: os.environ.pop(k) for k in BACKEND_NAMES if k in os.environ}
    os.environ.update(env)
    try:
        yield
    finally:
        for key in BACKEND_NAMES:
            os.environ.pop(key, None)
        os.environ.update(saved)


def team_env(team: TeamServers, label: str) -> dict[str, str]:
    """The environment of a registry on the team servers: a fresh database and bucket."""
    env = {"MM_JUPYTER_DATABASE_URL": team.new_database(label)}
    if team.s3 is not None:
        env.update(team.s3.env(team.new_bucket(label.replace("_", "-"))))
    return env


def run_child(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", "--cells", str(args.cells),
               "--points", str(args.points), "--metric-cells", str(args.metric_cells)]
    child_env = {k: v for k, v in os.environ.items() if k not in BACKEND_NAMES}
    with tempfile.TemporaryDirectory(prefix="mm-bench-team-") as home:  # ~50 MB of SQLite
        child_env.update(env, MM_JUPYTER_HOME=home)
        done = subprocess.run(command, env=child_env, capture_output=True, text=True,
                              check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench_team child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def cell_figures(args: argparse.Namespace, team: TeamServers) -> dict[str, Any]:
    """Both backends' cell figures, rounds alternating; medians and every round."""
    rounds: dict[str, list[dict[str, Any]]] = {"sqlite": [], "team_pg": []}
    for n in range(args.rounds):
        rounds["sqlite"].append(run_child(args, {}))
        if team.postgres is not None:
            rounds["team_pg"].append(run_child(args, team_env(team, f"cells{n}")))
    result: dict[str, Any] = {}
    for backend, results in rounds.items():
        for key in results[0] if results else ():
            values = [r[key] for r in results]
            worst = max if key.endswith("gap_s") else statistics.median
            result[f"{backend}_{key}"] = round(worst(values), 4)
            if key.endswith(("overhead_ms", "points_per_s")):
                result[f"{backend}_{key}_rounds"] = [round(v, 3) for v in values]
    return result


def query_figures(args: argparse.Namespace, team: TeamServers) -> dict[str, Any]:
    """bench_server's handler cases at ``--runs`` runs, SQLite and PostgreSQL in turn."""
    from bench_server import handler_cases
    from seed_runs import build_registry, cached_registry

    from mm_jupyter.store import open_registry

    label = f"{args.runs // 1000}k" if args.runs % 1000 == 0 else str(args.runs)
    result: dict[str, Any] = {}
    with ExitStack() as stack:
        with backend_env({}):
            registries = {"sqlite": open_registry(cached_registry(args.runs))}
        stack.callback(registries["sqlite"].close)
        if team.postgres is not None:
            path = Path(stack.enter_context(tempfile.TemporaryDirectory(
                prefix="mm-bench-team-runs-")))  # the registry's local folder
            with backend_env({"MM_JUPYTER_DATABASE_URL": team.new_database(f"runs{label}")}):
                started = time.perf_counter()
                build_registry(path, args.runs)
                result[f"team_pg_runs_{label}_load_s"] = round(time.perf_counter() - started, 1)
                registries["team_pg"] = open_registry(path)
            stack.callback(registries["team_pg"].close)
        cases = {backend: handler_cases(reg) for backend, reg in registries.items()}
        for name in cases["sqlite"]:
            medians = median_ms_in_turn({b: c[name] for b, c in cases.items()}, args.repeat)
            for backend, value in medians.items():
                result[f"{backend}_runs_{label}_{name}_ms"] = value
    return result


def median_ms_in_turn(works: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Median milliseconds of each work, timed in turn (so each pair shares the noise)."""
    times: dict[str, list[float]] = {name: [] for name in works}
    for work in works.values():
        work()  # warm up
    began = time.perf_counter()
    for n in range(repeat):
        if n >= MIN_REPEAT and time.perf_counter() - began > CASE_BUDGET_S:
            break  # a slow case (a scan): enough samples for a median
        for name, work in works.items():
            start = time.perf_counter()
            work()
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: round(statistics.median(samples), 3) for name, samples in times.items()}


def targets(result: dict[str, Any], label: str) -> dict[str, Any]:
    """Each issue-12 target next to whether the figures meet it."""
    met: dict[str, Any] = {
        "team_targets": {
            "tracked_cell_5p5m_overhead_ms": CELL_TARGET_MS,
            "cell_metric_points_per_s": POINTS_TARGET_PER_S,
            "cell_metric_max_flush_gap_s": FLUSH_GAP_TARGET_S,
            f"runs_{label}_first_page_metric_sort_ms": PAGE_TARGET_MS,
            f"runs_{label}_q_filter_ms": PAGE_TARGET_MS,
        }
    }
    checks = {
        "team_pg_tracked_cell_5p5m_overhead_ms": lambda v: v <= CELL_TARGET_MS,
        "team_pg_cell_metric_points_per_s": lambda v: v >= POINTS_TARGET_PER_S,
        "team_pg_cell_metric_max_flush_gap_s": lambda v: v <= FLUSH_GAP_TARGET_S,
        "sqlite_cell_metric_max_flush_gap_s": lambda v: v <= FLUSH_GAP_TARGET_S,
        f"team_pg_runs_{label}_first_page_metric_sort_ms": lambda v: v <= PAGE_TARGET_MS,
        f"team_pg_runs_{label}_q_filter_ms": lambda v: v <= PAGE_TARGET_MS,
        f"sqlite_runs_{label}_q_filter_ms": lambda v: v <= PAGE_TARGET_MS,
    }
    for key, check in checks.items():
        if key in result:
            met[f"{key}_target_met"] = check(result[key])
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cells", type=int, default=200, help="tracked cells per round")
    parser.add_argument("--points", type=int, default=200_000, help="points per metric cell")
    parser.add_argument("--metric-cells", type=int, default=1, help="metric cells per round")
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    label = f"{args.runs // 1000}k" if args.runs % 1000 == 0 else str(args.runs)
    with team_servers() as team:
        result: dict[str, Any] = team.describe()
        if team.postgres is not None:
            result["team_blobs"] = "s3" if team.s3 is not None else "local folder (no S3 server)"
        result["team_rounds"] = args.rounds
        result.update(cell_figures(args, team))
        result.update(query_figures(args, team))
    result.update(targets(result, label))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
