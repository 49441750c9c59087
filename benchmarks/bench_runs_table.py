"""The runs table at 100,000 runs: first pages (no filter, the filter language, param
sort), GET keys' column statistics, the CSV export and ``mm.runs_frame``.

The registry holds ``--runs`` finished runs with 10 params (lr, depth, model, p3..p9)
and 10 latest metrics (acc, loss, f1, m3..m9), bulk-inserted like seed_runs.py and
cached under ``benchmarks/.cache/``. Pages are timed at the service level (what the
REST handler calls, plus its strict JSON encoding), median of ``--repeat``; the CSV
export (all runs, every column, streamed) and the DataFrame once each, after one
warm-up. Prints ONE JSON object.

Targets (issue 14): first page, no filter <= 50 ms; the filtered, sorted first page
<= 100 ms; runs_frame <= 2 s. Issue 16's pages (deep pages by keyset cursor and by
offset, search with sort) are timed too; bench_server.py prints them beside their floors.

    .venv/bin/python benchmarks/bench_runs_table.py [--runs 100000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seed_runs import EXPERIMENTS, cached, insert_seed  # noqa: E402
from timing import median_ms  # noqa: E402

from mm_jupyter.server.base import strict_json  # noqa: E402
from mm_jupyter.services.runs import export  # noqa: E402
from mm_jupyter.services.runs import frame as frames  # noqa: E402
from mm_jupyter.services.runs import queries as runs  # noqa: E402
from mm_jupyter.store import open_registry  # noqa: E402

GENERATOR_VERSION = "1"  # bump to rebuild the cached registry
TYPICAL_FILTER = "metrics.acc > 0.9 and params.lr <= 0.1"
PAGE_TARGET_MS = 50.0
FILTER_TARGET_MS = 100.0
FRAME_TARGET_S = 2.0


def build(path: Path, n_runs: int) -> None:
    """Fill an empty registry with ``n_runs`` runs of 10 params and 10 metrics each."""
    rng = random.Random(n_runs * 7)
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
                for key in ("acc", "loss", "f1", *(f"m{k}" for k in range(3, 10))):
                    metrics.append((run_id, key, rng.random(), 10, started + 5))
            insert_seed(conn, run_rows, params, metrics)
        if registry.backend == "sqlite":
            registry.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        registry.close()


def once_s(work: Any) -> float:
    """Seconds of one call of ``work()`` after one warm-up call."""
    work()
    start = time.perf_counter()
    work()
    return round(time.perf_counter() - start, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    label = f"{args.runs // 1000}k" if args.runs % 1000 == 0 else str(args.runs)
    path = cached(f"runs-table-{args.runs}", GENERATOR_VERSION,
                  lambda p: build(p, args.runs), f"{args.runs} runs x 10 params x 10 metrics")
    registry = open_registry(path)
    result: dict[str, Any] = {}
    try:
        def page(**options: Any) -> Any:
            return lambda: strict_json(runs.query_runs(registry, limit=50, **options))

        cases = {
            "first_page": page(),
            "first_page_metric_sort": page(sort="metric:acc"),
            "first_page_param_sort": page(sort="param:lr"),
            "filter_metric_sort": page(filter=TYPICAL_FILTER, sort="metric:acc"),
            "filter_started_at": page(filter=TYPICAL_FILTER),
            "filter_tag_status": page(filter="tags.team = 'risk' and status = 'finished'"),
            "filter_sparse": page(filter="metrics.acc > 0.9995 and params.model = 'rf'"),
            "keys": lambda: strict_json(runs.run_keys(registry)),
            # Issue 16: deep pages by keyset cursor and by offset, search with sort.
            "middle_page_cursor": page(cursor=runs.query_runs(
                registry, limit=50, offset=args.runs // 2 - 50)["next_cursor"]),
            "middle_page_offset": page(offset=args.runs // 2),
            "last_page_offset": page(offset=args.runs - 50),
            "param_sort_middle_page_cursor": page(sort="param:lr", cursor=runs.query_runs(
                registry, limit=50, sort="param:lr", offset=args.runs // 2 - 50
            )["next_cursor"]),
            "q_metric_sort": page(q="run-5432", sort="metric:acc"),
            "q_broad_param_sort": page(q="run-5", sort="param:lr"),
            "filter_metric_sort_second_page_cursor": page(
                filter=TYPICAL_FILTER, sort="metric:acc", cursor=runs.query_runs(
                    registry, limit=50, filter=TYPICAL_FILTER, sort="metric:acc"
                )["next_cursor"]),
        }
        for name, work in cases.items():
            result[f"runs_table_{label}_{name}_ms"] = median_ms(work, args.repeat)
        matched = runs.query_runs(registry, limit=1, filter=TYPICAL_FILTER)["total"]
        result[f"runs_table_{label}_filter_matches"] = matched

        def csv_export() -> int:
            return sum(len(c) for c in export.csv_chunks(registry))

        result[f"runs_table_{label}_csv_export_s"] = once_s(csv_export)
        result[f"runs_table_{label}_csv_bytes"] = csv_export()
        result[f"runs_table_{label}_runs_frame_s"] = once_s(lambda: frames.runs_frame(registry))
        frame = frames.runs_frame(registry)
        result[f"runs_table_{label}_runs_frame_shape"] = list(frame.shape)
    finally:
        registry.close()
    result["runs_table_page_target_ms"] = PAGE_TARGET_MS
    result["runs_table_filter_target_ms"] = FILTER_TARGET_MS
    result["runs_table_frame_target_s"] = FRAME_TARGET_S
    result["runs_table_page_target_met"] = (
        result[f"runs_table_{label}_first_page_ms"] <= PAGE_TARGET_MS)
    result["runs_table_filter_target_met"] = (
        result[f"runs_table_{label}_filter_metric_sort_ms"] <= FILTER_TARGET_MS)
    result["runs_table_frame_target_met"] = (
        result[f"runs_table_{label}_runs_frame_s"] <= FRAME_TARGET_S)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
