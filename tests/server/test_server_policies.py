"""Promotion policies over REST, through a real Jupyter server: the check the promote
dialog shows, the 409 that names the failed rules, approvals, --force for overriders,
the policies themselves, bad input and XSRF.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import pytest
from server_helpers import strict_loads
from test_contract import assert_valid, assert_valid_error
from test_server_models import get_browser_cookies

ROOT = "mm-jupyter/api/"
JSON = {"Content-Type": "application/json"}
VERSION = "models/iris-clf/versions/1"

sklearn = pytest.importorskip("sklearn")


def db_role() -> str | None:
    """The server's database login role on PostgreSQL (who approves, who may force)."""
    url = os.environ.get("MM_JUPYTER_DATABASE_URL")
    return urlsplit(url).username if url else None


@pytest.fixture
def version(mm, monkeypatch):
    """iris-clf:1, registered by alice from a run that logged test.accuracy 0.87."""
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    monkeypatch.setenv("MM_JUPYTER_USER", "alice")
    X, y = load_iris(return_X_y=True, as_frame=True)
    with mm.track(name="fit"):
        model = LogisticRegression(max_iter=300).fit(X, y)
        mm.log_metric("test.accuracy", 0.87)
        mm.register_model(model, name="iris-clf")
    return mm


async def call(raw_fetch, path, body=None, headers=None, method=None):
    data = None if body is None else json.dumps(body).encode()
    response = await raw_fetch(f"{ROOT}{path}", method=method or ("GET" if body is None else "POST"),
                               body=data, headers={**JSON, **(headers or {})})
    return response.code, strict_loads(response.body)


async def test_the_check_lists_every_rule_and_the_transition_refuses_with_it(raw_fetch, version):
    version.set_policy("iris-clf", "production",
                       require=["test.accuracy >= 0.9", "signature exists"])
    code, check = await call(raw_fetch, f"{VERSION}/checks?stage=production")
    assert code == 200, check
    assert_valid("model_check", check)
    assert (check["passed"], check["failed"]) == (False, ["test.accuracy >= 0.9"])
    assert [r["status"] for r in check["rules"]] == ["fail", "pass"]
    assert check["rules"][0]["message"] == "test.accuracy is 0.87; needs >= 0.9"
    code, reply = await call(raw_fetch, f"{VERSION}/transition", {"stage": "production"})
    assert code == 409
    assert "test.accuracy >= 0.9" in reply["message"]
    assert reply["check"]["failed"] == ["test.accuracy >= 0.9"]
    assert_valid_error(json.dumps(reply).encode())
    code, detail = await call(raw_fetch, VERSION)
    assert detail["stage"] == "none" and detail["history"] == []
    # a stage without a policy: nothing to fail
    code, check = await call(raw_fetch, f"{VERSION}/checks?stage=staging")
    assert (code, check["passed"], check["rules"], check["policy"]["source"]) == (
        200, True, [], "none")


async def test_force_is_for_overriders_and_needs_a_reason(raw_fetch, version, monkeypatch):
    lead = db_role() or "lead"  # on PostgreSQL only a role may force, not a name
    version.set_policy("iris-clf", "production", require=["test.accuracy >= 0.9"],
                       overriders=["someone-else"])
    monkeypatch.setenv("MM_JUPYTER_USER", lead)
    code, reply = await call(raw_fetch, f"{VERSION}/transition", {"stage": "production",
                                                                 "force": True})
    assert code == 400 and "'force' needs a 'reason'" in reply["message"]
    code, reply = await call(raw_fetch, f"{VERSION}/transition",
                             {"stage": "production", "force": True, "reason": "hotfix"})
    assert code == 409 and "Forcing it is for: someone-else" in reply["message"]
    assert reply["check"]["can_override"] is False
    version.set_policy("iris-clf", "production", require=["test.accuracy >= 0.9"],
                       overriders=[lead])
    code, check = await call(raw_fetch, f"{VERSION}/checks?stage=production")
    assert check["can_override"] is True and check["user"] == lead
    code, moved = await call(raw_fetch, f"{VERSION}/transition",
                             {"stage": "production", "force": True, "reason": "hotfix"})
    assert code == 200, moved
    assert moved["stage"] == "production"
    [entry] = moved["history"]
    assert (entry["forced"], entry["overridden"], entry["user"]) == (
        True, ["test.accuracy >= 0.9"], lead)
    assert entry["comment"] == "forced: hotfix"
    assert_valid("model_transition_response", moved)


async def test_approvals_count_only_from_others_than_the_registrant(
    raw_fetch, version, monkeypatch
):
    version.set_policy("iris-clf", "production", require=["approvals >= 1"])
    code, found = await call(raw_fetch, f"{VERSION}/approvals", {"comment": "mine"})
    assert code == 201, found
    assert found["count"] == 0 and found["approvals"][0]["counts"] is False
    assert "registrant" in found["approvals"][0]["why_not"]
    monkeypatch.setenv("MM_JUPYTER_USER", "bob")
    code, found = await call(raw_fetch, f"{VERSION}/approvals", {})
    assert_valid("model_approvals", found)
    if db_role():  # the server's one database role registered it: bob's does not count
        assert code == 201 and found["count"] == 0
        assert "database role" in found["approvals"][1]["why_not"]
        return  # a second role's approval counting: tests/api/test_policies.py
    assert code == 201 and found["count"] == 1
    code, listed = await call(raw_fetch, f"{VERSION}/approvals")
    assert listed == found
    code, check = await call(raw_fetch, f"{VERSION}/checks?stage=production")
    assert check["passed"] is True
    code, detail = await call(raw_fetch, VERSION)
    assert [a["user"] for a in detail["approvals"]] == ["alice", "bob"]
    assert_valid("model_version", detail)
    code, moved = await call(raw_fetch, f"{VERSION}/transition", {"stage": "production"})
    assert code == 200 and moved["stage"] == "production"


async def test_policies_are_read_and_replaced_per_stage_and_the_default(raw_fetch, version):
    code, found = await call(raw_fetch, "policies", {"stage": "production",
                                                    "require": ["approvals >= 2"]})
    assert code == 200, found
    assert found["model"] is None and found["policies"][0]["source"] == "default"
    code, found = await call(raw_fetch, "models/iris-clf/policies")
    assert [(p["stage"], p["source"], p["require"]) for p in found["policies"]] == [
        ("production", "default", ["approvals >= 2"])]
    code, found = await call(raw_fetch, "models/iris-clf/policies", {
        "stage": "staging", "require": ["test.accuracy>=0.8", "reproducibility == 'clean'"],
        "overriders": ["lead"]})
    assert code == 200, found
    assert_valid("model_policies", found)
    staging = found["policies"][0]
    assert staging["require"] == ["test.accuracy >= 0.8", 'reproducibility == "clean"']
    assert (staging["stage"], staging["source"], staging["overriders"]) == (
        "staging", "model", ["lead"])
    assert staging["updated_by"] == "alice"
    code, found = await call(raw_fetch, "models/iris-clf/policies",
                             {"stage": "staging", "require": []})
    assert [p["stage"] for p in found["policies"]] == ["production"]


@pytest.mark.parametrize(("path", "body", "code", "words"), [
    ("models/iris-clf/policies", {"stage": "production", "require": ["acc >= x"]}, 400,
     ["rule 'acc >= x'", "not a number"]),
    ("models/iris-clf/policies", {"stage": "prod", "require": []}, 400, ["'stage' must be"]),
    ("models/iris-clf/policies", {"stage": "production"}, 400, ["'require' is missing"]),
    ("models/iris-clf/policies", {"stage": "production", "require": "a > 1"}, 400,
     ["must be a list of strings"]),
    ("models/iris-clf/policies", {"stage": "production", "require": [], "who": 1}, 400,
     ["unknown key 'who'"]),
    ("models/nope/policies", {"stage": "production", "require": []}, 404,
     ["no registered model named 'nope'"]),
    (f"{VERSION}/approvals", {"comment": 5}, 400, ["'comment' must be a string"]),
    (f"{VERSION}/approvals", {"note": "x"}, 400, ["unknown key 'note'"]),
    ("models/iris-clf/versions/7/approvals", {}, 404, ["has no version 7"]),
    (f"{VERSION}/transition", {"stage": "production", "force": "yes", "reason": "r"}, 400,
     ["'force' must be true or false"]),
])
async def test_bad_input_is_a_400_naming_it_and_changes_nothing(
    raw_fetch, version, path, body, code, words
):
    got, reply = await call(raw_fetch, path, body)
    assert got == code, reply
    assert all(word in reply["message"] for word in words), reply["message"]
    assert version.get_policy("iris-clf") == []
    assert version.get_model("iris-clf:1").approvals == []


async def test_bad_check_requests(raw_fetch, version):
    code, reply = await call(raw_fetch, f"{VERSION}/checks?stage=prod")
    assert code == 400 and "'stage' must be one of" in reply["message"]
    code, reply = await call(raw_fetch, "models/iris-clf/versions/9/checks?stage=production")
    assert code == 404


async def test_writes_need_the_xsrf_token_with_a_cookie(raw_fetch, version):
    cookies = await get_browser_cookies(raw_fetch)
    cookie = {"Authorization": "", "Cookie": f"{cookies['login']}; _xsrf={cookies['xsrf']}"}
    for path, body in [(f"{VERSION}/approvals", {}),
                       ("models/iris-clf/policies", {"stage": "production", "require": []})]:
        code, reply = await call(raw_fetch, path, body, cookie)
        assert code == 403 and "xsrf" in reply["message"].lower()
    assert version.get_model("iris-clf:1").approvals == []
    code, found = await call(raw_fetch, f"{VERSION}/approvals", {},
                             {**cookie, "X-XSRFToken": cookies["xsrf"]})
    assert code == 201 and found["approvals"][0]["user"]
