"""The runs, run detail, keys, changes and meta routes, driven through ``jp_fetch``."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import pytest
from server_helpers import API, strict_loads
from tornado.httpclient import HTTPClientError

import mm_jupyter
from mm_jupyter.errors import RegistryError
from mm_jupyter.server.base import REGISTRY_KEY
from mm_jupyter.store import queries, run_columns
from mm_jupyter.store.runs import OutputRecord, write_metric_points


async def get_json(jp_fetch, *path, **params):
    response = await jp_fetch(*API, *path, params=params)
    assert response.code == 200
    return strict_loads(response.body)


async def get_error(jp_fetch, *path, **params):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(*API, *path, params=params)
    body = strict_loads(info.value.response.body)
    return info.value.code, body


# -- meta ---------------------------------------------------------------------------


async def test_meta_describes_package_and_env_registry(jp_fetch, registry_dir, registry_backend):
    # Given MM_JUPYTER_HOME pointing at a folder
    # When the sidebar asks for meta
    meta = await get_json(jp_fetch, "meta")
    # Then it names the package, API version and the registry the env var chose
    assert meta["name"] == "mm-jupyter"
    assert meta["version"] == mm_jupyter.__version__
    assert meta["api_version"] == mm_jupyter.API_VERSION
    assert meta["registry"] == {
        "path": str(registry_dir.resolve()),
        "source": "env",
    }
    assert meta["schema_version"] >= 1
    # and names the backend: the embedded default, or the team database that
    # MM_JUPYTER_DATABASE_URL names (--registry-backend=postgresql), acting as the Jupyter user
    assert meta["backend"]["backend"] == registry_backend
    if registry_backend == "sqlite":
        assert meta["backend"]["database"] is None
        assert meta["backend"]["database_source"] == "default"
    else:
        assert meta["backend"]["database"].startswith("postgresql://")
        assert meta["backend"]["database_source"] == "env MM_JUPYTER_DATABASE_URL"
    assert meta["backend"]["user"]  # pytest-jupyter's generated user


async def test_meta_names_the_team_backend_without_its_password(jp_fetch, registry_dir):
    # Given a registry whose config.toml names a team blob store, and a database URL with
    # a password in the environment of the server
    from mm_jupyter.services.configuration import set_backend

    set_backend(registry_dir, database=None, blobs="s3://team-bucket/mm")
    # When meta is fetched
    meta = await get_json(jp_fetch, "meta")
    # Then the blobs and where that came from are named
    assert meta["backend"]["blobs"] == "s3://team-bucket/mm"
    assert meta["backend"]["blobs_source"] == f"config {registry_dir / 'config.toml'}"
    assert "password" not in json.dumps(meta).lower()


async def test_meta_finds_project_registry_in_root_dir(
    jp_fetch, jp_root_dir, monkeypatch
):
    # Given no MM_JUPYTER_HOME and a .mm/ folder in the notebook root
    monkeypatch.delenv("MM_JUPYTER_HOME")
    (jp_root_dir / ".mm").mkdir()
    # When meta is fetched (the registry opens lazily, with cwd = root_dir)
    meta = await get_json(jp_fetch, "meta")
    # Then the project registry is used
    assert meta["registry"]["source"] == "project"
    assert meta["registry"]["path"] == str((jp_root_dir / ".mm").resolve())


@pytest.mark.parametrize(
    "extra_server_config",
    [{"tornado_settings": {"mm_jupyter_registry_path": "__SET_BELOW__"}}],
)
async def test_meta_uses_configured_registry_path(
    jp_fetch, jp_serverapp, tmp_path, extra_server_config
):
    # Given the web-app setting mm_jupyter_registry_path (config placeholder replaced
    # here because parametrize cannot see tmp_path)
    assert jp_serverapp.web_app.settings["mm_jupyter_registry_path"] == "__SET_BELOW__"
    configured = tmp_path / "configured"
    jp_serverapp.web_app.settings["mm_jupyter_registry_path"] = str(configured)
    # When meta is fetched
    meta = await get_json(jp_fetch, "meta")
    # Then that path wins over MM_JUPYTER_HOME
    assert meta["registry"] == {"path": str(configured.resolve()), "source": "explicit"}
    assert jp_serverapp.web_app.settings[REGISTRY_KEY].root == configured.resolve()


async def test_registry_is_opened_once_per_server(jp_fetch, jp_serverapp):
    await get_json(jp_fetch, "meta")
    first = jp_serverapp.web_app.settings[REGISTRY_KEY]
    await get_json(jp_fetch, "runs")
    await get_json(jp_fetch, "keys")
    assert jp_serverapp.web_app.settings[REGISTRY_KEY] is first


# -- runs list ------------------------------------------------------------------------


async def test_runs_default_page_is_newest_first(jp_fetch, seed, store):
    ids = [seed.run(f"r{i}") for i in range(3)]
    page = await get_json(jp_fetch, "runs")
    assert page["total"] == 3
    assert page["offset"] == 0
    assert page["limit"] == 50
    assert page["cursor"] == store.change_seq()
    assert [r["id"] for r in page["runs"]] == ids[::-1]
    run = page["runs"][0]
    assert run["name"] == "r2"
    assert run["experiment"] == "default"
    assert run["status"] == "finished"


async def test_runs_empty_registry(jp_fetch):
    page = await get_json(jp_fetch, "runs")
    assert page["total"] == 0
    assert page["runs"] == []


async def test_runs_cursor_pages_follow_the_offset_listing(jp_fetch, seed):
    """next_cursor/prev_cursor walk the same order as offsets, over HTTP."""
    for i in range(8):
        seed.run(f"r{i}", metrics={"acc": (i % 3) / 3} if i % 4 else {})
    for sort in ("started_at", "metric:acc"):
        whole = await get_json(jp_fetch, "runs", sort=sort, limit="500")
        page = await get_json(jp_fetch, "runs", sort=sort, limit="3")
        assert page["prev_cursor"] is None
        pages = [page]
        while pages[-1]["next_cursor"]:
            pages.append(await get_json(jp_fetch, "runs", sort=sort, limit="3",
                                        cursor=pages[-1]["next_cursor"]))
        assert [r["id"] for p in pages for r in p["runs"]] == [r["id"] for r in whole["runs"]]
        assert [p["offset"] for p in pages] == [0, 3, 6]
        back = await get_json(jp_fetch, "runs", sort=sort, limit="3",
                              cursor=pages[-1]["prev_cursor"])
        assert back["runs"] == pages[1]["runs"] and back["offset"] == 3
    code, body = await get_error(jp_fetch, "runs", sort="name",
                                 cursor=pages[0]["next_cursor"])
    assert code == 400 and "cursor" in body["message"]


async def test_runs_pagination_covers_every_run_once(jp_fetch, seed):
    ids = {seed.run(f"r{i}") for i in range(7)}
    seen: list[str] = []
    for offset in (0, 3, 6, 9):
        page = await get_json(jp_fetch, "runs", limit="3", offset=str(offset))
        assert page["total"] == 7
        assert page["limit"] == 3
        assert page["offset"] == offset
        seen += [r["id"] for r in page["runs"]]
    assert len(seen) == 7
    assert set(seen) == ids


async def test_runs_filters(jp_fetch, seed):
    a = seed.run("alpha", experiment="churn", tags={"team": "risk"})
    b = seed.run("beta", experiment="churn", status="failed", error="boom")
    c = seed.run("gamma_1", experiment="default", status="running", user="alice")

    async def ids(**params):
        page = await get_json(jp_fetch, "runs", **params)
        assert page["total"] == len(page["runs"])
        return {r["id"] for r in page["runs"]}

    assert await ids(experiment="churn") == {a, b}
    assert await ids(status="failed") == {b}
    assert await ids(status="running") == {c}
    assert await ids(experiment="churn", status="finished") == {a}
    assert await ids(q="alph") == {a}
    assert await ids(q="risk") == {a}  # tag value
    assert await ids(q="chur") == {a, b}  # experiment
    assert await ids(q=c[:6]) == {c}  # id prefix
    assert await ids(q="a_1") == {c}  # _ is literal, not a LIKE wildcard
    assert await ids(q="%") == set()
    assert await ids(experiment="nope") == set()
    assert await ids(user="alice") == {c}  # who recorded the run
    assert await ids(user="tester", experiment="churn") == {a, b}
    assert await ids(user="Alice") == set()  # exact, as recorded


async def test_runs_sort_by_column(jp_fetch, seed):
    b = seed.run("b")
    a = seed.run("a")
    c = seed.run("c")
    page = await get_json(jp_fetch, "runs", sort="name", order="asc")
    assert [r["id"] for r in page["runs"]] == [a, b, c]
    page = await get_json(jp_fetch, "runs", sort="name", order="desc")
    assert [r["id"] for r in page["runs"]] == [c, b, a]
    page = await get_json(jp_fetch, "runs", sort="duration_s", order="asc")
    assert [r["id"] for r in page["runs"]] == [b, a, c]
    page = await get_json(jp_fetch, "runs", sort="started_at", order="asc")
    assert [r["id"] for r in page["runs"]] == [b, a, c]


async def test_runs_sort_by_metric_puts_missing_and_nan_last(jp_fetch, seed):
    low = seed.run("low", metrics={"acc": 0.5})
    high = seed.run("high", metrics={"acc": 0.9})
    nan = seed.run("nan", metrics={"acc": math.nan})
    inf = seed.run("inf", metrics={"acc": math.inf})
    missing = seed.run("missing", metrics={"loss": 0.1})
    # The latest step wins: 0.1 then 0.7.
    stepped = seed.run("stepped", metrics={"acc": [0.1, 0.7]})

    page = await get_json(jp_fetch, "runs", sort="metric:acc", order="desc")
    order = [r["id"] for r in page["runs"]]
    assert order[:4] == [inf, high, stepped, low]
    assert set(order[4:]) == {nan, missing}
    page = await get_json(jp_fetch, "runs", sort="metric:acc", order="asc")
    order = [r["id"] for r in page["runs"]]
    assert order[:4] == [low, stepped, high, inf]
    assert set(order[4:]) == {nan, missing}
    by_id = {r["id"]: r for r in page["runs"]}
    assert by_id[nan]["metrics"] == {"acc": "NaN"}
    assert by_id[inf]["metrics"] == {"acc": "Infinity"}
    assert by_id[missing]["metrics"] == {"loss": 0.1}

    # Paging across the boundary between valued and missing runs
    first = await get_json(jp_fetch, "runs", sort="metric:acc", limit="3")
    second = await get_json(jp_fetch, "runs", sort="metric:acc", limit="3", offset="3")
    both = [r["id"] for r in first["runs"] + second["runs"]]
    assert both[:4] == [inf, high, stepped, low]
    assert sorted(both) == sorted([low, high, nan, inf, missing, stepped])


async def test_runs_sort_by_param(jp_fetch, seed):
    small = seed.run("small", params={"lr": 0.01})
    big = seed.run("big", params={"lr": 0.1})
    text = seed.run("text", params={"lr": "auto"})
    none = seed.run("none", params={"depth": 3})
    page = await get_json(jp_fetch, "runs", sort="param:lr", order="desc")
    order = [r["id"] for r in page["runs"]]
    assert order[:2] == [big, small]
    assert set(order[2:]) == {text, none}
    page = await get_json(jp_fetch, "runs", sort="param:lr", order="asc")
    assert [r["id"] for r in page["runs"]][:2] == [small, big]
    by_id = {r["id"]: r for r in page["runs"]}
    assert by_id[text]["params"] == {"lr": "auto"}


async def test_nan_and_infinity_round_trip_as_strict_json(jp_fetch, seed):
    run_id = seed.run(
        "nonfinite",
        params={"alpha": math.nan, "beta": -math.inf},
        metrics={"loss": [math.nan, math.inf, -math.inf, 1.5]},
    )
    response = await jp_fetch(*API, "runs", run_id)
    body = response.body.decode()
    assert "NaN," not in body and ":NaN" not in body
    detail = strict_loads(body)
    assert [p["value"] for p in detail["metrics"]["loss"]] == [
        "NaN",
        "Infinity",
        "-Infinity",
        1.5,
    ]
    assert detail["run"]["params"] == {"alpha": "NaN", "beta": "-Infinity"}
    page = await get_json(jp_fetch, "runs")
    assert page["runs"][0]["metrics"] == {"loss": 1.5}


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"sort": "bogus"}, "sort"),
        ({"sort": "metric:"}, "sort"),
        ({"sort": "x" * 300}, "sort"),
        ({"order": "up"}, "order"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": str(10**9)}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"limit": "1e3"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "\u0665"}, "limit"),  # a non-ASCII digit int() would accept
        ({"limit": "9" * 40}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": str(10**12)}, "offset"),
        ({"status": "crashed"}, "status"),
        ({"q": "x" * 501}, "q"),
        ({"experiment": "x" * 501}, "experiment"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "x" * 2001}, "cursor"),
    ],
)
async def test_runs_bad_parameters_are_400_naming_the_parameter(
    jp_fetch, params, named
):
    code, body = await get_error(jp_fetch, "runs", **params)
    assert code == 400
    assert named in body["message"]
    assert "Traceback" not in body["message"]
    assert set(body) <= {"message", "reason"}


# -- run detail ------------------------------------------------------------------------


async def test_run_detail(jp_fetch, seed):
    png = seed.blob(b"\x89PNG fake", "image/png")
    run_id = seed.run(
        "detail",
        experiment="churn",
        params={"lr": 0.1, "depth": 5},
        metrics={"loss": [1.0, 0.5]},
        tags={"team": "risk"},
        outputs=[
            OutputRecord(seq=0, output_type="stream", name="stdout", text="done\n"),
            OutputRecord(
                seq=1,
                output_type="figure",
                blobs={"image/png": {"digest": png[0], "size": png[1]}},
            ),
        ],
        blobs=[png],
        environment={
            "python": "3.11.7",
            "platform": "Linux",
            "packages": {"numpy": "2.1.0"},
            "git": {"commit": "abc123", "dirty": True},
        },
        notebook='{"cells": []}',
        history=[(1, "%load_ext mm_jupyter"), (2, "x = 1")],
    )
    detail = await get_json(jp_fetch, "runs", run_id)
    assert detail["run"]["id"] == run_id
    assert detail["run"]["params"] == {"lr": 0.1, "depth": 5}
    assert detail["run"]["tags"] == {"team": "risk"}
    assert detail["run"]["n_outputs"] == 2
    assert detail["run"]["n_figures"] == 1
    assert detail["param_sources"] == {"lr": "explicit", "depth": "explicit"}
    assert [p["value"] for p in detail["metrics"]["loss"]] == [1.0, 0.5]
    assert [p["step"] for p in detail["metrics"]["loss"]] == [0, 1]
    assert [o["seq"] for o in detail["outputs"]] == [0, 1]
    assert detail["outputs"][0]["text"] == "done\n"
    assert detail["outputs"][1]["blobs"]["image/png"]["digest"] == png[0]
    assert detail["code"]["cell"] == "x = 1\n"
    assert detail["code"]["history"] == [
        {"n": 1, "source": "%load_ext mm_jupyter"},
        {"n": 2, "source": "x = 1"},
    ]
    assert detail["code"]["notebook"]["path"] == "/abs/nb.ipynb"
    assert detail["environment"]["packages"] == {"numpy": "2.1.0"}
    assert detail["environment"]["git"] == {"commit": "abc123", "dirty": True}
    assert detail["error"] is None


async def test_run_detail_keeps_long_series_and_long_text(jp_fetch, seed):
    # A 2,000-step series and a 50,000-char traceback come back whole, not as a
    # bounded repr (encoding.dumps caps user values at 1,000 items / 10,000 chars).
    run_id = seed.run(
        "long",
        metrics={"loss": [float(i) for i in range(2000)]},
        status="failed",
        error="E" * 50_000,
    )
    detail = await get_json(jp_fetch, "runs", run_id)
    assert len(detail["metrics"]["loss"]) == 2000
    assert detail["error"] == "E" * 50_000


async def test_run_detail_of_failed_run_has_error(jp_fetch, seed):
    run_id = seed.run("bad", status="failed", error="Traceback ...\nValueError: boom")
    detail = await get_json(jp_fetch, "runs", run_id)
    assert detail["run"]["status"] == "failed"
    assert detail["error"].endswith("ValueError: boom")


@pytest.mark.parametrize("kind", ["unknown", "name", "prefix", "padded", "long"])
async def test_run_detail_takes_exact_ids_only(jp_fetch, seed, kind):
    run_id = seed.run("named")
    ref = {
        "unknown": "0123456789ab",
        "name": "named",
        "prefix": run_id[:6],
        "padded": f" {run_id}",
        "long": "a" * 5000,
    }[kind]
    code, body = await get_error(jp_fetch, "runs", ref)
    assert code == 404
    assert "no run" in body["message"]


# -- keys and changes ------------------------------------------------------------------


async def test_keys(jp_fetch, seed):
    seed.run("a", experiment="churn", params={"lr": 0.1}, metrics={"acc": 0.9})
    seed.run("b", params={"depth": 3}, metrics={"loss": 0.3, "acc": 0.8})
    keys = await get_json(jp_fetch, "keys")
    # directions and the column statistics: test_server_runs_filter.py and others
    assert {k: keys[k] for k in ("experiments", "metrics", "params")} == {
        "experiments": ["churn", "default"],
        "metrics": ["acc", "loss"],
        "params": ["depth", "lr"],
    }


async def test_changes_cursor_moves_after_a_write(jp_fetch, seed, store):
    run_id = seed.run("a", status="running")
    first = await get_json(jp_fetch, "changes", since="0")
    assert first["changed"] is True
    cursor = first["cursor"]
    # Nothing written since: unchanged
    again = await get_json(jp_fetch, "changes", since=str(cursor))
    assert again == {"cursor": cursor, "changed": False, "firing": 0}
    # A kernel logs a metric through its own connection
    write_metric_points(store, [(run_id, "acc", 0, 0.5, 1764171425.0)])
    after = await get_json(jp_fetch, "changes", since=str(cursor))
    assert after["changed"] is True
    assert after["cursor"] > cursor
    page = await get_json(jp_fetch, "runs")
    assert page["cursor"] == after["cursor"]
    assert page["runs"][0]["metrics"] == {"acc": 0.5}


@pytest.mark.parametrize("since", ["-1", "abc", str(2**64), "1.5"])
async def test_changes_bad_since_is_400(jp_fetch, since):
    code, body = await get_error(jp_fetch, "changes", since=since)
    assert code == 400
    assert "since" in body["message"]


# -- errors ----------------------------------------------------------------------------


async def test_internal_error_is_a_generic_500(
    raw_fetch, jp_serverapp, monkeypatch, caplog, registry_dir
):
    # Given a store function that fails with a message naming a file
    token = jp_serverapp.identity_provider.token
    secret = f"boom at {registry_dir}/registry.db"

    def explode(*args, **kwargs):
        raise RuntimeError(secret)

    monkeypatch.setattr(queries, "query_runs", explode)
    # When the runs list is requested with the token in the URL
    response = await raw_fetch(
        f"mm-jupyter/api/runs?sort=name&token={token}", headers={"Authorization": ""}
    )
    # Then the reply is a generic JSON 500: no traceback, path, token or message
    assert response.code == 500
    body = strict_loads(response.body)
    text = response.body.decode()
    assert "Traceback" not in text
    assert "boom" not in text
    assert str(registry_dir) not in text
    assert token not in text
    assert set(body) <= {"message", "reason"}
    # And the server log has the error but not the token
    assert "boom" in caplog.text
    assert token not in caplog.text


async def test_registry_error_is_a_generic_503(
    jp_fetch, monkeypatch, registry_dir
):
    def locked(*args, **kwargs):
        raise RegistryError(f"registry {registry_dir}/registry.db is locked")

    monkeypatch.setattr(run_columns, "keys", locked)
    code, body = await get_error(jp_fetch, "keys")
    assert code == 503
    assert str(registry_dir) not in str(body)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (json.JSONDecodeError("Expecting value", "{bad", 0), 500),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), 500),
        (sqlite3.OperationalError("database is locked"), 503),
        (sqlite3.DatabaseError("database disk image is malformed"), 500),
        (KeyError("x"), 500),
    ],
)
async def test_store_data_errors_are_server_errors(jp_fetch, monkeypatch, error, code):
    # A corrupt stored value is the server's problem, not a 400 for the client
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(run_columns, "keys", broken)
    status, body = await get_error(jp_fetch, "keys")
    assert status == code
    assert "Expecting" not in body["message"]
    assert "malformed" not in body["message"]


@pytest.mark.sqlite_only("a folder that cannot be created stops only the embedded file;"
                         " a team database that is down: tests/api/test_team_backend.py")
async def test_unopenable_registry_is_503_and_retried(jp_fetch, jp_serverapp, tmp_path):
    # Given a registry path that is a file, not a folder
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    jp_serverapp.web_app.settings["mm_jupyter_registry_path"] = str(blocker / "reg")
    code, body = await get_error(jp_fetch, "meta")
    assert code == 503
    assert str(tmp_path) not in str(body)
    # When the problem is fixed, the next request opens it (failures are not cached)
    jp_serverapp.web_app.settings["mm_jupyter_registry_path"] = str(tmp_path / "ok")
    meta = await get_json(jp_fetch, "meta")
    assert meta["registry"]["path"] == str((tmp_path / "ok").resolve())


async def test_not_found_message_does_not_leak_registry_path(
    raw_fetch, seed, registry_dir
):
    # Given a blob recorded in the registry whose file has gone
    digest, size, media_type = seed.blob(b"gone", "text/plain")
    seed.run("r", blobs=[(digest, size, media_type)])
    path = Path(seed.registry.blobs.path_for(digest))
    path.chmod(0o644)
    path.unlink()
    response = await raw_fetch(f"mm-jupyter/api/blobs/{digest}")
    assert response.code == 404
    assert str(registry_dir) not in response.body.decode()


async def test_meta_names_the_user_runs_are_recorded_under(jp_fetch, monkeypatch):
    # Given a token-authenticated server (its requests are "Anonymous <moon>" users) whose
    # kernels record runs as MM_JUPYTER_USER
    monkeypatch.setenv("MM_JUPYTER_USER", "alice")
    # Then meta names alice, so the sidebar's "My runs" finds her runs
    meta = await get_json(jp_fetch, "meta")
    assert meta["backend"]["user"] == "alice"
