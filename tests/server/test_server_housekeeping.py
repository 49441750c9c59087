"""``POST runs/{id}/update|archive|restore|delete|move`` and ``POST metric-directions``
through a real Jupyter server: replies, the audit trail, bad input, XSRF and a
read-only authorizer (SQLite, or PostgreSQL with --registry-backend=postgresql)."""

from __future__ import annotations

import json

import pytest
from jupyter_server.auth import Authorizer
from server_helpers import strict_loads
from test_contract import assert_valid
from test_server_models import assert_error, get_browser_cookies

from mm_jupyter.identity import current_user

ROOT = "mm-jupyter/api/"
JSON = {"Content-Type": "application/json"}


async def post(raw_fetch, path: str, body: object = None, headers=None):
    """POST ``body`` (JSON, raw bytes, or nothing); return ``(code, payload)``."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    response = await raw_fetch(
        ROOT + path, method="POST", body=data if data is not None else b"",
        headers={**(JSON if data is not None else {}), **(headers or {})},
        allow_nonstandard_methods=True,
    )
    return response.code, strict_loads(response.body) if response.body else None


async def detail(raw_fetch, run_id: str) -> dict:
    response = await raw_fetch(f"{ROOT}runs/{run_id}")
    assert response.code == 200
    payload = strict_loads(response.body)
    assert_valid("run_detail", payload)
    return payload


async def test_each_change_replies_with_the_summary_and_is_recorded(raw_fetch, seed):
    run_id = seed.run("baseline", tags={"team": "risk"}, metrics={"val_loss": 0.2, "acc": 0.9})

    code, summary = await post(raw_fetch, f"runs/{run_id}/update", {
        "name": "tuned", "note": "## Why\n<script>alert(1)</script>",
        "tags": {"stage": "prod", "team": None}, "starred": True})
    assert code == 200, summary
    assert_valid("run_summary", summary)
    assert summary["id"] == run_id and summary["name"] == "tuned"
    assert summary["tags"] == {"stage": "prod"}

    got = await detail(raw_fetch, run_id)
    assert got["note"] == "## Why\n<script>alert(1)</script>"  # stored as given; the UI sanitizes
    assert got["starred"] is True and got["deleted_at"] is None and got["cell_id"] is None
    assert sorted(e["action"] for e in got["events"]) == ["note", "rename", "star", "tag"]
    assert {e["user"] for e in got["events"]} == {current_user()}  # the token user: the server's

    for action, field in (("archive", "archived_at"), ("delete", "deleted_at")):
        code, summary = await post(raw_fetch, f"runs/{run_id}/{action}")
        assert code == 200, summary
        assert_valid("run_summary", summary)
        assert (await detail(raw_fetch, run_id))[field] is not None
    code, summary = await post(raw_fetch, f"runs/{run_id}/restore", {})
    assert code == 200
    restored = await detail(raw_fetch, run_id)
    assert restored["archived_at"] is None and restored["deleted_at"] is None
    code, summary = await post(raw_fetch, f"runs/{run_id}/move", {"experiment": "tidy"})
    assert code == 200 and summary["experiment"] == "tidy"
    events = (await detail(raw_fetch, run_id))["events"]
    assert [e["action"] for e in events[:4]] == ["move", "restore", "delete", "archive"]
    assert events[0]["detail"] == {"from": "default", "to": "tidy"}


async def test_metric_directions_route_and_keys(raw_fetch, seed):
    seed.run("m", metrics={"val_loss": 0.2, "acc": 0.9})
    keys = strict_loads((await raw_fetch(f"{ROOT}keys")).body)
    assert_valid("keys", keys)
    assert keys["directions"] == {"acc": "max", "val_loss": "min"}

    code, reply = await post(raw_fetch, "metric-directions", {"key": "acc", "direction": "min"})
    assert code == 200, reply
    assert_valid("metric_direction_response", reply)
    assert reply == {"key": "acc", "direction": "min", "source": "set"}
    keys = strict_loads((await raw_fetch(f"{ROOT}keys")).body)
    assert keys["directions"] == {"acc": "min", "val_loss": "min"}
    code, reply = await post(raw_fetch, "metric-directions", {"key": "acc", "direction": None})
    assert reply == {"key": "acc", "direction": "max", "source": "inferred"}

    code, reply = await post(raw_fetch, "metric-directions", {"key": "acc", "direction": "up"})
    assert_error(code, reply, 400, "'min' (lower is better)", "'up'")
    code, reply = await post(raw_fetch, "metric-directions", {"key": "acc"})
    assert_error(code, reply, 400, "'direction' is required")


@pytest.mark.parametrize("path, body, code, words", [
    ("update", {}, 400, ["nothing to update"]),
    ("update", {"color": "red"}, 400, ["unknown key 'color'", "'starred'"]),
    ("update", {"name": 3}, 400, ["'name' must be a string, not a number"]),
    ("update", {"name": "a:b"}, 400, ["run name 'a:b' contains ':'"]),
    ("update", {"tags": {"k": 1}}, 400, ["tag 'k' must be a string or null, not a number"]),
    ("update", {"tags": ["k"]}, 400, ["'tags' must be an object"]),
    ("update", {"starred": "yes"}, 400, ["'starred' must be true or false"]),
    ("update", {"note": "x" * 60000 + "é" * 3000}, 413, ["larger than 65536 bytes"]),
    ("update", b"[1]", 400, ["must be a JSON object"]),
    ("move", {}, 400, ["'experiment' is required"]),
    ("move", {"experiment": " "}, 400, ["an experiment name must be a non-empty string"]),
    ("archive", {"why": "x"}, 400, ["unknown key 'why' (allowed: none)"]),
])
async def test_bad_input_is_a_400_naming_it_and_changes_nothing(
    raw_fetch, seed, path, body, code, words
):
    run_id = seed.run("keep")
    got, reply = await post(raw_fetch, f"runs/{run_id}/{path}", body)
    assert_error(got, reply, code, *words)
    after = await detail(raw_fetch, run_id)
    assert after["run"]["name"] == "keep" and after["events"] == []


async def test_unknown_running_and_mistyped_requests(raw_fetch, seed):
    code, reply = await post(raw_fetch, "runs/000000000000/archive")
    assert_error(code, reply, 404, "no run with id '000000000000'")
    live = seed.run("live", status="running")
    code, reply = await post(raw_fetch, f"runs/{live}/delete")
    assert_error(code, reply, 409, "still running")
    code, reply = await post(raw_fetch, f"runs/{live}/move", {"experiment": "x"})
    assert_error(code, reply, 409, "cannot be moved")
    code, reply = await post(raw_fetch, f"runs/{live}/update", b'{"name": "x"}',
                             {"Content-Type": "text/plain"})
    assert code == 415
    response = await raw_fetch(f"{ROOT}runs/{live}/archive")  # GET is not a route method
    assert response.code == 405


async def test_credentials_and_the_xsrf_token_are_required(raw_fetch, seed):
    run_id = seed.run("guarded")
    for auth in ("", "token wrong"):
        code, _ = await post(raw_fetch, f"runs/{run_id}/delete", None, {"Authorization": auth})
        assert code == 403
    cookies = await get_browser_cookies(raw_fetch)
    cookie = {"Authorization": "", "Cookie": f"{cookies['login']}; _xsrf={cookies['xsrf']}"}
    code, reply = await post(raw_fetch, f"runs/{run_id}/update", {"name": "x"}, cookie)
    assert code == 403 and "xsrf" in reply["message"].lower()
    code, _ = await post(raw_fetch, "metric-directions", {"key": "a", "direction": "min"}, cookie)
    assert code == 403
    assert (await detail(raw_fetch, run_id))["events"] == []
    # As the sidebar sends it: the _xsrf cookie echoed in X-XSRFToken
    code, summary = await post(raw_fetch, f"runs/{run_id}/update", {"name": "renamed"},
                               {**cookie, "X-XSRFToken": cookies["xsrf"]})
    assert code == 200 and summary["name"] == "renamed"


class ReadOnly(Authorizer):
    """A reader: read access to mm_jupyter only."""

    def is_authorized(self, handler, user, action, resource):
        return not (resource == "mm_jupyter" and action != "read")


@pytest.mark.parametrize("extra_server_config", [{"authorizer_class": ReadOnly}])
async def test_a_reader_cannot_write(raw_fetch, seed, extra_server_config):
    run_id = seed.run("theirs")
    for path, body in ((f"runs/{run_id}/update", {"starred": True}),
                       (f"runs/{run_id}/delete", None),
                       (f"runs/{run_id}/move", {"experiment": "x"}),
                       ("metric-directions", {"key": "acc", "direction": "min"})):
        code, reply = await post(raw_fetch, path, body)
        assert_error(code, reply, 403, "write", "mm_jupyter")
    after = await detail(raw_fetch, run_id)  # reads still work; nothing changed
    assert after["events"] == [] and after["deleted_at"] is None
