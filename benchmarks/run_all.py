"""Run every benchmark in its own process and print one merged JSON object.

    .venv/bin/python benchmarks/run_all.py [--blob-mb MB] [--only bench_team.py ...]

The team benchmarks (bench_team, bench_blobs) start and stop their own PostgreSQL and
SeaweedFS S3 server; without them they report their figures as skipped, with the reason.
``run_all_seconds`` gives each benchmark's wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The size of the new file bench_blobs stores on S3 (about 8 times that goes to disk:
# three files and five objects, removed at its end). 1 GB is the figure.
BLOB_MB = int(os.environ.get("MM_BENCH_BLOB_MB", "1024"))


def benches(blob_mb: int) -> list[list[str]]:
    """Each benchmark: its script and arguments, run in this order. Add new ones here
    (bench_sync.py: the team ``push`` of 10,000 runs, then a second push)."""
    return [
        ["bench_tracking.py"],
        ["bench_artifacts.py"],
        ["bench_models.py"],
        ["bench_server.py"],
        ["bench_monitoring.py"],
        ["bench_monitoring_export.py"],
        ["bench_corpus.py"],
        ["bench_team.py"],
        ["bench_blobs.py", "--size-mb", str(blob_mb)],
        ["bench_sync.py"],
        ["bench_objects.py"],
        ["bench_evaluate.py"],
        ["bench_fingerprint.py"],
        ["bench_autolog.py", "--install-mlflow"],  # MLflow in a throwaway venv under /tmp
        ["bench_runs_table.py"],  # issue 14: filter, CSV and DataFrame at 100k runs
        ["bench_rerun.py"],  # issue 15: rerun of the quickstart's tuned run (kernel included)
        ["bench_hidden_state.py"],  # issue 15: hidden-state analysis per tracked cell
        # Issue 16 (each figure beside its floor, measured in the same run): the tracked
        # cell in a 100k-file folder is in bench_tracking, serve --workers in
        # bench_monitoring, search/sort/keyset pages in bench_server and bench_runs_table.
        ["bench_metrics.py"],  # log_metric / log_metric_series, RSS of 1M points, flush gap
        ["bench_export.py"],  # runs.csv, GET runs.csv, runs_frame, runs list --csv at 100k
        ["bench_package.py"],  # issue 17: models package of the quickstart model (CLI and in-process)
        ["bench_policies.py"],  # issue 17: models check (and --help) as a process, beside its floor
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blob-mb", type=int, default=BLOB_MB,
                        help="size of bench_blobs' file (default MM_BENCH_BLOB_MB, else 1024)")
    parser.add_argument("--only", nargs="+", metavar="SCRIPT",
                        help="run only these benchmarks (e.g. bench_team.py or runs_table)")
    args = parser.parse_args()
    merged: dict[str, object] = {}
    seconds: dict[str, float] = {}
    # --only takes script names or short ones: "runs_table" is bench_runs_table.py.
    only = {n if n.endswith(".py") else f"bench_{n}.py" for n in args.only or ()}
    for name, *options in benches(args.blob_mb):
        if only and name not in only:
            continue
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(HERE / name), *options], capture_output=True, text=True,
            check=False,
        )
        seconds[name] = round(time.perf_counter() - started, 1)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            merged[f"{name}_error"] = done.stderr.strip().splitlines()[-1:]
            continue
        merged.update(json.loads(done.stdout.strip().splitlines()[-1]))
    merged["run_all_seconds"] = {**seconds, "total": round(sum(seconds.values()), 1)}
    print(json.dumps(merged, indent=2))
    return 0 if not any(k.endswith("_error") for k in merged) else 1


if __name__ == "__main__":
    sys.exit(main())
