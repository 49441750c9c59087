"""The Python API in a script: mm.track() as a context manager, in a real process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import mm_jupyter as mm

    with mm.track("script-run", experiment="scripts", tags={"k": "v"}, params={"alpha": 0.5}) as run:
        assert mm.active_run().id == run.id
        mm.log_param("beta", [1, 2])
        mm.log_params({"gamma": "g"})
        mm.set_tags({"stage": "dev"})
        for step in range(100):
            mm.log_metric("loss", 1 / (step + 1))
        mm.log_metrics({"acc": 0.75, "nan_metric": float("nan")}, step=7)
        print("from the script")
    assert mm.active_run() is None
    got = mm.get_run("script-run")
    print("JSON" + __import__("json").dumps(got.to_dict()))
    try:
        with mm.track("failing"):
            raise RuntimeError("kept")
    except RuntimeError as exc:
        assert str(exc) == "kept"
    print("STATUS", mm.get_run("failing").status)
    """
)


@pytest.mark.slow
def test_track_context_manager_in_a_script(tmp_path, registry_dir):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "from the script" in done.stdout
    data = json.loads(done.stdout.split("JSON", 1)[1].splitlines()[0])
    assert data["status"] == "finished" and data["experiment"] == "scripts"
    assert data["params"] == {"alpha": 0.5, "beta": [1, 2], "gamma": "g"}
    assert data["metrics"] == {"loss": 0.01, "acc": 0.75, "nan_metric": "NaN"}
    assert data["tags"] == {"k": "v", "stage": "dev", "script": str(script)}
    assert "STATUS failed" in done.stdout

    from mm_jupyter.store import open_registry
    from mm_jupyter.store.details import run_detail

    detail = run_detail(open_registry(registry_dir), "script-run")
    assert detail["code"]["cell"] == SCRIPT  # the script is the run's code
    assert len(detail["metrics"]["loss"]) == 100
    assert detail["metrics"]["acc"][0]["step"] == 7
    assert detail["outputs"][0]["text"] == "from the script\n"


def test_a_run_records_the_user_mm_jupyter_user_names(registry_dir, monkeypatch):
    import mm_jupyter as mm
    from mm_jupyter.services.runs.session import get_session

    get_session().reset_registry()
    monkeypatch.setenv("MM_JUPYTER_USER", "alice")
    with mm.track(name="as-alice"):
        mm.log_metric("acc", 0.5)
    monkeypatch.setenv("MM_JUPYTER_USER", "  ")  # blank: the login name again
    with mm.track(name="as-login"):
        pass
    assert mm.get_run("as-alice").user == "alice"
    assert [r.name for r in mm.list_runs(user="alice")] == ["as-alice"]
    assert mm.get_run("as-login").user not in ("alice", "  ")
    get_session().reset_registry()


def test_a_backlog_bigger_than_one_flush_transaction_is_written_whole(registry_dir):
    """More points than FLUSH_CHUNK go in several transactions, in order, none lost."""
    script = textwrap.dedent("""
        import mm_jupyter as mm
        from mm_jupyter.services.runs.session import FLUSH_CHUNK, get_session
        n = 2 * FLUSH_CHUNK + 123
        with mm.track("backlog"):
            run = mm.active_run()
            for step in range(n):
                get_session().add_point(run, "x", step, float(step))
        r = mm.get_registry()
        with r.read() as conn:
            print(conn.execute("SELECT count(*), min(step), max(step), sum(value)"
                               " FROM metrics").fetchone(), n)
            print(conn.execute("SELECT step FROM latest_metrics").fetchone()[0])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    counts, latest = done.stdout.splitlines()
    n = int(counts.rsplit(" ", 1)[1])
    assert counts.startswith(f"({n}, 0, {n - 1}, {float(sum(range(n)))})")
    assert int(latest) == n - 1
