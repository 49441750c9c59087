"""Evaluation reports over REST: ``reports`` in ``runs/{id}`` and ``runs/{id}/reports/{name}``.

Reports are made by ``mm.evaluate`` with real scikit-learn models in the server's
registry (as a kernel next to the server would); every reply validates against
``mm_jupyter/schemas/``.
"""

from __future__ import annotations

from urllib.parse import quote

import numpy as np
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from server_helpers import API, sha256, strict_loads
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression

from mm_jupyter import schemas

BASE = "https://mm-jupyter.invalid/schemas/v1/"
SCHEMAS = Registry().with_resources(
    (schemas.load(n)["$id"], Resource.from_contents(schemas.load(n))) for n in schemas.NAMES
)


def assert_valid(name: str, payload: object) -> None:
    check = Draft202012Validator({"$ref": f"{BASE}{name}.json"}, registry=SCHEMAS)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in check.iter_errors(payload)]
    assert not errors, "\n".join(errors[:10])


@pytest.fixture
def evaluated(mm):
    """Runs with reports: ``gbm`` (binary ``test`` and multiclass ``iris ✓``), ``lin``
    (regression), and ``manual`` (an HTML report logged by hand, not an evaluation)."""
    X, y = load_iris(return_X_y=True, as_frame=True)
    names = y.map({0: "setosa", 1: "versicolor", 2: '<b onmouseover="x">virginica</b>'})
    binary = (y == 2).astype(int)
    with mm.track("gbm") as gbm:
        mm.evaluate(LogisticRegression(max_iter=300).fit(X, binary), X, binary)
        mm.evaluate(LogisticRegression(max_iter=300).fit(X, names), X, names, name="iris ✓")
    Xd, yd = load_diabetes(return_X_y=True)
    with mm.track("lin") as lin:
        mm.evaluate(LinearRegression().fit(Xd, yd), Xd, yd, importance=True)
    with mm.track("manual") as manual:
        mm.log_artifact("<h1>hand-made</h1>", name="manual-report", kind="report", format="text")
    return {"gbm": gbm.id, "lin": lin.id, "manual": manual.id}


async def get_json(jp_fetch, *path: str) -> object:
    response = await jp_fetch(*API, *path)
    assert response.code == 200
    return strict_loads(response.body)


async def test_run_detail_lists_the_reports_by_name(jp_fetch, evaluated):
    detail = await get_json(jp_fetch, "runs", evaluated["gbm"])
    assert_valid("run_detail", detail)
    assert [(r["name"], r["task"], r["artifact"]) for r in detail["reports"]] == [
        ("iris ✓", "multiclass", "gbm-iris ✓-report:v1"),
        ("test", "binary", "gbm-test-report:v1"),
    ]
    test = detail["reports"][1]["metrics"]
    assert 0.9 < test["accuracy"] <= 1 and "f1.1" in test and "roc_auc" in test
    # the metrics are the run's, logged under the report's name
    assert detail["run"]["metrics"]["test.accuracy"] == test["accuracy"]
    manual = await get_json(jp_fetch, "runs", evaluated["manual"])
    assert manual["reports"] == []  # a report logged by hand is an artifact, not an evaluation


@pytest.mark.parametrize(("run", "name", "task"), [
    ("gbm", "test", "binary"), ("gbm", "iris ✓", "multiclass"), ("lin", "test", "regression"),
])
async def test_each_report_matches_the_schema_and_its_figures_download(
    jp_fetch, raw_fetch, evaluated, run, name, task
):
    report = await get_json(jp_fetch, "runs", evaluated[run], "reports", name)
    assert_valid("report", report)
    assert report["task"] == task and report["name"] == name
    assert report["run_id"] == evaluated[run]
    assert report["figures"]
    for figure in report["figures"]:
        response = await raw_fetch(f"mm-jupyter/api/blobs/{figure['digest']}")
        assert response.code == 200
        assert response.headers["Content-Type"] == "image/png"
        assert sha256(response.body) == figure["digest"]
    if task == "regression":
        assert report["importance"]["permutation"]["features"]
        assert "confusion_matrix" not in report
    else:
        matrix = np.array(report["confusion_matrix"]["counts"])
        assert matrix.sum() == report["rows"] == 150


async def test_names_travel_as_text(jp_fetch, evaluated):
    report = await get_json(jp_fetch, "runs", evaluated["gbm"], "reports", "iris ✓")
    hostile = '<b onmouseover="x">virginica</b>'
    assert hostile in report["classes"]  # stored as given; the views render it as text
    assert hostile in report["confusion_matrix"]["labels"]


@pytest.mark.parametrize("path", [
    "runs/{gbm}/reports/nope",
    "runs/{gbm}/reports/report.json",
    "runs/{gbm}/reports/..%2F..%2Fregistry.db",
    "runs/{gbm}/reports/" + "x" * 101,
    "runs/{manual}/reports/manual-report",
    "runs/{prefix}/reports/test",  # ids are exact: no prefix matching in a URL
    "runs/0123456789ab/reports/test",
])
async def test_unknown_reports_are_404_and_no_path_reaches_the_disk(
    raw_fetch, evaluated, registry_dir, path
):
    url = path.format(prefix=evaluated["gbm"][:6], **evaluated)
    response = await raw_fetch(f"mm-jupyter/api/{url}")
    assert response.code == 404
    body = strict_loads(response.body)
    assert set(body) == {"message", "reason"}
    assert str(registry_dir) not in body["message"]


async def test_a_name_with_a_slash_is_one_encoded_segment_or_the_rest_of_the_path(
    raw_fetch, mm
):
    from sklearn.dummy import DummyClassifier

    X, y = [[0], [1]], [0, 1]
    with mm.track("slash") as run:
        mm.evaluate(DummyClassifier().fit(X, y), X, y, name="hold/out")
    for name in (quote("hold/out", safe=""), "hold/out"):
        response = await raw_fetch(f"mm-jupyter/api/runs/{run.id}/reports/{name}")
        assert response.code == 200, name
        assert strict_loads(response.body)["name"] == "hold/out"


async def test_the_report_route_needs_the_token(raw_fetch, evaluated):
    response = await raw_fetch(
        f"mm-jupyter/api/runs/{evaluated['gbm']}/reports/test", headers={"Authorization": ""}
    )
    assert response.code == 403


async def test_the_run_diff_carries_the_report_deltas(jp_fetch, evaluated):
    response = await jp_fetch(*API, "diff", params={"a": evaluated["gbm"], "b": evaluated["lin"]})
    diff = strict_loads(response.body)
    assert_valid("diff", diff)
    by_name = {r["name"]: r for r in diff["reports"]}
    assert by_name["iris ✓"]["status"] == "removed"
    test = by_name["test"]
    assert test["status"] == "both"
    assert test["task"] == {"a": "binary", "b": "regression"}
    # metrics of one task only have a null side and no delta
    assert {m["key"]: m["b"] for m in test["metrics"]}["accuracy"] is None
    assert {r["class"] for r in test["classes"]} == {"0", "1"}
