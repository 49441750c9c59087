"""Keyset paging of the runs list (``cursor=``, ``next_cursor``/``prev_cursor``): the
pages a cursor walks, forwards or back, concatenate to exactly the order one offset
listing gives, for every kind of sort, ties, NULLs, runs without the sorted value,
text search and filters, on both backends."""

from __future__ import annotations

import random
import time

import pytest

from mm_jupyter.core.paging import decode_cursor, encode_cursor
from mm_jupyter.store import queries, runs

N_RUNS = 41


@pytest.fixture
def listed(registry):
    """``N_RUNS`` runs with ties everywhere: shared start times, three lr values, a
    metric some runs lack or hold as NaN, running runs without finished_at, and
    archived and child runs the list leaves out."""
    rng = random.Random(7)
    ids = []
    for i in range(N_RUNS):
        run_id = runs.new_run_id()
        params = [("lr", rng.choice((0.1, 0.01, 0.001)), "explicit")]
        if i % 7 == 0:
            params.append(("note", "text", "explicit"))  # no number for value_num
        runs.create_run(registry, runs.NewRun(
            id=run_id, name=f"run-{i % 13}", experiment=rng.choice(("a", "b")),
            started_at=f"2026-01-0{1 + i % 3}T00:00:00.000Z", params=params,
            tags={"team": "x" if i % 2 else "y"}))
        if i % 5:
            runs.finish_run(registry, run_id, status="finished",
                            finished_at=f"2026-02-0{1 + i % 4}T00:00:00.000Z",
                            duration_s=float(i % 6))
        if i % 4:
            value = float("nan") if i % 9 == 0 else round(rng.random(), 1)
            runs.write_metric_points(registry, [(run_id, "acc", 0, value, time.time())])
        ids.append(run_id)
    return ids


SORTS = ["started_at", "name", "experiment", "status", "id", "finished_at", "duration_s",
         "metric:acc", "param:lr", "param:note", "metric:none"]


def _ids(page):
    return [run["id"] for run in page["runs"]]


def _walk(registry, page, key, **options):
    pages = [page]
    while pages[-1][key]:
        pages.append(queries.query_runs(registry, cursor=pages[-1][key], **options))
        assert len(pages) < 50
    return pages


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_cursor_pages_concatenate_to_the_offset_listing(registry, listed, sort, order):
    whole = queries.query_runs(registry, sort=sort, order=order, limit=500)
    expected = _ids(whole)
    assert len(expected) == whole["total"] == N_RUNS
    assert whole["next_cursor"] is None and whole["prev_cursor"] is None
    for size in (1, 4, 7):
        options = {"sort": sort, "order": order, "limit": size}
        forward = _walk(registry, queries.query_runs(registry, **options), "next_cursor",
                        **options)
        assert [i for page in forward for i in _ids(page)] == expected
        assert [page["offset"] for page in forward] == list(range(0, N_RUNS, size))
        assert all(_ids(page) == _ids(queries.query_runs(
            registry, offset=page["offset"], **options)) for page in forward)
        # Back from the last page: the same pages, in reverse.
        back = _walk(registry, forward[-1], "prev_cursor", **options)
        assert [_ids(page) for page in back] == [_ids(page) for page in forward[::-1]]
        assert back[-1]["offset"] == 0 and back[-1]["prev_cursor"] is None


@pytest.mark.parametrize("on_index", [False, True])
@pytest.mark.parametrize("sort", ["started_at", "metric:acc", "param:lr", "finished_at",
                                  "experiment"])
def test_offset_pages_match_the_order(registry, listed, sort, on_index, monkeypatch):
    """Offsets from the start, from the end, and skipped on the indexes alone."""
    if on_index:
        monkeypatch.setattr(queries, "SKIP_ON_INDEX", 1)
    expected = _ids(queries.query_runs(registry, sort=sort, limit=500))
    for offset in range(0, N_RUNS + 2, 3):
        page = queries.query_runs(registry, sort=sort, limit=5, offset=offset)
        assert _ids(page) == expected[offset:offset + 5]
        assert (page["next_cursor"] is not None) == (offset + 5 < N_RUNS)
        assert (page["prev_cursor"] is not None) == (0 < offset < N_RUNS)


@pytest.mark.parametrize("options", [
    {"q": "run-1"}, {"q": "un"}, {"filter": "metrics.acc > 0.3"},
    {"filter": "params.lr <= 0.01 and tags.team = 'x'"}, {"experiment": "a"},
    {"status": "running"},
])
@pytest.mark.parametrize("sort", ["started_at", "metric:acc", "param:lr", "duration_s"])
def test_cursor_pages_with_search_and_filters(registry, listed, options, sort):
    expected = _ids(queries.query_runs(registry, sort=sort, limit=500, **options))
    first = queries.query_runs(registry, sort=sort, limit=3, **options)
    pages = _walk(registry, first, "next_cursor", sort=sort, limit=3, **options)
    assert [i for page in pages for i in _ids(page)] == expected


def test_a_cursor_page_does_not_shift_when_runs_are_recorded(registry, listed):
    first = queries.query_runs(registry, limit=10)
    second = queries.query_runs(registry, limit=10, cursor=first["next_cursor"])
    runs.create_run(registry, runs.NewRun(id=runs.new_run_id(), name="late",
                                          experiment="a", started_at=runs.iso_now()))
    again = queries.query_runs(registry, limit=10, cursor=first["next_cursor"])
    assert _ids(again) == _ids(second) and again["total"] == N_RUNS + 1


def test_bad_cursors_are_value_errors(registry, listed):
    page = queries.query_runs(registry, sort="metric:acc", limit=5)
    with pytest.raises(ValueError, match="another sort"):
        queries.query_runs(registry, sort="param:lr", cursor=page["next_cursor"])
    with pytest.raises(ValueError, match="another sort"):
        queries.query_runs(registry, sort="metric:acc", order="asc",
                           cursor=page["next_cursor"])
    for token in ("!!", "abc", encode_cursor({"s": "metric:acc", "o": "desc"}),
                  encode_cursor({"s": "metric:acc", "o": "desc", "g": 0, "n": -1, "t": 1}),
                  "x" * 5000):
        with pytest.raises(ValueError, match="cursor"):
            queries.query_runs(registry, sort="metric:acc", cursor=token)
    payload = decode_cursor(page["next_cursor"])
    assert payload["n"] == 5 and payload["s"] == "metric:acc"


def test_offsets_skipped_on_indexes_only_when_every_run_is_listed(registry, listed,
                                                                  monkeypatch):
    monkeypatch.setattr(queries, "SKIP_ON_INDEX", 1)
    hidden = listed[-1]  # the newest run, archived: the index alone would count it
    with registry.write() as conn:
        conn.execute("UPDATE runs SET archived_at = ? WHERE id = ?", (runs.iso_now(), hidden))
    for sort in ("started_at", "metric:acc"):
        expected = _ids(queries.query_runs(registry, sort=sort, limit=500))
        assert hidden not in expected and len(expected) == N_RUNS - 1
        for offset in (3, 17, 30):
            page = queries.query_runs(registry, sort=sort, limit=4, offset=offset)
            assert _ids(page) == expected[offset:offset + 4]


@pytest.mark.parametrize("budget", [0, queries.WALK_BUDGET])
@pytest.mark.parametrize(("sort", "order"), [
    ("started_at", "desc"), ("started_at", "asc"), ("name", "desc"), ("status", "asc"),
    ("metric:acc", "desc"), ("param:lr", "desc")])
def test_search_pages_through_the_index_candidates(registry, listed, sort, order, budget,
                                                   monkeypatch):
    """More matches than a search lists by id: the sort's index is walked (checking
    each entry against the trigram index's candidates once a plain walk ran out of
    its budget, SQLite; a run column's walk bounded by its matches' least and greatest
    value), same runs and order as without, by cursor both ways."""
    from mm_jupyter.store import text_search

    options = {"q": "run-1", "sort": sort, "order": order}
    expected = _ids(queries.query_runs(registry, limit=500, **options))
    monkeypatch.setattr(text_search, "SPARSE_MAX", 2)
    monkeypatch.setattr(queries, "WALK_BUDGET", budget)
    assert _ids(queries.query_runs(registry, limit=500, **options)) == expected
    first = queries.query_runs(registry, limit=3, **options)
    pages = _walk(registry, first, "next_cursor", limit=3, **options)
    assert [i for page in pages for i in _ids(page)] == expected
    assert first["total"] == len(expected) > 2
    back = _walk(registry, pages[-1], "prev_cursor", limit=3, **options)
    assert [i for page in back[::-1] for i in _ids(page)] == expected
