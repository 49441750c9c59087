"""Diff two runs: params, metrics, code, history, notebook, environment, artifacts."""

from __future__ import annotations

import json
import math
from typing import Any

from mm_jupyter.services.diff.lines import is_changed, line_diff
from mm_jupyter.services.diff.notebooks import diff_notebooks
from mm_jupyter.services.diff.objects import count_changed, diff_objects
from mm_jupyter.services.diff.reports import diff_reports
from mm_jupyter.services.diff.reproducibility import diff_reproducibility
from mm_jupyter.services.runs.directions import directions_for
from mm_jupyter.store.db import Registry
from mm_jupyter.store.details import notebook_snapshot, run_detail
from mm_jupyter.store.objects import read_run_objects


def _params(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {
        "added": {k: b[k] for k in b if k not in a},
        "removed": {k: a[k] for k in a if k not in b},
        "changed": {k: {"a": a[k], "b": b[k]} for k in a if k in b and a[k] != b[k]},
        "unchanged": {k: a[k] for k in a if k in b and a[k] == b[k]},
    }


def _same(x: Any, y: Any) -> bool:
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    return bool(x == y)


def _points(series: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"step": p["step"], "value": p["value"]} for p in series]


def _metrics(da: dict[str, Any], db: dict[str, Any]) -> dict[str, Any]:
    out = {}
    latest_a, latest_b = da["run"]["metrics"], db["run"]["metrics"]
    for key in sorted(set(latest_a) | set(latest_b)):
        a, b = latest_a.get(key), latest_b.get(key)
        delta = None
        numbers = isinstance(a, int | float) and isinstance(b, int | float)
        if numbers and math.isfinite(a) and math.isfinite(b):
            delta = b - a
        out[key] = {"a": a, "b": b, "delta": delta,
                    "series_a": _points(da["metrics"].get(key, [])),
                    "series_b": _points(db["metrics"].get(key, []))}
    return out


def _history_text(detail: dict[str, Any]) -> str:
    lines = []
    for item in detail["code"]["history"]:
        first = (item["source"] or "").strip().splitlines()[:1]
        lines.append(f"[{item['n']}] {first[0] if first else ''}")
    return "\n".join(lines)


def _environment(ea: dict[str, Any] | None, eb: dict[str, Any] | None) -> dict[str, Any]:
    ea, eb = ea or {}, eb or {}
    pa, pb = ea.get("packages", {}), eb.get("packages", {})
    return {
        "python": {"a": ea.get("python"), "b": eb.get("python")},
        "platform": {"a": ea.get("platform"), "b": eb.get("platform")},
        "git": {"a": ea.get("git"), "b": eb.get("git")},
        "packages": {
            "added": {k: pb[k] for k in pb if k not in pa},
            "removed": {k: pa[k] for k in pa if k not in pb},
            "changed": {k: {"a": pa[k], "b": pb[k]} for k in pa if k in pb and pa[k] != pb[k]},
        },
    }


def _refs(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> dict[str, Any]:
    ka, kb = {v["ref"] for v in a}, {v["ref"] for v in b}
    return {"added": [v for v in b if v["ref"] not in ka],
            "removed": [v for v in a if v["ref"] not in kb],
            "unchanged": [v for v in a if v["ref"] in kb]}


def _notebook(registry: Registry, detail: dict[str, Any]) -> dict[str, Any] | None:
    snap = detail["code"]["notebook"]
    if snap is None:
        return None
    text = notebook_snapshot(registry, snap["digest"])
    try:
        return None if text is None else json.loads(text)
    except ValueError:
        return None


def diff_runs(registry: Registry, a: str, b: str | None = None, *, volatile: bool = False,
              exact: bool = False, disk_notebook: dict[str, Any] | None = None,
              disk_path: str | None = None) -> dict[str, Any]:
    """Return the diff of run ``a`` → run ``b`` (or → ``disk_notebook`` when ``b`` is None)."""
    da = run_detail(registry, a, exact=exact)
    db = run_detail(registry, b, exact=exact) if b is not None else None
    nb_a = _notebook(registry, da)
    if db is not None:
        nb_b, b_path = _notebook(registry, db), db["run"]["notebook_path"]
    else:
        nb_b, b_path = disk_notebook, disk_path
    # A side without a snapshot is not an empty notebook: diffing against nothing
    # would call every cell added (or report "0 cells changed" when both lack one).
    # The diff says which side has none instead.
    missing = [side for side, nb in (("a", nb_a), ("b", nb_b)) if nb is None]
    notebook = None
    if not missing:
        notebook = {"a_path": da["run"]["notebook_path"], "b_path": b_path,
                    **diff_notebooks(nb_a, nb_b, volatile=volatile)}
    other = db or {"run": None, "metrics": {}, "code": {"cell": None, "history": []},
                   "environment": None, "artifacts": {"inputs": [], "outputs": []},
                   "param_sources": {}}
    # Custom objects (docs/objects.md): between two runs only, not against a notebook.
    objects = None if db is None else diff_objects(
        read_run_objects(registry, da["run"]["id"]), read_run_objects(registry, db["run"]["id"]))
    params = _params(da["run"]["params"], other["run"]["params"] if db else {})
    metrics = _metrics(da, other) if db else {}
    environment = _environment(da["environment"], other["environment"]) if db else None
    result = {
        "a": da["run"], "b": other["run"],
        "params": params,
        "metrics": metrics,
        # Lower or higher is better, per metric key: what colours a change good or bad.
        "directions": directions_for(registry, metrics),
        "code": line_diff(da["code"]["cell"], other["code"]["cell"]) if db else [],
        "history": line_diff(_history_text(da), _history_text(other)) if db else [],
        "notebook": notebook,
        "notebook_missing": missing,
        "environment": environment,
        "artifacts": {
            "inputs": _refs(da["artifacts"]["inputs"], other["artifacts"]["inputs"]),
            "outputs": _refs(da["artifacts"]["outputs"], other["artifacts"]["outputs"]),
        },
        "objects": objects,
        # Evaluation reports of the same name (docs/evaluation.md): between two runs only.
        "reports": None if db is None else diff_reports(registry, da, db),
        # Hidden-state verdicts, and whether one run re-ran the other (issue 15).
        "reproducibility": diff_reproducibility(da["run"], other["run"], metrics),
    }
    result["summary"] = {
        "params_changed": sum(len(params[k]) for k in ("added", "removed", "changed")),
        "metrics_changed": sum(1 for m in metrics.values() if not _same(m["a"], m["b"])),
        "cells_changed": 0 if notebook is None else sum(
            v for k, v in notebook["summary"].items() if k != "unchanged"),
        "packages_changed": 0 if environment is None else sum(
            len(v) for v in environment["packages"].values()),
        "code_changed": is_changed(result["code"]),
        "objects_changed": count_changed(objects),
        "reproducibility_changed": bool(
            result["reproducibility"] and result["reproducibility"]["changed"]),
    }
    return result
