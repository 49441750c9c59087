"""ROC, precision-recall and calibration curves, one-vs-rest per class, bounded in size.

Each curve is computed on every row by scikit-learn; the area under it (ROC AUC,
average precision) is taken before the curve is thinned to ``MAX_POINTS`` points for
storage and drawing, so the figures and the JSON stay small at any row count.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mm_jupyter.services.evaluation.inputs import Prepared

MAX_POINTS = 200  # points kept per stored curve
MAX_CLASSES = 10  # one-vs-rest curves kept for a multiclass report
MAX_AREA_CLASSES = 200  # classes whose ROC AUC and average precision enter the averages
CALIBRATION_BINS = 10


def thin(*columns: np.ndarray[Any, Any], limit: int = MAX_POINTS) -> list[list[float]]:
    """Return the columns with at most ``limit`` points, first and last kept."""
    size = len(columns[0])
    if size > limit:
        index = np.unique(np.linspace(0, size - 1, limit).round().astype(int))
        columns = tuple(c[index] for c in columns)
    return [[round(float(v), 6) for v in c] for c in columns]


def _one_vs_rest(prepared: Prepared) -> list[tuple[int, np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
    """Return (class index, is-this-class, score) for each class the curves cover."""
    if prepared.task == "binary":
        wanted = [prepared.positive]
    else:
        wanted = list(range(len(prepared.classes)))[:MAX_AREA_CLASSES]
    out = []
    for i in wanted:
        score = prepared.scores[i] if i < len(prepared.scores) else None
        if score is None:
            continue
        truth = _is_class(prepared.y_true, prepared.classes[i])
        if truth.all() or not truth.any():
            continue  # one class only: the curve is undefined
        out.append((i, truth, score))
    return out


def _is_class(values: np.ndarray[Any, Any], cls: Any) -> np.ndarray[Any, Any]:
    return np.asarray(values == cls, dtype=bool)


def curves(prepared: Prepared) -> tuple[dict[str, float], dict[str, list[dict[str, Any]]]]:
    """Return the curve metrics (``roc_auc``, ``average_precision``) and the curves.

    For a binary task the curves are the positive class's; for multiclass, one per
    class (one-vs-rest, at most ``MAX_CLASSES``), and the metrics are their macro
    averages (over at most ``MAX_AREA_CLASSES`` classes; sklearn's ``roc_auc_score``
    with ``multi_class="ovr"``). Calibration needs probabilities, so it is left out
    for decision scores.
    """
    from sklearn.metrics import auc, precision_recall_curve, roc_curve

    found: dict[str, list[dict[str, Any]]] = {"roc": [], "pr": [], "calibration": []}
    aucs, precisions = [], []
    for i, truth, score in _one_vs_rest(prepared):
        name = prepared.names[i]
        fpr, tpr, _ = roc_curve(truth, score)
        area = float(auc(fpr, tpr))
        precision, recall, _ = precision_recall_curve(truth, score)
        # sklearn's average_precision_score: recall decreases along the curve
        ap = float(-np.sum(np.diff(recall) * precision[:-1]))
        aucs.append(area)
        precisions.append(ap)
        if len(found["roc"]) >= MAX_CLASSES:
            continue  # in the averages, not drawn
        fpr_kept, tpr_kept = thin(fpr, tpr)
        found["roc"].append({"class": name, "auc": area, "fpr": fpr_kept, "tpr": tpr_kept})
        p_kept, r_kept = thin(precision, recall)
        found["pr"].append({"class": name, "average_precision": ap,
                            "precision": p_kept, "recall": r_kept})
        if prepared.score_kind == "proba":
            found["calibration"].append({"class": name, **calibration(truth, score)})
    metrics: dict[str, float] = {}
    if aucs:
        metrics["roc_auc"] = float(np.mean(aucs))
        metrics["average_precision"] = float(np.mean(precisions))
    return metrics, found


def calibration(truth: np.ndarray[Any, Any], probability: np.ndarray[Any, Any]) -> dict[str, Any]:
    """Return the reliability curve: mean predicted vs observed frequency per bin."""
    bins = np.clip((np.asarray(probability, dtype=float) * CALIBRATION_BINS).astype(int),
                   0, CALIBRATION_BINS - 1)
    counts = np.bincount(bins, minlength=CALIBRATION_BINS)
    predicted = np.bincount(bins, weights=probability, minlength=CALIBRATION_BINS)
    observed = np.bincount(bins, weights=truth.astype(float), minlength=CALIBRATION_BINS)
    used = counts > 0
    return {
        "predicted": [round(float(v), 6) for v in predicted[used] / counts[used]],
        "observed": [round(float(v), 6) for v in observed[used] / counts[used]],
        "count": [int(v) for v in counts[used]],
    }


def class_codes(prepared: Prepared) -> np.ndarray[Any, Any]:
    """Return each row's class index in report order (-1 for a class not reported)."""
    codes = np.full(len(prepared.y_true), -1, dtype=np.int64)
    for i, cls in enumerate(prepared.classes):
        codes[_is_class(prepared.y_true, cls)] = i
    return codes


def probability_metrics(prepared: Prepared) -> tuple[dict[str, float], list[str]]:
    """Return log-loss (and the Brier score for binary) when the scores are probabilities.

    Computed here rather than by ``sklearn.metrics.log_loss``, which expects its
    columns in sorted label order; ours follow the report's class order.
    """
    if prepared.score_kind != "proba" or any(s is None for s in prepared.scores):
        return {}, []
    proba = np.column_stack([np.asarray(s, dtype=float) for s in prepared.scores])
    codes = class_codes(prepared)
    unknown = int((codes < 0).sum())
    if unknown:
        return {}, [f"log_loss skipped: {unknown} rows of y are not among the reported classes"]
    rows = proba / np.clip(proba.sum(axis=1, keepdims=True), 1e-15, None)
    picked = np.clip(rows[np.arange(len(codes)), codes], np.finfo(float).eps, 1.0)
    metrics = {"log_loss": float(-np.mean(np.log(picked)))}
    if prepared.task == "binary":
        truth = codes == prepared.positive
        metrics["brier_score"] = float(np.mean((proba[:, prepared.positive] - truth) ** 2))
    return metrics, []
