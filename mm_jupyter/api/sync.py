"""Share work with a team registry from the notebook: ``mm.push`` and ``mm.pull``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mm_jupyter.services import sync
from mm_jupyter.services.runs.session import get_session

__all__ = ["pull", "push"]


def push(remote: str, *, experiment: str | None = None, runs: Sequence[str] = (),
         dry_run: bool = False) -> dict[str, Any]:
    """Send this registry's runs, artifact and model versions to ``remote`` (only what it lacks).

    ``remote`` is a name from ``mm-jupyter remote add``. Without ``experiment`` or
    ``runs``, everything changed since the last push goes. Returns the report:
    counts per kind (``sent``, ``already_there``, ``conflicts``), the conflicts (an
    alias or stage the team sees otherwise: reported, never overwritten) and the
    version numbers the team gave (``versions``).
    """
    return sync.push(get_session().require_registry(), remote, experiment=experiment,
                     runs=list(runs), dry_run=dry_run)


def pull(remote: str, *, models: Sequence[str] = (), runs: Sequence[str] = (),
         dry_run: bool = False) -> dict[str, Any]:
    """Bring models ``models`` (every version, with runs and lineage) from ``remote``.

    A version whose content is already here is not copied again; new ones get this
    registry's next number, and ``versions`` in the report says which is which.
    """
    if isinstance(models, str):
        models = [models]
    return sync.pull(get_session().require_registry(), remote, models=list(models),
                     runs=list(runs), dry_run=dry_run)
