"""A model version's reference profile: the training data, and the model's predictions on
it, that monitoring compares live batches with (drift and prediction drift)."""

from __future__ import annotations

from typing import Any


def reference_profile(model: Any, data: Any) -> dict[str, Any]:
    """Return the profile of the training data monitoring compares live data with.

    It includes the model's predictions on ``data`` when it can make them (the
    baseline of prediction drift).
    """
    # numpy loads only for a registration with
    # reference data: `%load_ext` imports this module, and its time is benchmarked.
    from mm_jupyter.monitoring.profile import profile_data

    profile: dict[str, Any] = profile_data(data, predictions=reference_predictions(model, data))
    return profile


def reference_predictions(model: Any, data: Any) -> Any:
    """The model's predictions on its reference data: monitoring's prediction-drift baseline.

    Best effort: a model that cannot predict on the frame it was given still registers.
    """
    import numpy as np  # see reference_profile: only with reference data

    predict = getattr(model, "predict", None)
    if not callable(predict):
        return None
    try:
        predictions = np.asarray(predict(data))
    except Exception:  # user models raise anything; the profile then has no prediction part
        return None
    if predictions.ndim == 2 and predictions.shape[1] == 1:
        predictions = predictions[:, 0]
    # One prediction per row, or none: multi-output models have no single prediction drift.
    return predictions if predictions.ndim == 1 and len(predictions) == len(data) else None


__all__ = ["reference_predictions", "reference_profile"]
