"""Artifact benchmarks: storing a new large file, re-logging it, deduplication.

Prints one JSON object. ``MM_BENCH_FILE_MB`` sets the file size (default 1024).
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import tempfile
import time
from pathlib import Path


def _tree_bytes(root: Path) -> int:
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file())


def main() -> None:
    size_mb = int(os.environ.get("MM_BENCH_FILE_MB", "1024"))
    work = Path(tempfile.mkdtemp(prefix="mm-bench-art-"))
    os.environ["MM_JUPYTER_HOME"] = str(work / "registry")
    import mm_jupyter as mm

    path = work / "big.bin"
    chunk = os.urandom(1 << 20)
    with open(path, "wb") as handle:
        for _ in range(size_mb):
            handle.write(chunk[:-1] + os.urandom(1))
        handle.flush()
        os.fsync(handle.fileno())  # no dirty pages left to slow the first timed writer
    nbytes = path.stat().st_size
    mm.get_registry()  # open and migrate outside the timings

    # hashlib.sha256 over the same file, in this run (the page cache is warm for both)
    t = time.perf_counter()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(8 << 20):
            digest.update(block)
    sha_s = time.perf_counter() - t

    # The disk's own copy speed, for context: storing a new file is a copy at best
    # (ext4 has no copy-on-write clone).
    t = time.perf_counter()
    with open(path, "rb") as src, open(work / "raw-copy.bin", "wb") as dst:
        left = nbytes
        while left:
            left -= os.copy_file_range(src.fileno(), dst.fileno(), left)
        os.fsync(dst.fileno())
    copy_s = time.perf_counter() - t
    os.unlink(work / "raw-copy.bin")

    t = time.perf_counter()
    version = mm.log_artifact(path, name="big")
    store_s = time.perf_counter() - t
    assert version.digest == digest.hexdigest()

    relog = []
    for _ in range(10):
        t = time.perf_counter()
        again = mm.log_artifact(path, name="big")
        relog.append(time.perf_counter() - t)
        assert not again.created

    blobs = mm.get_registry().blobs.root
    copy = work / "copy.bin"
    os.link(path, copy)  # same bytes under another path: must not be stored twice
    mm.log_artifact(copy, name="big-again")
    stored = _tree_bytes(blobs / "sha256")

    mb = nbytes / 1e6
    print(json.dumps({
        "artifact_file_mb": round(mb, 1),
        "sha256_mb_per_s": round(mb / sha_s, 1),
        "artifact_store_new_file_mb_per_s": round(mb / store_s, 1),
        "artifact_store_vs_sha256_ratio": round(sha_s / store_s, 3),
        "disk_copy_mb_per_s": round(mb / copy_s, 1),
        "artifact_store_vs_disk_copy_ratio": round(copy_s / store_s, 3),
        "artifact_relog_unchanged_ms": round(statistics.median(relog) * 1000, 3),
        "artifact_bytes_stored_for_two_identical_logs": stored,
        "artifact_identical_content_stored_once": stored < 1.01 * nbytes,
    }))
    import shutil

    for f in blobs.rglob("*"):
        if f.is_file():
            os.chmod(f, 0o644)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
