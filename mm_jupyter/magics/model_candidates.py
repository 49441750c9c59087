"""Which objects a tracked cell bound are fitted models, and which of those predict.

The run output below the cell offers the predictors for registration; every fitted
object (a scaler too) is remembered so that registering it later links its run.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.services.models import flavors


def is_predictor(obj: Any) -> bool:
    """Return whether ``obj`` is a fitted model that predicts (what one registers).

    A fitted transformer (``StandardScaler``, ``PolynomialFeatures``) is not: it is a
    step, not a model. A scikit-learn ``Pipeline`` exposes ``predict`` only when its
    last step is a predictor, so a transformer-only pipeline is left out too.
    Never raises: a hostile object is simply no candidate.
    """
    try:
        if flavors.is_torch_module(obj):
            return True
        if not flavors.is_fitted(obj):
            return False
        return any(
            callable(getattr(obj, m, None)) for m in ("predict", "predict_proba")
        )
    except Exception:
        return False


def fitted_models(
    namespace: dict[str, Any], names: list[str], *, predictors_only: bool = True
) -> dict[str, Any]:
    """Return ``{variable: model}`` for fitted predictors the cell bound.

    ``predictors_only=False`` also returns fitted transformers (``StandardScaler``):
    not worth a Register button, but ``%mm register scaler`` should still link the
    run that fitted it.
    """
    found = {}
    for name in names:
        obj = namespace.get(name)
        try:
            keep = obj is not None and (
                is_predictor(obj)
                if predictors_only
                else flavors.is_fitted(obj) or flavors.is_torch_module(obj)
            )
        except Exception:  # a hostile object is no candidate
            keep = False
        if keep:
            found[name] = obj
    return found


def remember_models(
    session: Any, namespace: dict[str, Any], assigned: list[str], run_id: str | None,
    logged: Any = None,
) -> dict[str, Any]:
    """Note the fitted models a tracked cell bound: registering them later links run
    ``run_id``. Return the Register candidates.

    Every fitted object is remembered (a scaler registered later still links its
    run); the candidates are the predictors only, plus the model autologging kept
    (``logged``) when the cell bound it to no name (``Model().fit(X, y)``).
    """
    if run_id is None:
        return {}
    found = fitted_models(namespace, assigned, predictors_only=False)
    for model in found.values():
        session.remember_model(model, run_id)
    candidates = {name: model for name, model in found.items() if is_predictor(model)}
    model = getattr(logged, "model", None)
    if model is not None and is_predictor(model):
        session.remember_model(model, run_id)
        if not any(known is model for known in found.values()):
            label = logged.label
            while label in candidates:
                label += "_"
            candidates[label] = model
    return candidates
