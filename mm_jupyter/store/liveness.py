"""Reap runs whose process died: runs never stay ``running`` after a kernel is gone.

A run records host, pid and a heartbeat (refreshed every few seconds by the owning
process). On every open, running runs whose pid is dead on this host, or whose
heartbeat is older than ``STALE_AFTER_S`` (other hosts, reused pids), become
``killed``. Monitoring actions (a retraining notebook, a webhook) left pending or
running by a dead process on this host become ``error`` the same way.
"""

from __future__ import annotations

import os
import socket
import time

from mm_jupyter.store.db import Registry

STALE_AFTER_S = 120.0
HEARTBEAT_EVERY_S = 5.0


def pid_alive(pid: int) -> bool:
    """Return whether process ``pid`` exists on this host and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a SIGKILLed child stays a zombie until its parent reaps it
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
        return stat[stat.rindex(b")") + 2 : stat.rindex(b")") + 3] != b"Z"
    except (OSError, ValueError):
        return True


def reap_dead_runs(registry: Registry, *, now: float | None = None) -> list[str]:
    """Mark dead processes' running runs as ``killed``; return their ids."""
    now = time.time() if now is None else now
    host = socket.gethostname()
    me = os.getpid()
    with registry.read() as conn:
        running = conn.execute(
            "SELECT id, host, pid, heartbeat_ts FROM runs WHERE status = 'running'"
        ).fetchall()
    dead = []
    for run_id, run_host, pid, beat in running:
        if run_host == host and pid == me:
            continue  # ours; the recorder ends it
        exited = run_host == host and pid is not None and not pid_alive(pid)
        if exited or (beat is not None and now - beat > STALE_AFTER_S):
            dead.append(run_id)
    if not dead:
        return []
    from mm_jupyter.store.runs import CURRENT_SEQ, iso_now

    with registry.write() as conn:
        conn.executemany(
            "UPDATE runs SET status = 'killed', finished_at = COALESCE(finished_at, ?),"
            " error = COALESCE(error, 'the process running this run died'),"
            f" change_seq = {CURRENT_SEQ} WHERE id = ? AND status = 'running'",
            [(iso_now(), run_id) for run_id in dead],
        )
    return dead


def reap_dead_actions(registry: Registry) -> int:
    """Mark pending/running alert actions of dead processes on this host as errors."""
    host = socket.gethostname()
    me = os.getpid()
    with registry.read() as conn:
        open_actions = conn.execute(
            "SELECT id, pid FROM alert_actions WHERE status IN ('pending', 'running')"
            " AND host = ? AND pid != ?",
            (host, me),
        ).fetchall()
    dead = [(action_id, pid) for action_id, pid in open_actions if not pid_alive(pid)]
    if not dead:
        return 0
    with registry.write() as conn:
        conn.executemany(
            "UPDATE alert_actions SET status = 'error', finished_ts = ?, detail ="
            " 'the process running it (pid ' || ? || ') ended before it finished'"
            " WHERE id = ? AND status IN ('pending', 'running')",
            [(time.time(), pid, action_id) for action_id, pid in dead],
        )
    return len(dead)
