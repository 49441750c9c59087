"""XGBoost autologging: ``xgboost.train`` and the sklearn API's extras.

``xgb.train(...)`` is patched as a module attribute (a name imported with ``from
xgboost import train`` before the cell keeps the original). Without an
``evals_result`` of the user's, the patch passes its own dict, which only collects
what the evaluation already computes. The sklearn API (``XGBClassifier``...) is
patched with the other estimators (``sklearn.py``); its ``fit`` calls the
library's ``train`` directly, so it is reported once.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.capture.autolog.boosting import (
    BoosterInfo,
    eval_series,
    finite,
    patch_train,
    top_importance,
)
from mm_jupyter.capture.autolog.patching import FitCall, Patch
from mm_jupyter.capture.autolog.values import flat_params


def train_patches() -> list[Patch]:
    """Return the patch of ``xgboost.train`` if XGBoost is imported."""
    return patch_train("xgboost", lambda _module, arguments: _collect_evals(arguments))


def _collect_evals(arguments: dict[str, Any]) -> dict[str, Any]:
    if arguments.get("evals") and arguments.get("evals_result") is None:
        arguments["evals_result"] = {}
    return {"evals_result": arguments.get("evals_result"),
            "params": arguments.get("params"),
            "num_boost_round": arguments.get("num_boost_round"),
            "early_stopping_rounds": arguments.get("early_stopping_rounds")}


def train_params(call: FitCall) -> dict[str, Any]:
    """Return the params of a ``train()`` call: the params dict and the round counts."""
    extra = call.extra
    params = extra.get("params")
    if params is None and call.args:
        params = call.args[0]
    found = flat_params(params) if isinstance(params, dict) else {}
    for key in ("num_boost_round", "early_stopping_rounds"):
        if extra.get(key) is not None:
            found.update(flat_params({key: extra[key]}))
    return found


def booster_info(booster: Any, evals_result: Any = None) -> BoosterInfo:
    """Return what a trained ``xgboost.Booster`` tells (never raises)."""
    info = BoosterInfo(series=eval_series(evals_result))
    try:
        best = booster.attr("best_iteration")
        info.best_iteration = None if best is None else int(best)
        info.best_score = finite(booster.attr("best_score"))
    except Exception:
        pass
    try:
        scores = booster.get_score(importance_type="gain")
        info.importance = top_importance(scores.keys(), scores.values())
        info.importance_type = "gain"
    except Exception:
        pass
    return info


def estimator_info(estimator: Any) -> BoosterInfo:
    """Return what a fitted ``XGBModel`` (sklearn API) tells (never raises)."""
    info = BoosterInfo()
    try:
        info.series = eval_series(estimator.evals_result())
    except Exception:
        pass  # no eval_set
    try:
        booster = estimator.get_booster()
        best = booster.attr("best_iteration")
        info.best_iteration = None if best is None else int(best)
        info.best_score = finite(booster.attr("best_score"))
    except Exception:
        pass
    try:
        values = estimator.feature_importances_
        names = getattr(estimator, "feature_names_in_", None)
        if names is None:
            names = [f"f{i}" for i in range(len(values))]
        info.importance = top_importance(names, values)
        info.importance_type = str(getattr(estimator, "importance_type", None) or "gain")
    except Exception:
        pass
    return info
