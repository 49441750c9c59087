"""Artifacts through the magics (auto-logging, %mm verbs) and the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from IPython.core.error import UsageError

import mm_jupyter as mm
from mm_jupyter.errors import RegistryWarning
from mm_jupyter.store.details import run_detail

CLI = [sys.executable, "-m", "mm_jupyter.cli.main"]


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_files_written_by_a_tracked_cell_are_logged(ip, cwd):
    (cwd / "old.csv").write_text("before the cell")
    os.utime(cwd / "old.csv", (1e9, 1e9))  # written long before the cell
    ip.run_cell(
        "%%mm_track --name writer\nimport pathlib, mm_jupyter as mm\n"
        "pathlib.Path('out').mkdir(exist_ok=True)\n"
        "pathlib.Path('out/preds.csv').write_text('p\\n1\\n')\n"
        "pathlib.Path('model.pkl').write_bytes(b'model')\n"
        "pathlib.Path('helper.py').write_text('x = 1')\n"
        "pathlib.Path('.hidden.csv').write_text('h')\n"
        "pathlib.Path('explicit.csv').write_text('e')\n"
        "mm.log_artifact('explicit.csv', name='my-data', kind='dataset')"
    )
    outputs = run_detail(mm.get_registry(), "writer")["artifacts"]["outputs"]
    assert {(v["name"], v["kind"]) for v in outputs} == {
        ("out/preds.csv", "dataset"), ("model.pkl", "model"), ("my-data", "dataset")
    }


def test_autolog_can_be_turned_off(ip, cwd):
    ip.run_line_magic("config", "MMMagics.autolog_files = False")
    try:
        ip.run_cell("%%mm_track --name quiet\nopen('x.csv', 'w').write('1')")
    finally:
        ip.run_line_magic("config", "MMMagics.autolog_files = True")
    assert run_detail(mm.get_registry(), "quiet")["artifacts"]["outputs"] == []


def test_mm_artifact_verbs(ip, cwd):
    (cwd / "raw.csv").write_text("a\n1\n")
    ip.run_cell("%%mm_track --name prep\nimport mm_jupyter as mm\nmm.log_artifact('raw.csv', name='raw')")
    ip.run_cell("%%mm_track --name use\nimport mm_jupyter as mm\np = mm.use_artifact('raw')")
    table = ip.run_line_magic("mm", "artifacts")
    assert "raw" in repr(table) and "prep" in repr(table)
    versions = ip.run_line_magic("mm", "artifact raw")
    assert "raw:v1" in repr(versions) and "use" in repr(versions)
    graph = ip.run_line_magic("mm", "lineage raw:v1")
    assert "<svg" in graph._repr_html_() and "prep -> raw:v1" in repr(graph)
    with pytest.raises(UsageError, match="no artifact"):
        ip.run_line_magic("mm", "artifact missing")
    with pytest.raises(UsageError, match="usage"):
        ip.run_line_magic("mm", "lineage")


def test_names_in_artifact_tables_are_escaped(ip, cwd):
    mm.log_artifact(b"x", name="<script>alert(1)</script>")
    html = ip.run_line_magic("mm", "artifacts")._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_cli_artifacts_get_verify_and_json(registry, tmp_path):
    from mm_jupyter.services.runs.session import get_session

    get_session().reset_registry()
    src = tmp_path / "data.csv"
    src.write_text("a,b\n1,2\n")
    mm.log_artifact(src, name="data", aliases=["prod"])
    env = {**os.environ}

    def cli(*args):
        return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=60)

    listed = json.loads(cli("artifacts", "list", "--json").stdout)
    assert listed[0]["name"] == "data" and listed[0]["aliases"] == {"prod": 1}
    shown = json.loads(cli("artifacts", "show", "data", "--json").stdout)
    assert shown["versions"][0]["ref"] == "data:v1"
    out = tmp_path / "fetched.csv"
    got = json.loads(cli("artifacts", "get", "data@prod", "--out", str(out), "--json").stdout)
    assert out.read_text() == "a,b\n1,2\n" and got["ref"] == "data:v1"
    assert cli("verify").returncode == 0
    blob = mm.get_registry().blobs.path_for(got["digest"])
    os.chmod(blob, 0o644)
    blob.write_text("tampered")
    damaged = cli("verify")
    assert damaged.returncode == 1 and "CORRUPT" in damaged.stdout
    failed = cli("artifacts", "get", "data", "--out", str(tmp_path / "again.csv"))
    assert failed.returncode == 1 and "corrupted" in failed.stderr
    assert not (tmp_path / "again.csv").exists()
    get_session().reset_registry()


def _big_folder(cwd):
    """6,000 files beside a folder ``zz``: the scan's 5,000-entry bound ends before it."""
    for i in range(6_000):
        (cwd / f"f{i}.csv").write_text("x")
        os.utime(cwd / f"f{i}.csv", (1e9, 1e9))  # written long before the cell
    (cwd / "zz").mkdir()


def _watch_here(ip):
    """Watch the test's folder, as %load_ext in it would."""
    files = ip.magics_manager.registry["MMMagics"].tracked_cells.files
    files.start_watch()
    assert files.watch.wait_ready(30), files.watch.problem


@pytest.mark.skipif(sys.platform != "linux", reason="the folder watch is Linux's inotify")
def test_files_written_in_a_big_folder_are_all_logged(ip, cwd, recwarn):
    _big_folder(cwd)
    _watch_here(ip)
    ip.run_cell(
        "%%mm_track --name big\nimport pathlib\n"
        "pathlib.Path('zz/preds.csv').write_text('p')\n"
        "pathlib.Path('new/fold').mkdir(parents=True)\n"
        "pathlib.Path('new/fold/model.pkl').write_bytes(b'm')"
    )
    outputs = run_detail(mm.get_registry(), "big")["artifacts"]["outputs"]
    assert {v["name"] for v in outputs} == {"zz/preds.csv", "new/fold/model.pkl"}
    assert not [w for w in recwarn if "may not all be logged" in str(w.message)]


def test_a_scan_cut_short_says_so_naming_the_folder(ip, cwd):
    _big_folder(cwd)
    ip.run_line_magic("config", "MMMagics.autolog_watch = False")
    try:
        with pytest.warns(RegistryWarning, match="may not all be logged") as caught:
            ip.run_cell("%%mm_track --name scanned\nimport pathlib\n"
                        "pathlib.Path('zz/preds.csv').write_text('p')")
    finally:
        ip.run_line_magic("config", "MMMagics.autolog_watch = True")
    message = next(str(w.message) for w in caught if "may not all" in str(w.message))
    assert str(cwd) in message and "5,000 entries" in message
    assert run_detail(mm.get_registry(), "scanned")["artifacts"]["outputs"] == []


@pytest.mark.skipif(sys.platform != "linux", reason="the folder watch is Linux's inotify")
def test_a_failing_watch_leaves_the_cell_alone_and_the_files_are_scanned(
        ip, cwd, monkeypatch):
    from mm_jupyter.capture.folder_watch import FolderWatch

    _watch_here(ip)

    def broken(self):
        raise OSError(9, "Bad file descriptor")

    monkeypatch.setattr(FolderWatch, "mark", broken)
    with pytest.warns(RegistryWarning, match="autolog not recorded"):
        result = ip.run_cell("%%mm_track --name survivor\nopen('a.csv', 'w').write('1')")
    assert result.success and result.result == 1
    outputs = run_detail(mm.get_registry(), "survivor")["artifacts"]["outputs"]
    assert [v["name"] for v in outputs] == ["a.csv"]
