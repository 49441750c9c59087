"""From a model and its data to what a report needs: the task, classes, predictions, scores.

Nothing here writes to the user's model or data: the model is only asked to
``predict`` (and ``predict_proba`` or ``decision_function`` when it has them), and the
inputs are read through ``numpy.asarray``, which copies or views but never changes them.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

TASKS = ("binary", "multiclass", "regression")
MAX_NAME = 100  # characters of a class or feature name kept in metric keys and tables


@dataclass
class Prepared:
    """A model's predictions on ``X`` next to the truth, ready for metrics.

    For classification ``classes`` are the raw class values in report order and
    ``names`` their display names; ``scores`` are per-class columns aligned with
    ``classes`` (``None`` where the model gives none for that class), from
    ``predict_proba`` (``score_kind == "proba"``) or ``decision_function``.
    """

    task: str
    y_true: np.ndarray[Any, Any]
    y_pred: np.ndarray[Any, Any]
    n_rows: int
    features: list[str]
    model_name: str
    classes: list[Any] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    labels_given: bool = False
    scores: list[np.ndarray[Any, Any] | None] = field(default_factory=list)
    score_kind: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def positive(self) -> int:
        """Index of the positive class of a binary task: the last one (sklearn's
        ``classes_[1]``, or the last of ``labels=``)."""
        return len(self.classes) - 1


def n_samples(data: Any) -> int:
    """Return the number of rows of ``X`` or ``y`` (arrays, frames, sparse, lists)."""
    shape = getattr(data, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    try:
        return len(data)
    except TypeError:
        raise TypeError(f"cannot count the rows of a {type(data).__name__}") from None


def as_vector(values: Any, what: str) -> np.ndarray[Any, Any]:
    """Return ``values`` (a Series, array, list, one-column frame) as a 1-d array."""
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{what} must be one value per row (1-d); got shape {array.shape}:"
            " multi-output and multi-label models are not supported by mm.evaluate"
        )
    return array


def clean_name(value: Any) -> str:
    """Return ``value`` as a short printable name (a class label or a feature)."""
    text = str(value.item() if isinstance(value, np.generic) else value)
    text = "".join(c if c.isprintable() else "?" for c in text).strip() or "?"
    return text if len(text) <= MAX_NAME else text[: MAX_NAME - 1] + "…"


def unique_names(values: Sequence[Any]) -> list[str]:
    """Return display names of ``values``, made unique (``1`` and ``"1"`` differ)."""
    names = [clean_name(v) for v in values]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            names[i] = f"{name} ({type(values[i]).__name__})"
        seen[names[i]] = i
    return names


def feature_names(model: Any, X: Any) -> list[str]:
    """Return the column names of ``X`` (a frame's, the model's, else ``x0``...)."""
    columns = getattr(X, "columns", None)
    if columns is not None:
        return [clean_name(c) for c in columns]
    known = getattr(model, "feature_names_in_", None)
    shape = getattr(X, "shape", None)
    width = int(shape[1]) if shape is not None and len(shape) == 2 else None
    if known is not None and (width is None or len(known) == width):
        return [clean_name(c) for c in known]
    return [f"x{i}" for i in range(width or 0)]


def model_name(model: Any) -> str:
    """Return a short description: the class, or a pipeline's steps."""
    steps = getattr(model, "steps", None)
    if isinstance(steps, list) and steps and all(isinstance(s, tuple) for s in steps):
        inner = " → ".join(type(s[-1]).__name__ for s in steps)
        text = f"{type(model).__name__}({inner})"
    else:
        text = type(model).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def _sklearn_kind(model: Any) -> str | None:
    try:
        from sklearn.base import is_classifier, is_regressor

        if is_classifier(model):
            return "classifier"
        if is_regressor(model):
            return "regressor"
    except Exception:  # not a scikit-learn estimator: its tags are unknown
        pass
    if getattr(model, "_estimator_type", None) in ("classifier", "regressor"):
        return str(model._estimator_type)
    return None


def infer_task(model: Any, y_true: np.ndarray[Any, Any], y_pred: np.ndarray[Any, Any],
               task: str | None) -> str:
    """Return ``binary``, ``multiclass`` or ``regression``.

    An explicit ``task`` wins (``classification`` picks binary or multiclass by the
    number of classes). Otherwise the model says what it is (scikit-learn's tags, a
    ``classes_`` attribute); a model that does not is judged by its predictions.
    """
    if task is not None and task not in (*TASKS, "classification"):
        raise ValueError(f"task must be one of {', '.join(TASKS)} (or 'classification'), not {task!r}")
    if task in TASKS:
        return task
    kind = _sklearn_kind(model)
    if task is None and kind == "regressor":
        return "regression"
    if task is None and kind is None and getattr(model, "classes_", None) is None:
        from sklearn.utils.multiclass import type_of_target

        if type_of_target(y_pred) == "continuous" or type_of_target(y_true) == "continuous":
            return "regression"
    classes = getattr(model, "classes_", None)
    count = len(classes) if classes is not None else len(_union(y_true, y_pred))
    return "binary" if count <= 2 else "multiclass"


def _union(y_true: np.ndarray[Any, Any], y_pred: np.ndarray[Any, Any]) -> list[Any]:
    try:
        return list(np.unique(np.concatenate([y_true, y_pred])))
    except TypeError:  # mixed types cannot be sorted: keep first-seen order
        return list(dict.fromkeys([*y_true.tolist(), *y_pred.tolist()]))


def resolve_classes(model: Any, y_true: np.ndarray[Any, Any], y_pred: np.ndarray[Any, Any],
                    labels: Sequence[Any] | Mapping[Any, Any] | None) -> tuple[list[Any], list[str]]:
    """Return the classes in report order and their display names.

    ``labels`` as a sequence picks and orders the classes; as a mapping its keys are
    the classes and its values their display names. Without it: the model's
    ``classes_`` (so the positive class is sklearn's ``classes_[1]``), then any
    class seen in ``y`` or the predictions that the model does not know.
    """
    if isinstance(labels, Mapping):
        classes = list(labels)
        names = unique_names([labels[c] for c in classes])
    elif labels is not None:
        if isinstance(labels, str | bytes):
            raise TypeError("labels must be a list of classes (or a mapping class -> name), not a string")
        classes = list(labels)
        names = unique_names(classes)
    else:
        known = getattr(model, "classes_", None)
        classes = list(known) if known is not None else []
        seen = set(_hashable(classes))
        classes += [c for c in _union(y_true, y_pred) if _hashable([c])[0] not in seen]
        names = unique_names(classes)
    if not classes:
        raise ValueError("labels must name at least one class")
    if len(set(_hashable(classes))) != len(classes):
        raise ValueError("labels must not repeat a class")
    return classes, names


def check_known_classes(model: Any, y_true: np.ndarray[Any, Any]) -> None:
    """Raise ``ValueError`` when no value of ``y`` is a class the model knows.

    That is almost always an encoding mismatch (``"1"`` against ``1``, names against
    codes), and a report of it would be all zeros.
    """
    known = getattr(model, "classes_", None)
    if known is None or len(known) == 0:
        return
    seen = set(_hashable(list(dict.fromkeys(y_true.tolist()))[:1000]))
    if not seen & set(_hashable(list(known))):
        shown = ", ".join(repr(v) for v in list(seen)[:5])
        raise ValueError(
            f"none of y's values ({shown}) is a class of the model ({list(known)[:5]!r}):"
            " are the labels encoded differently? (labels= maps classes to names)"
        )


def _hashable(values: Sequence[Any]) -> list[Any]:
    return [v.item() if isinstance(v, np.generic) else v for v in values]


def _scores(method: Any, X: Any, notes: list[str]) -> np.ndarray[Any, Any] | None:
    try:
        with warnings.catch_warnings():
            # predict() already showed the user any warning about X (feature names...)
            warnings.simplefilter("ignore")
            return np.asarray(method(X))
    except Exception as exc:  # the report goes on without curves, and says why
        notes.append(f"{getattr(method, '__name__', 'scores')} failed ({type(exc).__name__}: {exc})")
        return None


def class_scores(model: Any, X: Any, prepared: Prepared) -> None:
    """Fill ``prepared.scores`` (one column per class, aligned) and ``score_kind``.

    ``predict_proba`` is preferred; a model without it (an SVM without
    ``probability=True``, a linear SVM) gives ``decision_function`` scores, which
    rank but are no probabilities: ROC and PR curves, no log-loss or calibration.
    """
    notes = prepared.notes
    proba = _scores(model.predict_proba, X, notes) if hasattr(model, "predict_proba") else None
    kind = "proba"
    if proba is None and hasattr(model, "decision_function"):
        proba, kind = _scores(model.decision_function, X, notes), "decision"
    if proba is None:
        prepared.notes.append(
            "ROC, precision-recall and calibration curves skipped: the model has neither"
            " predict_proba nor decision_function"
        )
        return
    known = getattr(model, "classes_", None)
    columns = list(known) if known is not None else list(prepared.classes)
    if proba.ndim == 1 and len(columns) == 2:  # binary decision_function: score of classes_[1]
        proba = np.column_stack([-proba, proba])
    if proba.ndim != 2 or proba.shape[1] != len(columns):
        prepared.notes.append(
            f"curves skipped: the model's scores have shape {proba.shape}, not one column"
            f" per class ({len(columns)})"
        )
        return
    if proba.dtype.kind not in "biuf" or not np.isfinite(proba).all():
        prepared.notes.append("curves skipped: the model's scores are not all finite numbers")
        return
    index = {c: i for c, i in zip(_hashable(columns), range(len(columns)), strict=True)}
    prepared.scores = [
        None if (i := index.get(c)) is None else proba[:, i]
        for c in _hashable(prepared.classes)
    ]
    prepared.score_kind = kind


def prepare(model: Any, X: Any, y: Any, *, task: str | None,
            labels: Sequence[Any] | Mapping[Any, Any] | None) -> Prepared:
    """Predict ``X`` with ``model`` and line everything up against ``y``.

    Raises ``ValueError``/``TypeError`` naming the problem when ``X`` and ``y``
    disagree in length, ``y`` is not one value per row, or the task is unknown.
    """
    if not hasattr(model, "predict"):
        raise TypeError(f"model must have a predict method; a {type(model).__name__} has none")
    y_true = as_vector(y, "y")
    rows = n_samples(X)
    if rows != len(y_true):
        raise ValueError(f"X has {rows} rows but y has {len(y_true)}")
    if rows == 0:
        raise ValueError("X and y are empty: nothing to evaluate")
    y_pred = as_vector(model.predict(X), "the model's predictions")
    if len(y_pred) != rows:
        raise ValueError(f"the model predicted {len(y_pred)} values for {rows} rows")
    resolved = infer_task(model, y_true, y_pred, task)
    prepared = Prepared(task=resolved, y_true=y_true, y_pred=y_pred, n_rows=rows,
                        features=feature_names(model, X), model_name=model_name(model))
    if resolved == "regression":
        for values, what in ((y_true, "y"), (y_pred, "the model's predictions")):
            if values.dtype.kind not in "biuf":
                raise ValueError(f"a regression report needs numbers, but {what} holds {values.dtype}")
        if labels is not None:
            prepared.notes.append("labels= ignored: the task is regression")
        return prepared
    if labels is None:
        check_known_classes(model, y_true)
    prepared.classes, prepared.names = resolve_classes(model, y_true, y_pred, labels)
    prepared.labels_given = labels is not None
    if resolved == "binary" and len(prepared.classes) != 2:
        raise ValueError(
            f"a binary report needs exactly 2 classes, found {len(prepared.classes)}:"
            " pass labels=[negative, positive] or task='multiclass'"
        )
    class_scores(model, X, prepared)
    return prepared
