"""LightGBM autologging: ``lightgbm.train`` and the sklearn API's extras.

``lgb.train(...)`` is patched as a module attribute. With validation sets, the
patch adds LightGBM's own ``record_evaluation`` callback (to a new list: the
user's list is not changed), which only copies what evaluation computed anyway.
The sklearn API (``LGBMClassifier``...) is patched with the other estimators.
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
    """Return the patch of ``lightgbm.train`` if LightGBM is imported."""
    return patch_train("lightgbm", lambda module, arguments: _collect_evals(module, arguments))


def _collect_evals(module: Any, arguments: dict[str, Any]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    if arguments.get("valid_sets"):
        callbacks = list(arguments.get("callbacks") or [])
        callbacks.append(module.record_evaluation(results))
        arguments["callbacks"] = callbacks
    return {"evals_result": results, "params": arguments.get("params"),
            "num_boost_round": arguments.get("num_boost_round")}


def train_params(call: FitCall) -> dict[str, Any]:
    """Return the params of a ``train()`` call: the params dict and the round count."""
    params = call.extra.get("params")
    if params is None and call.args:
        params = call.args[0]
    found = flat_params(params) if isinstance(params, dict) else {}
    if call.extra.get("num_boost_round") is not None:
        found.update(flat_params({"num_boost_round": call.extra["num_boost_round"]}))
    return found


def _best(info: BoosterInfo, iteration: Any) -> None:
    try:
        best = int(iteration)
    except (TypeError, ValueError):
        return
    # LightGBM says 0 when early stopping did not run.
    info.best_iteration = best if best > 0 else None


def booster_info(booster: Any, evals_result: Any = None) -> BoosterInfo:
    """Return what a trained ``lightgbm.Booster`` tells (never raises)."""
    info = BoosterInfo(series=eval_series(evals_result))
    try:
        _best(info, booster.best_iteration)
    except Exception:
        pass
    try:
        info.importance = top_importance(
            booster.feature_name(), booster.feature_importance(importance_type="gain")
        )
        info.importance_type = "gain"
    except Exception:
        pass
    return info


def estimator_info(estimator: Any) -> BoosterInfo:
    """Return what a fitted ``LGBMModel`` (sklearn API) tells (never raises)."""
    info = BoosterInfo()
    try:
        info.series = eval_series(estimator.evals_result_)
    except Exception:
        pass
    try:
        _best(info, estimator.best_iteration_)
        scores = estimator.best_score_
        if info.best_iteration is not None and scores:
            first = next(iter(scores.values()))
            info.best_score = finite(next(iter(first.values())))
    except Exception:
        pass
    try:
        info.importance = top_importance(
            estimator.feature_name_, estimator.feature_importances_
        )
        info.importance_type = str(getattr(estimator, "importance_type", None) or "split")
    except Exception:
        pass
    return info
