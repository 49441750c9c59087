"""The monitoring routes: monitored versions, a monitor, series, alerts, batches, and
acknowledging alerts."""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import pytest
from monitoring_seed import CREDIT, FRAUD, SECRET_URL, T0, seed_fleet
from server_helpers import strict_loads
from test_contract import assert_valid
from test_server_models import get_browser_cookies

from mm_jupyter.identity import current_user
from mm_jupyter.server import monitoring as monitoring_handlers

ROOT = "mm-jupyter/api/"
FRAUD_Q = quote(FRAUD, safe="")  # fraud%2Fclf
CREDIT_Q = quote(CREDIT, safe="")


@pytest.fixture
def fleet(store):
    """The monitoring fleet of monitoring_seed.py in the server's registry."""
    return seed_fleet(store)


async def get(raw_fetch, path: str):
    """GET an already-encoded path under the API; return ``(code, body)``."""
    response = await raw_fetch(ROOT + path)
    assert response.headers["Content-Type"].startswith("application/json")
    return response.code, strict_loads(response.body)


async def ok(raw_fetch, path: str):
    code, body = await get(raw_fetch, path)
    assert code == 200, body
    return body


def assert_error(code: int, body: dict, expected: int, *words: str) -> None:
    assert code == expected, body
    assert set(body) <= {"message", "reason"}
    assert "Traceback" not in body["message"]
    for word in words:
        assert word in body["message"], (word, body["message"])


def refs(page):
    return [m["ref"] for m in page["monitors"]]


# -- GET monitoring --------------------------------------------------------------------


async def test_list_has_monitored_versions_newest_activity_first(raw_fetch, fleet):
    # Given fraud/clf v1 and v2 with batches, and a model-wide rule on credit
    page = await ok(raw_fetch, "monitoring")
    # Then the versions with data come newest first; credit shows its latest version;
    # fraud/clf v3 (no data) and "plain" (no monitoring) are absent
    assert refs(page) == ["fraud/clf:2", "fraud/clf:1", f"{CREDIT}:1"]
    assert page["total"] == 3 and page["offset"] == 0 and page["limit"] == 50
    assert page["firing"] == 2  # drift.psi.age and volume.rows of v1
    assert isinstance(page["cursor"], int) and page["cursor"] > 0
    v1 = page["monitors"][1]
    assert v1 == {
        "model": FRAUD, "version": 1, "ref": "fraud/clf:1", "stage": "production",
        "aliases": ["champion"], "batches": 6, "rows": 510, "labelled": 100,
        "first_ts": T0, "last_ts": T0 + 5, "firing": 2, "has_reference_profile": True,
    }  # fmt: skip
    credit = page["monitors"][2]
    assert credit["batches"] == 0 and credit["rows"] == 0
    assert credit["first_ts"] is None and credit["last_ts"] is None
    assert credit["has_reference_profile"] is False


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("limit=1", ["fraud/clf:2"]),
        ("limit=1&offset=1", ["fraud/clf:1"]),
        ("limit=2&offset=1", ["fraud/clf:1", f"{CREDIT}:1"]),
        ("offset=3", []),
        ("offset=10000", []),
        ("limit=500", ["fraud/clf:2", "fraud/clf:1", f"{CREDIT}:1"]),
    ],
)
async def test_list_pages(raw_fetch, fleet, query, expected):
    page = await ok(raw_fetch, f"monitoring?{query}")
    assert refs(page) == expected
    assert page["total"] == 3 and page["firing"] == 2


async def test_empty_registry_has_no_monitors_and_no_alerts(raw_fetch):
    page = await ok(raw_fetch, "monitoring")
    assert page["total"] == 0 and page["monitors"] == [] and page["firing"] == 0
    alerts = await ok(raw_fetch, "alerts")
    assert alerts == {"total": 0, "offset": 0, "limit": 50, "alerts": []}


LIST_ROUTES = [
    "monitoring",
    "alerts",
    f"monitoring/{FRAUD_Q}/alerts",
    f"monitoring/{FRAUD_Q}/batches",
]


@pytest.mark.parametrize("route", LIST_ROUTES)
@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=501", f"limit={10**9}", "limit=x", "limit=-1", "limit=1.5",
     "offset=-1", "offset=x", "limit=" + "9" * 100],
)  # fmt: skip
async def test_list_bad_paging_is_400(raw_fetch, fleet, route, query):
    code, body = await get(raw_fetch, f"{route}?{query}")
    assert_error(code, body, 400, query.split("=")[0])


# -- GET monitoring/{model} ------------------------------------------------------------


async def test_detail_of_a_version(raw_fetch, fleet):
    detail = await ok(raw_fetch, f"monitoring/{FRAUD_Q}%3A1")
    assert detail["monitor"]["ref"] == "fraud/clf:1"
    assert detail["monitor"]["firing"] == 2
    # the latest value of every series, at the time of its batch
    assert detail["latest"] == {
        "drift.psi.age": {"value": 0.35, "ts": T0 + 5},
        "drift.psi.plan": {"value": 0.05, "ts": T0 + 4},
        "performance.accuracy": {"value": 0.9, "ts": T0 + 1},
        "performance.labelled": {"value": 100.0, "ts": T0 + 1},
        "volume.rows": {"value": 10.0, "ts": T0 + 5},
    }
    assert detail["series_keys"] == sorted(detail["latest"])
    assert detail["features"] == ["age", "plan"]  # the reference profile's
    # the rules for v1: the model-wide one and v1's own, not v2's
    assert [r["id"] for r in detail["rules"]] == [fleet.psi_rule, fleet.rows_rule]
    psi, rows = detail["rules"]
    assert psi == {
        "id": fleet.psi_rule, "kind": "series", "model": FRAUD, "version": None,
        "pattern": "drift.psi.*", "op": ">", "threshold": 0.2, "count": 1,
        "window_s": None, "severity": "warning", "name": None,
        "action": {"kind": "webhook", "display": "https://hooks.example.com/***"},
        "enabled": True, "created_at": psi["created_at"], "created_by": "ana",
    }  # fmt: skip
    assert rows["version"] == 1 and rows["severity"] == "critical"
    assert rows["name"] == "too few rows" and rows["action"] is None
    # firing alerts first (newest first), then the resolved one
    states = [(a["series"], a["state"]) for a in detail["alerts"]]
    assert states == [
        ("volume.rows", "firing"),
        ("drift.psi.age", "firing"),
        ("drift.psi.plan", "resolved"),
    ]
    age = detail["alerts"][1]
    assert age["id"] == fleet.age_alert and age["rule_id"] == fleet.psi_rule
    assert (age["model"], age["version"]) == (FRAUD, 1)
    assert age["value"] == 0.35 and age["threshold"] == 0.2 and age["op"] == ">"
    assert age["occurrences"] == 3  # 0.3, 0.4, then 0.35
    assert age["fired_ts"] == T0 + 3 and age["last_ts"] == T0 + 5
    assert age["resolved_ts"] is None
    assert age["fired_values"] == [{"ts": T0 + 3, "value": 0.3, "batch_id": "f1-b3"}]
    assert age["message"].startswith("drift.psi.age = 0.3 > 0.2")
    [action] = age["actions"]
    assert action["kind"] == "notebook" and action["status"] == "ok"
    assert action["detail"] == "ran retrain.ipynb in 8.2 s"
    assert action["output"] == "/abs/retrain-out.ipynb" and action["run_id"] is None
    assert action["created_ts"] > 0 and action["finished_ts"] > 0
    plan = detail["alerts"][2]
    assert plan["resolved_ts"] == T0 + 2 and plan["value"] == 0.05
    # the report of the last batch, with its batch fields
    report = detail["last_report"]
    assert report["batch_id"] == "f1-b5" and report["ts"] == T0 + 5
    assert report["source"] == "api" and report["n_labelled"] == 0
    assert report["performance"] is None
    assert report["status"] == "insufficient_data"
    assert report["reason"] == "10 rows; drift needs at least 30"


async def test_a_webhook_url_never_leaves_the_server(raw_fetch, fleet):
    for path in (
        f"monitoring/{FRAUD_Q}%3A1",
        "alerts",
        f"monitoring/{FRAUD_Q}%3A1/alerts",
    ):
        response = await raw_fetch(ROOT + path)
        assert response.code == 200
        assert b"SECRET-TOKEN" not in response.body
    assert "SECRET-TOKEN" in SECRET_URL


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        # a bare name: the most recent version with monitoring data (v2), not v3
        (FRAUD_Q, "fraud/clf:2"),
        (f"{FRAUD_Q}%3A3", "fraud/clf:3"),
        (f"{FRAUD_Q}%3A1", "fraud/clf:1"),
        (f"{FRAUD_Q}%40production", "fraud/clf:1"),
        (f"{FRAUD_Q}%40champion", "fraud/clf:1"),
        (f"{FRAUD_Q}@champion", "fraud/clf:1"),
        # the "/" of the name not encoded: still one reference
        ("fraud/clf", "fraud/clf:2"),
        ("fraud/clf:1", "fraud/clf:1"),
        # a model with rules but no batches: its latest version
        (CREDIT_Q, f"{CREDIT}:1"),
    ],
)
async def test_references_resolve(raw_fetch, fleet, ref, expected):
    detail = await ok(raw_fetch, f"monitoring/{ref}")
    assert detail["monitor"]["ref"] == expected
    series = await ok(raw_fetch, f"monitoring/{ref}/series")
    assert series["ref"] == expected


async def test_a_removed_rule_leaves_the_list(raw_fetch, fleet, store):
    from mm_jupyter.store import alerts

    # Given a rule for v3 only, then removed
    rule = alerts.upsert_rule(
        store, model_id=fleet.fraud_id, version_id=fleet.v3, pattern="x", op=">",
        threshold=1,
    )  # fmt: skip
    assert "fraud/clf:3" in refs(await ok(raw_fetch, "monitoring"))
    alerts.disable_rule(store, rule)
    # Then v3 is no longer listed, but its rule still shows, disabled
    assert "fraud/clf:3" not in refs(await ok(raw_fetch, "monitoring"))
    detail = await ok(raw_fetch, f"monitoring/{FRAUD_Q}%3A3")
    assert [(r["id"], r["enabled"]) for r in detail["rules"]] == [
        (fleet.psi_rule, True), (rule, False),
    ]  # fmt: skip


async def test_a_version_without_data_has_an_empty_monitor(raw_fetch, fleet):
    detail = await ok(raw_fetch, f"monitoring/{FRAUD_Q}%3A3")
    monitor = detail["monitor"]
    assert (monitor["batches"], monitor["rows"], monitor["firing"]) == (0, 0, 0)
    assert detail["latest"] == {} and detail["series_keys"] == []
    assert detail["alerts"] == [] and detail["last_report"] is None
    assert detail["features"] == []  # no profile, no batch
    # only the model-wide rule applies to v3
    assert [r["id"] for r in detail["rules"]] == [fleet.psi_rule]


async def test_sub_routes_come_before_the_detail_route(raw_fetch, fleet):
    # "fraud/clf/series" is the series of fraud/clf, not a model "fraud/clf/series"
    series = await ok(raw_fetch, "monitoring/fraud/clf/series")
    assert series["ref"] == "fraud/clf:2"
    alerts = await ok(raw_fetch, "monitoring/fraud/clf:1/alerts")
    assert alerts["total"] == 3
    batches = await ok(raw_fetch, "monitoring/fraud/clf:1/batches")
    assert batches["total"] == 6
    # the same with the "/" encoded
    assert (await ok(raw_fetch, f"monitoring/{FRAUD_Q}/series"))["ref"] == "fraud/clf:2"


@pytest.mark.parametrize("suffix", ["", "/series", "/alerts", "/batches"])
@pytest.mark.parametrize(
    ("ref", "word"),
    [
        ("nope", "nope"),
        (f"{FRAUD_Q}%3A9", "no version 9"),
        (f"{FRAUD_Q}%40staging", "staging"),
        ("fraud%2Fclf%2Fseries", "fraud/clf/series"),
        ("x" * 1200, "no registered model"),
    ],
)
async def test_unknown_models_are_404(raw_fetch, fleet, ref, word, suffix):
    code, body = await get(raw_fetch, f"monitoring/{ref}{suffix}")
    assert_error(code, body, 404, word)


# -- GET monitoring/{model}/series -----------------------------------------------------


async def test_series_by_pattern_with_thresholds(raw_fetch, fleet):
    payload = await ok(
        raw_fetch, f"monitoring/{FRAUD_Q}%3A1/series?pattern=drift.psi.*"
    )
    assert payload["ref"] == "fraud/clf:1"
    by_key = {s["key"]: s for s in payload["series"]}
    assert list(by_key) == ["drift.psi.age", "drift.psi.plan"]
    age = by_key["drift.psi.age"]
    assert [p["value"] for p in age["points"]] == [0.0, 0.1, 0.2, 0.3, 0.4, 0.35]
    assert [p["ts"] for p in age["points"]] == [T0 + i for i in range(6)]
    assert age["truncated"] is False
    psi = {
        "rule_id": fleet.psi_rule,
        "op": ">",
        "threshold": 0.2,
        "severity": "warning",
    }
    assert age["thresholds"] == [psi]
    assert by_key["drift.psi.plan"]["thresholds"] == [psi]


async def test_every_series_carries_only_its_own_thresholds(raw_fetch, fleet):
    payload = await ok(raw_fetch, f"monitoring/{FRAUD_Q}%3A1/series")
    by_key = {s["key"]: s["thresholds"] for s in payload["series"]}
    assert sorted(by_key) == [
        "drift.psi.age", "drift.psi.plan", "performance.accuracy",
        "performance.labelled", "volume.rows",
    ]  # fmt: skip
    assert [t["rule_id"] for t in by_key["volume.rows"]] == [fleet.rows_rule]
    assert by_key["volume.rows"][0]["severity"] == "critical"
    assert by_key["volume.rows"][0]["op"] == "<"
    assert by_key["performance.accuracy"] == []
    # v2's own rule (latency.*) applies to v2 only, v1's volume rule does not
    v2 = await ok(raw_fetch, f"monitoring/{FRAUD_Q}%3A2/series")
    thresholds = {
        s["key"]: [t["rule_id"] for t in s["thresholds"]] for s in v2["series"]
    }
    assert thresholds == {
        "drift.psi.age": [fleet.psi_rule],
        "latency.p95_ms": [fleet.v2_rule],
        "volume.rows": [],
    }


async def test_series_by_exact_keys(raw_fetch, fleet):
    keys = "key=volume.rows&key=missing.key&key=volume.rows"
    path = f"monitoring/{FRAUD_Q}%3A1/series?{keys}"
    payload = await ok(raw_fetch, path)
    assert [s["key"] for s in payload["series"]] == ["volume.rows", "missing.key"]
    volume, missing = payload["series"]
    assert [p["value"] for p in volume["points"]] == [100.0] * 5 + [10.0]
    assert missing == {"key": "missing.key", "points": [], "truncated": False,
                       "thresholds": []}  # fmt: skip
    # a key is exact: a glob character in it is literal
    star = await ok(raw_fetch, f"monitoring/{FRAUD_Q}%3A1/series?key=drift.psi.*")
    assert star["series"][0]["points"] == []


@pytest.mark.parametrize(
    ("query", "values", "truncated"),
    [
        ("limit=2", [0.4, 0.35], True),
        ("limit=6", [0.0, 0.1, 0.2, 0.3, 0.4, 0.35], False),
        ("limit=5000", [0.0, 0.1, 0.2, 0.3, 0.4, 0.35], False),
        (f"since_ts={T0 + 3}", [0.3, 0.4, 0.35], False),
        (f"until_ts={T0 + 1.5}", [0.0, 0.1], False),
        (f"since_ts={T0 + 1}&until_ts={T0 + 4}&limit=2", [0.3, 0.4], True),
        (f"since_ts={T0 + 9}", [], False),
        ("since_ts=1.7642120e9&until_ts=1764212000", [0.0], False),
    ],
)
async def test_series_window_and_limit(raw_fetch, fleet, query, values, truncated):
    path = f"monitoring/{FRAUD_Q}%3A1/series?key=drift.psi.age&{query}"
    [series] = (await ok(raw_fetch, path))["series"]
    assert [p["value"] for p in series["points"]] == values
    assert series["truncated"] is truncated
    times = [p["ts"] for p in series["points"]]
    assert times == sorted(times)  # oldest first


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("limit=0", "limit"),
        ("limit=5001", "limit"),
        (f"limit={10**9}", "limit"),
        ("since_ts=abc", "since_ts"),
        ("since_ts=nan", "since_ts"),
        ("since_ts=inf", "since_ts"),
        ("until_ts=-Infinity", "until_ts"),
        ("since_ts=1e999", "since_ts"),
        ("since_ts=0x10", "since_ts"),
        ("since_ts=" + "1" * 50, "since_ts"),
        ("since_ts=20&until_ts=10", "since_ts"),
        ("key=volume.rows&pattern=drift.*", "not both"),
        ("pattern=" + "x" * 201, "pattern"),
        ("key=" + "k" * 501, "key"),
        ("&".join(["key=k"] * 101), "key"),
    ],
)
async def test_series_bad_parameters_are_400(raw_fetch, fleet, query, word):
    code, body = await get(raw_fetch, f"monitoring/{FRAUD_Q}/series?{query}")
    assert_error(code, body, 400, word)


# -- alerts and batches ----------------------------------------------------------------


async def test_alerts_of_a_version_filter_and_page(raw_fetch, fleet):
    base = f"monitoring/{FRAUD_Q}%3A1/alerts"
    page = await ok(raw_fetch, base)
    assert page["total"] == 3 and page["limit"] == 50
    # newest first
    assert [a["id"] for a in page["alerts"]] == [
        fleet.rows_alert, fleet.age_alert, fleet.plan_alert,
    ]  # fmt: skip
    firing = await ok(raw_fetch, f"{base}?state=firing")
    assert firing["total"] == 2
    assert {a["state"] for a in firing["alerts"]} == {"firing"}
    resolved = await ok(raw_fetch, f"{base}?state=resolved")
    assert [a["id"] for a in resolved["alerts"]] == [fleet.plan_alert]
    second = await ok(raw_fetch, f"{base}?limit=1&offset=1")
    assert [a["id"] for a in second["alerts"]] == [fleet.age_alert]
    assert second["total"] == 3 and second["offset"] == 1 and second["limit"] == 1
    # v2 has none; the bare name resolves to v2
    assert (await ok(raw_fetch, f"monitoring/{FRAUD_Q}/alerts"))["total"] == 0


async def test_alerts_of_every_model(raw_fetch, fleet, store):
    from monitoring_seed import log

    # Given an alert of another model too
    log(store, fleet.credit, "c-b0", T0 + 20, {"performance.accuracy": 0.5})
    page = await ok(raw_fetch, "alerts")
    assert page["total"] == 4
    newest = page["alerts"][0]
    assert (newest["model"], newest["series"]) == (CREDIT, "performance.accuracy")
    firing = await ok(raw_fetch, "alerts?state=firing&limit=2")
    assert firing["total"] == 3 and len(firing["alerts"]) == 2
    assert (await ok(raw_fetch, "monitoring"))["firing"] == 3


@pytest.mark.parametrize("route", ["alerts", f"monitoring/{FRAUD_Q}/alerts"])
@pytest.mark.parametrize("state", ["open", "FIRING", "x" * 200])
async def test_bad_alert_state_is_400(raw_fetch, fleet, route, state):
    code, body = await get(raw_fetch, f"{route}?state={state}")
    assert_error(code, body, 400, "state")


async def test_batches_newest_first_with_status(raw_fetch, fleet):
    page = await ok(raw_fetch, f"monitoring/{FRAUD_Q}%3A1/batches?limit=2")
    assert page["total"] == 6 and page["limit"] == 2
    assert page["batches"] == [
        {"batch_id": "f1-b5", "ts": T0 + 5, "source": "api", "n_rows": 10,
         "n_labelled": 0, "status": "insufficient_data",
         "reason": "10 rows; drift needs at least 30"},
        {"batch_id": "f1-b4", "ts": T0 + 4, "source": "api", "n_rows": 100,
         "n_labelled": 0, "status": "ok", "reason": None},
    ]  # fmt: skip
    rest = await ok(raw_fetch, f"monitoring/{FRAUD_Q}%3A1/batches?offset=2")
    assert [b["batch_id"] for b in rest["batches"]] == [
        "f1-b3",
        "f1-b2",
        "f1-b1",
        "f1-b0",
    ]
    assert rest["batches"][2]["n_labelled"] == 100
    empty = await ok(raw_fetch, f"monitoring/{FRAUD_Q}%3A3/batches")
    assert empty == {"total": 0, "offset": 0, "limit": 50, "batches": []}


# -- robustness ------------------------------------------------------------------------


def assert_all_finite(value: object) -> None:
    """No number in a payload is NaN or infinite, nor spelled as one."""
    if isinstance(value, dict):
        for item in value.values():
            assert_all_finite(item)
    elif isinstance(value, list):
        for item in value:
            assert_all_finite(item)
    elif isinstance(value, float):
        assert value == value and abs(value) != float("inf")
    else:
        assert value not in ("NaN", "Infinity", "-Infinity")


async def test_non_finite_values_are_never_sent(raw_fetch, fleet, store):
    # Given values no writer produces, planted directly: infinite points and latest
    # values, an infinite alert value and a NaN inside a stored report
    with store.write() as conn:
        conn.execute(
            "INSERT INTO monitor_series (version_id, key, ts, value)"
            " VALUES (?, ?, ?, ?)",
            (fleet.v1, "drift.psi.age", T0 + 6, float("inf")),
        )
        conn.execute(
            "INSERT INTO monitor_latest (version_id, key, value, ts)"
            " VALUES (?, ?, ?, ?)",
            (fleet.v1, "drift.ks.age", float("-inf"), T0 + 6),
        )
        conn.execute(
            "UPDATE monitor_alerts SET value = ? WHERE id = ?",
            (float("inf"), fleet.age_alert),
        )
        conn.execute(
            "UPDATE monitor_batches SET report = ? WHERE batch_id = 'f1-b5'",
            ('{"rows": 10, "status": "ok", "reason": null, "psi": NaN}',),
        )
    for path in (
        "monitoring",
        f"monitoring/{FRAUD_Q}%3A1",
        f"monitoring/{FRAUD_Q}%3A1/series",
        f"monitoring/{FRAUD_Q}%3A1/alerts",
        f"monitoring/{FRAUD_Q}%3A1/batches",
        "alerts",
    ):
        payload = await ok(raw_fetch, path)  # strict JSON: no NaN/Infinity literal
        assert_all_finite(payload)
    detail = await ok(raw_fetch, f"monitoring/{FRAUD_Q}%3A1")
    assert "drift.ks.age" not in detail["latest"]
    assert detail["alerts"][1]["value"] is None
    assert detail["last_report"]["psi"] is None
    series = await ok(raw_fetch, f"monitoring/{FRAUD_Q}%3A1/series?key=drift.psi.age")
    assert len(series["series"][0]["points"]) == 6  # the infinite point is skipped


async def test_unreadable_stored_json_spoils_only_its_own_field(
    raw_fetch, fleet, store
):
    with store.write() as conn:
        conn.execute(
            "UPDATE monitor_batches SET report = 'not json' WHERE batch_id = 'f1-b4'"
        )
        conn.execute(
            "UPDATE monitor_alerts SET fired_values = '{broken' WHERE id = ?",
            (fleet.age_alert,),
        )
    batches = await ok(raw_fetch, f"monitoring/{FRAUD_Q}%3A1/batches")
    broken = next(b for b in batches["batches"] if b["batch_id"] == "f1-b4")
    assert broken["status"] is None and broken["reason"] is None
    alerts = await ok(raw_fetch, f"monitoring/{FRAUD_Q}%3A1/alerts")
    assert (
        next(a for a in alerts["alerts"] if a["id"] == fleet.age_alert)["fired_values"]
        == []
    )


async def test_internal_error_is_a_safe_500(
    raw_fetch, fleet, monkeypatch, jp_serverapp
):
    token = jp_serverapp.identity_provider.token

    def boom(*args, **kwargs):
        raise RuntimeError(f"/secret/path/registry.db exploded with {token}")

    monkeypatch.setattr(monitoring_handlers.queries, "list_monitors", boom)
    code, body = await get(raw_fetch, "monitoring")
    assert code == 500
    assert "/secret/path" not in body["message"] and token not in body["message"]
    assert "Traceback" not in body["message"]


# -- acknowledging alerts --------------------------------------------------------------

JSON = {"Content-Type": "application/json"}


async def post_ack(raw_fetch, alert_id, verb="acknowledge", body=None, headers=None):
    """POST alerts/{id}/{verb}; return ``(code, alert)`` (the error body if not 200),
    after checking the reply's badge count against ``GET changes``."""
    raw = body if isinstance(body, bytes) else json.dumps({} if body is None else body).encode()
    response = await raw_fetch(f"{ROOT}alerts/{alert_id}/{verb}", method="POST", body=raw,
                               headers={**JSON, **(headers or {})})
    reply = strict_loads(response.body)
    if response.code != 200:
        return response.code, reply
    assert_valid("alert_acknowledge_response", reply)
    assert reply["firing"] == (await ok(raw_fetch, "changes?since=0"))["firing"]
    return response.code, reply["alert"]


async def test_acknowledging_an_alert_records_who_and_when_and_calms_the_badge(
    raw_fetch, fleet
):
    # Given two firing alerts, both counted by the badge (GET changes, GET monitoring)
    assert (await ok(raw_fetch, "changes?since=0"))["firing"] == 2
    before = time.time()
    # When one is acknowledged with a comment
    code, alert = await post_ack(raw_fetch, fleet.age_alert, body={"comment": "on it"})
    # Then the reply is the alert, acknowledged now by the server's user
    assert code == 200, alert
    assert alert["id"] == fleet.age_alert and alert["state"] == "firing"
    assert alert["acknowledged_by"] == current_user()
    assert before <= alert["acknowledged_at"] <= time.time()
    assert alert["actions"][-1]["kind"] == "acknowledge"
    assert alert["actions"][-1]["detail"] == f"{current_user()}: on it"
    # and the badge counts only the alert nobody acknowledged; the monitor still fires 2
    assert (await ok(raw_fetch, "changes?since=0"))["firing"] == 1
    assert (await ok(raw_fetch, "monitoring"))["firing"] == 1
    detail = await ok(raw_fetch, f"monitoring/{FRAUD_Q}%3A1")
    assert detail["monitor"]["firing"] == 2
    by_id = {a["id"]: a for a in detail["alerts"]}
    assert by_id[fleet.age_alert]["acknowledged_at"] == alert["acknowledged_at"]
    assert by_id[fleet.rows_alert]["acknowledged_at"] is None
    # When acknowledged again: the first who/when stay, no second record
    code, again = await post_ack(raw_fetch, fleet.age_alert)
    assert code == 200 and again["acknowledged_at"] == alert["acknowledged_at"]
    assert [a["kind"] for a in again["actions"]].count("acknowledge") == 1
    # When unacknowledged: it counts on the badge again
    code, undone = await post_ack(raw_fetch, fleet.age_alert, "unacknowledge")
    assert code == 200, undone
    assert undone["acknowledged_at"] is None and undone["acknowledged_by"] is None
    assert undone["actions"][-1]["kind"] == "unacknowledge"
    assert (await ok(raw_fetch, "changes?since=0"))["firing"] == 2


@pytest.mark.parametrize(
    ("alert_id", "body", "expected", "words"),
    [
        ("999999", {}, 404, ("no monitoring alert 999999",)),
        ("abc", {}, 404, ("no monitoring alert 'abc'",)),
        ("9" * 30, {}, 404, ("no monitoring alert",)),
        ("AGE", {"comment": 3}, 400, ("'comment' must be a string, not a number",)),
        ("AGE", {"note": "x"}, 400, ("unknown key 'note'", "allowed: 'comment'")),
        ("AGE", {"comment": "x" * 2001}, 400, ("longer than 2000",)),
        ("AGE", b"[1]", 400, ("must be a JSON object",)),
        ("AGE", b"{", 400, ("not valid JSON",)),
    ],
)
async def test_bad_acknowledgements_name_the_problem(raw_fetch, fleet, alert_id, body,
                                                     expected, words):
    target = fleet.age_alert if alert_id == "AGE" else alert_id
    code, reply = await post_ack(raw_fetch, target, body=body)
    assert_error(code, reply, expected, *words)
    assert (await ok(raw_fetch, "changes?since=0"))["firing"] == 2  # nothing changed


async def test_acknowledging_needs_a_token_and_xsrf_with_a_cookie(raw_fetch, fleet):
    for auth in ("", "token wrong"):
        code, _ = await post_ack(raw_fetch, fleet.age_alert,
                                 headers={"Authorization": auth})
        assert code == 403
    cookies = await get_browser_cookies(raw_fetch)
    cookie_only = {"Authorization": "",
                   "Cookie": f"{cookies['login']}; _xsrf={cookies['xsrf']}"}
    code, body = await post_ack(raw_fetch, fleet.age_alert, headers=cookie_only)
    assert code == 403 and "xsrf" in body["message"].lower()
    assert (await ok(raw_fetch, "changes?since=0"))["firing"] == 2
    code, alert = await post_ack(raw_fetch, fleet.age_alert,
                                 headers={**cookie_only, "X-XSRFToken": cookies["xsrf"]})
    assert code == 200 and alert["acknowledged_at"] is not None
