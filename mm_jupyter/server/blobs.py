"""``GET blobs/{digest}``: raw bytes of a content-addressed blob, by digest only.

Blob content is untrusted user output. It is never addressed by a path, always sent
with ``nosniff`` and a CSP ``sandbox``, and everything but plain raster images is sent
as an attachment so that a browser never renders user HTML, SVG or script in the
Jupyter origin (RELIABILITY.md tests 32 and 35).
"""

from __future__ import annotations

import re

import tornado.web
from jupyter_server.auth.decorator import authorized

from mm_jupyter.errors import NotFoundError
from mm_jupyter.server.base import BaseHandler, ParameterError
from mm_jupyter.store import Registry, queries
from mm_jupyter.store.blobs import is_digest

# Raster images are inert when opened directly; every other type is downloaded.
INLINE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp"}
)
FALLBACK_TYPE = "application/octet-stream"
_MEDIA_TYPE_RE = re.compile(
    r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,127}"
)


def safe_media_type(recorded: str | None) -> str:
    """Return the recorded media type without parameters, or octet-stream if odd."""
    media_type = (recorded or "").split(";", 1)[0].strip().lower()
    return media_type if _MEDIA_TYPE_RE.fullmatch(media_type) else FALLBACK_TYPE


def read_blob(registry: Registry, digest: str) -> tuple[bytes, str]:
    """Return a recorded blob's verified bytes and its media type.

    Only blobs with a row in ``blobs`` are served: an orphan file is not registry
    content.
    """
    info = queries.blob_info(registry, digest)
    if info is None:
        raise NotFoundError(f"no blob {digest} in the registry")
    try:
        data = registry.blobs.get_bytes(digest)
    except NotFoundError:
        raise NotFoundError(
            f"blob {digest} is recorded but its file is missing"
        ) from None
    return data, safe_media_type(info["media_type"])


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
            if not is_digest(digest):
                raise ParameterError(
                    "blobs are addressed by their sha256 digest: 64 lowercase hex"
                    f" characters, not {digest[:80]!r}"
                )
            data, media_type = await self.call(read_blob, digest)
            self.set_header("Cache-Control", "private, max-age=31536000, immutable")
            if media_type not in INLINE_TYPES:
                self.set_header(
                    "Content-Disposition", f'attachment; filename="{digest}"'
                )
            self.finish(data, set_content_type=media_type)
