"""``mm.evaluate`` with real scikit-learn models: metrics, report, artifact and lineage.

Every metric is checked against scikit-learn's own function on the same predictions,
so the report's shortcuts (one confusion matrix, areas from the curves) cannot drift.
"""

from __future__ import annotations

import json
import math
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.datasets import load_diabetes, load_iris, make_classification
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

import mm_jupyter as mm
from mm_jupyter.services.evaluation.storage import load_report, run_reports
from mm_jupyter.services.runs import queries
from mm_jupyter.services.runs.session import get_session

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def reg(registry_dir, tmp_path, monkeypatch):
    """A fresh registry used by the API."""
    monkeypatch.chdir(tmp_path)
    get_session().reset_registry()
    yield mm.get_registry()
    get_session().reset_registry()
    get_session().active.clear()


@pytest.fixture(scope="module")
def binary():
    X, y = make_classification(600, 6, random_state=0)
    X_train, X_test, y_train, y_test = X[:400], X[400:], y[:400], y[400:]
    return LogisticRegression().fit(X_train, y_train), X_test, y_test


@pytest.fixture(scope="module")
def iris():
    data = load_iris(as_frame=True)
    X = data.data
    y = data.target.map(dict(enumerate(data.target_names)))  # string labels
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=200)).fit(X[::2], y[::2])
    return model, X[1::2], y[1::2]


def reports_of(reg, run_id):
    return run_reports(reg, queries.run_detail(reg, run_id)["artifacts"]["outputs"])


def test_binary_metrics_match_sklearn_and_are_logged_under_the_name(reg, binary):
    model, X, y = binary
    with mm.track("gbm") as run:
        ev = mm.evaluate(model, X, y)
    pred, proba = model.predict(X), model.predict_proba(X)[:, 1]
    assert ev.task == "binary"
    expected = {
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred),
        "recall": skm.recall_score(y, pred),
        "f1": skm.f1_score(y, pred),
        "f1_macro": skm.f1_score(y, pred, average="macro"),
        "f1_weighted": skm.f1_score(y, pred, average="weighted"),
        "precision_macro": skm.precision_score(y, pred, average="macro"),
        "recall_weighted": skm.recall_score(y, pred, average="weighted"),
        "roc_auc": skm.roc_auc_score(y, proba),
        "average_precision": skm.average_precision_score(y, proba),
        "log_loss": skm.log_loss(y, model.predict_proba(X)),
        "brier_score": skm.brier_score_loss(y, proba),
        "f1.0": skm.f1_score(y, pred, pos_label=0),
        "recall.1": skm.recall_score(y, pred),
    }
    for key, value in expected.items():
        assert ev.metrics[key] == pytest.approx(value, abs=1e-9), key
    logged = mm.get_run(run.id).metrics
    assert {f"test.{k}" for k in ev.metrics} <= set(logged)
    assert logged["test.accuracy"] == pytest.approx(expected["accuracy"])
    assert ev.confusion_matrix["counts"] == skm.confusion_matrix(y, pred).tolist()


def test_the_report_is_an_artifact_of_kind_report_produced_by_the_run(reg, binary):
    model, X, y = binary
    with mm.track("gbm") as run:
        ev = mm.evaluate(model, X, y)
    assert ev.recorded and ev.artifact == "gbm-test-report:v1"
    version = mm.get_artifact("gbm-test-report:v1")
    assert version.kind == "report" and version.format == "directory"
    assert version.run_id == run.id
    assert version.metadata["evaluation"]["name"] == "test"
    graph = mm.lineage("gbm")
    assert {"source": f"run:{run.id}", "target": "version:gbm-test-report:v1", "kind": "output"} in [
        {k: e[k] for k in ("source", "target", "kind")} for e in graph.edges
    ]
    # The stored folder: the JSON and one PNG per figure, each listed with its digest
    folder = mm.use_artifact("gbm-test-report:v1")
    stored = json.loads((folder / "report.json").read_text())
    assert stored["format"] == "mm-jupyter.evaluation/1"
    assert {f["name"] for f in stored["figures"]} == {
        "confusion_matrix", "roc", "precision_recall", "calibration"
    }
    for figure in stored["figures"]:
        png = (folder / figure["file"]).read_bytes()
        assert png.startswith(PNG) and png == ev.figures[figure["name"]]
    assert stored["metrics"] == pytest.approx(ev.metrics)
    # What runs/{id} and `runs show --json` list
    assert reports_of(reg, run.id) == [
        {"name": "test", "task": "binary", "metrics": stored["metrics"], "artifact": "gbm-test-report:v1"}
    ]
    loaded = load_report(reg, run.id, "test")
    assert loaded["artifact"] == "gbm-test-report:v1" and loaded["run_id"] == run.id
    assert loaded["curves"]["roc"][0]["auc"] == pytest.approx(ev.metrics["roc_auc"])


def test_multiclass_with_string_labels_from_pandas(reg, iris):
    model, X, y = iris
    with mm.track("iris") as run:
        ev = mm.evaluate(model, X, y, name="holdout")
    pred, proba = model.predict(X), model.predict_proba(X)
    assert ev.task == "multiclass"
    assert ev.report["classes"] == ["setosa", "versicolor", "virginica"]
    assert ev.metrics["f1_macro"] == pytest.approx(skm.f1_score(y, pred, average="macro"))
    assert ev.metrics["roc_auc"] == pytest.approx(skm.roc_auc_score(y, proba, multi_class="ovr"))
    assert ev.metrics["log_loss"] == pytest.approx(skm.log_loss(y, proba))
    per_class = skm.f1_score(y, pred, average=None, labels=model.classes_)
    for label, value in zip(model.classes_, per_class, strict=True):
        assert ev.metrics[f"f1.{label}"] == pytest.approx(value)
    logged = mm.get_run(run.id).metrics
    assert "holdout.f1.virginica" in logged and "holdout.precision.setosa" in logged
    assert len(ev.report["curves"]["roc"]) == 3  # one-vs-rest
    assert ev.report["confusion_matrix"]["labels"] == ["setosa", "versicolor", "virginica"]
    assert ev.report["n_features"] == 4
    assert ev.artifact == "iris-holdout-report:v1"


def test_regression_from_numpy(reg):
    X, y = load_diabetes(return_X_y=True)
    model = LinearRegression().fit(X[:300], y[:300])
    with mm.track("lin"):
        ev = mm.evaluate(model, X[300:], y[300:])
    pred = model.predict(X[300:])
    assert ev.task == "regression"
    assert ev.metrics["mae"] == pytest.approx(skm.mean_absolute_error(y[300:], pred))
    assert ev.metrics["rmse"] == pytest.approx(math.sqrt(skm.mean_squared_error(y[300:], pred)))
    assert ev.metrics["r2"] == pytest.approx(skm.r2_score(y[300:], pred))
    assert ev.metrics["max_error"] == pytest.approx(skm.max_error(y[300:], pred))
    assert ev.metrics["mape"] == pytest.approx(skm.mean_absolute_percentage_error(y[300:], pred))
    assert ev.confusion_matrix is None
    assert set(ev.figures) == {"predicted_vs_actual", "residuals", "residual_histogram"}
    assert len(ev.report["regression"]["points"]["actual"]) == len(pred)
    assert sum(ev.report["regression"]["residual_histogram"]["counts"]) == len(pred)


def test_a_model_without_predict_proba_gets_curves_from_decision_function(reg, binary):
    _, X, y = binary
    model = LinearSVC().fit(X, y)
    assert not hasattr(model, "predict_proba")
    ev = mm.evaluate(model, X, y)
    assert ev.metrics["roc_auc"] == pytest.approx(skm.roc_auc_score(y, model.decision_function(X)))
    assert "log_loss" not in ev.metrics and "brier_score" not in ev.metrics
    assert ev.report["curves"]["calibration"] == []
    assert "calibration" not in ev.figures and "roc" in ev.figures
    assert any("decision_function" in note for note in ev.report["notes"])


class PredictOnly:
    """A model with nothing but predict (a rule, a wrapped service)."""

    def predict(self, X):
        return (np.asarray(X)[:, 0] > 0).astype(int)


def test_a_model_with_predict_only_gets_a_report_without_curves(reg, binary):
    _, X, y = binary
    ev = mm.evaluate(PredictOnly(), X, y)
    assert ev.task == "binary"
    assert ev.metrics["accuracy"] == pytest.approx(skm.accuracy_score(y, PredictOnly().predict(X)))
    assert "roc_auc" not in ev.metrics
    assert set(ev.figures) == {"confusion_matrix"}
    assert any("neither predict_proba nor decision_function" in n for n in ev.report["notes"])


def test_labels_pick_the_order_and_the_positive_class(reg, binary):
    model, X, y = binary
    pred, proba = model.predict(X), model.predict_proba(X)
    ev = mm.evaluate(model, X, y, labels=[1, 0])  # 0 is now the positive class
    assert ev.report["classes"] == ["1", "0"] and ev.report["positive_class"] == "0"
    assert ev.metrics["f1"] == pytest.approx(skm.f1_score(y, pred, pos_label=0))
    assert ev.metrics["roc_auc"] == pytest.approx(skm.roc_auc_score(y == 0, proba[:, 0]))
    assert ev.confusion_matrix["counts"] == skm.confusion_matrix(y, pred, labels=[1, 0]).tolist()
    named = mm.evaluate(model, X, y, labels={0: "stay", 1: "churn"})
    assert named.report["classes"] == ["stay", "churn"]
    assert named.metrics["f1.churn"] == pytest.approx(skm.f1_score(y, pred))
    assert named.metrics["f1"] == pytest.approx(skm.f1_score(y, pred))


def test_explicit_task_and_bad_inputs(reg, binary):
    model, X, y = binary
    assert mm.evaluate(model, X, y, task="multiclass").task == "multiclass"
    with pytest.raises(ValueError, match="X has 200 rows but y has 199"):
        mm.evaluate(model, X, y[:-1])
    with pytest.raises(ValueError, match="task must be one of"):
        mm.evaluate(model, X, y, task="ranking")
    with pytest.raises(ValueError, match="exactly 2 classes"):
        mm.evaluate(model, X, y, task="binary", labels=[0, 1, 2])
    with pytest.raises(ValueError, match="name must"):
        mm.evaluate(model, X, y, name=" test")
    with pytest.raises(TypeError, match="predict"):
        mm.evaluate(object(), X, y)


def test_outside_a_run_nothing_is_recorded_and_the_evaluation_says_so(reg, binary):
    model, X, y = binary
    ev = mm.evaluate(model, X, y)
    assert not ev.recorded and ev.artifact is None
    assert "no run is active" in ev.note and "no run is active" in repr(ev)
    assert mm.list_artifacts() == [] and mm.list_runs() == []
    assert ev.metrics["accuracy"] > 0.5


def test_the_model_and_the_data_are_never_modified(reg, iris):
    model, X, y = iris
    X_before, y_before, model_before = X.copy(), y.copy(), pickle.dumps(model)
    with mm.track("iris"):
        ev = mm.evaluate(model, X, y, importance=True)
    pd.testing.assert_frame_equal(X, X_before)
    pd.testing.assert_series_equal(y, y_before)
    assert pickle.dumps(model) == model_before
    perm = ev.report["importance"]["permutation"]
    assert perm["rows"] == len(y) and 1 <= perm["repeats"] <= 5
    assert {f["feature"] for f in perm["features"]} == set(X.columns)
    assert "importance" in ev.figures


@pytest.mark.skipif(
    __import__("importlib").util.find_spec("shap") is not None, reason="shap is installed here"
)
def test_without_shap_the_report_says_so(reg, binary):
    model, X, y = binary
    ev = mm.evaluate(model, X, y, importance=True)
    assert ev.report["importance"]["shap"] is None
    assert any("shap package is not installed" in n for n in ev.report["notes"])
    default = mm.evaluate(model, X, y)
    assert default.report["importance"] is None
    assert any("importance=True" in n and "shap" in n for n in default.report["notes"])


def test_an_identical_report_of_another_run_is_the_same_version(reg, binary):
    model, X, y = binary
    with mm.track("gbm") as first:
        a = mm.evaluate(model, X, y)
    with mm.track("gbm") as second:
        b = mm.evaluate(model, X, y)
    assert a.artifact == b.artifact == "gbm-test-report:v1"
    assert reports_of(reg, first.id) == reports_of(reg, second.id)
    assert load_report(reg, second.id, "test")["run_id"] == second.id


def test_the_html_escapes_class_names(reg, binary):
    model, X, y = binary
    hostile = '<img src=x onerror="alert(1)">'
    ev = mm.evaluate(model, X, y, labels={0: hostile, 1: "ok"})
    page = ev._repr_html_()
    assert hostile not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert page.count("data:image/png;base64,") == 3  # ROC, PR, calibration
    assert "<script" not in page


def test_in_a_tracked_cell_the_evaluation_is_the_result_and_pyplot_is_untouched(ip, binary):
    import matplotlib.pyplot as plt

    model, X, y = binary
    ip.user_ns.update(model=model, X=X, y=y, mm=mm)
    figures_before = plt.get_fignums()
    result = ip.run_cell("%%mm_track --name gbm\nmm.evaluate(model, X, y)", store_history=True)
    assert result.error_in_exec is None
    ev = result.result
    assert type(ev).__name__ == "Evaluation" and ev.artifact == "gbm-test-report:v1"
    assert plt.get_fignums() == figures_before
    run = mm.get_run("gbm")
    assert run.n_figures == 0  # our figures are the report's, not captured as the user's
    assert run.metrics["test.accuracy"] == pytest.approx(ev.metrics["accuracy"])


class NanScores(PredictOnly):
    """A classifier whose probabilities are broken on one row."""

    classes_ = np.array([0, 1])

    def predict_proba(self, X):
        proba = np.full((len(X), 2), 0.5)
        proba[0] = np.nan
        return proba


def test_odd_inputs_degrade_to_notes_or_say_what_is_wrong(reg, binary):
    model, X, y = binary
    broken = mm.evaluate(NanScores(), X, y)
    assert "roc_auc" not in broken.metrics and "accuracy" in broken.metrics
    assert any("not all finite" in n for n in broken.report["notes"])
    with pytest.raises(ValueError, match="encoded differently"):
        mm.evaluate(model, X, np.where(y == 1, "yes", "no"))
    one_class = mm.evaluate(model, X[y == 1], y[y == 1])
    assert "roc_auc" not in one_class.metrics
    assert any("both outcomes" in n for n in one_class.report["notes"])


def test_sparse_inputs_and_their_importance(reg, binary):
    from scipy import sparse

    _, X, y = binary
    Xs = sparse.csr_matrix(X)
    model = LogisticRegression().fit(Xs, y)
    ev = mm.evaluate(model, Xs, y, importance=True)
    assert ev.metrics["accuracy"] == pytest.approx(skm.accuracy_score(y, model.predict(Xs)))
    assert len(ev.report["importance"]["permutation"]["features"]) == X.shape[1]
