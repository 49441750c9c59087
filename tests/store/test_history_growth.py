"""Execution history is stored once per entry; older registries read the same (item 14)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mm_jupyter.store import SCHEMA_VERSION, open_registry, runs
from mm_jupyter.store.details import run_detail

FIXTURE = Path(__file__).parent / "data" / "registry_v4.db"


def used_bytes(registry):
    conn = registry.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    return (pages - free) * conn.execute("PRAGMA page_size").fetchone()[0]


def start(registry, history, kernel="host:1:k", cell="x = 1"):
    run = runs.NewRun(id=runs.new_run_id(), name="r", experiment="e",
                      started_at=runs.iso_now(), cell_source=cell, history=history,
                      history_kernel=kernel)
    runs.create_run(registry, run)
    return run.id


@pytest.mark.sqlite_only("measures the SQLite file's pages")
def test_growth_per_cell_stays_flat_over_many_cells(registry):
    history = []
    sizes = []
    for n in range(1, 401):
        history.append((n, f"%%mm_track\nx = {n}"))
        start(registry, list(history))
        if n in (100, 200, 400):
            sizes.append(used_bytes(registry))
    first, second = (sizes[1] - sizes[0]) / 100, (sizes[2] - sizes[1]) / 200
    assert second < 1.5 * first  # linear, not quadratic
    assert second < 2000  # bytes per tracked one-line cell


@pytest.mark.sqlite_only("measures the SQLite file's pages")
def test_one_big_cell_is_stored_once(registry):
    big = "data = '" + "x" * 2_000_000 + "'"
    history = [(1, big), (2, "%%mm_track\na = 1")]
    start(registry, list(history))
    before = used_bytes(registry)
    for n in range(3, 8):
        history.append((n, f"%%mm_track\nb = {n}"))
        start(registry, list(history))
    assert (used_bytes(registry) - before) / 5 < 20_000


def test_history_reads_as_before(registry):
    history = [(1, "import numpy"), (2, "lr = 0.1"), (3, "%%mm_track\nfit()")]
    first = start(registry, history[:2])
    second = start(registry, history)
    assert run_detail(registry, first)["code"]["history"] == [
        {"n": 1, "source": "import numpy"}, {"n": 2, "source": "lr = 0.1"}]
    assert run_detail(registry, second)["code"]["history"] == [
        {"n": n, "source": s} for n, s in history]
    # A run without a kernel key (the Python API) and an empty history read as before
    legacy = runs.NewRun(id=runs.new_run_id(), name="l", experiment="e",
                         started_at=runs.iso_now(), history=history)
    runs.create_run(registry, legacy)
    assert run_detail(registry, legacy.id)["code"]["history"][2]["source"] == history[2][1]
    assert run_detail(registry, start(registry, []))["code"]["history"] == []


def test_restarted_history_never_shows_another_runs_code(registry):
    first = start(registry, [(1, "a = 1"), (2, "b = 2")])
    second = start(registry, [(1, "c = 3")])  # %reset: numbering starts again
    third = start(registry, [(1, "c = 3"), (2, "d = 4")])
    assert [h["source"] for h in run_detail(registry, first)["code"]["history"]] == [
        "a = 1", "b = 2"]
    assert [h["source"] for h in run_detail(registry, second)["code"]["history"]] == ["c = 3"]
    assert [h["source"] for h in run_detail(registry, third)["code"]["history"]] == [
        "c = 3", "d = 4"]


def test_schema_4_registry_upgrades_and_reads_the_same(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "registry.db")
    registry = open_registry(folder)
    assert registry.schema_version() == SCHEMA_VERSION
    detail = run_detail(registry, "bbbbbbbbbbbb")
    assert detail["code"]["history"] == [
        {"n": 1, "source": "import numpy as np"},
        {"n": 2, "source": "%%mm_track --name a\nlr = 0.1"},
        {"n": 3, "source": "%%mm_track --name b\nlr = 0.2"},
    ]
    assert detail["run"]["params"] == {"lr": 0.2}
    assert registry.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # and new runs go on in the upgraded file
    start(registry, [(1, "x = 1")])
    registry.close()


def test_tracked_cells_record_the_kernel_history(ip):
    import mm_jupyter as mm

    ip.run_cell("a = 1", store_history=True)
    ip.run_cell("%%mm_track --name h1\nb = 2", store_history=True)
    ip.run_cell("%%mm_track --name h2\nc = 3", store_history=True)
    history = run_detail(mm.get_registry(), "h2")["code"]["history"]
    sources = [h["source"] for h in history]
    assert sources[-3:] == ["a = 1", "%%mm_track --name h1\nb = 2", "%%mm_track --name h2\nc = 3"]
    numbers = [h["n"] for h in history]
    assert numbers == sorted(set(numbers))
