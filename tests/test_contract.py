"""Every REST response of a seeded server validates against ``mm_jupyter/schemas/``.

Bodies are parsed with a ``parse_constant`` that raises, which proves they are strict
JSON (no ``NaN``/``Infinity`` literals).
"""

from __future__ import annotations

import math

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from server_conftest import API, strict_loads
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
    assert not validator("changes").is_valid({"cursor": 1, "changed": True, "x": 1})
    assert not validator("changes").is_valid({"cursor": "1", "changed": True})
    assert not validator("keys").is_valid({"experiments": [], "metrics": []})


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
