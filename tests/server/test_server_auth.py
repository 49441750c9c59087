"""Auth, headers and blob safety of the REST API (RELIABILITY.md tests 30-36)."""

from __future__ import annotations

import json
import secrets
import time

import pytest
from jupyter_server.auth import Authorizer
from monitoring_seed import seed_fleet
from server_helpers import extension_routes, sample_path, sha256, strict_loads
from tracked_fits import track_fits

from mm_jupyter.server.routes import ROUTES, SITE_ROUTES

# API routes by their path under mm-jupyter/api/, others (metrics) under mm-jupyter/.
EXPECTED_ROUTES = {path for path, _ in ROUTES} | {path for path, _ in SITE_ROUTES}
ALL_HANDLERS = [handler for _, handler in ROUTES + SITE_ROUTES]
# Routes that write (POST) and routes that are read (GET); `models` is both.
POST_ROUTES = {path for path, handler in ROUTES if "post" in handler.__dict__}
GET_ROUTES = {path for path, handler in ROUTES + SITE_ROUTES if "get" in handler.__dict__}
METRICS_PATH = "mm-jupyter/metrics"
IRIS = "iris%2Fclf"
CHURN = "churn%20%E2%9C%93%20model"


def route_of(pattern: str) -> str:
    """The route-table path of a registered URL pattern."""
    tail = pattern.split("/mm-jupyter/", 1)[1].rstrip("$")
    return tail.removeprefix("api/")


class DenyMMJupyter(Authorizer):
    """Allow everything except the mm_jupyter resource."""

    def is_authorized(self, handler, user, action, resource):
        return resource != "mm_jupyter"


@pytest.fixture
def blobs(seed):
    """One recorded blob per interesting media type, keyed by a short name."""
    made = {
        "png": seed.blob(b"\x89PNG\r\n\x1a\n fake png", "image/png"),
        "html": seed.blob(b"<script>alert(document.cookie)</script>", "text/html"),
        "svg": seed.blob(
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "image/svg+xml",
        ),
        "js": seed.blob(b"alert(1)", "text/javascript"),
        "json": seed.blob(b'{"a": 1}', "application/json"),
        "odd": seed.blob(b"odd type", "text/html\r\nX-Evil: 1"),
    }
    seed.run("with-blobs", blobs=list(made.values()))
    return {name: row[0] for name, row in made.items()}


@pytest.fixture
def evaluated(mm):
    """A run with two evaluation reports, ``test`` and ``hold/out`` (a name with "/")."""
    from sklearn.dummy import DummyClassifier

    X, y = [[0], [1], [0], [1]], [0, 1, 0, 1]
    with mm.track("evaluated") as run:
        mm.evaluate(DummyClassifier().fit(X, y), X, y)
        mm.evaluate(DummyClassifier().fit(X, y), X, y, name="hold/out")
    return run.id


@pytest.fixture
def route_paths(jp_serverapp, jp_base_url, seed, blobs, chain, zoo, evaluated):
    """Concrete, existing URLs for every GET route the extension registered.

    Each route pattern gets its own sample values (several routes capture ``(.+)``);
    a route without samples here fails the fixture, so a new route cannot slip past
    the auth tests. POST-only routes are in ``post_requests``.
    """
    run_id = seed.run("probe")
    other_id = seed.run("probe-2")
    samples = {
        "models/(.+)": [{"(.+)": IRIS}, {"(.+)": CHURN}, {"(.+)": "iris/clf"}],
        "models/(.+)/versions/([^/]+)": [
            {"(.+)": IRIS, "([^/]+)": "1"},
            {"(.+)": CHURN, "([^/]+)": "1"},
        ],
        "models/(.+)/versions/([^/]+)/card": [{"(.+)": IRIS, "([^/]+)": "1"}],
        "models/(.+)/versions/([^/]+)/checks": [{"(.+)": IRIS, "([^/]+)": "1"}],
        "models/(.+)/versions/([^/]+)/approvals": [{"(.+)": CHURN, "([^/]+)": "1"}],
        "models/(.+)/policies": [{"(.+)": IRIS}],
        "models/(.+)/versions/([^/]+)/package.zip": [{"(.+)": IRIS, "([^/]+)": "1"}],
        "runs/([^/]+)": [{"([^/]+)": run_id}],
        "runs/([^/]+)/checkout": [{"([^/]+)": run_id}],
        "runs/([^/]+)/reports/(.+)": [
            {"([^/]+)": evaluated, "(.+)": "test"},
            {"([^/]+)": evaluated, "(.+)": "hold%2Fout"},
        ],
        "blobs/(.+)": [{"(.+)": blobs["png"]}, {"(.+)": chain.model.digest}],
        "artifacts/(.+)/versions": [
            {"(.+)": "models%2Fmodel.pkl"},
            {"(.+)": "report%20b%C3%BCndel%20%E2%9C%93"},
        ],
        # monitoring takes a model reference: a bare name, name:N, name@stage
        "monitoring/(.+)": [
            {"(.+)": IRIS},
            {"(.+)": f"{CHURN}%40production"},
            {"(.+)": "iris/clf:1"},
        ],
        "monitoring/(.+)/series": [{"(.+)": IRIS}, {"(.+)": f"{IRIS}%3A2"}],
        "monitoring/(.+)/alerts": [{"(.+)": CHURN}],
        "monitoring/(.+)/batches": [{"(.+)": f"{IRIS}%40champion"}],
    }
    queries = {
        "models": ["", "?q=iris&limit=1&offset=0"],
        "artifacts": ["", "?kind=dataset&q=churn&limit=2"],
        "lineage": [
            f"?run={chain.prep}",
            "?version=models%2Fmodel.pkl%3Av1&depth=3",
        ],
        "diff": [f"?a={run_id}&b={run_id}", f"?a={run_id}&b={run_id}&volatile=1"],
        "compare": [f"?runs={run_id},{other_id}"],
        "artifacts/diff": ["?a=churn-raw%3Av1&b=churn-raw%3Av2"],
        "monitoring": ["", "?limit=1&offset=0"],
        "alerts": ["", "?state=firing&limit=5"],
    }
    paths = []
    for pattern in extension_routes(jp_serverapp.web_app):
        route = route_of(pattern)
        if route not in GET_ROUTES:
            continue
        if "(" not in route:
            paths += [
                sample_path(pattern, jp_base_url, {}) + query
                for query in queries.get(route, [""])
            ]
            continue
        assert route in samples, f"no sample values for route {route}"
        paths += [sample_path(pattern, jp_base_url, v) for v in samples[route]]
    return paths


@pytest.fixture
def post_requests(jp_serverapp, jp_base_url, zoo, ip, store, seed):
    """``(path, body)`` of a valid, idempotent request to every POST route."""
    fits = track_fits(ip, search=False)  # a run whose model autologging stored
    fleet = seed_fleet(store)  # firing alerts to acknowledge
    samples = {
        "models/(.+)/versions/([^/]+)/transition": [
            ({"(.+)": IRIS, "([^/]+)": "2"}, {"stage": "production"}),
            ({"(.+)": CHURN, "([^/]+)": "1"}, {"alias": "x", "move": False}),
        ],
        # registering the same bytes again returns the same version
        "runs/([^/]+)/register-model": [
            ({"([^/]+)": fits.gbm}, {"name": "iris/gbm", "stage": "staging"}),
        ],
        "models": [
            ({}, {"run": fits.gbm, "artifact": "gbm-model:v1", "name": "iris/gbm2"}),
        ],
        # approving again updates the comment; an empty policy stays empty
        "models/(.+)/versions/([^/]+)/approvals": [
            ({"(.+)": CHURN, "([^/]+)": "1"}, {"comment": "reviewed"}),
        ],
        "models/(.+)/policies": [({"(.+)": IRIS}, {"stage": "staging", "require": []})],
        "policies": [({}, {"stage": "staging", "require": []})],
        # housekeeping: starring or restoring again changes nothing
        "runs/([^/]+)/(update|archive|restore|delete|move)": [
            ({"([^/]+)": fits.nofit, "(update|archive|restore|delete|move)": "update"},
             {"starred": True}),
            ({"([^/]+)": fits.nofit, "(update|archive|restore|delete|move)": "restore"}, {}),
        ],
        "metric-directions": [({}, {"key": "acc", "direction": "max"})],
        # a re-run records one more run (a seeded run's one-line cell: a quick kernel)
        "runs/([^/]+)/rerun": [({"([^/]+)": seed.run("again")}, {"timeout": 60})],
        # acknowledging again keeps the first who/when
        "alerts/([^/]+)/(acknowledge|unacknowledge)": [
            ({"([^/]+)": str(fleet.age_alert), "(acknowledge|unacknowledge)": "acknowledge"},
             {"comment": "on it"}),
        ],
    }
    requests = []
    for pattern in extension_routes(jp_serverapp.web_app):
        route = route_of(pattern)
        if route not in POST_ROUTES:
            continue
        assert route in samples, f"no sample request for route {route}"
        requests += [
            (sample_path(pattern, jp_base_url, values), json.dumps(body).encode())
            for values, body in samples[route]
        ]
    assert len(requests) == 12
    return requests


JSON = {"Content-Type": "application/json"}


def test_routes_are_exactly_the_contract(jp_serverapp):
    # The app's router holds the routes of docs/rest.md and nothing else of ours.
    patterns = extension_routes(jp_serverapp.web_app)
    assert len(patterns) == len(EXPECTED_ROUTES) == 37
    assert {
        "models/(.+)/versions/([^/]+)/transition",
        "models/(.+)/versions/([^/]+)/approvals",
        "models/(.+)/policies",
        "policies",
        "runs/([^/]+)/register-model",
        "models",
        "runs/([^/]+)/(update|archive|restore|delete|move)",
        "runs/([^/]+)/rerun",
        "metric-directions",
        "alerts/([^/]+)/(acknowledge|unacknowledge)",
    } == POST_ROUTES
    assert {route_of(p) for p in patterns} == EXPECTED_ROUTES
    # every route is under the API prefix except the Prometheus exposition
    outside = [p for p in patterns if "/mm-jupyter/api/" not in p]
    assert [p.rstrip("$").endswith(f"/{METRICS_PATH}") for p in outside] == [True]


def test_every_handler_method_is_authenticated_and_authorized():
    # Like the extension template's check_auth.py, but on our own classes: each
    # HTTP method is @web.authenticated around @authorized.
    for handler in ALL_HANDLERS:
        assert handler.auth_resource == "mm_jupyter"
        for method in ("get", "post", "put", "patch", "delete"):
            impl = handler.__dict__.get(method)
            if impl is None:
                continue
            assert impl.__qualname__.endswith(f"{handler.__name__}.{method}")
            where = f"{handler.__name__}.{method}"
            # outermost: tornado's @web.authenticated (as in jupyter_server itself)
            assert impl.__code__.co_filename.endswith("tornado/web.py"), where
            assert impl.__code__.co_name == "wrapper", where
            # then jupyter_server's @authorized
            inner = impl.__wrapped__
            assert inner.__code__.co_filename.endswith("auth/decorator.py"), where


async def test_every_route_is_200_with_token_and_403_without(
    raw_fetch, route_paths, post_requests
):
    assert len(route_paths) == 46
    assert sum("/lineage?" in p for p in route_paths) == 2
    assert sum("/artifacts/" in p for p in route_paths) == 3
    assert sum("/api/models" in p for p in route_paths) == 12
    assert sum("/api/monitoring" in p for p in route_paths) == 9
    assert sum("/api/alerts" in p for p in route_paths) == 2
    assert sum(p.endswith(METRICS_PATH) for p in route_paths) == 1
    for path, body in post_requests:
        # Refused without credentials before anything is read or written ...
        for auth in ("", "token wrong"):
            denied = await raw_fetch(
                path,
                method="POST",
                body=body,
                headers={"Authorization": auth, **JSON},
            )
            assert denied.code == 403, path
        # ... and applied with the token
        ok = await raw_fetch(path, method="POST", body=body, headers=JSON)
        assert ok.code in (200, 201), path  # 201: an approval
    for path in route_paths:
        ok = await raw_fetch(path)
        assert ok.code == 200, path
        denied = await raw_fetch(path, headers={"Authorization": ""})
        assert denied.code == 403, path
        assert b"mm-jupyter" not in denied.body or b"message" in denied.body
        wrong = await raw_fetch(path, headers={"Authorization": "token wrong"})
        assert wrong.code == 403, path


@pytest.mark.parametrize("extra_server_config", [{"authorizer_class": DenyMMJupyter}])
async def test_authorizer_denying_the_resource_gives_403(
    raw_fetch, route_paths, post_requests, extra_server_config
):
    for path, body in post_requests:
        response = await raw_fetch(path, method="POST", body=body, headers=JSON)
        assert response.code == 403, path
        assert "write" in strict_loads(response.body)["message"]
    for path in route_paths:
        response = await raw_fetch(path)
        assert response.code == 403, path
        if path.endswith(METRICS_PATH):  # text, for scrapers
            assert b"mm_jupyter" in response.body
            continue
        assert "mm_jupyter" in strict_loads(response.body)["message"]
    # Jupyter's own API stays reachable: only our resource is denied
    assert (await raw_fetch("api/status")).code == 200


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
async def test_other_methods_are_refused(raw_fetch, route_paths, post_requests, method):
    written = {path for path, _ in post_requests}
    reads = [] if method == "GET" else [
        path for path in route_paths if method != "POST" or path.split("?")[0] not in written
    ]
    # a route that is read and written (models) answers GET: only POST-only paths count
    writes = [] if method == "POST" else [
        path for path, _ in post_requests if method != "GET" or path not in route_paths
    ]
    for path in reads + writes:
        body = None if method in ("GET", "DELETE") else b"{}"
        response = await raw_fetch(
            path, method=method, body=body, allow_nonstandard_methods=True
        )
        assert response.code in (403, 405), (method, path)


@pytest.mark.parametrize(
    "extra_server_config", [{"allow_origin_pat": r"https?://localhost(:[0-9]+)?"}]
)
async def test_foreign_origin_gets_no_cors_grant(
    raw_fetch, route_paths, extra_server_config
):
    evil = {"Origin": "http://localhost.evil.com"}
    for path in route_paths:
        # Without credentials: refused like any anonymous request
        anonymous = await raw_fetch(path, headers={"Authorization": "", **evil})
        assert anonymous.code == 403, path
        # A look-alike origin is not granted CORS (the pattern must match in full)
        response = await raw_fetch(path, headers=evil)
        assert "Access-Control-Allow-Origin" not in response.headers, path
        # The allowed origin is
        good = await raw_fetch(path, headers={"Origin": "http://localhost:8888"})
        assert good.headers.get("Access-Control-Allow-Origin") == "http://localhost:8888", path


async def test_dns_rebinding_host_is_refused(raw_fetch, route_paths, post_requests):
    for path in route_paths:
        response = await raw_fetch(path, headers={"Host": "attacker.example"})
        assert response.code == 403, path
    for path, body in post_requests:
        response = await raw_fetch(
            path,
            method="POST",
            body=body,
            headers={"Host": "attacker.example", **JSON},
        )
        assert response.code == 403, path


# -- headers -------------------------------------------------------------------------


async def test_json_routes_send_nosniff_and_strict_csp(raw_fetch, route_paths):
    for path in route_paths:
        if "/blobs/" in path:
            continue
        response = await raw_fetch(path)
        if "/runs.csv" in path:  # the runs export, an attachment
            assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Content-Disposition"].startswith("attachment;")
            continue
        if path.endswith("/package.zip"):  # a model package, an attachment
            assert response.headers["Content-Type"] == "application/zip"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Content-Disposition"].startswith("attachment;")
            continue
        if path.endswith(METRICS_PATH):  # the Prometheus text format
            content_type = response.headers["Content-Type"]
            assert content_type.startswith("text/plain; version=0.0.4")
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]
            continue
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        strict_loads(response.body)


async def test_error_replies_send_nosniff_and_csp(raw_fetch):
    for path in (
        "mm-jupyter/api/runs?limit=0",
        "mm-jupyter/api/runs/nope",
        "mm-jupyter/api/artifacts?kind=nope",
        "mm-jupyter/api/artifacts/nope/versions",
        "mm-jupyter/api/lineage",
        "mm-jupyter/api/lineage?run=nope",
    ):
        response = await raw_fetch(path)
        assert response.code in (400, 404)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Content-Type"].startswith("application/json")


async def test_png_blob_is_served_inline_with_sandbox(raw_fetch, blobs):
    response = await raw_fetch(f"mm-jupyter/api/blobs/{blobs['png']}")
    assert response.code == 200
    assert response.body == b"\x89PNG\r\n\x1a\n fake png"
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert "Content-Disposition" not in response.headers


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("html", "text/html"),
        ("svg", "image/svg+xml"),
        ("js", "text/javascript"),
        ("json", "application/json"),
        ("odd", "application/octet-stream"),
    ],
)
async def test_active_blobs_are_attachments_with_sandbox(
    raw_fetch, blobs, name, media_type
):
    digest = blobs[name]
    response = await raw_fetch(f"mm-jupyter/api/blobs/{digest}")
    assert response.code == 200
    assert sha256(response.body) == digest
    assert response.headers["Content-Type"] == media_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="{digest}"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "X-Evil" not in response.headers


async def test_cross_site_cookie_style_blob_load_is_refused(
    raw_fetch, jp_serverapp, blobs
):
    # A cross-site <img>/<script> load carries no Authorization header; here the token
    # rides in the URL the way a leaked link would.
    token = jp_serverapp.identity_provider.token
    response = await raw_fetch(
        f"mm-jupyter/api/blobs/{blobs['js']}?token={token}",
        headers={"Authorization": "", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.code == 403
    same = await raw_fetch(
        f"mm-jupyter/api/blobs/{blobs['js']}?token={token}",
        headers={"Authorization": "", "Sec-Fetch-Site": "same-origin"},
    )
    assert same.code == 200


# -- blob addressing -------------------------------------------------------------------

TRAVERSALS = [
    "../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%252e%252e%252f",
    "..%5c..%5cregistry.db",
    "%2fetc%2fpasswd",
    "file:%2f%2f%2fetc%2fpasswd",
    "%2f%2fproc%2fself%2froot%2fetc%2fpasswd",
    "x%23%2f..%2f",
    "%00",
    "abc%00def",
    "registry.db",
    "..%2fregistry.db",
    "sha256%2fab%2fcdef",
    "CANARY_DIGEST_UPPER",
    "CANARY_DIGEST_63",
    "CANARY_DIGEST_65",
    "CANARY_DIGEST_SLASH",
    "CANARY_DIGEST_SPACE",
]


def concrete(case: str, digest: str) -> str:
    return {
        "CANARY_DIGEST_UPPER": digest.upper(),
        "CANARY_DIGEST_63": digest[:63],
        "CANARY_DIGEST_65": digest + "0",
        "CANARY_DIGEST_SLASH": f"{digest[:2]}/{digest[2:]}",
        "CANARY_DIGEST_SPACE": f"{digest}%20",
    }.get(case, case)


@pytest.fixture
def canary(tmp_path, seed):
    """A secret file outside the registry, and a symlink to it planted in the store."""
    secret = f"CANARY-{secrets.token_hex(16)}".encode()
    outside = tmp_path / "outside" / "canary.txt"
    outside.parent.mkdir()
    outside.write_bytes(secret)
    # A blob-store entry that is a symlink to the canary, recorded under some digest
    fake = sha256(b"the bytes this digest claims")
    link = seed.registry.blobs.path_for(fake)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)
    seed.run("linked", blobs=[(fake, len(secret), "text/plain")])
    # And the canary's own digest, recorded too, but pointing at no file in the store
    real = sha256(secret)
    seed.run("dangling", blobs=[(real, len(secret), "text/plain")])
    return {"secret": secret, "link_digest": fake, "digest": real}


@pytest.mark.parametrize("case", TRAVERSALS)
async def test_blob_traversal_matrix(raw_fetch, canary, case):
    path = "mm-jupyter/api/blobs/" + concrete(case, canary["digest"])
    # Without a token: 403 whatever the path (no oracle)
    anonymous = await raw_fetch(path, headers={"Authorization": ""})
    assert anonymous.code == 403
    # With a token: 400 (not a digest) or 404 (tornado found no route)
    response = await raw_fetch(path)
    assert response.code in (400, 404), response.code
    assert canary["secret"] not in response.body
    if response.code == 400:
        assert b"sha256" in response.body


async def test_symlinked_blob_is_not_served(raw_fetch, canary, registry_dir):
    # The symlink's target does not hash to the digest: 500 "corrupted", no bytes
    response = await raw_fetch(f"mm-jupyter/api/blobs/{canary['link_digest']}")
    assert response.code == 500
    assert canary["secret"] not in response.body
    body = strict_loads(response.body)
    assert "corrupted" in body["message"]
    assert str(registry_dir) not in response.body.decode()
    # The canary's own digest names no file inside the store: 404
    response = await raw_fetch(f"mm-jupyter/api/blobs/{canary['digest']}")
    assert response.code == 404
    assert canary["secret"] not in response.body


async def test_unknown_and_orphan_blobs_are_404(raw_fetch, seed):
    unknown = sha256(b"never stored")
    response = await raw_fetch(f"mm-jupyter/api/blobs/{unknown}")
    assert response.code == 404
    assert strict_loads(response.body)["message"].startswith("no blob")
    # A file in the blob store without a row in `blobs` is not registry content
    orphan = seed.registry.blobs.put_bytes(b"orphan bytes")
    response = await raw_fetch(f"mm-jupyter/api/blobs/{orphan}")
    assert response.code == 404


async def test_corrupted_blob_is_a_safe_500(raw_fetch, seed, registry_dir):
    row = seed.blob(b"original bytes", "image/png")
    seed.run("r", blobs=[row])
    path = seed.registry.blobs.path_for(row[0])
    path.chmod(0o644)
    path.write_bytes(b"tampered bytes")
    response = await raw_fetch(f"mm-jupyter/api/blobs/{row[0]}")
    assert response.code == 500
    assert b"tampered" not in response.body
    assert str(registry_dir).encode() not in response.body
    assert "Content-Disposition" not in response.headers
    assert response.headers["Content-Type"].startswith("application/json")


# -- bounded requests ------------------------------------------------------------------


async def test_huge_limit_is_refused_quickly_and_server_stays_responsive(
    raw_fetch, seed
):
    seed.run("r")
    start = time.monotonic()
    response = await raw_fetch(f"mm-jupyter/api/runs?limit={10**9}")
    assert response.code == 400
    response = await raw_fetch("mm-jupyter/api/runs?limit=" + "9" * 10_000)
    assert response.code == 400
    response = await raw_fetch("mm-jupyter/api/runs?q=" + "x" * 20_000)
    assert response.code == 400
    ok = await raw_fetch("mm-jupyter/api/runs")
    assert ok.code == 200
    assert time.monotonic() - start < 2.0


async def test_many_concurrent_list_requests(raw_fetch, seed):
    import asyncio

    for i in range(20):
        seed.run(f"r{i}", metrics={"acc": i / 20})
    start = time.monotonic()
    responses = await asyncio.gather(
        *[raw_fetch("mm-jupyter/api/runs?sort=metric:acc") for _ in range(200)]
    )
    assert {r.code for r in responses} == {200}
    assert len({r.body for r in responses}) == 1
    assert time.monotonic() - start < 20
