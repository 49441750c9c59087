"""Promotion policies: which versions may enter which stage, and who may say otherwise.

Every adapter (Python API, CLI, REST, the sidebar) goes through here: ``check`` judges
a version against a stage's policy without changing anything; ``enforce`` is what
``transitions.set_stage`` calls before any stage change, so a refused move is refused
the same way everywhere; ``approve`` records a review. The rules' grammar and meaning
are core/policy_rules.py's; docs/deploy.md is the user's guide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mm_jupyter.core.policy_rules import PolicyRuleError, judge, parse_rules
from mm_jupyter.errors import PolicyRefusedError
from mm_jupyter.store import Registry
from mm_jupyter.store import model_policies as store
from mm_jupyter.store.models import STAGES, resolve_model_version

#: The stages a model version can be in, in the order the filters offer them.
MODEL_STAGES: tuple[str, ...] = STAGES
#: The model name that means the registry-wide default policy (``mm.set_policy("*", ...)``).
DEFAULT = "*"
MAX_OVERRIDERS = 50
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Override:
    """A forced move: who asked and why (the reason is kept in the history)."""

    reason: str


def _check_stage(stage: Any) -> str:
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(STAGES)}, not {stage!r}")
    return str(stage)


def _check_overriders(overriders: Any) -> list[str]:
    if overriders is None:
        return []
    if isinstance(overriders, str) or not isinstance(overriders, (list, tuple)):
        raise ValueError("overriders must be a list of user or role names")
    if len(overriders) > MAX_OVERRIDERS:
        raise ValueError(f"a policy names at most {MAX_OVERRIDERS} overriders")
    names: list[str] = []
    for name in overriders:
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            raise ValueError(f"an overrider must be a user or role name, not {name!r:.80}")
        if name.strip() not in names:
            names.append(name.strip())
    return names


def scope(name: str | None) -> str | None:
    """The model a policy name addresses: None (the default) for ``"*"`` or None."""
    return None if name in (None, DEFAULT) else name


def policies(registry: Registry, name: str | None) -> dict[str, Any]:
    """The policies in force for model ``name`` (None: the registry-wide defaults)."""
    with registry.read() as conn:
        owner = None if name is None else store.model_id(conn, name)
        found = store.policies(conn, owner)
    found.sort(key=lambda p: STAGES.index(p["stage"]))
    return {"model": name, "policies": found}


def set_policy(registry: Registry, name: str | None, stage: str, require: Any,
               overriders: Any = None, *, user: str | None) -> dict[str, Any]:
    """Replace the policy of ``name`` (None: the default) for ``stage``; return policies.

    Rules are validated (``PolicyRuleError``, a ``ValueError``, names the bad one) and
    stored in their canonical spelling. Empty ``require`` and ``overriders`` remove it.
    """
    stage = _check_stage(stage)
    rules = [rule.text for rule in parse_rules(list(require) if isinstance(require, tuple)
                                               else require)]
    store.set_policy(registry, name, stage, rules, _check_overriders(overriders), user=user)
    return policies(registry, name)


def _policy_for(conn: Any, model: int, stage: str) -> dict[str, Any]:
    for policy in store.policies(conn, model):
        if policy["stage"] == stage:
            return policy
    return {"stage": stage, "require": [], "overriders": [], "source": "none",
            "updated_at": None, "updated_by": None}


def _may_override(registry: Registry, conn: Any, overriders: list[str],
                  user: str | None) -> bool:
    """Whether the asking user may force a move past this policy.

    On SQLite the user is who they say they are (anyone who can write the file can
    change the policy too). On PostgreSQL only the database login role counts, or a
    role it is a member of, so ``MM_JUPYTER_USER`` cannot be set to an overrider's name.
    """
    if not overriders:
        return False
    if registry.backend != "postgresql":
        return user is not None and user in overriders
    roles = [r for (r,) in conn.execute(
        "SELECT rolname FROM pg_roles WHERE rolname = ANY(?)", (overriders,))]
    return any(conn.execute("SELECT pg_has_role(session_user, ?, 'MEMBER')",
                            (role,)).fetchone()[0] for role in roles)


def check(registry: Registry, ref: str, stage: str, *, user: str | None) -> dict[str, Any]:
    """Judge version ``ref`` against ``stage``'s policy; change nothing.

    Returns the ``check_report`` of docs/rest.md: every rule with its status, actual
    value and message, ``passed``, the ``failed`` rules, and ``can_override``.
    """
    stage = _check_stage(stage)
    model, version_id = resolve_model_version(registry, ref)
    with registry.read() as conn:
        name, number, current = conn.execute(
            "SELECT m.name, v.version, v.stage FROM model_versions v JOIN registered_models m"
            " ON m.id = v.model_id WHERE v.id = ?", (version_id,)).fetchone()
        policy = _policy_for(conn, model, stage)
        facts = store.facts(conn, version_id)
        can_override = _may_override(registry, conn, policy["overriders"], user)
    verdicts = []
    for text in policy["require"]:
        try:
            verdicts.append(judge(parse_rules([text])[0], facts).to_dict())
        except PolicyRuleError as exc:  # a rule stored by a newer mm-jupyter
            verdicts.append({"rule": text, "status": "fail", "passed": False, "actual": None,
                             "message": f"this mm-jupyter cannot read the rule: {exc}"})
    failed = [v["rule"] for v in verdicts if not v["passed"]]
    return {"ref": f"{name}:{number}", "model": name, "version": int(number), "stage": stage,
            "current_stage": current, "passed": not failed, "policy": policy,
            "rules": verdicts, "failed": failed, "can_override": can_override, "user": user}


def refusal(report: dict[str, Any]) -> str:
    """One message naming every failed rule of a check report."""
    reasons = "; ".join(f"{v['rule']} ({v['message']})" for v in report["rules"]
                        if not v["passed"])
    return (f"{report['ref']} may not enter {report['stage']}: the {report['policy']['source']}"
            f" policy's rules fail: {reasons}")


def enforce(registry: Registry, ref: str, stage: str, *, user: str | None,
            override: Override | None = None) -> list[str] | None:
    """Refuse (``PolicyRefusedError``) a move of ``ref`` to ``stage`` its policy forbids.

    With ``override`` the move goes ahead when the user may override, and the failed
    rules are returned to be kept in the history; without one, ``None`` on success.
    """
    report = check(registry, ref, stage, user=user)
    if report["passed"] or report["current_stage"] == stage:  # staying put is no move
        return None
    if override is None:
        raise PolicyRefusedError(refusal(report), report)
    if not report["can_override"]:
        who = ", ".join(report["policy"]["overriders"]) or "nobody (the policy names no one)"
        raise PolicyRefusedError(
            f"{refusal(report)}. Forcing it is for: {who}", report)
    if not override.reason.strip():
        raise ValueError("a forced move needs a reason (kept in the model's history)")
    failed: list[str] = report["failed"]
    return failed


def approve(registry: Registry, ref: str, *, user: str | None,
            comment: str | None = None) -> dict[str, Any]:
    """Record ``user``'s approval of version ``ref``; return the version's approvals.

    The registrant may approve too, but that approval does not count (``counts`` is
    false, ``why_not`` says so).
    """
    if not user:
        raise ValueError("an approval needs a user: set MM_JUPYTER_USER")
    if comment is not None and len(comment) > MAX_COMMENT:
        raise ValueError(f"the comment is longer than {MAX_COMMENT} characters")
    _, version_id = resolve_model_version(registry, ref)
    store.add_approval(registry, version_id, user=user, comment=comment or None)
    return approvals(registry, ref)


def approvals(registry: Registry, ref: str) -> dict[str, Any]:
    """A version's approvals and how many count."""
    _, version_id = resolve_model_version(registry, ref)
    with registry.read() as conn:
        found = store.approvals(conn, version_id)
    return {"approvals": found, "count": sum(1 for a in found if a["counts"])}


def governs(registry: Registry, name: str, stage: str) -> bool:
    """Whether a policy (model ``name``'s own or the default) has rules for ``stage``.

    Registering straight into a stage no policy governs stays one transaction.
    """
    with registry.read() as conn:
        row = conn.execute("SELECT id FROM registered_models WHERE name = ?",
                           (name,)).fetchone()
        found = store.policies(conn, None if row is None else int(row[0]))
    return any(p["stage"] == stage and p["require"] for p in found)


def card_data(registry: Registry, version: dict[str, Any]) -> dict[str, Any]:
    """The model card's policy section for a ``ModelVersion`` payload: the policies in
    force for its model and the version's approvals (services/models/card.py)."""
    found = policies(registry, version["name"])["policies"]
    approved = version.get("approvals") or []
    return {"policies": found, "approvals": approved,
            "count": sum(1 for a in approved if a["counts"])}


__all__ = [
    "DEFAULT",
    "MODEL_STAGES",
    "Override",
    "PolicyRefusedError",
    "approvals",
    "approve",
    "card_data",
    "check",
    "enforce",
    "governs",
    "policies",
    "refusal",
    "scope",
    "set_policy",
]
