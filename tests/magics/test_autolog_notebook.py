"""Autologging through a real kernel (nbclient): scikit-learn, XGBoost and LightGBM fits.

The same notebook runs plain and tracked in two fresh kernels; every cell shows the
same outputs (a fit that raises shows the same traceback), and the tracked run's
registry holds what the fits told. A model autologged in the kernel is then
registered from this process, which never saw the fitted object.
"""

from __future__ import annotations

import json
import os
import re

import nbformat
import pytest
from nbclient import NotebookClient

pytest.importorskip("xgboost")
pytest.importorskip("lightgbm")
pytestmark = pytest.mark.slow

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
CELL_FILE = re.compile(r"\b\d{6,}\.py\b|ipykernel_\d+")
ADDRESS = re.compile(r"0x[0-9a-f]{6,}")

SETUP = """\
import numpy as np
import xgboost as xgb
import lightgbm as lgb
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV
from sklearn.tree import DecisionTreeClassifier
X, y = load_breast_cancer(return_X_y=True)
Xt, Xv, yt, yv = X[:400], X[400:], y[:400], y[400:]
"""

CELLS = [
    ("tree", "clf = DecisionTreeClassifier(max_depth=2, random_state=0).fit(Xt, yt)"),
    ("acc", "pred = clf.predict(Xv)\naccuracy_score(yv, pred)"),
    ("xgb", "booster = xgb.XGBClassifier(n_estimators=15, max_depth=2)\n"
            "booster.fit(Xt, yt, eval_set=[(Xv, yv)], verbose=False)\nbooster.score(Xv, yv)"),
    ("lgb", "train_set = lgb.Dataset(Xt, label=yt)\n"
            "valid_set = lgb.Dataset(Xv, label=yv, reference=train_set)\n"
            "gbm = lgb.train({'objective': 'binary', 'num_leaves': 5, 'verbose': -1}, train_set,"
            " num_boost_round=12, valid_sets=[valid_set], valid_names=['valid'])\n"
            "gbm.num_trees()"),
    ("search", "search = GridSearchCV(DecisionTreeClassifier(random_state=0),"
               " {'max_depth': [1, 2, 3]}, cv=3).fit(Xt, yt)\nsearch.best_params_"),
    ("fails", "bad = Xt.copy()\nbad[0, 0] = np.nan\nLogisticRegression().fit(bad, yt)"),
]


def execute(registry, cwd, *, tracked):
    nb = nbformat.v4.new_notebook()
    first = "%load_ext mm_jupyter\n%config MMMagics.show_summary = False" if tracked else "pass"
    nb.cells = [nbformat.v4.new_code_cell(first), nbformat.v4.new_code_cell(SETUP)] + [
        nbformat.v4.new_code_cell((f"%%mm_track --name {name}\n" if tracked else "") + body)
        for name, body in CELLS
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MM_JUPYTER")}
    client = NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(cwd)}})
    client.execute(env={**env, "MM_JUPYTER_HOME": str(registry)})
    return nb.cells[2:]


def shown(cell):
    out = []
    for o in cell.outputs:
        if o.output_type == "error":
            text = ADDRESS.sub("0x…", ANSI.sub("", "\n".join(o.traceback)))
            out.append(("error", o.ename, CELL_FILE.sub("<cell>", text)))
        elif o.output_type == "stream":
            out.append(("stream", o.name, o.text))
        else:
            out.append((o.output_type, json.dumps(dict(o.get("data", {})), sort_keys=True)))
    return out


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    base = tmp_path_factory.mktemp("autolog-nb")
    (base / "plain").mkdir()
    (base / "tracked").mkdir()
    plain = execute(base / "reg-plain", base / "plain", tracked=False)
    tracked = execute(base / "reg", base / "tracked", tracked=True)
    return plain, tracked, base / "reg"


@pytest.mark.parametrize("index", range(len(CELLS)))
def test_each_cell_shows_what_it_shows_untracked(executed, index):
    plain, tracked, _ = executed
    assert shown(tracked[index]) == shown(plain[index]), CELLS[index][0]


def test_the_kernels_fits_are_in_the_registry(executed, monkeypatch):
    _, tracked, registry_dir = executed
    monkeypatch.setenv("MM_JUPYTER_HOME", str(registry_dir))
    from mm_jupyter.store import open_registry
    from mm_jupyter.store.details import run_detail

    with open_registry(registry_dir) as registry:
        tree = run_detail(registry, "tree")
        assert tree["run"]["params"]["max_depth"] == 2
        assert tree["param_sources"]["max_depth"] == "autolog"
        assert tree["run"]["metrics"]["train.accuracy"] > 0.9
        assert [v["ref"] for v in tree["artifacts"]["outputs"]] == ["tree-model:v1"]
        acc = run_detail(registry, "acc")["run"]["metrics"]["accuracy_score"]
        assert str(acc) == tracked[1].outputs[0]["data"]["text/plain"]
        xgb = run_detail(registry, "xgb")
        assert xgb["run"]["params"]["n_estimators"] == 15
        assert len(xgb["metrics"]["validation_0.logloss"]) == 15
        assert "score" in xgb["run"]["metrics"]
        lgb = run_detail(registry, "lgb")
        assert lgb["run"]["params"]["num_leaves"] == 5
        assert len(lgb["metrics"]["valid.binary_logloss"]) == 12
        assert [v["ref"] for v in lgb["artifacts"]["outputs"]] == ["lgb-model:v1"]
        search = run_detail(registry, "search")
        assert search["run"]["params"]["best.max_depth"] in (1, 2, 3)
        with registry.read() as conn:
            children = conn.execute(
                "SELECT count(*) FROM runs WHERE parent_run_id = ?", (search["run"]["id"],)
            ).fetchone()[0]
        assert children == 3
        fails = run_detail(registry, "fails")
        assert fails["run"]["status"] == "failed"
        assert "ValueError" in fails["error"] and "mm_jupyter" not in fails["error"]


def test_a_model_autologged_in_the_kernel_registers_from_another_process(executed, monkeypatch):
    _, _, registry_dir = executed
    monkeypatch.setenv("MM_JUPYTER_HOME", str(registry_dir))
    import mm_jupyter as mm
    from mm_jupyter.services.runs.session import get_session

    get_session().reset_registry()
    try:
        version = mm.register_model(name="cancer-tree", run="tree", alias="candidate")
        assert version.ref == "cancer-tree:1" and version.run["name"] == "tree"
        assert version.config["max_depth"] == 2
        model = mm.load_model("cancer-tree@candidate")
        assert model.get_depth() <= 2
    finally:
        get_session().reset_registry()
