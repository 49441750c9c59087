"""Paging of every list query: one page size limit, one check, one message, and the
opaque keyset cursors of the runs list (``cursor=``, ``next_cursor``/``prev_cursor``).

A keyset cursor names a row of one ordering (its sort value and tie-breaker) and a
direction; the next page is the rows after it (or, going back, before it), found by an
index seek instead of counting ``offset`` rows: a page deep in the list costs what the
first one costs. The token is URL-safe base64 of compact JSON; clients must treat it
as opaque.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

MAX_LIMIT = 500  # rows per page of any listing (runs, artifacts, models, monitoring)
MAX_CURSOR_CHARS = 2000  # a cursor token's length, at most


def check_page(limit: int, offset: int) -> None:
    """Raise ``ValueError`` naming a page size or offset no listing accepts."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise ValueError(f"offset must be >= 0, not {offset}")


def encode_cursor(payload: dict[str, Any]) -> str:
    """Return the opaque token of a cursor ``payload`` (JSON-encodable)."""
    text = json.dumps(payload, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> dict[str, Any]:
    """Return the payload of a token :func:`encode_cursor` made; ``ValueError`` if it
    is not one."""
    if len(token) > MAX_CURSOR_CHARS:
        raise ValueError("cursor is too long: pass a next_cursor or prev_cursor unchanged")
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        payload = json.loads(text)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError(
            "bad cursor: pass a next_cursor or prev_cursor of a runs list unchanged"
        ) from None
    if not isinstance(payload, dict):
        raise ValueError("bad cursor: pass a next_cursor or prev_cursor unchanged")
    return payload
