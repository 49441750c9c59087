"""``mm.compare_runs``: 2 to 50 runs side by side, as ``GET compare`` returns them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mm_jupyter.services.diff.compare_many import compare_many
from mm_jupyter.services.runs.session import get_session


def compare_runs(runs: Sequence[str], *, max_points: int = 1000) -> dict[str, Any]:
    """Compare the runs ``runs`` names (ids, unique id prefixes or names; 2 to 50).

    Returns the dict ``GET compare`` answers (docs/compare.md): the runs' summaries
    (params, latest metrics, tags) in the order given, the param keys that differ,
    each metric's direction (``"min"``: lower is better) and each metric's series per
    run, thinned to at most ``max_points`` points by min-max decimation.
    """
    if isinstance(runs, str):
        raise TypeError("compare_runs takes a list of runs, not one string")
    session = get_session()
    session.flush()
    return compare_many(session.require_registry(), list(runs), max_points=max_points)
