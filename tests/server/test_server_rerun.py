"""``POST runs/{id}/rerun`` and ``GET runs/{id}/checkout`` through a real Jupyter
server: the re-run starts a real kernel; auth, XSRF, bad input and unknown runs are
refused before any kernel starts; the checkout writes no file on the server."""

from __future__ import annotations

import json

import pytest
from server_helpers import strict_loads
from test_contract import assert_valid
from test_server_models import assert_error, get_browser_cookies

pytestmark = pytest.mark.slow

ROOT = "mm-jupyter/api/"
JSON = {"Content-Type": "application/json"}


async def post(raw_fetch, path, body, headers=None):
    response = await raw_fetch(
        ROOT + path, method="POST",
        body=body if isinstance(body, bytes) else json.dumps(body).encode(),
        headers={**JSON, **(headers or {})})
    return response.code, strict_loads(response.body) if response.body else None


def run_count(store):
    with store.read() as conn:
        return conn.execute("SELECT count(*) FROM runs").fetchone()[0]


async def test_rerun_replies_with_the_report(raw_fetch, seed, store):
    run_id = seed.run("steady", cell="acc = 0.5\n", metrics={"acc": 0.5})
    code, report = await post(raw_fetch, f"runs/{run_id}/rerun", {"timeout": 120, "rtol": 0})
    assert code == 200, report
    assert_valid("rerun_report", report)
    assert report["run"] == run_id and report["status"] == "finished", report["error"]
    assert report["reproduced"] is True and report["rtol"] == 0
    assert [m["rerun"] for m in report["metrics"]] == [0.5]
    response = await raw_fetch(f"{ROOT}runs/{report['rerun']}")
    assert strict_loads(response.body)["run"]["tags"]["rerun_of"] == run_id
    # no body at all: the defaults
    code, again = await post(raw_fetch, f"runs/{run_id}/rerun", b"", {"Content-Length": "0"})
    assert code == 200 and again["rtol"] == 1e-6 and again["reproduced"] is True


async def test_rerun_refuses_before_any_kernel_starts(raw_fetch, seed, store):
    run_id = seed.run("guarded", cell="acc = 0.5\n", metrics={"acc": 0.5})
    before = run_count(store)
    for auth in ("", "token wrong"):
        code, _ = await post(raw_fetch, f"runs/{run_id}/rerun", {}, {"Authorization": auth})
        assert code == 403
    cookies = await get_browser_cookies(raw_fetch)
    cookie = {"Authorization": "", "Cookie": f"{cookies['login']}; _xsrf={cookies['xsrf']}"}
    code, reply = await post(raw_fetch, f"runs/{run_id}/rerun", {}, cookie)
    assert code == 403 and "xsrf" in reply["message"].lower()
    code, reply = await post(raw_fetch, "runs/no-such-run/rerun", {})
    assert_error(code, reply, 404, "no-such-run")
    for body, words in (({"timeout": -1}, ("timeout",)), ({"rtol": "x"}, ("rtol", "number")),
                        ({"seed": 1}, ("unknown key", "seed")), (b"[1]", ()),
                        ({"timeout": True}, ("timeout",))):
        code, reply = await post(raw_fetch, f"runs/{run_id}/rerun", body)
        assert_error(code, reply, 400, *words)
    code, _ = await post(raw_fetch, f"runs/{run_id}/rerun", b"{}", {"Content-Type": "text/plain"})
    assert code == 415
    assert run_count(store) == before  # nothing ran


async def test_checkout_returns_the_notebook_and_writes_nothing(raw_fetch, seed, jp_root_dir):
    run_id = seed.run("a run/with ✓ name", cell="acc = 0.5\n", environment={
        "python": "3.11", "platform": "Linux",
        "packages": {"mm-jupyter": "0.1.0", "jupyterlab": "4.0.0"}})
    before = sorted(p.name for p in jp_root_dir.iterdir())
    response = await raw_fetch(f"{ROOT}runs/{run_id}/checkout")
    assert response.code == 200
    payload = strict_loads(response.body)
    assert_valid("checkout", payload)
    assert payload["name"] == "a-run-with-name.ipynb"
    assert payload["requirements"] == "mm-jupyter==0.1.0\n"
    assert payload["inputs"] == []
    cells = payload["notebook"]["cells"]
    assert cells[0]["cell_type"] == "markdown" and run_id in cells[0]["source"]
    assert cells[1]["source"] == "%load_ext mm_jupyter"
    assert cells[-1]["source"].startswith("%%mm_track --name 'a run/with ✓ name'")
    assert sorted(p.name for p in jp_root_dir.iterdir()) == before
    response = await raw_fetch(f"{ROOT}runs/no-such-run/checkout")
    assert_error(response.code, strict_loads(response.body), 404, "no-such-run")
    response = await raw_fetch(f"{ROOT}runs/{run_id}/checkout", headers={"Authorization": ""})
    assert response.code == 403
