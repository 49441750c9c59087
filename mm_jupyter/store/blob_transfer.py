"""Send blobs from one blob store to another (push and pull), before any row names them.

Blobs are content-addressed, so a blob the destination has is never sent again: the
digests the destination's rows already reference are known to be there (a row is only
written after its blob), and the rest are asked for one by one (one HEAD on S3).
Missing blobs are copied through a verified temp file, a few at a time, since an S3
round trip, not bandwidth, bounds a push of many small figures.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mm_jupyter.errors import BlobCorruptedError
from mm_jupyter.store.db import Registry
from mm_jupyter.store.sync_runs import chunks, marks

PARALLEL = 8  # concurrent copies: enough to hide S3 latency, few enough to be polite


@dataclass
class BlobCounts:
    """How many blobs were sent (and their bytes), and how many were there already."""

    sent: int = 0
    already_there: int = 0
    bytes_sent: int = 0


def referenced_by_rows(registry: Registry, digests: Sequence[str]) -> set[str]:
    """Those of ``digests`` that a row of ``registry`` already references."""
    found: set[str] = set()
    with registry.read() as conn:
        for part in chunks(list(digests)):
            for table in ("blobs", "artifact_versions", "version_files"):
                found |= {r[0] for r in conn.execute(
                    f"SELECT digest FROM {table} WHERE digest IN ({marks(part)})", part)}
    return found


def missing_blobs(source: Registry, dest: Registry, digests: dict[str, int]) -> list[str]:
    """The digests ``dest`` does not hold (``source`` is asked nothing)."""
    known = referenced_by_rows(dest, sorted(digests))
    rest = [d for d in sorted(digests) if d not in known]
    if not rest:
        return []
    with ThreadPoolExecutor(PARALLEL) as pool:
        present = list(pool.map(dest.blobs.has, rest))
    return [d for d, there in zip(rest, present, strict=True) if not there]


def send_blobs(source: Registry, dest: Registry, digests: dict[str, int], *,
               dry_run: bool = False) -> BlobCounts:
    """Copy to ``dest`` every blob of ``digests`` (digest -> size) it lacks."""
    missing = missing_blobs(source, dest, digests)
    counts = BlobCounts(sent=len(missing), already_there=len(digests) - len(missing),
                        bytes_sent=sum(digests[d] for d in missing))
    if dry_run or not missing:
        return counts
    with tempfile.TemporaryDirectory(prefix="mm-sync-") as scratch:
        def copy(digest: str) -> None:
            target = Path(scratch) / digest
            source.blobs.copy_out(digest, target)  # verified against the digest
            stored, _ = dest.blobs.put_file(target)
            target.unlink()
            if stored != digest:
                raise BlobCorruptedError(digest, stored)

        with ThreadPoolExecutor(PARALLEL) as pool:
            list(pool.map(copy, missing))
    return counts
