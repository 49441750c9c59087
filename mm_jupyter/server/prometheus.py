"""``GET {base_url}mm-jupyter/metrics``: the Prometheus exposition, authenticated.

Prometheus scrapes with ``authorization: {type: token, credentials: <jupyter token>}``,
i.e. an ``Authorization: token ...`` header, which Jupyter's identity provider accepts.
The route is not under ``api/`` and its replies are text, errors included: a scraper
shows the body of a failed scrape as is. Like ``APIHandler`` (and unlike a page), a
request without credentials gets 403, never a redirect to the login page.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import JupyterHandler
from tornado.httputil import responses
from tornado.web import HTTPError

from mm_jupyter.errors import RegistryError
from mm_jupyter.monitoring.exporter import CONTENT_TYPE, exposition
from mm_jupyter.server.base import registry_for


class MetricsHandler(JupyterHandler):
    """Serve the monitoring families of docs/monitoring.md as Prometheus text."""

    auth_resource = "mm_jupyter"

    def set_default_headers(self) -> None:
        """Set Jupyter's headers (CSP, CORS), plus ``nosniff`` and ``no-store``."""
        super().set_default_headers()
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "no-store")

    @property
    def content_security_policy(self) -> str:
        """Nothing in the reply may load or run anything (as for the JSON API)."""
        return f"{super().content_security_policy}; default-src 'none'"

    async def prepare(self) -> None:  # type: ignore[override]
        """Authenticate; refuse a cross-origin request like the API does."""
        await super().prepare()
        if not self.check_origin():
            raise HTTPError(404)

    def get_login_url(self) -> str:
        """Refuse (403) instead of redirecting a scraper to the login page."""
        if not self.current_user:
            raise HTTPError(403)
        return str(super().get_login_url())

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Reply with one line of text: no page, no traceback, no path."""
        exc_info = kwargs.get("exc_info")
        exc = exc_info[1] if exc_info else None
        reason = responses.get(status_code, "Error")
        message = getattr(exc, "log_message", None) if status_code < 500 else None
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(
            f"{status_code} {reason}" + (f": {message}" if message else "") + "\n"
        )

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with the exposition of every monitored model version."""
        settings = self.settings
        try:
            body = await asyncio.get_running_loop().run_in_executor(
                None, lambda: exposition(registry_for(settings))
            )
        except (RegistryError, sqlite3.OperationalError) as exc:
            self.log.error("mm-jupyter: metrics scrape failed", exc_info=exc)
            raise HTTPError(503, "the model registry is unavailable") from None
        self.set_header("Content-Type", CONTENT_TYPE)
        self.finish(body)
