"""Stage and alias changes of model versions, and the event rules they set off.

Every adapter (``mm.promote_model``, ``mm-jupyter models promote``, the sidebar's
transition endpoint, registering with a stage) goes through here, so a stage change
from anywhere is held to the same promotion policy (services/models/policies.py) and
triggers the same monitoring event rules (``stage_changed``, ``alias_moved``;
docs/monitoring.md).
"""

from __future__ import annotations

from mm_jupyter.monitoring.dispatch import dispatch_events
from mm_jupyter.services.models.policies import MODEL_STAGES as MODEL_STAGES
from mm_jupyter.services.models.policies import Override, enforce
from mm_jupyter.store import Registry
from mm_jupyter.store import artifacts as artifact_store
from mm_jupyter.store import models as store

# MODEL_STAGES is policies.py's (its check needs nothing of this module); re-exported.


def check_alias(alias: str) -> str:
    """Return ``alias`` if it is one (a letter, then letters, digits, ``_ . -``; at most
    64), else raise ``ValueError``: the rule artifact and model aliases share."""
    return artifact_store.check_alias(alias)


def set_stage(registry: Registry, ref: str, stage: str, *, user: str | None,
              comment: str | None = None, archive_others: bool = False,
              force: bool = False, reason: str | None = None) -> int:
    """Move version ``ref`` to ``stage``; return its version id.

    ``PolicyRefusedError`` (a ``ConflictError``) when ``stage``'s policy forbids it;
    ``force`` with a ``reason`` moves it anyway if the user may override, keeping the
    failed rules and the reason in the history.
    """
    if force and not (reason or "").strip():
        raise ValueError("a forced move needs a reason (kept in the model's history)")
    overridden = enforce(registry, ref, stage, user=user,
                         override=Override(reason or "") if force else None)
    if overridden:
        comment = f"forced: {reason}" + (f" ({comment})" if comment else "")
    _, version_id = store.set_stage(registry, ref, stage, user=user, comment=comment,
                                    archive_others=archive_others, overridden=overridden)
    dispatch_events(registry)
    return version_id


def set_alias(registry: Registry, ref: str, alias: str, *, user: str | None,
              comment: str | None = None, move: bool = False) -> int:
    """Point ``alias`` at version ``ref`` (``move`` takes it from another); return its id."""
    _, version_id = store.set_alias(registry, ref, alias, user=user, comment=comment, move=move)
    dispatch_events(registry)
    return version_id


def remove_alias(registry: Registry, name: str, alias: str, *, user: str | None,
                 comment: str | None = None, version: int | None = None) -> None:
    """Remove ``alias`` from model ``name`` (only from ``version`` when given)."""
    store.remove_alias(registry, name, alias, user=user, comment=comment, version=version)
    dispatch_events(registry)
