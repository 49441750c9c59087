"""Packaging benchmark (issue 17): ``models package`` of the quickstart model.

Registers the quickstart's model as examples/quickstart.ipynb does (tracked prep and
training runs, dataset artifacts, an evaluation report, reference data, promoted to
production, one monitored batch), then packages it in-process (``mm.package_model``)
and as a process (``mm-jupyter models package``, start-up included). The target is at
most 1 s, pip excluded (a package is built, not installed). Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 7
TARGET_S = 1.0


def register(mm) -> None:
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.metrics import accuracy_score
    from sklearn.model_selection import train_test_split

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    data = X.assign(target=y)
    with mm.track("prep", experiment="quickstart"):
        train, test = train_test_split(data, test_size=0.25, random_state=0, stratify=data.target)
        mm.log_artifact(train, name="cancer-train", kind="dataset")
        mm.log_artifact(test, name="cancer-test", kind="dataset")
    with mm.track("tuned", experiment="quickstart"):
        train = mm.use_artifact("cancer-train", load=True)
        test = mm.use_artifact("cancer-test", load=True)
        X_train, y_train = train.drop(columns="target"), train.target
        X_test, y_test = test.drop(columns="target"), test.target
        model = GradientBoostingClassifier(n_estimators=150, learning_rate=0.05, max_depth=3,
                                           random_state=0).fit(X_train, y_train)
        mm.log_metric("acc", accuracy_score(y_test, model.predict(X_test)))
        mm.evaluate(model, X_test, y_test, name="test")
        mm.register_model(model, "cancer-clf", alias="champion", reference_data=X_train)
    mm.promote_model("cancer-clf@champion", "production")
    mm.monitor("cancer-clf@production").log(X_test, predictions=model.predict(X_test),
                                            labels=y_test)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="mm-bench-package-"))
    os.environ["MM_JUPYTER_HOME"] = str(work / "registry")
    import mm_jupyter as mm

    register(mm)
    in_process = []
    for i in range(RUNS):
        start = time.perf_counter()
        found = mm.package_model("cancer-clf@production", work / f"in-{i}")
        in_process.append(time.perf_counter() - start)
    cli = []
    for i in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mm_jupyter.cli.main", "models", "package",
                        "cancer-clf@production", "--out", str(work / f"cli-{i}")],
                       check=True, capture_output=True)
        cli.append(time.perf_counter() - start)
    identical = len({(work / f"{kind}-{i}" / "mm-package.json").read_bytes()
                     for kind in ("in", "cli") for i in range(RUNS)}) == 1
    med = statistics.median
    print(json.dumps({
        "package_in_process_s": round(med(in_process), 3),
        "package_cli_process_s": round(med(cli), 3),
        "package_target_s": TARGET_S,
        "package_within_target": med(cli) <= TARGET_S,
        "package_model_bytes": found["files"]["model.joblib"]["size"],
        "package_files": len(found["files"]),
        "package_runs_identical": identical,
    }))


if __name__ == "__main__":
    main()
