"""``POST runs/{id}/register-model``: register the model autologging stored for a run.

The sidebar's Register model button calls this; the server has no kernel, so the
version is made from the stored bytes (``register_stored_run_model``: nothing is
unpickled) and the run is named by its exact id in the path. The route lives under the
run rather than at ``models/register`` because ``models/{name}`` reads any model,
one named "register" included.

Like every write route: ``@authenticated`` + ``@authorized`` (POST is the ``write``
action), Jupyter's XSRF check for cookie-authenticated requests, and a bounded strict
JSON body (json_body.py) with no unknown keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from mm_jupyter.errors import NotFoundError
from mm_jupyter.server.base import MAX_RUN_ID, ParameterError
from mm_jupyter.server.json_body import JsonBodyHandler, parse_json_object, type_name
from mm_jupyter.services.models import catalog
from mm_jupyter.services.models.registration import register_stored_run_model

if TYPE_CHECKING:
    from mm_jupyter.store import Registry

MAX_DESCRIPTION = 2000
KEYS = ("name", "alias", "stage", "description", "confirm_reproducibility")


@dataclass(frozen=True)
class Registration:
    """One validated registration request (the name, alias and stage are checked by
    the service, with the messages the Python API gives)."""

    name: str
    alias: str | None = None
    stage: str | None = None
    description: str | None = None
    # The user confirmed registering from a run with hidden-state warnings (the UI
    # asks first; without it such a run is refused with 409).
    confirm_reproducibility: bool = False


def parse_registration(body: bytes) -> Registration:
    """Parse and validate a registration body; ``ParameterError`` names the problem."""
    data = parse_json_object(body, '{"name": "churn-clf"}')
    check_keys(data, KEYS)
    return registration_of(data)


def check_keys(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """``ParameterError`` naming the keys of ``data`` not in ``allowed``."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        names = ", ".join(repr(k[:40]) for k in unknown[:5])
        raise ParameterError(
            f"unknown key{'s' if len(unknown) > 1 else ''} {names}"
            f" (allowed: {', '.join(repr(k) for k in allowed)})"
        )


def registration_of(data: dict[str, Any]) -> Registration:
    """The ``Registration`` of a parsed body (its keys already checked)."""
    if "name" not in data:
        raise ParameterError("'name' is required: the model to register a version of")
    confirm = data.get("confirm_reproducibility", False)
    if not isinstance(confirm, bool):
        raise ParameterError(
            f"'confirm_reproducibility' must be true or false, not {type_name(confirm)}"
        )
    for key in KEYS[:4]:
        value = data.get(key)
        if key in data and not isinstance(value, str) and not (value is None and key != "name"):
            raise ParameterError(f"{key!r} must be a string, not {type_name(value)}")
    description = data.get("description") or None
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise ParameterError(
            f"'description' is longer than {MAX_DESCRIPTION} characters ({len(description)})"
        )
    return Registration(
        name=data["name"],
        # An empty alias or stage from a form's blank field means none.
        alias=data.get("alias") or None,
        stage=data.get("stage") or None,
        description=description,
        confirm_reproducibility=confirm,
    )


def register_run_model(
    registry: Registry, run_id: str, request: Registration, *, user: str | None
) -> dict[str, Any]:
    """Register run ``run_id``'s autologged model; return the version with its history."""
    if len(run_id) > MAX_RUN_ID:
        raise NotFoundError(f"no run with id {run_id[:80]!r}")
    version = register_stored_run_model(
        registry, run_id, request.name, alias=request.alias, stage=request.stage,
        description=request.description, user=user, exact=True,
        reproducibility_confirmed=request.confirm_reproducibility,
    )
    return catalog.version_detail(registry, f"{version.name}:{version.version}")


class RunModelRegistrationHandler(JsonBodyHandler):
    """``POST runs/{id}/register-model``: a new model version from the run's model."""

    @tornado.web.authenticated
    @authorized
    async def post(self, run_id: str) -> None:
        """Reply with the new ``ModelVersion`` plus ``history`` (as ``GET
        models/{name}/versions/{v}``); 404 for an unknown run or one without a model."""
        with self.mapped_errors():
            request = parse_registration(self.body_bytes())
            self.write_json(
                await self.call(register_run_model, run_id, request, user=self.jupyter_user())
            )
