"""Copy artifact versions, lineage and model versions between registries (push, pull).

An artifact version is the same version on both sides when its artifact has the same
name and it has the same content digest; a model version, when its model has the
same name and its artifact version is the same. Version *numbers* are the
destination's: a new version gets the destination's next number, so two laptops
that each registered a local ``churn-clf:3`` become the team's 3 and 4, and the
caller records which number each version got (``store/sync_state.py``).

Aliases and stages are applied only where the destination has no other opinion: an
alias the destination points elsewhere, or a stage another version holds there, is a
conflict, reported and never overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mm_jupyter.encoding import dumps
from mm_jupyter.store import artifacts, models
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.model_policies import db_role
from mm_jupyter.store.runs import CURRENT_SEQ, iso_now
from mm_jupyter.store.sync_runs import chunks, marks

VERSION_COLUMNS = ("digest", "size", "media_type", "format", "is_dir", "file_name",
                   "metadata", "created_at", "stored")
MODEL_VERSION_COLUMNS = ("stage", "description", "flavor", "config", "metrics", "signature",
                         "requirements", "reference_profile", "created_at", "created_by",
                         "reproducibility")
EXCLUSIVE_STAGES = ("staging", "production")


@dataclass
class VersionCopy:
    """One artifact or model version and what copying it did (or would do)."""

    source_id: int
    name: str
    source_version: int
    state: str = "new"  # new -> sent | already_there | conflict
    dest_id: int | None = None
    dest_version: int | None = None
    detail: str | None = None
    row: dict[str, Any] | None = None  # the source's columns, for the copy


def _rows(conn: Connection, sql: str, ids: Sequence[int]) -> list[Any]:
    return [row for part in chunks(list(ids)) for row in conn.execute(
        sql.format(marks=marks(part)), part)]


# -- artifact versions --------------------------------------------------------------


def plan_versions(source: Registry, dest: Registry, ids: Sequence[int]) -> list[VersionCopy]:
    """Compare artifact versions ``ids`` of ``source`` with ``dest`` (no writes)."""
    cols = ", ".join(f"v.{c}" for c in VERSION_COLUMNS)
    with source.read() as conn:
        rows = _rows(conn, f"SELECT v.id, a.name, a.kind, a.description, a.tags, a.created_at,"
                           f" v.version, v.run_id, {cols} FROM artifact_versions v"
                           " JOIN artifacts a ON a.id = v.artifact_id WHERE v.id IN ({marks})"
                           " ORDER BY a.name, v.version", ids)
    plans = []
    with dest.read() as conn:
        for row in rows:
            columns = {"kind": row[2], "description": row[3], "tags": row[4],
                       "artifact_created_at": row[5], "run_id": row[7],
                       **dict(zip(VERSION_COLUMNS, row[8:], strict=True))}
            item = VersionCopy(int(row[0]), row[1], int(row[6]), row=columns)
            theirs = conn.execute("SELECT id, kind FROM artifacts WHERE name = ?",
                                  (item.name,)).fetchone()
            if theirs is not None and theirs[1] != row[2]:
                item.state = "conflict"
                item.detail = artifacts.kind_clash(item.name, theirs[1], row[2])
            elif theirs is not None:
                found = conn.execute(
                    "SELECT id, version FROM artifact_versions WHERE artifact_id = ?"
                    " AND digest = ?", (theirs[0], columns["digest"])).fetchone()
                if found is not None:
                    item.state, item.dest_id, item.dest_version = \
                        "already_there", int(found[0]), int(found[1])
            plans.append(item)
    return plans


def copy_versions(source: Registry, dest: Registry, plans: Sequence[VersionCopy]) -> None:
    """Insert the ``new`` versions of ``plans`` into ``dest`` (one transaction).

    The blobs and the producing runs are the caller's to copy first.
    """
    todo = [p for p in plans if p.state == "new" and p.row is not None]
    if not todo:
        return
    with source.read() as src:
        files = {p.source_id: [tuple(r) for r in src.execute(
            "SELECT path, digest, size FROM version_files WHERE version_id = ? ORDER BY path",
            (p.source_id,))] for p in todo}
        digests = sorted({(p.row or {})["digest"] for p in todo}
                         | {f[1] for rows in files.values() for f in rows})
        blob_rows = [tuple(r) for r in _rows(
            src, "SELECT digest, size, media_type, created_at FROM blobs"
                 " WHERE digest IN ({marks})", digests)]
    with dest.write() as conn:
        conn.executemany("INSERT OR IGNORE INTO blobs (digest, size, media_type, created_at)"
                         " VALUES (?, ?, ?, ?)", blob_rows)
        for item in todo:
            row = item.row or {}
            found = conn.execute("SELECT id FROM artifacts WHERE name = ?", (item.name,)).fetchone()
            if found is None:
                artifact_id = int(conn.execute(
                    "INSERT INTO artifacts (name, kind, description, tags, created_at, change_seq)"
                    f" VALUES (?, ?, ?, ?, ?, {CURRENT_SEQ})",
                    (item.name, row["kind"], row["description"], row["tags"],
                     row["artifact_created_at"])).lastrowid or 0)
            else:
                artifact_id = int(found[0])
            number = int(conn.execute(
                "SELECT COALESCE(max(version), 0) + 1 FROM artifact_versions"
                " WHERE artifact_id = ?", (artifact_id,)).fetchone()[0])
            run_id = row["run_id"]
            if run_id is not None and not conn.execute(
                    "SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone():
                run_id = None  # its run stayed behind (an earlier, filtered copy)
            item.dest_id = int(conn.execute(
                "INSERT INTO artifact_versions (artifact_id, version, run_id,"
                f" {', '.join(VERSION_COLUMNS)}) VALUES (?, ?, ?, {marks(VERSION_COLUMNS)})",
                (artifact_id, number, run_id, *(row[c] for c in VERSION_COLUMNS))).lastrowid or 0)
            item.dest_version, item.state = number, "sent"
            conn.executemany(
                "INSERT INTO version_files (version_id, path, digest, size) VALUES (?, ?, ?, ?)",
                [(item.dest_id, *f) for f in files[item.source_id]])
            conn.execute(f"UPDATE artifacts SET change_seq = {CURRENT_SEQ} WHERE id = ?",
                         (artifact_id,))


def version_blob_digests(source: Registry, ids: Sequence[int]) -> dict[str, int]:
    """digest -> size of every blob artifact versions ``ids`` are made of."""
    with source.read() as conn:
        # A fingerprint-only version (stored = 0) has no bytes to send.
        found = {d: int(s) for d, s in _rows(
            conn, "SELECT digest, size FROM artifact_versions WHERE id IN ({marks})"
                  " AND stored = 1", ids)}
        found.update({d: int(s) for d, s in _rows(
            conn, "SELECT digest, size FROM version_files WHERE version_id IN ({marks})", ids)})
    return found


def copy_lineage(source: Registry, dest: Registry, run_ids: Sequence[str],
                 version_map: dict[int, int]) -> int:
    """Copy the edges between runs ``run_ids`` and mapped versions; return how many."""
    with source.read() as conn:
        edges = [(r, version_map[v], d, at, source) for part in chunks(list(run_ids))
                 for r, v, d, at, source in conn.execute(
                     "SELECT run_id, version_id, direction, created_at, source FROM lineage"
                     f" WHERE run_id IN ({marks(part)})", part) if v in version_map]
    if edges:
        with dest.write() as conn:
            conn.executemany("INSERT OR IGNORE INTO lineage (run_id, version_id, direction,"
                             " created_at, source) VALUES (?, ?, ?, ?, ?)", edges)
    return len(edges)


# kind -> (alias table, owner table, owner column, versions table)
_ALIASES = {
    "artifact_alias": ("artifact_aliases", "artifacts", "artifact_id", "artifact_versions"),
    "alias": ("model_aliases", "registered_models", "model_id", "model_versions"),
}


def _plan_aliases(source: Registry, dest: Registry, plans: Sequence[VersionCopy],
                  kind: str) -> list[dict[str, Any]]:
    """The source's aliases on copied versions: to set, already set, or in conflict."""
    aliases, owners, owner, versions = _ALIASES[kind]
    mapped = {p.source_id: p for p in plans if p.state != "conflict"}
    with source.read() as conn:
        found = _rows(conn, f"SELECT version_id, alias FROM {aliases}"
                            " WHERE version_id IN ({marks})", list(mapped))
    out = []
    with dest.read() as conn:
        for version_id, alias in sorted(found, key=lambda a: (mapped[a[0]].name, a[1])):
            item = mapped[version_id]
            held = conn.execute(
                f"SELECT v.id, v.version FROM {aliases} s JOIN {owners} o"
                f" ON o.id = s.{owner} JOIN {versions} v ON v.id = s.version_id"
                " WHERE o.name = ? AND s.alias = ?", (item.name, alias)).fetchone()
            out.append(_alias_plan(kind, item, alias, held))
    return out


def plan_artifact_aliases(source: Registry, dest: Registry,
                          plans: Sequence[VersionCopy]) -> list[dict[str, Any]]:
    """The source's aliases on copied artifact versions (see ``_plan_aliases``)."""
    return _plan_aliases(source, dest, plans, "artifact_alias")


def _alias_plan(kind: str, item: VersionCopy, alias: str, held: Any) -> dict[str, Any]:
    plan: dict[str, Any] = {"kind": kind, "name": item.name, "alias": alias, "item": item}
    if held is None:
        plan["state"] = "new"
    elif item.dest_id is not None and int(held[0]) == item.dest_id:
        plan["state"] = "already_there"
    else:
        plan["state"] = "conflict"
        plan["detail"] = (f"{item.name}@{alias} is version {held[1]} there; here it is"
                          f" version {item.source_version}; left as it is there")
    return plan


def apply_artifact_aliases(dest: Registry, plans: Sequence[dict[str, Any]],
                           user: str | None) -> None:
    """Set the ``new`` aliases of ``plans`` on ``dest``."""
    with dest.write():
        for plan in plans:
            if plan["state"] == "new":
                item = plan["item"]
                artifacts.set_alias(dest, f"{item.name}:{item.dest_version}", plan["alias"],
                                    user=user)
                plan["state"] = "sent"


# -- model versions ---------------------------------------------------------------


def plan_model_versions(source: Registry, dest: Registry, ids: Sequence[int],
                        artifact_map: dict[int, VersionCopy]) -> list[VersionCopy]:
    """Compare model versions ``ids`` of ``source`` with ``dest`` (no writes).

    ``artifact_map`` maps each model version's source artifact version to its copy.
    """
    cols = ", ".join(f"v.{c}" for c in MODEL_VERSION_COLUMNS)
    with source.read() as conn:
        rows = _rows(conn, "SELECT v.id, m.name, m.description, m.owner, m.tags, m.created_at,"
                           f" v.version, v.artifact_version_id, v.run_id, {cols}"
                           " FROM model_versions v JOIN registered_models m ON m.id = v.model_id"
                           " WHERE v.id IN ({marks}) ORDER BY m.name, v.version", ids)
    plans = []
    with dest.read() as conn:
        for row in rows:
            item = VersionCopy(int(row[0]), row[1], int(row[6]), row={
                "description_of_model": row[2], "owner": row[3], "tags": row[4],
                "model_created_at": row[5], "artifact": artifact_map.get(int(row[7])),
                "run_id": row[8], **dict(zip(MODEL_VERSION_COLUMNS, row[9:], strict=True))})
            artifact = item.row["artifact"] if item.row else None
            if artifact is None or (artifact.dest_id is None and artifact.state != "new"):
                item.state = "conflict"
                item.detail = (f"{item.name}:{item.source_version}: its artifact version"
                               f" could not be copied ({artifact.detail if artifact else 'missing'})")
            elif artifact.dest_id is not None:
                found = conn.execute(
                    "SELECT v.id, v.version FROM model_versions v JOIN registered_models m"
                    " ON m.id = v.model_id WHERE m.name = ? AND v.artifact_version_id = ?",
                    (item.name, artifact.dest_id)).fetchone()
                if found is not None:
                    item.state, item.dest_id, item.dest_version = \
                        "already_there", int(found[0]), int(found[1])
            plans.append(item)
    return plans


def copy_model_versions(dest: Registry, plans: Sequence[VersionCopy], *,
                        origin: str) -> None:
    """Insert the ``new`` model versions of ``plans`` into ``dest`` (one transaction).

    Each gets the destination's next number and a ``registered`` event (so the
    destination's triggers fire) saying where it came from; its stage is applied
    afterwards by ``apply_stages``, so the insert itself is always at ``none``.
    """
    todo = [p for p in plans if p.state == "new" and p.row is not None]
    if not todo:
        return
    with dest.write() as conn:
        for item in todo:
            row = item.row or {}
            found = conn.execute("SELECT id FROM registered_models WHERE name = ?",
                                 (item.name,)).fetchone()
            if found is None:
                model_id = int(conn.execute(
                    "INSERT INTO registered_models (name, description, owner, tags, created_at,"
                    f" updated_at, change_seq) VALUES (?, ?, ?, ?, ?, ?, {CURRENT_SEQ})",
                    (item.name, row["description_of_model"], row["owner"], row["tags"],
                     row["model_created_at"], iso_now())).lastrowid or 0)
            else:
                model_id = int(found[0])
            number = int(conn.execute(
                "SELECT COALESCE(max(version), 0) + 1 FROM model_versions WHERE model_id = ?",
                (model_id,)).fetchone()[0])
            run_id = row["run_id"]
            if run_id is not None and not conn.execute(
                    "SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone():
                run_id = None
            columns = [c for c in MODEL_VERSION_COLUMNS if c != "stage"]
            # created_role: who registers it *there* is the pushing role, so a
            # policy's approvals there are judged against it (docs/deploy.md).
            item.dest_id = int(conn.execute(
                "INSERT INTO model_versions (model_id, version, artifact_version_id, run_id,"
                f" created_role, {', '.join(columns)}) VALUES (?, ?, ?, ?, ?, {marks(columns)})",
                (model_id, number, row["artifact"].dest_id, run_id, db_role(dest, conn),
                 *(row[c] for c in columns))).lastrowid or 0)
            item.dest_version, item.state = number, "sent"
            conn.execute(
                "INSERT INTO registry_events (kind, model_id, version_id, payload, at)"
                " VALUES (?, ?, ?, ?, ?)",
                ("registered", model_id, item.dest_id,
                 dumps({"version": number, "copied_from": origin,
                        "source_version": item.source_version}), iso_now()))
            conn.execute(f"UPDATE registered_models SET updated_at = ?, change_seq = {CURRENT_SEQ}"
                         " WHERE id = ?", (iso_now(), model_id))


def plan_stages(dest: Registry, plans: Sequence[VersionCopy]) -> list[dict[str, Any]]:
    """The source's stages of copied model versions: to apply, already so, or in conflict.

    A stage is applied where the destination's version is still at ``none`` and no
    other version of the model holds it there (for staging and production).
    """
    out = []
    with dest.read() as conn:
        for item in plans:
            stage = (item.row or {}).get("stage", "none")
            if item.state == "conflict" or stage == "none":
                continue
            plan: dict[str, Any] = {"kind": "stage", "name": item.name, "stage": stage,
                                    "item": item}
            theirs = "none"
            if item.dest_id is not None:
                theirs = conn.execute("SELECT stage FROM model_versions WHERE id = ?",
                                      (item.dest_id,)).fetchone()[0]
            holder = conn.execute(
                "SELECT v.version FROM model_versions v JOIN registered_models m"
                " ON m.id = v.model_id WHERE m.name = ? AND v.stage = ? AND v.id != ?"
                " ORDER BY v.version DESC LIMIT 1",
                (item.name, stage, item.dest_id or 0)).fetchone()
            if theirs == stage:
                plan["state"] = "already_there"
            elif theirs != "none":
                plan["state"] = "conflict"
                plan["detail"] = (f"{item.name}:{item.dest_version} is in {theirs} there,"
                                  f" {stage} here; left as it is there")
            elif holder is not None and stage in EXCLUSIVE_STAGES:
                plan["state"] = "conflict"
                plan["detail"] = (f"{item.name} has version {holder[0]} in {stage} there;"
                                  f" version {item.source_version} here was not moved to"
                                  f" {stage}")
            else:
                plan["state"] = "new"
            out.append(plan)
    return out


def plan_model_aliases(source: Registry, dest: Registry,
                       plans: Sequence[VersionCopy]) -> list[dict[str, Any]]:
    """The source's aliases on copied model versions (see ``_plan_aliases``)."""
    return _plan_aliases(source, dest, plans, "alias")


def apply_model_labels(dest: Registry, plans: Sequence[dict[str, Any]], *,
                       user: str | None, comment: str) -> None:
    """Apply the ``new`` stages and aliases of ``plans`` on ``dest`` (history recorded)."""
    with dest.write():
        for plan in plans:
            if plan["state"] != "new":
                continue
            item = plan["item"]
            ref = f"{item.name}:{item.dest_version}"
            if plan["kind"] == "stage":
                models.set_stage(dest, ref, plan["stage"], user=user, comment=comment)
            else:
                models.set_alias(dest, ref, plan["alias"], user=user, comment=comment)
            plan["state"] = "sent"
