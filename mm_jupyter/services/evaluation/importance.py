"""Feature importance for a report: permutation importance, and SHAP when installed.

Both are opt-in (``mm.evaluate(..., importance=True)``): each costs many predictions.
Permutation importance runs on a fixed sample of at most ``MAX_ROWS`` rows, and its
repeats are cut so that the estimated cost (one timed prediction of the sample, times
features, times repeats) stays within ``budget_s``. SHAP is optional: the ``shap`` package
is not a dependency, and when it is missing the report says so.
"""

from __future__ import annotations

import importlib.util
import time
from typing import Any

import numpy as np

from mm_jupyter.services.evaluation.inputs import Prepared

MAX_ROWS = 2000
MAX_REPEATS = 5
MAX_FEATURES = 50  # features kept in the report (the most important ones)
SHAP_ROWS = 200
DEFAULT_BUDGET_S = 10.0
MAX_DENSE_COLUMNS = 10_000  # a sparse sample is made dense for permuting up to this width


def sample_rows(X: Any, y: np.ndarray[Any, Any], limit: int) -> tuple[Any, np.ndarray[Any, Any]]:
    """Return at most ``limit`` rows of ``X`` and ``y``, the same rows every time.

    The user's objects are only read: ``iloc``/fancy indexing returns new objects.
    """
    if isinstance(X, list | tuple):
        X = np.asarray(X)
    if hasattr(X, "toarray") and X.shape[1] <= MAX_DENSE_COLUMNS:  # sparse: permuting needs dense
        index = None if len(y) <= limit else _sample(len(y), limit)
        rows = X if index is None else X[index]
        return rows.toarray(), y if index is None else y[index]
    if len(y) <= limit:
        return X, y
    index = _sample(len(y), limit)
    rows = X.iloc[index] if hasattr(X, "iloc") else X[index]
    return rows, y[index]


def _sample(size: int, limit: int) -> np.ndarray[Any, Any]:
    return np.sort(np.random.default_rng(0).choice(size, size=limit, replace=False))


def _ranked(names: list[str], mean: np.ndarray[Any, Any],
            std: np.ndarray[Any, Any] | None) -> list[dict[str, Any]]:
    order = np.argsort(-np.abs(mean), kind="stable")[:MAX_FEATURES]
    return [
        {"feature": names[i] if i < len(names) else f"x{i}", "mean": round(float(mean[i]), 6),
         **({} if std is None else {"std": round(float(std[i]), 6)})}
        for i in order
    ]


def permutation(model: Any, X: Any, prepared: Prepared, *,
                budget_s: float) -> tuple[dict[str, Any] | None, str | None]:
    """Return permutation importance (drop in accuracy or R² when a feature is shuffled)."""
    from sklearn.inspection import permutation_importance

    rows, y = sample_rows(X, prepared.y_true, MAX_ROWS)
    width = len(prepared.features)
    if width == 0:
        return None, "permutation importance skipped: X has no columns to permute"
    started = time.perf_counter()
    model.predict(rows)
    one = max(time.perf_counter() - started, 1e-6)
    repeats = int(min(MAX_REPEATS, budget_s // (one * width)))
    if repeats < 1:
        return None, (
            f"permutation importance skipped: about {one * width:.1f} s per repeat exceeds the"
            f" budget of {budget_s:g} s (importance_budget_s=)"
        )
    scoring = "r2" if prepared.task == "regression" else "accuracy"
    result = permutation_importance(model, rows, y, scoring=scoring, n_repeats=repeats, random_state=0)
    return {
        "method": "permutation",
        "scoring": scoring,
        "rows": len(y),
        "repeats": repeats,
        "features": _ranked(prepared.features, result.importances_mean, result.importances_std),
    }, None


def shap_values(model: Any, X: Any, prepared: Prepared) -> tuple[dict[str, Any] | None, str | None]:
    """Return the mean absolute SHAP value per feature, or why there is none."""
    if importlib.util.find_spec("shap") is None:
        return None, "SHAP values not computed: the shap package is not installed (pip install shap)"
    try:
        import shap

        rows, _ = sample_rows(X, prepared.y_true, SHAP_ROWS)
        explanation = shap.Explainer(model, rows)(rows)
        values = np.abs(np.asarray(explanation.values, dtype=float))
        mean = values.mean(axis=0)
        if mean.ndim == 2:  # one column per class: average over the classes
            mean = mean.mean(axis=1)
    except Exception as exc:  # SHAP cannot explain every model; the report goes on
        return None, f"SHAP values not computed ({type(exc).__name__}: {exc})"
    return {"method": "shap", "rows": int(values.shape[0]),
            "features": _ranked(prepared.features, mean, None)}, None


def importance(model: Any, X: Any, prepared: Prepared, *,
               budget_s: float) -> tuple[dict[str, Any], list[str]]:
    """Return ``{"permutation": ..., "shap": ...}`` (``None`` where not computed) and notes."""
    notes: list[str] = []
    try:
        perm, note = permutation(model, X, prepared, budget_s=budget_s)
    except Exception as exc:  # a model that cannot be scored this way
        perm, note = None, f"permutation importance failed ({type(exc).__name__}: {exc})"
    if note:
        notes.append(note)
    shap_result, note = shap_values(model, X, prepared)
    if note:
        notes.append(note)
    return {"permutation": perm, "shap": shap_result}, notes
