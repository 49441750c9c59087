"""``GET diff``: the run diff over HTTP (docs/rest.md "Run diff")."""

from __future__ import annotations

from pathlib import Path

import pytest
from server_helpers import API, PNG_A, PNG_B, seed_diff_pair, strict_loads
from tornado.httpclient import HTTPClientError

PAIRS = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "notebook-pairs"


async def get_diff(jp_fetch, **params: str) -> dict:
    response = await jp_fetch(*API, "diff", params=params)
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return strict_loads(response.body)  # type: ignore[no-any-return]


async def error_code(jp_fetch, **params: str) -> int:
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(*API, "diff", params=params)
    body = strict_loads(info.value.response.body)
    assert set(body) == {"message", "reason"}
    return info.value.code  # type: ignore[no-any-return]


@pytest.fixture
def pair(seed):
    return seed_diff_pair(seed)


async def test_params_metrics_and_environment(jp_fetch, pair):
    diff = await get_diff(jp_fetch, a=pair.a, b=pair.b)
    assert diff["a"]["id"] == pair.a and diff["b"]["id"] == pair.b
    assert diff["params"] == {
        "added": {"new": "x"},
        "removed": {"old": 1},
        "changed": {"lr": {"a": 0.1, "b": 0.05}},
        "unchanged": {"depth": 5},
    }
    acc = diff["metrics"]["acc"]
    assert (acc["a"], acc["b"]) == (0.91, 0.87)
    assert acc["delta"] == pytest.approx(-0.04)
    assert [p["value"] for p in acc["series_a"]] == [0.5, 0.91]
    assert [p["step"] for p in acc["series_b"]] == [0, 1]
    loss = diff["metrics"]["loss"]
    assert (loss["a"], loss["b"], loss["delta"]) == (0.3, None, None)
    assert loss["series_b"] == []
    env = diff["environment"]
    assert env["python"] == {"a": "3.11.7", "b": "3.12.1"}
    assert env["git"]["a"] == {"commit": "a" * 40, "dirty": False}
    assert env["git"]["b"] is None
    assert env["packages"] == {
        "added": {"newpkg": "0.1"},
        "removed": {"oldpkg": "1.0"},
        "changed": {"numpy": {"a": "1.26.4", "b": "2.0.0"}},
    }
    assert [h["op"] for h in diff["code"]] == ["replace"]
    assert diff["summary"] == {
        "params_changed": 3,
        "metrics_changed": 2,
        "cells_changed": 5,
        "packages_changed": 3,
        "code_changed": True,
        "objects_changed": 0,
        "reproducibility_changed": False,
    }


async def test_cell_statuses_and_image_outputs(jp_fetch, pair):
    notebook = (await get_diff(jp_fetch, a=pair.a, b=pair.b))["notebook"]
    assert notebook["a_path"] == notebook["b_path"] == "/abs/nb.ipynb"
    assert notebook["summary"] == {
        "unchanged": 2, "modified": 2, "added": 1, "removed": 1, "moved": 1,
    }  # fmt: skip
    cells = {(c["a_index"], c["b_index"]): c for c in notebook["cells"]}
    moved = cells[(5, 0)]
    assert moved["status"] == "moved" and moved["source"] == []
    edited = cells[(2, 3)]
    assert edited["status"] == "modified"
    assert {"op": "insert", "a": [], "b": ["print(x)"]} in edited["source"]
    assert edited["outputs"] is None
    plot = cells[(3, 4)]
    assert plot["status"] == "modified" and plot["source"] == []
    assert plot["outputs"]["changed"] is True
    assert plot["outputs"]["a"][0]["data"]["image/png"] == PNG_A
    assert plot["outputs"]["b"][0]["data"]["image/png"] == PNG_B
    assert cells[(4, None)]["status"] == "removed"
    added = cells[(None, 5)]
    assert added["status"] == "added"
    assert added["source"] == [{"op": "insert", "a": [], "b": ["report()"]}]
    assert cells[(1, 2)]["status"] == "unchanged"  # only its execution count differs


async def test_volatile_compares_execution_counts(jp_fetch, pair):
    plain = (await get_diff(jp_fetch, a=pair.a, b=pair.b, volatile="0"))["notebook"]
    volatile = (await get_diff(jp_fetch, a=pair.a, b=pair.b, volatile="1"))["notebook"]
    assert volatile["summary"]["modified"] == plain["summary"]["modified"] + 1
    numpy = next(c for c in volatile["cells"] if (c["a_index"], c["b_index"]) == (1, 2))
    assert numpy["status"] == "modified" and numpy["metadata_changed"] is True


async def test_a_run_against_itself_is_unchanged(jp_fetch, pair):
    diff = await get_diff(jp_fetch, a=pair.a, b=pair.a)
    assert diff["notebook"]["summary"]["unchanged"] == 6
    assert diff["summary"] == {
        "params_changed": 0,
        "metrics_changed": 0,
        "cells_changed": 0,
        "packages_changed": 0,
        "code_changed": False,
        "objects_changed": 0,
        "reproducibility_changed": False,
    }


@pytest.mark.parametrize(
    "params",
    [{}, {"a": "x"}, {"b": "x"}, {"a": "", "b": "x"}, {"a": "x", "b": "y" * 129}],
)
async def test_missing_or_overlong_ids_are_400(jp_fetch, pair, params):
    params = {k: (pair.a if v == "x" else v) for k, v in params.items()}
    assert await error_code(jp_fetch, **params) == 400


async def test_bad_volatile_is_400(jp_fetch, pair):
    assert await error_code(jp_fetch, a=pair.a, b=pair.b, volatile="yes") == 400


async def test_unknown_or_prefix_ids_are_404(jp_fetch, pair):
    assert await error_code(jp_fetch, a=pair.a, b="0" * 12) == 404
    assert await error_code(jp_fetch, a="0" * 12, b=pair.b) == 404
    # Exact ids only: a unique prefix does not resolve over HTTP.
    assert await error_code(jp_fetch, a=pair.a[:6], b=pair.b) == 404


async def test_without_token_is_403(raw_fetch, pair):
    path = f"mm-jupyter/api/diff?a={pair.a}&b={pair.b}"
    response = await raw_fetch(path, headers={"Authorization": ""})
    assert response.code == 403
    assert b"params" not in response.body
    assert (await raw_fetch(path)).code == 200


def nbdime_pair(a: str, b: str) -> tuple[str, str]:
    if not PAIRS.is_dir():
        pytest.skip(f"nbdime notebook pairs not found at {PAIRS} (../shared/testdata)")
    return (PAIRS / a).read_text("utf-8"), (PAIRS / b).read_text("utf-8")


async def test_nbdime_multi_cell_change(jp_fetch, seed):
    text_a, text_b = nbdime_pair(
        "multi_cell_nb.ipynb", "multi_cell_nb--cellchange.ipynb"
    )
    a, b = seed.run("nb-a", notebook=text_a), seed.run("nb-b", notebook=text_b)
    notebook = (await get_diff(jp_fetch, a=a, b=b))["notebook"]
    got = [
        (c["status"], c["a_index"], c["b_index"], c["cell_type"])
        for c in notebook["cells"]
    ]
    # nbdime's "cellchange" pair: the first cell's spacing is edited, g(7) and the
    # header are deleted, a markdown cell and f(6, -2) are inserted.
    assert got == [
        ("modified", 0, 0, "code"),
        ("unchanged", 1, 1, "code"),
        ("removed", 2, None, "code"),
        ("added", None, 2, "markdown"),
        ("added", None, 3, "code"),
        ("unchanged", 3, 4, "code"),
        ("removed", 4, None, "markdown"),
    ]
    first = notebook["cells"][0]["source"]
    hunk = {"op": "replace", "a": ["    r2 = x**2+y**2"], "b": ["    r2 = x**2 + y**2"]}
    assert hunk in first
    assert notebook["cells"][2]["outputs"]["b"] == []


async def test_nbdime_single_cell_source_and_output(jp_fetch, seed):
    text_a, text_b = nbdime_pair(
        "single_cell_nb.ipynb", "single_cell_nb--changed_source_output.ipynb"
    )
    a, b = seed.run("nb-a", notebook=text_a), seed.run("nb-b", notebook=text_b)
    notebook = (await get_diff(jp_fetch, a=a, b=b))["notebook"]
    first = notebook["cells"][0]
    assert (first["a_index"], first["b_index"]) == (0, 0)
    assert first["status"] == "modified"
    assert any(h["op"] != "equal" for h in first["source"])
    assert first["outputs"]["changed"] is True
    assert first["outputs"]["a"] != first["outputs"]["b"]
    assert notebook["cells"][1]["status"] == "unchanged"


async def test_directions_and_a_side_without_notebook(jp_fetch, seed):
    # Given a run with a notebook snapshot and one without
    with_nb = seed.run("nb", metrics={"val_loss": 0.3, "acc": 0.9},
                       notebook='{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    without = seed.run("plain", metrics={"val_loss": 0.4, "acc": 0.8})
    # When they are diffed
    diff = await get_diff(jp_fetch, a=with_nb, b=without)
    # Then each metric says whether lower or higher is better
    assert diff["directions"] == {"acc": "max", "val_loss": "min"}
    # and the notebook is not compared with nothing: side b has no snapshot
    assert diff["notebook"] is None and diff["notebook_missing"] == ["b"]
    both = await get_diff(jp_fetch, a=without, b=without)
    assert both["notebook_missing"] == ["a", "b"]
    assert (await get_diff(jp_fetch, a=with_nb, b=with_nb))["notebook_missing"] == []
