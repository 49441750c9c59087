"""Artifact versioning with real files and processes: dedupe, formats, lineage, faults."""

from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import sys
import textwrap

import pytest

import mm_jupyter as mm
from mm_jupyter.errors import BlobCorruptedError, NotFoundError
from mm_jupyter.services.runs.session import get_session


@pytest.fixture
def reg(registry_dir, tmp_path, monkeypatch):
    """A fresh registry used by the API, and a scratch working directory."""
    monkeypatch.chdir(tmp_path)
    get_session().reset_registry()
    yield mm.get_registry()
    get_session().reset_registry()


def blob_files(registry):
    return set(registry.blobs.iter_digests())


def test_identical_content_returns_the_existing_version_and_stores_bytes_once(reg, tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    with mm.track("p1"):
        first = mm.log_artifact("a.csv", name="data", kind="dataset")
    before = blob_files(reg)
    (tmp_path / "copy.csv").write_text("x\n1\n")  # same bytes, another file
    with mm.track("p2"):
        again = mm.log_artifact("copy.csv", name="data", kind="dataset")
    assert first.created and not again.created
    assert again.ref == first.ref == "data:v1"
    assert blob_files(reg) == before


def test_new_content_is_the_next_version_and_old_versions_come_back_exactly(reg, tmp_path):
    path = tmp_path / "m.bin"
    path.write_bytes(b"one")
    mm.log_artifact(path, name="m")
    path.write_bytes(b"two!")
    v2 = mm.log_artifact(path, name="m")
    assert v2.version == 2
    assert open(mm.use_artifact("m:v1"), "rb").read() == b"one"
    assert open(mm.use_artifact("m"), "rb").read() == b"two!"
    assert mm.use_artifact("m:2", load=True) == b"two!"


def test_the_stored_copy_does_not_follow_edits_of_the_source(reg, tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("original")
    v = mm.log_artifact(path, name="f")
    path.write_text("edited by the user")
    assert mm.use_artifact("f:v1", load=True) == b"original"
    assert reg.blobs.get_bytes(v.digest) == b"original"
    local = mm.use_artifact("f:v1")
    os.chmod(local, 0o644)
    with open(local, "w") as handle:
        handle.write("edited copy")
    assert mm.use_artifact("f:v1", load=True) == b"original"  # a fresh verified copy


def test_objects_round_trip(reg):
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    df = pd.DataFrame({"a": [1, 2, 3], "b": [0.5, float("nan"), 2.0], "c": ["x", "y", "z"]})
    v = mm.log_artifact(df, name="frame")
    assert v.metadata["rows"] == 3 and v.metadata["columns"]["a"] == "int64"
    pd.testing.assert_frame_equal(mm.use_artifact("frame", load=True), df)
    array = np.arange(12, dtype="float32").reshape(3, 4)
    assert (mm.use_artifact(mm.log_artifact(array, name="arr").ref, load=True) == array).all()
    mm.log_artifact(b"\x00\x01", name="raw")
    assert mm.use_artifact("raw", load=True) == b"\x00\x01"
    mm.log_artifact("héllo", name="note", format="text")
    assert mm.use_artifact("note", load=True) == "héllo"


def test_parquet_when_pyarrow_is_installed(reg):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow", reason="pyarrow not installed: DataFrames are stored as CSV")
    df = pd.DataFrame({"a": [1, 2]})
    assert mm.log_artifact(df, name="pq").format == "parquet"
    pd.testing.assert_frame_equal(mm.use_artifact("pq", load=True), df)


def test_figure_is_stored_as_png(reg):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1, 2])
    v = mm.log_artifact(fig, name="plot")
    plt.close(fig)
    assert v.kind == "figure" and reg.blobs.get_bytes(v.digest).startswith(b"\x89PNG")


def test_directory_versions_reuse_unchanged_members(reg, tmp_path):
    folder = tmp_path / "model_dir"
    (folder / "sub").mkdir(parents=True)
    (folder / "weights.bin").write_bytes(b"w" * 1000)
    (folder / "sub" / "config.json").write_text('{"a": 1}')
    v1 = mm.log_artifact(folder, name="dir")
    before = blob_files(reg)
    (folder / "sub" / "config.json").write_text('{"a": 2}')
    v2 = mm.log_artifact(folder, name="dir")
    added = blob_files(reg) - before
    assert v2.version == 2 and len(added) == 2  # the changed file and the new manifest
    out = mm.use_artifact("dir:v1")
    assert (out / "sub" / "config.json").read_text() == '{"a": 1}'
    assert (out / "weights.bin").read_bytes() == b"w" * 1000
    assert v1.format == "directory" and v1.size == 1000 + 8


def test_unchanged_file_is_not_rehashed(reg, tmp_path, monkeypatch):
    path = tmp_path / "big.dat"
    path.write_bytes(os.urandom(1 << 20))
    mm.log_artifact(path, name="big")

    def fail(*_a, **_k):
        raise AssertionError("an unchanged file was read again")

    monkeypatch.setattr(type(reg.blobs), "put_file", fail)
    assert mm.log_artifact(path, name="big").version == 1


def test_corrupted_blob_raises_naming_both_digests_and_writes_nothing(reg, tmp_path):
    (tmp_path / "c.txt").write_text("content")
    v = mm.log_artifact(tmp_path / "c.txt", name="c")
    blob = reg.blobs.path_for(v.digest)
    os.chmod(blob, 0o644)
    blob.write_text("contenX")
    with pytest.raises(BlobCorruptedError) as info:
        mm.use_artifact("c")
    assert v.digest in str(info.value) and info.value.actual in str(info.value)
    cache = reg.root / "cache" / v.digest
    assert not cache.exists() or not any(cache.iterdir())  # no partial bytes handed out
    assert mm.list_artifacts()[0].name == "c"  # listings still work


def test_a_missing_blob_only_affects_its_version(reg, tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("1")
    v1 = mm.log_artifact(path, name="v")
    path.write_text("2")
    mm.log_artifact(path, name="v")
    reg.blobs.path_for(v1.digest).unlink()
    with pytest.raises(NotFoundError, match="missing"):
        mm.use_artifact("v:v1")
    assert mm.use_artifact("v:v2", load=True) == b"2"


def test_bad_input_is_a_clear_error_and_writes_nothing(reg, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope\.csv"):
        mm.log_artifact("nope.csv", name="x")
    with pytest.raises(TypeError, match=r"cannot log a builtins\.object"):
        mm.log_artifact(object(), name="x")
    with pytest.raises(ValueError, match="needs a name"):
        mm.log_artifact(b"bytes")
    (tmp_path / "k.txt").write_text("k")
    mm.log_artifact(tmp_path / "k.txt", name="k", kind="report")
    with pytest.raises(ValueError, match="is a report"):
        mm.log_artifact(tmp_path / "k.txt", name="k", kind="model")
    with pytest.raises(NotFoundError, match="no version v9"):
        mm.use_artifact("k:v9")
    with pytest.raises(NotFoundError, match="no artifact named"):
        mm.get_artifact("missing")
    with pytest.raises(ValueError, match="alias"):
        mm.set_alias("k", "9bad")
    assert [a.name for a in mm.list_artifacts()] == ["k"]


def test_aliases_move_with_history(reg, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("1")
    mm.log_artifact(path, name="a", aliases=["prod"])
    path.write_text("2")
    mm.log_artifact(path, name="a")
    assert mm.get_artifact("a@prod").version == 1
    assert mm.set_alias("a:v2", "prod").version == 2
    from mm_jupyter.store.artifact_queries import artifact_detail

    history = artifact_detail(reg, "a")["alias_history"]
    assert [(h["from_version"], h["to_version"]) for h in history] == [(None, 1), (1, 2)]


def test_listed_artifacts_are_records_whose_dicts_are_the_rest_payloads(reg, tmp_path):
    from mm_jupyter.records import ArtifactSummary
    from mm_jupyter.services.artifacts import catalog

    mm.log_artifact(b"1", name="a", aliases=["prod"])
    mm.log_artifact(b"2", name="a")
    mm.log_artifact(b"x", name="b", kind="dataset")
    listed = mm.list_artifacts()
    assert all(isinstance(a, ArtifactSummary) for a in listed)
    assert [(a.name, a.n_versions, a.aliases) for a in listed] == [("b", 1, {}), ("a", 2, {"prod": 1})]
    assert [a.to_dict() for a in listed] == catalog.list_artifacts(reg)["artifacts"]
    assert repr(listed[1]) == "<ArtifactSummary a file 2 versions, latest v2>"
    assert [a.name for a in mm.list_artifacts(kind="dataset")] == ["b"]


def test_lineage_links_runs_and_versions_both_ways(reg, tmp_path):
    (tmp_path / "raw.csv").write_text("a\n1\n")
    with mm.track("ingest"):
        mm.log_artifact("raw.csv", name="raw", kind="dataset")
    with mm.track("prep"):
        text = open(mm.use_artifact("raw")).read()
        mm.log_artifact(text.upper(), name="clean", format="text", kind="dataset")
    with mm.track("train"):
        mm.use_artifact("clean")
        mm.log_artifact(b"model-bytes", name="model", kind="model")
    graph = mm.lineage("clean")
    labels = {n["id"]: graph.label(n) for n in graph.nodes}
    edges = {(labels[e["source"]], labels[e["target"]]) for e in graph.edges}
    assert edges == {("ingest", "raw:v1"), ("raw:v1", "prep"), ("prep", "clean:v1"),
                     ("clean:v1", "train"), ("train", "model:v1")}
    assert "<svg" in graph._repr_html_() and "clean:v1" in repr(graph)
    upstream_only = mm.lineage("prep", depth=1)
    assert {graph.label(n) for n in upstream_only.nodes} == {"prep", "raw:v1", "clean:v1"}
    detail = mm.get_run("prep")
    from mm_jupyter.store.details import run_detail

    arts = run_detail(reg, detail.id)["artifacts"]
    assert [v["ref"] for v in arts["inputs"]] == ["raw:v1"]
    assert [v["ref"] for v in arts["outputs"]] == ["clean:v1"]


def _log_at_barrier(home, name, payload, barrier, results):
    os.environ["MM_JUPYTER_HOME"] = home
    import mm_jupyter as m

    barrier.wait()
    try:
        results.put(("ok", m.log_artifact(payload, name=name).version))
    except Exception as exc:  # reported to the parent
        results.put(("error", repr(exc)))


@pytest.mark.slow
@pytest.mark.parametrize("same_content", [True, False])
def test_eight_processes_logging_at_once(reg, same_content):
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(8), ctx.Queue()
    procs = [
        ctx.Process(target=_log_at_barrier, args=(
            str(reg.root), "shared", b"same" if same_content else f"content {i}".encode(),
            barrier, results))
        for i in range(8)
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    versions = sorted(v for _, v in outcomes)
    if same_content:
        assert versions == [1] * 8 and len(blob_files(reg)) == 1
    else:
        assert versions == list(range(1, 9)) and len(blob_files(reg)) == 8


DISK_FULL_SCRIPT = textwrap.dedent(
    """
    import os, resource, signal, sys
    import mm_jupyter as mm
    from mm_jupyter.errors import RegistryError
    mm.get_registry()  # open (and migrate) before the limit
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
    try:
        mm.log_artifact(sys.argv[1], name="too-big")
    except RegistryError as exc:
        print("ERROR", exc)
    """
)


@pytest.mark.slow
def test_disk_full_leaves_no_row_and_no_partial_blob(reg, tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(1_000_000))
    script = tmp_path / "full.py"
    script.write_text(DISK_FULL_SCRIPT)
    done = subprocess.run([sys.executable, str(script), str(big)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "MM_JUPYTER_HOME": str(reg.root)})
    assert "ERROR disk full while writing artifact 'too-big'" in done.stdout, done.stderr
    assert mm.list_artifacts() == []
    assert blob_files(reg) == set()
    tmp = reg.blobs.root / "tmp"
    assert not tmp.exists() or not any(tmp.iterdir())
    assert mm.log_artifact(big, name="too-big").version == 1  # works once space is back


def test_verify_and_gc(reg, tmp_path):
    from mm_jupyter.store.maintenance import gc, verify

    (tmp_path / "g.txt").write_text("kept")
    kept = mm.log_artifact(tmp_path / "g.txt", name="g")
    orphan = reg.blobs.put_bytes(b"nobody references me")
    assert verify(reg) == {"checked": 2, "missing": [], "corrupt": [], "unreferenced": 1,
                           "temp_files": [], "temp_bytes": 0, "fingerprint_only": 0}
    assert gc(reg)["removed"] == 0  # young orphans survive the grace period
    report = gc(reg, grace_s=0)
    assert report["removed"] == 1 and not reg.blobs.has(orphan) and reg.blobs.has(kept.digest)
    reg.blobs.path_for(kept.digest).unlink()
    assert verify(reg)["missing"] == [kept.digest]


def test_data_files_record_cheap_metadata(reg, tmp_path):
    (tmp_path / "h.csv").write_text("age,income\n1,2\n")
    # Small data files are read as pandas reads them: columns with dtypes, fingerprint
    # and profile (tests/api/test_profiles.py); the header alone without pandas.
    meta = mm.log_artifact(tmp_path / "h.csv", name="h").metadata
    assert meta["columns"] == {"age": "int64", "income": "int64"} and meta["rows"] == 1
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    pd.DataFrame({"x": [1, 2, 3]}).to_parquet(tmp_path / "p.parquet")
    meta = mm.log_artifact(tmp_path / "p.parquet", name="p").metadata
    assert meta["rows"] == 3 and meta["columns"] == {"x": "int64"}
