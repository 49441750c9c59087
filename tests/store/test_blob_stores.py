"""The blob interface on both stores: a local folder and a real S3 bucket (SeaweedFS,
tests/s3_server.py). Each S3 test gets a fresh bucket and a key prefix."""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mm_jupyter.errors import BlobCorruptedError, NotFoundError
from mm_jupyter.store.blob_interface import BlobBackend
from mm_jupyter.store.blobs import BlobStore, open_blob_store

PREFIX = "team/mm"


def s3_store(server, bucket, cache_root):
    from mm_jupyter.store.s3_blobs import S3BlobStore

    return S3BlobStore.from_url(
        f"s3://{bucket}/{PREFIX}", cache=BlobStore(cache_root), endpoint=server.endpoint,
        access_key_id=server.access_key, secret_access_key=server.secret_key,
        region=server.region, client_options={"allow_http": True},
    )


@pytest.fixture(params=["local", "s3"])
def blobs(request, tmp_path):
    """An empty blob store of each kind."""
    if request.param == "local":
        return BlobStore(tmp_path / "blobs")
    server = request.getfixturevalue("s3_server")
    return s3_store(server, request.getfixturevalue("s3_bucket"), tmp_path / "cache")


def corrupt(blobs, digest, data=b"not the content"):
    """Replace the stored bytes of ``digest`` behind the store's back."""
    if isinstance(blobs, BlobStore):
        path = blobs.path_for(digest)
        path.chmod(0o644)
        path.write_bytes(data)
        return
    import obstore

    from mm_jupyter.store.s3_blobs import blob_key

    obstore.put(blobs.store, blob_key(digest), data)  # a plain overwrite
    blobs.cache.delete(digest)


def test_round_trip(blobs, tmp_path):
    digest = blobs.put_bytes(b"hello")
    assert digest == hashlib.sha256(b"hello").hexdigest()
    assert blobs.has(digest) and blobs.get_bytes(digest) == b"hello"
    with blobs.open(digest) as reader:
        assert reader.size == 5 and reader.read(2) == b"he" and reader.read() == b"llo"
    blobs.copy_out(digest, tmp_path / "out" / "h.txt")
    assert (tmp_path / "out" / "h.txt").read_bytes() == b"hello"
    assert blobs.iter_digests() == [digest]
    (stat,) = list(blobs.iter_blobs())
    assert (stat.digest, stat.size) == (digest, 5)
    assert blobs.rehash(digest) == digest


def test_missing_blob(blobs, tmp_path):
    absent = hashlib.sha256(b"absent").hexdigest()
    assert not blobs.has(absent) and blobs.rehash(absent) is None
    for read in (blobs.get_bytes, blobs.open, lambda d: blobs.copy_out(d, tmp_path / "x")):
        with pytest.raises(NotFoundError, match=absent):
            read(absent)
    assert not (tmp_path / "x").exists()
    with pytest.raises(ValueError, match="not a sha256"):
        blobs.has("../../etc/passwd")


def test_put_is_idempotent(blobs, tmp_path):
    source = tmp_path / "f.bin"
    source.write_bytes(b"same bytes")
    digest = blobs.put_bytes(b"same bytes")
    assert blobs.put_bytes(b"same bytes") == digest
    assert blobs.put_file(source) == (digest, 10)
    assert blobs.put_file(source) == (digest, 10)
    assert blobs.iter_digests() == [digest]


def test_concurrent_double_put(blobs, tmp_path):
    data = os.urandom(3 * 1024 * 1024)
    source = tmp_path / "f.bin"
    source.write_bytes(data)
    barrier, results, errors = threading.Barrier(4), [], []

    def put(kind):
        barrier.wait()
        try:
            results.append(blobs.put_file(source)[0] if kind else blobs.put_bytes(data))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=put, args=(i % 2,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(results)) == 1
    assert blobs.iter_digests() == results[:1] and blobs.get_bytes(results[0]) == data


def test_large_file_round_trip(blobs, tmp_path):
    data = os.urandom(20 * 1024 * 1024 + 123)  # more than two multipart parts
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    digest, size = blobs.put_file(source)
    assert (digest, size) == (hashlib.sha256(data).hexdigest(), len(data))
    blobs.copy_out(digest, tmp_path / "back.bin")
    assert (tmp_path / "back.bin").read_bytes() == data
    with blobs.open(digest) as reader:
        assert sum(len(c) for c in iter(lambda: reader.read(1 << 20), b"")) == len(data)


MEMORY_SCRIPT = """
import json, os, resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from test_blob_stores import s3_store
from s3_server import S3Server
from mm_jupyter.store.blobs import BlobStore
args = json.loads(sys.argv[1])
if args["kind"] == "local":
    blobs = BlobStore(Path(args["root"]))
else:
    blobs = s3_store(S3Server(**args["server"]), args["bucket"], Path(args["root"]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
digest, size = blobs.put_file(sys.argv[2])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"digest": digest, "grew_mib": (after - before) / 1024}))
"""


def test_storing_a_large_file_takes_bounded_memory(blobs, tmp_path, request):
    source = tmp_path / "big.bin"
    with open(source, "wb") as handle:
        for _ in range(24):
            handle.write(os.urandom(8 * 1024 * 1024))  # 192 MiB
    args = {"kind": "local", "root": str(getattr(blobs, "root", tmp_path))}
    if not isinstance(blobs, BlobStore):
        server = request.getfixturevalue("s3_server")
        args = {"kind": "s3", "root": str(tmp_path / "child"), "bucket": blobs.url[5:].split("/")[0],
                "server": {"endpoint": server.endpoint, "access_key": server.access_key,
                           "secret_key": server.secret_key, "bucket": server.bucket}}
    script = tmp_path / "child.py"
    script.write_text(MEMORY_SCRIPT)
    tests = Path(__file__).parent
    done = subprocess.run(
        [sys.executable, str(script), json.dumps(args), str(source), str(tests)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tests), str(tests.parent)])},
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["grew_mib"] < 120, report  # parts in flight, not the 192 MiB file
    assert blobs.has(report["digest"])


def test_corrupted_blob_is_detected_on_read(blobs, tmp_path):
    digest = blobs.put_bytes(b"the real content")
    corrupt(blobs, digest)
    with pytest.raises(BlobCorruptedError, match=digest):
        blobs.get_bytes(digest)
    with pytest.raises(BlobCorruptedError), blobs.open(digest) as reader:
        while reader.read(4):
            pass
    with pytest.raises(BlobCorruptedError):
        blobs.copy_out(digest, tmp_path / "out.txt")
    assert not (tmp_path / "out.txt").exists()
    assert blobs.rehash(digest) == hashlib.sha256(b"not the content").hexdigest()


def test_a_corrupted_cache_copy_is_fetched_again(s3_server, s3_bucket, tmp_path):
    blobs = s3_store(s3_server, s3_bucket, tmp_path / "cache")
    digest = blobs.put_bytes(b"cached content")
    assert blobs.get_bytes(digest) == b"cached content"  # now in the read cache
    path = blobs.cache.path_for(digest)
    path.chmod(0o644)
    path.write_bytes(b"rotten")
    blobs.copy_out(digest, tmp_path / "out.txt")
    assert (tmp_path / "out.txt").read_bytes() == b"cached content"
    corrupt_again = blobs.cache.path_for(digest)
    corrupt_again.chmod(0o644)
    corrupt_again.write_bytes(b"rotten")
    with pytest.raises(BlobCorruptedError):
        blobs.get_bytes(digest)  # detected, and the bad copy dropped ...
    assert blobs.get_bytes(digest) == b"cached content"  # ... so the next read is good


def test_keys_are_content_addressed_under_the_prefix(s3_server, s3_bucket, tmp_path):
    import obstore
    from obstore.store import S3Store
    from s3_server import store_config

    blobs = s3_store(s3_server, s3_bucket, tmp_path / "cache")
    digest = blobs.put_bytes(b"where am I")
    raw = S3Store(s3_bucket, **store_config(s3_server))
    keys = [meta["path"] for batch in obstore.list(raw) for meta in batch]
    assert keys == [f"{PREFIX}/sha256/{digest[:2]}/{digest}"]


def test_no_path_leaks_out_of_the_interface():
    from mm_jupyter.store.s3_blobs import S3BlobStore

    members = {name for name, _ in inspect.getmembers(BlobBackend)}
    assert not {"path_for", "root"} & members
    assert not hasattr(S3BlobStore, "path_for")
    package = Path(__file__).resolve().parents[2] / "mm_jupyter"
    users = {str(p.relative_to(package)) for p in package.rglob("*.py")
             if "path_for(" in p.read_text()}
    assert users == {"store/blobs.py"}, users  # only the local store itself


def test_the_factory_picks_the_store_and_imports_s3_lazily(s3_server, s3_bucket, tmp_path,
                                                           monkeypatch):
    assert isinstance(open_blob_store(None, tmp_path / "blobs"), BlobStore)
    for name, value in s3_server.env(s3_bucket, PREFIX).items():
        monkeypatch.setenv(name, value)
    s3 = open_blob_store(os.environ["MM_JUPYTER_BLOB_URL"], tmp_path / "blobs")
    assert s3.describe() == f"s3://{s3_bucket}/{PREFIX}"
    assert s3.get_bytes(s3.put_bytes(b"via the environment")) == b"via the environment"
    with pytest.raises(ValueError, match="unsupported blob store URL"):
        open_blob_store("ftp://x/y", tmp_path)
    code = ("import sys; from pathlib import Path; from mm_jupyter.store import open_registry; "
            "open_registry(Path(sys.argv[1])).close(); print('obstore' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k != "MM_JUPYTER_BLOB_URL"}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "reg")], env=env,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.fixture
def api_registry(request, registry_dir, tmp_path, monkeypatch):
    """The Python API's registry (SQLite) with its blobs on each store."""
    import mm_jupyter as mm
    from mm_jupyter.services.runs.session import get_session

    monkeypatch.delenv("MM_JUPYTER_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    get_session().reset_registry()
    reg = mm.get_registry()
    if request.param == "s3":
        server = request.getfixturevalue("s3_server")
        reg.blobs = s3_store(server, request.getfixturevalue("s3_bucket"), tmp_path / "cache")
    yield reg
    get_session().reset_registry()


@pytest.mark.parametrize("api_registry", ["local", "s3"], indirect=True)
def test_verify_and_gc_work_on_the_store(api_registry, tmp_path):
    import mm_jupyter as mm
    from mm_jupyter.store.maintenance import gc, verify

    reg = api_registry
    (tmp_path / "g.txt").write_text("kept")
    kept = mm.log_artifact(tmp_path / "g.txt", name="g")
    assert reg.blobs.has(kept.digest)
    orphan = reg.blobs.put_bytes(b"nobody references me")
    assert verify(reg) == {"checked": 2, "missing": [], "corrupt": [], "unreferenced": 1,
                           "temp_files": [], "temp_bytes": 0, "fingerprint_only": 0}
    assert gc(reg)["removed"] == 0  # a young orphan survives the grace period
    assert gc(reg, grace_s=0, dry_run=True)["removed"] == 1 and reg.blobs.has(orphan)
    report = gc(reg, grace_s=0)
    assert report["removed"] == 1 and report["freed_bytes"] == len(b"nobody references me")
    assert not reg.blobs.has(orphan) and reg.blobs.has(kept.digest)  # referenced: kept
    assert mm.use_artifact("g").read_text() == "kept"
    corrupt(reg.blobs, kept.digest, b"edited")
    assert [c["digest"] for c in verify(reg)["corrupt"]] == [kept.digest]
    reg.blobs.delete(kept.digest)
    assert verify(reg)["missing"] == [kept.digest]


@pytest.mark.parametrize("api_registry", ["local", "s3"], indirect=True)
def test_the_rest_blob_route_streams_through_the_interface(api_registry, tmp_path, monkeypatch):
    import mm_jupyter as mm
    from mm_jupyter.server import blobs as route

    monkeypatch.setattr(route, "STREAM_ABOVE", 1024)  # stream anything above 1 kB
    data = os.urandom(5000)
    (tmp_path / "m.bin").write_bytes(data)
    digest = mm.log_artifact(tmp_path / "m.bin", name="m").digest
    blob = route.open_blob(api_registry, digest)
    assert blob.data is None and blob.handle is not None and blob.size == len(data)
    with blob.handle as reader:
        assert b"".join(iter(lambda: reader.read(1024), b"")) == data
    corrupt(api_registry.blobs, digest, os.urandom(5000))
    with pytest.raises(BlobCorruptedError, match=digest):
        route.open_blob(api_registry, digest)


def test_the_read_cache_keeps_the_recently_read_blobs_within_its_bound(
        s3_server, s3_bucket, tmp_path, monkeypatch):
    monkeypatch.setenv("MM_JUPYTER_BLOB_CACHE_MB", "1")
    blobs = s3_store(s3_server, s3_bucket, tmp_path / "cache")
    contents = [bytes([i]) * 400_000 for i in range(4)]
    digests = [blobs.put_bytes(data) for data in contents]
    for digest in digests[:2]:
        blobs.get_bytes(digest)
    os.utime(blobs.cache.path_for(digests[0]), (1, 1))  # 0 was read longest ago
    blobs.get_bytes(digests[1])  # a hit: 1 is now the most recent
    blobs.get_bytes(digests[2])  # 1.2 MB > 1 MB: the least recently read goes
    assert not blobs.cache.has(digests[0])
    assert blobs.cache.has(digests[1]) and blobs.cache.has(digests[2])
    assert blobs.get_bytes(digests[0]) == contents[0]  # evicted means fetched again
    cached = sum(b.size for b in blobs.cache.iter_blobs())
    assert cached <= 1024 * 1024 and blobs.cache.has(digests[0])
