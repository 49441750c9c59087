"""Write the model registry: versions, stages, aliases, transitions, events.

Every change is one ``BEGIN IMMEDIATE`` transaction that also appends its transition
and a registry event, so history never misses a step and later features (alerts,
retraining triggers) can follow ``registry_events``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.core.references import split_reference
from mm_jupyter.encoding import dumps
from mm_jupyter.errors import ConflictError, NotFoundError
from mm_jupyter.store.artifacts import check_alias, kind_clash
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.model_policies import db_role
from mm_jupyter.store.stamps import CURRENT_SEQ, iso_now

STAGES = ("none", "staging", "production", "archived")


@dataclass
class NewModelVersion:
    """A model version about to be registered (its artifact version already exists)."""

    name: str
    artifact_version_id: int
    flavor: str
    run_id: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    signature: dict[str, Any] | None = None
    requirements: dict[str, Any] = field(default_factory=dict)
    reference_profile: dict[str, Any] | None = None
    description: str | None = None  # of the registered model
    owner: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    alias: str | None = None
    stage: str | None = None
    # The producing run's hidden-state verdict as registered: {"status", "warnings",
    # "confirmed_by"} (docs/reproducibility.md).
    reproducibility: dict[str, Any] | None = None


def parse_model_ref(ref: str) -> tuple[str, int | None, str | None]:
    """Split ``name``, ``name:N`` or ``name@alias-or-stage``."""
    ref = str(ref).strip()
    if not ref:
        raise ValueError("a model reference must not be empty")
    return split_reference(ref)


def check_model_name_free(registry: Registry, name: str) -> None:
    """Raise ``ValueError`` when a non-model artifact already holds ``name``.

    A model's versions are stored as artifact versions under the model's name, so
    models and artifacts share one namespace; say so before anything is stored.
    """
    with registry.read() as conn:
        row = conn.execute("SELECT kind FROM artifacts WHERE name = ?", (name,)).fetchone()
    if row is not None and row[0] != "model":
        raise ValueError(f"cannot register model {name!r}: " + kind_clash(name, row[0], "model"))


def _model_id(conn: Connection, name: str) -> int:
    row = conn.execute("SELECT id FROM registered_models WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise NotFoundError(f"no registered model named {name!r}")
    return int(row[0])


def resolve_model_version(registry: Registry, ref: str) -> tuple[int, int]:
    """Return ``(model_id, version_id)`` of ``name``, ``name:N`` or ``name@x``.

    ``name@x`` is the version holding alias ``x``, else the latest version in stage ``x``.
    """
    name, number, label = parse_model_ref(ref)
    with registry.read() as conn:
        model_id = _model_id(conn, name)
        if number is not None:
            row = conn.execute(
                "SELECT id FROM model_versions WHERE model_id = ? AND version = ?",
                (model_id, number),
            ).fetchone()
            missing = f"model {name!r} has no version {number}"
        elif label is not None:
            row = conn.execute(
                "SELECT version_id FROM model_aliases WHERE model_id = ? AND alias = ?",
                (model_id, label),
            ).fetchone() or conn.execute(
                "SELECT id FROM model_versions WHERE model_id = ? AND stage = ?"
                " ORDER BY version DESC LIMIT 1",
                (model_id, label),
            ).fetchone()
            missing = f"model {name!r} has no version with alias or stage {label!r}"
        else:
            row = conn.execute(
                "SELECT id FROM model_versions WHERE model_id = ? ORDER BY version DESC LIMIT 1",
                (model_id,),
            ).fetchone()
            missing = f"model {name!r} has no versions"
    if row is None:
        raise NotFoundError(missing)
    return model_id, int(row[0])


def _event(conn: Connection, kind: str, model_id: int, version_id: int, **payload: Any) -> None:
    conn.execute(
        "INSERT INTO registry_events (kind, model_id, version_id, payload, at) VALUES (?, ?, ?, ?, ?)",
        (kind, model_id, version_id, dumps(payload), iso_now()),
    )


def _touch(conn: Connection, model_id: int) -> None:
    conn.execute(
        f"UPDATE registered_models SET updated_at = ?, change_seq = {CURRENT_SEQ} WHERE id = ?",
        (iso_now(), model_id),
    )


def register(registry: Registry, new: NewModelVersion, *, user: str | None) -> tuple[int, bool]:
    """Register a version; return ``(version_id, created)``.

    Registering the same artifact version again returns the existing model version.
    """
    if new.stage is not None and new.stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(STAGES)}, not {new.stage!r}")
    if new.alias is not None:
        check_alias(new.alias)
    with registry.write() as conn:
        now = iso_now()
        row = conn.execute("SELECT id, tags FROM registered_models WHERE name = ?", (new.name,)).fetchone()
        if row is None:
            model_id = int(conn.execute(
                "INSERT INTO registered_models (name, description, owner, tags, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (new.name, new.description, new.owner, dumps(new.tags), now, now),
            ).lastrowid or 0)
        else:
            model_id = int(row[0])
            tags = {**json.loads(row[1] or "{}"), **new.tags}
            conn.execute(
                "UPDATE registered_models SET description = COALESCE(?, description),"
                " owner = COALESCE(?, owner), tags = ? WHERE id = ?",
                (new.description, new.owner, dumps(tags), model_id),
            )
        existing = conn.execute(
            "SELECT id FROM model_versions WHERE model_id = ? AND artifact_version_id = ?",
            (model_id, new.artifact_version_id),
        ).fetchone()
        created = existing is None
        if existing:
            version_id = int(existing[0])
        else:
            number = conn.execute(
                "SELECT COALESCE(max(version), 0) + 1 FROM model_versions WHERE model_id = ?",
                (model_id,),
            ).fetchone()[0]
            version_id = int(conn.execute(
                "INSERT INTO model_versions (model_id, version, artifact_version_id, run_id,"
                " flavor, config, metrics, signature, requirements, reference_profile,"
                " created_at, created_by, reproducibility, created_role)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (model_id, number, new.artifact_version_id, new.run_id, new.flavor,
                 dumps(new.config), dumps(new.metrics),
                 None if new.signature is None else dumps(new.signature),
                 dumps(new.requirements),
                 None if new.reference_profile is None else json.dumps(new.reference_profile),
                 now, user,
                 None if new.reproducibility is None else dumps(new.reproducibility),
                 db_role(registry, conn)),
            ).lastrowid or 0)
            _event(conn, "registered", model_id, version_id, version=number)
        if new.stage is not None:
            _set_stage(conn, model_id, version_id, new.stage, user, None, False)
        if new.alias is not None:
            _set_alias(conn, model_id, version_id, new.alias, user, None, move=False)
        _touch(conn, model_id)
    return version_id, created


def _version_number(conn: Connection, version_id: int) -> int:
    return int(conn.execute("SELECT version FROM model_versions WHERE id = ?", (version_id,)).fetchone()[0])


def _transition(conn: Connection, model_id: int, version_id: int, kind: str,
                alias: str | None, old: Any, new: Any, user: str | None, comment: str | None,
                overridden: list[str] | None = None) -> None:
    conn.execute(
        "INSERT INTO model_transitions (model_id, version_id, kind, alias, from_value, to_value,"
        " user, comment, at, forced, overridden) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (model_id, version_id, kind, alias, None if old is None else str(old),
         None if new is None else str(new), user, comment, iso_now(),
         1 if overridden else 0, dumps(overridden) if overridden else None),
    )


def _set_stage(conn: Connection, model_id: int, version_id: int, stage: str,
               user: str | None, comment: str | None, archive_others: bool,
               overridden: list[str] | None = None) -> None:
    old = conn.execute("SELECT stage FROM model_versions WHERE id = ?", (version_id,)).fetchone()[0]
    if old != stage:
        conn.execute("UPDATE model_versions SET stage = ? WHERE id = ?", (stage, version_id))
        _transition(conn, model_id, version_id, "stage", None, old, stage, user, comment,
                    overridden)
        _event(conn, "stage_changed", model_id, version_id, **{"from": old, "to": stage})
    if archive_others and stage in ("staging", "production"):
        for other_id, other_stage in conn.execute(
            "SELECT id, stage FROM model_versions WHERE model_id = ? AND stage = ? AND id != ?",
            (model_id, stage, version_id),
        ).fetchall():
            conn.execute("UPDATE model_versions SET stage = 'archived' WHERE id = ?", (other_id,))
            _transition(conn, model_id, other_id, "stage", None, other_stage, "archived", user,
                        f"archived when v{_version_number(conn, version_id)} entered {stage}")
            _event(conn, "stage_changed", model_id, other_id, **{"from": other_stage, "to": "archived"})


def _set_alias(conn: Connection, model_id: int, version_id: int, alias: str,
               user: str | None, comment: str | None, *, move: bool) -> None:
    row = conn.execute(
        "SELECT version_id FROM model_aliases WHERE model_id = ? AND alias = ?", (model_id, alias)
    ).fetchone()
    holder = None if row is None else int(row[0])
    if holder == version_id:
        return
    if holder is not None and not move:
        raise ConflictError(
            f"alias {alias!r} is held by version {_version_number(conn, holder)};"
            " pass move=True to move it"
        )
    conn.execute(
        "INSERT INTO model_aliases (model_id, alias, version_id) VALUES (?, ?, ?)"
        " ON CONFLICT (model_id, alias) DO UPDATE SET version_id = excluded.version_id",
        (model_id, alias, version_id),
    )
    old = None if holder is None else _version_number(conn, holder)
    new = _version_number(conn, version_id)
    _transition(conn, model_id, version_id, "alias", alias, old, new, user, comment)
    _event(conn, "alias_moved", model_id, version_id, alias=alias, **{"from": old, "to": new})


def set_stage(registry: Registry, ref: str, stage: str, *, user: str | None = None,
              comment: str | None = None, archive_others: bool = False,
              overridden: list[str] | None = None) -> tuple[int, int]:
    """Move the version ``ref`` names to ``stage``; return ``(model_id, version_id)``.

    ``overridden`` lists the policy rules a forced move went past (kept in the history).
    """
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(STAGES)}, not {stage!r}")
    model_id, version_id = resolve_model_version(registry, ref)
    with registry.write() as conn:
        _set_stage(conn, model_id, version_id, stage, user, comment, archive_others, overridden)
        _touch(conn, model_id)
    return model_id, version_id


def set_alias(registry: Registry, ref: str, alias: str, *, user: str | None = None,
              comment: str | None = None, move: bool = False) -> tuple[int, int]:
    """Point ``alias`` at the version ``ref`` names; ``ConflictError`` if held unless ``move``."""
    check_alias(alias)
    model_id, version_id = resolve_model_version(registry, ref)
    with registry.write() as conn:
        _set_alias(conn, model_id, version_id, alias, user, comment, move=move)
        _touch(conn, model_id)
    return model_id, version_id


def remove_alias(registry: Registry, name: str, alias: str, *, user: str | None = None,
                 comment: str | None = None, version: int | None = None) -> None:
    """Remove ``alias`` from model ``name`` (recorded in the history).

    With ``version``, only if that version holds it (checked in the same transaction,
    so an alias moved meanwhile is not removed from its new holder).
    """
    with registry.write() as conn:
        model_id = _model_id(conn, name)
        row = conn.execute(
            "SELECT version_id FROM model_aliases WHERE model_id = ? AND alias = ?", (model_id, alias)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"model {name!r} has no alias {alias!r}")
        if version is not None and _version_number(conn, int(row[0])) != version:
            raise ConflictError(
                f"alias {alias!r} is held by version {_version_number(conn, int(row[0]))},"
                f" not {version}"
            )
        conn.execute("DELETE FROM model_aliases WHERE model_id = ? AND alias = ?", (model_id, alias))
        old = _version_number(conn, int(row[0]))
        _transition(conn, model_id, int(row[0]), "alias", alias, old, None, user, comment)
        _event(conn, "alias_moved", model_id, int(row[0]), alias=alias, **{"from": old, "to": None})
        _touch(conn, model_id)
