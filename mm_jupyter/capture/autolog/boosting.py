"""What XGBoost and LightGBM models tell beyond their params, in one shape.

Both libraries record evaluation results as ``{set: {metric: [value per iteration]}}``
and rank features by importance; ``BoosterInfo`` carries those for the recorder.
"""

from __future__ import annotations

import inspect
import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from mm_jupyter.capture.autolog.patching import Patch

MAX_FEATURES = 200  # importances kept per model (the largest)
_TRAIN_PATCHES: dict[tuple[str, int], Patch] = {}


def patch_train(framework: str,
                  collect: Callable[[ModuleType, dict[str, Any]], dict[str, Any]]) -> list[Patch]:
    """Return the patch of ``<framework>.train`` if the framework is imported (one per module).

    ``collect(module, arguments)`` adds what the call needs to report its evaluation
    results (``preparer``).
    """
    module = sys.modules.get(framework)
    train = getattr(module, "train", None)
    if module is None or not callable(train):
        return []
    patch = _TRAIN_PATCHES.get((framework, id(module)))
    if patch is None:
        original = getattr(train, "__wrapped__", train)
        patch = _TRAIN_PATCHES[(framework, id(module))] = Patch(
            module, "train", framework,
            prepare=preparer(original, lambda arguments: collect(module, arguments)),
        )
    return [patch]


@dataclass
class BoosterInfo:
    """Per-iteration evaluation series, early stopping and feature importance."""

    series: dict[str, list[float]] = field(default_factory=dict)  # "valid_0.auc" -> values
    best_iteration: int | None = None
    best_score: float | None = None
    importance: dict[str, float] = field(default_factory=dict)
    importance_type: str | None = None


def eval_series(results: Any) -> dict[str, list[float]]:
    """Return ``{"set.metric": [values]}`` from an evals-result mapping."""
    found: dict[str, list[float]] = {}
    if not isinstance(results, Mapping):
        return found
    for set_name, metrics in results.items():
        if not isinstance(metrics, Mapping):
            continue
        for metric, values in metrics.items():
            try:
                numbers = [float(v) for v in values]
            except (TypeError, ValueError):
                continue  # (mean, std) pairs of cv(): not a series of one value
            found[f"{set_name}.{metric}"] = numbers
    return found


def top_importance(names: Any, values: Any) -> dict[str, float]:
    """Return the ``MAX_FEATURES`` largest importances by feature name."""
    try:
        pairs = [(str(n), float(v)) for n, v in zip(names, values, strict=False)]
    except (TypeError, ValueError):
        return {}
    pairs = [p for p in pairs if math.isfinite(p[1])]
    pairs.sort(key=lambda p: -p[1])
    return dict(pairs[:MAX_FEATURES])


def finite(value: Any) -> float | None:
    """Return ``value`` as a finite float, else ``None``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def bind(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> inspect.BoundArguments:
    """Bind a call's arguments to ``function``'s signature (``TypeError`` if they do not fit)."""
    return inspect.signature(function).bind(*args, **kwargs)


def preparer(
    function: Any, add: Callable[[dict[str, Any]], dict[str, Any]]
) -> Callable[[tuple[Any, ...], dict[str, Any]], tuple[tuple[Any, ...], dict[str, Any], dict[str, Any]]]:
    """Return a ``prepare`` hook that lets ``add`` change a call's named arguments.

    ``add(arguments)`` edits the bound arguments in place and returns what the
    recorder should see later (``extra``). Arguments that do not bind (the user's
    call is wrong) are left alone: the original raises its own ``TypeError``.
    """

    def prepare(
        args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any], dict[str, Any]]:
        try:
            bound = bind(function, args, kwargs)
        except TypeError:
            return args, kwargs, {}
        extra = add(bound.arguments)
        return tuple(bound.args), dict(bound.kwargs), extra

    return prepare
