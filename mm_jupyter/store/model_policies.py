"""Store promotion policies and approvals of model versions (migration 0013).

A policy is a row per (model, stage); ``model_id`` NULL is the registry-wide default
for that stage. An approval is a row per (version, user). What the rules mean is
core/policy_rules.py's; what gets checked when is services/models/policies.py's.
"""

from __future__ import annotations

import json
from typing import Any

from mm_jupyter.core.policy_rules import Facts
from mm_jupyter.encoding import decode_float, dumps
from mm_jupyter.errors import NotFoundError
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.stamps import CURRENT_SEQ, iso_now


def db_role(registry: Registry, conn: Connection) -> str | None:
    """The database login role of this connection: PostgreSQL's ``session_user``.

    A client picks its ``MM_JUPYTER_USER`` freely, but not the role it authenticated as;
    SQLite has no roles (None).
    """
    if registry.backend != "postgresql":
        return None
    return str(conn.execute("SELECT session_user").fetchone()[0])


def model_id(conn: Connection, name: str) -> int:
    """The id of registered model ``name``; ``NotFoundError`` if there is none."""
    row = conn.execute("SELECT id FROM registered_models WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise NotFoundError(f"no registered model named {name!r}")
    return int(row[0])


def _policy(row: tuple[Any, ...]) -> dict[str, Any]:
    owner, stage, require, overriders, updated_at, updated_by = row
    return {"stage": stage, "require": json.loads(require), "overriders": json.loads(overriders),
            "source": "default" if owner is None else "model", "updated_at": updated_at,
            "updated_by": updated_by}


_POLICY_SELECT = ("SELECT model_id, stage, require, overriders, updated_at, updated_by"
                  " FROM model_policies")


def policies(conn: Connection, model: int | None) -> list[dict[str, Any]]:
    """The policies in force for ``model`` (its own, else the default), one per stage.

    ``model`` None lists the registry-wide defaults alone.
    """
    if model is None:
        rows = conn.execute(f"{_POLICY_SELECT} WHERE model_id IS NULL").fetchall()
    else:
        rows = conn.execute(f"{_POLICY_SELECT} WHERE model_id = ? OR model_id IS NULL",
                            (model,)).fetchall()
    chosen: dict[str, dict[str, Any]] = {}
    for row in rows:  # a model's own policy replaces the default for its stage
        if row[1] not in chosen or row[0] is not None:
            chosen[row[1]] = _policy(row)
    return list(chosen.values())


def set_policy(registry: Registry, name: str | None, stage: str, require: list[str],
               overriders: list[str], *, user: str | None) -> None:
    """Replace the policy of model ``name`` (None: the default) for ``stage``.

    Empty ``require`` and ``overriders`` remove it. Callers validate the rules.
    """
    with registry.write() as conn:
        owner = None if name is None else model_id(conn, name)
        if owner is None:
            conn.execute("DELETE FROM model_policies WHERE model_id IS NULL AND stage = ?",
                         (stage,))
        else:
            conn.execute("DELETE FROM model_policies WHERE model_id = ? AND stage = ?",
                         (owner, stage))
        if require or overriders:
            conn.execute(
                "INSERT INTO model_policies (model_id, stage, require, overriders, updated_at,"
                " updated_by) VALUES (?, ?, ?, ?, ?, ?)",
                (owner, stage, dumps(require), dumps(overriders), iso_now(), user))
        if owner is not None:  # the sidebar's change cursor sees the model change
            conn.execute(f"UPDATE registered_models SET change_seq = {CURRENT_SEQ}"
                         " WHERE id = ?", (owner,))


def add_approval(registry: Registry, version_id: int, *, user: str,
                 comment: str | None) -> None:
    """Record ``user``'s approval of a version (again: the comment and time change)."""
    with registry.write() as conn:
        role = db_role(registry, conn)
        conn.execute(
            "INSERT INTO model_approvals (version_id, user, db_role, comment, at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (version_id, user) DO UPDATE SET"
            " db_role = excluded.db_role, comment = excluded.comment, at = excluded.at",
            (version_id, user, role, comment, iso_now()))
        conn.execute(
            f"UPDATE registered_models SET change_seq = {CURRENT_SEQ} WHERE id ="
            " (SELECT model_id FROM model_versions WHERE id = ?)", (version_id,))


def approvals(conn: Connection, version_id: int) -> list[dict[str, Any]]:
    """A version's approvals, oldest first, each saying whether it counts and why not.

    The registrant's own approval does not count: not under the same user name, nor,
    on PostgreSQL, from the same database role (a renamed ``MM_JUPYTER_USER``).
    """
    created_by, created_role = conn.execute(
        "SELECT created_by, created_role FROM model_versions WHERE id = ?", (version_id,)
    ).fetchone()
    found = []
    for user, role, comment, at in conn.execute(
            "SELECT user, db_role, comment, at FROM model_approvals WHERE version_id = ?"
            " ORDER BY at, id", (version_id,)):
        why_not = None
        if created_by is not None and user == created_by:
            why_not = "the registrant's own approval does not count"
        elif role is not None and created_role is not None and role == created_role:
            why_not = (f"approved as database role {role!r}, the role that registered"
                       " the version")
        found.append({"user": user, "comment": comment, "at": at, "counts": why_not is None,
                      "why_not": why_not})
    return found


def facts(conn: Connection, version_id: int) -> Facts:
    """What a version's policy rules are judged on, read in one snapshot.

    Metrics are the version's (copied from its producing run at registration); the
    reproducibility verdict is the one recorded at registration, else the run's; the
    monitoring values are the latest of the model's current production version (the
    traffic a promoted version takes over), None when there is no such version.
    """
    model, run_id, metrics, repro, signature, profile = conn.execute(
        "SELECT model_id, run_id, metrics, reproducibility, signature IS NOT NULL,"
        " reference_profile IS NOT NULL FROM model_versions WHERE id = ?", (version_id,)
    ).fetchone()
    found = Facts(signature=bool(signature), reference_profile=bool(profile))
    for key, value in json.loads(metrics or "{}").items():
        number = decode_float(value) if isinstance(value, int | float | str) else None
        found.metrics[key] = value if number is None else number
    status = json.loads(repro).get("status") if repro else None
    if run_id is not None:
        if status is None:
            row = conn.execute("SELECT repro_status FROM runs WHERE id = ?", (run_id,)).fetchone()
            status = row[0] if row else None
        found.evaluation = conn.execute(
            "SELECT 1 FROM lineage l JOIN artifact_versions v ON v.id = l.version_id"
            " JOIN artifacts a ON a.id = v.artifact_id WHERE l.run_id = ?"
            " AND l.direction = 'output' AND a.kind = 'report' LIMIT 1", (run_id,)
        ).fetchone() is not None
    found.reproducibility = status or "unknown"
    found.approvals = sum(1 for a in approvals(conn, version_id) if a["counts"])
    production = conn.execute(
        "SELECT id, version FROM model_versions WHERE model_id = ? AND stage = 'production'"
        " ORDER BY version DESC LIMIT 1", (model,)).fetchone()
    if production is not None:
        found.production = f"v{production[1]}"
        found.monitoring = {key: float(value) for key, value in conn.execute(
            "SELECT key, value FROM monitor_latest WHERE version_id = ?", (production[0],))}
    return found


__all__ = ["add_approval", "approvals", "db_role", "facts", "model_id", "policies", "set_policy"]
