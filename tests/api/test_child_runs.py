"""``mm.list_runs`` leaves a search's candidates out unless ``include_children=True``;
the runs come from a real GridSearchCV in a tracked cell."""

from __future__ import annotations

from tracked_fits import N_CANDIDATES, track_fits

import mm_jupyter as mm


def test_list_runs_shows_top_level_runs_and_counts_children(ip):
    made = track_fits(ip)
    runs = mm.list_runs()
    assert [(r.name, r.n_children, r.parent_run_id) for r in runs] == [
        ("search", N_CANDIDATES, None), ("nofit", 0, None), ("gbm", 0, None),
    ]
    everything = mm.list_runs(include_children=True)
    assert len(everything) == 3 + N_CANDIDATES
    children = [r for r in everything if r.parent_run_id == made.search]
    assert sorted(r.name for r in children) == [
        f"search/candidate-{i}" for i in range(N_CANDIDATES)
    ]
    assert all(r.params.keys() == {"max_depth", "min_samples_leaf"} for r in children)
    # The filters keep the rule; the records' JSON carries both fields
    assert [r.name for r in mm.list_runs(status="finished", limit=2)] == ["search", "nofit"]
    assert mm.get_run("search").to_dict()["n_children"] == N_CANDIDATES
    assert mm.get_run(children[0].id).to_dict()["parent_run_id"] == made.search
