"""The one rule for artifact and model names (pure: no registry, no I/O).

A name must survive being written, listed, typed back and used in a reference
(``name``, ``name:vN``, ``name@alias``), so it has no ``:`` or ``@`` (a reference
could not address it, or would address another artifact), no control or invisible
characters, no surrounding spaces and no lone surrogates (SQLite cannot store them
as UTF-8). ``/`` and ``.`` are allowed because auto-logged files are named by their
relative path (``data/train.csv``), but not ``.``/``..`` or empty path segments.
Names already stored before this rule remain readable: lookups never validate.
"""

from __future__ import annotations

import unicodedata
from typing import Any

MAX_NAME = 250
# Zero-width joiner: part of emoji sequences, which names may contain.
_ALLOWED_FORMAT = frozenset({"\u200d"})
RULE = (
    f"a name is 1-{MAX_NAME} characters with no ':' or '@' (they start a reference:"
    " name:vN, name@alias), no control or invisible characters, no surrounding"
    " spaces, and no empty, '.' or '..' segments between '/'"
)


def name_problem(name: Any) -> str | None:
    """Return what is wrong with ``name`` (``None`` when it is a valid name)."""
    if not isinstance(name, str):
        return f"is a {type(name).__name__}, not a string"
    if not name:
        return "is empty"
    if len(name) > MAX_NAME:
        return f"is {len(name)} characters long"
    if name != name.strip():
        return "has surrounding spaces"
    for char in name:
        category = unicodedata.category(char)
        if category == "Cs":
            return f"contains a lone surrogate (U+{ord(char):04X})"
        if category in ("Cc", "Zl", "Zp") or (
            category == "Cf" and char not in _ALLOWED_FORMAT
        ):
            return f"contains the control or invisible character U+{ord(char):04X}"
        if char in ":@":
            return f"contains {char!r}"
    segments = name.split("/")
    if any(s in ("", ".", "..") for s in segments):
        return "has an empty, '.' or '..' path segment"
    return None


def check_name(name: Any, kind: str = "artifact") -> str:
    """Return ``name`` if valid, else raise ``ValueError`` naming the problem and the rule.

    ``kind`` (``artifact`` or ``model``) only words the message: both follow one rule.
    """
    problem = name_problem(name)
    if problem is not None:
        shown = repr(name) if len(repr(name)) <= 80 else repr(name)[:77] + "..."
        raise ValueError(f"{kind} name {shown} {problem}; {RULE}")
    return str(name)
