"""Blobs in an S3-compatible bucket: ``s3://bucket/prefix`` holds ``sha256/ab/<digest>``.

The client is obstore (Rust's object_store; imported in ~12 ms, only when an S3 URL
is configured). Its settings come from the standard AWS variables (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_REGION``, ``AWS_ENDPOINT_URL``, ...), never from the
registry's config.

Writes are put-if-absent (``If-None-Match: *``): an object already there counts as
success, since a key names its content. A file is hashed first (its key is its digest),
so re-storing a stored file sends no bytes (one HEAD request); a new one larger than a
part is sent as a multipart upload (obstore reads the file) with a bounded number of
parts in flight, and taken back if the file's (size, mtime, inode) changed meanwhile,
the local store's rule; readers verify every byte anyway, so a wrong object is never
accepted. Reads go through a local read cache
(a local ``BlobStore``), filled only with bytes that hashed to their digest, and are
verified again as they are read. The cache is bounded (``MM_JUPYTER_BLOB_CACHE_MB``,
10 GB by default): after each download the least recently read blobs are evicted.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import obstore
from obstore.exceptions import AlreadyExistsError, BaseError
from obstore.store import S3Store

from mm_jupyter.errors import BlobCorruptedError, NotFoundError, RegistryError
from mm_jupyter.store.blob_interface import BlobReader, BlobStat, TempFile
from mm_jupyter.store.blobs import (
    BlobStore,
    SourceChangedError,
    hash_file,
    is_digest,
    stat_key,
)

if TYPE_CHECKING:
    from obstore.store import ClientConfig, RetryConfig

# A few retries ride out a blip; obstore's default (10, up to 3 minutes) would hold a
# tracked cell for seconds when the bucket is down, where the journal keeps the work.
RETRIES: RetryConfig = {"max_retries": 3, "retry_timeout": timedelta(seconds=20)}
PART = 8 * 1024 * 1024  # multipart part size; memory in flight is PART * CONCURRENCY
CONCURRENCY = 8
KEY_ROOT = "sha256/"
CACHE_ENV = "MM_JUPYTER_BLOB_CACHE_MB"
DEFAULT_CACHE_MB = 10 * 1024


F = TypeVar("F", bound=Callable[..., Any])


def unreachable_as_registry_error(method: F) -> F:
    """Turn an S3 failure (no network, refused, bad credentials) into a ``RegistryError``.

    That is the family tracked cells catch: the run and its outputs then go to the local
    journal with one short warning, instead of an obstore error ending the run's record.
    A missing object stays ``FileNotFoundError`` (callers handle it).
    """

    @wraps(method)
    def translated(self: S3BlobStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except FileNotFoundError:
            raise
        except BaseError as exc:
            first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
            raise RegistryError(f"blob store {self.describe()} failed: {first}") from None

    return translated  # type: ignore[return-value]


def blob_key(digest: str) -> str:
    """Return the object key of ``digest`` (under the store's prefix)."""
    if not is_digest(digest):
        raise ValueError(f"not a sha256 hex digest: {digest[:80]!r}")
    return f"{KEY_ROOT}{digest[:2]}/{digest}"


def parse_url(url: str) -> tuple[str, str]:
    """Split ``s3://bucket/prefix`` into bucket and prefix (``""`` when none)."""
    if not url.startswith("s3://"):
        raise ValueError(f"not an S3 URL: {url!r}")
    bucket, _, prefix = url[len("s3://"):].partition("/")
    if not bucket:
        raise ValueError(f"no bucket in {url!r}")
    return bucket, prefix.strip("/")


def client_options() -> ClientConfig:
    """Plain HTTP only when the configured endpoint says so (a local test server)."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT") or ""
    return {"allow_http": True} if endpoint.startswith("http://") else {}


def cache_limit_bytes() -> int:
    """The read cache's bound in bytes: ``MM_JUPYTER_BLOB_CACHE_MB``, else 10 GB."""
    raw = os.environ.get(CACHE_ENV, "").strip()
    try:
        megabytes = float(raw) if raw else DEFAULT_CACHE_MB
    except ValueError:
        megabytes = DEFAULT_CACHE_MB  # a typo must not stop reads; the default applies
    return max(0, int(megabytes * 1024 * 1024))


class S3BlobStore:
    """Content-addressed blobs in an S3 bucket, with a verified local read cache."""

    def __init__(self, store: S3Store, url: str, cache: BlobStore) -> None:
        self.store = store
        self.url = url
        self.cache = cache

    @classmethod
    def from_url(cls, url: str, *, cache: BlobStore, **config: Any) -> S3BlobStore:
        """Open ``s3://bucket/prefix``; settings from the AWS variables, or ``config``."""
        bucket, prefix = parse_url(url)
        options: ClientConfig = config.pop("client_options", None) or client_options()
        config.setdefault("retry_config", RETRIES)
        store = S3Store(bucket, prefix=prefix or None, client_options=options, **config)
        return cls(store, url, cache)

    def describe(self) -> str:
        """The bucket URL (credentials are never part of it)."""
        return self.url

    # -- writing -----------------------------------------------------------------

    def _put(self, key: str, data: Any, *, if_absent: bool = True) -> str | None:
        """Put ``data`` at ``key``; return our ETag, ``None`` if it was there already.

        ``if_absent`` sends one PUT with ``If-None-Match: *``. obstore cannot make a
        multipart upload conditional (its create mode buffers the whole object:
        347 MiB of RSS for a 384 MiB file here), so parts go unconditionally.
        """
        try:
            result = obstore.put(
                self.store, key, data, mode="create" if if_absent else None,
                use_multipart=not if_absent, chunk_size=PART, max_concurrency=CONCURRENCY,
            )
        except AlreadyExistsError:
            return None
        return result.get("e_tag")

    @unreachable_as_registry_error
    def put_bytes(self, data: bytes) -> str:
        """Store ``data`` (a no-op when that content is there) and return its digest."""
        digest = hashlib.sha256(data).hexdigest()
        if len(data) > PART and self.has(digest):
            return digest
        self._put(blob_key(digest), data)
        return digest

    @unreachable_as_registry_error
    def put_file(self, path: str | os.PathLike[str]) -> tuple[str, int]:
        """Store a copy of the file at ``path``; return ``(digest, size)``.

        Hashed first, so a stored file costs a read and a HEAD request, no upload.
        """
        before = os.stat(path)
        digest = hash_file(path)
        key = blob_key(digest)
        if self.has(digest):
            _check_unchanged(path, before)
            return digest, before.st_size
        if before.st_size <= PART:
            with open(path, "rb") as handle:
                data = handle.read()
            etag = self._put(key, data)
            changed = hashlib.sha256(data).hexdigest() != digest
        else:  # a content-addressed key: a concurrent upload sends the same bytes
            etag = self._put(key, Path(path), if_absent=False)  # obstore reads the file
            changed = False
        if changed or stat_key(os.stat(path)) != stat_key(before):
            if etag is not None:  # ours, with bytes that may not be the digest's: take it back
                self._delete_if_etag(key, etag)
            raise SourceChangedError(f"{os.fspath(path)} changed while it was stored")
        return digest, before.st_size

    def _delete_if_etag(self, key: str, etag: str) -> None:
        try:
            if obstore.head(self.store, key).get("e_tag") == etag:
                obstore.delete(self.store, key)
        except FileNotFoundError:
            pass

    # -- reading -----------------------------------------------------------------

    @unreachable_as_registry_error
    def has(self, digest: str) -> bool:
        """Return whether the bucket holds ``digest`` (one HEAD request)."""
        try:
            obstore.head(self.store, blob_key(digest))
        except FileNotFoundError:
            return False
        return True

    @unreachable_as_registry_error
    def _fetch(self, digest: str) -> None:
        """Download ``digest`` into the read cache, verified before it is kept."""
        try:
            result = obstore.get(self.store, blob_key(digest))
        except FileNotFoundError:
            raise NotFoundError(f"blob {digest} is missing from the registry") from None
        chunks = (bytes(chunk) for chunk in result.stream(min_chunk_size=PART))
        self.cache.put_chunks(chunks, digest)
        self._trim(keep=digest)

    def _cached(self, digest: str) -> None:
        if self.cache.has(digest):
            self.cache.touch(digest)
        else:
            self._fetch(digest)

    def _trim(self, keep: str) -> None:
        """Evict the least recently read cached blobs until the cache fits its bound.

        One scan per download (downloads are network-bound; hits cost nothing here).
        The blob just fetched stays even when it alone is over the bound: it is about
        to be read. A reader holding an evicted file open keeps reading it (unlink).
        """
        limit = cache_limit_bytes()
        cached = sorted(self.cache.iter_blobs(), key=lambda b: b.modified)
        total = sum(b.size for b in cached)
        for blob in cached:
            if total <= limit:
                break
            if blob.digest != keep:
                self.cache.delete(blob.digest)
                total -= blob.size

    def open(self, digest: str) -> BlobReader:
        """Return the blob's bytes (from the read cache) as a verified reader.

        A cached copy found corrupted while it is read is dropped, so the next read
        downloads the blob again.
        """
        self._cached(digest)
        return self.cache.open(digest, on_corrupt=lambda: self.cache.delete(digest))

    def get_bytes(self, digest: str) -> bytes:
        """Return the bytes of ``digest``, verified; raise if missing or corrupted."""
        with self.open(digest) as reader:
            return reader.read()

    def copy_out(self, digest: str, target: Path) -> None:
        """Write a verified copy of blob ``digest`` to ``target`` (atomically)."""
        self._cached(digest)
        try:
            self.cache.copy_out(digest, target)
        except BlobCorruptedError:  # the cached copy went bad: fetch it once more
            self.cache.delete(digest)
            self._fetch(digest)
            self.cache.copy_out(digest, target)

    # -- maintenance -------------------------------------------------------------

    def iter_blobs(self) -> Iterator[BlobStat]:
        """Yield digest, size and last-modified time of every blob object."""
        for batch in obstore.list(self.store, prefix=KEY_ROOT.rstrip("/"), chunk_size=1000):
            for meta in batch:
                digest = meta["path"].rsplit("/", 1)[-1]
                if is_digest(digest) and meta["path"] == blob_key(digest):
                    yield BlobStat(digest, meta["size"], meta["last_modified"].timestamp())

    def iter_digests(self) -> list[str]:
        """Return the digest of every blob object in the bucket."""
        return [stat.digest for stat in self.iter_blobs()]

    @unreachable_as_registry_error
    def rehash(self, digest: str) -> str | None:
        """Download and hash the object of ``digest`` (not the cache); ``None`` if gone."""
        try:
            result = obstore.get(self.store, blob_key(digest))
        except FileNotFoundError:
            return None
        hasher = hashlib.sha256()
        for chunk in result.stream(min_chunk_size=PART):
            hasher.update(chunk)
        return hasher.hexdigest()

    @unreachable_as_registry_error
    def delete(self, digest: str) -> None:
        """Remove the object of ``digest`` and its cached copy."""
        obstore.delete(self.store, blob_key(digest))
        self.cache.delete(digest)

    # Interrupted multipart uploads are aborted by the client on failure; those of a
    # killed process are the bucket's lifecycle rule (AbortIncompleteMultipartUpload).
    def temp_files(self) -> list[TempFile]:
        """Temp files of the read cache (downloads in progress or interrupted)."""
        return self.cache.temp_files()

    def remove_temp(self, name: str) -> None:
        """Remove a temp file of the read cache."""
        self.cache.remove_temp(name)

    def remove_dead_temps(self, pid_alive: object) -> int:
        """Remove read-cache temp files whose writer died on this host."""
        return self.cache.remove_dead_temps(pid_alive)


def _check_unchanged(path: str | os.PathLike[str], before: os.stat_result) -> None:
    if stat_key(os.stat(path)) != stat_key(before):
        raise SourceChangedError(f"{os.fspath(path)} changed while it was stored")
