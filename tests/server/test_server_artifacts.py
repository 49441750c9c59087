"""The artifacts, versions and lineage routes, and artifact content through blobs."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote, urlencode

import pytest
from server_helpers import (
    API,
    HTML_BYTES,
    MODEL_BYTES,
    SVG_BYTES,
    sha256,
    strict_loads,
)
from tornado.httpclient import HTTPClientError
from tornado.simple_httpclient import HTTPStreamClosedError

from mm_jupyter.server import blobs as blob_handlers
from mm_jupyter.store import lineage as store_lineage

ROOT = "mm-jupyter/api/"


async def get_json(jp_fetch, *path, **params):
    response = await jp_fetch(*API, *path, params=params)
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return strict_loads(response.body)


async def get_error(jp_fetch, *path, **params):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(*API, *path, params=params)
    response = info.value.response
    assert response.headers["Content-Type"].startswith("application/json")
    body = strict_loads(response.body)
    assert set(body) <= {"message", "reason"}
    assert "Traceback" not in body["message"]
    return info.value.code, body


def versions_path(name: str) -> str:
    """The versions URL of ``name`` encoded as the sidebar encodes a path segment."""
    return f"{ROOT}artifacts/{quote(name, safe='')}/versions"


async def lineage(raw_fetch, **params):
    response = await raw_fetch(f"{ROOT}lineage?{urlencode(params)}")
    return response.code, strict_loads(response.body)


def edge_set(graph):
    return {(e["source"], e["target"], e["kind"]) for e in graph["edges"]}


def node_ids(graph):
    return {n["id"] for n in graph["nodes"]}


# -- GET artifacts ---------------------------------------------------------------------


async def test_list_has_every_artifact_with_latest_version(jp_fetch, chain):
    # Given the chain of four artifacts
    # When the list is fetched
    page = await get_json(jp_fetch, "artifacts")
    # Then each artifact appears once, most recently active first, with its latest
    names = [a["name"] for a in page["artifacts"]]
    assert page["total"] == 4 and page["offset"] == 0 and page["limit"] == 50
    assert names[0] == "churn-raw"  # v2 and the alias move are the last writes
    assert set(names) == {
        "churn-raw",
        "churn-clean",
        "models/model.pkl",
        "report bündel ✓",
    }
    raw = page["artifacts"][0]
    assert raw["n_versions"] == 2
    assert raw["aliases"] == {"prod": 2}
    assert raw["description"] == "raw customer export"
    assert raw["tags"] == {"source": "crm"}
    assert raw["latest"]["ref"] == "churn-raw:v2"
    assert raw["latest"]["digest"] == chain.raw2.digest
    assert raw["latest"]["aliases"] == ["prod"]
    assert page["cursor"] >= 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "dataset"}, {"churn-raw", "churn-clean"}),
        ({"kind": "model"}, {"models/model.pkl"}),
        ({"kind": "report"}, {"report bündel ✓"}),
        ({"kind": "figure"}, set()),
        ({"q": "churn"}, {"churn-raw", "churn-clean"}),
        ({"q": "customer export"}, {"churn-raw"}),  # the description
        ({"q": "models/"}, {"models/model.pkl"}),
        ({"q": "bündel ✓"}, {"report bündel ✓"}),
        ({"q": "%"}, set()),  # LIKE wildcards are literal
        ({"q": "_"}, set()),
        ({"q": "churn", "kind": "model"}, set()),
    ],
)
async def test_list_filters(jp_fetch, chain, params, expected):
    page = await get_json(jp_fetch, "artifacts", **params)
    assert {a["name"] for a in page["artifacts"]} == expected
    assert page["total"] == len(expected)


async def test_list_pages_cover_everything_once(jp_fetch, chain):
    first = await get_json(jp_fetch, "artifacts")
    everything = [a["name"] for a in first["artifacts"]]
    paged = []
    for offset in (0, 2, 4):
        page = await get_json(
            jp_fetch, "artifacts", limit="2", offset=str(offset)
        )
        assert page["total"] == 4
        assert page["limit"] == 2 and page["offset"] == offset
        paged += [a["name"] for a in page["artifacts"]]
    assert paged == everything
    far = await get_json(jp_fetch, "artifacts", offset="1000")
    assert far["artifacts"] == [] and far["total"] == 4


async def test_empty_registry_lists_nothing(jp_fetch):
    page = await get_json(jp_fetch, "artifacts")
    assert page["total"] == 0 and page["artifacts"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "bogus"},
        {"kind": "Dataset"},
        {"limit": "0"},
        {"limit": "501"},
        {"limit": "ten"},
        {"limit": "-1"},
        {"offset": "-1"},
        {"offset": "1.5"},
        {"q": "x" * 501},
    ],
)
async def test_list_bad_parameters_are_400(jp_fetch, chain, params):
    code, body = await get_error(jp_fetch, "artifacts", **params)
    assert code == 400
    assert next(iter(params)) in body["message"]


# -- GET artifacts/{name}/versions -----------------------------------------------------


async def test_versions_newest_first_with_aliases_and_history(raw_fetch, chain):
    response = await raw_fetch(versions_path("churn-raw"))
    assert response.code == 200
    detail = strict_loads(response.body)
    assert detail["artifact"]["name"] == "churn-raw"
    assert detail["artifact"]["aliases"] == {"prod": 2}
    assert "latest" not in detail["artifact"]
    v2, v1 = detail["versions"]
    assert (v2["version"], v1["version"]) == (2, 1)
    assert v2["aliases"] == ["prod"] and v1["aliases"] == []
    # v1 was logged outside a run and read by prep; v2 has no runs at all
    assert v1["producer"] is None
    assert [c["id"] for c in v1["consumers"]] == [chain.prep]
    assert v1["consumers"][0]["name"] == "prep"
    assert v2["producer"] is None and v2["consumers"] == []
    assert v1["format"] == "bytes" and v1["files"] is None and v1["is_dir"] is False
    history = [
        (h["alias"], h["from_version"], h["to_version"])
        for h in detail["alias_history"]
    ]
    assert history == [("prod", None, 1), ("prod", 1, 2)]


async def test_versions_of_a_dataframe_has_producer_and_consumer(raw_fetch, chain):
    detail = strict_loads((await raw_fetch(versions_path("churn-clean"))).body)
    (v1,) = detail["versions"]
    assert v1["producer"] == {"id": chain.prep, "name": "prep", "status": "finished"}
    assert v1["consumers"] == [
        {"id": chain.train, "name": "train", "status": "finished"}
    ]
    assert v1["kind"] == "dataset"
    assert v1["metadata"]["rows"] == 2
    assert set(v1["metadata"]["columns"]) == {"age", "churn"}
    assert detail["alias_history"] == []


async def test_versions_of_a_directory_lists_its_files(raw_fetch, chain):
    response = await raw_fetch(versions_path("report bündel ✓"))
    assert response.code == 200
    (version,) = strict_loads(response.body)["versions"]
    assert version["is_dir"] is True and version["format"] == "directory"
    assert version["kind"] == "report"
    assert version["producer"]["id"] == chain.train
    assert version["files"] == [
        {"path": path, "digest": sha256(data), "size": len(data)}
        for path, data in sorted(chain.members.items())
    ]
    assert version["size"] == sum(len(d) for d in chain.members.values())


@pytest.mark.parametrize(
    "path",
    [
        "artifacts/models%2Fmodel.pkl/versions",  # as the sidebar encodes it
        "artifacts/models/model.pkl/versions",  # a raw slash works too
        "artifacts/models%2fmodel.pkl/versions",  # lowercase escape
    ],
)
async def test_name_with_a_slash(raw_fetch, chain, path):
    response = await raw_fetch(ROOT + path)
    assert response.code == 200, response.body
    detail = strict_loads(response.body)
    assert detail["artifact"]["name"] == "models/model.pkl"
    assert detail["artifact"]["kind"] == "model"
    (version,) = detail["versions"]
    assert version["digest"] == chain.model.digest
    assert version["file_name"] == "model.pkl"


async def test_name_with_unicode_and_spaces(raw_fetch, jp_fetch, chain):
    name = "report bündel ✓"
    encoded = await raw_fetch(versions_path(name))
    assert encoded.code == 200
    assert strict_loads(encoded.body)["artifact"]["name"] == name
    # jp_fetch quotes the path itself (spaces as %20, UTF-8 bytes)
    via_client = await get_json(jp_fetch, "artifacts", name, "versions")
    assert via_client["artifact"]["name"] == name


async def test_awkward_names_round_trip(raw_fetch, mm):
    # Names that look like route syntax: the group runs to the last "/versions"
    # ("..", "x/" are refused by the name rule since issue 10; "..." and "/ä/" inside stay)
    names = ["odd/versions", "a%2Fb", "...", "q?x#y", "sp ace/ä/x", "50% off"]
    for name in names:
        mm.log_artifact(name.encode(), name)
    for name in names:
        response = await raw_fetch(versions_path(name))
        assert response.code == 200, name
        assert strict_loads(response.body)["artifact"]["name"] == name


@pytest.mark.parametrize(
    "path",
    [
        "artifacts/nope/versions",
        "artifacts/churn/versions",  # a prefix of a real name
        "artifacts/churn-raw%3Av1/versions",  # a ref is not a name
        "artifacts/CHURN-RAW/versions",
        "artifacts/" + "x" * 2000 + "/versions",
    ],
)
async def test_unknown_artifact_is_404(raw_fetch, chain, path):
    response = await raw_fetch(ROOT + path)
    assert response.code == 404
    body = strict_loads(response.body)
    assert "no artifact" in body["message"]
    assert len(body["message"]) < 300


async def test_invalid_utf8_name_is_400(raw_fetch, chain):
    response = await raw_fetch(ROOT + "artifacts/%FF%FE/versions")
    assert response.code == 400
    assert response.headers["Content-Type"].startswith("application/json")
    strict_loads(response.body)


async def test_versions_route_needs_a_name(raw_fetch, chain):
    for path in ("artifacts//versions", "artifacts/versions", "artifacts/versions/x"):
        response = await raw_fetch(ROOT + path)
        assert response.code == 404, path


# -- GET lineage -----------------------------------------------------------------------


def chain_ids(chain):
    return {
        "raw": "version:churn-raw:v1",
        "prep": f"run:{chain.prep}",
        "clean": "version:churn-clean:v1",
        "train": f"run:{chain.train}",
        "model": "version:models/model.pkl:v1",
        "bundle": "version:report bündel ✓:v1",
    }


def chain_edges(ids):
    return {
        (ids["raw"], ids["prep"], "input"),
        (ids["prep"], ids["clean"], "output"),
        (ids["clean"], ids["train"], "input"),
        (ids["train"], ids["model"], "output"),
        (ids["train"], ids["bundle"], "output"),
    }


async def test_lineage_of_a_run_goes_both_ways(raw_fetch, chain):
    ids = chain_ids(chain)
    code, graph = await lineage(raw_fetch, run=chain.prep)
    assert code == 200
    assert graph["root"] == ids["prep"]
    # Upstream: raw (the input); downstream: clean, train and train's outputs
    assert node_ids(graph) == set(ids.values())
    assert edge_set(graph) == chain_edges(ids)
    assert graph["truncated"] is False
    runs = {n["id"]: n["run"] for n in graph["nodes"] if n["type"] == "run"}
    assert runs[ids["prep"]] == {
        "id": chain.prep,
        "name": "prep",
        "status": "finished",
        "experiment": "churn",
    }
    versions = {n["id"]: n["version"] for n in graph["nodes"] if n["type"] == "version"}
    assert versions[ids["clean"]]["digest"] == chain.clean.digest
    assert versions[ids["raw"]]["ref"] == "churn-raw:v1"


async def test_lineage_of_a_version_walks_ancestors_only_upstream(raw_fetch, chain):
    ids = chain_ids(chain)
    code, graph = await lineage(raw_fetch, version="models/model.pkl:v1")
    assert code == 200
    assert graph["root"] == ids["model"]
    # The model's ancestry; the bundle is a sibling output, not an ancestor
    assert node_ids(graph) == set(ids.values()) - {ids["bundle"]}
    sibling = (ids["train"], ids["bundle"], "output")
    assert edge_set(graph) == chain_edges(ids) - {sibling}
    assert graph["truncated"] is False


async def test_lineage_of_the_first_version_walks_descendants(raw_fetch, chain):
    ids = chain_ids(chain)
    code, graph = await lineage(raw_fetch, version="churn-raw:v1")
    assert code == 200
    assert node_ids(graph) == set(ids.values())
    assert edge_set(graph) == chain_edges(ids)
    # v2 of the same name is not part of v1's lineage
    assert "version:churn-raw:v2" not in node_ids(graph)
    # A bare number is accepted as a version too; the root is normalised
    code, same = await lineage(raw_fetch, version="churn-raw:1")
    assert code == 200 and same["root"] == ids["raw"]


async def test_lineage_edges_point_the_way_data_flows(raw_fetch, chain):
    _, graph = await lineage(raw_fetch, run=chain.train)
    types = {n["id"]: n["type"] for n in graph["nodes"]}
    for edge in graph["edges"]:
        source, target = types[edge["source"]], types[edge["target"]]
        if edge["kind"] == "input":
            assert (source, target) == ("version", "run")
        else:
            assert (source, target) == ("run", "version")


@pytest.mark.parametrize(
    ("depth", "expected", "truncated"),
    [
        ("1", {"model", "train"}, True),
        ("2", {"model", "train", "clean"}, True),
        ("3", {"model", "train", "clean", "prep"}, True),
        ("5", {"model", "train", "clean", "prep", "raw"}, False),
        ("50", {"model", "train", "clean", "prep", "raw"}, False),
    ],
)
async def test_lineage_depth_bounds_the_walk(
    raw_fetch, chain, depth, expected, truncated
):
    ids = chain_ids(chain)
    code, graph = await lineage(raw_fetch, version="models/model.pkl:v1", depth=depth)
    assert code == 200
    assert node_ids(graph) == {ids[k] for k in expected}
    assert graph["truncated"] is truncated
    # Every edge joins two returned nodes
    for edge in graph["edges"]:
        assert {edge["source"], edge["target"]} <= node_ids(graph)


async def test_lineage_depth_from_a_run(raw_fetch, chain):
    ids = chain_ids(chain)
    _, graph = await lineage(raw_fetch, run=chain.prep, depth="1")
    assert node_ids(graph) == {ids["raw"], ids["prep"], ids["clean"]}
    assert graph["truncated"] is True


async def test_lineage_of_an_isolated_run(raw_fetch, chain, seed):
    lonely = seed.run("no artifacts")
    code, graph = await lineage(raw_fetch, run=lonely)
    assert code == 200
    assert graph == {
        "root": f"run:{lonely}",
        "nodes": [graph["nodes"][0]],
        "edges": [],
        "truncated": False,
    }
    assert graph["nodes"][0]["run"]["name"] == "no artifacts"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"depth": "3"},
        {"run": "", "version": ""},
        {"run": "RUN", "version": "churn-raw:v1"},
        {"version": "churn-raw"},  # a name is not one version
        {"version": "churn-raw@prod"},  # neither is an alias
        {"version": "churn-raw:latest"},
        {"version": "churn-raw:v1", "depth": "0"},
        {"version": "churn-raw:v1", "depth": "-1"},
        {"version": "churn-raw:v1", "depth": "two"},
        {"version": "churn-raw:v1", "depth": "1e3"},
        {"version": "churn-raw:v1", "depth": str(store_lineage.MAX_DEPTH + 1)},
        {"version": "churn-raw:v1", "depth": "9" * 40},
        {"version": "x" * 501 + ":v1"},
    ],
)
async def test_lineage_bad_parameters_are_400(raw_fetch, chain, params):
    params = {k: v.replace("RUN", chain.prep) for k, v in params.items()}
    code, body = await lineage(raw_fetch, **params)
    assert code == 400, body
    assert body["message"]


async def test_lineage_unknown_roots_are_404(raw_fetch, chain):
    for params in (
        {"run": "0123456789ab"},
        {"run": chain.prep[:6]},  # an id prefix: run ids are exact here
        {"run": "prep"},  # a run name is not an id
        {"run": "x" * 300},
        {"version": "nope:v1"},
        {"version": "churn-raw:v9"},
        {"version": "models/model.pkl:v2"},
    ):
        code, body = await lineage(raw_fetch, **params)
        assert code == 404, params
        assert "Traceback" not in body["message"]


async def test_lineage_max_depth_is_accepted(raw_fetch, chain):
    code, graph = await lineage(
        raw_fetch, version="churn-clean:v1", depth=str(store_lineage.MAX_DEPTH)
    )
    assert code == 200 and graph["truncated"] is False


# -- content through blobs/{digest} ----------------------------------------------------


async def blob(raw_fetch, digest):
    return await raw_fetch(f"{ROOT}blobs/{digest}")


async def test_version_content_is_the_exact_bytes(raw_fetch, chain):
    page = strict_loads((await raw_fetch(f"{ROOT}artifacts")).body)
    latest = {a["name"]: a["latest"] for a in page["artifacts"]}
    # bytes
    response = await blob(raw_fetch, latest["churn-raw"]["digest"])
    assert response.code == 200
    assert response.body == b"age,churn\n31,0\n47,1\n52,0\n"
    # a file
    response = await blob(raw_fetch, latest["models/model.pkl"]["digest"])
    assert response.body == MODEL_BYTES
    assert response.headers["Content-Disposition"].startswith("attachment")
    # a DataFrame: what log_artifact stored, loadable back to an equal frame
    response = await blob(raw_fetch, latest["churn-clean"]["digest"])
    assert sha256(response.body) == chain.clean.digest
    assert len(response.body) == chain.clean.size
    # older versions too
    response = await blob(raw_fetch, chain.raw.digest)
    assert response.body == b"age,churn\n31,0\n47,1\n"


async def test_directory_members_and_manifest_download(raw_fetch, chain):
    detail = strict_loads((await raw_fetch(versions_path("report bündel ✓"))).body)
    (version,) = detail["versions"]
    for member in version["files"]:
        response = await blob(raw_fetch, member["digest"])
        assert response.code == 200
        assert response.body == chain.members[member["path"]]
    manifest = await blob(raw_fetch, version["digest"])
    assert manifest.code == 200
    # The manifest lists the members in walk order; the API lists them by path
    members = sorted(json.loads(manifest.body), key=lambda m: m["path"])
    assert members == version["files"]
    assert manifest.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("member", "media_type"),
    [
        ("index.html", "text/html"),
        ("figure.svg", "image/svg+xml"),
        ("data/x.csv", "text/csv"),
    ],
)
async def test_active_member_content_is_an_attachment_with_sandbox(
    raw_fetch, chain, member, media_type
):
    digest = sha256(chain.members[member])
    response = await blob(raw_fetch, digest)
    assert response.code == 200
    assert response.headers["Content-Type"] == media_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="{digest}"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert response.body in (HTML_BYTES, SVG_BYTES, chain.members["data/x.csv"])


@pytest.mark.parametrize(
    ("file_name", "data", "kind", "media_type", "inline"),
    [
        ("report.html", HTML_BYTES, "report", "text/html", False),
        ("figure.svg", SVG_BYTES, "figure", "image/svg+xml", False),
        ("plot.png", b"\x89PNG\r\n\x1a\n not a real png", "figure", "image/png", True),
        ("notes.md", b"# hi <script>x</script>", "report", "text/markdown", False),
    ],
)
async def test_file_artifact_content_headers(
    raw_fetch, mm, tmp_path, file_name, data, kind, media_type, inline
):
    # Given a file artifact logged from disk (kind and media type from its name)
    path = tmp_path / file_name
    path.write_bytes(data)
    with mm.track("publish"):
        logged = mm.log_artifact(path, f"out/{file_name}")
    assert logged.kind == kind
    # When its version's digest is fetched from the versions reply
    detail = strict_loads((await raw_fetch(versions_path(f"out/{file_name}"))).body)
    (version,) = detail["versions"]
    assert version["media_type"] == media_type
    response = await blob(raw_fetch, version["digest"])
    # Then the bytes are exact and only raster images may render inline
    assert response.code == 200
    assert response.body == data
    assert response.headers["Content-Type"] == media_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    disposition = response.headers.get("Content-Disposition")
    assert (disposition is None) if inline else disposition.startswith("attachment;")


def tamper(registry, digest: str, data: bytes) -> None:
    path = registry.blobs.path_for(digest)
    path.chmod(0o644)
    path.write_bytes(data)


async def test_altered_blob_is_a_clean_error_and_lists_still_work(
    raw_fetch, chain, store
):
    # Given the stored model file altered on disk behind the registry's back
    tamper(store, chain.model.digest, b"EVIL" + MODEL_BYTES[4:])
    # When its content is downloaded
    response = await blob(raw_fetch, chain.model.digest)
    # Then a JSON 500 names the blob as corrupted: no bytes, no traceback, no path
    assert response.code == 500
    assert response.headers["Content-Type"].startswith("application/json")
    assert "Content-Disposition" not in response.headers
    body = strict_loads(response.body)
    assert "corrupted" in body["message"] and chain.model.digest in body["message"]
    assert b"EVIL" not in response.body and b"not really a pickle" not in response.body
    assert b"Traceback" not in response.body
    assert str(store.root).encode() not in response.body
    # And the lists and lineage, which only read rows, still work
    assert (await raw_fetch(f"{ROOT}artifacts")).code == 200
    assert (await raw_fetch(versions_path("models/model.pkl"))).code == 200
    code, _ = await lineage(raw_fetch, version="models/model.pkl:v1")
    assert code == 200
    # Other blobs are unaffected
    assert (await blob(raw_fetch, chain.raw.digest)).code == 200


async def test_missing_blob_file_is_404(raw_fetch, chain, store):
    path = store.blobs.path_for(chain.raw.digest)
    path.unlink()
    response = await blob(raw_fetch, chain.raw.digest)
    assert response.code == 404
    assert "missing" in strict_loads(response.body)["message"]


# -- large content is streamed ---------------------------------------------------------


@pytest.fixture
def small_stream_threshold(monkeypatch):
    """Stream every blob over 1 KiB, in 4 KiB chunks (the defaults are MiBs)."""
    monkeypatch.setattr(blob_handlers, "STREAM_ABOVE", 1024)
    monkeypatch.setattr(blob_handlers, "CHUNK", 4096)


@pytest.fixture
def big(mm):
    data = hashlib.sha256(b"seed").digest() * 4000  # 128,000 bytes, 32 chunks
    return mm.log_artifact(data, "big-model", kind="model"), data


async def test_large_blob_streams_the_exact_bytes(
    raw_fetch, big, small_stream_threshold
):
    version, data = big
    response = await blob(raw_fetch, version.digest)
    assert response.code == 200
    assert response.body == data
    assert response.headers["Content-Length"] == str(len(data))
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.headers["Content-Security-Policy"]


async def test_altered_large_blob_is_refused_before_any_byte(
    raw_fetch, big, store, small_stream_threshold
):
    version, data = big
    tamper(store, version.digest, data[:-1] + b"!")
    response = await blob(raw_fetch, version.digest)
    assert response.code == 500
    assert "corrupted" in strict_loads(response.body)["message"]
    assert data[:64] not in response.body


async def test_blob_altered_while_streamed_fails_the_download(
    raw_fetch, big, store, small_stream_threshold, monkeypatch
):
    # The file changes in place after it was verified: the reply must not complete
    version, data = big
    verified = blob_handlers.open_blob

    def open_then_alter(registry, digest):
        opened = verified(registry, digest)
        tamper(store, digest, data[:-1] + b"!")
        return opened

    monkeypatch.setattr(blob_handlers, "open_blob", open_then_alter)
    # The connection closes short of Content-Length: the client sees a failed
    # download, never a complete 200 with the altered bytes
    with pytest.raises(HTTPStreamClosedError):
        await blob(raw_fetch, version.digest)
    # The server is fine afterwards
    monkeypatch.setattr(blob_handlers, "open_blob", verified)
    assert (await raw_fetch(f"{ROOT}artifacts")).code == 200


# -- auth ------------------------------------------------------------------------------


async def test_new_routes_need_a_token(raw_fetch, chain):
    paths = [
        f"{ROOT}artifacts",
        f"{ROOT}artifacts?kind=model",
        versions_path("models/model.pkl"),
        versions_path("nope"),
        f"{ROOT}lineage?run={chain.prep}",
        f"{ROOT}lineage?version=churn-raw:v1",
        f"{ROOT}lineage",  # would be a 400 with a token
        f"{ROOT}blobs/{chain.model.digest}",
    ]
    for path in paths:
        for header in ("", "token wrong"):
            response = await raw_fetch(path, headers={"Authorization": header})
            assert response.code == 403, (path, header)
            assert b"churn" not in response.body and MODEL_BYTES not in response.body
