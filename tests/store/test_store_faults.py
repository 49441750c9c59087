"""A damaged, truncated or deleted registry file; orphan blob temps (issue 10: 3, 11, 13)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
import warnings

import pytest

import mm_jupyter as mm
from mm_jupyter.errors import RegistryCorruptError
from mm_jupyter.services.runs.session import get_session
from mm_jupyter.store import open_registry, runs
from mm_jupyter.store.maintenance import gc, verify

CLI = [sys.executable, "-m", "mm_jupyter.cli.main"]


def cli(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ))


def make_runs(registry, n):
    ids = []
    for i in range(n):
        run = runs.NewRun(id=runs.new_run_id(), name=f"r{i}", experiment="e",
                          started_at=runs.iso_now(), params=[("i", i, "explicit")],
                          cell_source=f"i = {i}\n" + "x" * 500)
        runs.create_run(registry, run)
        runs.finish_run(registry, run.id, status="finished", finished_at=runs.iso_now(),
                        duration_s=1.0)
        ids.append(run.id)
    registry.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return ids


def damage_pages(db_path, first_page=3, pages=4):
    """Overwrite pages in the middle of the file with garbage, as a rogue write would."""
    with open(db_path, "r+b") as handle:
        handle.seek(4096 * first_page)
        handle.write(os.urandom(4096 * pages))


def mm_warnings(caught):
    return [w for w in caught if str(w.message).startswith("mm-jupyter:")]


# -- item 3: corrupt or truncated file ------------------------------------------


def test_truncated_under_an_open_kernel_the_cell_runs_with_one_warning(ip, registry_dir):
    # Given a kernel whose registry is open, and the file then truncated to 0 bytes
    ip.run_cell("%%mm_track --name first\na = 1")
    db = registry_dir / "registry.db"
    get_session().opened.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.truncate(db, 0)
    # When two more tracked cells run
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = ip.run_cell("%%mm_track --name second\nb = 6 * 7\nb")
        second = ip.run_cell("%%mm_track --name third\nc = 1\nc")
    # Then both bodies ran and returned their results, with one warning naming the file
    assert first.error_in_exec is None and first.result == 42 and ip.user_ns["b"] == 42
    assert second.error_in_exec is None and ip.user_ns["c"] == 1
    found = mm_warnings(caught)
    assert len(found) == 1, [str(w.message) for w in found]
    assert f"registry file is corrupt: {db}" in str(found[0].message)
    # And list_runs says the same, as an mm error rather than a raw sqlite3 one
    with pytest.raises(RegistryCorruptError, match="registry file is corrupt"):
        mm.list_runs()


def test_damaged_pages_list_runs_and_cells(ip, registry_dir):
    registry = open_registry(registry_dir)
    make_runs(registry, 60)
    registry.close()
    damage_pages(registry_dir / "registry.db")
    get_session().reset_registry()
    ip.run_line_magic("config", "MMMagics.autolog_files = False")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = ip.run_cell("%%mm_track --name after\nz = 5\nz")
    assert result.error_in_exec is None and result.result == 5
    found = mm_warnings(caught)
    assert len(found) == 1 and "registry file is corrupt" in str(found[0].message)
    with pytest.raises(RegistryCorruptError):
        mm.list_runs()
    ip.run_line_magic("config", "MMMagics.autolog_files = True")


def test_cli_says_corrupt_at_once_not_locked_after_the_busy_timeout(registry_dir):
    # Given a registry held open by another connection (a kernel) and truncated to 0
    holder = open_registry(registry_dir)
    make_runs(holder, 2)
    os.truncate(registry_dir / "registry.db", 0)
    # When the CLI lists runs (default busy timeout 15 s)
    started = time.monotonic()
    done = cli("runs", "list")
    elapsed = time.monotonic() - started
    holder.close()
    # Then it says which file is corrupt, at once, with exit code 1
    assert done.returncode == 1
    assert f"registry file is corrupt: {registry_dir / 'registry.db'}" in done.stderr
    assert elapsed < 5


def test_doctor_reports_recovers_and_keeps_the_damaged_file(registry_dir):
    registry = open_registry(registry_dir)
    ids = make_runs(registry, 80)
    registry.close()
    damage_pages(registry_dir / "registry.db", first_page=40, pages=2)

    report = cli("doctor", "--json")
    assert report.returncode == 1
    data = json.loads(report.stdout)
    assert data["ok"] is False and data["problems"]
    assert data["registry"] == str(registry_dir / "registry.db")

    text = cli("doctor")
    assert text.returncode == 1 and "CORRUPT" in text.stdout and "--recover" in text.stdout

    fixed = cli("doctor", "--recover", "--json")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    rec = json.loads(fixed.stdout)["recovery"]
    assert os.path.exists(rec["kept"])  # the damaged file, beside the new one
    assert cli("doctor").returncode == 0
    registry = open_registry(registry_dir)
    found = {r[0] for r in registry.conn.execute("SELECT id FROM runs")}
    assert registry.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    registry.close()
    # Most runs survive a two-page hole (rows both sides of it are copied)
    assert len(found & set(ids)) >= 40


# -- item 11: the registry file deleted under a running kernel --------------------


def test_deleted_registry_is_noticed_reopened_and_warned_once(ip, registry_dir):
    ip.run_cell("%%mm_track --name before\na = 1")
    db = registry_dir / "registry.db"
    for suffix in ("", "-wal", "-shm"):
        path = f"{db}{suffix}"
        if os.path.exists(path):
            os.unlink(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ip.run_cell("%%mm_track --name after\nb = 2")
        ip.run_cell("%%mm_track --name later\nc = 3")
    found = mm_warnings(caught)
    messages = "\n".join(str(w.message) for w in found)
    assert len(found) == 1 and "was deleted" in str(found[0].message), messages
    # The runs after the deletion are in a registry at the same path, on disk
    conn = sqlite3.connect(db)
    names = {r[0] for r in conn.execute("SELECT name FROM runs")}
    assert {"after", "later"} <= names and "before" not in names


# -- item 13: orphan temp files of interrupted blob writes -------------------------


def test_verify_reports_and_gc_removes_orphan_temps(registry):
    old_style = registry.blobs.root / "sha256" / "ab" / ".tmp-x1y2z3"
    old_style.parent.mkdir(parents=True)
    old_style.write_bytes(b"a" * 1000)
    new_style = registry.blobs.root / "tmp" / ".tmp-otherhost-12-abc"
    new_style.parent.mkdir(parents=True, exist_ok=True)
    new_style.write_bytes(b"b" * 500)
    report = verify(registry)
    assert {t["path"] for t in report["temp_files"]} == {str(old_style), str(new_style)}
    assert report["temp_bytes"] == 1500
    from click.testing import CliRunner

    from mm_jupyter.cli.main import main

    text = CliRunner().invoke(main, ["verify"]).output
    assert f"TEMP     {new_style} (500 bytes" in text
    assert gc(registry, grace_s=3600)["temp_files"] == 0  # young: kept
    assert gc(registry, grace_s=0)["temp_files"] == 2
    assert not old_style.exists() and not new_style.exists()
    assert verify(registry)["temp_files"] == []


def test_open_removes_temps_of_dead_writers_on_this_host(registry_dir):
    open_registry(registry_dir).close()
    # Given a real writer process that died after creating its temp file
    script = textwrap.dedent(f"""
        import os, tempfile
        from mm_jupyter.store.blobs import temp_prefix
        fd, path = tempfile.mkstemp(dir={str(registry_dir / 'blobs' / 'tmp')!r},
                                    prefix=temp_prefix())
        os.write(fd, b"x" * 4096)
        print(path)
        os._exit(0)
    """)
    (registry_dir / "blobs" / "tmp").mkdir(parents=True, exist_ok=True)
    dead = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True).stdout.strip()
    # and a temp of a live writer (this process)
    from mm_jupyter.store.blobs import temp_prefix

    live = registry_dir / "blobs" / "tmp" / f"{temp_prefix()}live"
    live.write_bytes(b"y")
    open_registry(registry_dir).close()
    assert not os.path.exists(dead)
    assert live.exists()


def test_blob_writes_name_their_temps_by_host_and_pid(registry):
    from mm_jupyter.store.blobs import temp_owner, temp_prefix

    assert temp_owner(temp_prefix() + "abc_123")[1] == os.getpid()
    registry.blobs.put_bytes(b"payload")
    assert list((registry.blobs.root / "tmp").iterdir()) == []


@pytest.mark.sqlite_only("fills the SQLite file (max_page_count)")
def test_full_registry_is_a_clear_error_and_recovers_when_space_returns(registry):
    # Given a database that cannot grow (SQLITE_FULL, as on a full disk)
    from mm_jupyter.errors import RegistryFullError

    pages = registry.conn.execute("PRAGMA page_count").fetchone()[0]
    registry.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(RegistryFullError, match="full"):
        make_runs(registry, 50)
    assert not registry.conn.in_transaction
    assert registry.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    registry.conn.execute("PRAGMA max_page_count = 1073741823")
    make_runs(registry, 2)
