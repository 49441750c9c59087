"""What this registry knows about its remotes: how far it pushed, and version numbers.

Kept in the local registry (migration 0007): ``sync_remotes`` holds, per remote, the
local change cursor up to which everything was pushed, so the next push reads only
what changed since; ``sync_versions`` maps each local artifact or model version to
the number the remote gave it (they differ: the team assigns numbers). Writes here do
not bump the change cursor: recording a push is not a change to push.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mm_jupyter.store.db import Registry
from mm_jupyter.store.runs import iso_now


def pushed_cursor(registry: Registry, remote: str) -> int:
    """The local change cursor everything up to which was pushed to ``remote`` (0: never)."""
    with registry.read() as conn:
        row = conn.execute("SELECT pushed_change_seq FROM sync_remotes WHERE remote = ?",
                           (remote,)).fetchone()
    return 0 if row is None else int(row[0])


def record_push(registry: Registry, remote: str, cursor: int | None) -> None:
    """Note a push to ``remote``; with ``cursor``, everything up to it is now there."""
    update = "pushed_at = excluded.pushed_at"
    if cursor is not None:
        update += ", pushed_change_seq = excluded.pushed_change_seq"
    with registry.write(bump=False) as conn:
        conn.execute(
            "INSERT INTO sync_remotes (remote, pushed_change_seq, pushed_at) VALUES (?, ?, ?)"
            f" ON CONFLICT (remote) DO UPDATE SET {update}",
            (remote, cursor or 0, iso_now()))


def record_pull(registry: Registry, remote: str) -> None:
    """Note a pull from ``remote``."""
    with registry.write(bump=False) as conn:
        conn.execute(
            "INSERT INTO sync_remotes (remote, pulled_at) VALUES (?, ?)"
            " ON CONFLICT (remote) DO UPDATE SET pulled_at = excluded.pulled_at",
            (remote, iso_now()))


def sync_status(registry: Registry) -> dict[str, dict[str, Any]]:
    """remote -> when it was last pushed to and pulled from, and the pushed cursor."""
    with registry.read() as conn:
        return {r: {"pushed_change_seq": int(seq), "pushed_at": pushed, "pulled_at": pulled}
                for r, seq, pushed, pulled in conn.execute(
                    "SELECT remote, pushed_change_seq, pushed_at, pulled_at FROM sync_remotes")}


def record_versions(registry: Registry, remote: str,
                    mapping: Iterable[tuple[str, int, int]]) -> None:
    """Record ``(kind, local version id, remote version number)`` for ``remote``."""
    rows = [(remote, kind, local_id, number) for kind, local_id, number in mapping]
    if not rows:
        return
    with registry.write(bump=False) as conn:
        conn.executemany(
            "INSERT INTO sync_versions (remote, kind, local_id, remote_version)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (remote, kind, local_id)"
            " DO UPDATE SET remote_version = excluded.remote_version", rows)


def version_mapping(registry: Registry, remote: str, kind: str) -> dict[int, int]:
    """local version id -> the remote's version number, for ``kind`` (artifact | model)."""
    with registry.read() as conn:
        return {int(a): int(b) for a, b in conn.execute(
            "SELECT local_id, remote_version FROM sync_versions WHERE remote = ? AND kind = ?",
            (remote, kind))}
