"""Autologging benchmark: what logging a fit costs, next to MLflow's autolog.

The fit is issue 13's: ``LogisticRegression().fit`` on 10,000 x 20 (make_classification),
in a tracked cell of a real IPython shell. Tracked cells with autologging on and off
alternate; the figure is the median difference:

- ``overhead_ms``: autologging's own time in the cell (``_Clock``): patches, params,
  fit time, pickling the model and the fit inputs' fingerprint, without training
  metrics (target <= 5 ms), for a model that changes every cell and for an identical
  refit; the model's bytes are stored after the cell, in the background (their
  fsyncs are not the cell's);
- ``with_metrics_ms``: the same with the ``train.*`` metrics, against the cost of
  computing those metrics with scikit-learn directly (target: at most 2x);
- ``mlflow``: ``mlflow.sklearn.autolog()`` around the same fit, when a Python with MLflow
  is at hand (``--mlflow-python``, ``MM_BENCH_MLFLOW_PYTHON`` or
  ``/tmp/mm-bench-mlflow/bin/python``; ``--install-mlflow`` makes that venv). MLflow is
  never one of our dependencies.

Prints one JSON object. Run through ``make bench`` (benchmarks/run_all.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MLFLOW_VENV = Path("/tmp/mm-bench-mlflow")
SETUP = (
    "import warnings\n"
    "warnings.simplefilter('ignore')\n"
    "from sklearn.datasets import make_classification\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "X, y = make_classification(n_samples=10_000, n_features=20, random_state=0)\n"
)


def _timed(ip: Any, cell: str) -> float:
    start = time.perf_counter()
    result = ip.run_cell(cell)
    elapsed = time.perf_counter() - start
    if not result.success:
        raise RuntimeError(f"benchmark cell failed: {result.error_in_exec!r}")
    return elapsed


class _Clock:
    """Time spent in autologging's own code during one cell: installing the patches,
    the sink that records a fit (training metrics included when on), and the end of
    the cell (params, child runs, pickling the model). What differs between a cell
    with and without autologging is exactly this, plus a few microseconds per patched
    call; it is measured directly because the fit's own time varies by more than
    that from one cell to the next (the cell difference is reported too)."""

    def __init__(self) -> None:
        from mm_jupyter.services.runs import autolog

        self.spent = self.inputs = self.cpu = 0.0
        self.cls = autolog.CellAutolog
        self.originals = {n: getattr(self.cls, n) for n in ("start", "on_fit", "finish")}
        for name, original in self.originals.items():
            setattr(self.cls, name, self._timed(original, "spent"))
        # The fingerprint of the fit's data (services/runs/fit_inputs.py), apart.
        self.fit_inputs = sys.modules.get("mm_jupyter.services.runs.fit_inputs")
        if self.fit_inputs is not None:
            self.record = self.fit_inputs.record_fit_inputs
            self.fit_inputs.record_fit_inputs = self._timed(self.record, "inputs")

    def _timed(self, original: Any, counter: str) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                setattr(self, counter, getattr(self, counter) + time.perf_counter() - start)
                if counter == "spent":
                    self.cpu += time.thread_time() - cpu
        return timed

    def close(self) -> None:
        for name, original in self.originals.items():
            setattr(self.cls, name, original)
        if self.fit_inputs is not None:
            self.fit_inputs.record_fit_inputs = self.record


def overhead(ip: Any, n: int, *, metrics: bool, vary: bool) -> dict[str, float]:
    """Autologging's own time per tracked fit cell (median), and the median difference
    of interleaved cells with autologging on and off."""
    import mm_jupyter as mm
    from mm_jupyter.services.runs.autolog import wait_for_writes

    try:  # loaded first, so that _Clock times it apart
        import mm_jupyter.services.runs.fit_inputs
    except ImportError:
        pass

    mm.autolog(training_metrics=metrics)
    clock = _Clock()
    own, inputs, cpus, on, off, diffs = [], [], [], [], [], []
    try:
        for i in range(n + 3):
            c = 1.0 + i * 1e-3 if vary else 1.0  # a new model (new bytes) per cell, or not
            cell = f"%%mm_track --name bench\nclf = LogisticRegression(C={c}).fit(X, y)"
            ip.run_line_magic("config", "MMMagics.autolog = True")
            clock.spent = clock.inputs = clock.cpu = 0.0
            t_on = _timed(ip, cell)
            spent, spent_inputs, cpu = clock.spent, clock.inputs, clock.cpu
            wait_for_writes()  # the model stored in the background: not the next cell's
            ip.run_line_magic("config", "MMMagics.autolog = False")
            t_off = _timed(ip, cell)
            if i >= 3:  # warm-up: first patches, first model artifact, caches
                own.append(spent)
                inputs.append(spent_inputs)
                cpus.append(cpu)
                on.append(t_on)
                off.append(t_off)
                diffs.append(t_on - t_off)
    finally:
        clock.close()
        ip.run_line_magic("config", "MMMagics.autolog = True")
        mm.autolog(training_metrics=True)
    return {
        "overhead_ms": round(statistics.median(own) * 1000, 2),
        "fit_inputs_ms": round(statistics.median(inputs) * 1000, 2),
        "cpu_ms": round(statistics.median(cpus) * 1000, 2),
        "cell_difference_ms": round(statistics.median(diffs) * 1000, 2),
        "tracked_fit_autolog_ms": round(statistics.median(on) * 1000, 2),
        "tracked_fit_no_autolog_ms": round(statistics.median(off) * 1000, 2),
    }


def direct_metrics_ms(n: int) -> tuple[float, float]:
    """Median (wall, CPU) time of the same train.* metrics computed with scikit-learn."""
    import warnings

    from sklearn import metrics
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    x, y = make_classification(n_samples=10_000, n_features=20, random_state=0)
    clf = LogisticRegression().fit(x, y)

    def compute() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pred = clf.predict(x)
            metrics.accuracy_score(y, pred)
            metrics.precision_recall_fscore_support(y, pred, average="weighted", zero_division=0)
            proba = clf.predict_proba(x)
            metrics.log_loss(y, proba, labels=clf.classes_)
            metrics.roc_auc_score(y, proba[:, 1])

    compute()
    samples, cpus = [], []
    for _ in range(n):
        start, cpu = time.perf_counter(), time.thread_time()
        compute()
        samples.append(time.perf_counter() - start)
        cpus.append(time.thread_time() - cpu)
    return round(statistics.median(samples) * 1000, 2), round(statistics.median(cpus) * 1000, 2)


MLFLOW_SCRIPT = r"""
import json, statistics, sys, tempfile, time, warnings, logging
warnings.simplefilter("ignore")
logging.disable(logging.WARNING)
import mlflow, mlflow.sklearn
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
n = int(sys.argv[1])
X, y = make_classification(n_samples=10_000, n_features=20, random_state=0)
mlflow.set_tracking_uri("sqlite:///" + tempfile.mkdtemp() + "/mlflow.db")
mlflow.set_experiment("bench")
def timed(autolog, models):
    mlflow.sklearn.autolog(disable=not autolog, log_models=models, silent=True)
    with mlflow.start_run():
        start = time.perf_counter()
        LogisticRegression().fit(X, y)
        return time.perf_counter() - start
out = {"mlflow": mlflow.__version__}
for name, models in (("with_model", True), ("without_model", False)):
    diffs = []
    for i in range(n + 2):
        on, off = timed(True, models), timed(False, models)
        if i >= 2:
            diffs.append(on - off)
    out[f"overhead_{name}_ms"] = round(statistics.median(diffs) * 1000, 2)
print(json.dumps(out))
"""


def mlflow_python(given: str | None, install: bool) -> tuple[str | None, str | None]:
    """Return (python with MLflow, None) or (None, why not)."""
    candidates = [given, os.environ.get("MM_BENCH_MLFLOW_PYTHON"), str(MLFLOW_VENV / "bin/python")]
    for python in candidates:
        if python and Path(python).exists():
            check = subprocess.run([python, "-c", "import mlflow, sklearn"], capture_output=True)
            if check.returncode == 0:
                return python, None
    if install:
        subprocess.run([sys.executable, "-m", "venv", str(MLFLOW_VENV)], check=True)
        done = subprocess.run(
            [str(MLFLOW_VENV / "bin/pip"), "install", "-q", "mlflow", "scikit-learn"],
            capture_output=True, text=True,
        )
        if done.returncode == 0:
            return str(MLFLOW_VENV / "bin/python"), None
        return None, f"pip install mlflow failed: {done.stderr.strip()[-300:]}"
    return None, "no Python with MLflow (pass --install-mlflow to make one under /tmp)"


def mlflow_anchor(python: str, n: int) -> dict[str, Any]:
    # In a scratch folder: MLflow puts its artifacts (./mlruns) in the working directory.
    with tempfile.TemporaryDirectory(prefix="mm-bench-mlflow-") as scratch:
        done = subprocess.run([python, "-c", MLFLOW_SCRIPT, str(n)], capture_output=True,
                              text=True, timeout=1800, cwd=scratch)
    if done.returncode != 0:
        return {"skipped": f"MLflow run failed: {done.stderr.strip()[-300:]}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=30, help="cells per case (default 30)")
    parser.add_argument("--mlflow-python", help="a Python where `import mlflow` works")
    parser.add_argument("--install-mlflow", action="store_true",
                        help=f"make {MLFLOW_VENV} with pip install mlflow if missing")
    args = parser.parse_args()

    os.environ["MM_JUPYTER_HOME"] = tempfile.mkdtemp(prefix="mm-bench-autolog-")
    from IPython.testing.globalipapp import get_ipython

    ip = get_ipython()
    ip.run_line_magic("load_ext", "mm_jupyter")
    ip.run_line_magic("config", "MMMagics.show_summary = False")
    devnull, stdout = open(os.devnull, "w"), sys.stdout
    sys.stdout = devnull
    try:
        ip.run_cell(SETUP)
        new_model = overhead(ip, args.n, metrics=False, vary=True)
        same_model = overhead(ip, args.n, metrics=False, vary=False)
        with_metrics = overhead(ip, args.n, metrics=True, vary=True)
    finally:
        sys.stdout = stdout
    direct, direct_cpu = direct_metrics_ms(args.n)
    metrics_cost = with_metrics["overhead_ms"]
    result: dict[str, Any] = {
        "fit": "LogisticRegression().fit on 10,000 x 20 in a tracked cell",
        "cells_per_case": args.n,
        "overhead_ms": new_model["overhead_ms"],
        "overhead_target_ms": 5.0,
        # CPU time of the same code (time.thread_time): what it costs on an idle
        # machine; the wall time above also holds time the OS gave other processes.
        "overhead_cpu_ms": new_model["cpu_ms"],
        "overhead_identical_refit_ms": same_model["overhead_ms"],
        # of which: fingerprinting the fit's X and y (services/runs/fit_inputs.py)
        "fit_inputs_ms": new_model["fit_inputs_ms"],
        "cell_difference_ms": new_model["cell_difference_ms"],
        "tracked_fit_ms": new_model["tracked_fit_no_autolog_ms"],
        "with_metrics_ms": metrics_cost,
        "direct_metrics_ms": direct,
        "with_metrics_ratio": round(metrics_cost / direct, 2) if direct else None,
        "with_metrics_target_ratio": 2.0,
        "with_metrics_cpu_ms": with_metrics["cpu_ms"],
        "direct_metrics_cpu_ms": direct_cpu,
        "with_metrics_cpu_ratio": round(with_metrics["cpu_ms"] / direct_cpu, 2) if direct_cpu else None,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    python, why_not = mlflow_python(args.mlflow_python, args.install_mlflow)
    result["mlflow"] = mlflow_anchor(python, max(5, args.n // 3)) if python else {"skipped": why_not}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
