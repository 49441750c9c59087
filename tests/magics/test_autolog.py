"""Framework autologging in tracked cells, with real scikit-learn in a real IPython shell.

A tracked cell's fits record params (source ``autolog``), fit time, training metrics
and the model; the fit itself returns and raises exactly what it does untracked, and
outside tracked cells nothing is patched.
"""

from __future__ import annotations

import re
import traceback

import pytest

import mm_jupyter as mm
from mm_jupyter.errors import NotFoundError, RegistryWarning
from mm_jupyter.services.runs.autolog import wait_for_writes
from mm_jupyter.store.details import run_detail

SETUP = (
    "import numpy as np\n"
    "from sklearn.datasets import load_iris\n"
    "from sklearn.linear_model import LogisticRegression, LinearRegression, SGDClassifier\n"
    "from sklearn.tree import DecisionTreeClassifier\n"
    "from sklearn.pipeline import make_pipeline\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "from sklearn.model_selection import GridSearchCV, cross_val_score\n"
    "from sklearn.metrics import accuracy_score, mean_squared_error\n"
    "from sklearn import metrics\n"
    "X, y = load_iris(return_X_y=True)\n"
)


@pytest.fixture
def sk(ip):
    """The shell with scikit-learn and the iris data imported (an untracked cell)."""
    result = ip.run_cell(SETUP)
    assert result.success
    return ip


def detail(ref):
    wait_for_writes()  # the model artifact is stored in the background
    return run_detail(mm.get_registry(), ref)


def artifact(ref):
    wait_for_writes()
    return mm.get_artifact(ref)


def run(ip, body, name="cell"):
    result = ip.run_cell(f"%%mm_track --name {name}\n{body}", store_history=True)
    return result


def series(ref, key):
    return [point["value"] for point in detail(ref)["metrics"].get(key, [])]


def test_a_decision_tree_fit_records_its_params_fit_time_training_metrics_and_model(sk):
    run(sk, "clf = DecisionTreeClassifier(max_depth=2).fit(X, y)", "tree")
    found = detail("tree")
    assert found["run"]["params"]["max_depth"] == 2
    assert found["param_sources"]["max_depth"] == "autolog"
    assert found["run"]["params"]["criterion"] == "gini"
    metrics = found["run"]["metrics"]
    assert metrics["fit_time_s"] > 0
    assert 0.9 < metrics["train.accuracy"] <= 1.0
    for key in ("train.precision", "train.recall", "train.f1", "train.log_loss", "train.roc_auc"):
        assert key in metrics, key
    [model] = found["artifacts"]["outputs"]
    assert (model["ref"], model["kind"]) == ("tree-model:v1", "model")
    version = artifact("tree-model:v1")
    assert version.metadata["autolog"] is True
    assert version.metadata["class"].endswith("DecisionTreeClassifier")
    assert version.metadata["config"]["max_depth"] == 2


def test_a_regressor_records_regression_metrics(sk):
    run(sk, "reg = LinearRegression().fit(X[:, :3], X[:, 3])", "reg")
    metrics = detail("reg")["run"]["metrics"]
    assert set(metrics) >= {"train.mae", "train.mse", "train.rmse", "train.r2"}
    assert metrics["train.rmse"] == pytest.approx(metrics["train.mse"] ** 0.5)
    assert "train.accuracy" not in metrics


def test_a_cell_ending_with_a_scoring_call_records_it_and_shows_the_same_result(sk):
    sk.run_cell("clf = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)\npred = clf.predict(X)")
    plain = sk.run_cell("accuracy_score(y, pred)", store_history=True)
    tracked = run(sk, "accuracy_score(y, pred)", "scored")
    assert tracked.result == plain.result
    assert detail("scored")["run"]["metrics"]["accuracy_score"] == pytest.approx(plain.result)
    run(sk, "clf.score(X, y)", "method")
    assert detail("method")["run"]["metrics"]["score"] == pytest.approx(plain.result)
    run(sk, "metrics.mean_squared_error(y, pred)", "dotted")
    assert "mean_squared_error" in detail("dotted")["run"]["metrics"]


def test_only_scikit_learn_scoring_functions_are_recorded(sk):
    sk.run_cell("def my_score(a):\n    return 0.5\npred = y")
    run(sk, "my_score(y)", "own")  # named like a score, but not one of sklearn's
    assert "my_score" not in detail("own")["run"]["metrics"]
    run(sk, "accuracy_score(y, pred);", "quiet")  # nothing displayed: nothing recorded
    assert "accuracy_score" not in detail("quiet")["run"]["metrics"]


def test_a_pipeline_is_logged_once_with_its_steps_params(sk):
    run(sk, "pipe = make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=500))\n"
            "pipe.fit(X, y)", "pipe")
    found = detail("pipe")
    params = found["run"]["params"]
    assert params["logisticregression__C"] == 0.5
    assert params["standardscaler__with_mean"] is True
    # the steps are shown as class name + the params they were given
    assert "LogisticRegression(C=0.5, max_iter=500)" in params["steps"]
    assert len(series("pipe", "fit_time_s")) == 1  # the steps' fits are not logged apart
    assert artifact("pipe-model").metadata["class"].endswith("Pipeline")


def test_fits_made_by_scikit_learn_itself_are_not_logged(sk):
    run(sk, "scores = cross_val_score(LogisticRegression(max_iter=500), X, y, cv=3)", "cv")
    found = detail("cv")
    assert "fit_time_s" not in found["run"]["metrics"]
    assert not [p for p, s in found["param_sources"].items() if s == "autolog"]


def test_a_forest_fitting_its_trees_in_threads_is_one_fit(sk):
    sk.run_cell("from sklearn.ensemble import RandomForestClassifier")
    run(sk, "forest = RandomForestClassifier(n_estimators=8, n_jobs=2, random_state=0).fit(X, y)",
        "forest")
    assert len(series("forest", "fit_time_s")) == 1
    assert detail("forest")["run"]["params"]["n_estimators"] == 8


def test_a_search_records_best_params_and_one_child_run_per_candidate(sk):
    run(sk, "search = GridSearchCV(LogisticRegression(max_iter=500), {'C': [0.01, 0.1, 1.0]},"
            " cv=3).fit(X, y)", "search")
    found = detail("search")
    best_c = sk.user_ns["search"].best_params_["C"]
    assert found["run"]["params"]["best.C"] == best_c
    assert found["run"]["metrics"]["best_score"] == pytest.approx(sk.user_ns["search"].best_score_)
    children = [
        r for r in mm.list_runs(limit=50, include_children=True) if r.name.startswith("search/")
    ]
    assert len(children) == 3
    # the list leaves them out by default; their parent counts them
    assert not [r for r in mm.list_runs(limit=50) if r.name.startswith("search/")]
    assert mm.get_run("search").n_children == 3
    parent_id = found["run"]["id"]
    registry = mm.get_registry()
    with registry.read() as conn:
        parents = {row[0] for row in conn.execute(
            "SELECT parent_run_id FROM runs WHERE name LIKE 'search/%'")}
    assert parents == {parent_id}
    by_c = {r.params["C"]: r for r in children}
    assert set(by_c) == {0.01, 0.1, 1.0}
    assert all("mean_test_score" in r.metrics and r.status == "finished" for r in children)
    # the refitted best estimator is the run's model
    assert artifact("search-model").metadata["class"].endswith("LogisticRegression")


def test_child_runs_are_bounded_by_the_best_ranked(sk):
    sk.run_line_magic("config", "MMMagics.autolog_max_child_runs = 2")
    try:
        with pytest.warns(RegistryWarning, match="autolog_max_child_runs"):
            run(sk, "search = GridSearchCV(DecisionTreeClassifier(random_state=0),"
                    " {'max_depth': [1, 2, 3, 4]}, cv=3).fit(X, y)", "bounded")
    finally:
        sk.run_line_magic("config", "MMMagics.autolog_max_child_runs = 100")
    children = [
        r for r in mm.list_runs(limit=50, include_children=True)
        if r.name.startswith("bounded/")
    ]
    assert len(children) == 2
    assert {r.metrics["rank_test_score"] for r in children} <= {1.0, 2.0}


def test_partial_fit_calls_are_each_logged_and_the_model_is_the_final_state(sk):
    run(sk, "sgd = SGDClassifier(random_state=0)\n"
            "for epoch in range(3):\n"
            "    sgd.partial_fit(X, y, classes=np.unique(y))", "epochs")
    assert len(series("epochs", "fit_time_s")) == 3
    assert "train.accuracy" not in detail("epochs")["run"]["metrics"]
    assert len(artifact("epochs-model").metadata) > 0


def test_an_identical_refit_adds_no_model_version(sk):
    body = "clf = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)"
    run(sk, body, "same")
    run(sk, body, "same")
    version = artifact("same-model")
    assert version.version == 1


def test_a_fit_that_raises_raises_the_same_exception_with_the_same_traceback(sk, capsys):
    sk.run_cell("bad = X.copy(); bad[0, 0] = np.nan")
    sk.run_line_magic("xmode", "Plain")
    try:
        capsys.readouterr()
        plain = sk.run_cell("LogisticRegression().fit(bad, y)", store_history=True)
        shown_plain = capsys.readouterr().out
        tracked = run(sk, "LogisticRegression().fit(bad, y)", "fails")
        shown_tracked = capsys.readouterr().out
    finally:
        sk.run_line_magic("xmode", "Context")
    a, b = plain.error_in_exec, tracked.error_in_exec
    assert type(a) is type(b) and str(a) == str(b)
    frames = [(f.name, f.lineno, f.line) for f in traceback.extract_tb(a.__traceback__)]
    assert [(f.name, f.lineno, f.line) for f in traceback.extract_tb(b.__traceback__)] == frames
    assert not [f for f in traceback.extract_tb(b.__traceback__) if "mm_jupyter" in f.filename]
    cell = re.compile(r"In\[\d+\]|/tmp/ipykernel_\d+/\d+\.py|<ipython-input-\d+-\w+>")
    assert cell.sub("<cell>", shown_tracked) == cell.sub("<cell>", shown_plain)
    assert detail("fails")["run"]["status"] == "failed"
    assert "fit_time_s" not in detail("fails")["run"]["metrics"]


def test_fit_returns_what_it_returns_and_keeps_its_signature(sk):
    sk.run_cell(
        "from sklearn.base import BaseEstimator, ClassifierMixin\n"
        "class Odd(ClassifierMixin, BaseEstimator):\n"
        "    def __init__(self, blob=None):\n"
        "        self.blob = blob\n"
        "    def fit(self, X, y=None, *, sample_weight=None):\n"
        "        self.fitted_ = True\n"
        "        return 'not self'\n"
        "    def get_params(self, deep=True):\n"
        "        raise RuntimeError('hostile get_params')\n"
        "import inspect\n"
        "from sklearn.utils.validation import has_fit_parameter\n"
    )
    result = run(sk, "Odd().fit(X, y)", "odd")
    assert result.result == "not self"
    run(sk, "signature = str(inspect.signature(Odd().fit))\n"
            "has_weight = has_fit_parameter(LogisticRegression(), 'sample_weight')\n"
            "lr_signature = str(inspect.signature(LogisticRegression().fit))", "signature")
    assert sk.user_ns["signature"] == "(X, y=None, *, sample_weight=None)"
    assert sk.user_ns["has_weight"] is True
    assert sk.user_ns["lr_signature"].startswith("(X, y, sample_weight=None")


def test_outside_tracked_cells_nothing_is_patched_and_nothing_is_recorded(sk):
    from sklearn.linear_model import LogisticRegression

    original = LogisticRegression.__dict__["fit"]
    run(sk, "kind = type(LogisticRegression.__dict__['fit']).__name__\n"
            "LogisticRegression(max_iter=500).fit(X, y)", "inside")
    assert sk.user_ns["kind"] == "_Method"  # patched while the tracked cell ran
    assert LogisticRegression.__dict__["fit"] is original
    before = len(mm.list_runs(limit=500))
    sk.run_cell("kind = type(LogisticRegression.__dict__['fit']).__name__\n"
                "LogisticRegression(max_iter=500).fit(X, y)")
    assert sk.user_ns["kind"] == "function"
    assert len(mm.list_runs(limit=500)) == before


def test_autolog_off_records_no_fit(sk):
    sk.run_line_magic("config", "MMMagics.autolog = False")
    try:
        run(sk, "kind = type(DecisionTreeClassifier.__dict__['fit']).__name__\n"
                "DecisionTreeClassifier(max_depth=3).fit(X, y)\n"
                "accuracy_score(y, y)", "off")
    finally:
        sk.run_line_magic("config", "MMMagics.autolog = True")
    found = detail("off")
    assert sk.user_ns["kind"] == "function"
    assert "max_depth" not in found["run"]["params"]
    assert found["run"]["metrics"] == {}
    assert found["artifacts"]["outputs"] == []


def test_mm_autolog_turns_a_framework_off(sk):
    assert mm.autolog(sklearn=False)["sklearn"] is False
    try:
        run(sk, "DecisionTreeClassifier(max_depth=3).fit(X, y)", "no-sklearn")
    finally:
        assert mm.autolog(sklearn=True)["sklearn"] is True
    assert "max_depth" not in detail("no-sklearn")["run"]["params"]
    with pytest.raises(TypeError):
        mm.autolog(sklearn="yes")


def test_an_explicit_param_is_not_replaced(sk):
    run(sk, "DecisionTreeClassifier(max_depth=3).fit(X, y)", "explicit --param max_depth=7")
    found = detail("explicit")
    assert found["run"]["params"]["max_depth"] == 7
    assert found["param_sources"]["max_depth"] == "explicit"


def test_the_register_button_offers_an_unnamed_fitted_model(sk):
    run(sk, "DecisionTreeClassifier(max_depth=2).fit(X, y)", "unnamed")
    tracked = sk.magics_manager.registry["MMMagics"].tracked_cells
    assert list(tracked.last_models) == ["DecisionTreeClassifier"]


def test_register_model_takes_the_runs_autologged_model(sk):
    run(sk, "DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)", "gbm")
    version = mm.register_model(name="iris-tree", run="gbm")
    assert version.ref == "iris-tree:1"
    assert version.run["name"] == "gbm"
    assert version.config["max_depth"] == 2
    assert version.metrics["train.accuracy"] > 0.9
    loaded = mm.load_model("iris-tree")
    assert loaded.predict(sk.user_ns["X"][:3]).tolist() == [0, 0, 0]
    with pytest.raises(TypeError):
        mm.register_model(name="nothing")
    run(sk, "x = 1", "nofit")
    with pytest.raises(NotFoundError, match="no autologged model"):
        mm.register_model(name="none", run="nofit")



BOOST_SETUP = (
    "from sklearn.datasets import load_breast_cancer\n"
    "Xb, yb = load_breast_cancer(return_X_y=True)\n"
    "Xt, Xv, yt, yv = Xb[:400], Xb[400:], yb[:400], yb[400:]\n"
)


def test_xgboost_train_records_eval_series_best_iteration_importance_and_booster(sk):
    pytest.importorskip("xgboost")
    sk.run_cell(BOOST_SETUP + "import xgboost as xgb\n"
                "dtrain, dvalid = xgb.DMatrix(Xt, label=yt), xgb.DMatrix(Xv, label=yv)")
    run(sk, "booster = xgb.train({'objective': 'binary:logistic', 'eval_metric': 'logloss',"
            " 'max_depth': 3}, dtrain, num_boost_round=200, evals=[(dtrain, 'train'),"
            " (dvalid, 'valid')], early_stopping_rounds=5, verbose_eval=False)", "xgb")
    booster = sk.user_ns["booster"]
    found = detail("xgb")
    assert found["run"]["params"]["max_depth"] == 3
    assert found["run"]["params"]["num_boost_round"] == 200
    assert found["param_sources"]["objective"] == "autolog"
    assert len(series("xgb", "valid.logloss")) == booster.num_boosted_rounds()
    assert len(series("xgb", "train.logloss")) == booster.num_boosted_rounds()
    assert found["run"]["metrics"]["best_iteration"] == booster.best_iteration
    model = artifact("xgb-model")
    assert model.metadata["class"] == "xgboost.core.Booster"
    assert model.metadata["feature_importance"]["type"] == "gain"
    assert model.metadata["feature_importance"]["values"]


def test_xgboost_sklearn_api_is_logged_once_with_its_eval_series(sk):
    pytest.importorskip("xgboost")
    sk.run_cell(BOOST_SETUP + "from xgboost import XGBClassifier")
    run(sk, "clf = XGBClassifier(n_estimators=20, max_depth=2)\n"
            "clf.fit(Xt, yt, eval_set=[(Xv, yv)], verbose=False)", "xgbsk")
    found = detail("xgbsk")
    assert found["run"]["params"]["n_estimators"] == 20
    assert len(series("xgbsk", "fit_time_s")) == 1
    assert len(series("xgbsk", "validation_0.logloss")) == 20
    assert "train.roc_auc" in found["run"]["metrics"]
    assert artifact("xgbsk-model").metadata["class"].endswith("XGBClassifier")


def test_lightgbm_train_and_sklearn_api(sk):
    pytest.importorskip("lightgbm")
    sk.run_cell(BOOST_SETUP + "import lightgbm as lgb\n"
                "dtrain = lgb.Dataset(Xt, label=yt)\n"
                "dvalid = lgb.Dataset(Xv, label=yv, reference=dtrain)\n"
                "mine = []")
    run(sk, "booster = lgb.train({'objective': 'binary', 'num_leaves': 7, 'verbose': -1}, dtrain,"
            " num_boost_round=50, valid_sets=[dvalid], valid_names=['valid'],"
            " callbacks=mine + [lgb.early_stopping(5, verbose=False)])", "lgb")
    booster = sk.user_ns["booster"]
    found = detail("lgb")
    assert found["run"]["params"]["num_leaves"] == 7
    assert found["run"]["params"]["num_boost_round"] == 50
    assert len(series("lgb", "valid.binary_logloss")) >= booster.best_iteration
    assert found["run"]["metrics"]["best_iteration"] == booster.best_iteration
    assert sk.user_ns["mine"] == []  # the user's callback list is not changed
    model = artifact("lgb-model")
    assert model.metadata["class"] == "lightgbm.basic.Booster"
    assert model.metadata["feature_importance"]["values"]

    run(sk, "clf = lgb.LGBMClassifier(n_estimators=10, verbose=-1)\n"
            "clf.fit(Xt, yt, eval_X=(Xv,), eval_y=(yv,))", "lgbsk")
    found = detail("lgbsk")
    assert found["run"]["params"]["n_estimators"] == 10
    assert len(series("lgbsk", "fit_time_s")) == 1
    assert len(series("lgbsk", "valid_0.binary_logloss")) == 10
    assert artifact("lgbsk-model").metadata["class"].endswith("LGBMClassifier")


def test_a_booster_that_fails_to_train_raises_as_untracked(sk):
    pytest.importorskip("xgboost")
    sk.run_cell(BOOST_SETUP + "import xgboost as xgb\ndtrain = xgb.DMatrix(Xt, label=yt)")
    body = "xgb.train({'objective': 'no:such'}, dtrain, 3)"
    plain = sk.run_cell(body, store_history=True)
    tracked = run(sk, body, "xgbfail")
    a, b = plain.error_in_exec, tracked.error_in_exec
    assert type(a) is type(b)
    assert ([(f.name, f.line) for f in traceback.extract_tb(a.__traceback__)]
            == [(f.name, f.line) for f in traceback.extract_tb(b.__traceback__)])


def test_an_estimator_class_defined_during_the_cell_is_logged(sk):
    sk.run_cell("import sys\nfor name in [m for m in sys.modules if m.startswith('sklearn.neighbors')]:\n"
                "    del sys.modules[name]")  # imported afresh by the tracked cell
    run(sk, "from sklearn.neighbors import KNeighborsClassifier\n"
            "from sklearn.base import BaseEstimator, ClassifierMixin\n"
            "class Majority(ClassifierMixin, BaseEstimator):\n"
            "    def __init__(self, k=3):\n"
            "        self.k = k\n"
            "    def fit(self, X, y):\n"
            "        self.classes_ = np.unique(y)\n"
            "        return self\n"
            "    def predict(self, X):\n"
            "        return np.full(len(X), self.classes_[0])\n"
            "mine = Majority(k=5).fit(X, y)\n"
            "knn = KNeighborsClassifier(n_neighbors=4).fit(X, y)", "defined")
    found = detail("defined")
    assert found["run"]["params"]["n_neighbors"] == 4
    assert found["run"]["params"]["k"] == 5
    assert len(series("defined", "fit_time_s")) == 2
    from sklearn.base import BaseEstimator

    assert "__init_subclass__" not in vars(BaseEstimator)  # the hook left with the cell
    bad = sk.run_cell("class Bad(BaseEstimator, unexpected=1):\n    pass")
    tracked = run(sk, "class Bad(BaseEstimator, unexpected=1):\n    pass", "bad-class")
    a, b = bad.error_in_exec, tracked.error_in_exec
    assert type(a) is type(b) and str(a) == str(b)
    assert ([f.name for f in traceback.extract_tb(a.__traceback__)]
            == [f.name for f in traceback.extract_tb(b.__traceback__)])


def test_fits_from_the_users_threads_are_logged_and_a_fit_inside_our_recording_is_not(sk):
    sk.run_cell(
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from sklearn.base import BaseEstimator, ClassifierMixin\n"
        "class Lazy(ClassifierMixin, BaseEstimator):\n"
        "    def fit(self, X, y):\n"
        "        self.X_, self.y_ = X, y\n"
        "        return self\n"
        "    def predict(self, X):  # fits on first use: called by our train.* metrics\n"
        "        self.inner_ = DecisionTreeClassifier(max_depth=1).fit(self.X_, self.y_)\n"
        "        return self.inner_.predict(X)\n"
    )
    run(sk, "with ThreadPoolExecutor(2) as pool:\n"
            "    models = list(pool.map(lambda d: DecisionTreeClassifier(max_depth=d).fit(X, y),"
            " [1, 2, 3, 4]))\n"
            "lazy = Lazy().fit(X, y)", "threads")
    assert len(series("threads", "fit_time_s")) == 5  # four trees and Lazy, not its inner tree
    assert "max_depth" in detail("threads")["run"]["params"]
    assert detail("threads")["run"]["metrics"]["train.accuracy"] > 0.5


FIRST_IMPORT = '''
import sys
from IPython.testing.globalipapp import get_ipython

ip = get_ipython()
ip.run_line_magic("load_ext", "mm_jupyter")
ip.run_line_magic("config", "MMMagics.show_summary = False")
assert "sklearn" not in sys.modules, "the shell imported scikit-learn already"
result = ip.run_cell(
    "%%mm_track --name first\\n"
    "from sklearn.tree import DecisionTreeClassifier\\n"
    "clf = DecisionTreeClassifier(max_depth=2).fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])\\n"
    "clf.get_depth()")
assert result.success and result.result == 1, result
import mm_jupyter as mm
from mm_jupyter.capture.autolog.imports import ImportWatch
run = mm.get_run("first")
print(run.params.get("max_depth"), sorted(k for k in run.metrics if k.startswith("train.")))
print(any(isinstance(f, ImportWatch) for f in sys.meta_path))
'''


def test_a_framework_the_cell_imports_for_the_first_time_is_logged(tmp_path):
    # A fresh process: the first tracked cell imports scikit-learn and fits
    import os
    import subprocess
    import sys

    env = {**os.environ, "MM_JUPYTER_HOME": str(tmp_path / "registry")}
    done = subprocess.run([sys.executable, "-c", FIRST_IMPORT], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    params, still_watching = done.stdout.splitlines()[-2:]  # after the cell's Out[]
    assert params.startswith("2 ['train.accuracy'")
    assert still_watching == "False"  # the import watch left with the cell
