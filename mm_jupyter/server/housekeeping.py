"""``POST runs/{id}/update|archive|restore|delete|move``: run housekeeping, and
``POST metric-directions``: whether lower or higher is better for a metric.

Like every write route: ``@authenticated`` + ``@authorized`` (POST is the ``write``
action, so a read-only authorizer refuses it), Jupyter's XSRF check for
cookie-authenticated requests, and a bounded strict JSON body (json_body.py) with no
unknown keys. The run is named by its exact id in the path. Each change is recorded in
the run's history under the Jupyter user (``jupyter_user``); the reply is the run's
summary as ``GET runs`` lists it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from mm_jupyter.errors import NotFoundError
from mm_jupyter.server.base import MAX_RUN_ID, ParameterError
from mm_jupyter.server.json_body import JsonBodyHandler, parse_json_object, type_name
from mm_jupyter.services.runs import directions, housekeeping

if TYPE_CHECKING:
    from mm_jupyter.store import Registry

UPDATE_KEYS = ("name", "note", "tags", "starred")
MOVE_KEYS = ("experiment",)
DIRECTION_KEYS = ("key", "direction")


def _object(body: bytes, allowed: tuple[str, ...], example: str) -> dict[str, Any]:
    data = parse_json_object(body, example)
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        names = ", ".join(repr(k[:40]) for k in unknown[:5])
        listed = ", ".join(repr(k) for k in allowed) or "none"
        raise ParameterError(
            f"unknown key{'s' if len(unknown) > 1 else ''} {names} (allowed: {listed})"
        )
    return data


def parse_update(body: bytes) -> dict[str, Any]:
    """Parse ``{"name"?, "note"?, "tags"?: {k: v|null}, "starred"?}``; at least one key."""
    data = _object(body, UPDATE_KEYS, '{"name": "tuned", "tags": {"stage": null}}')
    if not data:
        raise ParameterError(
            f"nothing to update: give one or more of {', '.join(repr(k) for k in UPDATE_KEYS)}"
        )
    for key in ("name", "note"):
        if key in data and not isinstance(data[key], str):
            raise ParameterError(f"{key!r} must be a string, not {type_name(data[key])}")
    if "starred" in data and not isinstance(data["starred"], bool):
        raise ParameterError(f"'starred' must be true or false, not {type_name(data['starred'])}")
    tags = data.get("tags")
    if "tags" in data:
        if not isinstance(tags, dict):
            raise ParameterError(
                f"'tags' must be an object of tag to string (null removes it), not {type_name(tags)}"
            )
        for tag, value in tags.items():
            if value is not None and not isinstance(value, str):
                raise ParameterError(
                    f"tag {tag[:40]!r} must be a string or null, not {type_name(value)}"
                )
    return data


def housekeep(
    registry: Registry, run_id: str, action: str, body: dict[str, Any], user: str | None
) -> dict[str, Any]:
    """Apply ``action`` to run ``run_id`` (an exact id); return its summary."""
    if len(run_id) > MAX_RUN_ID:
        raise NotFoundError(f"no run with id {run_id[:80]!r}")
    if action == "update":
        state = housekeeping.update_run(registry, run_id, user=user, exact=True, **body)
    elif action == "move":
        state = housekeeping.move_run(registry, run_id, body["experiment"], user=user,
                                      exact=True)
    else:
        change = {"archive": housekeeping.archive_run, "restore": housekeeping.restore_run,
                  "delete": housekeeping.delete_run}[action]
        state = change(registry, run_id, user=user, exact=True)
    return housekeeping.run_summary(registry, state["id"])


class RunHousekeepingHandler(JsonBodyHandler):
    """``POST runs/{id}/(update|archive|restore|delete|move)``."""

    def _request(self, action: str) -> dict[str, Any]:
        if action == "update":
            return parse_update(self.body_bytes())
        if action == "move":
            data = _object(self.body_bytes(), MOVE_KEYS, '{"experiment": "cleaned"}')
            if "experiment" not in data:
                raise ParameterError("'experiment' is required: the experiment to move to")
            if not isinstance(data["experiment"], str):
                raise ParameterError(
                    f"'experiment' must be a string, not {type_name(data['experiment'])}"
                )
            return data
        # archive, restore, delete: no body (whatever type a client declares for
        # nothing), else an empty JSON object
        if self.request.headers.get("Content-Length", "").strip() in ("", "0") and (
            "Transfer-Encoding" not in self.request.headers
        ):
            return {}
        _object(self.body_bytes(), (), "{}")
        return {}

    @tornado.web.authenticated
    @authorized
    async def post(self, run_id: str, action: str) -> None:
        """Reply with the run's summary after the change; 400 names bad input, 404 an
        unknown run, 409 a running run that cannot be deleted or moved."""
        with self.mapped_errors():
            body = self._request(action)
            self.write_json(
                await self.call(housekeep, run_id, action, body, self.jupyter_user())
            )


def set_metric_direction(
    registry: Registry, body: dict[str, Any], user: str | None
) -> dict[str, Any]:
    """Store (or clear) a metric's direction; return ``{key, direction, source}``."""
    result = directions.set_direction(registry, body["key"], body["direction"], user)
    return {k: result[k] for k in ("key", "direction", "source")}


class MetricDirectionsHandler(JsonBodyHandler):
    """``POST metric-directions``: ``{"key", "direction": "min"|"max"|null}``."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        """Reply with ``{key, direction, source}``: the direction now in effect."""
        with self.mapped_errors():
            data = _object(self.body_bytes(), DIRECTION_KEYS,
                           '{"key": "val_loss", "direction": "min"}')
            for key in DIRECTION_KEYS:
                if key not in data:
                    raise ParameterError(
                        f"{key!r} is required (direction: 'min', 'max' or null to clear)"
                    )
            if not isinstance(data["key"], str):
                raise ParameterError(f"'key' must be a string, not {type_name(data['key'])}")
            self.write_json(
                await self.call(set_metric_direction, data, self.jupyter_user())
            )
