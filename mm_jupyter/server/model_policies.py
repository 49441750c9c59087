"""Promotion policy handlers: checks, approvals, and the policies themselves.

- ``GET models/{name}/versions/{v}/checks?stage=S``: the version judged against S's
  policy (nothing changes): what the promote dialog shows before anyone presses.
- ``GET|POST models/{name}/versions/{v}/approvals``: who approved; approve as the
  Jupyter user (body ``{"comment"}``).
- ``GET|POST models/{name}/policies`` and ``GET|POST policies`` (the registry-wide
  default): the rules per stage (body ``{"stage", "require", "overriders"}``).

The transition route (server/models.py) enforces the policies; its 409 carries the
failed check. Like every route: ``@authenticated`` + ``@authorized`` (POST is the
``write`` action), Jupyter's XSRF check on cookie-authenticated POSTs, and bodies read
by json_body.py (bounded, strict JSON, no unknown keys).
"""

from __future__ import annotations

from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from mm_jupyter.server.base import BaseHandler, ParameterError
from mm_jupyter.server.json_body import JsonBodyHandler, parse_json_object, type_name
from mm_jupyter.server.models import MAX_COMMENT, model_ref, version_number
from mm_jupyter.services.models import policies
from mm_jupyter.services.models.transitions import MODEL_STAGES

POLICY_KEYS = ("stage", "require", "overriders")


def _string_list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ParameterError(f"{key!r} must be a list of strings, not {type_name(value)}")
    return value


def parse_policy(body: bytes) -> tuple[str, list[str], list[str]]:
    """Validate a policy body; return ``(stage, require, overriders)``."""
    data = parse_json_object(body, '{"stage": "production", "require": ["approvals >= 1"]}')
    unknown = sorted(set(data) - set(POLICY_KEYS))
    if unknown:
        raise ParameterError(f"unknown key {unknown[0][:40]!r} in a policy (allowed:"
                             f" {', '.join(POLICY_KEYS)})")
    stage = data.get("stage")
    if stage not in MODEL_STAGES:
        raise ParameterError(f"'stage' must be one of {', '.join(MODEL_STAGES)}")
    if "require" not in data:
        raise ParameterError("'require' is missing: a list of rules ([] removes the policy)")
    return str(stage), _string_list(data, "require"), _string_list(data, "overriders")


def parse_approval(body: bytes) -> str | None:
    """Validate an approval body (``{}`` or ``{"comment": "..."}``); return the comment."""
    data = parse_json_object(body, '{"comment": "reviewed the report"}') if body.strip() else {}
    unknown = sorted(set(data) - {"comment"})
    if unknown:
        raise ParameterError(f"unknown key {unknown[0][:40]!r} in an approval (allowed: comment)")
    comment = data.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise ParameterError(f"'comment' must be a string, not {type_name(comment)}")
    if comment is not None and len(comment) > MAX_COMMENT:
        raise ParameterError(f"'comment' is longer than {MAX_COMMENT} characters")
    return comment or None


class ModelChecksHandler(BaseHandler):
    """``GET models/{name}/versions/{v}/checks?stage=S``: the check report."""

    @tornado.web.authenticated
    @authorized
    async def get(self, name: str, version: str) -> None:
        """Reply with the ``check_report``; 400 for a bad stage, 404 if unknown."""
        with self.mapped_errors():
            ref = model_ref(name, version_number(version))
            stage = self.text_arg("stage") or "production"
            if stage not in MODEL_STAGES:
                raise ParameterError(f"'stage' must be one of {', '.join(MODEL_STAGES)}")
            self.write_json(await self.call(policies.check, ref, stage,
                                            user=self.jupyter_user()))


class ModelApprovalsHandler(JsonBodyHandler):
    """``GET|POST models/{name}/versions/{v}/approvals``."""

    @tornado.web.authenticated
    @authorized
    async def get(self, name: str, version: str) -> None:
        """Reply with ``{"approvals", "count"}``."""
        with self.mapped_errors():
            ref = model_ref(name, version_number(version))
            self.write_json(await self.call(policies.approvals, ref))

    @tornado.web.authenticated
    @authorized
    async def post(self, name: str, version: str) -> None:
        """Approve as the Jupyter user; reply 201 with ``{"approvals", "count"}``."""
        with self.mapped_errors():
            comment = parse_approval(self.body_bytes())
            ref = model_ref(name, version_number(version))
            found = await self.call(policies.approve, ref, user=self.jupyter_user(),
                                    comment=comment)
            self.set_status(201)
            self.write_json(found)


class ModelPoliciesHandler(JsonBodyHandler):
    """``GET|POST models/{name}/policies``; with no name (``policies``) the defaults."""

    @tornado.web.authenticated
    @authorized
    async def get(self, name: str | None = None) -> None:
        """Reply with ``{"model", "policies"}``."""
        with self.mapped_errors():
            self.write_json(await self.call(policies.policies, name))

    @tornado.web.authenticated
    @authorized
    async def post(self, name: str | None = None) -> None:
        """Replace one stage's policy; reply with ``{"model", "policies"}``; 400 names a
        rule that does not parse."""
        with self.mapped_errors():
            stage, require, overriders = parse_policy(self.body_bytes())
            self.write_json(await self.call(policies.set_policy, name, stage, require,
                                            overriders, user=self.jupyter_user()))


__all__ = ["ModelApprovalsHandler", "ModelChecksHandler", "ModelPoliciesHandler",
           "parse_approval", "parse_policy"]
