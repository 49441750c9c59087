"""scikit-learn autologging: which methods to patch, and what a fit tells.

Estimator classes are found among the subclasses of ``BaseEstimator`` already
imported (``sklearn.base`` in ``sys.modules``: we never import scikit-learn). The
sklearn APIs of XGBoost and LightGBM subclass it too; they are patched when their
framework is enabled and described with their extras (``xgboost.py``, ``lightgbm.py``).
"""

from __future__ import annotations

import math
import sys
import warnings
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.capture.autolog.patching import PATCHES, FitCall, Patch, SubclassHook
from mm_jupyter.capture.autolog.values import flat_params

FIT_METHODS = ("fit", "fit_transform", "partial_fit")
# Training metrics are computed on at most this many rows (an evenly drawn sample
# beyond it): predicting on the training set of a cheap-to-fit model (k-NN) can cost
# far more than the fit did.
MAX_METRIC_ROWS = 100_000

_CACHE: weakref.WeakKeyDictionary[type, dict[str, Patch]] = weakref.WeakKeyDictionary()


def framework_of(cls: type) -> str:
    """Return the framework an estimator class belongs to (by its module)."""
    root = str(getattr(cls, "__module__", "") or "").partition(".")[0]
    return root if root in ("xgboost", "lightgbm") else "sklearn"


def estimator_classes() -> list[type]:
    """Return the ``BaseEstimator`` subclasses defined so far (no import)."""
    base_module = sys.modules.get("sklearn.base")
    base = getattr(base_module, "BaseEstimator", None)
    if base is None:
        return []
    found: list[type] = []
    seen: set[type] = set()
    stack = [base]
    while stack:
        cls = stack.pop()
        try:
            children = type.__subclasses__(cls)
        except TypeError:
            continue
        for child in children:
            if child not in seen:
                seen.add(child)
                found.append(child)
                stack.append(child)
    return found


def class_patches(frameworks: Iterable[str]) -> list[Patch]:
    """Return the patches of every fit method of the enabled frameworks' estimators."""
    enabled = set(frameworks)
    patches = []
    for cls in estimator_classes():
        if framework_of(cls) in enabled:
            patches.extend(_class_patches(cls))
    return patches


def subclass_hook(frameworks: Iterable[str]) -> SubclassHook | None:
    """Return the hook that patches estimator classes defined during the cell."""
    base = getattr(sys.modules.get("sklearn.base"), "BaseEstimator", None)
    if base is None:
        return None
    enabled = set(frameworks)

    def on_class(cls: type) -> None:
        if framework_of(cls) in enabled:
            for patch in _class_patches(cls):
                PATCHES.add(patch)

    return SubclassHook(base, on_class)


def _class_patches(cls: type) -> list[Patch]:
    own = vars(cls)
    patches = []
    for name in FIT_METHODS:
        if name in own:
            cached = _CACHE.setdefault(cls, {})
            patch = cached.get(name)
            if patch is None:
                patch = cached[name] = Patch(cls, name, framework_of(cls))
            patches.append(patch)
    return patches


def training_data(call: FitCall) -> tuple[Any, Any, Any]:
    """Return ``(X, y, sample_weight)`` a fit was given (``None`` where absent)."""
    args, kwargs = call.args, call.kwargs
    x = args[0] if args else kwargs.get("X", kwargs.get("x"))
    y = args[1] if len(args) > 1 else kwargs.get("y", kwargs.get("Y"))
    return x, y, kwargs.get("sample_weight")


def estimator_params(estimator: Any) -> dict[str, Any]:
    """Return ``get_params(deep=True)`` as param values (``{}`` if it fails)."""
    try:
        params = estimator.get_params(deep=True)
    except Exception:
        return {}
    return flat_params(params) if isinstance(params, Mapping) else {}


def n_rows(data: Any) -> int | None:
    """Return the number of rows of ``data`` (``None`` when unknown)."""
    try:
        shape = getattr(data, "shape", None)
        if shape is not None and len(shape) > 0:
            return int(shape[0])
        return len(data)
    except Exception:
        return None


def _bounded(x: Any, y: Any, weight: Any) -> tuple[Any, Any, Any]:
    """Return the rows metrics are computed on: all, or an evenly drawn sample."""
    count = n_rows(x)
    if count is None or count <= MAX_METRIC_ROWS:
        return x, y, weight
    from sklearn.utils import resample

    # resample uses its own RandomState: the global one the user seeds is untouched.
    if weight is None:
        x, y = resample(x, y, replace=False, n_samples=MAX_METRIC_ROWS, random_state=0)
        return x, y, None
    x, y, weight = resample(x, y, weight, replace=False, n_samples=MAX_METRIC_ROWS,
                            random_state=0)
    return x, y, weight


def training_metrics(estimator: Any, x: Any, y: Any, weight: Any = None) -> dict[str, float]:
    """Return ``train.*`` metrics of a fitted classifier or regressor on ``x, y``.

    Each metric is computed apart, so one that does not apply (ROC-AUC of a class the
    sample lacks) leaves the others. Warnings of the metric functions are not shown:
    they would be ours, not the user's.
    """
    if x is None or y is None:
        return {}
    from sklearn import metrics
    from sklearn.base import is_classifier, is_regressor

    found: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x, y, weight = _bounded(x, y, weight)
        if is_classifier(estimator):
            _classifier_metrics(estimator, x, y, weight, metrics, found)
        elif is_regressor(estimator):
            predicted = estimator.predict(x)
            _put(found, "train.mae", metrics.mean_absolute_error, y, predicted, sample_weight=weight)
            _put(found, "train.mse", metrics.mean_squared_error, y, predicted, sample_weight=weight)
            if "train.mse" in found and found["train.mse"] >= 0:
                found["train.rmse"] = math.sqrt(found["train.mse"])
            _put(found, "train.r2", metrics.r2_score, y, predicted, sample_weight=weight)
    return found


def _classifier_metrics(
    estimator: Any, x: Any, y: Any, weight: Any, metrics: Any, found: dict[str, float]
) -> None:
    predicted = estimator.predict(x)
    _put(found, "train.accuracy", metrics.accuracy_score, y, predicted, sample_weight=weight)
    try:
        precision, recall, f1, _ = metrics.precision_recall_fscore_support(
            y, predicted, average="weighted", zero_division=0, sample_weight=weight
        )
        for key, value in (("precision", precision), ("recall", recall), ("f1", f1)):
            _store(found, f"train.{key}", value)
    except Exception:
        pass
    try:
        has_proba = hasattr(estimator, "predict_proba")
    except Exception:
        has_proba = False
    if not has_proba:
        return
    try:
        proba = estimator.predict_proba(x)
    except Exception:
        return  # SVC(probability=False) and friends
    classes = getattr(estimator, "classes_", None)
    _put(found, "train.log_loss", metrics.log_loss, y, proba, labels=classes, sample_weight=weight)
    if getattr(proba, "ndim", 0) == 2 and proba.shape[1] == 2:
        _put(found, "train.roc_auc", metrics.roc_auc_score, y, proba[:, 1], sample_weight=weight)
    elif getattr(proba, "ndim", 0) == 2:
        _put(found, "train.roc_auc", metrics.roc_auc_score, y, proba, multi_class="ovr",
             labels=classes, sample_weight=weight)


def _put(found: dict[str, float], key: str, metric: Any, *args: Any, **kwargs: Any) -> None:
    try:
        _store(found, key, metric(*args, **kwargs))
    except Exception:
        pass  # this metric does not apply to these labels


def _store(found: dict[str, float], key: str, value: Any) -> None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return
    found[key] = number


@dataclass
class Candidate:
    """One candidate of a hyper-parameter search: a child run."""

    index: int
    params: dict[str, Any]
    metrics: dict[str, float] = field(default_factory=dict)
    fit_time_s: float | None = None


@dataclass
class SearchResult:
    """What a fitted ``GridSearchCV``/``RandomizedSearchCV`` tells beyond its params."""

    best_params: dict[str, Any]
    best_score: float | None
    candidates: list[Candidate]
    n_candidates: int


def is_search(estimator: Any) -> bool:
    """Whether ``estimator`` is a fitted hyper-parameter search (``cv_results_``)."""
    try:
        return isinstance(getattr(estimator, "cv_results_", None), Mapping)
    except Exception:
        return False


def search_result(estimator: Any, max_candidates: int) -> SearchResult:
    """Return the best params and score and the best-ranked candidates (at most
    ``max_candidates``), in their search order."""
    results = estimator.cv_results_
    raw_params = list(results.get("params") or [])
    count = len(raw_params)
    rank_key = next((k for k in ("rank_test_score",) if k in results), None)
    if rank_key is None:
        rank_key = next((k for k in results if str(k).startswith("rank_test_")), None)
    order = list(range(count))
    if rank_key is not None:
        ranks = list(results[rank_key])
        order.sort(key=lambda i: (ranks[i], i))
    kept = sorted(order[: max(0, max_candidates)])
    # Per-split scores stay out: mean, std and rank say it per candidate.
    numeric = [k for k in results if str(k).startswith(("mean_", "std_", "rank_"))]
    candidates = []
    for i in kept:
        metrics: dict[str, float] = {}
        for key in numeric:
            try:
                value = float(results[key][i])
            except (TypeError, ValueError, IndexError):
                continue
            if not math.isnan(value):
                metrics[str(key)] = value
        fit_time = metrics.get("mean_fit_time")
        candidates.append(Candidate(i, flat_params(raw_params[i]), metrics, fit_time))
    best_params = getattr(estimator, "best_params_", None)
    best_score = getattr(estimator, "best_score_", None)
    try:
        score = None if best_score is None else float(best_score)
    except (TypeError, ValueError):
        score = None
    return SearchResult(
        flat_params(best_params) if isinstance(best_params, Mapping) else {},
        score, candidates, count,
    )


def final_model(estimator: Any) -> Any:
    """Return the model worth keeping of a fit: a search's refitted best estimator."""
    if is_search(estimator):
        return getattr(estimator, "best_estimator_", None)
    return estimator
