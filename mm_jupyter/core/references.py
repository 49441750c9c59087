"""References to versions: ``name``, ``name:N`` / ``name:vN``, ``name@alias``.

One grammar for artifacts and models. The name part is everything before the last
``:`` or ``@``, so a name stored before names were checked (``thing:3``) is still
addressed exactly, as ``thing:3:v1``.
"""

from __future__ import annotations

import re

_VERSION = re.compile(r"^(?P<name>.+):v?(?P<version>\d+)$")
_LABEL = re.compile(r"^(?P<name>.+)@(?P<label>[A-Za-z0-9_.-]+)$")


def split_reference(ref: str) -> tuple[str, int | None, str | None]:
    """Return ``(name, version or None, alias-or-stage or None)``; no I/O, no checks."""
    if m := _VERSION.match(ref):
        return m["name"], int(m["version"]), None
    if m := _LABEL.match(ref):
        return m["name"], None, m["label"]
    return ref, None, None
