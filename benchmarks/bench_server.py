"""Latency of the REST handlers' work at 10,000 and 100,000 runs.

Builds synthetic registries (bulk ``executemany`` into ``experiments``, ``runs``,
``params`` and ``latest_metrics`` inside one write transaction), caches them under
``benchmarks/.cache/``, then times what each handler does in-process (store query +
the server's strict JSON encoding), median of ``--repeat`` runs, plus real HTTP round
trips through a started ``jupyter server`` (``--no-http`` skips them).

Prints ONE JSON object. Target: first page sorted by a metric at 100k runs <= 50 ms.

    .venv/bin/python benchmarks/bench_server.py [--sizes 10000 100000] [--repeat 25]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mm_jupyter.server.base import strict_json  # noqa: E402
from mm_jupyter.store import Registry, open_registry, queries  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"
GENERATOR_VERSION = "2"  # bump to rebuild cached registries
EXPERIMENTS = ("churn", "default", "fraud", "pricing", "vision")
METRICS = ("acc", "loss", "f1")
PARAMS = ("lr", "depth", "model")
TARGET_MS = 50.0


def build_registry(path: Path, n_runs: int) -> None:
    """Fill an empty registry at ``path`` with ``n_runs`` synthetic finished runs."""
    rng = random.Random(n_runs)
    registry = open_registry(path)
    try:
        with registry.write() as conn:
            conn.executemany(
                "INSERT INTO experiments (id, name, created_at) VALUES (?, ?, ?)",
                [
                    (i + 1, name, "2026-01-01T00:00:00.000Z")
                    for i, name in enumerate(EXPERIMENTS)
                ],
            )
            runs, params, metrics = [], [], []
            t0 = 1_764_000_000.0
            for i in range(n_runs):
                run_id = f"{rng.getrandbits(48):012x}"
                started = t0 + i * 7.0
                status = rng.choices(
                    ("finished", "failed", "interrupted", "killed"), (90, 6, 3, 1)
                )[0]
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started))
                end = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started + 5))
                runs.append(
                    (
                        run_id,
                        f"run-{i}",
                        rng.randrange(len(EXPERIMENTS)) + 1,
                        status,
                        "bench",
                        "box",
                        f"/abs/nb{i % 50}.ipynb",
                        f"{stamp}.000Z",
                        f"{end}.000Z",
                        rng.uniform(0.1, 600.0),
                        json.dumps({"team": rng.choice(("risk", "growth", "ml"))}),
                    )
                )
                params += [
                    (
                        run_id,
                        "lr",
                        json.dumps(v := rng.choice((0.001, 0.01, 0.1))),
                        v,
                        "auto",
                    ),
                    (
                        run_id,
                        "depth",
                        json.dumps(d := rng.randrange(2, 12)),
                        d,
                        "explicit",
                    ),
                    (run_id, "model", json.dumps("gbm"), None, "namespace"),
                ]
                for key in METRICS:
                    if rng.random() < 0.1:
                        continue  # some runs lack some metrics
                    value: float | str = rng.random()
                    if rng.random() < 0.01:
                        value = "NaN"
                    metrics.append((run_id, key, value, 10, started + 5))
            conn.executemany(
                "INSERT INTO runs (id, name, experiment_id, status, user, host,"
                " notebook_path, started_at, finished_at, duration_s, tags)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                runs,
            )
            conn.executemany(
                "INSERT INTO params (run_id, key, value, value_num, source)"
                " VALUES (?, ?, ?, ?, ?)",
                params,
            )
            conn.executemany(
                "INSERT INTO latest_metrics (run_id, key, value, step, timestamp_ts)"
                " VALUES (?, ?, ?, ?, ?)",
                metrics,
            )
        registry.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        registry.close()


def cached_registry(n_runs: int) -> Path:
    """Return the folder of a cached synthetic registry, building it if needed."""
    path = CACHE / f"registry-{n_runs}"
    marker = path / "bench-version"
    if marker.exists() and marker.read_text() == GENERATOR_VERSION:
        return path
    shutil.rmtree(path, ignore_errors=True)
    started = time.perf_counter()
    build_registry(path, n_runs)
    marker.write_text(GENERATOR_VERSION)
    print(
        f"built {n_runs} runs in {time.perf_counter() - started:.1f}s at {path}",
        file=sys.stderr,
    )
    return path


def median_ms(work: Callable[[], Any], repeat: int) -> float:
    """Return the median wall time of ``work()`` in milliseconds (after one warm-up)."""
    work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 3)


def handler_cases(registry: Registry) -> dict[str, Callable[[], Any]]:
    """The work each handler does: the store call plus the response encoding."""

    def page(**options: Any) -> Callable[[], str]:
        return lambda: strict_json(queries.query_runs(registry, limit=50, **options))

    return {
        "first_page_metric_sort": page(sort="metric:acc", order="desc"),
        "first_page_metric_sort_asc": page(sort="metric:loss", order="asc"),
        "first_page_param_sort": page(sort="param:lr", order="desc"),
        "first_page_started_at": page(sort="started_at", order="desc"),
        "first_page_name_sort": page(sort="name", order="asc"),
        "deep_page_metric_sort": page(sort="metric:acc", offset=5000),
        "metric_sort_experiment_filter": page(sort="metric:acc", experiment="fraud"),
        "q_filter": page(q="run-4242"),
        "status_filter": page(status="failed"),
        "keys": lambda: strict_json(queries.keys(registry)),
        "changes": lambda: strict_json(queries.changes(registry, 0)),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_round_trips(path: Path, repeat: int) -> dict[str, float]:
    """Time real requests through a started ``jupyter server`` on ``path``."""
    port, token = free_port(), "bench-token"
    env = {
        **os.environ,
        "MM_JUPYTER_HOME": str(path),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    root = CACHE / "server-root"
    root.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root",
        f"--port={port}", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.jpserver_extensions={'mm_jupyter': True}",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}/mm-jupyter/api/"
    headers = {"Authorization": f"token {token}"}

    def get(route: str) -> bytes:
        request = urllib.request.Request(base + route, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()  # type: ignore[no-any-return]

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get("meta")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("jupyter server did not start") from None
                time.sleep(0.2)
        return {
            "http_first_page_metric_sort": median_ms(
                lambda: get("runs?sort=metric:acc&order=desc&limit=50"), repeat
            ),
            "http_first_page_started_at": median_ms(
                lambda: get("runs?limit=50"), repeat
            ),
            "http_changes": median_ms(lambda: get("changes?since=0"), repeat),
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


# The first-page query of queries._ids_sorted_by_value (kept in step by hand).
METRIC_PAGE_SQL = (
    "SELECT r.id FROM latest_metrics v JOIN runs r ON r.id = v.run_id"
    " JOIN experiments e ON e.id = r.experiment_id"
    " WHERE v.key = ? AND v.value BETWEEN -9e999 AND 9e999 AND 1"
    " ORDER BY v.value DESC LIMIT 50 OFFSET 0"
)


def explain(registry: Registry, sql: str, args: list[Any]) -> list[str]:
    """Return the EXPLAIN QUERY PLAN details of ``sql``."""
    return [row[3] for row in registry.conn.execute(f"EXPLAIN QUERY PLAN {sql}", args)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()

    result: dict[str, Any] = {}
    for n in args.sizes:
        label = f"{n // 1000}k" if n % 1000 == 0 else str(n)
        path = cached_registry(n)
        registry = open_registry(path)
        try:
            for name, work in handler_cases(registry).items():
                result[f"runs_{label}_{name}_ms"] = median_ms(work, args.repeat)
        finally:
            registry.close()
        if not args.no_http and n == max(args.sizes):
            for name, value in http_round_trips(path, args.repeat).items():
                result[f"runs_{label}_{name}_ms"] = value
    key = f"runs_{max(args.sizes) // 1000}k_first_page_metric_sort_ms"
    if key in result:
        result["server_metric_sort_target_ms"] = TARGET_MS
        met = result["server_metric_sort_target_met"] = result[key] <= TARGET_MS
        if not met:
            registry = open_registry(cached_registry(max(args.sizes)))
            try:
                result["metric_sort_query_plan"] = explain(
                    registry, METRIC_PAGE_SQL, ["acc"]
                )
            finally:
                registry.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
