"""Artifacts and their content-addressed versions, aliases and run edges.

Blob files are written (and fsynced) before any of these rows exist; a version row
therefore never points at missing or partial bytes. The exception is a fingerprint-only
dataset version (``stored = 0``, recorded from data passed to ``fit()``): its digest is
the data's fingerprint, no blob has it, and nothing reads bytes for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.core.names import check_name
from mm_jupyter.core.references import split_reference
from mm_jupyter.encoding import dumps, spell_non_finite, to_jsonable
from mm_jupyter.errors import ConflictError, NotFoundError
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.stamps import CURRENT_SEQ, iso_now

KINDS = ("dataset", "model", "file", "report", "figure")
ALIAS_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")


@dataclass
class NewVersion:
    """A version about to be recorded; its blobs are already on disk."""

    name: str
    kind: str
    digest: str
    size: int
    media_type: str
    format: str
    file_name: str
    metadata: dict[str, Any] = field(default_factory=dict)
    run_id: str | None = None
    is_dir: bool = False
    files: Sequence[tuple[str, str, int]] = ()  # (path, digest, size) of a directory
    blobs: Sequence[tuple[str, int, str]] = ()  # (digest, size, media_type) rows to add
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    aliases: Sequence[str] = ()
    # Facts computed by mm-jupyter (fingerprint, profile): plain JSON, stored in the
    # metadata without the bounds user metadata gets (a profile has many values).
    facts: dict[str, Any] = field(default_factory=dict)
    stored: bool = True  # False: a fingerprint-only version, no bytes (``digest`` is the fingerprint)
    # (run id, source): a run that read this data, recorded in the same transaction
    input_of: tuple[str, str | None] | None = None


def _metadata_text(new: NewVersion) -> str:
    """The metadata column: the user's metadata, bounded, then mm-jupyter's facts."""
    merged = {**to_jsonable(new.metadata), **spell_non_finite(new.facts)}
    return json.dumps(merged, allow_nan=False)


def parse_ref(ref: str, *, strip: bool = True) -> tuple[str, int | None, str | None]:
    """Split ``name``, ``name:vN`` / ``name:N`` or ``name@alias``.

    The name part is everything before the last ``:`` or ``@``, so a name stored
    before names were checked (``thing:3``) is addressed as ``thing:3:v1``.
    """
    ref = str(ref).strip() if strip else str(ref)
    if not ref:
        raise ValueError("an artifact reference must not be empty")
    return split_reference(ref)


def check_alias(alias: str) -> str:
    """Return ``alias`` if valid, else raise naming it."""
    if not ALIAS_RE.match(alias) or alias.isdigit():
        raise ValueError(
            f"alias {alias!r} must start with a letter and use letters, digits, _ . -"
        )
    return alias


def kind_clash(name: str, existing: str, new: str) -> str:
    """Return the message for logging a ``new``-kind version under another kind's name.

    Models and artifacts share one namespace: a registered model's versions are
    artifact versions (kind ``model``) stored under the model's name, which is what
    gives them lineage, verification and ``%mm lineage``.
    """
    if new == "model" or existing == "model":
        return (
            f"artifact {name!r} is a {existing}, so a {new} cannot use its name: models"
            " and artifacts share one namespace (a model's versions are stored as"
            " artifacts under its name); choose another name"
        )
    return f"artifact {name!r} is a {existing}; cannot log a {new} under that name"


def check_artifact_name_free(registry: Registry, name: str, kind: str | None) -> None:
    """Raise ``ValueError`` when logging ``name`` would clash with a registered model.

    A registered model's versions come from ``register_model``; a file or dataset
    logged under its name would become its "latest" artifact version.
    """
    with registry.read() as conn:
        model = conn.execute(
            "SELECT 1 FROM registered_models WHERE name = ?", (name,)
        ).fetchone()
        row = conn.execute("SELECT kind FROM artifacts WHERE name = ?", (name,)).fetchone()
    if model is not None:
        raise ValueError(
            f"{name!r} is a registered model: add its versions with"
            f" mm.register_model(model, {name!r}); log this artifact under another name"
            " (models and artifacts share one namespace)"
        )
    if row is not None and kind is not None and row[0] != kind:
        raise ValueError(kind_clash(name, row[0], kind))


def _artifact_id(conn: Connection, new: NewVersion) -> int:
    row = conn.execute("SELECT id, kind FROM artifacts WHERE name = ?", (new.name,)).fetchone()
    if row:
        if row[1] != new.kind:
            raise ValueError(kind_clash(new.name, row[1], new.kind))
        if new.description is not None:
            conn.execute(
                "UPDATE artifacts SET description = ? WHERE id = ?", (new.description, row[0])
            )
        if new.tags:
            old = conn.execute("SELECT tags FROM artifacts WHERE id = ?", (row[0],)).fetchone()
            merged = {**json.loads(old[0] or "{}"), **new.tags}
            conn.execute("UPDATE artifacts SET tags = ? WHERE id = ?", (dumps(merged), row[0]))
        return int(row[0])
    cur = conn.execute(
        "INSERT INTO artifacts (name, kind, description, tags, created_at, change_seq)"
        f" VALUES (?, ?, ?, ?, ?, {CURRENT_SEQ})",
        (new.name, new.kind, new.description, dumps(new.tags), iso_now()),
    )
    return int(cur.lastrowid or 0)


def add_version(registry: Registry, new: NewVersion, *, user: str | None = None) -> tuple[int, bool]:
    """Record a version; return ``(version_id, created)``.

    Identical content under the same name returns the existing version (no new version,
    no new bytes); the run is still recorded as having produced it.
    """
    if new.kind not in KINDS:
        raise ValueError(f"artifact kind must be one of {', '.join(KINDS)}, not {new.kind!r}")
    check_name(new.name, "model" if new.kind == "model" else "artifact")
    for alias in new.aliases:
        check_alias(alias)
    with registry.write() as conn:
        now = iso_now()
        conn.executemany(
            "INSERT OR IGNORE INTO blobs (digest, size, media_type, created_at) VALUES (?, ?, ?, ?)",
            [(d, s, m, now) for d, s, m in new.blobs],
        )
        artifact_id = _artifact_id(conn, new)
        row = conn.execute(
            "SELECT id FROM artifact_versions WHERE artifact_id = ? AND digest = ?",
            (artifact_id, new.digest),
        ).fetchone()
        created = row is None
        if row:
            version_id = int(row[0])
        else:
            number = conn.execute(
                "SELECT COALESCE(max(version), 0) + 1 FROM artifact_versions WHERE artifact_id = ?",
                (artifact_id,),
            ).fetchone()[0]
            cur = conn.execute(
                "INSERT INTO artifact_versions (artifact_id, version, digest, size, media_type,"
                " format, is_dir, file_name, metadata, run_id, created_at, stored)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (artifact_id, number, new.digest, new.size, new.media_type, new.format,
                 int(new.is_dir), new.file_name, _metadata_text(new), new.run_id, now,
                 int(new.stored)),
            )
            version_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO version_files (version_id, path, digest, size) VALUES (?, ?, ?, ?)",
                [(version_id, p, d, s) for p, d, s in new.files],
            )
        if new.run_id:
            _edge(conn, new.run_id, version_id, "output")
        if new.input_of is not None:
            _edge(conn, new.input_of[0], version_id, "input", new.input_of[1])
        for alias in new.aliases:
            _move_alias(conn, artifact_id, alias, version_id, user)
        conn.execute(f"UPDATE artifacts SET change_seq = {CURRENT_SEQ} WHERE id = ?", (artifact_id,))
    return version_id, created


def has_version(registry: Registry, name: str, digest: str) -> bool:
    """Return whether artifact ``name`` has a version with this content digest."""
    with registry.read() as conn:
        return conn.execute(
            "SELECT 1 FROM artifact_versions v JOIN artifacts a ON a.id = v.artifact_id"
            " WHERE a.name = ? AND v.digest = ?", (name, digest)
        ).fetchone() is not None


def _edge(conn: Connection, run_id: str, version_id: int, direction: str,
          source: str | None = None) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO lineage (run_id, version_id, direction, created_at, source)"
        " VALUES (?, ?, ?, ?, ?)",
        (run_id, version_id, direction, iso_now(), source),
    )
    conn.execute(f"UPDATE runs SET change_seq = {CURRENT_SEQ} WHERE id = ?", (run_id,))


INPUT_SOURCES = (None, "fit")


def record_input(registry: Registry, run_id: str, version_id: int, *,
                 source: str | None = None) -> None:
    """Record that ``run_id`` consumed version ``version_id``.

    ``source`` says how: ``None`` for ``use_artifact``, ``"fit"`` for data passed to a
    model's ``fit()``. An edge that exists keeps the source it was first recorded with.
    """
    record_inputs(registry, run_id, [version_id], source=source)


def record_inputs(registry: Registry, run_id: str, version_ids: Sequence[int], *,
                  source: str | None = None) -> None:
    """Record that ``run_id`` consumed each of ``version_ids``, in one transaction."""
    if source not in INPUT_SOURCES:
        raise ValueError(f"input source must be one of {INPUT_SOURCES}, not {source!r}")
    if not version_ids:
        return
    with registry.write() as conn:
        for version_id in dict.fromkeys(version_ids):
            _edge(conn, run_id, version_id, "input", source)


def _move_alias(
    conn: Connection, artifact_id: int, alias: str, version_id: int, user: str | None
) -> None:
    row = conn.execute(
        "SELECT version_id FROM artifact_aliases WHERE artifact_id = ? AND alias = ?",
        (artifact_id, alias),
    ).fetchone()
    previous = row[0] if row else None
    if previous == version_id:
        return
    conn.execute(
        "INSERT INTO artifact_aliases (artifact_id, alias, version_id) VALUES (?, ?, ?)"
        " ON CONFLICT (artifact_id, alias) DO UPDATE SET version_id = excluded.version_id",
        (artifact_id, alias, version_id),
    )
    conn.execute(
        "INSERT INTO alias_history (artifact_id, alias, from_version_id, to_version_id,"
        " changed_at, user) VALUES (?, ?, ?, ?, ?, ?)",
        (artifact_id, alias, previous, version_id, iso_now(), user),
    )


def set_alias(registry: Registry, ref: str, alias: str, *, user: str | None = None) -> int:
    """Point ``alias`` at the version ``ref`` names (moving it); return the version id."""
    check_alias(alias)
    version = resolve_version(registry, ref)
    with registry.write() as conn:
        _move_alias(conn, version["artifact_id"], alias, version["id"], user)
        conn.execute(
            f"UPDATE artifacts SET change_seq = {CURRENT_SEQ} WHERE id = ?",
            (version["artifact_id"],),
        )
    return int(version["id"])


VERSION_SELECT = (
    "SELECT v.id, v.artifact_id, a.name, a.kind, v.version, v.digest, v.size, v.media_type,"
    " v.format, v.is_dir, v.file_name, v.metadata, v.run_id, v.created_at, v.stored"
    " FROM artifact_versions v JOIN artifacts a ON a.id = v.artifact_id"
)


def version_row(row: Sequence[Any]) -> dict[str, Any]:
    try:
        metadata = json.loads(row[11])
    except (TypeError, ValueError):
        metadata = {"_unreadable": str(row[11])[:200]}
    return {
        "id": row[0], "artifact_id": row[1], "name": row[2], "kind": row[3],
        "version": row[4], "ref": f"{row[2]}:v{row[4]}", "digest": row[5], "size": row[6],
        "media_type": row[7], "format": row[8], "is_dir": bool(row[9]),
        "file_name": row[10], "metadata": metadata, "run_id": row[12], "created_at": row[13],
        "stored": bool(row[14]),
    }


def get_version(registry: Registry, version_id: int) -> dict[str, Any]:
    """Return the version whose row id is ``version_id`` (``NotFoundError`` if none)."""
    with registry.read() as conn:
        row = conn.execute(f"{VERSION_SELECT} WHERE v.id = ?", (version_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no artifact version with id {version_id}")
    return version_row(row)


def resolve_version(registry: Registry, ref: str) -> dict[str, Any]:
    """Return the version ``ref`` names: ``name`` (latest), ``name:vN``, ``name@alias``."""
    with registry.read() as conn:
        name, number, alias = _reading(conn, ref)
        if not conn.execute("SELECT 1 FROM artifacts WHERE name = ?", (name,)).fetchone():
            raise NotFoundError(f"no artifact named {name!r}")
        if number is not None:
            row = conn.execute(
                f"{VERSION_SELECT} WHERE a.name = ? AND v.version = ?", (name, number)
            ).fetchone()
            missing = f"artifact {name!r} has no version v{number}"
        elif alias is not None:
            row = conn.execute(
                f"{VERSION_SELECT} JOIN artifact_aliases al ON al.version_id = v.id"
                " WHERE a.name = ? AND al.alias = ?",
                (name, alias),
            ).fetchone()
            missing = f"artifact {name!r} has no alias {alias!r}"
        else:
            row = conn.execute(
                f"{VERSION_SELECT} WHERE a.name = ? ORDER BY v.version DESC LIMIT 1", (name,)
            ).fetchone()
            missing = f"artifact {name!r} has no versions"
    if row is None:
        raise NotFoundError(missing)
    return version_row(row)


def _reading(conn: Connection, ref: str) -> tuple[str, int | None, str | None]:
    """Return how to read ``ref``; refuse a reference that names two versions.

    Names stored before the name rule may look like references (``thing:3``,
    ``a@b``) or carry surrounding spaces: they stay readable by their exact text,
    unless that text also names a version of another artifact (``thing`` v3), when
    silently picking either would record the wrong input in lineage.
    """

    def exists(name: str) -> bool:
        return conn.execute("SELECT 1 FROM artifacts WHERE name = ?", (name,)).fetchone() is not None

    def resolves(name: str, number: int | None, alias: str | None) -> bool:
        query, args = "SELECT 1 FROM artifacts WHERE name = ?", (name,)
        if number is not None:
            query = f"{VERSION_SELECT} WHERE a.name = ? AND v.version = ?"
            args = (name, number)  # type: ignore[assignment]
        elif alias is not None:
            query = (
                "SELECT 1 FROM artifact_aliases al JOIN artifacts a ON a.id = al.artifact_id"
                " WHERE a.name = ? AND al.alias = ?"
            )
            args = (name, alias)  # type: ignore[assignment]
        return conn.execute(query, args).fetchone() is not None

    raw = str(ref)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in raw):  # SQLite cannot even hold these
        raise NotFoundError(f"no artifact named {raw!r}")
    parsed = parse_ref(raw)
    if raw != parsed[0] and exists(raw):  # a legacy name, spelled exactly
        if resolves(*parsed):
            name, number, alias = parsed
            reading = (
                f"version {number}" if number is not None
                else f"the version with alias {alias!r}" if alias is not None
                else "the latest version"
            )
            raise ConflictError(
                f"reference {raw!r} is ambiguous: it names an artifact stored before names"
                f" were checked, and {reading} of artifact {name!r}; write"
                f" {raw + ':v1'!r} (any version) for the first, or {name + ':vN'!r}"
                " with the version number for the second"
            )
        return raw, None, None
    unstripped = parse_ref(raw, strip=False)
    if unstripped[0] != parsed[0] and exists(unstripped[0]):  # ' x :v1' of a legacy ' x '
        return unstripped
    return parsed


def version_files(registry: Registry, version_id: int) -> list[dict[str, Any]]:
    """Return the member files of a directory version."""
    with registry.read() as conn:
        return [
            {"path": p, "digest": d, "size": s}
            for p, d, s in conn.execute(
                "SELECT path, digest, size FROM version_files WHERE version_id = ? ORDER BY path",
                (version_id,),
            )
        ]


def cached_digest(registry: Registry, path: str, key: tuple[int, int, int]) -> str | None:
    """Return the digest remembered for ``path`` if its (size, mtime_ns, inode) match."""
    with registry.read() as conn:
        row = conn.execute(
            "SELECT size, mtime_ns, inode, digest FROM file_digests WHERE path = ?", (path,)
        ).fetchone()
    return str(row[3]) if row and tuple(row[:3]) == key else None


def remember_digest(registry: Registry, path: str, key: tuple[int, int, int], digest: str) -> None:
    """Remember the digest of ``path`` at (size, mtime_ns, inode)."""
    with registry.write(bump=False) as conn:
        conn.execute(
            "INSERT INTO file_digests (path, size, mtime_ns, inode, digest) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (path) DO UPDATE SET size = excluded.size,"
            " mtime_ns = excluded.mtime_ns, inode = excluded.inode, digest = excluded.digest",
            (path, *key, digest),
        )
