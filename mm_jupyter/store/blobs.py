"""Content-addressed blob files: ``blobs/sha256/ab/cdef…``.

Write path (RELIABILITY.md): temp file in the same folder, fsync, ``os.replace``,
fsync the folder, and only then may the caller reference the digest in the database.
A crash therefore leaves at most an orphan temp or blob file, never a row pointing at
missing or partial bytes. Reads verify the digest.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from mm_jupyter.errors import BlobCorruptedError, NotFoundError

DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")


def is_digest(value: str) -> bool:
    """Return whether ``value`` is a lowercase SHA-256 hex digest."""
    return bool(DIGEST_RE.match(value))


class BlobStore:
    """A folder of immutable files named by the SHA-256 of their content."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, digest: str) -> Path:
        """Return the file path of ``digest``; refuse anything but a hex digest."""
        if not is_digest(digest):
            raise ValueError(f"not a sha256 hex digest: {digest[:80]!r}")
        return self.root / "sha256" / digest[:2] / digest[2:]

    def put_bytes(self, data: bytes) -> str:
        """Store ``data`` (if not stored yet) and return its digest."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o444)  # blobs are immutable
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        _fsync_dir(target.parent)
        return digest

    def get_bytes(self, digest: str) -> bytes:
        """Return the bytes of ``digest``, verified; raise if missing or corrupted."""
        path = self.path_for(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise NotFoundError(f"blob {digest} is missing from the registry") from None
        actual = hashlib.sha256(data).hexdigest()
        if actual != digest:
            raise BlobCorruptedError(digest, actual)
        return data


def _fsync_dir(path: Path) -> None:
    # The rename is durable only once the folder entry is on disk.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
