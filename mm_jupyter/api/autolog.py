"""``mm.autolog``: which frameworks tracked cells log automatically, and what."""

from __future__ import annotations

from dataclasses import asdict

__all__ = ["autolog"]


def autolog(
    *,
    sklearn: bool | None = None,
    xgboost: bool | None = None,
    lightgbm: bool | None = None,
    training_metrics: bool | None = None,
    log_models: bool | None = None,
) -> dict[str, bool]:
    """Turn framework autologging on or off per framework; return the settings.

    Inside ``%%mm_track`` cells, each outermost ``fit`` of a scikit-learn estimator
    (and the sklearn APIs of XGBoost and LightGBM) and each ``xgboost.train`` /
    ``lightgbm.train`` records its params (source ``autolog``), fit time, training
    metrics (``train.*``; ``training_metrics=False`` skips the prediction they need),
    evaluation series and the fitted model as an artifact of the run
    (``log_models=False`` keeps it out). Arguments left ``None`` keep their value;
    the settings hold for the rest of the process. ``%config MMMagics.autolog =
    False`` turns all of it off.
    """
    from mm_jupyter.services.runs.autolog import configure

    settings = configure(
        sklearn=sklearn, xgboost=xgboost, lightgbm=lightgbm,
        training_metrics=training_metrics, log_models=log_models,
    )
    return asdict(settings)
