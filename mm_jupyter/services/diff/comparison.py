"""Compare a run with another run, or with its notebook as it is now on disk.

The diff engine is ``services/diff``; this is the use case ``mm.diff``, ``%mm diff``
and ``mm-jupyter diff`` share: which notebook to read when there is no second run.
"""

from __future__ import annotations

import json
import os
from typing import Any

from mm_jupyter.services.diff.runs import diff_runs
from mm_jupyter.store.db import Registry
from mm_jupyter.store.details import run_detail


def compare_runs(
    registry: Registry,
    a: str,
    b: str | None = None,
    *,
    volatile: bool = False,
    notebook_path: str | None = None,
) -> dict[str, Any]:
    """Return the diff of run ``a`` against run ``b`` (ids, id prefixes or names).

    Without ``b`` the comparison is against the notebook file as it is now on disk
    (``notebook_path``, else run ``a``'s notebook); ``ValueError`` when there is none,
    ``OSError`` when it cannot be read. ``volatile=True`` also compares execution
    counts, cell ids and volatile metadata.
    """
    if b is not None:
        return diff_runs(registry, a, b, volatile=volatile)
    path = notebook_path or run_detail(registry, a)["run"]["notebook_path"]
    if not path:
        raise ValueError(f"run {a!r} has no notebook path: pass notebook_path= or a second run")
    with open(os.path.expanduser(path), encoding="utf-8") as handle:
        try:
            disk = json.load(handle)
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError name no file
            raise ValueError(f"notebook {path} is not a readable notebook: {exc}") from None
    return diff_runs(registry, a, None, volatile=volatile, disk_notebook=disk, disk_path=path)
