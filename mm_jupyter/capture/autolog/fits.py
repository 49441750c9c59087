"""What one reported fit tells, whatever its framework: ``describe(call)``.

The recorder (``services/runs/autolog.py``) writes a ``FitSummary``; this module only
reads the user's objects, and never raises on their account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.capture.autolog import lightgbm, sklearn, xgboost
from mm_jupyter.capture.autolog.boosting import BoosterInfo
from mm_jupyter.capture.autolog.patching import FitCall


@dataclass
class FitSummary:
    """The params, metrics and model of one fit, ready to record."""

    framework: str
    method: str
    model_class: str
    params: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)  # one point each
    series: dict[str, list[float]] = field(default_factory=dict)  # a point per iteration
    model: Any = None  # what the run keeps as its model artifact
    importance: dict[str, float] = field(default_factory=dict)
    importance_type: str | None = None
    search: sklearn.SearchResult | None = None
    inputs: dict[str, Any] = field(default_factory=dict)  # {"X": ..., "y": ...}
    problems: list[str] = field(default_factory=list)  # what could not be read, and why


def describe(call: FitCall, *, with_metrics: bool = True, max_candidates: int = 100) -> FitSummary:
    """Return what ``call`` tells; a part that fails is left out and named in ``problems``."""
    if call.target is None:
        return _describe_train(call)
    estimator = call.target
    summary = FitSummary(call.framework, call.method, type(estimator).__name__)
    summary.params = sklearn.estimator_params(estimator)
    summary.metrics["fit_time_s"] = call.duration_s
    x, y, weight = sklearn.training_data(call)
    summary.inputs = {k: v for k, v in (("X", x), ("y", y)) if v is not None}
    if sklearn.is_search(estimator):
        try:
            summary.search = sklearn.search_result(estimator, max_candidates)
        except Exception as exc:
            summary.problems.append(f"search results: {type(exc).__name__}: {exc}")
        if summary.search is not None and summary.search.best_score is not None:
            summary.metrics["best_score"] = summary.search.best_score
    # partial_fit sees one batch per call, often thousands of calls: metrics of a
    # batch say little and would cost a prediction per batch.
    if with_metrics and call.method != "partial_fit" and y is not None:
        try:
            summary.metrics.update(sklearn.training_metrics(estimator, x, y, weight))
        except Exception as exc:
            summary.problems.append(f"training metrics: {type(exc).__name__}: {exc}")
    if call.framework == "xgboost":
        _add_booster(summary, xgboost.estimator_info(estimator))
    elif call.framework == "lightgbm":
        _add_booster(summary, lightgbm.estimator_info(estimator))
    summary.model = sklearn.final_model(estimator)
    return summary


def _describe_train(call: FitCall) -> FitSummary:
    booster = call.result
    library = xgboost if call.framework == "xgboost" else lightgbm
    summary = FitSummary(call.framework, call.method, type(booster).__name__)
    summary.params = library.train_params(call)
    summary.metrics["fit_time_s"] = call.duration_s
    _add_booster(summary, library.booster_info(booster, call.extra.get("evals_result")))
    summary.model = booster
    return summary


def _add_booster(summary: FitSummary, info: BoosterInfo) -> None:
    summary.series.update(info.series)
    if info.best_iteration is not None:
        summary.metrics["best_iteration"] = float(info.best_iteration)
    if info.best_score is not None:
        summary.metrics["best_score"] = info.best_score
    summary.importance = info.importance
    summary.importance_type = info.importance_type
