"""Classification metrics and tables, all from one confusion matrix.

scikit-learn computes the matrix; precision, recall, F1 and their averages follow
from its diagonal and margins (sklearn's definitions: an undefined ratio is 0, macro
averages over the classes present in ``y`` or the predictions unless ``labels=``
chose them). One matrix instead of a dozen metric calls keeps a 10,000-row report
within its time budget.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mm_jupyter.services.evaluation.inputs import Prepared

MAX_MATRIX = 100  # classes kept in the stored confusion matrix (a 100 × 100 table)
MAX_CLASS_METRICS = 50  # classes whose precision/recall/F1 are logged as metrics of their own


def _ratio(num: np.ndarray[Any, Any], den: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    out = np.zeros(num.shape, dtype=float)
    np.divide(num, den, out=out, where=den > 0)
    return out


def confusion(prepared: Prepared) -> np.ndarray[Any, Any]:
    """Return the confusion matrix: rows are true classes, columns predicted ones."""
    from sklearn.metrics import confusion_matrix

    return np.asarray(
        confusion_matrix(prepared.y_true, prepared.y_pred, labels=prepared.classes), dtype=np.int64
    )


def per_class(matrix: np.ndarray[Any, Any]) -> dict[str, np.ndarray[Any, Any]]:
    """Return precision, recall, F1, support and predicted counts per class."""
    tp = np.diag(matrix).astype(float)
    support = matrix.sum(axis=1).astype(float)
    predicted = matrix.sum(axis=0).astype(float)
    precision = _ratio(tp, predicted)
    recall = _ratio(tp, support)
    f1 = _ratio(2 * precision * recall, precision + recall)
    return {"precision": precision, "recall": recall, "f1": f1, "support": support,
            "predicted": predicted}


def averages(table: dict[str, np.ndarray[Any, Any]], *, all_classes: bool) -> dict[str, dict[str, float]]:
    """Return macro and weighted averages of precision, recall and F1."""
    present = np.ones(len(table["support"]), dtype=bool) if all_classes else (
        (table["support"] + table["predicted"]) > 0
    )
    weights = table["support"]
    out: dict[str, dict[str, float]] = {"macro": {}, "weighted": {}}
    for key in ("precision", "recall", "f1"):
        values = table[key]
        out["macro"][key] = float(values[present].mean()) if present.any() else 0.0
        total = weights.sum()
        out["weighted"][key] = float((values * weights).sum() / total) if total > 0 else 0.0
    return out


def normalised(matrix: np.ndarray[Any, Any]) -> list[list[float]]:
    """Return each row of ``matrix`` divided by its total (the recall view)."""
    totals = matrix.sum(axis=1, keepdims=True).astype(float)
    return [[round(float(v), 6) for v in row] for row in _ratio(matrix.astype(float), totals)]


def classification_metrics(prepared: Prepared) -> tuple[dict[str, float], dict[str, Any]]:
    """Return the scalar metrics (unprefixed keys) and the tables of a classifier.

    Tables: ``confusion_matrix`` (labels, counts, normalised by true class) and
    ``classification_report`` (one row per class, then the averages).
    """
    matrix = confusion(prepared)
    table = per_class(matrix)
    avg = averages(table, all_classes=prepared.labels_given)
    correct = prepared.y_true == prepared.y_pred
    metrics: dict[str, float] = {
        "accuracy": float(np.mean(correct)),
        "balanced_accuracy": float(table["recall"][table["support"] > 0].mean())
        if (table["support"] > 0).any() else 0.0,
    }
    if prepared.task == "binary":  # sklearn's binary default: the positive class
        pos = prepared.positive
        for key in ("precision", "recall", "f1"):
            metrics[key] = float(table[key][pos])
    for kind in ("macro", "weighted"):
        for key, value in avg[kind].items():
            metrics[f"{key}_{kind}"] = value
    rows: list[dict[str, Any]] = [
        {"class": name, "precision": float(table["precision"][i]), "recall": float(table["recall"][i]),
         "f1": float(table["f1"][i]), "support": int(table["support"][i])}
        for i, name in enumerate(prepared.names)
    ]
    for row in rows[:MAX_CLASS_METRICS]:  # per-class metrics: test.f1.<class>, ...
        for key in ("precision", "recall", "f1"):
            metrics[f"{key}.{row['class']}"] = float(row[key])
    support = int(table["support"].sum())
    kept = min(len(prepared.names), MAX_MATRIX)
    tables: dict[str, Any] = {
        "confusion_matrix": {
            "labels": prepared.names[:kept],
            "counts": matrix[:kept, :kept].tolist(),
            "normalized": [r[:kept] for r in normalised(matrix)[:kept]],
            "truncated": kept < len(prepared.names),
        },
        "classification_report": {
            "classes": rows,
            "averages": [{"average": kind, **avg[kind], "support": support}
                         for kind in ("macro", "weighted")],
        },
    }
    return metrics, tables
