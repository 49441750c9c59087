"""``mm-jupyter push`` of a laptop's registry to the team backend; prints one JSON object.

A local SQLite registry with ``N_RUNS`` finished runs (each with a cell snapshot, 5
params and 3 metric series of 20 steps, made through the store's own write
functions, as tracked cells make them) is pushed to a fresh PostgreSQL database
with an S3 bucket for blobs (both on loopback, started here), then pushed again.
Targets (issue 12): the first push of 10,000 runs <= 30 s, the second <= 2 s.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from team_backend import team_servers

N_RUNS = int(os.environ.get("MM_BENCH_SYNC_RUNS", "10000"))
STEPS = 20


def build_laptop(folder: Path, n_runs: int) -> None:
    from mm_jupyter.services.registry import open_registry
    from mm_jupyter.store.runs import NewRun, create_run, finish_run, write_metric_points

    registry = open_registry(folder)
    try:
        t0 = time.time() - n_runs
        for i in range(n_runs):
            run_id = f"{i:012x}"
            started = t0 + i
            create_run(registry, NewRun(
                id=run_id, name=f"fit-{i}", experiment=f"exp-{i % 5}",
                started_at=time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(started)),
                user="bench", host="laptop", cell_source=f"clf.fit(X, y)  # {i % 200}",
                params=[(k, v * (i % 7), "auto") for k, v in
                        (("lr", 0.01), ("depth", 2), ("n", 100), ("l2", 0.5), ("seed", 1))]))
            write_metric_points(registry, [
                (run_id, key, step, 1.0 / (step + 1 + i % 3), started + step * 0.01)
                for key in ("loss", "val_loss", "acc") for step in range(STEPS)])
            finish_run(registry, run_id, status="finished",
                       finished_at=time.strftime("%Y-%m-%dT%H:%M:%S.500Z", time.gmtime(started)),
                       duration_s=0.5)
    finally:
        registry.close()


def main() -> int:
    from mm_jupyter.services import sync
    from mm_jupyter.services.configuration import add_remote
    from mm_jupyter.services.registry import open_registry

    result: dict[str, object] = {"sync_runs": N_RUNS,
                                 "sync_points_per_run": 3 * STEPS}
    with team_servers() as team, tempfile.TemporaryDirectory(prefix="mm-bench-sync-") as tmp:
        result.update(team.describe())
        if team.skipped or team.s3 is None:
            result["sync_skipped"] = "; ".join(team.skipped.values()) or "no S3 server"
            print(json.dumps(result))
            return 0
        laptop = Path(tmp) / "laptop"
        start = time.perf_counter()
        build_laptop(laptop, N_RUNS)
        result["sync_build_laptop_s"] = round(time.perf_counter() - start, 2)
        bucket = team.new_bucket("sync")
        os.environ.update({k: v for k, v in team.s3.env(bucket).items()
                           if k.startswith("AWS_")})
        add_remote(laptop, "team", database=team.new_database("sync"),
                   blobs=f"s3://{bucket}/team")
        for label in ("first", "second"):
            with open_registry(laptop) as local:
                start = time.perf_counter()
                report = sync.push(local, "team")
                result[f"sync_push_{label}_s"] = round(time.perf_counter() - start, 3)
            result[f"sync_push_{label}_runs_sent"] = report["runs"]["sent"]
        result["sync_push_first_runs_per_s"] = round(N_RUNS / float(result["sync_push_first_s"]))
        result["sync_second_push_up_to_date"] = report["up_to_date"]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
