"""``mm.diff``: compare two runs, or a run with its notebook as it is now on disk."""

from __future__ import annotations

from mm_jupyter.display.diff import RunDiff
from mm_jupyter.services.diff.comparison import compare_runs
from mm_jupyter.services.runs.session import get_session


def diff(a: str, b: str | None = None, *, volatile: bool = False,
         notebook_path: str | None = None) -> RunDiff:
    """Diff run ``a`` against run ``b`` (ids or names).

    Without ``b`` the comparison is against the notebook file as it is now on disk
    (``notebook_path``, else run ``a``'s notebook). ``volatile=True`` also compares
    execution counts, cell ids and volatile metadata.
    """
    session = get_session()
    session.flush()
    return RunDiff(compare_runs(session.require_registry(), a, b, volatile=volatile,
                                notebook_path=notebook_path))
