"""Compare 2 to 50 runs side by side (docs/compare.md, ``GET compare``).

The two-run diff (``runs.py``) says what changed from one run to another; this is
the wide view: every run's params and latest metrics in one table, and each metric's
series of every run, thinned to at most ``max_points`` points, for overlaid charts,
parallel coordinates, scatter plots and group-by in the frontend.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mm_jupyter.services.runs.directions import directions_for
from mm_jupyter.store.compare_queries import (
    DEFAULT_MAX_POINTS,
    compared_series,
    compared_summaries,
)
from mm_jupyter.store.db import Registry
from mm_jupyter.store.queries import resolve_run

MIN_RUNS = 2
MAX_RUNS = 50


def check_run_count(refs: Sequence[str]) -> None:
    """Raise ``ValueError`` unless ``refs`` names 2..50 runs, each once."""
    if not MIN_RUNS <= len(refs) <= MAX_RUNS:
        raise ValueError(
            f"compare takes {MIN_RUNS} to {MAX_RUNS} runs, not {len(refs)}"
            + (": use the run view for one run" if len(refs) == 1 else "")
        )
    seen: set[str] = set()
    for ref in refs:
        if ref in seen:
            raise ValueError(f"run {ref[:80]!r} is listed twice")
        seen.add(ref)


def _canonical(value: Any) -> str:
    # Params are JSON values: compare them as canonical JSON (1 and 1.0 differ as
    # recorded, {"a":1,"b":2} equals {"b":2,"a":1}).
    return json.dumps(value, sort_keys=True, default=str)


def differing_params(runs: list[dict[str, Any]]) -> list[str]:
    """Return the param keys whose value is not the same in every run (a missing
    param differs from any value)."""
    keys = sorted({k for run in runs for k in run["params"]})
    out = []
    for key in keys:
        values = {
            _canonical(run["params"][key]) if key in run["params"] else "\0missing"
            for run in runs
        }
        if len(values) > 1:
            out.append(key)
    return out


def compare_many(
    registry: Registry,
    refs: Sequence[str],
    *,
    exact: bool = False,
    max_points: int = DEFAULT_MAX_POINTS,
) -> dict[str, Any]:
    """Return the comparison of the runs ``refs`` names (ids; with ``exact=False``
    also id prefixes and names), in the order given.

    ``ValueError`` for fewer than 2 or more than 50 runs or a run listed twice,
    ``NotFoundError`` for a run that does not exist.
    """
    refs = [str(r) for r in refs]
    check_run_count(refs)
    ids = [resolve_run(registry, ref, exact=exact) for ref in refs]
    check_run_count(ids)  # two names of one run
    runs = compared_summaries(registry, ids)
    series = compared_series(registry, ids, max_points=max_points)
    metric_keys = sorted({k for run in runs for k in run["metrics"]} | set(series))
    return {
        "runs": runs,
        "param_keys": sorted({k for run in runs for k in run["params"]}),
        "differing_params": differing_params(runs),
        "metric_keys": metric_keys,
        "directions": dict(directions_for(registry, metric_keys)),
        "series": series,
        "max_points": max_points,
    }
