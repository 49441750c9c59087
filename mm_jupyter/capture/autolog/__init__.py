"""Framework autologging inside tracked cells: scikit-learn, XGBoost and LightGBM.

``patching`` installs invisible patches for the length of a cell and reports each
outermost fit to a sink; ``fits.describe`` reads what a fit tells (params, training
metrics, evaluation series, search candidates, the model); ``scoring`` finds a
scoring call ending a cell. Recording is the services' job (``services/runs/autolog.py``).
"""

from __future__ import annotations

from mm_jupyter.capture.autolog import lightgbm, sklearn, xgboost
from mm_jupyter.capture.autolog.patching import Patch, SubclassHook

FRAMEWORKS = ("sklearn", "xgboost", "lightgbm")


def patches_for(frameworks: set[str]) -> list[Patch | SubclassHook]:
    """Return the patches of the enabled ``frameworks`` among those already imported.

    Nothing is imported here: a framework the user has not imported has nothing to
    patch (its classes do not exist yet). Estimator classes defined while the cell
    runs (a module of the framework imported for the first time) are patched as
    they are defined, once ``sklearn.base`` is loaded.
    """
    found: list[Patch | SubclassHook] = []
    if frameworks & set(FRAMEWORKS):
        found.extend(sklearn.class_patches(frameworks))
        hook = sklearn.subclass_hook(frameworks)
        if hook is not None:
            found.append(hook)
    if "xgboost" in frameworks:
        found.extend(xgboost.train_patches())
    if "lightgbm" in frameworks:
        found.extend(lightgbm.train_patches())
    return found
