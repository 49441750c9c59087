"""Diff the evaluation reports of two runs: reports of the same name, metric by metric
and class by class (precision, recall, F1, support).

Reports are matched by name (``test`` against ``test``); a name on one side only is
``added`` or ``removed``. Per-class rows come from each report's stored JSON and are
matched by class name, so a class seen by one run only still shows its side.
"""

from __future__ import annotations

import math
from typing import Any

from mm_jupyter.services.evaluation.storage import latest_reports, read_report
from mm_jupyter.store.db import Registry

CLASS_FIELDS = ("precision", "recall", "f1", "support")


def _delta(a: Any, b: Any) -> float | None:
    numbers = isinstance(a, int | float) and isinstance(b, int | float)
    if numbers and math.isfinite(a) and math.isfinite(b):
        return float(b - a)
    return None


def _pair(a: Any, b: Any) -> dict[str, Any]:
    return {"a": a, "b": b, "delta": _delta(a, b)}


def _metrics(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    keys = [k for k in dict.fromkeys([*a, *b]) if "." not in k]  # per-class ones: in classes
    return [{"key": k, **_pair(a.get(k), b.get(k))} for k in keys]


def _classes(a: dict[str, Any] | None, b: dict[str, Any] | None) -> list[dict[str, Any]]:
    def rows(report: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
        table = (report or {}).get("classification_report") or {}
        return {str(r["class"]): r for r in table.get("classes", []) if isinstance(r, dict)}

    ra, rb = rows(a), rows(b)
    return [
        {"class": name, **{f: _pair(ra.get(name, {}).get(f), rb.get(name, {}).get(f))
                           for f in CLASS_FIELDS}}
        for name in dict.fromkeys([*ra, *rb])
    ]


def _read(registry: Registry, version: dict[str, Any] | None, run_id: str) -> dict[str, Any] | None:
    if version is None:
        return None
    try:
        return read_report(registry, version, run_id)
    except (OSError, ValueError, LookupError):  # a missing or unreadable blob: metrics only
        return None


def diff_reports(registry: Registry, a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the report diff of run details ``a`` → ``b`` (``run_detail`` dicts), by name.

    Each entry: ``name``, ``status`` (``both``, ``added``, ``removed``), ``task`` and
    ``artifact`` of each side, headline ``metrics`` (``key``, ``a``, ``b``,
    ``delta``) and per-class ``classes`` rows with a pair per field.
    """
    va = latest_reports(registry, a["artifacts"]["outputs"])
    vb = latest_reports(registry, b["artifacts"]["outputs"])
    out = []
    for name in sorted(set(va) | set(vb)):
        left, right = va.get(name), vb.get(name)
        status = "both" if left and right else "added" if right else "removed"
        ra, rb = _read(registry, left, a["run"]["id"]), _read(registry, right, b["run"]["id"])

        def info(version: dict[str, Any] | None) -> dict[str, Any]:
            found = (version or {}).get("metadata", {}).get("evaluation", {})
            return found if isinstance(found, dict) else {}

        ia, ib = info(left), info(right)
        out.append({
            "name": name,
            "status": status,
            "task": {"a": ia.get("task"), "b": ib.get("task")},
            "artifact": {"a": left and left["ref"], "b": right and right["ref"]},
            "metrics": _metrics(ia.get("metrics") or {}, ib.get("metrics") or {}),
            "classes": _classes(ra, rb),
        })
    return out


def count_changed(reports: list[dict[str, Any]] | None) -> int:
    """Return how many reports were added, removed, or changed a metric."""
    return sum(
        1 for r in reports or []
        if r["status"] != "both" or r["artifact"]["a"] != r["artifact"]["b"]
    )
