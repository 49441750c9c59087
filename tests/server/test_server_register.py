"""``POST runs/{id}/register-model``: a model version from a run's autologged model,
through a real Jupyter server, on runs made by real scikit-learn fits in tracked cells."""

from __future__ import annotations

import json

import pytest
from jupyter_server.auth import Authorizer
from server_helpers import strict_loads
from test_contract import assert_valid, validator
from test_server_models import assert_error, get_browser_cookies
from tracked_fits import track_fits

from mm_jupyter.identity import current_user

ROOT = "mm-jupyter/api/"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def fits(ip):
    """Runs ``gbm`` (a GradientBoostingClassifier's model stored) and ``nofit``."""
    return track_fits(ip, search=False)


async def register(raw_fetch, run_id: str, body: object, headers=None):
    """POST a registration; return ``(code, payload)``."""
    response = await raw_fetch(
        f"{ROOT}runs/{run_id}/register-model",
        method="POST",
        body=body if isinstance(body, bytes) else json.dumps(body).encode(),
        headers={**JSON, **(headers or {})},
    )
    return response.code, strict_loads(response.body) if response.body else None


async def test_registers_the_runs_model_and_replies_with_the_version(raw_fetch, fits):
    body = {"name": "iris-gbm", "alias": "champion", "stage": "staging",
            "description": "from the sidebar"}
    assert validator("run_model_registration_request").is_valid(body)
    code, version = await register(raw_fetch, fits.gbm, body)
    assert code == 200, version
    assert_valid("run_model_registration_response", version)
    assert version["ref"] == "iris-gbm:1"
    assert (version["stage"], version["aliases"]) == ("staging", ["champion"])
    assert version["description"] == "from the sidebar"
    assert version["run"]["id"] == fits.gbm and version["run"]["name"] == "gbm"
    assert version["flavor"] == "sklearn"
    assert version["config"]["n_estimators"] == 5
    assert version["metrics"]["train.accuracy"] > 0.9  # the run's metrics
    # The version holds the bytes autologging stored for the run (no copy, no unpickling)
    response = await raw_fetch(f"{ROOT}runs/{fits.gbm}")
    outputs = strict_loads(response.body)["artifacts"]["outputs"]
    [logged] = [o for o in outputs if o["kind"] == "model" and o["name"] == "gbm-model"]
    assert version["artifact"]["digest"] == logged["digest"]
    # The model's page lists it
    response = await raw_fetch(f"{ROOT}models/iris-gbm")
    assert [v["version"] for v in strict_loads(response.body)["versions"]] == [1]


async def test_the_same_run_again_is_the_same_version_and_blanks_mean_none(raw_fetch, fits):
    code, first = await register(raw_fetch, fits.gbm, {"name": "again"})
    assert code == 200 and first["ref"] == "again:1" and first["stage"] == "none"
    code, second = await register(
        raw_fetch, fits.gbm, {"name": "again", "alias": "", "stage": "", "description": None}
    )
    assert code == 200 and second["ref"] == "again:1"


@pytest.mark.parametrize(
    ("body", "expected", "words"),
    [
        ({"name": "m", "stage": "prod"}, 400, ["stage must be one of", "production"]),
        ({"name": "m", "alias": "1x"}, 400, ["alias '1x'"]),
        ({"name": "a:b"}, 400, ["':'"]),
        ({"name": ""}, 400, ["is empty"]),
        ({"alias": "x"}, 400, ["'name' is required"]),
        ({"name": "m", "run": "gbm"}, 400, ["unknown key 'run'"]),
        ({"name": 3}, 400, ["'name' must be a string"]),
        ({"name": "m", "description": "x" * 2001}, 400, ["longer than 2000"]),
        (b'{"name": "m", "name": "n"}', 400, ["repeats the key"]),
        (b"[]", 400, ["JSON object"]),
        (b"{", 400, ["not valid JSON"]),
    ],
)
async def test_bad_bodies_are_400_with_the_reason(raw_fetch, fits, body, expected, words):
    code, payload = await register(raw_fetch, fits.gbm, body)
    assert_error(code, payload, expected, *words)
    if isinstance(body, dict):  # the schema refuses what the server refuses
        assert not validator("run_model_registration_request").is_valid(body)
    response = await raw_fetch(f"{ROOT}models")
    assert strict_loads(response.body)["total"] == 0  # nothing was written


async def test_a_run_without_a_model_and_an_unknown_run_are_404(raw_fetch, fits):
    code, payload = await register(raw_fetch, fits.nofit, {"name": "m"})
    assert_error(code, payload, 404, "has no autologged model", "mm.register_model")
    code, payload = await register(raw_fetch, "f" * 32, {"name": "m"})
    assert_error(code, payload, 404, "no run with id")
    # The route takes exact ids only: a name or prefix names no run
    code, payload = await register(raw_fetch, "gbm", {"name": "m"})
    assert_error(code, payload, 404, "no run with id")
    code, payload = await register(raw_fetch, "x" * 300, {"name": "m"})
    assert code == 404


async def test_a_name_an_artifact_holds_is_refused(raw_fetch, fits, mm):
    mm.log_artifact(b"a,b\n1,2\n", "churn-data", kind="dataset")
    code, payload = await register(raw_fetch, fits.gbm, {"name": "churn-data"})
    assert_error(code, payload, 400, "cannot register model 'churn-data'", "dataset")


async def test_content_type_and_size_are_checked(raw_fetch, fits):
    response = await raw_fetch(
        f"{ROOT}runs/{fits.gbm}/register-model", method="POST",
        body=b'{"name": "m"}', headers={"Content-Type": "text/plain"},
    )
    assert response.code == 415
    code, _ = await register(raw_fetch, fits.gbm, b'{"name": "' + b"x" * 70_000 + b'"}')
    assert code == 413


async def test_get_is_not_a_route(raw_fetch, fits):
    response = await raw_fetch(f"{ROOT}runs/{fits.gbm}/register-model")
    assert response.code == 405


# -- auth: token, cookie + XSRF, authorizer -------------------------------------------


async def test_without_credentials_it_is_403_and_nothing_is_written(raw_fetch, fits):
    for auth in ("", "token wrong"):
        code, _ = await register(raw_fetch, fits.gbm, {"name": "m"}, {"Authorization": auth})
        assert code == 403
    response = await raw_fetch(f"{ROOT}models")
    assert strict_loads(response.body)["total"] == 0


async def test_cookie_auth_needs_the_xsrf_token(raw_fetch, fits):
    cookies = await get_browser_cookies(raw_fetch)
    cookie = {"Authorization": "", "Cookie": cookies["login"]}
    code, payload = await register(raw_fetch, fits.gbm, {"name": "m"}, cookie)
    assert code == 403 and "xsrf" in payload["message"].lower()
    with_cookie = {**cookie, "Cookie": f"{cookies['login']}; _xsrf={cookies['xsrf']}"}
    code, _ = await register(raw_fetch, fits.gbm, {"name": "m"}, with_cookie)
    assert code == 403
    code, _ = await register(
        raw_fetch, fits.gbm, {"name": "m"}, {**with_cookie, "X-XSRFToken": "2|00|00|0"}
    )
    assert code == 403
    assert strict_loads((await raw_fetch(f"{ROOT}models")).body)["total"] == 0
    # As the sidebar sends it (ServerConnection puts the _xsrf cookie in X-XSRFToken)
    good = {**with_cookie, "X-XSRFToken": cookies["xsrf"]}
    code, version = await register(raw_fetch, fits.gbm, {"name": "m"}, good)
    assert code == 200 and version["ref"] == "m:1"
    # The history names who registered (an anonymous token user: the server's user)
    me = strict_loads((await raw_fetch("api/me", headers=cookie)).body)["identity"]
    anonymous = me["name"].startswith("Anonymous ")
    assert version["created_by"] == (current_user() if anonymous else me["username"])


class ReadOnly(Authorizer):
    """Read access to mm_jupyter only."""

    def is_authorized(self, handler, user, action, resource):
        return not (resource == "mm_jupyter" and action != "read")


@pytest.mark.parametrize("extra_server_config", [{"authorizer_class": ReadOnly}])
async def test_an_authorizer_denying_write_refuses_it(raw_fetch, fits, extra_server_config):
    code, payload = await register(raw_fetch, fits.gbm, {"name": "m"})
    assert_error(code, payload, 403, "write", "mm_jupyter")
    code, _ = await register(raw_fetch, fits.gbm, b"{")  # refused before it is parsed
    assert code == 403
    assert (await raw_fetch(f"{ROOT}runs/{fits.gbm}")).code == 200  # reads still work


# -- POST models: register a model artifact a run stored (the run output's Register) --


async def register_artifact(raw_fetch, body: object, headers=None):
    """POST models; return ``(code, payload)``."""
    response = await raw_fetch(
        f"{ROOT}models", method="POST",
        body=body if isinstance(body, bytes) else json.dumps(body).encode(),
        headers={**JSON, **(headers or {})},
    )
    return response.code, strict_loads(response.body) if response.body else None


async def model_artifact(raw_fetch, run_id: str) -> str:
    response = await raw_fetch(f"{ROOT}runs/{run_id}")
    outputs = strict_loads(response.body)["artifacts"]["outputs"]
    [ref] = [o["ref"] for o in outputs if o["kind"] == "model"]
    return ref


async def test_post_models_registers_the_artifact_of_the_run(raw_fetch, fits):
    artifact = await model_artifact(raw_fetch, fits.gbm)
    body = {"run": fits.gbm, "artifact": artifact, "name": "from-output", "alias": "a1",
            "tags": {"team": "risk"}, "description": "from the run output"}
    assert validator("model_registration_request").is_valid(body)
    code, version = await register_artifact(raw_fetch, body)
    assert code == 200, version
    assert_valid("run_model_registration_response", version)
    assert version["ref"] == "from-output:1" and version["aliases"] == ["a1"]
    assert version["description"] == "from the run output"
    assert version["run"]["id"] == fits.gbm and version["config"]["n_estimators"] == 5
    # the same bytes as the run's artifact, and listed under the model
    response = await raw_fetch(f"{ROOT}runs/{fits.gbm}")
    outputs = strict_loads(response.body)["artifacts"]["outputs"]
    assert version["artifact"]["digest"] == next(o["digest"] for o in outputs if o["ref"] == artifact)
    response = await raw_fetch(f"{ROOT}models/from-output")
    assert [v["version"] for v in strict_loads(response.body)["versions"]] == [1]
    # GET models still reads
    response = await raw_fetch(f"{ROOT}models")
    assert strict_loads(response.body)["total"] == 1


async def test_post_models_refuses_other_artifacts_with_the_reason(raw_fetch, fits, mm):
    artifact = await model_artifact(raw_fetch, fits.gbm)
    data = mm.log_artifact(b"a,b\n1,2\n", "churn-data", kind="dataset")
    # not a model
    code, payload = await register_artifact(
        raw_fetch, {"run": fits.gbm, "artifact": data.ref, "name": "m"})
    assert_error(code, payload, 400, "is a dataset, not a model")
    # a model, but another run's
    code, payload = await register_artifact(
        raw_fetch, {"run": fits.nofit, "artifact": artifact, "name": "m"})
    assert_error(code, payload, 400, f"is not an output of run {fits.nofit}")
    # unknown version, unknown run
    code, payload = await register_artifact(
        raw_fetch, {"run": fits.gbm, "artifact": "gbm-model:v99", "name": "m"})
    assert code == 404, payload
    code, payload = await register_artifact(
        raw_fetch, {"run": "f" * 32, "artifact": artifact, "name": "m"})
    assert_error(code, payload, 404, "no run with id")
    # bad bodies name the problem
    for body, words in (
        ({"artifact": artifact, "name": "m"}, ["'run' is required"]),
        ({"run": fits.gbm, "name": "m"}, ["'artifact' is required"]),
        ({"run": fits.gbm, "artifact": artifact, "name": "m", "stage": "x"}, ["unknown key 'stage'"]),
        ({"run": fits.gbm, "artifact": artifact, "name": "m", "tags": ["x"]}, ["'tags' must be"]),
        ({"run": 7, "artifact": artifact, "name": "m"}, ["'run' must be a non-empty string"]),
    ):
        code, payload = await register_artifact(raw_fetch, body)
        assert_error(code, payload, 400, *words)
        assert not validator("model_registration_request").is_valid(body)
    assert strict_loads((await raw_fetch(f"{ROOT}models")).body)["total"] == 0


async def test_post_models_needs_credentials_and_the_xsrf_token(raw_fetch, fits):
    artifact = await model_artifact(raw_fetch, fits.gbm)
    body = {"run": fits.gbm, "artifact": artifact, "name": "m"}
    code, _ = await register_artifact(raw_fetch, body, {"Authorization": ""})
    assert code == 403
    cookies = await get_browser_cookies(raw_fetch)
    cookie = {"Authorization": "", "Cookie": f"{cookies['login']}; _xsrf={cookies['xsrf']}"}
    code, payload = await register_artifact(raw_fetch, body, cookie)
    assert code == 403 and "xsrf" in payload["message"].lower()
    assert strict_loads((await raw_fetch(f"{ROOT}models")).body)["total"] == 0
    code, version = await register_artifact(raw_fetch, body, {**cookie, "X-XSRFToken": cookies["xsrf"]})
    assert code == 200 and version["ref"] == "m:1"


@pytest.mark.parametrize("extra_server_config", [{"authorizer_class": ReadOnly}])
async def test_post_models_is_a_write(raw_fetch, fits, extra_server_config):
    code, payload = await register_artifact(
        raw_fetch, {"run": fits.gbm, "artifact": "gbm-model:v1", "name": "m"})
    assert_error(code, payload, 403, "write", "mm_jupyter")
    assert (await raw_fetch(f"{ROOT}models")).code == 200  # reads still work
