"""Fingerprint-only dataset versions (``stored = 0``) in the store, on SQLite and
PostgreSQL: verify does not call them missing, gc keeps nothing for them, the lineage
edge says it came from fit(), and a fingerprint finds its version."""

from __future__ import annotations

import hashlib

from mm_jupyter.store import artifact_queries, lineage, maintenance, runs
from mm_jupyter.store import artifacts as store

FINGERPRINT = hashlib.sha256(b"mm-fingerprint/1\nsome data").hexdigest()
COLUMN = "ab" * 16


def fingerprint_only(name="X_train", digest=FINGERPRINT, run_id=None):
    return store.NewVersion(
        name=name, kind="dataset", digest=digest, size=0,
        media_type="application/vnd.mm-jupyter.fingerprint", format="fingerprint",
        file_name="", facts={"fingerprint": digest, "column_digests": {"age": COLUMN},
                             "rows": 3, "profile": {"rows": 3, "columns": []}},
        stored=False, input_of=None if run_id is None else (run_id, "fit"),
    )


def test_verify_and_gc_understand_versions_without_bytes(registry):
    version_id, created = store.add_version(registry, fingerprint_only())
    assert created
    kept = registry.blobs.put_bytes(b"a real file")
    store.add_version(registry, store.NewVersion(
        name="real", kind="file", digest=kept, size=11, media_type="text/plain",
        format="file", file_name="real.txt", blobs=[(kept, 11, "text/plain")]))
    orphan = registry.blobs.put_bytes(b"nobody's")
    report = maintenance.verify(registry)
    assert report["missing"] == [] and report["corrupt"] == []
    assert report["fingerprint_only"] == 1 and report["checked"] == 2
    assert report["unreferenced"] == 1
    with registry.read() as conn:
        assert FINGERPRINT not in maintenance.referenced_digests(conn)
    removed = maintenance.gc(registry, grace_s=0)
    assert removed["removed"] == 1 and not registry.blobs.has(orphan) and registry.blobs.has(kept)
    version = store.get_version(registry, version_id)
    assert version["stored"] is False and version["digest"] == FINGERPRINT
    assert store.get_version(registry, version_id)["metadata"]["profile"]["rows"] == 3


def test_a_fit_input_edge_and_the_lookup_by_fingerprint(registry):
    run_id = runs.new_run_id()
    runs.create_run(registry, runs.NewRun(id=run_id, name="train", experiment="e",
                                          started_at=runs.iso_now()))
    version_id, _ = store.add_version(registry, fingerprint_only(run_id=run_id))
    graph = lineage.lineage_graph(registry, run=run_id)
    assert graph["edges"] == [{"source": "version:X_train:v1", "target": f"run:{run_id}",
                               "kind": "input", "via": "fit"}]
    # The same data under another name: the digest index finds it, and so does the
    # metadata scan (by fingerprint and by a column digest).
    found = artifact_queries.versions_with_fingerprint(registry, FINGERPRINT)
    assert [v["id"] for v in found] == [version_id]
    assert artifact_queries.versions_with_fingerprint(registry, "0" * 64) == []
    assert [v["id"] for v in artifact_queries.versions_with_column(registry, COLUMN)] \
        == [version_id]
    assert artifact_queries.versions_with_column(registry, "cd" * 16) == []
    # a stored version records the fingerprint in its metadata: found by the scan
    blob = registry.blobs.put_bytes(b"parquet bytes")
    stored_id, _ = store.add_version(registry, store.NewVersion(
        name="logged", kind="dataset", digest=blob, size=13, media_type="x", format="parquet",
        file_name="logged.parquet", blobs=[(blob, 13, "x")], facts={"fingerprint": "e" * 64}))
    assert [v["id"] for v in artifact_queries.versions_with_fingerprint(registry, "e" * 64)] \
        == [stored_id]
    assert artifact_queries.unstored_version(registry, FINGERPRINT) == "X_train:v1"
    # use_artifact's edge (source NULL) next to fit's
    store.record_input(registry, run_id, version_id)  # already there: keeps 'fit'
    assert lineage.lineage_graph(registry, run=run_id)["edges"][0]["via"] == "fit"
