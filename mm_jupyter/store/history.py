"""A kernel's execution history, stored once per entry (migration 0005).

A run used to store the whole ``In`` list again, so a registry grew O(n²) in the
number of tracked cells, and one 10 MB cell was stored again by every later run.
Now each entry is a content-addressed ``code_snapshots`` row (kind ``input``),
referenced once per (kernel, execution number) in ``history_entries``, and a run
records the range ``history_from..history_upto`` of its kernel that it saw. Only
entries above the highest stored number of that kernel are hashed and written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from mm_jupyter.store.dialect import Connection


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z"


def _digest(source: str) -> tuple[str, bytes]:
    data = source.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest(), data


def _kernel(conn: Connection, key: str) -> tuple[int, int]:
    """Return ``(id, generation)`` of the latest generation of kernel ``key``."""
    row = conn.execute(
        "SELECT id, generation FROM history_kernels WHERE key = ?"
        " ORDER BY generation DESC LIMIT 1",
        (key,),
    ).fetchone()
    if row:
        return int(row[0]), int(row[1])
    cur = conn.execute("INSERT INTO history_kernels (key) VALUES (?)", (key,))
    return int(cur.lastrowid or 0), 0


def store_history(
    conn: Connection,
    kernel_key: str,
    history: Sequence[tuple[int, str]],
    *,
    span: Sequence[int] | None = None,
) -> tuple[int, int, int] | None:
    """Store the entries of ``history`` not stored yet; return ``(kernel_id, from, upto)``.

    Runs inside the caller's write transaction. If the kernel's history restarted
    (``%reset``: numbers repeat with other text, or fewer entries), a new generation
    of the kernel is started, so no run ever shows another run's code. ``span``
    (a journal's, whose entries are only those not journaled before) gives the
    range explicitly and skips that check.
    """
    if not history and span is None:
        return None
    kernel_id, generation = _kernel(conn, kernel_key)
    top = conn.execute(
        "SELECT max(n) FROM history_entries WHERE kernel_id = ?", (kernel_id,)
    ).fetchone()[0]
    by_n = dict(history)
    if top is not None and span is None:
        stored = conn.execute(
            "SELECT digest FROM history_entries WHERE kernel_id = ? AND n = ?",
            (kernel_id, top),
        ).fetchone()[0]
        restarted = history[-1][0] < top or (
            top in by_n and _digest(by_n[top])[0] != stored
        )
        if restarted:  # the history restarted: entries with these numbers differ
            cur = conn.execute(
                "INSERT INTO history_kernels (key, generation) VALUES (?, ?)",
                (kernel_key, generation + 1),
            )
            kernel_id, top = int(cur.lastrowid or 0), None
    now = _now()
    snapshots, entries = [], []
    for n, source in history:
        if top is not None and n <= top and span is None:
            continue  # stored by an earlier run of this kernel
        digest, data = _digest(source)
        snapshots.append((digest, "input", source, len(data), now))
        entries.append((kernel_id, n, digest))
    conn.executemany(
        "INSERT OR IGNORE INTO code_snapshots (digest, kind, content, size, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        snapshots,
    )
    conn.executemany(
        "INSERT OR IGNORE INTO history_entries (kernel_id, n, digest) VALUES (?, ?, ?)",
        entries,
    )
    if span is not None:
        return kernel_id, int(span[0]), int(span[1])
    return kernel_id, history[0][0], history[-1][0]


def read_history(
    conn: Connection,
    legacy_digest: str | None,
    kernel_id: int | None,
    first: int | None,
    last: int | None,
) -> list[dict[str, Any]]:
    """Return a run's history as ``[{"n", "source"}]`` (either storage)."""
    if kernel_id is not None and first is not None and last is not None:
        return [
            {"n": n, "source": source}
            for n, source in conn.execute(
                "SELECT e.n, c.content FROM history_entries e"
                " JOIN code_snapshots c ON c.digest = e.digest"
                " WHERE e.kernel_id = ? AND e.n BETWEEN ? AND ? ORDER BY e.n",
                (kernel_id, first, last),
            )
        ]
    if legacy_digest is None:
        return []
    row = conn.execute(
        "SELECT content FROM code_snapshots WHERE digest = ?", (legacy_digest,)
    ).fetchone()
    try:
        items = json.loads(row[0]) if row else []
    except ValueError:
        return []
    return [{"n": n, "source": source} for n, source in items]
