"""Metric logging near the floor (issue 16, target 2), each figure beside its floor.

Every case runs ``--rounds`` times, each round in a fresh process with its own
registry (the machine is shared: a rate's figure is its best round, a bound's (memory,
flush gap) its worst round, and every round is printed too, as ``*_all``):

- ``log_metric_calls_per_s``: ``mm.log_metric("loss", v, step=i)`` in a loop of
  ``--calls`` calls inside a run (the run's start and finish are not timed; the
  flusher writes meanwhile, as it would). ``..._auto_step`` without ``step=``. Floor:
  the same loop calling a plain function that appends ``(key, value, step)`` to a
  list (``floor_calls_per_s``, the faster of a loop before and one after).
- ``log_metric_series_numpy_points_per_s`` / ``..._list_points_per_s``: one
  ``mm.log_metric_series`` call of ``--points`` points (a float64 array, a list of
  floats) in a fresh run: what the call costs the caller (the points are buffered;
  their write is in the end-to-end figures). Floor (``floor_executemany_points_per_s``):
  plain sqlite3 ``executemany`` of the same ``(run_id, key, step, value,
  timestamp_ts)`` rows, built beforehand, into the same ``metrics`` table of a fresh
  registry (its schema, indexes and foreign key), in one transaction.
- ``end_to_end_{2000,1000000}_points_per_s``: ``with mm.track(...)`` around a loop of
  ``log_metric`` (auto steps), timed from before the run starts until it has
  finished (every point written). ``end_to_end_series_1000000_points_per_s``: the same
  with one ``log_metric_series`` call.
- ``rss_growth_1m_points_mb``: peak resident set growth (``VmHWM``) of a process
  logging 1,000,000 points with ``log_metric`` in one run, start to finish (target
  64 MB).
- ``longest_flush_gap_s``: the longest time without a metric write committing while a
  loop calls ``log_metric`` as fast as it can for ``--gap-seconds`` (target 1 s).

    .venv/bin/python benchmarks/bench_metrics.py [--rounds 3] [--calls 1000000]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()


def peak_rss_kb() -> int:
    """This process's peak resident set (``VmHWM``), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def reset_peak_rss() -> None:
    """Reset ``VmHWM`` to the current RSS (Linux: "5" into clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def warm_up() -> None:
    """Open the registry and track one run, then wait for the environment probe (a
    package scan once per process, in a thread of its own) to finish."""
    import mm_jupyter as mm
    from mm_jupyter.services.runs.session import get_session

    with mm.track("warm-up", capture_outputs=False):
        mm.log_metric("loss", 1.0)
    deadline = time.monotonic() + 30
    while get_session().environment_data is None and time.monotonic() < deadline:
        time.sleep(0.05)


def case_calls(calls: int) -> dict[str, float]:
    import mm_jupyter as mm

    warm_up()

    points: list[Any] = []

    def floor(key: str, value: Any, step: int | None = None) -> None:
        points.append((key, value, step))

    def floor_loop() -> float:
        t = time.perf_counter()
        for i in range(calls):
            floor("loss", 1.0 / (i + 1), step=i)
        seconds = time.perf_counter() - t
        points.clear()
        return seconds

    floor_s = floor_loop()
    log = mm.log_metric
    with mm.track("bench-calls", capture_outputs=False):
        log("loss", 1.0, step=0)  # the key's first point takes the checked path
        t = time.perf_counter()
        for i in range(calls):
            log("loss", 1.0 / (i + 1), step=i)
        with_step = time.perf_counter() - t
    with mm.track("bench-calls-auto", capture_outputs=False):
        log("loss", 1.0)
        t = time.perf_counter()
        for i in range(calls):
            log("loss", 1.0 / (i + 1))
        auto = time.perf_counter() - t
    floor_s = min(floor_s, floor_loop())  # before and after: the machine is shared
    return {
        "floor_calls_per_s": calls / floor_s,
        "log_metric_calls_per_s": calls / with_step,
        "log_metric_calls_per_s_auto_step": calls / auto,
    }


def case_series(n: int) -> dict[str, float]:
    import numpy as np

    import mm_jupyter as mm

    warm_up()
    values = np.random.default_rng(0).random(n)
    as_list = values.tolist()
    out = {}
    for name, given in (("numpy", values), ("list", as_list)):
        with mm.track(f"bench-series-{name}", capture_outputs=False):
            t = time.perf_counter()
            mm.log_metric_series("loss", given)
            out[f"log_metric_series_{name}_points_per_s"] = n / (time.perf_counter() - t)
    # The floor: the same rows through plain sqlite3 into the same table.
    with mm.track("bench-floor", capture_outputs=False) as run:
        pass
    registry = mm.get_registry()
    import sqlite3

    conn = sqlite3.connect(registry.db_path, isolation_level=None)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    now = time.time()
    rows = [(run.id, "loss", i, v, now) for i, v in enumerate(as_list)]
    t = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO metrics (run_id, key, step, value, timestamp_ts) VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute("COMMIT")
    out["floor_executemany_points_per_s"] = n / (time.perf_counter() - t)
    conn.close()
    return out


def case_end_to_end(n: int) -> dict[str, float]:
    import numpy as np

    import mm_jupyter as mm

    warm_up()  # opening the registry and the environment probe are once per process
    log = mm.log_metric
    t = time.perf_counter()
    with mm.track(f"bench-e2e-{n}", capture_outputs=False):
        for i in range(n):
            log("loss", 1.0 / (i + 1))
    loop = time.perf_counter() - t
    out = {f"end_to_end_{n}_points_per_s": n / loop}
    values = np.random.default_rng(0).random(n)
    t = time.perf_counter()
    with mm.track(f"bench-e2e-series-{n}", capture_outputs=False) as run:
        mm.log_metric_series("loss", values)
    out[f"end_to_end_series_{n}_points_per_s"] = n / (time.perf_counter() - t)
    written = mm.get_registry().conn.execute(
        "SELECT count(*) FROM metrics WHERE run_id = ?", (run.id,)).fetchone()[0]
    assert written == n, (written, n)  # nothing lost at finish
    return out


def case_rss(n: int) -> dict[str, float]:
    import mm_jupyter as mm

    warm_up()
    log = mm.log_metric
    reset_peak_rss()
    before = peak_rss_kb()
    with mm.track("bench-rss", capture_outputs=False):
        for i in range(n):
            log("loss", 1.0 / (i + 1))
    return {"rss_growth_1m_points_mb": (peak_rss_kb() - before) / 1024}


def case_gap(seconds: float) -> dict[str, float]:
    import mm_jupyter as mm
    from mm_jupyter.store import metric_points

    commits: list[float] = []
    write = metric_points.write_metric_series

    def recorded(*args: Any, **kwargs: Any) -> None:
        write(*args, **kwargs)
        commits.append(time.monotonic())

    warm_up()
    metric_points.write_metric_series = recorded  # type: ignore[assignment]
    log = mm.log_metric
    with mm.track("bench-gap", capture_outputs=False):
        log("loss", 1.0)
        start = time.monotonic()
        i = 0
        while True:
            for _ in range(10_000):
                log("loss", 1.0 / (i + 1))
                i += 1
            if time.monotonic() - start >= seconds:
                break
        end = time.monotonic()
    during = [c for c in commits if start <= c <= end]
    marks = [start, *during, end]
    return {
        "longest_flush_gap_s": max(b - a for a, b in itertools.pairwise(marks)),
        "flush_gap_loop_points": float(i),
    }


CASES = {"calls": case_calls, "series": case_series, "end_to_end": case_end_to_end,
         "rss": case_rss, "gap": case_gap}


def run_case(name: str, arg: float, rounds: int) -> list[dict[str, float]]:
    """Run case ``name`` ``rounds`` times, each in a fresh process and registry."""
    results = []
    for _ in range(rounds):
        env = {**os.environ, "MM_JUPYTER_HOME": tempfile.mkdtemp(prefix="mm-bench-metrics-")}
        done = subprocess.run(
            [sys.executable, str(HERE), "--case", name, "--arg", str(arg)],
            capture_output=True, text=True, check=True, env=env,
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--gap-seconds", type=float, default=3.0)
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--arg", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:  # one round, in this (fresh) process
        arg = args.arg if args.case == "gap" else int(args.arg)
        print(json.dumps(CASES[args.case](arg)))
        return
    plan = [("calls", args.calls), ("series", args.points), ("end_to_end", 2000),
            ("end_to_end", 1_000_000), ("rss", 1_000_000), ("gap", args.gap_seconds)]
    result: dict[str, Any] = {"metrics_rounds": args.rounds}
    for name, arg in plan:
        rounds = run_case(name, arg, args.rounds)
        for key in rounds[0]:
            values = [r[key] for r in rounds]
            # Rates: the best round. Bounds (memory, flush gap): the worst round.
            result[key] = round(max(values), 3)
            result[f"{key}_all"] = [round(v, 3) for v in values]
    result["rss_growth_1m_points_target_mb"] = 64
    result["longest_flush_gap_target_s"] = 1.0
    result["log_metric_calls_target_per_s"] = 1_000_000
    result["log_metric_series_target_points_per_s"] = 10_000_000
    print(json.dumps(result))


if __name__ == "__main__":
    main()
