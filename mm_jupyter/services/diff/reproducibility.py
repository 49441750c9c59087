"""The reproducibility part of a run diff: the hidden-state verdicts of both runs, and,
when one run re-ran the other (``mm-jupyter rerun`` tags it ``rerun_of``), whether it
reproduced the original's metrics.

The rest of the diff (metrics, outputs, packages) already compares the pair; this says
what the pair *is*, so a reader of a rerun's diff knows it is looking at a
reproduction, not at two experiments.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.core.rerun_compare import DEFAULT_RTOL, metric_deltas, reproduced

RERUN_TAG = "rerun_of"


def _issues(found: dict[str, Any] | None) -> dict[tuple[str, str], dict[str, Any]]:
    issues = (found or {}).get("issues") or []
    return {(str(i.get("name")), str(i.get("kind"))): i for i in issues if isinstance(i, dict)}


def _status(found: dict[str, Any] | None) -> str | None:
    return None if not found else str(found.get("status"))


def diff_reproducibility(
    a: dict[str, Any], b: dict[str, Any] | None, metrics: dict[str, Any]
) -> dict[str, Any] | None:
    """Return ``{"a", "b", "changed", "added", "removed", "rerun"}`` for run summaries
    ``a`` and ``b`` (``None`` against a notebook on disk); ``metrics`` is the diff's."""
    if b is None:
        return None
    ra, rb = a.get("reproducibility"), b.get("reproducibility")
    ia, ib = _issues(ra), _issues(rb)
    return {
        "a": _status(ra),
        "b": _status(rb),
        "changed": _status(ra) != _status(rb) or set(ia) != set(ib),
        "added": [ib[k] for k in ib if k not in ia],
        "removed": [ia[k] for k in ia if k not in ib],
        "rerun": _rerun(a, b, metrics),
    }


def _rerun(a: dict[str, Any], b: dict[str, Any], metrics: dict[str, Any]) -> dict[str, Any] | None:
    """``{"original", "rerun", "reproduced"}`` when one run is a re-run of the other."""
    for original, rerun in ((a, b), (b, a)):
        tags = rerun.get("tags")
        if isinstance(tags, dict) and tags.get(RERUN_TAG) == original.get("id"):
            return {"original": original["id"], "rerun": rerun["id"],
                    "reproduced": _reproduced(metrics, original is a)}
    return None


def _reproduced(metrics: dict[str, Any], original_is_a: bool) -> bool:
    """Every metric of the original is in the rerun and equal within the rerun
    report's default tolerance (wall-clock timings need only be present)."""
    sides = ("a", "b") if original_is_a else ("b", "a")
    original = {k: v[sides[0]] for k, v in metrics.items() if v[sides[0]] is not None}
    rerun = {k: v[sides[1]] for k, v in metrics.items() if v[sides[1]] is not None}
    deltas = metric_deltas(original, rerun, DEFAULT_RTOL)
    return reproduced("finished", original, deltas)
