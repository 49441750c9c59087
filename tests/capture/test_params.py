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
        ("cfg = {'a': [1, 2]}", {}),  # dict literals are data, not params
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


# -- deep expressions (issue 10, item 2) ----------------------------------------


@pytest.mark.parametrize("terms", [500, 900])
def test_a_deep_expression_is_analysed_without_recursion(terms):
    # Given `x = 1+1+...` nested `terms` deep (the untracked cell runs fine)
    source = "x = " + "+".join(["1"] * terms) + "\ny = x + z"
    # When the cell is planned
    plan = plan_cell(source)
    # Then reads and assignments are found, with no error
    assert plan.error is None
    assert plan.reads == ["z"] and plan.assigned == ["x", "y"]


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "(" * 150 + "1" + ")" * 150,  # parentheses make no nodes
        "x = " + "[" * 150 + "]" * 150,  # a deep literal is not evaluated
        "x = " + "-" * 900 + "1",
        "x = " + "+".join(["1"] * 100_000),  # too deep to parse at all
    ],
    ids=["parens", "nested-list", "unary", "unparseable"],
)
def test_deep_nesting_never_raises(source):
    plan = plan_cell(source)
    assert plan.literals.get("x", 1) == 1


def test_a_failing_analysis_is_an_empty_plan_with_the_reason(monkeypatch):
    import mm_jupyter.capture.params as params

    def broken(tree):
        raise RuntimeError("boom")

    monkeypatch.setattr(params, "_scan_reads", broken)
    plan = plan_cell("lr = 0.1")
    assert plan.literals == {} and plan.reads == [] and plan.error == "RuntimeError: boom"


def test_a_tracked_deep_expression_runs_as_untracked(ip):
    import mm_jupyter as mm

    result = ip.run_cell("%%mm_track --name deep\nx = " + "+".join(["1"] * 700))
    assert result.error_in_exec is None and ip.user_ns["x"] == 700
    assert mm.get_run("deep").status == "finished"


# -- which literals are params (issue 10, item 21) --------------------------------


@pytest.mark.parametrize(
    ("source", "literals"),
    [
        ("train_errors = []\nfor e in range(3):\n    train_errors.append(e)", {}),
        ("theta_path = []", {}),
        ("history = [0]\nhistory += [1]", {}),
        ("seen = [1]\nseen[0] = 2", {}),
        ("epoch = 0\nwhile epoch < 3:\n    epoch += 1", {}),
        ("best = 1.0\nfor v in vals:\n    best = min(best, v)", {}),
        ("lr = 0.1\nlr = 0.2", {"lr": 0.2}),
        ("lr = 0.1\nmodel = fit(lr)", {"lr": 0.1}),
        ("layers = [64, 32]\nact = ('relu', 'tanh')", {"layers": [64, 32], "act": ("relu", "tanh")}),
        ("rows = [{'a': 1, 'b': 2}, {'a': 3, 'b': 4}]", {}),
        ("population_dict = {'Tokyo': 37, 'Delhi': 29}", {}),
        ("s = {1, 2}", {}),
        ("x = list(range(20))\ny = [" + ", ".join(["1"] * 11) + "]", {}),
        ("nested = [[1, 2], [3, 4]]", {}),
        ("text = '" + "a" * 201 + "'", {}),
        ("short = '" + "a" * 200 + "'", {"short": "a" * 200}),
        ("raw = b'abc'\nz = 1j", {}),
    ],
)
def test_only_config_like_literals_are_params(source, literals):
    assert plan_cell(source).literals == literals


def test_literal_limits_are_keyword_arguments():
    source = "xs = [1, 2, 3, 4]\nname = 'abcdef'"
    assert plan_cell(source, max_items=3, max_str=5).literals == {}
    assert plan_cell(source, max_items=4, max_str=6).literals == {
        "xs": [1, 2, 3, 4], "name": "abcdef"
    }


def test_a_tracked_accumulator_is_not_a_param(ip, registry_dir):
    import mm_jupyter as mm

    result = ip.run_cell(
        "%%mm_track --name acc\nlr = 0.1\ntrain_errors = []\n"
        "for i in range(3):\n    train_errors.append(lr * i)\n"
    )
    assert result.error_in_exec is None
    assert mm.get_run("acc").params == {"lr": 0.1}
