"""Monitoring handlers: monitored versions, one monitor, its series, alerts and batches.

Shapes are those of docs/monitoring.md, read by ``monitoring/queries.py``.
``{model}`` is a model reference, percent-encoded (``churn-clf``, ``churn-clf:2``,
``churn-clf@production``; a name with "/" is sent as ``%2F``); tornado decodes it. A
bare name means the most recent version with monitoring data. Every route only reads,
but ``POST alerts/{id}/acknowledge`` and ``.../unacknowledge`` (a write: authorized as
``write``, XSRF-checked, a strict JSON body through json_body.py).
"""

from __future__ import annotations

import math
import re
from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from mm_jupyter.errors import NotFoundError
from mm_jupyter.monitoring import queries
from mm_jupyter.server.base import MAX_NAME, BaseHandler, ParameterError
from mm_jupyter.server.json_body import JsonBodyHandler, parse_json_object, type_name

# A reference is a name (≤ MAX_NAME) plus ":N" or "@alias".
MAX_REF = MAX_NAME + 80
MAX_KEYS = 100  # repeated ``key`` parameters of one series request
MAX_KEY = 500
MAX_PATTERN = 200
MAX_COMMENT = 2000
MAX_ALERT_ID = 2**63 - 1
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")


def checked_ref(ref: str) -> str:
    """Return ``ref`` if it may name a model (too long: no such model, 404)."""
    if len(ref) > MAX_REF:
        raise NotFoundError(f"no registered model named {ref[:80]!r}...")
    return ref


class MonitorBaseHandler(BaseHandler):
    """Parameters shared by the monitoring routes."""

    def ts_arg(self, name: str) -> float | None:
        """Return a finite epoch-seconds parameter, ``None`` if absent."""
        raw = self.get_query_argument(name, None)
        if raw is None or raw == "":
            return None
        if len(raw) > 40 or not _NUMBER_RE.fullmatch(raw):
            raise ParameterError(
                f"parameter {name!r} must be epoch seconds such as 1764213000.5,"
                f" not {raw[:40]!r}"
            )
        value = float(raw)
        if not math.isfinite(value):
            raise ParameterError(f"parameter {name!r} must be a finite number")
        return value

    def key_args(self) -> list[str] | None:
        """Return the repeated exact ``key`` parameters, ``None`` if none was given."""
        keys = [k for k in self.get_query_arguments("key") if k != ""]
        if not keys:
            return None
        if len(keys) > MAX_KEYS:
            raise ParameterError(
                f"give at most {MAX_KEYS} 'key' parameters, not {len(keys)}"
            )
        for key in keys:
            if len(key) > MAX_KEY:
                raise ParameterError(
                    f"parameter 'key' is longer than {MAX_KEY} characters"
                )
        return keys

    async def alerts_page(self, ref: str | None) -> dict[str, Any]:
        """Read the alerts of ``ref`` (``None``: every model) by ``state`` and the page."""
        state = self.choice_arg("state", queries.ALERT_STATES, None)
        page = self.page_args()
        target = None if ref is None else checked_ref(ref)
        return await self.call(queries.alerts, target, state=state, **page)


class MonitorsHandler(MonitorBaseHandler):
    """``GET monitoring``: monitored model versions, newest activity first."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with ``{"total", "offset", "limit", "firing", "cursor", ...}``."""
        with self.mapped_errors():
            self.write_json(await self.call(queries.list_monitors, **self.page_args()))


class MonitorHandler(MonitorBaseHandler):
    """``GET monitoring/{model}``: a version's summary, latest values, rules, alerts."""

    @tornado.web.authenticated
    @authorized
    async def get(self, ref: str) -> None:
        """Reply with the monitor detail; 404 for an unknown model or version."""
        with self.mapped_errors():
            self.write_json(await self.call(queries.monitor_detail, checked_ref(ref)))


class MonitorSeriesHandler(MonitorBaseHandler):
    """``GET monitoring/{model}/series``: points of series, with rule thresholds."""

    @tornado.web.authenticated
    @authorized
    async def get(self, ref: str) -> None:
        """Reply with ``{"ref", "series"}`` (``key`` repeated, or ``pattern``)."""
        with self.mapped_errors():
            keys = self.key_args()
            pattern = self.text_arg("pattern", max_len=MAX_PATTERN)
            if keys is not None and pattern is not None:
                raise ParameterError("give 'key' parameters or a 'pattern', not both")
            since_ts, until_ts = self.ts_arg("since_ts"), self.ts_arg("until_ts")
            if since_ts is not None and until_ts is not None and since_ts > until_ts:
                raise ParameterError("'since_ts' must not be after 'until_ts'")
            options: dict[str, Any] = {
                "keys": keys,
                "pattern": pattern,
                "since_ts": since_ts,
                "until_ts": until_ts,
                "limit": self.int_arg(
                    "limit",
                    default=queries.DEFAULT_POINTS,
                    low=1,
                    high=queries.MAX_POINTS,
                ),
            }
            self.write_json(
                await self.call(queries.series, checked_ref(ref), **options)
            )


class MonitorAlertsHandler(MonitorBaseHandler):
    """``GET monitoring/{model}/alerts``: a version's alerts, newest first."""

    @tornado.web.authenticated
    @authorized
    async def get(self, ref: str) -> None:
        """Reply with ``{"total", "offset", "limit", "alerts"}``."""
        with self.mapped_errors():
            self.write_json(await self.alerts_page(ref))


class MonitorBatchesHandler(MonitorBaseHandler):
    """``GET monitoring/{model}/batches``: a version's batches, newest first."""

    @tornado.web.authenticated
    @authorized
    async def get(self, ref: str) -> None:
        """Reply with ``{"total", "offset", "limit", "batches"}``."""
        with self.mapped_errors():
            page = self.page_args()
            self.write_json(await self.call(queries.batches, checked_ref(ref), **page))


class AlertsHandler(MonitorBaseHandler):
    """``GET alerts``: every model's alerts, newest first."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with ``{"total", "offset", "limit", "alerts"}``."""
        with self.mapped_errors():
            self.write_json(await self.alerts_page(None))


def parse_acknowledgement(body: bytes) -> str | None:
    """Return the optional ``comment`` of an acknowledge body; ``ParameterError`` names
    what is wrong (another key, not a string, too long)."""
    data = parse_json_object(body, '{"comment": "looking into it"}')
    unknown = sorted(set(data) - {"comment"})
    if unknown:
        names = ", ".join(repr(k[:40]) for k in unknown[:5])
        raise ParameterError(f"unknown key{'s' if len(unknown) > 1 else ''} {names}"
                             " (allowed: 'comment')")
    comment = data.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise ParameterError(f"'comment' must be a string, not {type_name(comment)}")
    if comment is not None and len(comment) > MAX_COMMENT:
        raise ParameterError(
            f"'comment' is longer than {MAX_COMMENT} characters ({len(comment)})"
        )
    return comment or None


class AlertAcknowledgeHandler(JsonBodyHandler):
    """``POST alerts/{id}/acknowledge`` and ``POST alerts/{id}/unacknowledge``."""

    @tornado.web.authenticated
    @authorized
    async def post(self, alert_id: str, verb: str) -> None:
        """Reply with ``{"alert", "firing"}``: the ``Alert`` after the change and the
        new badge count; 404 for an unknown alert."""
        with self.mapped_errors():
            if not alert_id.isdigit() or int(alert_id) > MAX_ALERT_ID:
                raise NotFoundError(f"no monitoring alert {alert_id[:40]!r}")
            comment = parse_acknowledgement(self.body_bytes())
            self.write_json(await self.call(
                queries.acknowledgement, int(alert_id), user=self.jupyter_user(),
                comment=comment, acknowledged=verb == "acknowledge",
            ))
