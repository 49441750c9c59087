"""Rules: what a threshold on a monitored series means, checked before it is stored.

A rule is ``series op threshold`` with an optional "``count`` times within ``window``".
The store evaluates rules inside each batch's write transaction (store/monitoring.py);
this module holds the pure parts both it and the Python API share.
"""

from __future__ import annotations

import fnmatch
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt,
    "<=": operator.le, "==": operator.eq, "!=": operator.ne,
}
SEVERITIES = ("info", "warning", "critical")
# Registry events a rule can trigger on (store/models.py writes them).
EVENT_KINDS = ("registered", "stage_changed", "alias_moved")
MAX_PATTERN = 200

_WINDOW = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$")
_UNITS = {None: 1.0, "s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
_PATTERN = re.compile(r"^[A-Za-z0-9_.*?\[\]\-:/ ]+$")


@dataclass(frozen=True)
class RuleSpec:
    """A validated series rule, as stored in ``monitor_rules``."""

    pattern: str
    op: str
    threshold: float
    count: int = 1
    window_s: float | None = None
    severity: str = "warning"
    name: str | None = None


def parse_window(window: Any) -> float | None:
    """Return seconds for ``"10m"``, ``"2h"``, ``"30s"``, ``"1d"`` or a number; ``None`` stays."""
    if window is None:
        return None
    if isinstance(window, bool):
        raise ValueError(f"window must be like '10m' or a number of seconds, not {window!r}")
    if isinstance(window, (int, float)):
        seconds = float(window)
    else:
        match = _WINDOW.match(str(window))
        if not match:
            raise ValueError(
                f"window must be like '30s', '10m', '2h', '1d' or a number of seconds, not {window!r}"
            )
        seconds = float(match[1]) * _UNITS[match[2]]
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"window must be a positive duration, not {window!r}")
    return seconds


def rule_spec(series: str, op: str, threshold: Any, *, count: int = 1, window: Any = None,
              severity: str = "warning", name: str | None = None) -> RuleSpec:
    """Validate the arguments of ``mon.rule`` and say exactly which one is wrong."""
    if not isinstance(series, str) or not series.strip():
        raise ValueError("series must be a series key or glob such as 'drift.psi.*'")
    series = series.strip()
    if len(series) > MAX_PATTERN or not _PATTERN.match(series):
        raise ValueError(f"series {series!r} may use letters, digits, '_.-:/' and the globs '*?[]'")
    if op not in OPS:
        raise ValueError(f"op must be one of {' '.join(OPS)}, not {op!r}")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        raise ValueError(f"threshold must be a number, not {type(threshold).__name__}")
    threshold = float(threshold)
    if not math.isfinite(threshold):
        raise ValueError("threshold must be a finite number")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive integer, not {count!r}")
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, not {severity!r}")
    if name is not None and (not isinstance(name, str) or len(name) > MAX_PATTERN):
        raise ValueError("name must be a short string")
    return RuleSpec(series, op, threshold, count, parse_window(window), severity, name)


def check_event_kind(kind: str) -> str:
    """Return ``kind`` if a registry event of that kind exists, else raise naming the choices."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"event must be one of {', '.join(EVENT_KINDS)}, not {kind!r}")
    return kind


def matches(pattern: str, key: str) -> bool:
    """Whether series ``key`` is covered by glob ``pattern`` (case-sensitive, like keys)."""
    return fnmatch.fnmatchcase(key, pattern)


def breaches(op: str, value: float, threshold: float) -> bool:
    """Whether ``value op threshold`` holds, i.e. the value is outside the service level."""
    return bool(OPS[op](value, threshold))


def message(series: str, value: float, op: str, threshold: float) -> str:
    """The one-line text every surface shows for an alert."""
    return f"{series} = {value:.4g} {op} {threshold:g}"
