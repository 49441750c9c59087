"""A cell that ends with a call to a scoring function records its result as a metric.

``accuracy_score(y, pred)`` as a cell's last expression is metric ``accuracy_score``;
``clf.score(X, y)`` is metric ``score``. The call is recognised in the source (a
name or attribute chain, nothing evaluated) before the cell runs; after it, the
callee is looked up in the namespace to check it is one of scikit-learn's metrics
(``*_score``, ``*_error``, ``*_loss``) or an estimator's ``score``. The result is
the value IPython displayed; nothing is called again.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

from mm_jupyter.capture.autolog.values import is_estimator

SUFFIXES = ("_score", "_error", "_loss")
METRICS_MODULE = "sklearn.metrics"


def scoring_call(source: str) -> list[str] | None:
    """Return the callee's dotted path (``["metrics", "accuracy_score"]``) when the
    last statement of ``source`` calls a function named like a score; never raises."""
    # Most cells name no score at all: skip parsing them.
    if "score" not in source and "_error" not in source and "_loss" not in source:
        return None
    try:
        tree = ast.parse(source)
    except Exception:
        return None
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return None
    call = tree.body[-1].value
    if not isinstance(call, ast.Call):
        return None
    path: list[str] = []
    node: ast.expr = call.func
    while isinstance(node, ast.Attribute):
        path.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None  # clf_factory().score(...): the callee is not a plain name
    path.insert(0, node.id)
    name = path[-1]
    if name == "score" and len(path) > 1:
        return path
    return path if name.endswith(SUFFIXES) else None


def metric_name(path: list[str], namespace: Mapping[str, Any]) -> str | None:
    """Return the metric name for the callee at ``path`` if it really scores."""
    try:
        obj: Any = namespace[path[0]]
        for attribute in path[1:-1]:
            obj = getattr(obj, attribute)
        if path[-1] == "score":
            return "score" if is_estimator(obj) else None
        function = getattr(obj, path[-1]) if len(path) > 1 else obj
        module = str(getattr(function, "__module__", "") or "")
    except Exception:
        return None
    if module == METRICS_MODULE or module.startswith(METRICS_MODULE + "."):
        return path[-1]
    return None


def scored_metric(path: list[str], value: Any, namespace: Mapping[str, Any]) -> dict[str, float]:
    """``{metric name: value}`` for the value a scoring call ``path`` returned (what
    IPython displayed), or ``{}`` when it names no metric or is not a number."""
    from mm_jupyter.capture.params import as_metric_value

    name = None if value is None else metric_name(path, namespace)
    number = None if name is None else as_metric_value(value)
    return {} if name is None or number is None else {name: number}
