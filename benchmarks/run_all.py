"""Run every benchmark in its own process and print one merged JSON object."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["bench_tracking.py", "bench_artifacts.py", "bench_models.py", "bench_server.py",
           "bench_monitoring.py", "bench_monitoring_export.py", "bench_corpus.py"]


def main() -> int:
    merged: dict[str, object] = {}
    for name in BENCHES:
        done = subprocess.run(
            [sys.executable, str(HERE / name)], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            merged[f"{name}_error"] = done.stderr.strip().splitlines()[-1:]
            continue
        merged.update(json.loads(done.stdout.strip().splitlines()[-1]))
    print(json.dumps(merged, indent=2))
    return 0 if not any(k.endswith("_error") for k in merged) else 1


if __name__ == "__main__":
    sys.exit(main())
