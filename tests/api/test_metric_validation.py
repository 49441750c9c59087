"""mm.log_metric refuses what SQLite cannot store; the flusher outlives anything (item 6)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

import mm_jupyter as mm
from mm_jupyter.store.details import run_detail


@pytest.mark.parametrize("step", [2**70, 2**63, -(2**63) - 1])
def test_out_of_range_step_is_a_clear_value_error(registry_dir, step):
    with mm.track("steps", capture_outputs=False) as run:
        mm.log_metric("good", 1.0, step=1)
        with pytest.raises(ValueError, match=rf"step {step} of metric 'loss' is out of range"):
            mm.log_metric("loss", 0.5, step=step)
        with pytest.raises(ValueError, match="out of range"):
            mm.log_metrics({"a": 1.0, "b": 2.0}, step=step)
        mm.log_metric("edge", 2.0, step=2**63 - 1)
    detail = run_detail(mm.get_registry(), run.id)
    assert detail["run"]["status"] == "finished"
    assert set(detail["metrics"]) == {"good", "edge"}  # the good points, nothing else
    assert detail["metrics"]["edge"][0]["step"] == 2**63 - 1


def test_key_with_a_lone_surrogate_is_refused_by_name(registry_dir):
    with mm.track("keys", capture_outputs=False) as run:
        with pytest.raises(ValueError, match="lone surrogate"):
            mm.log_metric("lo\ud800ss", 1.0)
        with pytest.raises(ValueError, match="lone surrogate"):
            mm.log_metrics({"ok": 1.0, "b\udc00": 2.0})
        mm.log_metric("ok", 3.0)
    detail = run_detail(mm.get_registry(), run.id)
    assert [p["value"] for p in detail["metrics"]["ok"]] == [3.0]
    assert detail["run"]["status"] == "finished"


def test_flusher_survives_a_bad_point_and_keeps_heartbeating(tmp_path):
    # A real process: a point SQLite cannot store reaches the buffer (bypassing the
    # API); the flusher must drop it with one warning and keep writing and beating.
    script = textwrap.dedent("""
        import json, time, warnings
        warnings.simplefilter("always")
        import mm_jupyter.store.liveness as liveness
        liveness.HEARTBEAT_EVERY_S = 0.2
        import mm_jupyter.services.runs.session as session_mod
        session_mod.FLUSH_EVERY_S = 0.05
        import mm_jupyter as mm
        from mm_jupyter.services.runs.session import get_session
        with warnings.catch_warnings(record=True) as caught:
            with mm.track("long", capture_outputs=False) as run:
                s = get_session()
                mm.log_metric("before", 1.0)
                s.points.append((run.id, "bad", 2**70, 1.0, time.time()))
                s.points.append((run.id, "bad\\ud800", 1, 1.0, time.time()))
                mm.log_metric("with_bad", 2.0)
                time.sleep(0.6)
                reg = s.opened
                beat1 = reg.conn.execute("SELECT heartbeat_ts FROM runs").fetchone()[0]
                mm.log_metric("after", 3.0)
                time.sleep(0.8)
                beat2 = reg.conn.execute("SELECT heartbeat_ts FROM runs").fetchone()[0]
                keys = sorted(r[0] for r in reg.conn.execute("SELECT DISTINCT key FROM metrics"))
                alive = s._thread is not None and s._thread.is_alive()
        print(json.dumps({"keys": keys, "alive": alive, "beat_advanced": beat2 > beat1,
                          "warnings": [str(w.message) for w in caught]}))
    """)
    env = {**os.environ, "MM_JUPYTER_HOME": str(tmp_path / "reg")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, env=env, check=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["alive"] and out["beat_advanced"]
    assert out["keys"] == ["after", "before", "with_bad"]
    dropped = [w for w in out["warnings"] if "dropped" in w]
    assert len(dropped) == 1
