"""mm-jupyter runs rename|note|tag|star|archive|restore|delete|move, metrics
direction|directions and gc purging deleted runs, as real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from mm_jupyter.store import runs
from mm_jupyter.store.details import run_detail

CLI = [sys.executable, "-m", "mm_jupyter.cli.main"]


def cli(*args, stdin=None, env=None):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60,
                          input=stdin, env={**os.environ, "MM_JUPYTER_USER": "carol",
                                            **(env or {})})


def seed(registry, name, *, finish=True, outputs=(), blobs=()):
    run = runs.NewRun(id=runs.new_run_id(), name=name, experiment="exp",
                      started_at=runs.iso_now(), tags={"team": "risk"})
    runs.create_run(registry, run)
    runs.write_metric_points(registry, [(run.id, "val_loss", 0, 0.3, time.time())])
    if finish:
        runs.finish_run(registry, run.id, status="finished", finished_at=runs.iso_now(),
                        duration_s=1.0, outputs=outputs, blobs=blobs)
    return run.id


def ok(done):
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_edit_commands_change_the_run_and_record_the_user(registry, tmp_path):
    run_id = seed(registry, "baseline")

    assert ok(cli("runs", "rename", "baseline", "tuned")) == f"renamed {run_id} tuned (exp)\n"
    note_file = tmp_path / "note.md"
    note_file.write_text("# Finding\nthe *lr* matters\n", encoding="utf-8")
    ok(cli("runs", "note", run_id, "--file", str(note_file)))
    tagged = json.loads(ok(cli("runs", "tag", "tuned", "stage=prod", "--remove", "team",
                               "--json")))
    assert tagged["tags"] == {"stage": "prod"} and tagged["note"] == "# Finding\nthe *lr* matters\n"
    starred = json.loads(ok(cli("runs", "star", run_id, "--json")))
    assert starred["starred"] is True and starred["name"] == "tuned"

    events = run_detail(registry, run_id)["events"]
    assert [e["action"] for e in events] == ["star", "tag", "note", "rename"]
    assert {e["user"] for e in events} == {"carol"}

    ok(cli("runs", "note", run_id, "--clear"))
    assert run_detail(registry, run_id)["note"] is None
    shown = json.loads(ok(cli("runs", "show", run_id, "--json")))
    assert [e["action"] for e in shown["events"]] == ["note", "star", "tag", "note", "rename"]
    assert shown["note"] is None and shown["starred"] is True and shown["deleted_at"] is None


def test_bad_input_is_one_line_and_nothing_changes(registry):
    run_id = seed(registry, "keep")
    done = cli("runs", "note", run_id, "text", "--clear")
    assert done.returncode == 2 and "give exactly one of TEXT, --file F or --clear" in done.stderr
    done = cli("runs", "rename", run_id, "bad:name")
    assert done.returncode == 2 and "run name 'bad:name' contains ':'" in done.stderr
    done = cli("runs", "tag", run_id, "novalue")
    assert done.returncode == 2 and "tag 'novalue' is not KEY=VALUE" in done.stderr
    done = cli("runs", "archive", run_id, "no-such-run")
    assert done.returncode == 1 and "no run with id or name 'no-such-run'" in done.stderr
    assert run_detail(registry, run_id)["archived_at"] is None  # a typo changes nothing
    assert run_detail(registry, run_id)["events"] == []


def test_archive_delete_restore_move_and_gc(registry):
    payload = b"figure only the deleted run has"
    digest = registry.blobs.put_bytes(payload)
    figure = runs.OutputRecord(seq=0, output_type="display_data",
                               blobs={"image/png": {"digest": digest, "size": len(payload)}})
    first = seed(registry, "first", outputs=[figure], blobs=[(digest, len(payload), "image/png")])
    second = seed(registry, "second")
    running = seed(registry, "running", finish=False)

    archived = json.loads(ok(cli("runs", "archive", first, second, "--json")))
    assert [r["id"] for r in archived] == [first, second]
    assert all(r["archived_at"] for r in archived)
    restored = json.loads(ok(cli("runs", "restore", first, second, "--json")))
    assert not any(r["archived_at"] for r in restored)
    moved = ok(cli("runs", "move", first, second, "--to", "cleaned"))
    assert moved.splitlines() == [f"moved {first} first (cleaned)", f"moved {second} second (cleaned)"]

    # Deleting from a script must be explicit; a running run cannot be deleted.
    refused = cli("runs", "delete", first)
    assert refused.returncode == 2 and "pass --yes" in refused.stderr
    busy = cli("runs", "delete", running, "--yes")
    assert busy.returncode == 1 and "still running" in busy.stderr
    ok(cli("runs", "delete", first, "--yes"))
    assert run_detail(registry, first)["deleted_at"] is not None

    dry = json.loads(ok(cli("gc", "--grace", "0", "--dry-run", "--json")))
    assert dry["runs_purged"] == 1 and dry["freed_bytes"] >= len(payload)
    assert registry.blobs.has(digest)
    text = ok(cli("gc", "--grace", "0"))
    assert "purged 1 deleted run" in text
    assert not registry.blobs.has(digest)
    listed = json.loads(ok(cli("runs", "list", "--json", "--experiment", "cleaned")))
    assert [r["id"] for r in listed] == [second]


def test_metric_directions(registry):
    seed(registry, "with-loss")
    assert ok(cli("metrics", "direction", "val_loss")) == "val_loss: min (lower is better; inferred)\n"
    assert json.loads(ok(cli("metrics", "direction", "val_loss", "max", "--json"))) == {
        "key": "val_loss", "direction": "max", "source": "set"}
    rows = json.loads(ok(cli("metrics", "directions", "--json")))
    assert rows == [{"key": "val_loss", "direction": "max", "source": "set", "set_by": "carol",
                     "set_at": rows[0]["set_at"]}]
    ok(cli("metrics", "direction", "val_loss", "--clear"))
    assert "val_loss  min  inferred" in ok(cli("metrics", "directions"))
    bad = cli("metrics", "direction", "val_loss", "down")
    assert bad.returncode == 2 and "'down' is not one of 'min', 'max'" in bad.stderr
