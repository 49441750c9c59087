"""Build an evaluation report: the JSON data and its PNG figures, nothing stored yet.

The JSON is the documented format ``storage.FORMAT`` (docs/evaluation.md);
the sidebar, the run diff and the notebook display all read it. A figure or an
optional part that fails is left out with a note: a report with a note is more use
than an exception after the model has been scored.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.services.evaluation import curves, figures
from mm_jupyter.services.evaluation.classification import classification_metrics
from mm_jupyter.services.evaluation.importance import DEFAULT_BUDGET_S, MAX_ROWS
from mm_jupyter.services.evaluation.importance import importance as compute_importance
from mm_jupyter.services.evaluation.inputs import Prepared, prepare
from mm_jupyter.services.evaluation.regression import regression_metrics
from mm_jupyter.services.evaluation.storage import FORMAT

TITLES = {
    "confusion_matrix": "Confusion matrix",
    "roc": "ROC curve",
    "precision_recall": "Precision-recall curve",
    "calibration": "Calibration curve",
    "predicted_vs_actual": "Predicted vs actual",
    "residuals": "Residuals",
    "residual_histogram": "Residual distribution",
    "importance": "Feature importance",
}


@dataclass
class Report:
    """A report before storage: JSON-ready ``data`` and PNG ``figures`` by name."""

    data: dict[str, Any]
    figures: dict[str, bytes] = field(default_factory=dict)


def finite_metrics(metrics: Mapping[str, float], notes: list[str]) -> dict[str, float]:
    """Return the finite metrics; an undefined one (NaN) is noted, not logged."""
    kept = {k: v for k, v in metrics.items() if math.isfinite(v)}
    dropped = sorted(set(metrics) - set(kept))
    if dropped:
        notes.append(f"undefined on this data, not logged: {', '.join(dropped)}")
    return kept


def _classification(prepared: Prepared, data: dict[str, Any]) -> dict[str, float]:
    metrics, tables = classification_metrics(prepared)
    try:  # scores come from the model: odd ones cost the curves, not the report
        curve_metrics, found = curves.curves(prepared)
        proba_metrics, notes = curves.probability_metrics(prepared)
    except (ValueError, TypeError, FloatingPointError) as exc:
        curve_metrics, proba_metrics = {}, {}
        found = {"roc": [], "pr": [], "calibration": []}
        notes = [f"curves skipped ({type(exc).__name__}: {exc})"]
        prepared.scores = []
    data["notes"] += notes
    if prepared.scores and not found["roc"]:
        data["notes"].append("ROC and precision-recall curves need both outcomes of a class in y")
    if prepared.score_kind == "decision":
        data["notes"].append(
            "scores from decision_function, not probabilities: no log-loss or calibration curve"
        )
    data.update(tables)
    data["curves"] = found
    data["classes"] = prepared.names
    data["positive_class"] = prepared.names[prepared.positive] if prepared.task == "binary" else None
    data["score_kind"] = prepared.score_kind
    main = {k: v for k, v in metrics.items() if "." not in k}
    per_class = {k: v for k, v in metrics.items() if "." in k}
    return {**main, **curve_metrics, **proba_metrics, **per_class}


def _figures(data: dict[str, Any]) -> dict[str, Callable[[], bytes]]:
    """Return the figures this report can draw, each as a drawing function."""
    out: dict[str, Callable[[], bytes]] = {}
    matrix = data.get("confusion_matrix")
    if matrix:
        out["confusion_matrix"] = lambda: figures.confusion_matrix(
            matrix["labels"], matrix["counts"], matrix["normalized"])
    found = data.get("curves") or {}
    if found.get("roc"):
        out["roc"] = lambda: figures.roc(found["roc"])
        out["precision_recall"] = lambda: figures.precision_recall(found["pr"])
    if found.get("calibration"):
        out["calibration"] = lambda: figures.calibration(found["calibration"])
    plots = data.get("regression")
    if plots:
        out["predicted_vs_actual"] = lambda: figures.predicted_vs_actual(plots["points"])
        out["residuals"] = lambda: figures.residuals(plots["points"])
        out["residual_histogram"] = lambda: figures.residual_histogram(plots["residual_histogram"])
    chosen = data.get("importance") or {}
    best = chosen.get("shap") or chosen.get("permutation")
    if best:
        out["importance"] = lambda: figures.importance(best)
    return out


def build_report(model: Any, X: Any, y: Any, *, name: str, task: str | None = None,
                 labels: Sequence[Any] | Mapping[Any, Any] | None = None,
                 importance: bool = False,
                 importance_budget_s: float = DEFAULT_BUDGET_S) -> Report:
    """Score ``model`` on ``X``/``y`` and return the report (data and figures).

    Raises ``ValueError``/``TypeError`` for inputs that cannot be evaluated (see
    ``inputs.prepare``); everything after the predictions degrades to notes.
    """
    prepared = prepare(model, X, y, task=task, labels=labels)
    data: dict[str, Any] = {
        "format": FORMAT, "name": name, "task": prepared.task, "model": prepared.model_name,
        "rows": prepared.n_rows, "n_features": len(prepared.features),
        "notes": list(prepared.notes),
    }
    if prepared.task == "regression":
        metrics, plots, notes = regression_metrics(prepared)
        data["regression"] = plots
        data["notes"] += notes
    else:
        metrics = _classification(prepared, data)
    if importance:
        found, notes = compute_importance(model, X, prepared, budget_s=importance_budget_s)
        data["importance"] = found
        data["notes"] += notes
    else:
        data["importance"] = None
        shap = "" if importlib.util.find_spec("shap") else (
            "; SHAP values also need the shap package, which is not installed"
        )
        data["notes"].append(
            f"feature importance not computed: pass importance=True (permutation importance on up to"
            f" {MAX_ROWS:,} rows{shap})"
        )
    data["metrics"] = finite_metrics(metrics, data["notes"])
    drawn: dict[str, bytes] = {}
    for key, draw in _figures(data).items():
        try:
            drawn[key] = draw()
        except Exception as exc:  # one figure fails (a font, odd data): the others stand
            data["notes"].append(f"figure {key} not drawn ({type(exc).__name__}: {exc})")
    data["figures"] = [{"name": key, "title": TITLES[key], "file": f"{key}.png"} for key in drawn]
    return Report(data=data, figures=drawn)
