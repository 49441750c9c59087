"""Child runs over REST: ``GET runs`` lists top-level runs unless ``children=1``, with
``n_children`` on a search run; ``GET runs/{id}`` gives a search run its candidates and a
candidate its parent. The runs come from a real GridSearchCV in a tracked cell."""

from __future__ import annotations

import pytest
from server_helpers import strict_loads
from test_contract import assert_valid
from tracked_fits import N_CANDIDATES, track_fits

ROOT = "mm-jupyter/api/"


@pytest.fixture
def fits(ip):
    """``gbm``, ``nofit`` and ``search`` (6 candidates) from tracked cells."""
    return track_fits(ip)


async def get(raw_fetch, path: str):
    response = await raw_fetch(ROOT + path)
    assert response.code == 200, response.body
    return strict_loads(response.body)


async def test_the_list_shows_top_level_runs_with_their_count_of_children(raw_fetch, fits):
    page = await get(raw_fetch, "runs")
    assert_valid("runs_page", page)
    assert page["total"] == 3
    assert [(r["name"], r["n_children"], r["parent_run_id"]) for r in page["runs"]] == [
        ("search", N_CANDIDATES, None), ("nofit", 0, None), ("gbm", 0, None),
    ]
    page = await get(raw_fetch, "runs?children=1")
    assert_valid("runs_page", page)
    assert page["total"] == 3 + N_CANDIDATES
    children = [r for r in page["runs"] if r["parent_run_id"] == fits.search]
    assert len(children) == N_CANDIDATES
    assert {r["n_children"] for r in children} == {0}
    assert (await get(raw_fetch, "runs?children=0"))["total"] == 3


async def test_paging_and_sorting_count_top_level_runs_only(raw_fetch, fits):
    first = await get(raw_fetch, "runs?limit=2&sort=name&order=asc")
    second = await get(raw_fetch, "runs?limit=2&offset=2&sort=name&order=asc")
    assert (first["total"], second["total"]) == (3, 3)
    assert [r["name"] for r in first["runs"] + second["runs"]] == ["gbm", "nofit", "search"]
    # A metric only the candidates have sorts nothing but leaves the parents listed
    page = await get(raw_fetch, "runs?sort=metric:mean_test_score")
    assert page["total"] == 3 and len(page["runs"]) == 3
    page = await get(raw_fetch, "runs?sort=metric:mean_test_score&children=1&limit=3")
    assert page["total"] == 3 + N_CANDIDATES
    scores = [r["metrics"]["mean_test_score"] for r in page["runs"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 3
    # Filters and the text search keep the rule
    assert (await get(raw_fetch, "runs?q=candidate"))["total"] == 0
    assert (await get(raw_fetch, "runs?q=candidate&children=1"))["total"] == N_CANDIDATES
    assert (await get(raw_fetch, "runs?q=sear"))["total"] == 1
    assert (await get(raw_fetch, "runs?status=finished"))["total"] == 3
    assert (await get(raw_fetch, "runs?status=finished&children=1"))["total"] == 9
    response = await raw_fetch(ROOT + "runs?children=yes")
    assert response.code == 400
    assert "children" in strict_loads(response.body)["message"]


async def test_a_search_run_lists_its_candidates_best_first(raw_fetch, fits):
    detail = await get(raw_fetch, f"runs/{fits.search}")
    assert_valid("run_detail", detail)
    assert detail["parent"] is None
    assert detail["run"]["n_children"] == N_CANDIDATES
    candidates = detail["candidates"]
    assert candidates["total"] == N_CANDIDATES
    assert candidates["score"] == {
        "rank": "rank_test_score", "mean": "mean_test_score", "std": "std_test_score"
    }
    assert candidates["params"] == ["max_depth", "min_samples_leaf"]
    rows = candidates["runs"]
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    best = rows[0]
    assert best["score"] == max(r["score"] for r in rows)
    # The best candidate's params are the search's best params
    params = detail["run"]["params"]
    assert best["params"] == {
        "max_depth": params["best.max_depth"],
        "min_samples_leaf": params["best.min_samples_leaf"],
    }
    assert {r["name"] for r in rows} == {f"search/candidate-{i}" for i in range(6)}


async def test_a_candidate_links_back_to_its_parent(raw_fetch, fits):
    search = await get(raw_fetch, f"runs/{fits.search}")
    child_id = search["candidates"]["runs"][0]["id"]
    detail = await get(raw_fetch, f"runs/{child_id}")
    assert_valid("run_detail", detail)
    assert detail["parent"] == {"id": fits.search, "name": "search"}
    assert detail["run"]["parent_run_id"] == fits.search
    assert detail["candidates"] is None
    assert detail["param_sources"]["max_depth"] == "autolog"
    plain = await get(raw_fetch, f"runs/{fits.gbm}")
    assert (plain["parent"], plain["candidates"]) == (None, None)
