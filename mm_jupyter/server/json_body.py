"""Strict JSON request bodies for the write routes (POST).

A write route's body is streamed so that an oversized one is refused from its
``Content-Length`` before it is read (a chunked body is cut off at ``MAX_BODY``), must be
declared ``application/json`` (UTF-8), and is parsed strictly: an object, no duplicate
keys, no ``NaN``/``Infinity``. Authentication, authorization (``write``) and Jupyter's
XSRF check for cookie-authenticated requests run in ``prepare``, before a byte is read.
"""

from __future__ import annotations

import json
from typing import Any

import tornado.web
from tornado.web import HTTPError

from mm_jupyter.server.base import BaseHandler, ParameterError

MAX_BODY = 64 * 1024
# What the connection buffers at all (a chunked body has no Content-Length to refuse
# up front): past this tornado drops the connection instead of reading on.
MAX_BODY_READ = 1024 * 1024


def type_name(value: Any) -> str:
    """Name a JSON value's type for a message (``a string``, ``null``, ...)."""
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(value), "a number")


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ParameterError(f"the body repeats the key {key[:40]!r}")
        seen[key] = value
    return seen


def _refuse_constant(name: str) -> Any:
    raise ParameterError(f"the body is not strict JSON: {name} is not a JSON value")


def check_content_type(header: str | None) -> None:
    """Refuse (415) any body that is not declared ``application/json`` (UTF-8)."""
    media, _, params = (header or "").partition(";")
    if media.strip().lower() != "application/json":
        raise HTTPError(
            415,
            "the body must be JSON sent with Content-Type: application/json,"
            f" not {media.strip()[:80]!r}",
        )
    for param in params.split(";"):
        key, _, value = param.partition("=")
        charset = value.strip().strip('"').lower()
        if key.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise HTTPError(415, "the body must be UTF-8 JSON")


def parse_json_object(body: bytes, example: str) -> dict[str, Any]:
    """Parse a body that must be one strict JSON object; ``ParameterError`` names the
    problem (``example`` shows a valid body in the message)."""
    if len(body) > MAX_BODY:
        raise HTTPError(413, f"the body is larger than {MAX_BODY} bytes")
    try:
        data = json.loads(
            body.decode("utf-8"),
            object_pairs_hook=_object_without_duplicates,
            parse_constant=_refuse_constant,
        )
    except ParameterError:
        raise
    except UnicodeDecodeError:
        raise ParameterError("the body is not UTF-8") from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, nesting too deep
        detail = str(exc)[:120] if isinstance(exc, ValueError) else "nested too deeply"
        raise ParameterError(f"the body is not valid JSON: {detail}") from None
    if not isinstance(data, dict):
        raise ParameterError(
            f"the body must be a JSON object such as {example}, not {type_name(data)}"
        )
    return data


@tornado.web.stream_request_body
class JsonBodyHandler(BaseHandler):
    """A handler whose POST reads a bounded, streamed JSON body (``body_bytes``)."""

    def initialize(self, **kwargs: Any) -> None:
        """Start with an empty body buffer."""
        super().initialize(**kwargs)
        self._body = bytearray()
        self._too_large = False

    async def prepare(self) -> None:  # type: ignore[override]
        """Authenticate (and check XSRF) first, then refuse oversized bodies unread."""
        await super().prepare()
        if self._finished:
            return
        connection = self.request.connection
        if connection is not None and hasattr(connection, "set_max_body_size"):
            connection.set_max_body_size(MAX_BODY_READ)
        if not self.current_user:
            return  # @authenticated replies 403
        length = self.request.headers.get("Content-Length", "")
        if length.strip().isdigit() and int(length) > MAX_BODY:
            raise HTTPError(413, f"the body is larger than {MAX_BODY} bytes")

    def data_received(self, chunk: bytes) -> None:
        """Keep up to ``MAX_BODY`` bytes; note (and drop) anything beyond."""
        if self._too_large or len(self._body) + len(chunk) > MAX_BODY:
            self._too_large = True
            self._body.clear()
            return
        self._body += chunk

    def body_bytes(self) -> bytes:
        """Return the body after checking its size and content type (413, 415)."""
        if self._too_large:
            raise HTTPError(413, f"the body is larger than {MAX_BODY} bytes")
        check_content_type(self.request.headers.get("Content-Type"))
        return bytes(self._body)
