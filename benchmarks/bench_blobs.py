"""S3 blob store benchmark, on a real loopback S3 server (SeaweedFS ``weed mini``).

Storing a new large file in the S3 blob store against the raw PUT throughput of the
same server in the same run (obstore's multipart upload of the same file, no hashing),
and re-storing / re-logging it, which must send no bytes (bytes written by this
process, from ``/proc/self/io``). Prints one JSON object; without SeaweedFS it reports
``s3_skipped`` and the reason. The server is its own (benchmarks/team_backend.py), stopped
at the end with its objects and the work files (three files of the size, about four
times the size in objects).

    .venv/bin/python benchmarks/bench_blobs.py [--size-mb 1024]

``--size-mb`` defaults to ``MM_BENCH_FILE_MB``, else 1024 (the issue's 1 GB).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from team_backend import S3Server, team_servers  # noqa: E402

# Storing a new file: at least half the raw PUT throughput of the same server.
STORE_TARGET = 0.5


def written_bytes() -> int:
    """Bytes this process (all its threads) has written to files and sockets."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    return 0


def make_file(path: Path, size_mb: int) -> int:
    chunk = os.urandom(1 << 20)
    with open(path, "wb") as handle:
        for _ in range(size_mb):
            handle.write(chunk[:-1] + os.urandom(1))
        handle.flush()
        os.fsync(handle.fileno())
    return path.stat().st_size


def timed(call: object) -> tuple[float, int, object]:
    """Seconds, bytes written, and the result of ``call()``."""
    before, t = written_bytes(), time.perf_counter()
    result = call()  # type: ignore[operator]
    return time.perf_counter() - t, written_bytes() - before, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int,
                        default=int(os.environ.get("MM_BENCH_FILE_MB", "1024")))
    size_mb = parser.parse_args().size_mb
    work = Path(tempfile.mkdtemp(prefix="mm-bench-blobs-"))
    os.environ["MM_JUPYTER_HOME"] = str(work / "registry")
    try:
        with team_servers(postgres=False) as team:
            if team.s3 is None:
                print(json.dumps({"s3_file_mb": size_mb, "s3_skipped": team.skipped["s3"]}))
                return
            print(json.dumps(measure(team.s3, work, size_mb)))
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the files (three of size_mb)


def measure(server: S3Server, work: Path, size_mb: int) -> dict[str, object]:
    """The figures of one run against ``server``: raw PUTs, put_file, log_artifact."""
    import obstore
    from team_servers import store_config

    import mm_jupyter as mm
    from mm_jupyter.store.blobs import BlobStore
    from mm_jupyter.store.s3_blobs import CONCURRENCY, PART, S3BlobStore

    blobs = S3BlobStore.from_url(f"s3://{server.bucket}/bench", cache=BlobStore(work / "cache"),
                                 **store_config(server))
    files = [work / f"f{i}.bin" for i in range(3)]
    nbytes = max([make_file(f, size_mb) for f in files])  # all the same size
    mib = nbytes / (1 << 20)

    raw: list[float] = []

    def raw_put() -> None:  # the same file, part size and parallelism; no hashing
        seconds, _, _ = timed(lambda: obstore.put(
            blobs.store, f"raw/{len(raw)}", files[0], chunk_size=PART,
            max_concurrency=CONCURRENCY))
        raw.append(seconds)

    # The server's speed drifts as it fills: raw PUTs before, between and after.
    raw_put()
    new_s, _, _ = timed(lambda: blobs.put_file(files[1]))
    raw_put()
    again_s, again_bytes, _ = timed(lambda: blobs.put_file(files[1]))
    registry = mm.get_registry()
    registry.blobs = blobs  # the registry's blobs on S3 (SQLite metadata)
    log_s, _, _ = timed(lambda: mm.log_artifact(files[2], name="big"))
    raw_put()
    relog_s, relog_bytes, _ = timed(lambda: mm.log_artifact(files[2], name="big"))
    raw_mibs = mib / statistics.median(raw)
    return {
        "s3_file_mb": size_mb,
        "s3_raw_put_mib_s": round(raw_mibs, 1),
        "s3_raw_put_mib_s_runs": [round(mib / r, 1) for r in raw],
        "s3_put_file_new_s": round(new_s, 3),
        "s3_put_file_new_mib_s": round(mib / new_s, 1),
        "s3_put_file_vs_raw_put": round(mib / new_s / raw_mibs, 3),
        "s3_log_artifact_new_s": round(log_s, 3),
        "s3_log_artifact_vs_raw_put": round(mib / log_s / raw_mibs, 3),
        "s3_put_file_again_s": round(again_s, 4),
        "s3_put_file_again_bytes_written": again_bytes,
        "s3_relog_s": round(relog_s, 4),
        "s3_relog_bytes_written": relog_bytes,
        "s3_store_target_vs_raw_put": STORE_TARGET,
        "s3_put_file_target_met": mib / new_s / raw_mibs >= STORE_TARGET,
        "s3_log_artifact_target_met": mib / log_s / raw_mibs >= STORE_TARGET,
        # Bytes written counts every file and socket write (the registry's rows too):
        # anything under one part means no part of the file went to the server.
        "s3_relog_target_met": relog_bytes < PART and again_bytes < PART,
    }


if __name__ == "__main__":
    main()
