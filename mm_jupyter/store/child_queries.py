"""Read a run's family: the run a candidate belongs to, and a search run's candidates.

The writer is child_runs.py; both use ``runs.parent_run_id`` and its index.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.store.db import Registry
from mm_jupyter.store.queries import run_summaries

# A run view lists at most this many candidates (autologging keeps 100 by default).
MAX_CHILDREN = 500


def read_family(
    registry: Registry, run_id: str, parent_id: str | None, *, limit: int = MAX_CHILDREN
) -> dict[str, Any]:
    """Return ``{"parent": {"id", "name"} | None, "total": N, "children": [summary]}``
    for run ``run_id`` (whose ``parent_run_id`` is ``parent_id``): at most ``limit``
    children, in the order they were recorded."""
    with registry.read() as conn:
        parent = None
        if parent_id is not None:
            row = conn.execute("SELECT id, name FROM runs WHERE id = ?", (parent_id,)).fetchone()
            # A parent that was not pushed along with its candidate is named by id only.
            parent = {"id": parent_id, "name": None if row is None else row[1]}
        total = conn.execute(
            "SELECT count(*) FROM runs WHERE parent_run_id = ?", (run_id,)).fetchone()[0]
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM runs WHERE parent_run_id = ? ORDER BY started_at, name"
                " LIMIT ?", (run_id, limit))
        ] if total else []
        children = run_summaries(conn, ids)
    return {"parent": parent, "total": int(total), "children": children}
