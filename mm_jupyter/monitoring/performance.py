"""Model performance once ground truth arrives: classification or regression metrics.

Labels usually arrive late and partially (``mon.log_labels(batch, y, rows=...)``), so
unlabelled rows (``None``/NaN) are skipped rather than rejected, and a window too small
for a metric gives ``None`` with a reason instead of NaN or an exception.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from mm_jupyter.monitoring.columns import to_vector
from mm_jupyter.monitoring.profile import category_key, finite_or_none, infer_task

TASKS = ("classification", "regression")
_BINARY_LABELS = ({0.0, 1.0}, {"0", "1"}, {"False", "True"})


def _present(values: np.ndarray) -> np.ndarray:
    """Mask of non-missing entries of a ``to_vector`` result."""
    if values.dtype.kind == "f":
        return np.asarray(~np.isnan(values))
    if values.dtype.kind == "O":
        return np.asarray(values != None)  # noqa: E711 (elementwise on object arrays)
    return np.ones(values.size, dtype=bool)


def _class_keys(
    y_true: np.ndarray, y_pred: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Comparable class labels: numbers as float when both sides are numeric, else text.

    Text keys make ``1``, ``1.0`` and ``"1"`` one class, and ``True`` equal ``"True"``.
    """
    if y_true.dtype.kind in "biuf" and y_pred.dtype.kind in "biuf":
        return y_true.astype(np.float64), y_pred.astype(np.float64)

    def text(values: np.ndarray) -> np.ndarray:
        return np.array([category_key(v) for v in values.tolist()], dtype=str)

    return text(y_true), text(y_pred)


def _classification(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    t, p = _class_keys(y_true, y_pred)
    classes, codes = np.unique(np.concatenate([t, p]), return_inverse=True)
    k = classes.size
    ct, cp = codes[: t.size], codes[t.size :]
    confusion = np.bincount(ct * k + cp, minlength=k * k).reshape(k, k)
    tp = np.diag(confusion).astype(np.float64)
    predicted = confusion.sum(axis=0)
    actual = confusion.sum(axis=1)
    # A class never predicted (or never true) scores 0 rather than dividing by zero,
    # like scikit-learn's zero_division=0.
    precision = np.divide(tp, predicted, out=np.zeros(k), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros(k), where=actual > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros(k), where=total > 0)
    labels = {c.item() if hasattr(c, "item") else c for c in classes}
    if k == 2 and labels in _BINARY_LABELS:
        # 0/1 (or False/True) labels: the scores of the positive class, not an average.
        pos = 1
        chosen = (precision[pos], recall[pos], f1[pos])
    else:
        chosen = (precision.mean(), recall.mean(), f1.mean())
    return {
        "accuracy": float(tp.sum() / t.size),
        "precision": float(chosen[0]),
        "recall": float(chosen[1]),
        "f1": float(chosen[2]),
    }


def _regression(
    y_true: np.ndarray, y_pred: np.ndarray
) -> tuple[dict[str, Any], str | None]:
    if y_true.dtype.kind not in "biuf" or y_pred.dtype.kind not in "biuf":
        raise ValueError("regression metrics need numeric labels and predictions")
    t = y_true.astype(np.float64)
    # Overflow gives None below, not a warning.
    with np.errstate(over="ignore", invalid="ignore"):
        error = y_pred.astype(np.float64) - t
        squared = float(np.mean(error**2))
        metrics: dict[str, Any] = {
            "mae": finite_or_none(np.abs(error).mean()),
            "rmse": finite_or_none(math.sqrt(squared)),
            "r2": None,
        }
    if t.size < 2:
        return metrics, "r2 needs at least 2 labelled rows"
    total = float(np.sum((t - t.mean()) ** 2))
    if total == 0:
        return metrics, "r2 is undefined: every label has the same value"
    metrics["r2"] = finite_or_none(1 - float(np.sum(error**2)) / total)
    return metrics, None


def performance(y_true: Any, y_pred: Any, *, task: str | None = None) -> dict[str, Any]:
    """Score predictions against ground truth.

    Parameters
    ----------
    y_true
        Labels, one per prediction; ``None``/NaN marks an unlabelled row (skipped).
    y_pred
        The model's predictions.
    task
        ``"classification"`` or ``"regression"``; inferred from the predictions when
        ``None`` (integer-valued with ≤ 50 values, bool or text → classification).

    Returns
    -------
    dict
        ``{"task", "n", "status", "reason", "metrics"}``: accuracy, precision, recall
        and f1 (binary for 0/1 or False/True labels, else macro-averaged), or mae, rmse
        and r2.
    """
    if task is not None and task not in TASKS:
        raise ValueError(
            f"task must be one of {', '.join(TASKS)} or None, not {task!r}"
        )
    truth = to_vector(y_true, what="y_true")
    pred = to_vector(y_pred, what="y_pred")
    if truth.size != pred.size:
        raise ValueError(
            f"y_true has {truth.size} values but the batch has {pred.size} predictions"
        )
    # A row counts when it has a label; a missing prediction cannot be scored either.
    keep = _present(truth) & _present(pred)
    truth, pred = _narrow(truth[keep]), _narrow(pred[keep])
    task = task or infer_task(pred)
    result: dict[str, Any] = {
        "task": task,
        "n": int(truth.size),
        "status": "ok",
        "reason": None,
        "metrics": {},
    }
    if truth.size == 0:
        result["status"], result["reason"] = "insufficient_data", "no labelled rows"
        return result
    if task == "classification":
        result["metrics"] = _classification(truth, pred)
    else:
        result["metrics"], result["reason"] = _regression(truth, pred)
    return result


def _narrow(values: np.ndarray) -> np.ndarray:
    """An object array without its missing entries may now be plain numbers or bools."""
    if values.dtype.kind != "O" or values.size == 0:
        return values
    cells = values.tolist()
    if all(isinstance(c, bool | np.bool_) for c in cells):
        return values.astype(bool)
    return to_vector(cells)


def performance_series(result: dict[str, Any]) -> dict[str, float]:
    """``performance.<metric>`` of each finite metric, and ``performance.labelled``."""
    series = {"performance.labelled": float(result["n"])}
    for name, value in result["metrics"].items():
        if value is not None and math.isfinite(value):
            series[f"performance.{name}"] = float(value)
    return series
