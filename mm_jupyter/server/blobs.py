"""``GET blobs/{digest}``: raw bytes of a content-addressed blob, by digest only.

Blob content is untrusted user output. It is never addressed by a path, always sent
with ``nosniff`` and a CSP ``sandbox``, and everything but plain raster images is sent
as an attachment so that a browser never renders user HTML, SVG or script in the
Jupyter origin (RELIABILITY.md tests 32 and 35).

Bytes are verified against the digest before the first byte is sent, so a blob file
altered on disk is a JSON 500, never partial or wrong content. Small blobs are read
whole; large ones (artifacts: models, datasets) are hashed in a first pass and then
streamed in chunks, so the server never holds a whole model in memory. The stream is
hashed again as it goes and its last chunk is held back: should the file change
in-place between the passes, the connection is closed short of ``Content-Length``
and the client sees a failed download rather than wrong bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import tornado.web
from jupyter_server.auth.decorator import authorized
from tornado.iostream import StreamClosedError

from mm_jupyter.errors import BlobCorruptedError
from mm_jupyter.server.base import BaseHandler, ParameterError
from mm_jupyter.services.blobs import is_blob_digest, open_recorded_blob

if TYPE_CHECKING:
    from mm_jupyter.store import Registry
    from mm_jupyter.store.blob_interface import BlobReader

# Raster images are inert when opened directly; every other type is downloaded.
INLINE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp"}
)
FALLBACK_TYPE = "application/octet-stream"
_MEDIA_TYPE_RE = re.compile(
    r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,127}"
)
STREAM_ABOVE = 16 * 1024 * 1024  # bytes; larger blobs are streamed (tests lower it)
CHUNK = 1024 * 1024


def safe_media_type(recorded: str | None) -> str:
    """Return the recorded media type without parameters, or octet-stream if odd."""
    media_type = (recorded or "").split(";", 1)[0].strip().lower()
    return media_type if _MEDIA_TYPE_RE.fullmatch(media_type) else FALLBACK_TYPE


@dataclass
class Blob:
    """A verified blob: its bytes (small blobs) or an open reader at offset 0."""

    digest: str
    media_type: str
    size: int
    data: bytes | None = None
    handle: BlobReader | None = None


def open_blob(registry: Registry, digest: str) -> Blob:
    """Return a recorded, verified blob: read whole if small, else an open file.

    404 unless the blob has a ``blobs`` row and its file.
    """
    recorded, handle = open_recorded_blob(registry, digest)
    media_type = safe_media_type(recorded)
    try:
        size = handle.size
        if size <= STREAM_ABOVE:
            data = handle.read()
            actual = hashlib.sha256(data).hexdigest()
            if actual != digest:
                raise BlobCorruptedError(digest, actual)
            handle.close()
            return Blob(digest, media_type, len(data), data=data)
        hasher = hashlib.sha256()
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        while n := handle.readinto(buffer):
            hasher.update(view[:n])
        if hasher.hexdigest() != digest:
            raise BlobCorruptedError(digest, hasher.hexdigest())
        handle.seek(0)
        return Blob(digest, media_type, size, handle=handle)
    except BaseException:
        handle.close()
        raise


class BlobHandler(BaseHandler):
    """Serve one blob's bytes."""

    @property
    def content_security_policy(self) -> str:
        """Jupyter's API policy (``default-src 'none'``) plus ``sandbox``."""
        return super().content_security_policy + "; sandbox"

    @tornado.web.authenticated
    @authorized
    async def get(self, digest: str) -> None:
        """Reply with the blob's bytes; 400 for anything but a lowercase hex digest."""
        with self.mapped_errors():
            if self.request.headers.get(
                "Sec-Fetch-Site"
            ) == "cross-site" and not self.request.headers.get("Authorization"):
                # A cookie-authenticated cross-site load (<script src>, <img src>) of
                # user bytes: refuse it (XSSI, RELIABILITY.md test 31).
                raise tornado.web.HTTPError(403, "cross-site blob request refused")
            if not is_blob_digest(digest):
                raise ParameterError(
                    "blobs are addressed by their sha256 digest: 64 lowercase hex"
                    f" characters, not {digest[:80]!r}"
                )
            blob = await self.call(open_blob, digest)
        if self._finished:
            return
        self.set_header("Cache-Control", "private, max-age=31536000, immutable")
        if blob.media_type not in INLINE_TYPES:
            self.set_header(
                "Content-Disposition", f'attachment; filename="{blob.digest}"'
            )
        if blob.data is not None:
            self.finish(blob.data, set_content_type=blob.media_type)
            return
        await self.stream(blob)

    async def stream(self, blob: Blob) -> None:
        """Send a large verified blob in chunks, re-hashing what is sent."""
        assert blob.handle is not None
        handle, loop = blob.handle, asyncio.get_running_loop()
        self.set_header("Content-Type", blob.media_type)
        self.set_header("Content-Length", str(blob.size))
        hasher = hashlib.sha256()
        held = b""
        try:
            while chunk := await loop.run_in_executor(None, handle.read, CHUNK):
                hasher.update(chunk)
                if held:
                    self.write(held)
                    await self.flush()
                held = chunk
            if hasher.hexdigest() != blob.digest:
                raise BlobCorruptedError(blob.digest, hasher.hexdigest())
            self.write(held)
            await self.finish(set_content_type=blob.media_type)
        except StreamClosedError:
            pass  # the client went away
        except Exception as exc:
            # Headers are gone: end the reply short of Content-Length (a failed
            # download) instead of completing it with wrong bytes.
            self.log.error(
                "mm-jupyter: blob %s failed while it was sent",
                blob.digest,
                exc_info=exc,
            )
            # tornado's HTTP/1 connection has close(); its interface type does not say so.
            close = getattr(self.request.connection, "close", None)
            if close is not None:
                close()
            self._finished = True
        finally:
            handle.close()
