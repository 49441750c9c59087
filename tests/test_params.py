"""Params and metric names found in a cell's code."""

from __future__ import annotations

import pytest

from mm_jupyter.capture.params import (
    MetricMatcher,
    as_metric_value,
    namespace_params,
    plan_cell,
)


@pytest.mark.parametrize(
    ("source", "literals"),
    [
        ("lr = 0.1; depth = 5", {"lr": 0.1, "depth": 5}),
        ("lr, depth = 0.1, 5", {"lr": 0.1, "depth": 5}),
        ("[a, b] = (1, 'x')", {"a": 1, "b": "x"}),
        ("cfg = {'a': [1, 2]}", {"cfg": {"a": [1, 2]}}),
        ("n: int = 3", {"n": 3}),
        ("a = b = 2", {"a": 2, "b": 2}),
        ("x = f(1)", {}),
        ("x = -1e-3", {"x": -0.001}),
        ("a, b = 1, 2, 3", {}),
        ("obj.attr = 1\nd['k'] = 2", {}),
        ("if True:\n    nested = 1", {}),
        ("def f():\n    inner = 1", {}),
        ("this is not python", {}),
    ],
)
def test_literal_top_level_assignments(source, literals):
    assert plan_cell(source).literals == literals


def test_reads_are_names_used_before_the_cell_binds_them():
    plan = plan_cell(
        "import numpy as np\n"
        "y = x + 1\n"
        "x = 2\n"
        "def f(q, *a, z=w, **kw):\n    return q + k\n"
        "g = lambda t: t + u\n"
        "[i * m for i in range(n) if i > c]\n"
        "total += step\n"
        "print(len(y), np.pi)"
    )
    assert plan.reads == ["x", "w", "k", "u", "n", "c", "m", "step", "total"]


def test_namespace_params_keep_scalars_only():
    plan = plan_cell("model = train(lr, name, data, _private, flag, nothing, huge)")
    namespace = {
        "lr": 0.1, "name": "gbm", "data": [1, 2], "_private": 1, "flag": True,
        "nothing": None, "huge": "x" * 5000, "train": print,
    }
    assert namespace_params(plan, namespace) == {
        "lr": 0.1, "name": "gbm", "flag": True, "nothing": None
    }


@pytest.mark.parametrize(
    ("name", "is_metric"),
    [("acc", True), ("val_loss", True), ("f1_score", True), ("test_acc2", True),
     ("roc_auc", True), ("lr", False), ("depth", False), ("mapping", False),
     ("accumulate", False), ("score", True)],
)
def test_metric_like_names(name, is_metric):
    assert MetricMatcher()(name) is is_metric


def test_metric_values_are_real_scalars():
    np = pytest.importorskip("numpy")
    assert as_metric_value(0.5) == 0.5
    assert as_metric_value(np.float32(0.25)) == 0.25
    assert as_metric_value(np.array(3.0)) == 3.0
    assert as_metric_value(True) is None
    assert as_metric_value("0.5") is None
    assert as_metric_value(np.array([1.0, 2.0])) is None
