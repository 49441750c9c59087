"""REST for data passed to fit() and dataset profiles, through a real Jupyter server:
fingerprint-only versions (stored false, no bytes behind GET blobs), the lineage edge's
``via``, profiles in the versions payload, and ``GET artifacts/diff``."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from server_helpers import API, strict_loads
from test_contract import assert_valid
from tornado.httpclient import HTTPClientError

from mm_jupyter.services.runs.fit_inputs import record_fit_inputs


@pytest.fixture
def datasets(mm: Any) -> SimpleNamespace:
    """``customers`` v1 and v2 (logged DataFrames), and run ``train`` that fitted on
    columns of v2 (linked to it) and on an array nobody logged (fingerprint only)."""
    rng = np.random.default_rng(0)
    v1 = pd.DataFrame({"age": rng.integers(18, 90, 50).astype(float),
                       "plan": rng.choice(["basic", "pro"], 50)})
    v2 = v1.assign(age=v1["age"] + 1, score=np.linspace(0, 1, 50))
    made = SimpleNamespace()
    mm.log_artifact(v1, "customers")
    mm.log_artifact(v2, "customers")
    with mm.track("train") as run:
        record_fit_inputs(mm.get_registry(), run.id,
                          {"X": v2[["age", "score"]], "weights": np.arange(50.0)})
    made.run = run.id
    made.weights = mm.get_artifact("weights")
    return made


async def get(jp_fetch, *path, **params):
    response = await jp_fetch(*API, *path, params=params)
    assert response.code == 200
    return strict_loads(response.body)


async def error(jp_fetch, *path, **params):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(*API, *path, params=params)
    body = strict_loads(info.value.response.body)
    assert "Traceback" not in body["message"]
    return info.value.code, body["message"]


async def test_fingerprint_only_versions_and_fit_edges(jp_fetch, datasets):
    detail = await get(jp_fetch, "artifacts", "weights", "versions")
    assert_valid("artifact_versions", detail)
    (version,) = detail["versions"]
    assert version["stored"] is False and version["format"] == "fingerprint"
    assert version["size"] == 0 and version["consumers"][0]["id"] == datasets.run
    assert version["metadata"]["profile"]["rows"] == 50
    code, message = await error(jp_fetch, "blobs", version["digest"])
    assert code == 404 and "fingerprint only: its bytes were not stored" in message
    graph = await get(jp_fetch, "lineage", run=datasets.run)
    assert_valid("lineage", graph)
    inputs = {e["source"]: e["via"] for e in graph["edges"] if e["kind"] == "input"}
    assert inputs == {"version:customers:v2": "fit", "version:weights:v1": "fit"}
    stored = await get(jp_fetch, "artifacts", "customers", "versions")
    assert_valid("artifact_versions", stored)
    assert all(v["stored"] for v in stored["versions"])
    assert [c["name"] for c in stored["versions"][0]["metadata"]["profile"]["columns"]] \
        == ["age", "plan", "score"]


async def test_the_diff_of_two_dataset_versions(jp_fetch, datasets):
    diff = await get(jp_fetch, "artifacts", "diff", a="customers:v1", b="customers:v2")
    assert_valid("artifact_diff", diff)
    assert diff["schema"]["added"] == [{"name": "score", "dtype": "float64"}]
    age = next(c for c in diff["columns"] if c["name"] == "age")
    assert age["stats"]["mean"]["delta"] == pytest.approx(1.0)
    # a fingerprint-only version compares like any other (its metadata is all it needs)
    other = await get(jp_fetch, "artifacts", "diff", a="customers:v2", b="weights:v1")
    assert_valid("artifact_diff", other)
    assert other["b"]["stored"] is False and other["summary"]["columns_removed"] == 3


@pytest.mark.parametrize(("params", "code"), [
    ({"a": "customers:v1"}, 400),
    ({"a": "customers", "b": "customers:v2"}, 400),  # an alias or latest is not a URL's
    ({"a": "customers@prod", "b": "customers:v2"}, 400),
    ({"a": "customers:v9", "b": "customers:v2"}, 404),
    ({"a": "nobody:v1", "b": "customers:v2"}, 404),
])
async def test_diff_parameters(jp_fetch, datasets, params, code):
    assert (await error(jp_fetch, "artifacts", "diff", **params))[0] == code
