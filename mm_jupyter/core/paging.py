"""Paging of every list query: one page size limit, one check, one message."""

from __future__ import annotations

MAX_LIMIT = 500  # rows per page of any listing (runs, artifacts, models, monitoring)


def check_page(limit: int, offset: int) -> None:
    """Raise ``ValueError`` naming a page size or offset no listing accepts."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise ValueError(f"offset must be >= 0, not {offset}")
