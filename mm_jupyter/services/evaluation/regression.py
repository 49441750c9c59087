"""Regression metrics and the data of the residual and predicted-vs-actual plots.

The plots keep a deterministic sample of ``MAX_POINTS`` rows (every k-th row, so the
same data gives the same report and the same content digest) and a histogram of all
residuals.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mm_jupyter.services.evaluation.inputs import Prepared

MAX_POINTS = 1000  # (actual, predicted) pairs kept for the scatter plots
HISTOGRAM_BINS = 30


def regression_metrics(prepared: Prepared) -> tuple[dict[str, float], dict[str, Any], list[str]]:
    """Return the scalar metrics, the plot data and notes (metrics left out and why)."""
    from sklearn.metrics import explained_variance_score, r2_score

    actual = prepared.y_true.astype(float)
    predicted = prepared.y_pred.astype(float)
    finite = np.isfinite(actual) & np.isfinite(predicted)
    notes: list[str] = []
    if not finite.all():
        notes.append(f"{int((~finite).sum())} rows with a non-finite target or prediction left out")
        actual, predicted = actual[finite], predicted[finite]
    if len(actual) == 0:
        return {}, {}, [*notes, "no finite rows: no regression metrics"]
    residual = predicted - actual
    mse = float(np.mean(residual**2))
    metrics = {
        "mae": float(np.mean(np.abs(residual))),
        "mse": mse,
        "rmse": float(np.sqrt(mse)),
        "median_ae": float(np.median(np.abs(residual))),
        "max_error": float(np.max(np.abs(residual))),
    }
    if len(actual) >= 2:
        metrics["r2"] = float(r2_score(actual, predicted))
        metrics["explained_variance"] = float(explained_variance_score(actual, predicted))
    else:
        notes.append("r2 and explained_variance need at least 2 rows")
    if np.all(actual != 0):
        metrics["mape"] = float(np.mean(np.abs(residual / actual)))
    else:
        notes.append("mape skipped: y has zeros")
    step = max(1, int(np.ceil(len(actual) / MAX_POINTS)))
    counts, edges = np.histogram(residual, bins=HISTOGRAM_BINS)
    plots = {
        "points": {
            "actual": [round(float(v), 6) for v in actual[::step]],
            "predicted": [round(float(v), 6) for v in predicted[::step]],
            "every": step,
        },
        "residual_histogram": {
            "edges": [round(float(v), 6) for v in edges],
            "counts": [int(v) for v in counts],
        },
    }
    return metrics, plots, notes
