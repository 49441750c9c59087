"""Line-level diffs as hunks (difflib)."""

from __future__ import annotations

import difflib
from typing import Any


def line_diff(a: str | None, b: str | None) -> list[dict[str, Any]]:
    """Return hunks ``{"op", "a", "b"}`` turning text ``a`` into text ``b``."""
    a_lines = (a or "").splitlines()
    b_lines = (b or "").splitlines()
    matcher = difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False)
    return [
        {"op": op, "a": a_lines[i1:i2], "b": b_lines[j1:j2]}
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def is_changed(hunks: list[dict[str, Any]]) -> bool:
    """Return whether any hunk is not ``equal``."""
    return any(h["op"] != "equal" for h in hunks)
