"""Hidden-state verdicts over REST: the run detail and list, the filter, the diff, and
registering a model from a run with warnings (409 unless confirmed, recorded in the
version), on runs made by real tracked cells in a real shell, next to a real server.

The shell runs cells with history stored (as a kernel does) and finds its notebook
through ``MM_JUPYTER_NOTEBOOK``: a notebook holding the cells in order makes a clean
run; one that lacks the cell defining the data makes a run with warnings.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from server_helpers import strict_loads
from test_contract import assert_valid
from test_server_models import assert_error
from tracked_fits import GBM, SETUP

from mm_jupyter.identity import current_user

ROOT = "mm-jupyter/api/"
JSON = {"Content-Type": "application/json"}


def notebook(path, *sources: str) -> str:
    nbformat.write(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(s) for s in sources]), path)
    return str(path)


@pytest.fixture
def runs(ip, mm, tmp_path, monkeypatch):
    """``clean``: its notebook holds every cell it depends on; ``hidden``: the cell
    defining X and y is not in its notebook (as if typed in a console)."""
    from mm_jupyter.services.runs.autolog import wait_for_writes

    clean_cell = f"%%mm_track --name clean\n{GBM}"
    monkeypatch.setenv("MM_JUPYTER_NOTEBOOK",
                       notebook(tmp_path / "clean.ipynb", SETUP, clean_cell))
    ip.run_cell(SETUP, store_history=True).raise_error()
    ip.run_cell(clean_cell, store_history=True).raise_error()
    hidden_cell = f"%%mm_track --name hidden\n{GBM}"
    monkeypatch.setenv("MM_JUPYTER_NOTEBOOK", notebook(tmp_path / "hidden.ipynb", hidden_cell))
    ip.run_cell(hidden_cell, store_history=True).raise_error()
    wait_for_writes()
    return {name: mm.get_run(name).id for name in ("clean", "hidden")}


async def get(raw_fetch, path):
    response = await raw_fetch(f"{ROOT}{path}")
    assert response.code == 200
    return strict_loads(response.body)


async def test_the_run_detail_and_list_carry_the_verdict_and_the_filter_selects_it(
    raw_fetch, runs
):
    detail = await get(raw_fetch, f"runs/{runs['hidden']}")
    assert_valid("run_detail", detail)
    found = detail["reproducibility"]
    assert found == detail["run"]["reproducibility"]
    assert found["status"] == "warnings"
    assert {(i["name"], i["kind"]) for i in found["issues"]} == {
        ("X", "not_in_notebook"), ("y", "not_in_notebook"),
        ("GradientBoostingClassifier", "not_in_notebook")}
    assert all(i["message"].startswith(i["name"] + " was defined by code that is not in")
               for i in found["issues"])
    clean = await get(raw_fetch, f"runs/{runs['clean']}")
    assert clean["reproducibility"] == {"status": "clean", "issues": []}
    page = await get(raw_fetch, "runs?filter=reproducibility%20%3D%20%27warnings%27")
    assert [r["id"] for r in page["runs"]] == [runs["hidden"]]
    page = await get(raw_fetch, "runs?filter=reproducibility%20%3D%20%27clean%27")
    assert [r["id"] for r in page["runs"]] == [runs["clean"]]
    assert_valid("runs_page", page)


async def register(raw_fetch, run_id, body):
    response = await raw_fetch(
        f"{ROOT}runs/{run_id}/register-model", method="POST",
        body=json.dumps(body).encode(), headers=JSON,
    )
    return response.code, strict_loads(response.body)


async def test_a_run_with_warnings_registers_only_when_confirmed_and_says_so(raw_fetch, runs):
    code, payload = await register(raw_fetch, runs["hidden"], {"name": "iris"})
    assert_error(code, payload, 409, "3 hidden-state warnings", "confirm_reproducibility")
    assert (await get(raw_fetch, "models"))["total"] == 0  # nothing was written
    code, payload = await register(raw_fetch, runs["hidden"],
                                   {"name": "iris", "confirm_reproducibility": "yes"})
    assert_error(code, payload, 400, "'confirm_reproducibility' must be true or false")
    code, version = await register(raw_fetch, runs["hidden"],
                                   {"name": "iris", "confirm_reproducibility": True})
    assert code == 200, version
    assert_valid("run_model_registration_response", version)
    assert version["reproducibility"] == {
        "status": "warnings", "warnings": 3, "confirmed_by": current_user()}
    # a clean run needs no confirmation, and its version says it was clean
    code, version = await register(raw_fetch, runs["clean"], {"name": "iris-clean"})
    assert code == 200, version
    assert version["reproducibility"] == {"status": "clean", "warnings": 0, "confirmed_by": None}


async def test_post_models_asks_for_the_same_confirmation(raw_fetch, runs, mm):
    [model] = [o for o in (await get(raw_fetch, f"runs/{runs['hidden']}"))["artifacts"]
               ["outputs"] if o["kind"] == "model"]
    body = {"run": runs["hidden"], "artifact": model["ref"], "name": "from-output"}
    response = await raw_fetch(f"{ROOT}models", method="POST", body=json.dumps(body).encode(),
                               headers=JSON)
    assert_error(response.code, strict_loads(response.body), 409, "hidden-state warning")
    body["confirm_reproducibility"] = True
    response = await raw_fetch(f"{ROOT}models", method="POST", body=json.dumps(body).encode(),
                               headers=JSON)
    assert response.code == 200
    assert strict_loads(response.body)["reproducibility"]["confirmed_by"] == current_user()


async def test_the_diff_shows_the_verdicts_and_a_rerun_pair(raw_fetch, runs, store):
    diff = await get(raw_fetch, f"diff?a={runs['clean']}&b={runs['hidden']}")
    assert_valid("diff", diff)
    found = diff["reproducibility"]
    assert (found["a"], found["b"], found["changed"]) == ("clean", "warnings", True)
    assert {i["name"] for i in found["added"]} == {"X", "y", "GradientBoostingClassifier"}
    assert found["removed"] == [] and found["rerun"] is None
    assert diff["summary"]["reproducibility_changed"] is True
    # a run tagged as the other's rerun (what `mm-jupyter rerun` makes) is named as one
    with store.write() as conn:
        conn.execute("UPDATE runs SET tags = ? WHERE id = ?",
                     (json.dumps({"rerun_of": runs["clean"]}), runs["hidden"]))
    diff = await get(raw_fetch, f"diff?a={runs['clean']}&b={runs['hidden']}")
    assert diff["reproducibility"]["rerun"] == {
        "original": runs["clean"], "rerun": runs["hidden"], "reproduced": True}


def test_registering_in_the_notebook_warns_and_records_the_verdict(runs, mm):
    with pytest.warns(UserWarning, match="3 hidden-state warnings"):
        version = mm.register_model(name="from-python", run=runs["hidden"])
    assert version.reproducibility == {"status": "warnings", "warnings": 3, "confirmed_by": None}
