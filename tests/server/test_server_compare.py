"""``GET compare?runs=...``: 2 to 50 runs side by side over HTTP (docs/compare.md)."""

from __future__ import annotations

import math

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from server_helpers import API, strict_loads
from tornado.httpclient import HTTPClientError

from mm_jupyter import schemas
from mm_jupyter.services.runs.directions import set_direction

BASE = "https://mm-jupyter.invalid/schemas/v1/"
SCHEMAS = Registry().with_resources(
    (schemas.load(n)["$id"], Resource.from_contents(schemas.load(n))) for n in schemas.NAMES
)


def assert_valid(name: str, payload: object) -> None:
    check = Draft202012Validator({"$ref": f"{BASE}{name}.json"}, registry=SCHEMAS)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in check.iter_errors(payload)]
    assert not errors, "\n".join(errors[:10])


async def get_compare(jp_fetch, ids: list[str]) -> dict:
    response = await jp_fetch(*API, "compare", params={"runs": ",".join(ids)})
    assert response.code == 200
    body = strict_loads(response.body)
    assert_valid("compare", body)
    return body  # type: ignore[no-any-return]


async def error_of(jp_fetch, runs: str | None) -> tuple[int, str]:
    params = {} if runs is None else {"runs": runs}
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(*API, "compare", params=params)
    body = strict_loads(info.value.response.body)
    assert set(body) == {"message", "reason"}
    return info.value.code, body["message"]


@pytest.fixture
def three(seed):
    """Three runs with differing params, series of different lengths, and a NaN."""
    return [
        seed.run("small", params={"lr": 0.1, "depth": 3, "opt": "adam"},
                 metrics={"val_loss": [0.9, 0.5, 0.4], "acc": 0.8}, tags={"team": "a"}),
        seed.run("big", params={"lr": 0.01, "depth": 3, "opt": "sgd"},
                 metrics={"val_loss": [0.8, 0.6, 0.45], "acc": 0.85}, tags={"team": "b"}),
        seed.run("other", params={"lr": 0.1, "depth": 3},
                 metrics={"val_loss": [1.0, float("nan"), 0.3]}),
    ]


async def test_three_runs_in_the_order_asked(jp_fetch, three):
    ids = [three[2], three[0], three[1]]
    body = await get_compare(jp_fetch, ids)
    assert [r["id"] for r in body["runs"]] == ids
    assert body["runs"][1]["params"] == {"lr": 0.1, "depth": 3, "opt": "adam"}
    assert body["runs"][2]["tags"] == {"team": "b"}
    assert body["param_keys"] == ["depth", "lr", "opt"]
    # depth is 3 everywhere; opt is missing in one run, which differs.
    assert body["differing_params"] == ["lr", "opt"]
    assert body["metric_keys"] == ["acc", "val_loss"]
    assert body["directions"] == {"acc": "max", "val_loss": "min"}
    assert set(body["series"]["val_loss"]) == set(ids)
    assert set(body["series"]["acc"]) == {three[0], three[1]}
    other = body["series"]["val_loss"][three[2]]
    assert other["count"] == 3 and other["downsampled"] is False
    assert [p["step"] for p in other["points"]] == [0, 1, 2]
    assert other["points"][1]["value"] == "NaN"  # a gap, kept in a whole series


async def test_a_stored_direction_overrides_the_name(jp_fetch, three, store):
    set_direction(store, "acc", "min", user="tester")
    body = await get_compare(jp_fetch, three[:2])
    assert body["directions"]["acc"] == "min"


async def test_long_series_are_thinned_keeping_extremes(jp_fetch, seed):
    n = 5000
    values = [math.sin(i / 50) for i in range(n)]
    values[1234] = 40.0  # a spike min-max decimation must keep
    values[4321] = -40.0
    long_run = seed.run("long", metrics={"loss": values})
    short_run = seed.run("short", metrics={"loss": [1.0, 0.5]})
    body = await get_compare(jp_fetch, [long_run, short_run])
    series = body["series"]["loss"][long_run]
    assert series["count"] == n and series["downsampled"] is True
    points = series["points"]
    assert 500 <= len(points) <= body["max_points"] == 1000
    steps = [p["step"] for p in points]
    assert steps == sorted(set(steps)) and steps[0] == 0 and steps[-1] == n - 1
    by_step = {p["step"]: p["value"] for p in points}
    assert by_step[1234] == 40.0 and by_step[4321] == -40.0
    assert all(by_step[s] == values[s] for s in steps)
    assert body["series"]["loss"][short_run]["downsampled"] is False


async def test_fifty_runs_are_accepted(jp_fetch, seed):
    ids = [seed.run(f"r{i}", params={"i": i}, metrics={"acc": i / 100}) for i in range(50)]
    body = await get_compare(jp_fetch, ids)
    assert len(body["runs"]) == 50 and body["differing_params"] == ["i"]


@pytest.mark.parametrize("count", [1, 51])
async def test_one_or_fifty_one_runs_are_400_saying_so(jp_fetch, seed, count):
    ids = [seed.run(f"r{i}") for i in range(count)]
    code, message = await error_of(jp_fetch, ",".join(ids))
    assert code == 400
    assert f"compare takes 2 to 50 runs, not {count}" in message


@pytest.mark.parametrize(
    ("runs", "words"),
    [(None, "parameter 'runs'"), ("{a},,{b}", "empty id"), ("{a},{a}", "listed twice")],
)
async def test_malformed_lists_are_400(jp_fetch, three, runs, words):
    if runs is not None:
        runs = runs.format(a=three[0], b=three[1])
    code, message = await error_of(jp_fetch, runs)
    assert code == 400 and words in message


async def test_unknown_or_prefix_ids_are_404(jp_fetch, three):
    code, message = await error_of(jp_fetch, f"{three[0]},{'0' * 12}")
    assert code == 404 and "0" * 12 in message
    # Exact ids only: a unique prefix or a name does not resolve over HTTP.
    assert (await error_of(jp_fetch, f"{three[0]},{three[1][:6]}"))[0] == 404
    assert (await error_of(jp_fetch, f"{three[0]},small"))[0] == 404


async def test_without_token_is_403(raw_fetch, three):
    path = f"mm-jupyter/api/compare?runs={three[0]},{three[1]}"
    response = await raw_fetch(path, headers={"Authorization": ""})
    assert response.code == 403
    assert b"params" not in response.body
    assert (await raw_fetch(path)).code == 200
