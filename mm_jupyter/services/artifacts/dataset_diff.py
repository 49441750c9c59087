"""Diff two dataset versions: schema changes and, column by column, profile changes.

The shapes follow the run diff (``services/diff/runs.py``): ``added``/``removed``/
``changed``/``unchanged`` for the schema, ``{"a", "b", "delta"}`` for every number, a
``summary`` of counts; three presenters render it (the CLI's text, the notebook's HTML,
the sidebar). It reads only the versions' metadata (their ``profile``, else their
``columns``), never their bytes, so fingerprint-only versions compare like any other.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.store import Registry
from mm_jupyter.store import artifacts as store

#: Profile statistics compared per column, in the order they are shown.
STATS = ("nulls", "distinct", "min", "max", "mean", "std")


def diff_versions(registry: Registry, a: str, b: str) -> dict[str, Any]:
    """Return the diff of version ``a`` → version ``b`` (references: ``name:vN``,
    ``name@alias`` or ``name`` for the latest)."""
    return dataset_diff(store.resolve_version(registry, a), store.resolve_version(registry, b))


def _side(version: dict[str, Any]) -> dict[str, Any]:
    metadata = version["metadata"]
    return {
        "name": version["name"], "version": version["version"], "ref": version["ref"],
        "kind": version["kind"], "digest": version["digest"], "size": version["size"],
        "stored": version["stored"],
        "fingerprint": metadata.get("fingerprint") if isinstance(metadata.get("fingerprint"), str)
        else None,
        "profiled": isinstance(metadata.get("profile"), dict),
    }


def _profile_columns(metadata: dict[str, Any]) -> dict[str, dict[str, Any]]:
    summary = metadata.get("profile")
    columns = summary.get("columns") if isinstance(summary, dict) else None
    if not isinstance(columns, list):
        return {}
    return {str(c["name"]): c for c in columns if isinstance(c, dict) and "name" in c}


def _schema(metadata: dict[str, Any]) -> dict[str, str | None]:
    """Column name → dtype, from the recorded columns, else from the profile."""
    columns = metadata.get("columns")
    if isinstance(columns, dict):
        return {str(k): None if v is None else str(v) for k, v in columns.items()}
    if isinstance(columns, list):  # a CSV header logged before fingerprints
        return {str(k): None for k in columns}
    return {name: c.get("dtype") for name, c in _profile_columns(metadata).items()}


def _rows(metadata: dict[str, Any]) -> int | None:
    rows = metadata.get("rows")
    if not isinstance(rows, int):
        summary = metadata.get("profile")
        rows = summary.get("rows") if isinstance(summary, dict) else None
    return rows if isinstance(rows, int) and not isinstance(rows, bool) else None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _pair(a: Any, b: Any) -> dict[str, Any]:
    delta = b - a if _number(a) and _number(b) else None
    return {"a": a, "b": b, "delta": delta}


def _column(name: str, ca: dict[str, Any], cb: dict[str, Any]) -> dict[str, Any]:
    stats = {s: _pair(ca.get(s), cb.get(s)) for s in STATS if s in ca or s in cb}
    top_a, top_b = ca.get("top") or [], cb.get("top") or []
    changed = (
        any(v["a"] != v["b"] for v in stats.values())
        or top_a != top_b or ca.get("dtype") != cb.get("dtype")
    )
    return {
        "name": name, "kind": cb.get("kind") or ca.get("kind"),
        "dtype": {"a": ca.get("dtype"), "b": cb.get("dtype")},
        "stats": stats, "top": {"a": top_a, "b": top_b}, "changed": changed,
    }


def dataset_diff(va: dict[str, Any], vb: dict[str, Any]) -> dict[str, Any]:
    """Return the diff of two version dicts (``store.resolve_version``'s shape)."""
    ma, mb = va["metadata"], vb["metadata"]
    sa, sb = _schema(ma), _schema(mb)
    schema: dict[str, list[Any]] = {
        "added": [{"name": k, "dtype": sb[k]} for k in sb if k not in sa],
        "removed": [{"name": k, "dtype": sa[k]} for k in sa if k not in sb],
        "changed": [{"name": k, "a": sa[k], "b": sb[k]} for k in sa if k in sb and sa[k] != sb[k]],
        "unchanged": [k for k in sa if k in sb and sa[k] == sb[k]],
    }
    pa, pb = _profile_columns(ma), _profile_columns(mb)
    columns = [_column(name, pa[name], pb[name]) for name in pa if name in pb]
    side_a, side_b = _side(va), _side(vb)
    same = va["digest"] == vb["digest"] or (
        side_a["fingerprint"] is not None and side_a["fingerprint"] == side_b["fingerprint"]
    )
    rows = _pair(_rows(ma), _rows(mb))
    return {
        "a": side_a,
        "b": side_b,
        "same_content": same,
        "rows": rows,
        "schema": schema,
        "columns": columns,
        "summary": {
            "columns_added": len(schema["added"]),
            "columns_removed": len(schema["removed"]),
            "dtypes_changed": len(schema["changed"]),
            "columns_changed": sum(1 for c in columns if c["changed"]),
            "rows_changed": rows["a"] != rows["b"],
            "same_content": same,
        },
    }
