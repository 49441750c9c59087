"""The shared handler base: registry access, strict JSON, error mapping, parameters.

Like jupyterlab-git's ``GitHandler``, one base class maps domain errors to HTTP codes
(``ValueError`` → 400 unless it is a decoding error of stored data,
``NotFoundError`` → 404, ``ConflictError`` → 409, ``RegistryError`` and
``sqlite3.OperationalError`` → 503, anything else → 500) so that handlers stay a few
lines each. Error bodies are ``{"message": ..., "reason": ...}`` and never carry a
traceback, a file path or a token (RELIABILITY.md §0 rule 9, tests 34-36).
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from jupyter_server.base.handlers import APIHandler
from tornado.httputil import responses
from tornado.web import HTTPError

from mm_jupyter.core.paging import MAX_LIMIT
from mm_jupyter.encoding import payload_dumps
from mm_jupyter.errors import (
    BlobCorruptedError,
    ConflictError,
    NotFoundError,
    PolicyRefusedError,
    RegistryError,
    RegistryNewerError,
    RegistryPermissionError,
)
from mm_jupyter.identity import current_user
from mm_jupyter.services.registry import open_registry

if TYPE_CHECKING:
    from mm_jupyter.store import Registry

T = TypeVar("T")

REGISTRY_KEY = "mm_jupyter_registry"
PATH_KEY = "mm_jupyter_registry_path"
LOCK_KEY = "mm_jupyter_registry_lock"
ROOT_DIR_KEY = "mm_jupyter_root_dir"

MAX_TEXT_ARG = 500
# Bounds of path and query values: longer ones name nothing that can exist (404 or 400).
MAX_OFFSET = 10_000_000
MAX_RUN_ID = 128
MAX_NAME = 1000  # an artifact or model name
MAX_USER = 200  # a Jupyter user name as recorded
_INT_RE = re.compile(r"[0-9]{1,19}")


# ValueErrors that mean bad stored data, not a bad request: they are 500s.
_DATA_ERRORS = (json.JSONDecodeError, UnicodeError)


class ParameterError(ValueError):
    """A query parameter is missing, malformed or out of range (→ 400)."""


def strict_json(value: Any) -> str:
    """Serialise a store payload as compact strict JSON (non-finite floats as text)."""
    return payload_dumps(value, separators=(",", ":"))


def open_server_registry(settings: dict[str, Any]) -> Registry:
    """Open the server's registry: the configured path, else the location rule.

    The location rule runs with the server's ``root_dir`` as the working directory,
    so a ``.mm/`` folder in the notebook root is found like a kernel there finds it.
    """
    configured = settings.get(PATH_KEY)
    if configured:
        return open_registry(configured)
    return open_registry(cwd=settings.get(ROOT_DIR_KEY) or None)


def registry_for(settings: dict[str, Any]) -> Registry:
    """Return the app's registry, opened once (thread-safe; a failure is retried)."""
    registry = settings.get(REGISTRY_KEY)
    if registry is not None:
        return registry  # type: ignore[no-any-return]
    lock = settings.setdefault(LOCK_KEY, threading.Lock())
    with lock:
        registry = settings.get(REGISTRY_KEY)
        if registry is None:
            registry = open_server_registry(settings)
            settings[REGISTRY_KEY] = registry
    return registry  # type: ignore[no-any-return]


class BaseHandler(APIHandler):
    """Base of every mm-jupyter REST handler (resource ``mm_jupyter``)."""

    auth_resource = "mm_jupyter"

    def set_default_headers(self) -> None:
        """Set Jupyter's headers, then insist on ``nosniff`` (config cannot drop it)."""
        super().set_default_headers()
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "no-store")

    # -- store access -------------------------------------------------------------

    async def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``func(registry, *args, **kwargs)`` off the event loop.

        SQLite waits (busy timeout, first open and migration) must not stall the
        server; the registry's own lock serialises its one connection.
        """
        settings = self.settings

        def work() -> T:
            return func(registry_for(settings), *args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(None, work)

    def write_json(self, payload: Any) -> None:
        """Finish with ``payload`` as strict JSON."""
        self.finish(strict_json(payload))

    # -- errors ---------------------------------------------------------------------

    @contextmanager
    def mapped_errors(self) -> Iterator[None]:
        """Turn exceptions raised inside into JSON error replies (and swallow them)."""
        try:
            yield
        except Exception as exc:  # every error becomes a safe JSON reply
            status, message = self.classify(exc)
            if status >= 500:
                self.log.error(
                    "mm-jupyter: %s %s failed",
                    self.request.method,
                    self.request.path,
                    exc_info=exc,
                )
            # A policy's refusal carries the check, so the sidebar lists the failed rules.
            extra = {"check": exc.report} if isinstance(exc, PolicyRefusedError) else None
            self.reply_error(status, message, extra)

    def classify(self, exc: Exception) -> tuple[int, str]:
        """Return the status and the client-safe message for ``exc``."""
        if isinstance(exc, HTTPError):
            return exc.status_code, exc.log_message or responses.get(
                exc.status_code, ""
            )
        if isinstance(exc, NotFoundError):
            return 404, self.scrub(str(exc))
        if isinstance(exc, ConflictError):
            return 409, self.scrub(str(exc))
        if isinstance(exc, ValueError) and not isinstance(exc, _DATA_ERRORS):
            return 400, self.scrub(str(exc))
        if isinstance(exc, sqlite3.OperationalError):  # locked, busy, I/O: transient
            return 503, "the model registry is unavailable; see the Jupyter server log"
        if isinstance(exc, BlobCorruptedError):
            return 500, f"blob {exc.digest} is corrupted in the registry"
        if isinstance(exc, RegistryNewerError):
            return 503, (
                "the registry was written by a newer mm-jupyter; upgrade mm-jupyter"
                " in the Jupyter server's environment"
            )
        if isinstance(exc, RegistryPermissionError):  # the database's roles (docs/team.md)
            return 403, "permission denied: your registry role cannot make this change"
        if isinstance(exc, RegistryError):
            return 503, "the model registry is unavailable; see the Jupyter server log"
        return 500, "internal error in mm-jupyter; see the Jupyter server log"

    def scrub(self, message: str) -> str:
        """Remove the registry folder from a message and bound its length."""
        registry = self.settings.get(REGISTRY_KEY)
        if registry is not None:
            message = message.replace(str(registry.root), "<registry>")
        home = str(Path.home())
        if len(home) > 1:
            message = message.replace(home, "~")
        return message if len(message) <= 1000 else message[:997] + "..."

    def reply_error(self, status: int, message: str,
                    extra: dict[str, Any] | None = None) -> None:
        """Finish with a JSON error; never raise (the reply may already be gone)."""
        if self._finished:
            return
        self.clear()
        self.set_status(status)
        self.finish(strict_json({"message": message, "reason": self._reason, **(extra or {})}))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Reply to errors raised outside ``mapped_errors`` (403s, tornado's own)."""
        exc_info = kwargs.get("exc_info")
        exc = exc_info[1] if exc_info else None
        message = getattr(exc, "log_message", None) or self._reason
        if status_code >= 500:
            message = "internal error in mm-jupyter; see the Jupyter server log"
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message, "reason": self._reason}))

    # -- query parameters --------------------------------------------------------------

    def text_arg(self, name: str, *, max_len: int = MAX_TEXT_ARG) -> str | None:
        """Return a text parameter (``None`` if absent or empty), bounded in length."""
        value = self.get_query_argument(name, None)
        if value is None or value == "":
            return None
        if len(value) > max_len:
            raise ParameterError(
                f"parameter {name!r} is longer than {max_len} characters"
            )
        return value

    def choice_arg(
        self, name: str, choices: tuple[str, ...], default: str | None
    ) -> str | None:
        """Return a parameter that must be one of ``choices``."""
        value = self.text_arg(name, max_len=100)
        if value is None:
            return default
        if value not in choices:
            raise ParameterError(
                f"parameter {name!r} must be one of {', '.join(choices)}, not {value!r}"
            )
        return value

    def jupyter_user(self) -> str | None:
        """Return who makes the request (recorded with what it changes).

        The Jupyter identity (the JupyterHub user, say); but a token-authenticated
        single-user server names each browser session "Anonymous <moon>" with a random
        id, which names nobody: then the server's own user (``MM_JUPYTER_USER``, else
        the login name), the same name its kernels record runs under.
        """
        user = self.current_user
        name = getattr(user, "username", None)
        if name is None and isinstance(user, str):
            name = user
        if str(getattr(user, "name", "")).startswith("Anonymous "):
            name = current_user()
        return str(name)[:MAX_USER] if name else None

    def page_args(self, **filters: Any) -> dict[str, Any]:
        """Return a list request's ``filters`` with its ``limit`` (1..500, default 50) and
        ``offset``: every listing pages the same way."""
        return {
            **filters,
            "limit": self.int_arg("limit", default=50, low=1, high=MAX_LIMIT),
            "offset": self.int_arg("offset", default=0, low=0, high=MAX_OFFSET),
        }

    def int_arg(self, name: str, *, default: int, low: int, high: int) -> int:
        """Return a decimal integer parameter within ``[low, high]``."""
        raw = self.get_query_argument(name, None)
        if raw is None or raw == "":
            return default
        if not _INT_RE.fullmatch(raw):
            raise ParameterError(
                f"parameter {name!r} must be an integer from {low} to {high},"
                f" not {raw[:40]!r}"
            )
        value = int(raw)
        if not low <= value <= high:
            raise ParameterError(
                f"parameter {name!r} must be between {low} and {high}, not {value}"
            )
        return value
