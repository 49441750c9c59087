"""The run diff compares evaluation reports of the same name, class by class."""

from __future__ import annotations

import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

import mm_jupyter as mm
from mm_jupyter.services.runs.session import get_session


@pytest.fixture
def two_runs(registry_dir, tmp_path, monkeypatch):
    """``shallow`` and ``deep`` evaluated on the same rows; only ``deep`` has ``train``."""
    monkeypatch.chdir(tmp_path)
    get_session().reset_registry()
    X, y = load_iris(return_X_y=True, as_frame=True)
    y = y.map({0: "setosa", 1: "versicolor", 2: "virginica"})
    X_train, y_train, X_test, y_test = X[::2], y[::2], X[1::2], y[1::2]
    evaluations = {}
    for name, model in (("shallow", DecisionTreeClassifier(max_depth=1, random_state=0)),
                        ("deep", LogisticRegression(max_iter=300))):
        model.fit(X_train, y_train)
        with mm.track(name):
            evaluations[name] = mm.evaluate(model, X_test, y_test)
            if name == "deep":
                mm.evaluate(model, X_train, y_train, name="train")
    yield evaluations
    get_session().reset_registry()
    get_session().active.clear()


def test_reports_of_the_same_name_are_compared_metric_by_metric_and_class_by_class(two_runs):
    a, b = two_runs["shallow"], two_runs["deep"]
    diff = mm.diff("shallow", "deep").to_dict()
    test, train = diff["reports"]
    assert (test["name"], test["status"]) == ("test", "both")
    assert test["artifact"] == {"a": "shallow-test-report:v1", "b": "deep-test-report:v1"}
    accuracy = next(m for m in test["metrics"] if m["key"] == "accuracy")
    assert accuracy["a"] == pytest.approx(a.metrics["accuracy"])
    assert accuracy["delta"] == pytest.approx(b.metrics["accuracy"] - a.metrics["accuracy"])
    assert all("." not in m["key"] for m in test["metrics"])  # per-class: in classes
    rows = {r["class"]: r for r in test["classes"]}
    assert set(rows) == {"setosa", "versicolor", "virginica"}
    f1 = rows["virginica"]["f1"]
    assert f1["a"] == pytest.approx(a.metrics["f1.virginica"])
    assert f1["delta"] == pytest.approx(b.metrics["f1.virginica"] - a.metrics["f1.virginica"])
    assert rows["setosa"]["support"] == {"a": 25, "b": 25, "delta": 0.0}
    assert (train["name"], train["status"]) == ("train", "added")
    assert train["artifact"] == {"a": None, "b": "deep-train-report:v1"}
    back = mm.diff("deep", "shallow").to_dict()["reports"]
    assert [r["status"] for r in back] == ["both", "removed"]


def test_the_diff_presenters_show_the_reports(two_runs):
    shown = mm.diff("shallow", "deep")
    text = repr(shown)
    section = text[text.index("\nreports"):]
    assert "~ test (multiclass)  shallow-test-report:v1 -> deep-test-report:v1" in section
    assert "    accuracy: " in section and "class virginica: f1 " in section
    assert "+ train (multiclass), only in B" in section
    page = shown._repr_html_()
    assert "<h4>Reports</h4>" in page and "virginica · f1" in page


def test_against_the_notebook_on_disk_there_are_no_reports(two_runs, tmp_path):
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    assert mm.diff("deep", notebook_path=str(notebook)).to_dict()["reports"] is None
