"""Public promotion-policy API: ``mm.set_policy``, ``mm.get_policy``, ``mm.check_model``,
``mm.approve_model`` (docs/deploy.md).

A policy lists the rules a model version must pass to enter a stage; every stage
change (``mm.promote_model``, the CLI, REST, the sidebar, registering with a stage) is
held to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mm_jupyter.identity import current_user
from mm_jupyter.records import PolicyCheck
from mm_jupyter.services.models import policies
from mm_jupyter.services.runs.session import get_session

__all__ = ["approve_model", "check_model", "get_policy", "set_policy"]

def set_policy(name: str | None, stage: str = "production", *,
               require: Sequence[str] = (), overriders: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Set the rules model ``name`` must pass to enter ``stage``; return its policies.

    ``name="*"`` (or None) sets the registry-wide default, which a model's own policy for
    the same stage replaces. ``require`` lists rules such as ``"test.accuracy >= 0.9"``,
    ``"approvals >= 1"``, ``'reproducibility == "clean"'``, ``"evaluation exists"``,
    ``"monitoring.drift.share < 0.3"``; a rule that does not parse raises ``ValueError``
    naming it. ``overriders`` may force a refused move (with a reason). Empty
    ``require`` and ``overriders`` remove the policy.
    """
    found = policies.set_policy(get_session().require_registry(), policies.scope(name), stage,
                                list(require), list(overriders), user=current_user())
    return list(found["policies"])


def get_policy(name: str | None = None) -> list[dict[str, Any]]:
    """The policies in force for model ``name`` (its own, else the default), by stage."""
    return list(policies.policies(get_session().require_registry(), policies.scope(name))["policies"])


def check_model(ref: str, stage: str = "production") -> PolicyCheck:
    """Judge model version ``ref`` against ``stage``'s policy without changing anything.

    The result is truthy when every rule passes; its ``rules`` say why each passes or
    fails. ``mm.promote_model`` refuses exactly the moves this says fail.
    """
    report = policies.check(get_session().require_registry(), ref, stage, user=current_user())
    return PolicyCheck.from_store(report)


def approve_model(ref: str, *, comment: str | None = None) -> list[dict[str, Any]]:
    """Approve model version ``ref`` as the current user; return its approvals.

    An approval counts towards ``approvals >= N`` only when it is not the registrant's
    own (the registrant's is recorded with ``counts`` false).
    """
    found = policies.approve(get_session().require_registry(), ref, user=current_user(),
                             comment=comment)
    return list(found["approvals"])
