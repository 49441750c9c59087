"""Framework autologging inside tracked cells: scikit-learn, XGBoost and LightGBM.

``patching`` installs invisible patches for the length of a cell and reports each
outermost fit to a sink; ``fits.describe`` reads what a fit tells (params, training
metrics, evaluation series, search candidates, the model); ``scoring`` finds a
scoring call ending a cell. Recording is the services' job (``services/runs/autolog.py``).
"""

from __future__ import annotations

from mm_jupyter.capture.autolog import lightgbm, sklearn, xgboost
from mm_jupyter.capture.autolog.patching import Patch

FRAMEWORKS = ("sklearn", "xgboost", "lightgbm")


def patches_for(frameworks: set[str]) -> list[Patch]:
    """Return the patches of the enabled ``frameworks`` among those already imported.

    Nothing is imported here: a framework the user has not imported has nothing to
    patch (its classes do not exist yet).
    """
    found: list[Patch] = []
    if frameworks & set(FRAMEWORKS):
        found.extend(sklearn.class_patches(frameworks))
    if "xgboost" in frameworks:
        found.extend(xgboost.train_patches())
    if "lightgbm" in frameworks:
        found.extend(lightgbm.train_patches())
    return found
