"""Synthetic registries of runs (10k, 100k) and of a two-run notebook diff, for bench_server.

Runs are bulk-inserted (``executemany`` into ``experiments``, ``runs``, ``params`` and
``latest_metrics`` inside one write transaction; ``COPY`` on PostgreSQL) and cached under
``benchmarks/.cache/`` (SQLite only: bench_team loads its PostgreSQL afresh).
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mm_jupyter.store import open_registry  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"
GENERATOR_VERSION = "2"  # bump to rebuild cached registries
EXPERIMENTS = ("churn", "default", "fraud", "pricing", "vision")
METRICS = ("acc", "loss", "f1")
PARAMS = ("lr", "depth", "model")
DIFF_CHANGED = 20


def build_registry(path: Path, n_runs: int) -> None:
    """Fill an empty registry at ``path`` with ``n_runs`` synthetic finished runs (on
    PostgreSQL when ``MM_JUPYTER_DATABASE_URL`` names a database, as for any registry)."""
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
            insert_seed(conn, runs, params, metrics)
        if registry.backend == "sqlite":
            registry.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:  # fresh statistics, as autovacuum would gather after a bulk load
            with registry.write(bump=False) as conn:
                conn.execute("ANALYZE")
    finally:
        registry.close()


def insert_seed(conn: Any, runs: list[Any], params: list[Any], metrics: list[Any]) -> None:
    """Bulk-insert seeded runs, their params and their latest metrics."""
    insert_rows(conn, "runs", ("id", "name", "experiment_id", "status", "user", "host",
                               "notebook_path", "started_at", "finished_at",
                               "duration_s", "tags"), runs)
    insert_rows(conn, "params", ("run_id", "key", "value", "value_num", "source"), params)
    insert_rows(conn, "latest_metrics", ("run_id", "key", "value", "step", "timestamp_ts"),
                metrics)


def insert_rows(conn: Any, table: str, columns: tuple[str, ...], rows: list[Any]) -> None:
    """Insert ``rows``: ``executemany`` on SQLite, ``COPY`` on PostgreSQL (a bulk load
    there takes a few seconds instead of half a minute of pipelined INSERTs)."""
    raw = getattr(conn, "raw", None)  # the psycopg connection under the store's adapter
    if raw is None:
        marks = ", ".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        return
    quoted = ", ".join(f'"{c}"' for c in columns)  # "user" is a keyword there
    with raw.cursor().copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def cached(name: str, version: str, build: Callable[[Path], object], what: str) -> Path:
    """Return the cached registry ``CACHE/name``, built by ``build(path)`` unless the
    copy there was made by generator ``version``."""
    path = CACHE / name
    marker = path / "bench-version"
    if marker.exists() and marker.read_text() == version:
        return path
    shutil.rmtree(path, ignore_errors=True)
    started = time.perf_counter()
    build(path)
    marker.write_text(version)
    print(f"built {what} in {time.perf_counter() - started:.1f}s at {path}", file=sys.stderr)
    return path


def cached_registry(n_runs: int) -> Path:
    """Return the folder of a cached synthetic registry, building it if needed."""
    return cached(f"registry-{n_runs}", GENERATOR_VERSION,
                  lambda path: build_registry(path, n_runs), f"{n_runs} runs")


def diff_notebook(n_cells: int, edited: set[int], side: str) -> str:
    """Return nbformat JSON of ``n_cells`` code cells (``edited`` differ by side)."""
    cells = []
    for i in range(n_cells):
        tag = f"  # {side} edit" if i in edited else ""
        cells.append({
            "cell_type": "code", "execution_count": i + 1, "id": f"c{i}",
            "metadata": {},
            "source": f"values_{i} = compute({i}, scale=0.5){tag}\nprint(values_{i})",
            "outputs": [{
                "output_type": "stream", "name": "stdout",
                "text": f"{side if i in edited else ''}[{i}, {i * 2}, {i * 3}]\n",
            }],
        })  # fmt: skip
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(notebook)


def build_diff_registry(path: Path, n_cells: int) -> tuple[str, str]:
    """Store the two runs of the diff suite in a fresh registry; return their ids."""
    from mm_jupyter.store.runs import NewRun, create_run, finish_run

    shutil.rmtree(path, ignore_errors=True)
    registry = open_registry(path)
    edited = set(random.Random(5).sample(range(n_cells), min(DIFF_CHANGED, n_cells)))
    ids = []
    try:
        for n, side in enumerate(("a", "b")):
            run_id = f"diff{side}{'0' * 7}"
            create_run(
                registry,
                NewRun(
                    id=run_id, name=f"diff-{side}", experiment="diff",
                    started_at=f"2026-01-01T00:00:0{n}.000Z",
                    notebook_path="/bench/nb.ipynb",
                    params=[("lr", 0.1 * (n + 1), "explicit")],
                    cell_source=f"fit(lr={0.1 * (n + 1)})\n",
                    history=[(i + 1, f"values_{i} = compute({i})") for i in range(50)],
                    notebook_text=diff_notebook(n_cells, edited, side),
                ),
            )  # fmt: skip
            finish_run(
                registry, run_id, status="finished",
                finished_at=f"2026-01-01T00:01:0{n}.000Z", duration_s=60.0,
            )  # fmt: skip
            ids.append(run_id)
    finally:
        registry.close()
    return ids[0], ids[1]
