"""The model registry routes: list, detail, version, and the transition write."""

from __future__ import annotations

import asyncio
import itertools
import json
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from jupyter_server.auth import Authorizer, IdentityProvider, User
from server_helpers import API, strict_loads
from tornado.web import HTTPError

from mm_jupyter.identity import current_user
from mm_jupyter.server import json_body
from mm_jupyter.server import models as model_handlers

ROOT = "mm-jupyter/api/"
IRIS = "iris%2Fclf"
CHURN = quote("churn ✓ model", safe="")


async def get_json(jp_fetch, *path, **params):
    response = await jp_fetch(*API, *path, params=params)
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return strict_loads(response.body)


async def get_path(raw_fetch, path: str, **kwargs):
    """GET an already-encoded path under the API; return ``(code, body)``."""
    response = await raw_fetch(ROOT + path, **kwargs)
    assert response.headers["Content-Type"].startswith("application/json")
    return response.code, strict_loads(response.body)


def encode_body(body: object) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body).encode()


async def post(raw_fetch, name: str, version: object, body: object, headers=None):
    """POST a transition; ``name`` is already encoded. Returns ``(code, body)``."""
    response = await raw_fetch(
        f"{ROOT}models/{name}/versions/{version}/transition",
        method="POST",
        body=encode_body(body),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    payload = strict_loads(response.body) if response.body else None
    return response.code, payload


def assert_error(code: int, body: dict, expected: int, *words: str) -> None:
    assert code == expected, body
    assert set(body) <= {"message", "reason"}
    assert "Traceback" not in body["message"]
    for word in words:
        assert word in body["message"], (word, body["message"])


def by_name(page):
    return {m["name"]: m for m in page["models"]}


# -- GET models ------------------------------------------------------------------------


async def test_list_has_every_model_with_its_latest_version(jp_fetch, zoo):
    # Given two registered models (the churn model registered last)
    # When the list is fetched
    page = await get_json(jp_fetch, "models")
    # Then both appear, most recently changed first, with their summaries
    assert page["total"] == 2 and page["offset"] == 0 and page["limit"] == 50
    assert isinstance(page["cursor"], int) and page["cursor"] > 0
    assert [m["name"] for m in page["models"]] == ["churn ✓ model", "iris/clf"]
    iris = by_name(page)["iris/clf"]
    assert iris["n_versions"] == 3
    assert iris["description"] == "iris classifier"
    assert iris["owner"] == "ml-team"
    assert iris["tags"] == {"data": "iris"}
    assert iris["stages"] == {"production": [2], "staging": [1]}
    assert iris["aliases"] == {"champion": 1}
    latest = iris["latest"]
    assert latest["version"] == 3 and latest["ref"] == "iris/clf:3"
    assert latest["stage"] == "none" and latest["aliases"] == []
    assert latest["run"] is None and latest["metrics"] == {}
    assert latest["flavor"] == "sklearn"
    assert latest["config"]["C"] == 0.1
    assert latest["artifact"]["ref"] == "iris/clf:v3"
    assert latest["artifact"]["kind"] == "model"
    churn = by_name(page)["churn ✓ model"]
    assert churn["stages"] == {"production": [1]}
    assert churn["owner"] == "risk-team"
    assert churn["latest"]["version"] == 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "iris"}, ["iris/clf"]),
        ({"q": "risk-team"}, ["churn ✓ model"]),  # owner
        ({"q": "BASELINE"}, ["churn ✓ model"]),  # description, any case
        ({"q": "✓"}, ["churn ✓ model"]),
        ({"q": "%"}, []),  # LIKE wildcards are literal
        ({"q": "_"}, []),
        ({"q": "nothing like it"}, []),
        ({"limit": "1"}, ["churn ✓ model"]),
        ({"limit": "1", "offset": "1"}, ["iris/clf"]),
        ({"offset": "2"}, []),
        ({"limit": "500"}, ["churn ✓ model", "iris/clf"]),
    ],
)
async def test_list_filters_and_pages(jp_fetch, zoo, params, expected):
    page = await get_json(jp_fetch, "models", **params)
    assert [m["name"] for m in page["models"]] == expected
    if "q" in params:
        assert page["total"] == len(expected)
    else:
        assert page["total"] == 2


async def test_empty_registry_lists_no_models(jp_fetch):
    page = await get_json(jp_fetch, "models")
    assert page["total"] == 0 and page["models"] == []


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=x", "limit"),
        ("offset=-1", "offset"),
        ("limit=" + "9" * 100, "limit"),
        ("q=" + "x" * 501, "q"),
    ],
)
async def test_list_bad_parameters_are_400(raw_fetch, zoo, query, word):
    code, body = await get_path(raw_fetch, f"models?{query}")
    assert_error(code, body, 400, word)


# -- GET models/{name} -----------------------------------------------------------------


@pytest.mark.parametrize("path", [f"models/{IRIS}", "models/iris/clf"])
async def test_detail_has_versions_history_and_trend(raw_fetch, jp_fetch, zoo, path):
    code, detail = await get_path(raw_fetch, path)
    assert code == 200
    # The summary is the list's item
    page = await get_json(jp_fetch, "models")
    assert detail["model"] == by_name(page)["iris/clf"]
    # Versions newest first, each with where it came from
    versions = detail["versions"]
    assert [v["version"] for v in versions] == [3, 2, 1]
    v3, v2, v1 = versions
    assert v3 == detail["model"]["latest"]
    assert v1["run"] == {
        "id": zoo.train,
        "name": "train",
        "status": "finished",
        "experiment": "iris",
    }
    assert [i["ref"] for i in v1["inputs"]] == ["iris-data:v1"]
    assert v1["metrics"] == {"acc": 0.9}
    assert v1["has_reference_profile"] is True
    assert v2["has_reference_profile"] is False
    first = v1["signature"]["inputs"][0]
    assert first == {"name": "sepal length (cm)", "dtype": "float64"}
    assert "scikit-learn" in v1["requirements"]["packages"]
    assert v2["metrics"] == {"acc": 0.95, "loss": "NaN"}
    assert v2["stage"] == "production" and v1["stage"] == "staging"
    assert v1["aliases"] == ["champion"]
    # The history, oldest first
    steps = [
        (h["version"], h["kind"], h["alias"], h["from"], h["to"])
        for h in detail["history"]
    ]
    assert steps == [
        (1, "stage", None, "none", "staging"),
        (1, "alias", "champion", None, "1"),
        (2, "stage", None, "none", "production"),
    ]
    # The metric trend: one point per version that has the metric, oldest first
    assert detail["metric_trend"] == {
        "acc": [{"version": 1, "value": 0.9}, {"version": 2, "value": 0.95}],
        "loss": [{"version": 2, "value": "NaN"}],
    }


async def test_detail_of_a_unicode_name(raw_fetch, zoo):
    code, detail = await get_path(raw_fetch, f"models/{CHURN}")
    assert code == 200
    assert detail["model"]["name"] == "churn ✓ model"
    assert detail["versions"][0]["run"] is None
    assert detail["metric_trend"] == {}


@pytest.mark.parametrize(
    "path",
    [
        "models/nope",
        "models/iris",  # a prefix is not a name
        "models/iris%2Fclf%2F",
        "models/IRIS%2FCLF",
        "models/" + "x" * 1001,
        "models/iris%2Fclf%3A1",  # a reference is not a name
        "models/iris%2Fclf%40champion",
    ],
)
async def test_unknown_model_is_404(raw_fetch, zoo, path):
    code, body = await get_path(raw_fetch, path)
    assert_error(code, body, 404, "no registered model")


async def test_invalid_utf8_name_is_400(raw_fetch, zoo):
    code, _ = await get_path(raw_fetch, "models/%FF%FE")
    assert code == 400


# -- GET models/{name}/versions/{v} ----------------------------------------------------


@pytest.mark.parametrize("name", [IRIS, "iris/clf"])
async def test_version_has_its_own_history(raw_fetch, zoo, name):
    code, detail = await get_path(raw_fetch, f"models/{IRIS}")
    code, version = await get_path(raw_fetch, f"models/{name}/versions/1")
    assert code == 200
    history = version.pop("history")
    assert version == detail["versions"][-1]
    assert [(h["kind"], h["to"]) for h in history] == [
        ("stage", "staging"),
        ("alias", "1"),
    ]
    assert all(h["version"] == 1 for h in history)
    code, v3 = await get_path(raw_fetch, f"models/{name}/versions/3")
    assert v3["history"] == []


@pytest.mark.parametrize(
    ("path", "expected", "word"),
    [
        (f"models/{IRIS}/versions/0", 400, "positive integer"),
        (f"models/{IRIS}/versions/-1", 400, "positive integer"),
        (f"models/{IRIS}/versions/v1", 400, "positive integer"),
        (f"models/{IRIS}/versions/01", 400, "positive integer"),
        (f"models/{IRIS}/versions/1.0", 400, "positive integer"),
        (f"models/{IRIS}/versions/champion", 400, "positive integer"),
        (f"models/{IRIS}/versions/{'9' * 19}", 400, "positive integer"),
        (f"models/{IRIS}/versions/4", 404, "no version 4"),
        (f"models/{IRIS}/versions/{'9' * 18}", 404, "has no version"),
        ("models/nope/versions/1", 404, "no registered model"),
        ("models/" + "x" * 1001 + "/versions/1", 404, "no registered model"),
    ],
)
async def test_version_errors(raw_fetch, zoo, path, expected, word):
    code, body = await get_path(raw_fetch, path)
    assert_error(code, body, expected, word)


async def test_names_that_do_not_survive_a_reference_are_refused(raw_fetch, mm, zoo):
    # A model named " iris/clf" must never be resolved as "iris/clf" (the store strips
    # references): its versions are refused, its detail still works.
    from sklearn.dummy import DummyClassifier

    # register_model refuses such names now; an older registry may still hold one
    mm.register_model(DummyClassifier().fit([[0], [1]], [0, 1]), "renamed")
    with mm.get_registry().write() as conn:
        conn.execute("UPDATE registered_models SET name = ' iris/clf' WHERE name = 'renamed'")
    spaced = quote(" iris/clf", safe="")
    code, detail = await get_path(raw_fetch, f"models/{spaced}")
    assert code == 200 and detail["model"]["name"] == " iris/clf"
    code, body = await get_path(raw_fetch, f"models/{spaced}/versions/1")
    assert_error(code, body, 400, "cannot be addressed")
    code, body = await post(raw_fetch, spaced, 1, {"stage": "archived"})
    assert_error(code, body, 400, "cannot be addressed")
    # iris/clf v1 was not touched
    code, v1 = await get_path(raw_fetch, f"models/{IRIS}/versions/1")
    assert v1["stage"] == "staging"


# -- POST transition -------------------------------------------------------------------


async def test_promote_with_a_comment(raw_fetch, zoo):
    code, version = await post(
        raw_fetch, IRIS, 3, {"stage": "staging", "comment": "passed review ✓"}
    )
    assert code == 200
    assert version["stage"] == "staging" and version["version"] == 3
    assert version["history"][-1]["comment"] == "passed review ✓"
    assert (version["history"][-1]["from"], version["history"][-1]["to"]) == (
        "none",
        "staging",
    )
    # The reply is what a GET of the version returns now
    code, again = await get_path(raw_fetch, f"models/{IRIS}/versions/3")
    assert again == version
    # Both versions are in staging now: several versions may share a stage
    code, detail = await get_path(raw_fetch, f"models/{IRIS}")
    assert detail["model"]["stages"]["staging"] == [3, 1]


async def test_promote_with_archive_others(raw_fetch, zoo):
    code, version = await post(
        raw_fetch, IRIS, 3, {"stage": "production", "archive_others": True}
    )
    assert code == 200 and version["stage"] == "production"
    code, detail = await get_path(raw_fetch, f"models/{IRIS}")
    assert detail["model"]["stages"] == {
        "production": [3],
        "staging": [1],  # another stage is left alone
        "archived": [2],
    }
    archived = [h for h in detail["history"] if h["to"] == "archived"]
    assert len(archived) == 1
    assert archived[0]["version"] == 2 and archived[0]["from"] == "production"
    assert "v3 entered production" in archived[0]["comment"]


async def test_promote_without_archive_others_keeps_the_others(raw_fetch, zoo):
    code, _ = await post(
        raw_fetch, IRIS, 3, {"stage": "production", "archive_others": False}
    )
    assert code == 200
    code, detail = await get_path(raw_fetch, f"models/{IRIS}")
    assert detail["model"]["stages"]["production"] == [3, 2]


async def test_every_stage_can_be_set_and_unchanged_stage_adds_no_history(
    raw_fetch, zoo
):
    for stage in ("archived", "none", "production", "staging"):
        code, version = await post(raw_fetch, IRIS, 3, {"stage": stage})
        assert code == 200 and version["stage"] == stage
    assert len(version["history"]) == 4
    code, same = await post(raw_fetch, IRIS, 3, {"stage": "staging"})
    assert code == 200 and same["history"] == version["history"]


async def test_alias_set_conflict_move_and_remove(raw_fetch, zoo):
    # A new alias
    code, v2 = await post(raw_fetch, IRIS, 2, {"alias": "challenger"})
    assert code == 200 and v2["aliases"] == ["challenger"]
    # An alias held by v1: refused without move (nothing changes) ...
    code, body = await post(raw_fetch, IRIS, 2, {"alias": "champion"})
    assert_error(code, body, 409, "champion", "version 1")
    code, v1 = await get_path(raw_fetch, f"models/{IRIS}/versions/1")
    assert v1["aliases"] == ["champion"]
    code, body = await post(raw_fetch, IRIS, 2, {"alias": "champion", "move": False})
    assert code == 409
    # ... and moved with move
    code, v2 = await post(
        raw_fetch, IRIS, 2, {"alias": "champion", "move": True, "comment": "better"}
    )
    assert code == 200 and v2["aliases"] == ["challenger", "champion"]
    moved = v2["history"][-1]
    assert (moved["kind"], moved["alias"], moved["from"], moved["to"]) == (
        "alias",
        "champion",
        "1",
        "2",
    )
    assert moved["comment"] == "better"
    code, v1 = await get_path(raw_fetch, f"models/{IRIS}/versions/1")
    assert v1["aliases"] == []
    code, detail = await get_path(raw_fetch, f"models/{IRIS}")
    assert detail["model"]["aliases"] == {"challenger": 2, "champion": 2}
    # Setting an alias the version already holds is a no-op
    code, again = await post(raw_fetch, IRIS, 2, {"alias": "champion"})
    assert code == 200 and again["history"] == v2["history"]
    # Removing an alias from a version that does not hold it: 409; unknown: 404
    code, body = await post(raw_fetch, IRIS, 1, {"remove_alias": "champion"})
    assert_error(code, body, 409, "held by version 2")
    code, body = await post(raw_fetch, IRIS, 2, {"remove_alias": "nobody"})
    assert_error(code, body, 404, "no alias 'nobody'")
    # Removing it from its holder
    code, v2 = await post(
        raw_fetch, IRIS, 2, {"remove_alias": "champion", "comment": "rolled back"}
    )
    assert code == 200 and v2["aliases"] == ["challenger"]
    removed = v2["history"][-1]
    assert (removed["alias"], removed["from"], removed["to"]) == ("champion", "2", None)
    assert removed["comment"] == "rolled back"
    code, detail = await get_path(raw_fetch, f"models/{IRIS}")
    assert detail["model"]["aliases"] == {"challenger": 2}


async def test_transition_of_an_unencoded_name(raw_fetch, zoo):
    code, version = await post(raw_fetch, "iris/clf", 3, {"stage": "archived"})
    assert code == 200 and version["name"] == "iris/clf"


async def test_transition_moves_the_change_cursor_and_the_list_order(
    raw_fetch, jp_fetch, zoo
):
    before = await get_json(jp_fetch, "changes")
    code, _ = await post(raw_fetch, IRIS, 1, {"stage": "archived"})
    assert code == 200
    after = await get_json(jp_fetch, "changes", since=str(before["cursor"]))
    assert after["changed"] is True and after["cursor"] > before["cursor"]
    page = await get_json(jp_fetch, "models")
    assert page["models"][0]["name"] == "iris/clf"  # most recently changed first


@pytest.mark.parametrize(
    ("path", "expected", "word"),
    [
        ("nope/versions/1", 404, "no registered model"),
        (f"{IRIS}/versions/4", 404, "no version 4"),
        (f"{IRIS}/versions/0", 400, "positive integer"),
        (f"{IRIS}/versions/x", 400, "positive integer"),
    ],
)
async def test_transition_of_unknown_targets(raw_fetch, zoo, path, expected, word):
    name, _, version = path.partition("/versions/")
    code, body = await post(raw_fetch, name, version, {"stage": "staging"})
    assert_error(code, body, expected, word)


BAD_BODIES = [
    ({}, "exactly one of"),
    ([], "JSON object"),
    ("staging", "JSON object"),
    (None, "JSON object"),
    ({"stage": "production", "alias": "x"}, "exactly one of"),
    ({"alias": "x", "remove_alias": "x"}, "exactly one of"),
    ({"comment": "no action"}, "exactly one of"),
    ({"stage": "prod"}, "'stage' must be one of"),
    ({"stage": "Production"}, "'stage' must be one of"),
    ({"stage": 1}, "'stage' must be one of"),
    ({"stage": None}, "'stage' must be one of"),
    ({"stage": ["staging"]}, "'stage' must be one of"),
    ({"stage": "production", "move": True}, "unknown key 'move'"),
    ({"stage": "production", "archive_others": 1}, "'archive_others' must be true"),
    ({"stage": "production", "archive_others": "true"}, "'archive_others'"),
    ({"stage": "staging", "extra": 1}, "unknown key 'extra'"),
    ({"stage": "staging", "user": "mallory"}, "unknown key 'user'"),
    ({"stage": "staging", "comment": 5}, "'comment' must be a string"),
    ({"stage": "staging", "comment": None}, "'comment' must be a string"),
    ({"stage": "staging", "comment": "x" * 2001}, "longer than 2000"),
    ({"alias": "1bad"}, "'alias' must be an alias"),
    ({"alias": "123"}, "'alias' must be an alias"),
    ({"alias": "has space"}, "'alias' must be an alias"),
    ({"alias": "a" * 65}, "'alias' must be an alias"),
    ({"alias": ""}, "'alias' must be an alias"),
    ({"alias": 7}, "'alias' must be a string"),
    ({"alias": "x", "move": "yes"}, "'move' must be true or false"),
    ({"alias": "x", "archive_others": True}, "unknown key 'archive_others'"),
    ({"remove_alias": "x", "move": True}, "unknown key 'move'"),
    ({"remove_alias": "1bad"}, "'remove_alias' must be an alias"),
    (b"", "not valid JSON"),
    (b"{", "not valid JSON"),
    (b'{"stage": "staging"} trailing', "not valid JSON"),
    (b'{"stage": NaN}', "not strict JSON"),
    (b'{"stage": "staging", "comment": Infinity}', "not strict JSON"),
    (b'{"stage": "staging", "stage": "production"}', "repeats the key 'stage'"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[" * 30_000 + b"]" * 30_000, "nested too deeply"),
]


@pytest.mark.parametrize(("body", "word"), BAD_BODIES)
async def test_bad_bodies_are_400_naming_the_problem(raw_fetch, zoo, body, word):
    code, before = await get_path(raw_fetch, f"models/{IRIS}")
    code, reply = await post(raw_fetch, IRIS, 1, body)
    assert_error(code, reply, 400, word)
    # Nothing was written
    code, after = await get_path(raw_fetch, f"models/{IRIS}")
    assert after == before


async def test_comment_of_2000_characters_is_accepted(raw_fetch, zoo):
    comment = "✓" * 2000
    code, version = await post(
        raw_fetch, IRIS, 3, {"stage": "staging", "comment": comment}
    )
    assert code == 200 and version["history"][-1]["comment"] == comment


async def test_body_of_exactly_64_kib_is_accepted(raw_fetch, zoo):
    body = b'{"stage": "staging"}'
    body += b" " * (json_body.MAX_BODY - len(body))
    assert len(body) == 64 * 1024
    code, version = await post(raw_fetch, IRIS, 3, body)
    assert code == 200 and version["stage"] == "staging"


async def test_body_over_64_kib_is_413(raw_fetch, zoo):
    code, before = await get_path(raw_fetch, f"models/{IRIS}")
    body = b'{"stage": "staging"}'
    body += b" " * (json_body.MAX_BODY + 1 - len(body))
    code, reply = await post(raw_fetch, IRIS, 3, body)
    assert_error(code, reply, 413, "larger than 65536 bytes")
    code, reply = await post(raw_fetch, IRIS, 3, b" " * 300_000)
    assert code == 413
    code, after = await get_path(raw_fetch, f"models/{IRIS}")
    assert after == before


async def test_chunked_body_over_64_kib_is_413(raw_fetch, zoo):
    # Without Content-Length the size is only known while reading: still a 413
    async def producer(write):
        await write(b'{"stage": "staging", "comment": "')
        for _ in range(70):
            await write(b"x" * 1024)
        await write(b'"}')

    response = await raw_fetch(
        f"{ROOT}models/{IRIS}/versions/3/transition",
        method="POST",
        body_producer=producer,
        headers={"Content-Type": "application/json"},
    )
    assert response.code == 413
    assert "larger than" in strict_loads(response.body)["message"]


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        "application/json; charset=latin-1",
    ],
)
async def test_non_json_content_type_is_415(raw_fetch, zoo, content_type):
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = await raw_fetch(
        f"{ROOT}models/{IRIS}/versions/3/transition",
        method="POST",
        body=b'{"stage": "staging"}',
        headers=headers,
    )
    assert response.code == 415
    assert "Content-Type" in strict_loads(response.body)["message"] or (
        "UTF-8" in strict_loads(response.body)["message"]
    )


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "Application/JSON"]
)
async def test_json_content_type_variants_are_accepted(raw_fetch, zoo, content_type):
    code, _ = await post(
        raw_fetch, IRIS, 3, {"stage": "staging"}, {"Content-Type": content_type}
    )
    assert code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"models/{IRIS}/versions/1/transition"),
        ("PUT", f"models/{IRIS}/versions/1/transition"),
        ("DELETE", f"models/{IRIS}/versions/1/transition"),
        ("POST", f"models/{IRIS}/versions/1"),
        ("POST", f"models/{IRIS}"),
        ("PUT", "models"),  # POST models registers a run's model (test_server_register.py)
    ],
)
async def test_other_methods_are_405(raw_fetch, zoo, method, path):
    response = await raw_fetch(
        ROOT + path,
        method=method,
        body=None if method in ("GET", "DELETE") else b'{"stage": "staging"}',
        headers={"Content-Type": "application/json"},
        allow_nonstandard_methods=True,
    )
    assert response.code == 405


async def test_concurrent_transitions_all_land(raw_fetch, zoo):
    # Twenty writes at once through the server's one connection: none lost
    stages = ["staging", "production", "archived", "none"] * 5
    replies = await asyncio.gather(
        *[post(raw_fetch, IRIS, 3, {"stage": s}) for s in stages]
    )
    assert {code for code, _ in replies} == {200}
    _, version = await get_path(raw_fetch, f"models/{IRIS}/versions/3")
    steps = version["history"]
    for before, after in itertools.pairwise(steps):
        assert after["from"] == before["to"]  # a consistent chain of transitions


# -- who: the Jupyter identity ---------------------------------------------------------


class NamedIdentity(IdentityProvider):
    """A token user with a fixed name, as a hub or a named identity would give."""

    def generate_anonymous_user(self, handler):
        return User(username="ada", name="Ada Lovelace")


@pytest.mark.parametrize(
    "extra_server_config", [{"identity_provider_class": NamedIdentity}]
)
async def test_history_records_the_jupyter_user(raw_fetch, zoo, extra_server_config):
    code, version = await post(
        raw_fetch, IRIS, 3, {"stage": "production", "comment": "go"}
    )
    assert code == 200
    entry = version["history"][-1]
    assert (entry["user"], entry["comment"]) == ("ada", "go")
    code, version = await post(raw_fetch, IRIS, 3, {"alias": "best"})
    assert version["history"][-1]["user"] == "ada"
    code, version = await post(raw_fetch, IRIS, 3, {"remove_alias": "best"})
    assert version["history"][-1]["user"] == "ada"
    # Registrations through the Python API keep the OS user of the kernel
    code, detail = await get_path(raw_fetch, f"models/{IRIS}")
    assert {h["user"] for h in detail["history"][:3]} != {"ada"}


# -- auth: token, cookie + XSRF, authorizer --------------------------------------------


def cookies_of(response) -> dict[str, str]:
    jar: dict[str, str] = {}
    for header in response.headers.get_list("Set-Cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        jar.update({name: morsel.value for name, morsel in cookie.items()})
    return jar


async def get_browser_cookies(raw_fetch) -> dict[str, str]:
    """A login cookie (as the browser holds after opening Lab) and an ``_xsrf`` one."""
    login = cookies_of(await raw_fetch(f"{ROOT}meta"))  # token-authenticated
    [name] = [n for n in login if n.startswith("username-")]
    page = await raw_fetch("login", headers={"Authorization": ""})
    xsrf = cookies_of(page)["_xsrf"]
    return {"login": f"{name}={login[name]}", "xsrf": xsrf}


async def test_new_routes_need_a_token(raw_fetch, zoo):
    paths = [
        "models",
        "models?q=iris",
        f"models/{IRIS}",
        f"models/{IRIS}/versions/1",
    ]
    for path in paths:
        response = await raw_fetch(ROOT + path, headers={"Authorization": ""})
        assert response.code == 403, path
        response = await raw_fetch(ROOT + path, headers={"Authorization": "token x"})
        assert response.code == 403, path
    for auth in ("", "token wrong"):
        code, _ = await post(
            raw_fetch, IRIS, 1, {"stage": "archived"}, {"Authorization": auth}
        )
        assert code == 403
    code, v1 = await get_path(raw_fetch, f"models/{IRIS}/versions/1")
    assert v1["stage"] == "staging"


async def test_cookie_auth_without_xsrf_is_403_and_with_it_is_200(raw_fetch, zoo):
    browser_cookies = await get_browser_cookies(raw_fetch)
    cookie = {"Authorization": "", "Cookie": browser_cookies["login"]}
    # The cookie alone authenticates GETs (as the sidebar's fetches)
    code, _ = await get_path(raw_fetch, f"models/{IRIS}", headers=cookie)
    assert code == 200
    # A cookie-authenticated POST without the XSRF token is a forgery candidate
    code, body = await post(raw_fetch, IRIS, 1, {"stage": "archived"}, cookie)
    assert code == 403
    assert "xsrf" in body["message"].lower()
    with_xsrf_cookie_only = {
        **cookie,
        "Cookie": f"{browser_cookies['login']}; _xsrf={browser_cookies['xsrf']}",
    }
    code, body = await post(
        raw_fetch, IRIS, 1, {"stage": "archived"}, with_xsrf_cookie_only
    )
    assert code == 403
    wrong = {**with_xsrf_cookie_only, "X-XSRFToken": "2|00|00|0"}
    code, _ = await post(raw_fetch, IRIS, 1, {"stage": "archived"}, wrong)
    assert code == 403
    code, v1 = await get_path(raw_fetch, f"models/{IRIS}/versions/1")
    assert v1["stage"] == "staging"  # nothing was written
    # With the token from the _xsrf cookie in X-XSRFToken (as ServerConnection sends)
    good = {**with_xsrf_cookie_only, "X-XSRFToken": browser_cookies["xsrf"]}
    code, v1 = await post(raw_fetch, IRIS, 1, {"stage": "archived"}, good)
    assert code == 200 and v1["stage"] == "archived"
    # The history names the cookie's Jupyter user; an anonymous token user (a random id
    # per browser session) is recorded as the server's own user, as its kernels are
    me = strict_loads((await raw_fetch("api/me", headers=cookie)).body)["identity"]
    anonymous = me["name"].startswith("Anonymous ")
    assert v1["history"][-1]["user"] == (current_user() if anonymous else me["username"])


async def test_token_auth_needs_no_xsrf(raw_fetch, zoo):
    code, v1 = await post(raw_fetch, IRIS, 1, {"stage": "archived"})
    assert code == 200 and v1["stage"] == "archived"
    user = v1["history"][-1]["user"]
    assert isinstance(user, str) and user


class DenyModelWrites(Authorizer):
    """Read-only access to mm_jupyter: every other action on it is denied."""

    def is_authorized(self, handler, user, action, resource):
        return not (resource == "mm_jupyter" and action != "read")


@pytest.mark.parametrize("extra_server_config", [{"authorizer_class": DenyModelWrites}])
async def test_authorizer_denying_write_refuses_transitions_only(
    raw_fetch, jp_fetch, zoo, extra_server_config
):
    code, body = await post(raw_fetch, IRIS, 1, {"stage": "archived"})
    assert_error(code, body, 403, "write", "mm_jupyter")
    # An invalid or oversized body is refused for authorization, not parsed
    code, body = await post(raw_fetch, IRIS, 1, b"{")
    assert code == 403
    for path in ("models", f"models/{IRIS}", f"models/{IRIS}/versions/1"):
        code, _ = await get_path(raw_fetch, path)
        assert code == 200, path
    code, v1 = await get_path(raw_fetch, f"models/{IRIS}/versions/1")
    assert v1["stage"] == "staging"


# -- no unpickling ---------------------------------------------------------------------

CANARY: dict[str, Path] = {}


def plant_canary(path: str) -> dict:
    """What unpickling a :class:`CanaryModel` runs: create the canary file."""
    Path(path).write_text("unpickled!")
    return {}


class CanaryModel:
    """A "model" whose pickle, when loaded, creates a canary file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (plant_canary, (str(self.path),))


async def test_listing_and_details_never_unpickle(raw_fetch, jp_fetch, mm, tmp_path):
    canary = tmp_path / "canary.txt"
    mm.register_model(CanaryModel(canary), "canary/model", alias="armed")
    assert not canary.exists()  # pickling does not run it
    page = await get_json(jp_fetch, "models")
    assert page["models"][0]["latest"]["flavor"] == "joblib"
    for path in (
        "models",
        "models?q=canary",
        "models/canary%2Fmodel",
        "models/canary%2Fmodel/versions/1",
    ):
        code, _ = await get_path(raw_fetch, path)
        assert code == 200
    code, _ = await post(raw_fetch, "canary%2Fmodel", 1, {"stage": "staging"})
    assert code == 200
    code, _ = await post(raw_fetch, "canary%2Fmodel", 1, {"remove_alias": "armed"})
    assert code == 200
    latest = page["models"][0]["latest"]
    response = await raw_fetch(f"{ROOT}blobs/{latest['artifact']['digest']}")
    assert response.code == 200  # the bytes are served as bytes, never loaded
    assert not canary.exists()
    # The canary works: loading the model is what runs the pickle
    mm.load_model("canary/model:1")
    assert canary.exists()


def test_username_is_bounded_and_never_empty():
    handler = object.__new__(model_handlers.ModelTransitionHandler)
    for user, expected in [
        (User(username="x" * 500), "x" * 200),
        (SimpleNamespace(username=""), None),
        ("plain", "plain"),
        (None, None),
    ]:
        handler._current_user = user
        assert handler.jupyter_user() == expected


def test_parse_transition_returns_the_action():
    parse = model_handlers.parse_transition
    assert parse(b'{"stage": "production", "archive_others": true}') == (
        model_handlers.Transition("stage", "production", None, True)
    )
    assert parse(b'{"alias": "champion", "comment": "", "move": true}') == (
        model_handlers.Transition("alias", "champion", None, True)
    )
    assert parse(b'{"remove_alias": "champion", "comment": "why"}') == (
        model_handlers.Transition("remove_alias", "champion", "why", False)
    )
    with pytest.raises(HTTPError) as info:
        parse(b" " * (json_body.MAX_BODY + 1))
    assert info.value.status_code == 413


def test_version_segment_must_be_canonical():
    assert model_handlers.version_number("1") == 1
    assert model_handlers.version_number("9" * 18) == int("9" * 18)
    for bad in ("0", "01", "-1", "+1", "v1", "1 ", "\u0661", "", "9" * 19):
        with pytest.raises(ValueError, match="positive integer"):
            model_handlers.version_number(bad)
