"""Read everything one run recorded: param sources, metric series, outputs, code."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from mm_jupyter.encoding import decode_float
from mm_jupyter.store.artifact_queries import run_artifacts
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.history import read_history
from mm_jupyter.store.housekeeping import housekeeping_fields
from mm_jupyter.store.queries import resolve_run, run_summaries
from mm_jupyter.store.run_events import run_events


def metric_series(
    conn: Connection, run_id: str
) -> dict[str, list[dict[str, Any]]]:
    """Return every metric's points of a run, by key, in step order."""
    series: dict[str, list[dict[str, Any]]] = {}
    for key, step, value, ts in conn.execute(
        "SELECT key, step, value, timestamp_ts FROM metrics WHERE run_id = ?"
        " ORDER BY key, step, id",
        (run_id,),
    ):
        series.setdefault(key, []).append(
            {"step": step, "value": decode_float(value), "timestamp_ts": ts}
        )
    return series


def _loads(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return {"_unreadable": text[:200]}


def run_outputs(conn: Connection, run_id: str) -> list[dict[str, Any]]:
    """Return a run's captured outputs in cell order."""
    return [
        {
            "seq": seq,
            "output_type": otype,
            "name": name,
            "text": text,
            "data": _loads(data),
            "metadata": _loads(metadata) or {},
            "blobs": _loads(blobs) or {},
            "truncated_bytes": truncated,
        }
        for seq, otype, name, text, data, metadata, blobs, truncated in conn.execute(
            "SELECT seq, output_type, name, text, data, metadata, blobs, truncated_bytes"
            " FROM outputs WHERE run_id = ? ORDER BY seq",
            (run_id,),
        )
    ]


def _code(conn: Connection, row: sqlite3.Row | tuple[Any, ...]) -> dict[str, Any]:
    cell_digest, history_digest, notebook_digest, notebook_path, *history_ref = row

    def content(digest: str | None) -> str | None:
        if digest is None:
            return None
        found = conn.execute(
            "SELECT content FROM code_snapshots WHERE digest = ?", (digest,)
        ).fetchone()
        return None if found is None else str(found[0])

    notebook = None
    if notebook_digest is not None:
        size = conn.execute(
            "SELECT size FROM code_snapshots WHERE digest = ?", (notebook_digest,)
        ).fetchone()
        notebook = {
            "path": notebook_path,
            "digest": notebook_digest,
            "size": size[0] if size else None,
        }
    return {
        "cell": content(cell_digest),
        "history": read_history(conn, history_digest, *history_ref),
        "notebook": notebook,
    }


def _environment(conn: Connection, digest: str | None) -> dict[str, Any] | None:
    if digest is None:
        return None
    row = conn.execute(
        "SELECT python, platform, packages, git_commit, git_dirty FROM environments"
        " WHERE digest = ?",
        (digest,),
    ).fetchone()
    if row is None:
        return None
    python, platform, packages, commit, dirty = row
    git = None if commit is None else {"commit": commit, "dirty": bool(dirty)}
    return {
        "digest": digest,
        "python": python,
        "platform": platform,
        "packages": _loads(packages) or {},
        "git": git,
    }


def run_detail(registry: Registry, ref: str, *, exact: bool = False) -> dict[str, Any]:
    """Return everything about the run ``ref`` names (see docs/rest.md)."""
    run_id = resolve_run(registry, ref, exact=exact)
    with registry.read() as conn:
        summary = run_summaries(conn, [run_id])[0]
        sources = dict(
            conn.execute("SELECT key, source FROM params WHERE run_id = ?", (run_id,))
        )
        row = conn.execute(
            "SELECT cell_digest, history_digest, notebook_digest, notebook_path,"
            " history_kernel_id, history_from, history_upto,"
            " environment_digest, error FROM runs WHERE id = ?",
            (run_id,),
        ).fetchone()
        return {
            "run": summary,
            "param_sources": sources,
            "metrics": metric_series(conn, run_id),
            "outputs": run_outputs(conn, run_id),
            "code": _code(conn, row[:7]),
            "environment": _environment(conn, row[7]),
            "error": row[8],
            "artifacts": run_artifacts(conn, run_id),
            # Housekeeping (docs/housekeeping.md): note, star, archive/delete stamps,
            # the notebook cell, and the change history, newest first.
            **housekeeping_fields(conn, run_id),
            "events": run_events(conn, run_id),
            # The hidden-state analysis (docs/reproducibility.md), also in "run".
            "reproducibility": summary.get("reproducibility"),
        }


def notebook_snapshot(registry: Registry, digest: str) -> str | None:
    """Return the stored text of a notebook snapshot, or ``None``."""
    with registry.read() as conn:
        row = conn.execute(
            "SELECT content FROM code_snapshots WHERE digest = ? AND kind = 'notebook'",
            (digest,),
        ).fetchone()
    return None if row is None else str(row[0])
