"""A run's hidden-state verdict as text lines: the run output's fallbacks, ``runs show``
and ``%mm show`` say the same thing (docs/reproducibility.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Hidden-state issues listed in text; the lab card and run view list all of them.
SHOWN_ISSUES = 3


def reproducibility_lines(found: Mapping[str, Any] | None) -> list[str]:
    """The hidden-state verdict as text lines: nothing when clean or unknown, else a
    count and one line per issue (the first few)."""
    if not found or found.get("status") != "warnings":
        return []
    issues = list(found.get("issues") or [])
    lines = [f"hidden state: {len(issues)} warning{'s' if len(issues) != 1 else ''}"
             " (docs/reproducibility.md)"]
    lines += [f"  {issue.get('message') or issue.get('name')}" for issue in issues[:SHOWN_ISSUES]]
    if len(issues) > SHOWN_ISSUES:
        lines.append(f"  … (+{len(issues) - SHOWN_ISSUES})")
    return lines
