"""Recorded blobs: whether a value names one, and opening its bytes with its media type."""

from __future__ import annotations

from mm_jupyter.errors import FingerprintOnlyError, NotFoundError
from mm_jupyter.store import artifact_queries, db, queries
from mm_jupyter.store.blob_interface import BlobReader
from mm_jupyter.store.blobs import is_digest


def is_blob_digest(value: str) -> bool:
    """Return whether ``value`` can name a blob (a lowercase hex sha256 digest)."""
    return is_digest(value)


def open_recorded_blob(registry: db.Registry, digest: str) -> tuple[str | None, BlobReader]:
    """Return the recorded media type of blob ``digest`` and a reader of its bytes.

    Raises ``NotFoundError`` unless the blob has a ``blobs`` row (an orphan in the
    blob store is not registry content) and its bytes are there. The caller closes
    the reader; the read that reaches the end raises ``BlobCorruptedError`` if the
    bytes do not hash to ``digest``.
    """
    info = queries.blob_info(registry, digest)
    if info is None:
        unstored = artifact_queries.unstored_version(registry, digest)
        if unstored is not None:  # a fit() input recorded by fingerprint: no bytes, by design
            raise FingerprintOnlyError(unstored)
        raise NotFoundError(f"no blob {digest} in the registry")
    try:
        reader = registry.blobs.open(digest)
    except NotFoundError:
        raise NotFoundError(f"blob {digest} is recorded but its file is missing") from None
    return info["media_type"], reader


__all__ = ["is_blob_digest", "open_recorded_blob"]
