"""Read the model registry in the REST shapes of docs/rest.md. Never unpickles."""

from __future__ import annotations

import json
from typing import Any

from mm_jupyter.core.paging import check_page
from mm_jupyter.encoding import decode_float
from mm_jupyter.errors import NotFoundError
from mm_jupyter.store import model_policies, text_search
from mm_jupyter.store.artifact_queries import run_artifacts, version_ref
from mm_jupyter.store.artifacts import VERSION_SELECT, version_row
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.models import resolve_model_version

MODEL_SELECT = (
    "SELECT id, name, description, owner, tags, created_at, updated_at FROM registered_models"
)


def _json(text: Any, default: Any) -> Any:
    if text is None:
        return default
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return {"_unreadable": str(text)[:200]}


def version_origin(registry: Registry, version_id: int) -> tuple[str | None, str | None]:
    """Return ``(user, host)`` that stored a model version's bytes (``None``: unknown).

    ``register_model`` records both in the model artifact's metadata
    (``registered_by``); versions from before that fall back to the version's
    ``created_by`` and the host of its producing run.
    """
    with registry.read() as conn:
        row = conn.execute(
            "SELECT av.metadata, v.created_by, r.host FROM model_versions v"
            " JOIN artifact_versions av ON av.id = v.artifact_version_id"
            " LEFT JOIN runs r ON r.id = v.run_id WHERE v.id = ?",
            (version_id,),
        ).fetchone()
    if row is None:
        return None, None
    metadata = _json(row[0], {})
    origin = metadata.get("registered_by") if isinstance(metadata, dict) else None
    if isinstance(origin, dict):
        return origin.get("user"), origin.get("host")
    return row[1], row[2]


def version_artifact(registry: Registry, version_id: int) -> tuple[str, dict[str, Any]]:
    """Return a model version's flavour and the artifact version that holds its bytes."""
    with registry.read() as conn:
        row = conn.execute(
            f"{VERSION_SELECT.replace('SELECT ', 'SELECT mv.flavor, ', 1)}"
            " JOIN model_versions mv ON mv.artifact_version_id = v.id WHERE mv.id = ?",
            (version_id,),
        ).fetchone()
    if row is None:
        raise NotFoundError(f"no model version with id {version_id}")
    return str(row[0]), version_row(row[1:])


def model_version(conn: Connection, version_id: int) -> dict[str, Any]:
    """Return one ``ModelVersion`` dict."""
    row = conn.execute(
        "SELECT m.name, v.version, v.stage, v.created_at, v.created_by, v.flavor,"
        " v.artifact_version_id, v.run_id, v.metrics, v.config, v.signature, v.requirements,"
        " v.reference_profile IS NOT NULL, v.model_id, m.description, v.reproducibility"
        " FROM model_versions v JOIN registered_models m ON m.id = v.model_id WHERE v.id = ?",
        (version_id,),
    ).fetchone()
    (name, number, stage, created_at, created_by, flavor, artifact_id, run_id, metrics,
     config, signature, requirements, has_profile, model_id, description,
     reproducibility) = row
    artifact = conn.execute(f"{VERSION_SELECT} WHERE v.id = ?", (artifact_id,)).fetchone()
    run = None
    inputs: list[dict[str, Any]] = []
    if run_id is not None:
        found = conn.execute(
            "SELECT r.id, r.name, r.status, e.name FROM runs r JOIN experiments e"
            " ON e.id = r.experiment_id WHERE r.id = ?", (run_id,)
        ).fetchone()
        if found:
            run = {"id": found[0], "name": found[1], "status": found[2], "experiment": found[3]}
            inputs = run_artifacts(conn, run_id)["inputs"]
    aliases = [
        r[0] for r in conn.execute(
            "SELECT alias FROM model_aliases WHERE model_id = ? AND version_id = ? ORDER BY alias",
            (model_id, version_id),
        )
    ]
    return {
        "name": name, "version": number, "ref": f"{name}:{number}", "stage": stage,
        "aliases": aliases, "description": description, "created_at": created_at,
        "created_by": created_by, "flavor": flavor,
        "artifact": version_ref(version_row(artifact)), "run": run,
        "metrics": _json(metrics, {}), "config": _json(config, {}),
        "signature": _json(signature, None), "requirements": _json(requirements, {}),
        "inputs": inputs, "has_reference_profile": bool(has_profile),
        "reproducibility": _json(reproducibility, None),
        "approvals": model_policies.approvals(conn, version_id),
    }


def _model_summary(conn: Connection, row: tuple[Any, ...]) -> dict[str, Any]:
    model_id, name, description, owner, tags, created_at, updated_at = row
    stages: dict[str, list[int]] = {}
    for stage, number in conn.execute(
        "SELECT stage, version FROM model_versions WHERE model_id = ? AND stage != 'none'"
        " ORDER BY version DESC", (model_id,)
    ):
        stages.setdefault(stage, []).append(number)
    aliases = dict(conn.execute(
        "SELECT a.alias, v.version FROM model_aliases a JOIN model_versions v"
        " ON v.id = a.version_id WHERE a.model_id = ? ORDER BY a.alias", (model_id,)
    ).fetchall())
    latest = conn.execute(
        "SELECT id FROM model_versions WHERE model_id = ? ORDER BY version DESC LIMIT 1",
        (model_id,),
    ).fetchone()
    n_versions = conn.execute(
        "SELECT count(*) FROM model_versions WHERE model_id = ?", (model_id,)
    ).fetchone()[0]
    return {
        "name": name, "description": description, "owner": owner, "tags": _json(tags, {}),
        "created_at": created_at, "updated_at": updated_at, "n_versions": n_versions,
        "latest": model_version(conn, latest[0]) if latest else None,
        "stages": stages, "aliases": aliases,
    }


def list_models(registry: Registry, *, q: str | None = None, limit: int = 50,
                offset: int = 0) -> dict[str, Any]:
    """Return one page of registered models, most recently changed first."""
    check_page(limit, offset)
    where, args = "1 = 1", list[Any]()
    if q:
        where, args = text_search.contains(
            registry.backend, ["name", "description", "owner"], q)
    with registry.read() as conn:
        total = conn.execute(f"SELECT count(*) FROM registered_models WHERE {where}", args).fetchone()[0]
        rows = conn.execute(
            f"{MODEL_SELECT} WHERE {where} ORDER BY change_seq DESC, id DESC LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ).fetchall()
        models = [_model_summary(conn, row) for row in rows]
        cursor = conn.execute("SELECT change_seq FROM registry_state").fetchone()[0]
    return {"total": total, "offset": offset, "limit": limit, "cursor": cursor, "models": models}


def _history(conn: Connection, model_id: int, version_id: int | None = None) -> list[dict[str, Any]]:
    sql = (
        "SELECT v.version, t.kind, t.alias, t.from_value, t.to_value, t.user, t.comment, t.at,"
        " t.forced, t.overridden"
        " FROM model_transitions t JOIN model_versions v ON v.id = t.version_id"
        " WHERE t.model_id = ?"
    )
    args: list[Any] = [model_id]
    if version_id is not None:
        sql += " AND t.version_id = ?"
        args.append(version_id)
    return [
        {"version": n, "kind": kind, "alias": alias, "from": old, "to": new,
         "user": user, "comment": comment, "at": at, "forced": bool(forced),
         "overridden": _json(overridden, None)}
        for n, kind, alias, old, new, user, comment, at, forced, overridden
        in conn.execute(sql + " ORDER BY t.id", args)
    ]


def model_detail(registry: Registry, name: str) -> dict[str, Any]:
    """Return a model with all versions (newest first), history and metric trends."""
    with registry.read() as conn:
        row = conn.execute(f"{MODEL_SELECT} WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFoundError(f"no registered model named {name[:200]!r}")
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM model_versions WHERE model_id = ? ORDER BY version DESC", (row[0],)
        )]
        versions = [model_version(conn, i) for i in ids]
        trend: dict[str, list[dict[str, Any]]] = {}
        for v in reversed(versions):
            for key, value in v["metrics"].items():
                number = decode_float(value) if isinstance(value, int | float | str) else None
                if number is not None:
                    trend.setdefault(key, []).append({"version": v["version"], "value": number})
        return {
            "model": _model_summary(conn, row),
            "versions": versions,
            "history": _history(conn, row[0]),
            "metric_trend": trend,
        }


def version_detail(registry: Registry, ref: str) -> dict[str, Any]:
    """Return one ``ModelVersion`` (``name``, ``name:N``, ``name@x``) with its history."""
    model_id, version_id = resolve_model_version(registry, ref)
    with registry.read() as conn:
        return {**model_version(conn, version_id), "history": _history(conn, model_id, version_id)}


def reference_profile(registry: Registry, ref: str) -> dict[str, Any] | None:
    """Return the training-data reference profile of a model version, if stored."""
    _, version_id = resolve_model_version(registry, ref)
    with registry.read() as conn:
        row = conn.execute(
            "SELECT reference_profile FROM model_versions WHERE id = ?", (version_id,)
        ).fetchone()
    profile: dict[str, Any] | None = _json(row[0], None)
    return profile
