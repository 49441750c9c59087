"""A search run's candidates as its run view shows them, and a candidate's parent.

Autologging records each candidate of a ``GridSearchCV``/``RandomizedSearchCV`` as a
child run with the params it tried and its ``mean_*``/``std_*``/``rank_*`` results
(capture/autolog/sklearn.py). The view compares candidates, so it keeps the params
whose values differ between them and one score: the first ``rank_test_*`` metric with
its ``mean_test_*``/``std_test_*`` (``rank_test_score`` first: the single-metric name),
best first.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.encoding import dumps
from mm_jupyter.store.child_queries import read_family
from mm_jupyter.store.db import Registry

RANK_PREFIX = "rank_test_"


def family(registry: Registry, run: dict[str, Any]) -> dict[str, Any]:
    """Return ``{"parent", "candidates"}`` of the run whose summary is ``run``.

    ``parent`` is ``{"id", "name"}`` (``name`` null when that run is not here) or
    ``None``; ``candidates`` is ``None`` for a run without children, else
    ``{"total", "score", "params", "runs"}`` (see ``candidate_table``).
    """
    if run.get("parent_run_id") is None and not run.get("n_children"):
        return {"parent": None, "candidates": None}  # most runs: no query
    found = read_family(registry, run["id"], run.get("parent_run_id"))
    table = candidate_table(found["children"], found["total"]) if found["total"] else None
    return {"parent": found["parent"], "candidates": table}


def score_keys(children: list[dict[str, Any]]) -> tuple[str | None, str | None, str | None]:
    """Return the ``(rank, mean, std)`` metric keys the candidates are compared by."""
    keys = {key for child in children for key in child["metrics"]}
    ranks = sorted(k for k in keys if k.startswith(RANK_PREFIX))
    if f"{RANK_PREFIX}score" in ranks:
        ranks.insert(0, f"{RANK_PREFIX}score")
    if ranks:
        suffix = ranks[0].removeprefix(RANK_PREFIX)
        mean, std = f"mean_test_{suffix}", f"std_test_{suffix}"
        return ranks[0], mean if mean in keys else None, std if std in keys else None
    means = sorted(k for k in keys if k.startswith("mean_test_"))
    return None, (means[0] if means else None), None


def varying_params(children: list[dict[str, Any]]) -> list[str]:
    """Return the param keys whose values differ between candidates (all keys when
    none differ, as for a single candidate), in first-seen order."""
    keys: list[str] = []
    for child in children:
        keys += [key for key in child["params"] if key not in keys]

    def differs(key: str) -> bool:
        return len({dumps(child["params"].get(key)) for child in children}) > 1

    return [key for key in keys if differs(key)] or keys


def candidate_table(children: list[dict[str, Any]], total: int) -> dict[str, Any]:
    """Return the candidates best first: ``{"total", "score": {"rank", "mean", "std"},
    "params": [key], "runs": [{"id", "name", "status", "params", "score", "std",
    "rank"}]}`` (each run's ``params`` only the varying ones)."""
    rank_key, mean_key, std_key = score_keys(children)
    params = varying_params(children)

    def metric(child: dict[str, Any], key: str | None) -> Any:
        value = child["metrics"].get(key) if key else None
        # NaN (a failed fold) ranks like a missing score
        return value if isinstance(value, (int, float)) and value == value else None

    rows = [
        {
            "id": child["id"],
            "name": child["name"],
            "status": child["status"],
            "params": {key: child["params"][key] for key in params if key in child["params"]},
            "score": metric(child, mean_key),
            "std": metric(child, std_key),
            "rank": metric(child, rank_key),
        }
        for child in children
    ]

    def best_first(row: dict[str, Any]) -> tuple[bool, float, bool, float]:
        rank, score = row["rank"], row["score"]
        # Ranked first by rank, ties (and unranked runs) by the higher score.
        return (rank is None, rank or 0.0, score is None, -(score or 0.0))

    rows.sort(key=best_first)
    return {
        "total": total,
        "score": {"rank": rank_key, "mean": mean_key, "std": std_key},
        "params": params,
        "runs": rows,
    }
