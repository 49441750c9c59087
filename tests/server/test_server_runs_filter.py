"""GET runs?filter=&archived=, GET runs.csv and GET keys' column statistics, through a
real Jupyter server."""

from __future__ import annotations

import csv
import io

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from server_helpers import API, strict_loads
from tornado.httpclient import HTTPClientError

from mm_jupyter import schemas

BASE = "https://mm-jupyter.invalid/schemas/v1/"
REGISTRY = Registry().with_resources(
    (schemas.load(n)["$id"], Resource.from_contents(schemas.load(n))) for n in schemas.NAMES)


def validate(name, payload):
    """The payload matches its JSON schema (as tests/server/test_contract.py checks)."""
    Draft202012Validator({"$ref": f"{BASE}{name}.json"}, registry=REGISTRY).validate(payload)


@pytest.fixture
def runs(seed, store):
    ids = {
        "base": seed.run("baseline", params={"lr": 0.1, "opt": "adam"},
                         metrics={"acc": 0.95}, tags={"team": "risk"}),
        "tuned": seed.run("tuned", params={"lr": 0.01, "opt": "sgd"},
                          metrics={"acc": 0.85, "loss": 1 / 3}, tags={"team": "growth"}),
        "evil": seed.run("=HYPERLINK(\"http://x\")", params={"lr": 0.5, "cmd": "@SUM(A1)"},
                         metrics={"acc": -0.5}, tags={"team": "+risk", "n": "-12.5"}),
        "old": seed.run("archived-one", metrics={"acc": 0.99}),
    }
    with store.write() as conn:
        conn.execute("UPDATE runs SET archived_at = '2026-02-01T00:00:00.000Z' WHERE id = ?",
                     (ids["old"],))
    return ids


async def get_page(jp_fetch, **params):
    response = await jp_fetch(*API, "runs", params=params)
    assert response.code == 200
    page = strict_loads(response.body)
    validate("runs_page", page)
    return page


async def get_error(jp_fetch, path, **params):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(*API, path, params=params)
    response = info.value.response
    assert response.headers["Content-Type"].startswith("application/json")
    return response.code, strict_loads(response.body)["message"]


async def test_filter_and_archived_options(jp_fetch, runs):
    page = await get_page(jp_fetch, filter="metrics.acc > 0.9")
    assert [r["name"] for r in page["runs"]] == ["baseline"] and page["total"] == 1
    page = await get_page(jp_fetch, filter="metrics.acc > 0.9", archived="include",
                          sort="metric:acc")
    assert [r["name"] for r in page["runs"]] == ["archived-one", "baseline"]
    assert page["runs"][0]["archived_at"] == "2026-02-01T00:00:00.000Z"
    page = await get_page(jp_fetch, archived="only")
    assert [r["id"] for r in page["runs"]] == [runs["old"]]
    page = await get_page(jp_fetch, filter="tags.team like '%risk' and params.opt is null",
                          q="HYPER")
    assert [r["id"] for r in page["runs"]] == [runs["evil"]]
    assert page["runs"][0]["starred"] is False and page["runs"][0]["note"] is None


async def test_a_bad_filter_is_a_400_naming_the_token(jp_fetch, runs):
    code, message = await get_error(jp_fetch, "runs", filter="metrics.acc 0.9")
    assert code == 400
    assert message.startswith(
        "filter: expected an operator after 'metrics.acc'")
    assert "at column 13 (found '0.9')" in message
    assert message.endswith("\n  metrics.acc 0.9\n              ^")
    code, message = await get_error(jp_fetch, "runs.csv", filter="status =")
    assert code == 400 and "at column 9 (found the end of the filter)" in message
    code, message = await get_error(jp_fetch, "runs", archived="yes")
    assert code == 400 and "archived" in message
    code, message = await get_error(jp_fetch, "runs", filter="x" * 4001)
    assert code == 400 and "longer than 4000" in message
    code, message = await get_error(jp_fetch, "runs.csv", columns="id,bogus")
    assert code == 400 and "unknown column 'bogus'" in message


async def test_csv_export_is_every_match_injection_safe(jp_fetch, runs):
    response = await jp_fetch(*API, "runs.csv", params={"sort": "metric:acc"})
    assert response.code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="runs.csv"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(response.body.decode())))
    assert rows[0] == ["id", "name", "experiment", "status", "user", "started_at",
                       "finished_at", "duration_s", "params.cmd", "params.lr",
                       "params.opt", "metrics.acc", "metrics.loss", "tags.n", "tags.team"]
    assert [r[1] for r in rows[1:]] == ["baseline", "tuned", "'=HYPERLINK(\"http://x\")"]
    base, tuned, evil = (dict(zip(rows[0], r, strict=True)) for r in rows[1:])
    assert base["params.lr"] == "0.1" and base["metrics.acc"] == "0.95"
    assert base["metrics.loss"] == "" and float(tuned["metrics.loss"]) == 1 / 3  # exact
    assert evil["params.cmd"] == "'@SUM(A1)" and evil["tags.team"] == "'+risk"
    # plain numbers are left alone, negative ones too
    assert evil["metrics.acc"] == "-0.5" and evil["tags.n"] == "-12.5"
    assert response.body.endswith(b"\r\n") and b"\r\n" in response.body


async def test_csv_takes_the_filters_and_chosen_columns(jp_fetch, runs):
    response = await jp_fetch(*API, "runs.csv", params={
        "filter": "params.lr < 0.2", "columns": "name,metrics.acc,tags.team,params.none",
        "archived": "include", "sort": "name", "order": "asc"})
    assert response.body.decode().splitlines() == [
        "name,metrics.acc,tags.team,params.none", "baseline,0.95,risk,", "tuned,0.85,growth,"]


async def test_csv_streams_more_than_one_batch(jp_fetch, seed):
    from mm_jupyter.store import runs_export

    for i in range(3):
        seed.run(f"r{i}", metrics={"acc": i / 10})
    original = runs_export.object_batches.__defaults__
    runs_export.object_batches.__defaults__ = (1,)  # one run per chunk
    try:
        response = await jp_fetch(*API, "runs.csv", params={"columns": "name"})
    finally:
        runs_export.object_batches.__defaults__ = original
    assert response.body.decode().split() == ["name", "r2", "r1", "r0"]


async def test_csv_needs_the_token(raw_fetch, runs):
    denied = await raw_fetch("mm-jupyter/api/runs.csv", headers={"Authorization": ""})
    assert denied.code == 403
    assert b"baseline" not in denied.body


async def test_keys_give_column_statistics(jp_fetch, runs):
    response = await jp_fetch(*API, "keys")
    keys = strict_loads(response.body)
    validate("keys", keys)
    assert keys["metric_counts"] == {"acc": 3, "loss": 1}  # archived runs left out
    assert keys["varying_params"] == ["lr", "opt"]
    assert keys["tag_keys"] == ["n", "team"]
