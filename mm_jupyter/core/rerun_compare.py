"""How a re-run differs from its original: metrics, text outputs, packages (pure).

Metrics are equal within a relative tolerance (``math.isclose``; an absolute floor of
``ABS_TOL`` so that 0.0 and 1e-15 count as equal). Text outputs are compared after
masking memory addresses (``<object at 0x7f...>`` differs between any two processes
and says nothing about the result). Packages are compared by version string.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from itertools import zip_longest
from typing import Any

#: The default relative tolerance: tight enough to catch a changed seed or data
#: version, loose enough for the last bits a different BLAS summation order moves.
DEFAULT_RTOL = 1e-6
ABS_TOL = 1e-12
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,16}")
#: Wall-clock metrics (autologging's ``fit_time_s``, a ``latency_ms``): they differ on
#: every run of any program, so they are reported but do not decide ``reproduced``.
_TIMING = re.compile(r"(time|duration|latency|elapsed|runtime)_?(s|ms|us|ns|sec|secs|seconds)?$")


def is_timing(key: str) -> bool:
    """Whether a metric key names a wall-clock measurement."""
    return _TIMING.search(key.lower()) is not None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def same_value(original: Any, rerun: Any, rtol: float) -> bool:
    """Whether two metric values agree within ``rtol`` (NaN equals NaN)."""
    a, b = _number(original), _number(rerun)
    if a is None or b is None:
        return original == rerun and original is not None
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=rtol, abs_tol=ABS_TOL)


def metric_deltas(original: Mapping[str, Any], rerun: Mapping[str, Any], rtol: float,
                  ) -> list[dict[str, Any]]:
    """``[{"key", "original", "rerun", "delta", "within_tolerance"}]`` by key."""
    rows = []
    for key in sorted(set(original) | set(rerun)):
        a, b = original.get(key), rerun.get(key)
        na, nb = _number(a), _number(b)
        delta = nb - na if na is not None and nb is not None else None
        rows.append({"key": key, "original": a, "rerun": b, "delta": delta,
                     "within_tolerance": key in original and key in rerun
                     and same_value(a, b, rtol), "timing": is_timing(key)})
    return rows


def reproduced(status: str, original: Mapping[str, Any], deltas: Sequence[Mapping[str, Any]],
               ) -> bool:
    """Finished, and every metric of the original present and equal within tolerance
    (wall-clock timings only present)."""
    ok = {row["key"] for row in deltas if row["within_tolerance"]
          or (row.get("timing") and row["rerun"] is not None)}
    return status == "finished" and set(original) <= ok


def output_text(output: Mapping[str, Any]) -> str | None:
    """The text of a stored output: stream text, else its ``text/plain``."""
    if output.get("output_type") == "stream" or output.get("text") is not None:
        text = output.get("text")
        return None if text is None else str(text)
    data = output.get("data") or {}
    plain = data.get("text/plain") if isinstance(data, dict) else None
    if isinstance(plain, list):
        plain = "".join(str(p) for p in plain)
    return None if plain is None else str(plain)


def _masked(text: str) -> str:
    return _ADDRESS.sub("0x…", text)


def output_differences(original: Sequence[Mapping[str, Any]],
                       rerun: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The text outputs that differ, position by position among text outputs."""
    a = [t for t in (output_text(o) for o in original) if t is not None]
    b = [t for t in (output_text(o) for o in rerun) if t is not None]
    rows = []
    for seq, (x, y) in enumerate(zip_longest(a, b)):
        if x is None:
            rows.append({"seq": seq, "kind": "added", "original": None, "rerun": y})
        elif y is None:
            rows.append({"seq": seq, "kind": "missing", "original": x, "rerun": None})
        elif _masked(x) != _masked(y):
            rows.append({"seq": seq, "kind": "changed", "original": x, "rerun": y})
    return rows


def package_differences(original: Mapping[str, Any], current: Mapping[str, Any],
                        ) -> list[dict[str, Any]]:
    """Packages of the original environment whose version is not the current one
    (``current`` null: no longer installed), by name (case-insensitive)."""
    now = {str(k).lower(): (str(k), v) for k, v in current.items()}
    rows = []
    for name in sorted(original, key=str.lower):
        found = now.get(name.lower())
        version = None if found is None else str(found[1])
        if version != str(original[name]):
            rows.append({"name": name, "original": str(original[name]), "current": version})
    return rows
