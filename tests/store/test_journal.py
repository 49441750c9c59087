"""The journal: what the registry could not take is spooled and imported once (items 10, 12)."""

from __future__ import annotations

import shutil
import warnings

import pytest

from mm_jupyter.errors import RegistryFullError
from mm_jupyter.services.runs import spooling
from mm_jupyter.services.runs.session import get_session
from mm_jupyter.store import journal, open_registry
from mm_jupyter.store.details import run_detail


def read_only(on: bool) -> None:
    """Make the kernel's registry connection refuse writes, as a read-only file does
    (SQLITE_READONLY, "attempt to write a readonly database")."""
    get_session().opened.conn.execute(f"PRAGMA query_only = {int(on)}")


def three_cells(ip):
    results = []
    for i in range(3):
        results.append(ip.run_cell(
            f"%%mm_track --name cell{i}\nlr = 0.{i + 1}\nimport mm_jupyter as mm\n"
            f"mm.log_metric('loss', {i}.5)\nprint('out {i}')\n{i} * 10"
        ))
    return results


def runs_named(registry, prefix="cell"):
    return registry.conn.execute(
        "SELECT name, id, status FROM runs WHERE name LIKE ? ORDER BY name", (prefix + "%",)
    ).fetchall()


def assert_three_runs(registry):
    found = runs_named(registry)
    assert [r[0] for r in found] == ["cell0", "cell1", "cell2"]  # each once
    for i, (_name, run_id, status) in enumerate(found):
        detail = run_detail(registry, run_id)
        assert status == "finished"
        assert detail["run"]["params"]["lr"] == pytest.approx(0.1 * (i + 1))
        assert [p["value"] for p in detail["metrics"]["loss"]] == [i + 0.5]
        texts = "".join(o["text"] or "" for o in detail["outputs"])
        assert f"out {i}" in texts


def test_read_only_registry_three_cells_then_writable(ip, registry_dir):
    # Given an open registry that becomes read-only
    ip.run_cell("%%mm_track --name warmup\nw = 1")
    read_only(True)
    # When three tracked cells run
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = three_cells(ip)
    # Then every cell ran, with one warning that names the journal
    assert [r.result for r in results] == [0, 10, 20]
    assert all(r.error_in_exec is None for r in results)
    found = [w for w in caught if str(w.message).startswith("mm-jupyter:")]
    assert len(found) == 1, [str(w.message) for w in found]
    (pending,) = journal.pending_journals(registry_dir)
    assert str(pending) in str(found[0].message)
    # When the registry is writable again and opened (here: by another connection)
    read_only(False)
    other = open_registry(registry_dir)
    # Then all three runs, their params, metrics and outputs are there, once
    assert_three_runs(other)
    assert journal.pending_journals(registry_dir) == []
    other.close()
    # And opening again (or the kernel's next cell) imports nothing twice
    ip.run_cell("%%mm_track --name after\nz = 1")
    again = open_registry(registry_dir)
    assert_three_runs(again)
    again.close()


def test_import_is_idempotent_even_if_the_rename_was_lost(ip, registry_dir):
    ip.run_cell("%%mm_track --name warmup\nw = 1")
    read_only(True)
    three_cells(ip)
    read_only(False)
    (pending,) = journal.pending_journals(registry_dir)
    keep = registry_dir / "copy.jsonl.bak"
    shutil.copy(pending, keep)
    open_registry(registry_dir).close()
    # Given the same journal back under its name (a crash after commit, before rename)
    shutil.copy(keep, pending)
    registry = open_registry(registry_dir)
    assert_three_runs(registry)
    assert registry.conn.execute("SELECT count(*) FROM metrics").fetchone()[0] == 3
    registry.close()


def test_unwritable_registry_folder_spools_to_a_per_user_temp_dir(ip, registry_dir):
    ip.run_cell("%%mm_track --name warmup\nw = 1")
    (registry_dir / "journal").write_text("a file where the journal folder would go")
    fallback = journal.fallback_dir(registry_dir)
    shutil.rmtree(fallback, ignore_errors=True)
    read_only(True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        three_cells(ip)
    read_only(False)
    (pending,) = journal.pending_journals(registry_dir)
    assert pending.parent == fallback
    assert any(str(pending) in str(w.message) for w in caught)
    registry = open_registry(registry_dir)
    assert_three_runs(registry)
    registry.close()
    shutil.rmtree(fallback, ignore_errors=True)


def test_end_state_is_retried_before_it_is_spooled(ip, registry_dir, monkeypatch):
    # Given a registry that refuses the run's end twice (disk full), then takes it
    from mm_jupyter.store import runs

    real, calls = runs.finish_run, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) <= 2:
            raise RegistryFullError("cannot write registry: database or disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(runs, "finish_run", flaky)
    ip.run_cell("%%mm_track --name retried\nprint('kept')")
    # Then the run ended in the registry itself, with its output; nothing spooled
    registry = open_registry(registry_dir)
    ((status, run_id),) = registry.conn.execute(
        "SELECT status, id FROM runs WHERE name = 'retried'").fetchall()
    assert status == "finished" and len(calls) == 3
    assert "kept" in run_detail(registry, run_id)["outputs"][0]["text"]
    assert journal.pending_journals(registry_dir) == []
    registry.close()


def test_end_that_never_lands_is_spooled_not_left_running(ip, registry_dir, monkeypatch):
    # Given a cell whose run started in the registry, which turns read-only mid-cell
    monkeypatch.setattr(spooling, "END_RETRY_DELAYS_S", (0.01,))
    ip.run_cell(
        "%%mm_track --name midway\nfrom mm_jupyter.services.runs.session import get_session\n"
        "get_session().opened.conn.execute('PRAGMA query_only = 1')\nprint('the output')"
    )
    read_only(False)
    registry = open_registry(registry_dir)
    ((status, run_id),) = registry.conn.execute(
        "SELECT status, id FROM runs WHERE name = 'midway'").fetchall()
    assert status == "finished"  # not 'running', later 'killed'
    assert "the output" in run_detail(registry, run_id)["outputs"][0]["text"]
    registry.close()
