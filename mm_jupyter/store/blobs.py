"""Content-addressed blob files: ``blobs/sha256/ab/cdef…``.

Write path (RELIABILITY.md): temp file in the same folder, fsync, ``os.replace``,
fsync the folder, and only then may the caller reference the digest in the database.
A crash therefore leaves at most an orphan temp or blob file, never a row pointing at
missing or partial bytes. Reads verify the digest.

Temp files live in ``blobs/tmp/`` (same file system, so the rename is atomic) and
are named ``.tmp-<host>-<pid>-<random>``: a registry open removes those whose
process died on this host with one ``scandir`` of that folder; ``gc`` removes any
older than its grace period (including ``sha256/xx/.tmp-*`` of older versions).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from mm_jupyter.errors import BlobCorruptedError, NotFoundError
from mm_jupyter.store.blob_interface import BlobReader, BlobStat, TempFile

if TYPE_CHECKING:
    from mm_jupyter.store.blob_interface import BlobBackend


DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 8 * 1024 * 1024


class SourceChangedError(OSError):
    """A file changed while it was being stored; nothing was kept."""


def hash_file(path: str | os.PathLike[str]) -> str:
    """Return the SHA-256 of a file, streamed in 8 MiB chunks."""
    digest = hashlib.sha256()
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    with open(path, "rb") as handle:
        while n := handle.readinto(buffer):
            digest.update(view[:n])  # releases the GIL for large chunks
    return digest.hexdigest()


def _copy(source: int, target: int, size: int) -> None:
    """Copy ``size`` bytes in the kernel (copy_file_range), else through user space."""
    copied = 0
    try:
        while copied < size:
            n = os.copy_file_range(source, target, size - copied)
            if n == 0:
                break
            copied += n
        return
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise
    os.lseek(source, copied, os.SEEK_SET)
    os.lseek(target, copied, os.SEEK_SET)
    with os.fdopen(os.dup(source), "rb") as src, os.fdopen(os.dup(target), "wb") as dst:
        shutil.copyfileobj(src, dst, CHUNK)


TMP_PREFIX = ".tmp-"


def temp_prefix() -> str:
    """Return this process's temp-file prefix: host and pid name the owner."""
    return f"{TMP_PREFIX}{socket.gethostname()}-{os.getpid()}-"


def temp_owner(name: str) -> tuple[str, int] | None:
    """Return ``(host, pid)`` of a temp file named by ``temp_prefix``, else ``None``."""
    if not name.startswith(TMP_PREFIX):
        return None
    parts = name[len(TMP_PREFIX):].rsplit("-", 2)  # mkstemp's suffix has no "-"
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])


def is_digest(value: str) -> bool:
    """Return whether ``value`` is a lowercase SHA-256 hex digest."""
    return bool(DIGEST_RE.match(value))


def open_blob_store(url: str | None, root: Path) -> BlobBackend:
    """Return the blob store ``url`` names: ``s3://bucket/prefix``, else the folder ``root``.

    ``root`` is the registry's local blob folder; with an S3 URL it holds the read
    cache. The S3 client is imported only here, only for an S3 URL.
    """
    if not url:
        return BlobStore(root)
    if url.startswith("s3://"):
        from mm_jupyter.store.s3_blobs import S3BlobStore

        return S3BlobStore.from_url(url, cache=BlobStore(root))
    raise ValueError(f"unsupported blob store URL {url!r}: use s3://bucket/prefix")


class BlobStore:
    """A folder of immutable files named by the SHA-256 of their content."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def describe(self) -> str:
        """The blob folder."""
        return str(self.root)

    def path_for(self, digest: str) -> Path:
        """Return the file path of ``digest``; refuse anything but a hex digest.

        Local stores only, for tests and this module: the blob interface
        (``BlobBackend``) has no paths.
        """
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
        fd, tmp = self._mkstemp()
        with _removed_on_failure(tmp):
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            _publish(tmp, target)
        return digest

    def _mkstemp(self) -> tuple[int, str]:
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        return tempfile.mkstemp(dir=tmp_dir, prefix=temp_prefix())

    def put_chunks(self, chunks: Iterable[bytes], digest: str) -> None:
        """Store the bytes ``chunks`` yields as blob ``digest``, verified before it is
        published: a mismatch raises ``BlobCorruptedError`` and keeps nothing."""
        target = self.path_for(digest)
        fd, tmp = self._mkstemp()
        with _removed_on_failure(tmp):
            hasher = hashlib.sha256()
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    hasher.update(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            if hasher.hexdigest() != digest:
                raise BlobCorruptedError(digest, hasher.hexdigest())
            target.parent.mkdir(parents=True, exist_ok=True)
            _publish(tmp, target)

    def temp_files(self) -> list[TempFile]:
        """Return every temp file (orphans of interrupted writes, or writes in progress)."""
        found = []
        folders = [self.root / "tmp"]
        base = self.root / "sha256"
        if base.is_dir():
            folders += [sub for sub in base.iterdir() if sub.is_dir()]
        for folder in folders:
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if entry.name.startswith(TMP_PREFIX) or folder.name == "tmp":
                    try:
                        st = entry.stat()
                    except FileNotFoundError:
                        continue
                    found.append(TempFile(entry.path, st.st_size, st.st_mtime))
        return found

    def remove_temp(self, name: str) -> None:
        """Remove the temp file at ``name`` (a path ``temp_files`` returned)."""
        with suppress(FileNotFoundError):
            os.unlink(name)

    def remove_dead_temps(self, pid_alive: object) -> int:
        """Remove temp files in ``tmp/`` whose writer died on this host; cheap."""
        host = socket.gethostname()
        removed = 0
        try:
            entries = list(os.scandir(self.root / "tmp"))
        except OSError:
            return 0
        for entry in entries:
            owner = temp_owner(entry.name)
            if owner is None or owner[0] != host or pid_alive(owner[1]):  # type: ignore[operator]
                continue
            try:
                os.unlink(entry.path)
                removed += 1
            except FileNotFoundError:
                pass
        return removed

    def has(self, digest: str) -> bool:
        """Return whether the blob file of ``digest`` exists."""
        return self.path_for(digest).exists()

    def put_file(self, path: str | os.PathLike[str]) -> tuple[str, int]:
        """Store a copy of the file at ``path``; return ``(digest, size)``.

        Hashing (a thread reading the source) overlaps the kernel-side copy into a temp
        file, so a new file costs about one copy. The source is checked unchanged
        (size, mtime, inode) afterwards; the stored bytes are never a link to it.
        """
        before = os.stat(path)
        fd, tmp = self._mkstemp()
        result: dict[str, object] = {}

        def hash_source() -> None:
            try:
                result["digest"] = hash_file(path)
            except BaseException as exc:  # re-raised in the caller's thread
                result["error"] = exc

        hasher = threading.Thread(target=hash_source, daemon=True)
        hasher.start()
        with _removed_on_failure(tmp):
            try:
                with open(path, "rb") as source:
                    _copy(source.fileno(), fd, before.st_size)
                os.fsync(fd)
            finally:
                os.close(fd)
                hasher.join()
            if "error" in result:
                raise result["error"]  # type: ignore[misc]
            after = os.stat(path)
            if stat_key(after) != stat_key(before):
                raise SourceChangedError(f"{os.fspath(path)} changed while it was stored")
            digest = str(result["digest"])
            target = self.path_for(digest)
            if target.exists():
                os.unlink(tmp)
                return digest, before.st_size
            target.parent.mkdir(parents=True, exist_ok=True)
            _publish(tmp, target)
        return digest, before.st_size

    def copy_out(self, digest: str, target: Path) -> None:
        """Write a verified copy of blob ``digest`` to ``target`` (atomically)."""
        source = self.path_for(digest)
        if not source.exists():
            raise NotFoundError(f"blob {digest} is missing from the registry")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with open(source, "rb") as src:
                _copy(src.fileno(), fd, os.fstat(src.fileno()).st_size)
            os.close(fd)
            actual = hash_file(tmp)
            if actual != digest:
                raise BlobCorruptedError(digest, actual)
            os.replace(tmp, target)
        except BaseException:
            try:
                os.close(fd)
            except OSError:
                pass
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise

    def iter_digests(self) -> list[str]:
        """Return the digests of every blob file on disk."""
        found: list[str] = []
        base = self.root / "sha256"
        if not base.is_dir():
            return found
        for sub in base.iterdir():
            if sub.is_dir() and len(sub.name) == 2:
                found += [sub.name + f.name for f in sub.iterdir() if is_digest(sub.name + f.name)]
        return found

    def iter_blobs(self) -> Iterator[BlobStat]:
        """Yield digest, size and mtime of every blob file on disk."""
        for digest in self.iter_digests():
            try:
                st = os.stat(self.path_for(digest))
            except FileNotFoundError:
                continue
            yield BlobStat(digest, st.st_size, st.st_mtime)

    def open(
        self, digest: str, *, on_corrupt: Callable[[], None] | None = None
    ) -> BlobReader:
        """Return the blob's bytes as a reader verified against ``digest``.

        ``on_corrupt`` runs when the bytes read turn out wrong (a cache drops its copy).
        """
        try:
            handle = open(self.path_for(digest), "rb")  # noqa: SIM115 - the reader closes it
        except FileNotFoundError:
            raise NotFoundError(f"blob {digest} is missing from the registry") from None
        return BlobReader(handle, digest, os.fstat(handle.fileno()).st_size, on_corrupt)

    def rehash(self, digest: str) -> str | None:
        """Return the SHA-256 of the blob file now, ``None`` if it is gone."""
        try:
            return hash_file(self.path_for(digest))
        except FileNotFoundError:
            return None

    def touch(self, digest: str) -> None:
        """Mark ``digest`` as just used (a read cache evicts the least recently used)."""
        with suppress(FileNotFoundError, PermissionError):
            os.utime(self.path_for(digest))

    def delete(self, digest: str) -> None:
        """Remove the blob file of ``digest`` (gc decides that nothing references it)."""
        with suppress(FileNotFoundError):
            os.unlink(self.path_for(digest))

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


def stat_key(st: os.stat_result) -> tuple[int, int, int]:
    """What says a file is unchanged: size, mtime (ns) and inode."""
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@contextmanager
def _removed_on_failure(tmp: str) -> Iterator[None]:
    """Remove the temp file ``tmp`` when the block fails: no partial blob is left behind."""
    try:
        yield
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _publish(tmp: str, target: Path) -> None:
    """Make the finished temp file the blob ``target``, read-only, durably."""
    os.chmod(tmp, 0o444)  # blobs are immutable
    os.replace(tmp, target)
    _fsync_dir(target.parent)


def _fsync_dir(path: Path) -> None:
    # The rename is durable only once the folder entry is on disk.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
