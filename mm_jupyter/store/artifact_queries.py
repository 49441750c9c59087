"""Read artifacts for lists, the CLI and the server (the REST shapes of docs/rest.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mm_jupyter.core.paging import check_page
from mm_jupyter.errors import NotFoundError
from mm_jupyter.store import text_search
from mm_jupyter.store.artifacts import VERSION_SELECT, version_row
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection


def _run_ref(conn: Connection, run_id: str | None) -> dict[str, Any] | None:
    if run_id is None:
        return None
    row = conn.execute("SELECT id, name, status FROM runs WHERE id = ?", (run_id,)).fetchone()
    return None if row is None else {"id": row[0], "name": row[1], "status": row[2]}


def version_ref(version: dict[str, Any]) -> dict[str, Any]:
    """Return the short ``VersionRef`` of a version dict."""
    return {k: version[k] for k in ("name", "version", "ref", "kind", "digest", "size")}


def _aliases(conn: Connection, artifact_id: int) -> dict[str, int]:
    return {
        alias: number
        for alias, number in conn.execute(
            "SELECT al.alias, v.version FROM artifact_aliases al"
            " JOIN artifact_versions v ON v.id = al.version_id WHERE al.artifact_id = ?"
            " ORDER BY al.alias",
            (artifact_id,),
        )
    }


def describe_versions(conn: Connection, versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add producer, consumers, aliases and (for directories) files to version dicts."""
    out = []
    for v in versions:
        aliases = [
            r[0] for r in conn.execute(
                # by primary key (artifact_id, alias): version_id alone has no index
                "SELECT alias FROM artifact_aliases WHERE artifact_id = ? AND version_id = ?"
                " ORDER BY alias", (v["artifact_id"], v["id"])
            )
        ]
        consumers = [
            _run_ref(conn, r[0]) for r in conn.execute(
                "SELECT run_id FROM lineage WHERE version_id = ? AND direction = 'input'"
                " ORDER BY created_at", (v["id"],)
            )
        ]
        files = None
        if v["is_dir"]:
            files = [
                {"path": p, "digest": d, "size": s}
                for p, d, s in conn.execute(
                    "SELECT path, digest, size FROM version_files WHERE version_id = ?"
                    " ORDER BY path", (v["id"],)
                )
            ]
        item = {k: v[k] for k in v if k not in ("id", "artifact_id", "run_id")}
        item.update(
            aliases=aliases,
            producer=_run_ref(conn, v["run_id"]),
            consumers=[c for c in consumers if c is not None],
            files=files,
        )
        out.append(item)
    return out


def _artifact_summary(conn: Connection, row: tuple[Any, ...]) -> dict[str, Any]:
    artifact_id, name, kind, description, tags, created_at = row
    try:
        parsed_tags = json.loads(tags)
    except (TypeError, ValueError):
        parsed_tags = {"_unreadable": str(tags)[:200]}
    n_versions = conn.execute(
        "SELECT count(*) FROM artifact_versions WHERE artifact_id = ?", (artifact_id,)
    ).fetchone()[0]
    return {
        "name": name, "kind": kind, "description": description, "tags": parsed_tags,
        "created_at": created_at, "n_versions": n_versions,
        "aliases": _aliases(conn, artifact_id),
    }


def list_artifacts(
    registry: Registry, *, q: str | None = None, kind: str | None = None,
    limit: int = 50, offset: int = 0,
) -> dict[str, Any]:
    """Return one page of artifacts (newest activity first) with their latest version."""
    check_page(limit, offset)
    clauses, args = [], []
    if kind:
        clauses.append("kind = ?")
        args.append(kind)
    if q:
        clause, q_args = text_search.contains(registry.backend, ["name", "description"], q)
        clauses.append(clause)
        args += q_args
    where = " AND ".join(clauses) or "1 = 1"
    with registry.read() as conn:
        total = conn.execute(f"SELECT count(*) FROM artifacts WHERE {where}", args).fetchone()[0]
        rows = conn.execute(
            "SELECT id, name, kind, description, tags, created_at FROM artifacts"
            f" WHERE {where} ORDER BY change_seq DESC, id DESC LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ).fetchall()
        items = []
        for row in rows:
            summary = _artifact_summary(conn, row)
            latest = conn.execute(
                f"{VERSION_SELECT} WHERE v.artifact_id = ? ORDER BY v.version DESC LIMIT 1",
                (row[0],),
            ).fetchone()
            summary["latest"] = (
                describe_versions(conn, [version_row(latest)])[0] if latest else None
            )
            items.append(summary)
        cursor = conn.execute("SELECT change_seq FROM registry_state").fetchone()[0]
    return {"total": total, "offset": offset, "limit": limit, "cursor": cursor, "artifacts": items}


def artifact_detail(registry: Registry, name: str) -> dict[str, Any]:
    """Return an artifact with all its versions (newest first) and alias history."""
    with registry.read() as conn:
        row = conn.execute(
            "SELECT id, name, kind, description, tags, created_at FROM artifacts WHERE name = ?",
            (name,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no artifact named {name[:200]!r}")
        versions = [
            version_row(r) for r in conn.execute(
                f"{VERSION_SELECT} WHERE v.artifact_id = ? ORDER BY v.version DESC", (row[0],)
            )
        ]
        history = [
            {"alias": alias, "from_version": f, "to_version": t, "changed_at": at, "user": user}
            for alias, f, t, at, user in conn.execute(
                "SELECT h.alias, fv.version, tv.version, h.changed_at, h.user"
                " FROM alias_history h LEFT JOIN artifact_versions fv ON fv.id = h.from_version_id"
                " LEFT JOIN artifact_versions tv ON tv.id = h.to_version_id"
                " WHERE h.artifact_id = ? ORDER BY h.id",
                (row[0],),
            )
        ]
        return {
            "artifact": _artifact_summary(conn, row),
            "versions": describe_versions(conn, versions),
            "alias_history": history,
        }


def run_artifacts(conn: Connection, run_id: str) -> dict[str, list[dict[str, Any]]]:
    """Return the input and output ``VersionRef`` lists of a run."""
    found: dict[str, list[dict[str, Any]]] = {"inputs": [], "outputs": []}
    for row in conn.execute(
        f"{VERSION_SELECT.replace('SELECT ', 'SELECT l.direction, ', 1)}"
        " JOIN lineage l ON l.version_id = v.id WHERE l.run_id = ? ORDER BY a.name, v.version",
        (run_id,),
    ):
        key = "inputs" if row[0] == "input" else "outputs"
        found[key].append(version_ref(version_row(row[1:])))
    return found


FINGERPRINT_CANDIDATES = 50


def _dataset_versions(conn: Connection, where: str, args: Sequence[Any]) -> list[dict[str, Any]]:
    rows = conn.execute(
        f"{VERSION_SELECT} WHERE a.kind = 'dataset' AND {where} ORDER BY v.id DESC LIMIT ?",
        (*args, FINGERPRINT_CANDIDATES),
    ).fetchall()
    return [version_row(row) for row in rows]


def versions_with_fingerprint(registry: Registry, fingerprint: str) -> list[dict[str, Any]]:
    """Dataset versions that may hold data with this fingerprint, newest first.

    Fingerprint-only versions have it as their digest (found by the digest index);
    logged DataFrames and CSV, Parquet and ``.npy`` files record it in their metadata,
    a text column without an index on its fields: those are scanned. The caller checks
    each candidate's metadata.
    """
    with registry.read() as conn:
        found = _dataset_versions(conn, "v.digest = ?", (fingerprint,))
        if found:
            return found
        return _dataset_versions(
            conn, "v.stored = 1 AND v.metadata LIKE ?", (f"%{fingerprint}%",)
        )


def versions_with_column(registry: Registry, column_digest: str) -> list[dict[str, Any]]:
    """Dataset versions whose metadata mentions this column digest, newest first
    (a metadata scan, as in ``versions_with_fingerprint``)."""
    with registry.read() as conn:
        return _dataset_versions(conn, "v.metadata LIKE ?", (f"%{column_digest}%",))


def unstored_version(registry: Registry, digest: str) -> str | None:
    """Return the reference of a fingerprint-only version whose digest is ``digest``."""
    with registry.read() as conn:
        row = conn.execute(
            "SELECT a.name, v.version FROM artifact_versions v JOIN artifacts a"
            " ON a.id = v.artifact_id WHERE v.digest = ? AND v.stored = 0 LIMIT 1",
            (digest,),
        ).fetchone()
    return None if row is None else f"{row[0]}:v{row[1]}"
