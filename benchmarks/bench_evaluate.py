"""``mm.evaluate`` on 10,000 rows of a binary classifier (issue 13: at most 300 ms).

A LogisticRegression on 20 features; each repeat evaluates a different 10,000-row
slice, so every report is new content (metrics logged, four PNGs drawn, a new report
version stored with its blobs). Medians over repeats, after one warm-up call:

- ``evaluate_binary_10k_ms``: inside a run (``with mm.track()``), everything recorded,
  and ``evaluate_binary_10k_cpu_ms`` the CPU time of those calls (what the wall time is
  on an idle machine, less the waits for fsync: a figure that other load does not skew);
- ``evaluate_binary_10k_unrecorded_ms``: outside a run (report built, nothing stored);
- the parts of one recorded call: ``predict_ms`` (the model's own predict and
  predict_proba), ``metrics_ms`` (task, metrics, curves), ``figures_ms`` (the PNGs) and
  the rest as ``store_ms``;
- ``sklearn_metrics_ms``: the same metrics and curves computed with scikit-learn's
  functions one by one (accuracy, precision/recall/F1 per class and averaged,
  balanced accuracy, ROC AUC, average precision, log-loss, Brier, confusion matrix,
  ROC, PR and calibration curves), as the anchor;
- ``evaluate_first_call_ms``: the first call of the process (imports matplotlib's Agg
  canvas and scikit-learn's metrics);
- ``evaluate_importance_ms``: with ``importance=True`` (permutation importance on
  2,000 rows), which the target excludes.

Prints one JSON object. Run through ``make bench`` (benchmarks/run_all.py).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

ROWS = 10_000
REPEAT = 7
TARGET_MS = 300.0
FIGURES = ("confusion_matrix", "roc", "precision_recall", "calibration")  # of a binary report


def ms(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return (time.perf_counter() - start) * 1000, result


def sklearn_metrics(model: Any, X: Any, y: Any) -> None:
    from sklearn import metrics
    from sklearn.calibration import calibration_curve

    pred, proba = model.predict(X), model.predict_proba(X)
    p = proba[:, 1]
    metrics.accuracy_score(y, pred)
    metrics.balanced_accuracy_score(y, pred)
    metrics.precision_recall_fscore_support(y, pred)
    for average in ("binary", "macro", "weighted"):
        metrics.precision_recall_fscore_support(y, pred, average=average)
    metrics.roc_auc_score(y, p)
    metrics.average_precision_score(y, p)
    metrics.log_loss(y, proba)
    metrics.brier_score_loss(y, p)
    metrics.confusion_matrix(y, pred)
    metrics.roc_curve(y, p)
    metrics.precision_recall_curve(y, p)
    calibration_curve(y, p, n_bins=10)


def main() -> None:
    home = tempfile.mkdtemp(prefix="mm-bench-evaluate-")
    os.environ["MM_JUPYTER_HOME"] = home
    try:
        run(home)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run(home: str) -> None:
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    import mm_jupyter as mm
    from mm_jupyter.services.evaluation import figures, report

    X, y = make_classification(ROWS * (REPEAT + 3), 20, random_state=0)
    model = LogisticRegression(max_iter=500).fit(X[:5000], y[:5000])
    slices = [(X[i * ROWS:(i + 1) * ROWS], y[i * ROWS:(i + 1) * ROWS]) for i in range(REPEAT + 3)]

    first_ms, _ = ms(lambda: mm.evaluate(model, *slices[0]))
    mm.get_registry()  # open the registry outside the timings

    # The parts of a call: time the figure drawing and the report building separately.
    spent = {"figures": 0.0, "report": 0.0}
    build = report.build_report
    drawers = {name: getattr(figures, name) for name in FIGURES}

    def timed(draw: Callable[..., bytes]) -> Callable[..., bytes]:
        def run(*args: Any, **kwargs: Any) -> bytes:
            took, png = ms(lambda: draw(*args, **kwargs))
            spent["figures"] += took
            return png  # type: ignore[no-any-return]
        return run

    def timed_build(*args: Any, **kwargs: Any) -> Any:
        took, built = ms(lambda: build(*args, **kwargs))
        spent["report"] += took
        return built

    recorded, parts, unrecorded, predicts, cpus = [], [], [], [], []
    with mm.track("bench-evaluate"):
        for i in range(REPEAT):
            Xs, ys = slices[1 + i]
            predicts.append(ms(lambda Xs=Xs: (model.predict(Xs), model.predict_proba(Xs)))[0])
            spent.update(figures=0.0, report=0.0)
            for name, draw in drawers.items():
                setattr(figures, name, timed(draw))
            report.build_report = timed_build
            try:
                cpu = time.process_time()
                took, ev = ms(lambda Xs=Xs, ys=ys: mm.evaluate(model, Xs, ys))
                cpus.append((time.process_time() - cpu) * 1000)
            finally:
                for name, draw in drawers.items():
                    setattr(figures, name, draw)
                report.build_report = build
            assert ev.recorded, ev.note
            recorded.append(took)
            parts.append((spent["report"], spent["figures"]))
    for i in range(REPEAT):
        unrecorded.append(ms(lambda i=i: mm.evaluate(model, *slices[1 + (i % 2)]))[0])
    anchor = [ms(lambda: sklearn_metrics(model, *slices[1]))[0] for _ in range(REPEAT)]
    with mm.track("bench-importance"):
        importance_ms, _ = ms(lambda: mm.evaluate(model, *slices[-1], importance=True))

    median = statistics.median(recorded)
    report_ms = statistics.median(p[0] for p in parts)
    figures_ms = statistics.median(p[1] for p in parts)
    predict_ms = statistics.median(predicts)
    print(json.dumps({
        "evaluate_rows": ROWS,
        "evaluate_binary_10k_ms": round(median, 1),
        "evaluate_binary_10k_all_ms": [round(t, 1) for t in recorded],
        "evaluate_binary_10k_cpu_ms": round(statistics.median(cpus), 1),
        "evaluate_binary_10k_unrecorded_ms": round(statistics.median(unrecorded), 1),
        "evaluate_predict_ms": round(predict_ms, 1),
        "evaluate_metrics_ms": round(report_ms - figures_ms - predict_ms, 1),
        "evaluate_figures_ms": round(figures_ms, 1),
        "evaluate_store_ms": round(median - report_ms, 1),
        "evaluate_sklearn_metrics_ms": round(statistics.median(anchor), 1),
        "evaluate_first_call_ms": round(first_ms, 1),
        "evaluate_importance_ms": round(importance_ms, 1),
        "evaluate_target_ms": TARGET_MS,
        "evaluate_meets_target": median <= TARGET_MS,
        "evaluate_load_average": round(os.getloadavg()[0], 2),
    }))


if __name__ == "__main__":
    main()
