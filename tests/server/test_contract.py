"""Every REST response of a seeded server validates against ``mm_jupyter/schemas/``.

Bodies are parsed with a ``parse_constant`` that raises, which proves they are strict
JSON (no ``NaN``/``Infinity`` literals).
"""

from __future__ import annotations

import json
import math
from urllib.parse import quote

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from server_helpers import API, seed_diff_pair, sha256, strict_loads
from tornado.httpclient import HTTPClientError

from mm_jupyter import schemas
from mm_jupyter.store.runs import OutputRecord

BASE = "https://mm-jupyter.invalid/schemas/v1/"


def schema_registry() -> Registry:
    resources = []
    for name in schemas.NAMES:
        schema = schemas.load(name)
        assert schema["$id"] == f"{BASE}{name}.json"
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


REGISTRY = schema_registry()


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{BASE}{name}.json"}, registry=REGISTRY)


def assert_valid(name: str, payload: object) -> None:
    errors = sorted(validator(name).iter_errors(payload), key=lambda e: list(e.path))
    assert not errors, "\n".join(
        f"{name} {list(e.absolute_path)}: {e.message}" for e in errors[:10]
    )


@pytest.mark.parametrize("name", schemas.NAMES)
def test_schemas_are_valid_draft_2020_12(name):
    schema = schemas.load(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_number_definition_accepts_only_the_three_spellings():
    check = Draft202012Validator(
        {"$ref": f"{BASE}common.json#/$defs/number"}, registry=REGISTRY
    )
    for ok in (1, 0.5, -3e10, "NaN", "Infinity", "-Infinity"):
        assert check.is_valid(ok), ok
    for bad in ("nan", "inf", "1.0", None, True, [1]):
        assert not check.is_valid(bad), bad


def test_schemas_reject_drift():
    # An unknown field or a wrong type is caught, so the contract cannot drift silently.
    assert not validator("changes").is_valid({"cursor": 1, "changed": True, "firing": 0, "x": 1})
    assert not validator("changes").is_valid({"cursor": "1", "changed": True})
    assert not validator("keys").is_valid({"experiments": [], "metrics": []})


VERSION = {
    "name": "m", "version": 1, "ref": "m:v1", "kind": "model", "digest": "0" * 64,
    "size": 3, "media_type": "application/octet-stream", "format": "file",
    "is_dir": False, "file_name": "m.pkl", "metadata": {},
    "created_at": "2026-01-01T00:00:00.000Z", "aliases": ["prod"],
    "producer": {"id": "abc", "name": "train", "status": "finished"},
    "consumers": [], "files": None, "stored": True,
}  # fmt: skip
ARTIFACT = {
    "name": "m", "kind": "model", "description": None, "tags": {},
    "created_at": "2026-01-01T00:00:00.000Z", "n_versions": 1, "aliases": {"prod": 1},
}  # fmt: skip


def artifact_version(**changes: object) -> dict[str, object]:
    return {**VERSION, **changes}


def test_artifact_schemas_reject_drift():
    check = Draft202012Validator(
        {"$ref": f"{BASE}common.json#/$defs/artifact_version"}, registry=REGISTRY
    )
    assert check.is_valid(VERSION)
    # the contract's shape of a directory
    member = {"path": "a/b.csv", "digest": "1" * 64, "size": 3}
    assert check.is_valid(
        artifact_version(is_dir=True, format="directory", files=[member])
    )
    for bad in (
        artifact_version(extra=1),
        artifact_version(kind="weights"),
        artifact_version(format="pickle"),
        artifact_version(version=0),
        artifact_version(ref="m"),
        artifact_version(digest="ABC"),
        artifact_version(is_dir=True, format="directory", files=None),
        artifact_version(files=[member]),  # files only for directories
        artifact_version(producer={"id": "abc"}),
        artifact_version(aliases=["1bad"]),
        artifact_version(stored="no"),
    ):
        assert not check.is_valid(bad), bad
    page = {"total": 1, "offset": 0, "limit": 50, "cursor": 1}
    assert validator("artifacts_page").is_valid(
        {**page, "artifacts": [{**ARTIFACT, "latest": VERSION}]}
    )
    for item in (ARTIFACT, {**ARTIFACT, "latest": VERSION, "x": 1}):
        assert not validator("artifacts_page").is_valid({**page, "artifacts": [item]})
    detail = {"artifact": ARTIFACT, "versions": [VERSION], "alias_history": []}
    assert validator("artifact_versions").is_valid(detail)
    # the summary of a versions reply has no `latest`
    assert not validator("artifact_versions").is_valid(
        {**detail, "artifact": {**ARTIFACT, "latest": VERSION}}
    )
    graph = {"root": "run:abc", "nodes": [], "edges": [], "truncated": False}
    assert validator("lineage").is_valid(graph)
    backwards = {"source": "run:abc", "target": "version:m:v1", "kind": "input"}
    assert not validator("lineage").is_valid({**graph, "edges": [backwards]})
    assert not validator("lineage").is_valid({**graph, "root": "abc"})


@pytest.fixture
def seeded(seed):
    """A registry with every kind of run and output the API can return."""
    png = seed.blob(b"\x89PNG fake figure", "image/png")
    html = seed.blob(b"<table>big</table>" * 100, "text/html")
    ids = {
        "rich": seed.run(
            "rich ✓ run",
            experiment="churn",
            params={
                "lr": 0.1,
                "depth": 5,
                "name": "gbm",
                "grid": [1, 2],
                "bad": math.nan,
            },
            metrics={"acc": [0.5, 0.9], "loss": [math.nan, math.inf, -math.inf, 0.3]},
            tags={"team": "risk", "note": "<b>not html</b>"},
            outputs=[
                OutputRecord(seq=0, output_type="stream", name="stdout", text="done\n"),
                OutputRecord(seq=1, output_type="stream", name="stderr", text="warn\n"),
                OutputRecord(
                    seq=2,
                    output_type="execute_result",
                    data={"text/plain": "42"},
                    metadata={"isolated": True},
                ),
                OutputRecord(
                    seq=3,
                    output_type="display_data",
                    data={"text/plain": "<table>"},
                    blobs={"text/html": {"digest": html[0], "size": html[1]}},
                    truncated_bytes=17,
                ),
                OutputRecord(
                    seq=4,
                    output_type="figure",
                    blobs={"image/png": {"digest": png[0], "size": png[1]}},
                ),
            ],
            blobs=[png, html],
            environment={
                "python": "3.11.7",
                "platform": "Linux-6.1-x86_64",
                "packages": {"numpy": "2.1.0", "pandas": "2.2.3"},
                "git": {"commit": "abc123", "dirty": False},
            },
            notebook='{"cells": [], "nbformat": 4}',
            history=[(1, "%load_ext mm_jupyter"), (2, "lr = 0.1")],
        ),
        "running": seed.run("still going", status="running", metrics={"acc": 0.1}),
        "failed": seed.run(
            "broken",
            status="failed",
            error="Traceback (most recent call last):\nValueError: boom",
            environment={"python": "3.11.7", "platform": "Linux", "packages": {}},
        ),
        "interrupted": seed.run("stopped", status="interrupted", cell=None, history=[]),
        "killed": seed.run("killed", status="killed", params={"lr": "auto"}),
    }
    return ids


async def fetch_valid(jp_fetch, schema: str, *path: str, **params: str) -> object:
    response = await jp_fetch(*API, *path, params=params)
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    payload = strict_loads(response.body)
    assert_valid(schema, payload)
    return payload


async def test_meta_matches_schema(jp_fetch, seeded):
    await fetch_valid(jp_fetch, "meta", "meta")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "metric:acc", "order": "desc"},
        {"sort": "metric:loss", "order": "asc"},
        {"sort": "param:lr"},
        {"sort": "param:missing"},
        {"sort": "name", "order": "asc", "limit": "2", "offset": "1"},
        {"sort": "duration_s"},
        {"sort": "finished_at"},
        {"sort": "experiment"},
        {"sort": "status"},
        {"sort": "id"},
        {"experiment": "churn"},
        {"status": "running"},
        {"q": "✓"},
        {"offset": "100"},
        {"limit": "500"},
    ],
)
async def test_runs_pages_match_schema(jp_fetch, seeded, params):
    page = await fetch_valid(jp_fetch, "runs_page", "runs", **params)
    assert page["total"] >= len(page["runs"])


async def test_every_run_detail_matches_schema(jp_fetch, seeded):
    page = await fetch_valid(jp_fetch, "runs_page", "runs")
    assert {r["id"] for r in page["runs"]} == set(seeded.values())
    for run in page["runs"]:
        assert_valid("run_summary", run)
        detail = await fetch_valid(jp_fetch, "run_detail", "runs", run["id"])
        assert detail["run"] == run
    rich = await fetch_valid(jp_fetch, "run_detail", "runs", seeded["rich"])
    assert {o["output_type"] for o in rich["outputs"]} == {
        "stream",
        "display_data",
        "execute_result",
        "figure",
    }
    assert rich["run"]["params"]["bad"] == "NaN"


async def test_keys_and_changes_match_schema(jp_fetch, seeded):
    keys = await fetch_valid(jp_fetch, "keys", "keys")
    assert keys["experiments"] == ["churn", "default"]
    changes = await fetch_valid(jp_fetch, "changes", "changes", since="0")
    assert changes["changed"] is True
    await fetch_valid(jp_fetch, "changes", "changes", since=str(changes["cursor"]))
    await fetch_valid(jp_fetch, "changes", "changes")


async def test_empty_registry_matches_schema(jp_fetch):
    await fetch_valid(jp_fetch, "meta", "meta")
    await fetch_valid(jp_fetch, "runs_page", "runs")
    await fetch_valid(jp_fetch, "keys", "keys")
    await fetch_valid(jp_fetch, "changes", "changes", since="0")


@pytest.fixture
def artifact_graph(chain, mm):
    """The chain, plus an array, text and a second DataFrame version with an alias."""
    import numpy as np
    import pandas as pd

    with mm.track("more", experiment="churn") as run:
        mm.use_artifact("churn-clean:v1")
        mm.log_artifact(np.arange(6, dtype="float64").reshape(2, 3), "features")
        mm.log_artifact("notes ✓\n", "notes", format="text")
        mm.log_artifact(
            pd.DataFrame({"age": [1.5, float("nan")]}),
            "churn-clean",
            aliases=["champion"],
        )
    chain.more = run.id
    return chain


async def test_artifact_payloads_match_schema(jp_fetch, raw_fetch, artifact_graph):
    # Every list page and filter
    for params in (
        {},
        {"kind": "dataset"},
        {"kind": "figure"},
        {"q": "churn"},
        {"limit": "1", "offset": "2"},
        {"offset": "99"},
    ):
        await fetch_valid(jp_fetch, "artifacts_page", "artifacts", **params)
    page = await fetch_valid(jp_fetch, "artifacts_page", "artifacts", limit="500")
    formats = {a["latest"]["format"] for a in page["artifacts"]}
    assert {"bytes", "file", "directory", "npy", "text"} <= formats
    assert formats & {"parquet", "csv"}  # a DataFrame (parquet with pyarrow)
    versions_seen = []
    for artifact in page["artifacts"]:
        # the versions of each (names with "/", spaces, unicode), encoded as a segment
        response = await raw_fetch(
            f"mm-jupyter/api/artifacts/{quote(artifact['name'], safe='')}/versions"
        )
        assert response.code == 200
        detail = strict_loads(response.body)
        assert_valid("artifact_versions", detail)
        assert detail["versions"][0] == artifact["latest"]
        summary = {k: v for k, v in artifact.items() if k != "latest"}
        assert summary == detail["artifact"]
        versions_seen += detail["versions"]
    assert len(versions_seen) == sum(a["n_versions"] for a in page["artifacts"])
    assert any(v["is_dir"] for v in versions_seen)
    assert any(v["aliases"] for v in versions_seen)
    # The lineage of every version and every run, shallow and deep
    roots = [{"version": v["ref"]} for v in versions_seen]
    runs = await fetch_valid(jp_fetch, "runs_page", "runs")
    roots += [{"run": r["id"]} for r in runs["runs"]]
    for root in roots:
        for depth in ("1", "10"):
            graph = await fetch_valid(
                jp_fetch, "lineage", "lineage", depth=depth, **root
            )
            assert_consistent_graph(graph)
    # Run details list the versions they consumed and produced
    train = await fetch_valid(jp_fetch, "run_detail", "runs", artifact_graph.train)
    assert [v["ref"] for v in train["artifacts"]["inputs"]] == ["churn-clean:v1"]
    assert {v["ref"] for v in train["artifacts"]["outputs"]} == {
        "models/model.pkl:v1",
        "report bündel ✓:v1",
    }
    await fetch_valid(jp_fetch, "run_detail", "runs", artifact_graph.more)


def assert_consistent_graph(graph: dict) -> None:
    """Beyond the schema: ids are unique, edges join returned nodes, the root is one."""
    ids = [n["id"] for n in graph["nodes"]]
    assert len(ids) == len(set(ids))
    assert graph["root"] in ids
    for node in graph["nodes"]:
        if node["type"] == "version":
            assert node["id"] == f"version:{node['version']['ref']}"
        else:
            assert node["id"] == f"run:{node['run']['id']}"
    edges = [(e["source"], e["target"], e["kind"]) for e in graph["edges"]]
    assert len(edges) == len(set(edges))
    for source, target, _ in edges:
        assert source in ids and target in ids


async def test_artifact_content_digests_are_downloadable(raw_fetch, artifact_graph):
    page = strict_loads((await raw_fetch("mm-jupyter/api/artifacts?limit=500")).body)
    for artifact in page["artifacts"]:
        latest = artifact["latest"]
        digests = [latest["digest"]] + [f["digest"] for f in latest["files"] or []]
        for digest in digests:
            response = await raw_fetch(f"mm-jupyter/api/blobs/{digest}")
            assert response.code == 200, artifact["name"]
            assert sha256(response.body) == digest


async def test_empty_registry_artifacts_match_schema(jp_fetch):
    await fetch_valid(jp_fetch, "artifacts_page", "artifacts")


@pytest.mark.parametrize(
    ("path", "params", "code"),
    [
        (("artifacts",), {"kind": "bogus"}, 400),
        (("artifacts",), {"limit": "0"}, 400),
        (("artifacts", "nope", "versions"), {}, 404),
        (("lineage",), {}, 400),
        (("lineage",), {"run": "x", "version": "y:v1"}, 400),
        (("lineage",), {"version": "y"}, 400),
        (("lineage",), {"version": "y:v1", "depth": "0"}, 400),
        (("lineage",), {"run": "0123456789ab"}, 404),
        (("lineage",), {"version": "nope:v1"}, 404),
    ],
)
async def test_artifact_error_replies_match_schema(jp_fetch, chain, path, params, code):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(*API, *path, params=params)
    assert info.value.code == code
    assert_valid_error(info.value.response.body)


@pytest.mark.parametrize(
    ("path", "params", "code"),
    [
        (("runs",), {"sort": "bogus"}, 400),
        (("runs",), {"limit": "0"}, 400),
        (("runs", "0123456789ab"), {}, 404),
        (("changes",), {"since": "x"}, 400),
        (("blobs", "NOTADIGEST"), {}, 400),
        (("blobs", "0" * 64), {}, 404),
    ],
)
async def test_error_replies_match_schema(jp_fetch, seeded, path, params, code):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(*API, *path, params=params)
    assert info.value.code == code
    assert_valid_error(info.value.response.body)


@pytest.mark.parametrize("volatile", ["0", "1"])
async def test_run_diff_matches_schema(jp_fetch, seed, volatile):
    pair = seed_diff_pair(seed)
    params = {"a": pair.a, "b": pair.b, "volatile": volatile}
    diff = await fetch_valid(jp_fetch, "diff", "diff", **params)
    statuses = {c["status"] for c in diff["notebook"]["cells"]}
    assert statuses == {"unchanged", "modified", "added", "removed", "moved"}
    # A run diffed with itself (no notebook, no environment) is valid too.
    plain = seed.run("plain", cell=None)
    same = await fetch_valid(jp_fetch, "diff", "diff", a=plain, b=plain)
    assert same["notebook"] is None


def test_diff_schema_rejects_drift():
    check = validator("diff")
    assert not check.is_valid({})
    hunk = {"op": "equal", "a": ["x"], "b": ["x"]}
    bad_hunk = Draft202012Validator(
        {"$ref": f"{BASE}diff.json#/$defs/line_diff"}, registry=REGISTRY
    )
    assert bad_hunk.is_valid([hunk])
    assert not bad_hunk.is_valid([{**hunk, "op": "move"}])
    assert not bad_hunk.is_valid([{**hunk, "extra": 1}])
    cell = Draft202012Validator(
        {"$ref": f"{BASE}diff.json#/$defs/cell_diff"}, registry=REGISTRY
    )
    good = {
        "status": "moved", "a_index": 0, "b_index": 3, "cell_type": "code",
        "source": [], "outputs": None, "metadata_changed": False,
    }  # fmt: skip
    assert cell.is_valid(good)
    assert not cell.is_valid({**good, "status": "renamed"})


async def test_diff_error_replies_match_schema(jp_fetch, seed):
    run = seed.run("one")
    for params, code in (({"a": run}, 400), ({"a": run, "b": "nope"}, 404)):
        with pytest.raises(HTTPClientError) as info:
            await jp_fetch(*API, "diff", params=params)
        assert info.value.code == code
        assert_valid_error(info.value.response.body)


async def test_forbidden_reply_matches_error_schema(raw_fetch):
    response = await raw_fetch("mm-jupyter/api/runs", headers={"Authorization": ""})
    assert response.code == 403
    assert_valid_error(response.body)


def assert_valid_error(body: bytes) -> None:
    check = Draft202012Validator(
        {"$ref": f"{BASE}common.json#/$defs/error"}, registry=REGISTRY
    )
    payload = strict_loads(body)
    assert check.is_valid(payload), payload


# -- model registry --------------------------------------------------------------------

MODEL_VERSION = {
    "name": "m", "version": 1, "ref": "m:1", "stage": "production",
    "aliases": ["champion"], "description": None,
    "created_at": "2026-01-01T00:00:00.000Z", "created_by": "root", "flavor": "sklearn",
    "artifact": {"name": "m", "version": 1, "ref": "m:v1", "kind": "model",
                 "digest": "0" * 64, "size": 3},
    "run": {"id": "abc", "name": "train", "status": "finished", "experiment": "e"},
    "metrics": {"acc": 0.9, "loss": "NaN"}, "config": {"C": 1.0, "x": [1, None]},
    "signature": {"inputs": [{"name": "age", "dtype": "int64"},
                             {"name": "x1", "dtype": None}]},
    "requirements": {"python": "3.11.7", "packages": {"scikit-learn": "1.9.1"}},
    "inputs": [], "has_reference_profile": False,
}  # fmt: skip
MODEL = {
    "name": "m", "description": None, "owner": None, "tags": {},
    "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:00.000Z",
    "n_versions": 1, "latest": MODEL_VERSION, "stages": {"production": [1]},
    "aliases": {"champion": 1},
}  # fmt: skip
STAGE_STEP = {
    "version": 1, "kind": "stage", "alias": None, "from": "none", "to": "production",
    "user": "ada", "comment": None, "at": "2026-01-01T00:00:00.000Z",
}  # fmt: skip
ALIAS_STEP = {**STAGE_STEP, "kind": "alias", "alias": "champion", "from": None}
ALIAS_STEP["to"] = "1"


def changed(base: dict, **changes: object) -> dict:
    return {**base, **changes}


def test_model_schemas_reject_drift():
    version = validator("model_version")
    assert version.is_valid({**MODEL_VERSION, "history": [STAGE_STEP, ALIAS_STEP]})
    assert not version.is_valid(MODEL_VERSION)  # the version route adds its history
    for bad in (
        changed(MODEL_VERSION, extra=1),
        changed(MODEL_VERSION, stage="prod"),
        changed(MODEL_VERSION, ref="m:v1"),  # model refs are NAME:N
        changed(MODEL_VERSION, version=0),
        changed(MODEL_VERSION, flavor="pickle"),
        changed(MODEL_VERSION, metrics={"acc": "high"}),
        changed(MODEL_VERSION, run={"id": "abc"}),
        changed(MODEL_VERSION, signature={"inputs": [{"name": "a"}]}),
        changed(MODEL_VERSION, requirements={"python": 3}),
        changed(MODEL_VERSION, aliases=["1bad"]),
        changed(MODEL_VERSION, artifact={"name": "m"}),
    ):
        assert not version.is_valid({**bad, "history": []}), bad
    for bad_step in (
        changed(STAGE_STEP, to="prod"),
        changed(STAGE_STEP, alias="champion"),
        changed(STAGE_STEP, kind="deleted"),
        changed(ALIAS_STEP, to="v1"),
        changed(ALIAS_STEP, alias=None),
        changed(ALIAS_STEP, extra=1),
    ):
        payload = {**MODEL_VERSION, "history": [bad_step]}
        assert not version.is_valid(payload), bad_step
    page = {"total": 1, "offset": 0, "limit": 50, "cursor": 1}
    assert validator("models_page").is_valid({**page, "models": [MODEL]})
    assert validator("models_page").is_valid({**page, "models": []})
    for bad in (
        changed(MODEL, stages={"none": [1]}),
        changed(MODEL, stages={"production": []}),
        changed(MODEL, aliases={"champion": "1"}),
        changed(MODEL, latest={**MODEL_VERSION, "history": []}),
        changed(MODEL, owner=1),
        {k: v for k, v in MODEL.items() if k != "latest"},
    ):
        assert not validator("models_page").is_valid({**page, "models": [bad]}), bad
    detail = {
        "model": MODEL,
        "versions": [MODEL_VERSION],
        "history": [STAGE_STEP, ALIAS_STEP],
        "metric_trend": {"acc": [{"version": 1, "value": 0.9}]},
    }
    assert validator("model_detail").is_valid(detail)
    for bad_detail in (
        changed(detail, metric_trend={"acc": [{"version": 1, "value": "0.9"}]}),
        changed(detail, metric_trend={"acc": []}),
        changed(detail, versions=[{**MODEL_VERSION, "history": []}]),
        changed(detail, extra=1),
    ):
        assert not validator("model_detail").is_valid(bad_detail)


TRANSITION_BODIES = [
    ({"stage": "production"}, True),
    ({"stage": "none", "comment": "", "archive_others": False}, True),
    ({"stage": "staging", "comment": "x" * 2000, "archive_others": True}, True),
    ({"alias": "champion"}, True),
    ({"alias": "b.2_x-y", "comment": "why", "move": True}, True),
    ({"remove_alias": "champion", "comment": "why"}, True),
    ({"remove_alias": "a" * 64}, True),
    ({}, False),
    ({"stage": "prod"}, False),
    ({"stage": "staging", "comment": "x" * 2001}, False),
    ({"stage": "staging", "comment": None}, False),
    ({"stage": "staging", "archive_others": 1}, False),
    ({"stage": "staging", "move": True}, False),
    ({"stage": "staging", "alias": "champion"}, False),
    ({"alias": "1x"}, False),
    ({"alias": "123"}, False),
    ({"alias": "a" * 65}, False),
    ({"alias": "x", "move": None}, False),
    ({"alias": "x", "archive_others": True}, False),
    ({"remove_alias": "x", "move": True}, False),
    ({"remove_alias": None}, False),
    ({"comment": "only"}, False),
]


@pytest.mark.parametrize(("body", "valid"), TRANSITION_BODIES)
def test_transition_request_schema_agrees_with_the_server(body, valid):
    from mm_jupyter.server.models import parse_transition

    assert validator("model_transition_request").is_valid(body) is valid
    if valid:
        parse_transition(json.dumps(body).encode())
    else:
        with pytest.raises(ValueError):
            parse_transition(json.dumps(body).encode())


async def test_model_payloads_match_schema(jp_fetch, raw_fetch, zoo, artifact_graph):
    for params in (
        {},
        {"q": "iris"},
        {"q": "✓"},
        {"limit": "1", "offset": "1"},
        {"offset": "99"},
        {"limit": "500"},
    ):
        await fetch_valid(jp_fetch, "models_page", "models", **params)
    page = await fetch_valid(jp_fetch, "models_page", "models")
    assert len(page["models"]) == 2
    seen = 0
    for model in page["models"]:
        name = quote(model["name"], safe="")
        response = await raw_fetch(f"mm-jupyter/api/models/{name}")
        detail = strict_loads(response.body)
        assert_valid("model_detail", detail)
        assert detail["model"] == model
        for version in detail["versions"]:
            response = await raw_fetch(
                f"mm-jupyter/api/models/{name}/versions/{version['version']}"
            )
            payload = strict_loads(response.body)
            assert_valid("model_version", payload)
            assert {k: v for k, v in payload.items() if k != "history"} == version
            seen += 1
    assert seen == 4
    # Every kind of transition reply
    iris = "mm-jupyter/api/models/iris%2Fclf/versions/"
    for version, body in (
        (3, {"stage": "production", "comment": "ok", "archive_others": True}),
        (3, {"alias": "champion", "move": True}),
        (3, {"remove_alias": "champion", "comment": "rollback"}),
        (1, {"stage": "none"}),
    ):
        response = await raw_fetch(
            f"{iris}{version}/transition",
            method="POST",
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        assert response.code == 200
        reply = strict_loads(response.body)
        assert_valid("model_transition_response", reply)
        assert_valid("model_version", reply)
    detail = await fetch_valid(jp_fetch, "model_detail", "models", "iris/clf")
    assert {h["kind"] for h in detail["history"]} == {"stage", "alias"}
    assert any(h["to"] is None for h in detail["history"])  # a removed alias


async def test_empty_registry_models_match_schema(jp_fetch):
    await fetch_valid(jp_fetch, "models_page", "models")


@pytest.mark.parametrize(
    ("path", "body", "headers", "code"),
    [
        ("models?limit=0", None, {}, 400),
        ("models/nope", None, {}, 404),
        ("models/iris%2Fclf/versions/0", None, {}, 400),
        ("models/iris%2Fclf/versions/9", None, {}, 404),
        ("models/iris%2Fclf/versions/1/transition", b"{}", {}, 400),
        ("models/iris%2Fclf/versions/9/transition", b'{"stage": "none"}', {}, 404),
        ("models/iris%2Fclf/versions/2/transition", b'{"alias": "champion"}', {}, 409),
        ("models/iris%2Fclf/versions/1/transition", b" " * 70_000, {}, 413),
        (
            "models/iris%2Fclf/versions/1/transition",
            b'{"stage": "none"}',
            {"Content-Type": "text/plain"},
            415,
        ),
        (
            "models/iris%2Fclf/versions/1/transition",
            b'{"stage": "none"}',
            {"Authorization": ""},
            403,
        ),
    ],
)
async def test_model_error_replies_match_schema(
    raw_fetch, zoo, path, body, headers, code
):
    method = "GET" if body is None else "POST"
    response = await raw_fetch(
        f"mm-jupyter/api/{path}",
        method=method,
        body=body,
        headers={"Content-Type": "application/json", **headers},
    )
    assert response.code == code
    assert response.headers["Content-Type"].startswith("application/json")
    assert_valid_error(response.body)


# -- monitoring (docs/monitoring.md) ---------------------------------------------------

MONITOR = {
    "model": "m/x", "version": 2, "ref": "m/x:2", "stage": "production",
    "aliases": ["champion"], "batches": 14, "rows": 12000, "labelled": 3000,
    "first_ts": 1764212000.0, "last_ts": 1764213000.5, "firing": 1,
    "has_reference_profile": True,
}  # fmt: skip
RULE = {
    "id": 3, "kind": "series", "model": "m/x", "version": None,
    "pattern": "drift.psi.*", "op": ">", "threshold": 0.2, "count": 1, "window_s": None,
    "severity": "warning", "name": None,
    "action": {"kind": "webhook", "display": "https://hooks.example.com/x"},
    "enabled": True, "created_at": "2026-01-01T00:00:00.000Z", "created_by": "ana",
}  # fmt: skip
ALERT = {
    "id": 7, "rule_id": 3, "model": "m/x", "version": 2, "series": "drift.psi.age",
    "state": "firing", "severity": "warning", "message": "drift.psi.age = 0.41 > 0.2",
    "value": 0.41, "threshold": 0.2, "op": ">",
    "fired_values": [{"ts": 1764213000.5, "value": 0.41, "batch_id": "b1f0"}],
    "occurrences": 3, "fired_ts": 1764212990.1, "last_ts": 1764213000.5,
    "resolved_ts": None, "acknowledged_at": None, "acknowledged_by": None,
    "actions": [{"kind": "notebook", "status": "ok", "detail": "ran retrain.ipynb",
                 "output": "/abs/x.ipynb", "run_id": "3f9a1c2b7d4e",
                 "created_ts": 1764212990.2, "finished_ts": 1764212998.4}],
}  # fmt: skip
REPORT = {
    "rows": 30, "status": "ok", "reason": None, "features": {"age": {"psi": 0.4}},
    "missing_features": [], "extra_features": [], "prediction": None,
    "batch_id": "b1f0", "ts": 1764213000.5, "source": "serve", "n_labelled": 0,
    "performance": None,
}  # fmt: skip
SERIES = {
    "key": "drift.psi.age", "points": [{"ts": 1764212000.0, "value": 0.03}],
    "truncated": False,
    "thresholds": [{"rule_id": 3, "op": ">", "threshold": 0.2, "severity": "warning"}],
}  # fmt: skip


def test_monitoring_schemas_reject_drift():
    page = {"total": 1, "offset": 0, "limit": 50, "firing": 1, "cursor": 9}
    assert validator("monitoring_page").is_valid({**page, "monitors": [MONITOR]})
    for bad in (
        changed(MONITOR, extra=1),
        changed(MONITOR, ref="m/x:v2"),
        changed(MONITOR, stage="prod"),
        changed(MONITOR, last_ts="NaN"),  # non-finite values are never sent
        changed(MONITOR, rows=-1),
        {k: v for k, v in MONITOR.items() if k != "firing"},
    ):
        bad_page = {**page, "monitors": [bad]}
        assert not validator("monitoring_page").is_valid(bad_page), bad
    assert not validator("monitoring_page").is_valid({**page, "monitors": [], "x": 1})
    detail = {
        "monitor": MONITOR, "latest": {"drift.psi.age": {"value": 0.41, "ts": 1.0}},
        "features": ["age"], "series_keys": ["drift.psi.age"], "rules": [RULE],
        "alerts": [ALERT], "last_report": REPORT,
    }  # fmt: skip
    check = validator("monitoring_detail")
    assert check.is_valid(detail)
    assert check.is_valid(changed(detail, last_report=None))
    event_rule = changed(RULE, kind="event", pattern="stage_changed", op=None,
                         threshold=None, model=None)  # fmt: skip
    assert check.is_valid(changed(detail, rules=[event_rule]))
    for bad in (
        changed(detail, latest={"k": {"value": "Infinity", "ts": 1.0}}),
        changed(detail, rules=[changed(RULE, op="=>")]),
        changed(detail, rules=[changed(RULE, severity="fatal")]),
        changed(detail, rules=[changed(RULE, window_s=0)]),
        changed(detail, rules=[changed(RULE, action={"kind": "webhook", "url": "x"})]),
        changed(detail, alerts=[changed(ALERT, state="open")]),
        changed(detail, alerts=[changed(ALERT, fired_values=[{"ts": 1, "value": "NaN",
                                                               "batch_id": None}])]),
        changed(detail, alerts=[changed(ALERT, actions=[{"kind": "x",
                                                          "status": "done"}])]),
        changed(detail, last_report=changed(REPORT, ts=None)),
        {k: v for k, v in detail.items() if k != "series_keys"},
    ):  # fmt: skip
        assert not check.is_valid(bad), bad
    series = validator("monitoring_series")
    assert series.is_valid({"ref": "m/x:2", "series": [SERIES]})
    for bad in (
        {"ref": "m/x", "series": []},
        {"ref": "m/x:2", "series": [changed(SERIES, truncated=None)]},
        {"ref": "m/x:2", "series": [changed(SERIES, points=[{"ts": 1, "value": ""}])]},
        {"ref": "m/x:2", "series": [changed(SERIES, thresholds=[{"rule_id": 3}])]},
    ):
        assert not series.is_valid(bad), bad
    alerts = {"total": 1, "offset": 0, "limit": 50, "alerts": [ALERT]}
    assert validator("monitoring_alerts").is_valid(alerts)
    assert not validator("monitoring_alerts").is_valid(changed(alerts, limit=501))
    batch = {"batch_id": "b", "ts": 1.0, "source": "api", "n_rows": 3, "n_labelled": 0,
             "status": "insufficient_data", "reason": "3 rows"}  # fmt: skip
    batches = {"total": 1, "offset": 0, "limit": 50, "batches": [batch]}
    assert validator("monitoring_batches").is_valid(batches)
    assert not validator("monitoring_batches").is_valid(
        changed(batches, batches=[changed(batch, n_rows=None)])
    )


@pytest.fixture
def monitored(store):
    from monitoring_seed import seed_fleet

    return seed_fleet(store)


async def test_monitoring_payloads_match_schema(jp_fetch, raw_fetch, monitored):
    pages = ({}, {"limit": "1", "offset": "1"}, {"offset": "99"}, {"limit": "500"})
    for params in pages:
        await fetch_valid(jp_fetch, "monitoring_page", "monitoring", **params)
    page = await fetch_valid(jp_fetch, "monitoring_page", "monitoring")
    assert len(page["monitors"]) == 3
    refs = [m["ref"] for m in page["monitors"]] + ["fraud/clf", "fraud/clf:3",
                                                   "fraud/clf@champion"]  # fmt: skip
    for ref in refs:
        base = f"mm-jupyter/api/monitoring/{quote(ref, safe='')}"
        for suffix, schema, query in (
            ("", "monitoring_detail", ""),
            ("/series", "monitoring_series", ""),
            ("/series", "monitoring_series", "?pattern=drift.*&limit=2"),
            ("/series", "monitoring_series", "?key=volume.rows&key=nope&since_ts=0"),
            ("/alerts", "monitoring_alerts", ""),
            ("/alerts", "monitoring_alerts", "?state=resolved&limit=1"),
            ("/batches", "monitoring_batches", "?limit=2&offset=1"),
        ):
            response = await raw_fetch(base + suffix + query)
            assert response.code == 200, (ref, suffix)
            assert_valid(schema, strict_loads(response.body))
    for params in ({}, {"state": "firing"}, {"state": "resolved", "limit": "1"}):
        await fetch_valid(jp_fetch, "monitoring_alerts", "alerts", **params)


async def test_empty_registry_monitoring_matches_schema(jp_fetch):
    await fetch_valid(jp_fetch, "monitoring_page", "monitoring")
    await fetch_valid(jp_fetch, "monitoring_alerts", "alerts")


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("monitoring?limit=0", 400),
        ("monitoring/fraud%2Fclf/series?since_ts=nan", 400),
        ("monitoring/fraud%2Fclf/alerts?state=open", 400),
        ("alerts?limit=501", 400),
        ("monitoring/nope", 404),
        ("monitoring/fraud%2Fclf%3A9/batches", 404),
    ],
)
async def test_monitoring_error_replies_match_schema(raw_fetch, monitored, path, code):
    response = await raw_fetch(f"mm-jupyter/api/{path}")
    assert response.code == code
    assert response.headers["Content-Type"].startswith("application/json")
    assert_valid_error(response.body)
