"""Monitoring end to end through the Python API: batches, rules, alerts, dedup, actions."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import textwrap
import threading
from typing import ClassVar

import nbformat
import numpy as np
import pytest

import mm_jupyter as mm
from mm_jupyter.services.runs.session import get_session

pd = pytest.importorskip("pandas")
sklearn = pytest.importorskip("sklearn")
from sklearn.linear_model import LogisticRegression  # noqa: E402

FEATURES = ["age", "income", "tenure"]


def frame(n, seed=0, shift=0.0):
    rng = np.random.default_rng(seed)
    data = {f: rng.normal(0, 1, n) for f in FEATURES}
    data["age"] = data["age"] + shift
    data["plan"] = rng.choice(["basic", "pro", "team"], n, p=[0.5, 0.3, 0.2])
    return pd.DataFrame(data)


@pytest.fixture
def reg(registry_dir):
    get_session().reset_registry()
    yield mm.get_registry()
    mm.monitor  # noqa: B018 (the lazy attribute resolves)
    from mm_jupyter.monitoring import dispatch

    dispatch.wait(30)
    get_session().reset_registry()


@pytest.fixture
def model(reg):
    X = frame(2000)
    y = (X["age"] + X["income"] > 0).astype(int)
    clf = LogisticRegression().fit(X[FEATURES], y)
    mm.register_model(clf, "churn", reference_data=X[FEATURES], stage="production")
    return clf


def count(reg, sql, *args):
    return reg.conn.execute(sql, args).fetchone()[0]


def test_monitor_resolves_references_and_keeps_the_version(model):
    mon = mm.monitor("churn@production")
    assert (mon.model, mon.version, mon.ref) == ("churn", 1, "churn:1")
    assert mon.profile["features"]["age"]["type"] == "numeric"
    # the model predicted on its reference data; class labels are profiled as categories
    assert mon.profile["prediction"]["type"] == "categorical" and mon.profile["task"] == "classification"
    with pytest.raises(mm_errors().NotFoundError):
        mm.monitor("churn@staging")


def mm_errors():
    import mm_jupyter.errors as errors

    return errors


def test_a_normal_batch_has_low_drift_and_a_shifted_one_fires_once(reg, model):
    mon = mm.monitor("churn@production")
    calls = []
    rule = mon.rule("drift.psi.*", ">", 0.2, action=calls.append)
    assert rule["pattern"] == "drift.psi.*" and rule["action"]["kind"] == "callable"
    X = frame(1000, seed=1)
    mon.log(X[FEATURES], predictions=model.predict(X[FEATURES]))
    assert mon.alerts() == [] and calls == []
    shifted = frame(1000, seed=2, shift=3.0)[FEATURES]
    for _ in range(3):
        mon.log(shifted, predictions=model.predict(shifted))
    firing = mon.alerts(state="firing")
    assert [a["series"] for a in firing] == ["drift.psi.age"]
    assert firing[0]["occurrences"] == 3  # the same alert, counted: deduplicated
    assert "drift.prediction.js" in mon.series("drift.prediction.*")
    assert len(calls) == 1 and calls[0]["series"] == "drift.psi.age"
    assert calls[0]["value"] > 0.2 and calls[0]["alert_id"] == firing[0]["id"]
    assert count(reg, "SELECT count(*) FROM alert_actions WHERE status = 'ok'") == 1

    mon.log(X[FEATURES], predictions=model.predict(X[FEATURES]))  # back to normal
    assert mon.alerts(state="firing") == []
    assert mon.alerts(state="resolved")[0]["resolved_ts"] is not None
    mon.log(shifted, predictions=model.predict(shifted))  # drifts again: a new alert
    assert len(mon.alerts()) == 2 and len(calls) == 2


def test_window_rule_needs_count_breaches_inside_the_window(reg, model):
    mon = mm.monitor("churn")
    mon.rule("volume.rows", "<", 50, count=3, window="10m")
    t = 1_800_000_000.0
    small = frame(10, seed=3)[FEATURES]
    mon.log(small, timestamp=t)
    mon.log(small, timestamp=t + 1000)  # 16 min later: the first is out of the window
    mon.log(small, timestamp=t + 1100)
    assert mon.alerts() == []
    mon.log(small, timestamp=t + 1200)  # three within ten minutes
    (alert,) = mon.alerts()
    assert [p["ts"] for p in alert["fired_values"]] == [t + 1000, t + 1100, t + 1200]


def test_count_without_window_means_consecutive(reg, model):
    mon = mm.monitor("churn")
    mon.rule("volume.rows", "<", 50, count=2)
    small, big = frame(10)[FEATURES], frame(100)[FEATURES]
    for batch in (small, big, small):
        mon.log(batch)
    assert mon.alerts() == []
    mon.log(small)
    assert len(mon.alerts(state="firing")) == 1


def test_small_and_empty_batches_are_insufficient_data_not_errors(reg, model):
    mon = mm.monitor("churn")
    mon.log(frame(5)[FEATURES])
    age = mon.last_report["features"]["age"]
    assert age["status"] == "insufficient_data" and "30" in age["reason"]
    mon.log(frame(0)[FEATURES])
    assert mon.last_report["status"] == "insufficient_data"
    keys = set(mon.series())
    assert "volume.rows" in keys and not any(k.startswith("drift.") for k in keys)


def test_labels_arrive_later_and_performance_rules_fire(reg, model):
    mon = mm.monitor("churn")
    mon.rule("performance.accuracy", "<", 0.85, severity="critical")
    X = frame(400, seed=4)[FEATURES]
    y_pred = model.predict(X)
    batch = mon.log(X, predictions=y_pred)
    good = mon.log_labels(batch, y_pred)
    assert good["metrics"]["accuracy"] == 1.0 and mon.alerts() == []
    bad = mon.log_labels(batch, 1 - y_pred)  # relabelled: performance replaced
    assert bad["metrics"]["accuracy"] == 0.0
    (alert,) = mon.alerts(state="firing")
    assert alert["severity"] == "critical" and alert["series"] == "performance.accuracy"
    assert [v for _, v in mon.series("performance.accuracy")["performance.accuracy"]] == [0.0]
    half = mon.log(X, predictions=y_pred)
    result = mon.log_labels(half, y_pred[:10], rows=list(range(10)))
    assert result["n"] == 10
    with pytest.raises(ValueError, match="y_true has 3 values but the batch has 400"):
        mon.log_labels(batch, [0, 1, 0])
    with pytest.raises(ValueError, match="outside the batch"):
        mon.log_labels(batch, [1], rows=[400])


def test_rules_are_idempotent_and_validated(reg, model):
    mon = mm.monitor("churn")
    first = mon.rule("drift.psi.*", ">", 0.2)
    again = mon.rule("drift.psi.*", ">", 0.2, severity="critical")
    assert first["id"] == again["id"] and again["severity"] == "critical"
    assert len(mon.rules()) == 1
    for args, kwargs, message in [
        (("drift.psi.*", "=>", 0.2), {}, "op must be one of"),
        (("drift.psi.*", ">", "high"), {}, "threshold must be a number"),
        (("drift.psi.*", ">", 0.2), {"severity": "urgent"}, "severity must be one of"),
        (("drift.psi.*", ">", 0.2), {"window": "soon"}, "window must be like"),
        (("drift.psi.*", ">", 0.2), {"count": 0}, "count must be a positive integer"),
        (("", ">", 0.2), {}, "series must be"),
    ]:
        with pytest.raises(ValueError, match=message):
            mon.rule(*args, **kwargs)
    with pytest.raises(TypeError):
        mon.rule("volume.rows", "<", 1, action=42)
    mon.remove_rule(first["id"])
    assert mon.rules() == []


def test_set_reference_later_enables_drift(reg):
    X = frame(500)
    clf = LogisticRegression().fit(X[FEATURES], (X["age"] > 0).astype(int))
    mm.register_model(clf, "noref")
    mon = mm.monitor("noref")
    mon.log(X[FEATURES])
    assert "no reference profile" in mon.last_report["features"]["age"]["reason"]
    mon.set_reference(X[FEATURES], predictions=clf.predict(X[FEATURES]))
    mon.log(frame(500, seed=9, shift=2.0)[FEATURES])
    assert mon.series("drift.psi.age")["drift.psi.age"][-1][1] > 0.2


def test_raw_rows_are_capped_per_version(reg, model):
    mon = mm.monitor("churn", max_raw_rows=150)
    for seed in range(4):
        mon.log(frame(100, seed=seed)[FEATURES])
    kept = count(reg, "SELECT COALESCE(sum(n_rows), 0) FROM monitor_samples")
    assert 0 < kept <= 150
    assert count(reg, "SELECT count(*) FROM monitor_batches") == 4  # summaries all stay


def test_registry_events_trigger_exactly_once(reg, model):
    events = []
    mm.monitor("churn").on_event("stage_changed", events.append)
    mm.promote_model("churn:1", "staging")
    from mm_jupyter.monitoring.dispatch import dispatch_events

    dispatch_events(reg)  # a second dispatch finds nothing new
    assert [(e["event"], e["from"], e["to"]) for e in events] == [("stage_changed", "production", "staging")]
    with pytest.raises(ValueError, match="event must be one of"):
        mm.on_model_event("deleted", events.append)


class _Listener(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhook_action_posts_the_alert_to_a_local_listener(reg, model):
    _Listener.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        mon = mm.monitor("churn")
        mon.rule("volume.rows", "<", 50, action=mm.triggers.webhook(url, allow_private=True))
        mon.log(frame(10)[FEATURES])
        assert mon.wait(30)
    finally:
        server.shutdown()
    (body,) = _Listener.received
    assert body["series"] == "volume.rows" and body["model"] == "churn" and body["value"] == 10
    (action,) = mon.alerts()[0]["actions"]
    assert action["kind"] == "webhook" and action["status"] == "ok"


def test_notebook_action_runs_headlessly_and_links_its_run(reg, model, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("reason = 'manual'", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(textwrap.dedent("""\
            import mm_jupyter as mm
            with mm.track(name='retrain'):
                mm.log_param('reason', reason)
        """)),
    ]
    path = tmp_path / "retrain.ipynb"
    nbformat.write(nb, path)
    mon = mm.monitor("churn")
    mon.rule("volume.rows", "<", 50,
             action=mm.triggers.run_notebook(str(path), parameters={"reason": "drift"}))
    mon.log(frame(10)[FEATURES])
    assert mon.wait(120)
    (action,) = mon.alerts()[0]["actions"]
    assert action["status"] == "ok", action["detail"]
    run = mm.get_run(action["run_id"])
    assert run.params["reason"] == "drift"
    assert run.tags["mm.triggered_by"] == f"alert:{mon.alerts()[0]['id']}"


def test_two_processes_logging_drift_open_one_alert(reg, model, registry_dir):
    mm.monitor("churn").rule("drift.psi.*", ">", 0.2)
    script = textwrap.dedent(f"""
        import numpy as np, pandas as pd, mm_jupyter as mm
        rng = np.random.default_rng()
        X = pd.DataFrame({{f: rng.normal(0, 1, 500) for f in {FEATURES!r}}})
        X['age'] += 3
        mon = mm.monitor('churn')
        for _ in range(5):
            mon.log(X)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(3)]
    assert [p.wait(120) for p in procs] == [0, 0, 0]
    assert count(reg, "SELECT count(*) FROM monitor_alerts WHERE series = 'drift.psi.age'") == 1
    assert count(reg, "SELECT occurrences FROM monitor_alerts") == 15


def test_summary_shows_a_table_and_charts(reg, model):
    mon = mm.monitor("churn")
    mon.rule("drift.psi.*", ">", 0.2)
    mon.log(frame(300)[FEATURES], latency_ms=[1.0] * 300)
    mon.log(frame(300, shift=3)[FEATURES], latency_ms=[2.0] * 300)
    summary = mon.summary()
    page = summary._repr_html_()
    assert "data:image/png;base64," in page and "drift.psi.age" in page and "&gt; 0.2" in page
    assert "1</b> alerts firing" in page
    assert len(summary.figure.axes) == 4
    assert "FIRING" in repr(summary)


def test_magic_verbs_show_the_summary_and_alerts(ip, model):
    mon = mm.monitor("churn")
    mon.rule("volume.rows", "<", 50)
    mon.log(frame(10)[FEATURES])
    summary = ip.run_line_magic("mm", "monitor churn@production")
    assert "volume.rows" in repr(summary)
    table = ip.run_line_magic("mm", "alerts churn firing")
    assert "volume.rows = 10 < 50" in repr(table) and "firing" in repr(table)
    from IPython.core.error import UsageError

    with pytest.raises(UsageError, match="no registered model"):
        ip.run_line_magic("mm", "monitor nope")


def test_a_million_rows_with_nan_and_extra_features_fire_one_alert(reg, model):
    mon = mm.monitor("churn", max_prediction_rows=1_000)
    mon.rule("missing.rate.*", ">", 0.05)
    rng = np.random.default_rng(7)
    n = 1_000_000
    X = pd.DataFrame({f: rng.normal(0, 1, n) for f in FEATURES})
    X.loc[::10, "income"] = np.nan  # 10% missing
    X["surprise"] = 1.0  # a feature the reference never saw
    batch = mon.log(X, predictions=np.zeros(n, dtype=int))
    report = mon.last_report
    assert report["rows"] == n and report["extra_features"] == ["surprise"]
    assert report["features"]["income"]["missing_rate"] == pytest.approx(0.1)
    (alert,) = mon.alerts()  # one alert for the series, not one per row
    assert alert["series"] == "missing.rate.income"
    stored = count(reg, "SELECT length(predictions) FROM monitor_batches WHERE batch_id = ?", batch)
    assert stored < 10_000  # predictions kept up to max_prediction_rows only


def test_actions_of_a_process_that_died_are_reaped_on_open(reg, model, registry_dir):
    script = textwrap.dedent("""
        import os, mm_jupyter as mm
        from mm_jupyter.store import alerts as store
        mon = mm.monitor('churn')
        rule = mon.rule('volume.rows', '<', 50)
        store.record_action(mon.registry, rule_id=rule['id'], kind='notebook', status='running')
        os._exit(0)  # dies mid-action
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    from mm_jupyter.store import open_registry

    fresh = open_registry(registry_dir)
    status, detail = fresh.conn.execute("SELECT status, detail FROM alert_actions").fetchone()
    fresh.close()
    assert status == "error" and "ended before it finished" in detail
