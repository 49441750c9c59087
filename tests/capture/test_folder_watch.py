"""The working folder's watch (Linux inotify): which files changed during a cell."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from mm_jupyter.capture.folder_watch import FolderWatch
from mm_jupyter.capture.written_files import FileFilter, scan_written_files

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="inotify is Linux's")


@pytest.fixture
def watch(tmp_path):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "before.csv").write_text("old")
    found = FolderWatch(tmp_path)
    found.start()
    assert found.wait_ready(10), found.problem
    yield found
    found.close()


def test_files_written_after_the_mark_and_only_those(watch, tmp_path):
    (tmp_path / "early.csv").write_text("before the cell")
    assert watch.mark()
    (tmp_path / "top.csv").write_text("1")
    (tmp_path / "data" / "raw" / "deep.parquet").write_bytes(b"2")
    with open(tmp_path / "before.csv", "a") as f:
        f.write(" appended")
    assert watch.changed() == {
        tmp_path / "top.csv", tmp_path / "data" / "raw" / "deep.parquet",
        tmp_path / "before.csv",
    }
    assert watch.mark() and watch.changed() == set()  # nothing since


def test_folders_created_during_the_cell_and_their_files(watch, tmp_path):
    assert watch.mark()
    (tmp_path / "out" / "fold1").mkdir(parents=True)
    (tmp_path / "out" / "fold1" / "preds.csv").write_text("p")
    (tmp_path / "out" / "model.pkl").write_bytes(b"m")
    assert watch.changed() == {
        tmp_path / "out" / "fold1" / "preds.csv", tmp_path / "out" / "model.pkl"
    }
    # The new folders are watched from then on.
    assert watch.mark()
    (tmp_path / "out" / "fold1" / "later.csv").write_text("l")
    assert watch.changed() == {tmp_path / "out" / "fold1" / "later.csv"}


def test_moved_in_and_touched_files(watch, tmp_path, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "staged.csv"
    outside.write_text("s")
    assert watch.mark()
    os.replace(outside, tmp_path / "data" / "staged.csv")  # a writer's atomic rename
    os.utime(tmp_path / "before.csv")  # `touch`
    assert watch.changed() == {tmp_path / "data" / "staged.csv", tmp_path / "before.csv"}


def test_hidden_and_tooling_folders_are_not_watched(tmp_path):
    for name in (".git", "node_modules", "__pycache__"):
        (tmp_path / name).mkdir()
    watch = FolderWatch(tmp_path)
    watch.start()
    assert watch.wait_ready(10)
    try:
        assert watch.mark()
        for name in (".git", "node_modules", "__pycache__"):
            (tmp_path / name / "x.csv").write_text("x")
        (tmp_path / ".secret").mkdir()  # created during the cell: not entered either
        (tmp_path / ".secret" / "y.csv").write_text("y")
        assert watch.changed() == set()
    finally:
        watch.close()


def test_a_folder_with_more_folders_than_the_watch_may_hold(tmp_path):
    for i in range(5):
        (tmp_path / f"d{i}").mkdir()
    watch = FolderWatch(tmp_path, max_watches=3)
    watch.start()
    assert not watch.wait_ready(10)
    assert watch.problem == f"{tmp_path} has more than 3 folders to watch"
    assert not watch.mark() and watch.changed() is None  # callers scan


def test_an_overflowing_cell_is_not_vouched_for_and_the_watch_recovers(watch, tmp_path):
    assert watch.mark()
    queue = int(Path("/proc/sys/fs/inotify/max_queued_events").read_text())
    a = os.open(tmp_path / "a.csv", os.O_WRONLY | os.O_CREAT)
    b = os.open(tmp_path / "b.csv", os.O_WRONLY | os.O_CREAT)
    try:
        for _ in range(queue // 2 + 10):  # alternating, so the kernel cannot merge them
            os.write(a, b"1")
            os.write(b, b"2")
    finally:
        os.close(a)
        os.close(b)
    assert watch.changed() is None
    assert watch.wait_ready(10)  # rebuilt
    assert watch.mark()
    (tmp_path / "after.csv").write_text("x")
    assert watch.changed() == {tmp_path / "after.csv"}


def test_the_filter_selects_what_a_scan_would(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("a.csv", "b.py", "sub/c.parquet", ".d.csv", "sub/big.npy"):
        (tmp_path / name).write_bytes(b"x" * (2000 if "big" in name else 1))
    files = FileFilter(tmp_path, 0, max_bytes=1000)
    changed = {tmp_path / n for n in ("a.csv", "b.py", "sub/c.parquet", ".d.csv",
                                      "sub/big.npy", "sub/gone.csv")}
    assert files.select(changed) == scan_written_files(files).files == [
        tmp_path / "a.csv", tmp_path / "sub" / "c.parquet"
    ]


def test_a_scan_says_when_it_stopped_at_its_bound(tmp_path):
    for i in range(30):
        (tmp_path / f"f{i}.csv").write_text("x")
    (tmp_path / "zz").mkdir()
    (tmp_path / "zz" / "late.csv").write_text("x")
    files = FileFilter(tmp_path, 0)
    short = scan_written_files(files, max_entries=20)
    assert short.cut_short and tmp_path / "zz" / "late.csv" not in short.files
    whole = scan_written_files(files, max_entries=100)
    assert not whole.cut_short and tmp_path / "zz" / "late.csv" in whole.files
