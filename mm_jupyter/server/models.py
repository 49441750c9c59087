"""Model registry handlers: the models list, a model, a version, and transitions.

``POST models`` (register a run's model artifact: the run output's Register) and
``POST models/{name}/versions/{v}/transition`` write. Besides the
``@authenticated``/``@authorized`` pair every route has (``authorized`` maps POST to
the ``write`` action), it relies on Jupyter's XSRF check, which ``JupyterHandler``
runs in ``prepare`` for cookie-authenticated requests (token-authenticated ones are
exempt by jupyter_server's design). Its body is read as every write route's is
(json_body.py: streamed, bounded, strict JSON) and must hold exactly one action and no
unknown keys.

Nothing here deserialises a model: the store reads metadata only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from mm_jupyter.core.references import split_reference
from mm_jupyter.errors import NotFoundError
from mm_jupyter.server.base import MAX_NAME, MAX_RUN_ID, BaseHandler, ParameterError
from mm_jupyter.server.json_body import JsonBodyHandler, parse_json_object, type_name
from mm_jupyter.server.run_models import Registration, check_keys, registration_of
from mm_jupyter.services.models import catalog, lookup, transitions
from mm_jupyter.services.models.registration import register_stored_run_model
from mm_jupyter.services.models.transitions import MODEL_STAGES

if TYPE_CHECKING:
    from mm_jupyter.store import Registry

MAX_COMMENT = 2000
_VERSION_RE = re.compile(r"[1-9][0-9]{0,17}")

# The keys each action allows (the action's own key first).
ACTIONS: dict[str, tuple[str, ...]] = {
    "stage": ("stage", "comment", "archive_others", "force", "reason"),
    "alias": ("alias", "comment", "move"),
    "remove_alias": ("remove_alias", "comment"),
}


def version_number(raw: str) -> int:
    """Return the version of a URL segment: ``1``, ``2``, … (no sign, no ``v``)."""
    if not _VERSION_RE.fullmatch(raw):
        raise ParameterError(
            f"the version must be a positive integer (1, 2, ...), not {raw[:40]!r}"
        )
    return int(raw)


def model_ref(name: str, number: int) -> str:
    """Return the store reference ``name:N`` of exactly model ``name``, version ``N``.

    The store parses references (and strips them), so a name that would not come back
    unchanged from ``name:N`` is refused rather than resolved to another model.
    """
    if len(name) > MAX_NAME:
        raise NotFoundError(f"no registered model named {name[:80]!r}...")
    ref = f"{name}:{number}"
    if split_reference(ref.strip()) != (name, number, None):
        raise ParameterError(
            f"the model name {name[:80]!r} has surrounding spaces or a line break:"
            " its versions cannot be addressed through the API"
        )
    return ref


def exact_model_detail(registry: Registry, name: str) -> dict[str, Any]:
    """Return the model named exactly ``name`` (versions, history, metric trend)."""
    if len(name) > MAX_NAME:
        raise NotFoundError(f"no registered model named {name[:80]!r}...")
    return catalog.model_detail(registry, name)


def exact_version_detail(registry: Registry, name: str, number: int) -> dict[str, Any]:
    """Return version ``number`` of the model named exactly ``name``, with history."""
    return catalog.version_detail(registry, model_ref(name, number))


# -- the transition body -------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One validated transition request."""

    action: str  # a key of ACTIONS
    value: str  # the stage or the alias
    comment: str | None = None
    flag: bool = False  # archive_others (stage) or move (alias)
    force: bool = False  # past failing policy rules (stage; docs/deploy.md)
    reason: str | None = None  # why it is forced


def parse_transition(body: bytes) -> Transition:
    """Parse and validate a transition body; ``ParameterError`` names the problem."""
    data = parse_json_object(body, '{"stage": "production"}')
    given = [key for key in ACTIONS if key in data]
    if len(given) != 1:
        found = f"; got {', '.join(repr(k) for k in given)}" if given else ""
        raise ParameterError(
            "give exactly one of 'stage', 'alias' or 'remove_alias'" + found
        )
    action = given[0]
    unknown = sorted(set(data) - set(ACTIONS[action]))
    if unknown:
        allowed = ", ".join(repr(k) for k in ACTIONS[action])
        names = ", ".join(repr(k[:40]) for k in unknown[:5])
        raise ParameterError(
            f"unknown key{'s' if len(unknown) > 1 else ''} {names} in a {action!r}"
            f" transition (allowed: {allowed})"
        )
    value = data[action]
    if action == "stage":
        if not isinstance(value, str) or value not in MODEL_STAGES:
            shown = repr(value[:40]) if isinstance(value, str) else type_name(value)
            raise ParameterError(
                f"'stage' must be one of {', '.join(MODEL_STAGES)}, not {shown}"
            )
    else:
        if not isinstance(value, str):
            raise ParameterError(
                f"{action!r} must be a string, not {type_name(value)}"
            )
        try:
            transitions.check_alias(value)
        except ValueError:
            raise ParameterError(
                f"{action!r} must be an alias of 1 to 64 characters: a letter, then"
                f" letters, digits, '_', '.' or '-'; not {value[:80]!r}"
            ) from None
    comment = data.get("comment")
    if "comment" in data:
        if not isinstance(comment, str):
            raise ParameterError(
                f"'comment' must be a string, not {type_name(comment)}"
            )
        if len(comment) > MAX_COMMENT:
            raise ParameterError(
                f"'comment' is longer than {MAX_COMMENT} characters ({len(comment)})"
            )
    flag_key = {"stage": "archive_others", "alias": "move"}.get(action)
    flag = data.get(flag_key, False) if flag_key else False
    if not isinstance(flag, bool):
        raise ParameterError(
            f"{flag_key!r} must be true or false, not {type_name(flag)}"
        )
    force, reason = data.get("force", False), data.get("reason")
    if not isinstance(force, bool):
        raise ParameterError(f"'force' must be true or false, not {type_name(force)}")
    if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_COMMENT):
        raise ParameterError(f"'reason' must be a string of at most {MAX_COMMENT} characters")
    if force and not (reason or "").strip():
        raise ParameterError("'force' needs a 'reason' (kept in the model's history)")
    return Transition(action=action, value=value, comment=comment or None, flag=flag,
                      force=force, reason=reason or None)


def apply_transition(
    registry: Registry, name: str, number: int, change: Transition, *, user: str | None
) -> dict[str, Any]:
    """Apply ``change`` to version ``number`` of model ``name``; return the version."""
    ref = model_ref(name, number)
    lookup.resolve_model_version(registry, ref)  # 404s first
    # Through the services: a change from the sidebar sets off event rules like one
    # from a notebook.
    if change.action == "stage":
        transitions.set_stage(registry, ref, change.value, user=user, comment=change.comment,
                              archive_others=change.flag, force=change.force,
                              reason=change.reason)
    elif change.action == "alias":
        transitions.set_alias(registry, ref, change.value, user=user, comment=change.comment,
                              move=change.flag)
    else:  # the holder is checked inside the store's write transaction
        transitions.remove_alias(registry, name, change.value, user=user,
                                 comment=change.comment, version=number)
    return catalog.version_detail(registry, ref)


# -- POST models: register a model artifact a run stored --------------------------------

REGISTER_KEYS = ("run", "artifact", "name", "alias", "tags", "description",
                 "confirm_reproducibility")
MAX_TAGS = 50
MAX_TAG_CHARS = 500


@dataclass(frozen=True)
class ArtifactRegistration:
    """One validated ``POST models`` body."""

    run: str
    artifact: str
    registration: Registration
    tags: dict[str, str]


def parse_artifact_registration(body: bytes) -> ArtifactRegistration:
    """Parse and validate a ``POST models`` body; ``ParameterError`` names the problem."""
    data = parse_json_object(
        body, '{"run": "0123456789ab", "artifact": "fit-model:v1", "name": "churn-clf"}'
    )
    check_keys(data, REGISTER_KEYS)
    found: dict[str, str] = {}
    for key, what, limit in (("run", "the run's id", MAX_RUN_ID),
                             ("artifact", "the model artifact version, name:vN", MAX_NAME)):
        value = data.get(key)
        if not isinstance(value, str) or not value:
            raise ParameterError(
                f"{key!r} is required: {what}" if value is None
                else f"{key!r} must be a non-empty string, not {type_name(value)}"
            )
        if len(value) > limit:
            raise ParameterError(f"{key!r} is longer than {limit} characters")
        found[key] = value
    tags = data.get("tags") or {}
    if not isinstance(tags, dict):
        raise ParameterError(f"'tags' must be an object of strings, not {type_name(tags)}")
    if len(tags) > MAX_TAGS:
        raise ParameterError(f"'tags' has {len(tags)} entries (at most {MAX_TAGS})")
    for key, value in tags.items():
        if not isinstance(value, str) or len(key) > MAX_TAG_CHARS or len(value) > MAX_TAG_CHARS:
            raise ParameterError(
                f"tag {key[:40]!r} must be a string of at most {MAX_TAG_CHARS} characters"
            )
    rest = {k: v for k, v in data.items()
            if k in ("name", "alias", "description", "confirm_reproducibility")}
    return ArtifactRegistration(found["run"], found["artifact"], registration_of(rest), tags)


def register_artifact(
    registry: Registry, request: ArtifactRegistration, *, user: str | None
) -> dict[str, Any]:
    """Register the run's model artifact; return the version with its history (as
    ``POST runs/{id}/register-model`` does, through the same service)."""
    reg = request.registration
    version = register_stored_run_model(
        registry, request.run, reg.name, alias=reg.alias, description=reg.description,
        user=user, exact=True, artifact=request.artifact, tags=request.tags,
        reproducibility_confirmed=reg.confirm_reproducibility,
    )
    return catalog.version_detail(registry, f"{version.name}:{version.version}")


# -- handlers --------------------------------------------------------------------------


class ModelsHandler(JsonBodyHandler):
    """``GET models``: one page of registered models, most recently changed first;
    ``POST models``: register a model artifact a run stored."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with ``{"total", "offset", "limit", "cursor", "models"}``."""
        with self.mapped_errors():
            options = self.page_args(q=self.text_arg("q"))
            self.write_json(await self.call(catalog.list_models, **options))

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        """Reply with the new ``ModelVersion`` plus ``history``; 400 for an artifact
        that is not a model or not an output of the run, 404 for an unknown run or
        artifact version."""
        with self.mapped_errors():
            request = parse_artifact_registration(self.body_bytes())
            self.write_json(
                await self.call(register_artifact, request, user=self.jupyter_user())
            )


class ModelHandler(BaseHandler):
    """``GET models/{name}``: a model, its versions, history and metric trends.

    ``{name}`` is percent-decoded by tornado; it may hold ``/`` encoded (``%2F``) or,
    when the rest of the path cannot be read as a version route, not.
    """

    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        """Reply with ``{"model", "versions", "history", "metric_trend"}``."""
        with self.mapped_errors():
            self.write_json(await self.call(exact_model_detail, name))


class ModelVersionHandler(BaseHandler):
    """``GET models/{name}/versions/{v}``: one version with its transitions."""

    @tornado.web.authenticated
    @authorized
    async def get(self, name: str, version: str) -> None:
        """Reply with the ``ModelVersion`` plus ``history``; 404 if unknown."""
        with self.mapped_errors():
            number = version_number(version)
            self.write_json(await self.call(exact_version_detail, name, number))


class ModelTransitionHandler(JsonBodyHandler):
    """``POST models/{name}/versions/{v}/transition``: change a stage or an alias."""

    @tornado.web.authenticated
    @authorized
    async def post(self, name: str, version: str) -> None:
        """Reply with the updated ``ModelVersion`` plus ``history``."""
        with self.mapped_errors():
            body = self.body_bytes()
            number = version_number(version)
            change = parse_transition(body)
            self.write_json(
                await self.call(
                    apply_transition, name, number, change, user=self.jupyter_user()
                )
            )
