"""``mm.diff``: compare two runs, or a run with its notebook as it is now on disk."""

from __future__ import annotations

import json
import os

from mm_jupyter.display.diff import RunDiff
from mm_jupyter.services.runs.session import get_session


def diff(a: str, b: str | None = None, *, volatile: bool = False,
         notebook_path: str | None = None) -> RunDiff:
    """Diff run ``a`` against run ``b`` (ids or names).

    Without ``b`` the comparison is against the notebook file as it is now on disk
    (``notebook_path``, else run ``a``'s notebook). ``volatile=True`` also compares
    execution counts, cell ids and volatile metadata.
    """
    from mm_jupyter.services.diff.runs import diff_runs
    from mm_jupyter.store.details import run_detail

    session = get_session()
    session.flush()
    registry = session.require_registry()
    if b is not None:
        return RunDiff(diff_runs(registry, a, b, volatile=volatile))
    path = notebook_path or run_detail(registry, a)["run"]["notebook_path"]
    if not path:
        raise ValueError(f"run {a!r} has no notebook path: pass notebook_path= or a second run")
    with open(os.path.expanduser(path), encoding="utf-8") as handle:
        disk = json.load(handle)
    return RunDiff(diff_runs(registry, a, None, volatile=volatile, disk_notebook=disk,
                             disk_path=path))
