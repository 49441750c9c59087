"""Framework autologging inside tracked cells: scikit-learn, XGBoost and LightGBM.

``patching`` installs invisible patches for the length of a cell and reports each
outermost fit to a sink; ``fits.describe`` reads what a fit tells (params, training
metrics, evaluation series, search candidates, the model); ``scoring`` finds a
scoring call ending a cell. Recording is the services' job (``services/runs/autolog.py``).
"""

from __future__ import annotations

import sys

from mm_jupyter.capture.autolog import lightgbm, sklearn, xgboost
from mm_jupyter.capture.autolog.imports import WATCHED, ImportWatch
from mm_jupyter.capture.autolog.patching import PATCHES, Installable, Patch, SubclassHook

FRAMEWORKS = ("sklearn", "xgboost", "lightgbm")
WATCHED_MODULE = {framework: module for module, framework in WATCHED.items()}


def patches_for(frameworks: set[str]) -> list[Installable]:
    """Return the patches of the enabled ``frameworks`` among those already imported.

    Nothing is imported here: a framework the user has not imported has nothing to
    patch (its classes do not exist yet). Estimator classes defined while the cell
    runs (a module of the framework imported for the first time) are patched as
    they are defined, once ``sklearn.base`` is loaded; a framework the cell imports
    for the first time is patched as soon as it has loaded (``imports.ImportWatch``).
    """
    found: list[Installable] = []
    if frameworks & set(FRAMEWORKS):
        found.extend(sklearn.class_patches(frameworks))
        hook = sklearn.subclass_hook(frameworks)
        if hook is not None:
            found.append(hook)
    if "xgboost" in frameworks:
        found.extend(xgboost.train_patches())
    if "lightgbm" in frameworks:
        found.extend(lightgbm.train_patches())
    missing = [f for f in FRAMEWORKS if f in frameworks and not _loaded(f)]
    if missing:  # imported by the cell itself: patched once it has loaded
        found.append(ImportWatch(missing, lambda framework: _loaded_now(framework, frameworks)))
    return found


def _loaded(framework: str) -> bool:
    return (WATCHED_MODULE[framework]) in sys.modules


def _loaded_now(framework: str, frameworks: set[str]) -> None:
    """Install the patches of ``framework``, which the running cell just imported."""
    if framework == "sklearn":
        new: list[Patch | SubclassHook] = list(sklearn.class_patches(frameworks))
        hook = sklearn.subclass_hook(frameworks)
        if hook is not None:
            new.append(hook)
    else:
        new = list((xgboost if framework == "xgboost" else lightgbm).train_patches())
    for patch in new:
        PATCHES.add(patch)
