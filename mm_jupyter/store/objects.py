"""Custom objects: the source of user-defined functions and classes a run used.

Each distinct object is stored once in ``code_objects``, keyed by the digest of its
kind, module, name and source (the same function used by a thousand runs is one
row); ``run_objects`` links a run to the digests it used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.runs import iso_now

KINDS = ("function", "class")
CHUNK = 500  # digests per IN (...) list: well under SQLite's variable limit


def object_digest(kind: str, module: str, name: str, source: str) -> str:
    """Return the content digest of an object (sha256 hex of its four fields)."""
    key = json.dumps([kind, module, name, source], ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class CodeObject:
    """One user-defined function or class, as a run records it."""

    name: str  # qualified name, e.g. ``MyFeatures`` or ``make_model.<locals>.loss``
    kind: str  # ``function`` or ``class``
    module: str  # ``__main__`` for the notebook, else the local module's name
    source: str  # the source text, or a one-line note saying why it is missing
    digest: str

    @classmethod
    def of(cls, *, name: str, kind: str, module: str, source: str) -> CodeObject:
        """Return the object with its digest computed."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}: {kind!r}")
        return cls(name, kind, module, source, object_digest(kind, module, name, source))

    @property
    def size(self) -> int:
        """Size of the source in UTF-8 bytes."""
        return len(self.source.encode("utf-8", "surrogatepass"))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (``runs/{id}``'s ``objects`` items)."""
        return {"name": self.name, "kind": self.kind, "module": self.module,
                "digest": self.digest, "source": self.source}


def record_run_objects(registry: Registry, run_id: str, objects: Sequence[CodeObject]) -> None:
    """Link ``objects`` to run ``run_id``, storing the ones the registry lacks.

    No change-cursor bump: the run's end, written right after, moves it.
    """
    if not objects:
        return
    unique = list({o.digest: o for o in objects}.values())
    with registry.write(bump=False) as conn:
        known: set[str] = set()
        for start in range(0, len(unique), CHUNK):
            part = [o.digest for o in unique[start:start + CHUNK]]
            marks = ", ".join("?" * len(part))
            known.update(r[0] for r in conn.execute(
                f"SELECT digest FROM code_objects WHERE digest IN ({marks})", part))
        now = iso_now()
        # Only the missing rows travel: a repeated cell sends digests, not sources.
        conn.executemany(
            "INSERT OR IGNORE INTO code_objects (digest, name, kind, module, source, size,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(o.digest, o.name, o.kind, o.module, o.source, o.size, now)
             for o in unique if o.digest not in known],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO run_objects (run_id, digest) VALUES (?, ?)",
            [(run_id, o.digest) for o in unique],
        )


def run_objects(conn: Connection, run_id: str) -> list[dict[str, Any]]:
    """Return the objects run ``run_id`` used, by module then name (JSON form)."""
    return [
        {"name": name, "kind": kind, "module": module, "digest": digest, "source": source}
        for digest, name, kind, module, source in conn.execute(
            "SELECT o.digest, o.name, o.kind, o.module, o.source FROM run_objects r"
            " JOIN code_objects o ON o.digest = r.digest WHERE r.run_id = ?"
            " ORDER BY o.module, o.name, o.kind, o.digest",
            (run_id,),
        )
    ]


def read_run_objects(registry: Registry, run_id: str) -> list[dict[str, Any]]:
    """Return the objects run ``run_id`` used, in one short read transaction."""
    with registry.read() as conn:
        return run_objects(conn, run_id)
