"""The blob interface every blob store offers (a local folder, an S3 bucket).

Nothing outside a store sees where its bytes live: callers put bytes or a file, ask
whether a digest is stored, read a ``BlobReader`` (bytes verified against the digest
as they are read), copy a blob out to a file of their own, and, for maintenance, list,
re-hash and delete blobs and their stale temp files.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Protocol

from mm_jupyter.errors import BlobCorruptedError


@dataclass(frozen=True)
class BlobStat:
    """One stored blob: its digest, size in bytes and last-modified time (epoch s)."""

    digest: str
    size: int
    modified: float


@dataclass(frozen=True)
class TempFile:
    """A temp file of an interrupted or running blob write: ``name`` says where."""

    name: str
    size: int
    modified: float


class BlobReader:
    """A blob's bytes, read in order and verified against its digest at the end.

    The read that reaches the end raises ``BlobCorruptedError`` when the bytes read
    do not hash to the digest, so a caller that reads to the end never accepts wrong
    content. ``seek(0)`` starts over (and re-verifies).
    """

    def __init__(
        self,
        handle: BinaryIO,
        digest: str,
        size: int,
        on_corrupt: Callable[[], None] | None = None,
    ) -> None:
        self.digest = digest
        self.size = size
        self._handle = handle
        self._on_corrupt = on_corrupt
        self._restart()

    def _restart(self) -> None:
        self._hasher = hashlib.sha256()
        self._position = 0
        self._checked = False

    def _account(self, data: bytes | memoryview) -> None:
        if self._checked:
            return
        self._hasher.update(data)
        self._position += len(data)
        if len(data) == 0 or self._position >= self.size:
            self._checked = True
            actual = self._hasher.hexdigest()
            if actual != self.digest:
                if self._on_corrupt is not None:
                    self._on_corrupt()
                raise BlobCorruptedError(self.digest, actual)

    def read(self, size: int = -1) -> bytes:
        """Return up to ``size`` bytes (all the rest when negative)."""
        data = self._handle.read(size)
        self._account(data)
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:
        """Fill ``buffer`` from the blob; return how many bytes were read."""
        view = memoryview(buffer)
        n = self._handle.readinto(view)  # type: ignore[attr-defined]
        self._account(view[:n])
        return int(n)

    def seek(self, offset: int) -> None:
        """Go back to the start (the only position a verified read can start from)."""
        if offset != 0:
            raise ValueError("a blob is read from its start")
        self._handle.seek(0)
        self._restart()

    def close(self) -> None:
        """Close the underlying file."""
        self._handle.close()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class BlobBackend(Protocol):
    """What the registry needs of a blob store; ``BlobStore`` and ``S3BlobStore`` offer it."""

    def describe(self) -> str:
        """Where the blobs are, for people (a folder or an ``s3://`` URL), no secrets."""
        ...

    def put_bytes(self, data: bytes) -> str:
        """Store ``data`` unless stored; return its digest."""
        ...

    def put_file(self, path: str | os.PathLike[str]) -> tuple[str, int]:
        """Store a copy of a file (streamed, bounded memory); return digest and size."""
        ...

    def has(self, digest: str) -> bool:
        """Return whether ``digest`` is stored."""
        ...

    def open(self, digest: str) -> BlobReader:
        """Return the blob's bytes as a verified reader; ``NotFoundError`` if missing."""
        ...

    def get_bytes(self, digest: str) -> bytes:
        """Return the blob's bytes, verified."""
        ...

    def copy_out(self, digest: str, target: Path) -> None:
        """Write a verified copy of the blob to ``target`` (atomically)."""
        ...

    def iter_digests(self) -> list[str]:
        """Return the digest of every stored blob."""
        ...

    def iter_blobs(self) -> Iterator[BlobStat]:
        """Yield digest, size and last-modified time of every stored blob."""
        ...

    def rehash(self, digest: str) -> str | None:
        """Return what the stored bytes hash to now (``None`` if gone)."""
        ...

    def delete(self, digest: str) -> None:
        """Remove a blob (gc only: the caller checked nothing references it)."""
        ...

    def temp_files(self) -> list[TempFile]:
        """Return the temp files of interrupted or running writes."""
        ...

    def remove_temp(self, name: str) -> None:
        """Remove one temp file that ``temp_files`` listed."""
        ...

    def remove_dead_temps(self, pid_alive: object) -> int:
        """Remove temp files whose writer died on this host; return how many."""
        ...
