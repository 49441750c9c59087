"""Policy check benchmark (issue 17): ``mm-jupyter models check`` as a process.

A CI pipeline gates on ``mm-jupyter models check REF --stage S`` (docs/ci.md), so its
figure is a whole process, start-up included: the ``mm-jupyter`` script checking a
registered version (a LogisticRegression with a metric and a signature) against a
3-rule production policy that it passes (``acc >= 0.9``, ``signature exists``,
``approvals >= 1``, approved by another user), with and without ``--json``. Also
``mm-jupyter --help``, which imports every command to list its short help. Target:
200 ms. The floor beside the figures is ``python -c "import click, sqlite3"`` as a
process: start-up and the two libraries the command cannot do without. Every round runs
each process once, in turn, so the machine's load weighs on all of them alike; best and
median of ``ROUNDS`` rounds, with ``os.getloadavg()`` before and after (the machine is
shared). Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = int(os.environ.get("BENCH_POLICIES_ROUNDS", "15"))
TARGET_MS = 200.0
RULES = ("acc >= 0.9", "signature exists", "approvals >= 1")


def register(home: Path) -> str:
    """Register a model version with a passing 3-rule production policy; return its ref."""
    code = f"""
import os
import numpy as np
from sklearn.linear_model import LogisticRegression
import mm_jupyter as mm

X = np.random.default_rng(0).normal(size=(200, 4))
y = (X[:, 0] > 0).astype(int)
with mm.track("train", experiment="policies"):
    model = LogisticRegression().fit(X, y)
    mm.log_metric("acc", float((model.predict(X) == y).mean()))
    mm.register_model(model, "bench-clf")
mm.set_policy("bench-clf", "production", require={list(RULES)!r})
os.environ["MM_JUPYTER_USER"] = "reviewer"
mm.approve_model("bench-clf:1")
"""
    env = {**os.environ, "MM_JUPYTER_HOME": str(home), "MM_JUPYTER_USER": "trainer"}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return "bench-clf:1"


def cli() -> list[str]:
    """The installed ``mm-jupyter`` script (what a pipeline runs), else ``-m``."""
    script = Path(sys.executable).with_name("mm-jupyter")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mm_jupyter"]


def wall_ms(args: list[str], env: dict[str, str], expect: int = 0) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, check=False)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != expect:
        raise RuntimeError(f"{args} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="mm-bench-policies-"))
    try:
        home = work / "registry"
        ref = register(home)
        env = {**os.environ, "MM_JUPYTER_HOME": str(home), "MM_JUPYTER_USER": "ci"}
        commands = {
            "check": [*cli(), "models", "check", ref, "--stage", "production"],
            "check_json": [*cli(), "models", "check", ref, "--stage", "production", "--json"],
            "help": [*cli(), "--help"],
            "floor": [sys.executable, "-c", "import click, sqlite3"],
        }
        for args in commands.values():  # warm the file cache (and .pyc files)
            wall_ms(args, env)
        load_before = os.getloadavg()
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(ROUNDS):
            for name, args in commands.items():
                times[name].append(wall_ms(args, env))
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result: dict[str, object] = {}
    for name, found in times.items():
        key = "policies_floor_click_sqlite3" if name == "floor" else f"policies_{name}"
        result[f"{key}_best_ms"] = round(min(found), 1)
        result[f"{key}_median_ms"] = round(statistics.median(found), 1)
    median = statistics.median
    result.update({
        "policies_rules": len(RULES),
        "policies_rounds": ROUNDS,
        "policies_target_ms": TARGET_MS,
        "policies_check_within_target": median(times["check"]) <= TARGET_MS,
        "policies_help_within_target": median(times["help"]) <= TARGET_MS,
        "policies_loadavg_before": [round(x, 2) for x in load_before],
        "policies_loadavg_after": [round(x, 2) for x in load_after],
        "policies_cpus": os.cpu_count(),
    })
    print(json.dumps(result))


if __name__ == "__main__":
    main()
