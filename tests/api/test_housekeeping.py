"""mm.update_run, archive/restore/delete/move_run and mm.set_metric_direction on runs
recorded by mm.track in this process (SQLite, or PostgreSQL with
--registry-backend=postgresql)."""

from __future__ import annotations

import pytest

import mm_jupyter as mm
from mm_jupyter.errors import ConflictError, NotFoundError
from mm_jupyter.records import Run


@pytest.fixture
def reg(registry, monkeypatch):
    from mm_jupyter.services.runs.session import get_session

    monkeypatch.setenv("MM_JUPYTER_USER", "alice")
    session = get_session()
    session.reset_registry()
    yield registry
    session.reset_registry()


def tracked(name, experiment="exp", **tags):
    with mm.track(name, experiment=experiment, tags=tags or None) as run:
        mm.log_metric("val_loss", 0.5)
    return run.id


def test_update_returns_the_run_and_the_history_names_the_user(reg):
    run_id = tracked("baseline", team="risk")

    run = mm.update_run(run_id, name="tuned", note="**lr** 0.1 was too high",
                        tags={"stage": "dev", "team": None}, starred=True)

    assert isinstance(run, Run) and run.id == run_id
    assert (run.name, run.note, run.starred) == ("tuned", "**lr** 0.1 was too high", True)
    assert run.tags.get("stage") == "dev" and "team" not in run.tags
    assert mm.get_run(run_id).name == "tuned"
    # Only what is given changes.
    again = mm.update_run("tuned", starred=False)
    assert (again.name, again.note, again.starred) == ("tuned", "**lr** 0.1 was too high", False)

    from mm_jupyter.services.runs.queries import run_detail

    events = run_detail(reg, run_id)["events"]
    assert [e["action"] for e in events][:1] == ["star"]
    assert {e["user"] for e in events} == {"alice"}
    assert sorted(e["action"] for e in events) == ["note", "rename", "star", "star", "tag"]


def test_archive_delete_restore_and_move(reg):
    run_id = tracked("keep-me")
    archived = mm.archive_run(run_id)
    assert archived.archived_at is not None and archived.deleted_at is None
    deleted = mm.delete_run(run_id)
    assert deleted.deleted_at is not None
    # the run read back by id says it is deleted (lists leave it out)
    assert mm.get_run(run_id).deleted_at == deleted.deleted_at
    assert run_id not in [r.id for r in mm.list_runs(include_archived=True)]
    restored = mm.restore_run(run_id)
    assert restored.archived_at is None and restored.deleted_at is None
    moved = mm.move_run(run_id, "brand-new-experiment")
    assert moved.experiment == "brand-new-experiment"


def test_a_running_run_cannot_be_deleted_or_moved(reg):
    with mm.track("live") as live:
        with pytest.raises(ConflictError, match=f"run {live.id} cannot be deleted: it is still running"):
            mm.delete_run(live.id)
        with pytest.raises(ConflictError, match="cannot be moved"):
            mm.move_run(live.id, "elsewhere")
    assert mm.delete_run(live.id).deleted_at is not None


def test_bad_input_and_unknown_runs(reg):
    run_id = tracked("named")
    with pytest.raises(NotFoundError):
        mm.update_run("no-such-run", name="x")
    with pytest.raises(ValueError, match="run name 'a@b' contains '@'"):
        mm.update_run(run_id, name="a@b")
    with pytest.raises(ValueError, match="the limit is 65536 bytes"):
        mm.update_run(run_id, note="é" * 40000)
    assert mm.get_run(run_id).name == "named"


def test_metric_direction_override(reg):
    assert mm.set_metric_direction("val_loss", "max") == {
        "key": "val_loss", "direction": "max", "source": "set"}
    from mm_jupyter.services.runs.queries import run_keys

    tracked("with-metrics")
    assert run_keys(reg)["directions"] == {"val_loss": "max"}
    assert mm.set_metric_direction("val_loss", None)["direction"] == "min"
    assert run_keys(reg)["directions"] == {"val_loss": "min"}
    with pytest.raises(ValueError, match="'min' \\(lower is better\\)"):
        mm.set_metric_direction("val_loss", "down")
