"""Housekeeping writes on runs: rename, note, tags, star, archive, restore, soft delete
and move between experiments.

Each call is one write transaction that changes the run, writes one ``run_events`` row
per change (who and when, ``{"from", "to"}``) and stamps the run with the new change
cursor, so the sidebar sees it on its next poll. The checks that depend on the stored
state (a running run cannot be deleted or moved) run inside that transaction, so no
other writer can slip in between the check and the change. Input validation happens in
the services (services/runs/housekeeping.py); this module trusts its arguments.

A child run (a search's candidate) follows its parent on archive, delete, restore and
move: a search hidden without its candidates would leave them orphaned in the lists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mm_jupyter.encoding import dumps
from mm_jupyter.errors import ConflictError, NotFoundError
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.run_events import record_event
from mm_jupyter.store.runs import CURRENT_SEQ, iso_now

FIELDS = ("note", "starred", "archived_at", "deleted_at", "cell_id")


@dataclass(frozen=True)
class RunEdit:
    """The fields an update changes; ``None`` leaves a field as it is.

    ``note=""`` clears the note; a tag whose value is ``None`` is removed.
    """

    name: str | None = None
    note: str | None = None
    tags: dict[str, str | None] | None = None
    starred: bool | None = None


def housekeeping_fields(conn: Connection, run_id: str) -> dict[str, Any]:
    """Return ``{note, starred, archived_at, deleted_at, cell_id}`` of a run."""
    row = conn.execute(
        "SELECT note, starred, archived_at, deleted_at, cell_id FROM runs WHERE id = ?",
        (run_id,),
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no run with id {run_id[:80]!r}")
    note, starred, archived_at, deleted_at, cell_id = row
    return {
        "note": note,
        "starred": bool(starred),
        "archived_at": archived_at,
        "deleted_at": deleted_at,
        "cell_id": cell_id,
    }


def _touch(conn: Connection, run_ids: list[str]) -> None:
    marks = ", ".join("?" * len(run_ids))
    conn.execute(
        f"UPDATE runs SET change_seq = {CURRENT_SEQ} WHERE id IN ({marks})", run_ids
    )


def _family(conn: Connection, run_id: str) -> list[tuple[str, str]]:
    """Return ``(id, status)`` of the run and its descendants, the run first."""
    rows = conn.execute(
        "WITH RECURSIVE f(id) AS (SELECT CAST(? AS TEXT) UNION SELECT r.id FROM runs r JOIN f"
        " ON r.parent_run_id = f.id) SELECT r.id, r.status FROM f JOIN runs r"
        " ON r.id = f.id",
        (run_id,),
    ).fetchall()
    if not rows:
        raise NotFoundError(f"no run with id {run_id[:80]!r}")
    rows.sort(key=lambda r: r[0] != run_id)
    return [(str(r[0]), str(r[1])) for r in rows]


def _refuse_running(family: list[tuple[str, str]], verb: str) -> None:
    running = [rid for rid, status in family if status == "running"]
    if running:
        whose = "it is" if running[0] == family[0][0] else f"its child run {running[0]} is"
        raise ConflictError(
            f"run {family[0][0]} cannot be {verb}: {whose} still running"
            " (wait for it to finish, or interrupt the cell first)"
        )


def edit_run(
    registry: Registry, run_id: str, edit: RunEdit, *, user: str | None
) -> list[dict[str, Any]]:
    """Apply ``edit`` to one run; return the events written (none if nothing changed)."""
    at = iso_now()
    events: list[dict[str, Any]] = []
    with registry.write() as conn:
        row = conn.execute(
            "SELECT name, note, tags, starred FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no run with id {run_id[:80]!r}")
        name, note, tags_text, starred = row

        def change(action: str, column: str, before: Any, after: Any, stored: Any) -> None:
            conn.execute(f"UPDATE runs SET {column} = ? WHERE id = ?", (stored, run_id))
            events.append(record_event(
                conn, run_id, at=at, user=user, action=action, before=before, after=after
            ))

        if edit.name is not None and edit.name != name:
            change("rename", "name", name, edit.name, edit.name)
        if edit.note is not None and (edit.note or None) != note:
            change("note", "note", note, edit.note or None, edit.note or None)
        if edit.starred is not None and edit.starred != bool(starred):
            change("star", "starred", bool(starred), edit.starred, int(edit.starred))
        if edit.tags:
            try:
                current = json.loads(tags_text or "{}")
            except ValueError:
                current = {}
            if not isinstance(current, dict):
                current = {}
            merged = dict(current)
            for key, value in edit.tags.items():
                if value is None:
                    merged.pop(key, None)
                else:
                    merged[key] = value
            if merged != current:
                keys = sorted(k for k in edit.tags if current.get(k) != merged.get(k))
                change("tag", "tags", {k: current.get(k) for k in keys},
                       {k: merged.get(k) for k in keys}, dumps(merged))
        if events:
            _touch(conn, [run_id])
    return events


def set_visibility(
    registry: Registry, run_id: str, action: str, *, user: str | None
) -> list[dict[str, Any]]:
    """Archive, delete or restore a run and its child runs; return the events written.

    ``archive`` sets ``archived_at``, ``delete`` sets ``deleted_at`` (soft: ``gc``
    purges it later), ``restore`` clears both. A running run cannot be deleted.
    """
    at = iso_now()
    events: list[dict[str, Any]] = []
    with registry.write() as conn:
        family = _family(conn, run_id)
        if action == "delete":
            _refuse_running(family, "deleted")
        changed = []
        for rid, _status in family:
            archived_at, deleted_at = conn.execute(
                "SELECT archived_at, deleted_at FROM runs WHERE id = ?", (rid,)
            ).fetchone()
            before = {"archived_at": archived_at, "deleted_at": deleted_at}
            if action == "archive":
                after = {"archived_at": archived_at or at, "deleted_at": deleted_at}
            elif action == "delete":
                after = {"archived_at": archived_at, "deleted_at": deleted_at or at}
            elif action == "restore":
                after = {"archived_at": None, "deleted_at": None}
            else:
                raise ValueError(f"unknown visibility action {action!r}")
            if after == before:
                continue
            conn.execute(
                "UPDATE runs SET archived_at = ?, deleted_at = ? WHERE id = ?",
                (after["archived_at"], after["deleted_at"], rid),
            )
            changed.append(rid)
            event = record_event(conn, rid, at=at, user=user, action=action,
                                 before=before, after=after)
            if rid == run_id:
                events.append(event)
        if changed:
            _touch(conn, changed)
    return events


def experiment_id(conn: Connection, name: str) -> int:
    """Return the id of experiment ``name``, creating it as a tracked cell would.

    The same two statements as store/runs.py's private helper for new runs, kept here
    rather than importing a private name across modules.
    """
    row = conn.execute("SELECT id FROM experiments WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    cur = conn.execute(
        "INSERT INTO experiments (name, created_at) VALUES (?, ?)", (name, iso_now())
    )
    return int(cur.lastrowid or 0)


def move_run(
    registry: Registry, run_id: str, experiment: str, *, user: str | None
) -> list[dict[str, Any]]:
    """Move a run and its child runs to ``experiment`` (created if needed).

    Returns the events written; a running run cannot be moved.
    """
    at = iso_now()
    events: list[dict[str, Any]] = []
    with registry.write() as conn:
        family = _family(conn, run_id)
        _refuse_running(family, "moved")
        target = experiment_id(conn, experiment)
        changed = []
        for rid, _status in family:
            current = conn.execute(
                "SELECT e.name, e.id FROM runs r JOIN experiments e ON e.id = r.experiment_id"
                " WHERE r.id = ?", (rid,),
            ).fetchone()
            if int(current[1]) == target:
                continue
            conn.execute("UPDATE runs SET experiment_id = ? WHERE id = ?", (target, rid))
            changed.append(rid)
            event = record_event(conn, rid, at=at, user=user, action="move",
                                 before=current[0], after=experiment)
            if rid == run_id:
                events.append(event)
        if changed:
            _touch(conn, changed)
    return events
