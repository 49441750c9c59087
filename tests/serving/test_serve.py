"""``mm-jupyter serve`` as a real process: predictions, monitoring flushes, labels, metrics."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pytest
from postgres_server import temporary_database

from mm_jupyter.services.runs.session import get_session
from mm_jupyter.serving.model import Predictor, RequestError, ServedModel, feature_order
from mm_jupyter.store import open_registry

pd = pytest.importorskip("pandas")
pytest.importorskip("sklearn")
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder  # noqa: E402

NUMERIC = ["age", "income", "tenure"]
FEATURES = [*NUMERIC, "plan"]
CLI = [sys.executable, "-m", "mm_jupyter.cli.main"]


def frame(n, seed=0):
    rng = np.random.default_rng(seed)
    data = {f: np.round(rng.normal(0, 1, n), 4) for f in NUMERIC}
    data["plan"] = rng.choice(["basic", "pro", "team"], n)
    return pd.DataFrame(data)[FEATURES]


class Home(NamedTuple):
    """The served registry: its folder, the fitted model, and the environment a process
    sets to use it (``MM_JUPYTER_HOME``, plus the database under --registry-backend)."""

    path: Path
    model: Any
    env: dict[str, str]


@pytest.fixture(scope="module")
def home(tmp_path_factory, request):
    """A registry with ``churn:1``: a DataFrame pipeline fitted with reference data."""
    import mm_jupyter as mm

    path = tmp_path_factory.mktemp("serve") / "registry"
    with ExitStack() as stack:
        env = {"MM_JUPYTER_HOME": str(path)}
        if request.config.getoption("--registry-backend") == "postgresql":
            database = temporary_database(request.getfixturevalue("postgres_url"))
            env["MM_JUPYTER_DATABASE_URL"] = stack.enter_context(database)
        with pytest.MonkeyPatch.context() as mp:
            for key, value in env.items():
                mp.setenv(key, value)
            get_session().reset_registry()
            X = frame(600)
            y = (X["age"] + X["income"] + (X["plan"] == "pro") > 0.5).astype(int)
            model = make_pipeline(
                ColumnTransformer([("plan", OneHotEncoder(), ["plan"])], remainder="passthrough"),
                LogisticRegression(),
            ).fit(X, y)
            mm.register_model(model, "churn", reference_data=X, stage="production")
            get_session().reset_registry()
        yield Home(path, model, env)


class Server:
    """One ``mm-jupyter serve`` process and a small HTTP client for it."""

    def __init__(self, home, *args):
        env = {**os.environ, **home.env}
        self.proc = subprocess.Popen([*CLI, "serve", "churn@production", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                     text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 60)
        line = self.proc.stdout.readline() if ready else ""
        if "Serving" not in line:
            self.proc.kill()
            raise AssertionError(f"serve did not start: {line!r} {self.proc.stderr.read()}")
        self.port = int(line.split("http://127.0.0.1:")[1].split()[0])

    def call(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
        conn.request(method, path, body=body,
                     headers={"Content-Type": "application/json", **(headers or {})})
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, resp, data

    def json(self, method, path, body=None, headers=None):
        status, _, data = self.call(method, path, body, headers)
        return status, json.loads(data)

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(30)
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()


@pytest.fixture(scope="module")
def server(home):
    srv = Server(home, "--trust", "--flush-seconds", "0.2")
    yield srv
    assert srv.stop() == 0


def rows_of(X):
    return json.loads(X.to_json(orient="records"))


@contextmanager
def reading(home):
    """A read transaction on the served registry, through the registry interface (a
    second connection, as a kernel or the Jupyter server would hold; either backend)."""
    with pytest.MonkeyPatch.context() as mp:
        for key, value in home.env.items():
            mp.setenv(key, value)
        registry = open_registry(home.path)
    with registry, registry.read() as conn:
        yield conn


def wait_for_batch(home, batch_id, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with reading(home) as conn:
            row = conn.execute("SELECT source, n_rows, n_labelled FROM monitor_batches"
                               " WHERE batch_id = ?", (batch_id,)).fetchone()
        if row:
            return row
        time.sleep(0.05)
    raise AssertionError(f"batch {batch_id} was not flushed within {timeout} s")


def test_predictions_equal_the_models_own_for_one_row_and_a_batch(server, home):
    model = home.model
    X = frame(25, seed=1)
    status, one = server.json("POST", "/predict", {"rows": rows_of(X.iloc[:1])})
    assert status == 200
    assert one["predictions"] == model.predict(X.iloc[:1]).tolist()
    assert (one["model"], one["version"], len(one["rows"])) == ("churn", 1, 1)
    status, many = server.json("POST", "/predict", {"rows": rows_of(X)})
    assert status == 200 and many["predictions"] == model.predict(X).tolist()
    assert len(many["rows"]) == 25 and many["rows"] == list(range(many["rows"][0],
                                                                  many["rows"][0] + 25))
    # instances: lists in the model's feature order
    status, inst = server.json("POST", "/predict", {"instances": X.iloc[:3].values.tolist()})
    assert status == 200 and inst["predictions"] == model.predict(X.iloc[:3]).tolist()


def test_a_flushed_batch_lands_with_source_serve_and_latency(server, home):
    X = frame(40, seed=2)
    _, answer = server.json("POST", "/predict", {"rows": rows_of(X)})
    source, n_rows, _ = wait_for_batch(home, answer["batch_id"])
    assert source == "serve" and n_rows >= 40
    with reading(home) as conn:
        keys = {k for (k,) in conn.execute(
            "SELECT s.key FROM monitor_series s JOIN monitor_batches b ON b.id = s.batch_id"
            " WHERE b.batch_id = ?", (answer["batch_id"],))}
        (stored,) = conn.execute("SELECT predictions FROM monitor_batches WHERE batch_id = ?",
                                 (answer["batch_id"],)).fetchone()
    stored = json.loads(stored)
    assert {"volume.rows", "latency.mean_ms", "latency.p99_ms"} <= keys
    assert any(k.startswith("drift.psi.") for k in keys)  # 40 rows: enough for drift
    offsets = answer["rows"]
    assert stored[offsets[0]:offsets[-1] + 1] == answer["predictions"]


def test_labels_join_the_flushed_predictions(server, home):
    X = frame(30, seed=3)
    _, answer = server.json("POST", "/predict", {"rows": rows_of(X)})
    truth = [1 - p for p in answer["predictions"][:10]]  # all wrong on purpose
    status, body = server.json("POST", "/labels", {"batch_id": answer["batch_id"],
                                                   "labels": truth, "rows": answer["rows"][:10]})
    assert status == 200, body
    assert body["batch_id"] == answer["batch_id"]
    assert body["performance"]["metrics"]["accuracy"] == 0.0
    assert wait_for_batch(home, answer["batch_id"])[2] == 10
    status, body = server.json("POST", "/labels", {"batch_id": "nope", "labels": [1]})
    assert status == 404 and "nope" in body["message"]
    status, body = server.json("POST", "/labels", {"batch_id": answer["batch_id"],
                                                   "labels": [1], "rows": [10_000]})
    assert status == 400 and "row 10000" in body["message"]


def test_metrics_and_health(server, home):
    server.json("POST", "/predict", {"rows": rows_of(frame(2, seed=4))})
    status, resp, data = server.call("GET", "/metrics")
    assert status == 200 and resp.getheader("Content-Type").startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(data.decode())}
    requests = families["mm_serve_requests"]
    assert any(s.labels == {"code": "200"} and s.value >= 1 for s in requests.samples)
    assert families["mm_serve_request_seconds"].type == "histogram"
    monitored = [s for f in families.values() if f.name.startswith("mm_monitor")
                 for s in f.samples if s.labels.get("model") == "churn"]
    assert monitored, sorted(families)
    status, health = server.json("GET", "/health")
    assert status == 200 and health["status"] == "ok"
    assert (health["model"], health["version"]) == ("churn", 1) and health["uptime_s"] > 0


@pytest.mark.parametrize(("body", "message"), [
    (b"{not json", "malformed JSON"),
    (b"", "empty"),
    ([1, 2], "JSON object"),
    ({"rows": [{"age": 1}]}, "row 0 lacks feature 'income'"),
    ({"rows": []}, "non-empty"),
    ({"rows": [{"age": 1, "income": 1, "tenure": 1, "plan": "pro"},
               {"age": 1, "income": 1, "plan": "pro"}]}, "row 1 lacks feature 'tenure'"),
    ({"instances": [[1, 2, 3]]}, "instance 0 has 3 values; the model takes 4"),
    ({"rows": [{"age": [1], "income": 1, "tenure": 1, "plan": "pro"}]}, "feature 'age' is a list"),
    ({"rows": [], "instances": []}, "exactly one of"),
])
def test_bad_bodies_get_400_naming_the_problem(server, body, message):
    status, answer = server.json("POST", "/predict", body)
    assert status == 400 and message in answer["message"], answer
    assert "Traceback" not in answer["message"]


def test_a_failing_prediction_is_422_with_the_error_and_no_traceback(server):
    row = {"age": "old", "income": 1, "tenure": 1, "plan": "pro"}
    status, answer = server.json("POST", "/predict", {"rows": [row]})
    assert status == 422 and answer["message"].startswith("prediction failed: ValueError")
    assert "Traceback" not in answer["message"] and 'File "' not in answer["message"]


def test_routes_types_sizes_and_hosts_are_refused_with_json(server):
    status, answer = server.json("GET", "/nope")
    assert status == 404 and "/nope" in answer["message"]
    status, answer = server.json("POST", "/predict", b'{"rows": []}',
                                 headers={"Content-Type": "text/plain"})
    assert status == 415 and "application/json" in answer["message"]
    status, answer = server.json("GET", "/health", headers={"Host": "evil.example"})
    assert status == 403
    status, resp, _ = server.call("GET", "/health")
    assert resp.getheader("X-Content-Type-Options") == "nosniff"
    # 100 MB announced: refused before the body is read
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                     b"\r\nContent-Length: 104857600\r\n\r\n" + b"[" * 1000)
        reply = sock.recv(65536).decode()
    assert reply.startswith("HTTP/1.1 413") and "limit" in reply
    # 11 MB sent by a simple client: drained, so it reads the 413
    status, answer = server.json("POST", "/predict", b"[" * (11 * 1024 * 1024))
    assert status == 413 and "limit of 10485760 bytes" in answer["message"]
    assert server.json("DELETE", "/predict")[0] == 405
    # the server still answers
    assert server.json("GET", "/health")[0] == 200


def test_a_pickled_model_needs_trust(home):
    env = {**os.environ, **home.env}
    done = subprocess.run([*CLI, "serve", "churn:1", "--port", "0"], capture_output=True,
                          text=True, timeout=60, env=env)
    assert done.returncode == 1
    assert "--trust" in done.stderr and "pickle" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_sigterm_flushes_buffered_rows_and_labels_flush_their_batch(home):
    srv = Server(home, "--trust", "--flush-seconds", "600")
    try:
        X = frame(12, seed=5)
        _, first = srv.json("POST", "/predict", {"rows": rows_of(X[:6])})
        # labels for a batch still in the buffer: it is flushed first
        status, body = srv.json("POST", "/labels", {"batch_id": first["batch_id"],
                                                    "labels": first["predictions"]})
        assert status == 200 and body["performance"]["metrics"]["accuracy"] == 1.0
        _, second = srv.json("POST", "/predict", {"rows": rows_of(X[6:])})
        assert second["batch_id"] != first["batch_id"]
        assert srv.json("GET", "/health")[1]["buffered_rows"] == 6
    finally:
        assert srv.stop() == 0
    assert wait_for_batch(home, first["batch_id"], timeout=1)[1:] == (6, 6)
    assert wait_for_batch(home, second["batch_id"], timeout=1) == ("serve", 6, 0)


def batch_report(home, batch_id):
    with reading(home) as conn:
        (report,) = conn.execute("SELECT report FROM monitor_batches WHERE batch_id = ?",
                                 (batch_id,)).fetchone()
    return json.loads(report)


def test_a_quiet_endpoint_holds_rows_until_a_batch_can_measure_drift(home):
    srv = Server(home, "--trust", "--flush-seconds", "0.05", "--min-batch-rows", "30",
                 "--max-wait-seconds", "600")
    try:
        X = frame(35, seed=6)
        # Given five single-row requests, a few per second
        answers = [srv.json("POST", "/predict", {"rows": rows_of(X[i:i + 1])})[1]
                   for i in range(5)]
        batch_id = answers[0]["batch_id"]
        assert [(a["batch_id"], a["rows"]) for a in answers] == [
            (batch_id, [i]) for i in range(5)]
        # When several flush checks pass
        time.sleep(0.3)
        # Then they stay buffered: five rows could not measure drift
        assert srv.json("GET", "/health")[1]["buffered_rows"] == 5
        with reading(home) as conn:
            assert conn.execute("SELECT count(*) FROM monitor_batches WHERE batch_id = ?",
                                (batch_id,)).fetchone() == (0,)
        # When 30 more rows arrive, the next check logs one batch of 35, with drift
        _, more = srv.json("POST", "/predict", {"rows": rows_of(X[5:])})
        assert (more["batch_id"], more["rows"]) == (batch_id, list(range(5, 35)))
        assert wait_for_batch(home, batch_id) == ("serve", 35, 0)
        report = batch_report(home, batch_id)
        assert report["status"] == "ok" and report["rows"] == 35
        assert all(f["status"] == "ok" and f["psi"] is not None
                   for f in report["features"].values()), report["features"]
        assert srv.json("GET", "/health")[1]["buffered_rows"] == 0
    finally:
        assert srv.stop() == 0


def test_max_wait_logs_a_small_batch_once_its_oldest_row_has_waited(home):
    srv = Server(home, "--trust", "--flush-seconds", "0.05", "--max-wait-seconds", "0.5")
    try:
        # Given three rows, well under the default --min-batch-rows of 30
        t0 = time.monotonic()
        _, answer = srv.json("POST", "/predict", {"rows": rows_of(frame(3, seed=7))})
        # Then they are logged once the oldest has waited 0.5 s, not before
        assert wait_for_batch(home, answer["batch_id"], timeout=10) == ("serve", 3, 0)
        assert time.monotonic() - t0 >= 0.5
        assert batch_report(home, answer["batch_id"])["status"] == "insufficient_data"
        assert srv.json("GET", "/health")[1]["buffered_rows"] == 0
    finally:
        assert srv.stop() == 0


def test_the_cli_default_batch_size_is_the_monitors_min_rows():
    from click.testing import CliRunner

    from mm_jupyter.cli.main import main
    from mm_jupyter.cli.monitoring import serve
    from mm_jupyter.monitoring.drift import MIN_ROWS

    defaults = {p.name: p.default for p in serve.params}
    assert defaults["min_batch_rows"] == MIN_ROWS and defaults["max_wait_seconds"] == 60
    text = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    assert "--min-batch-rows" in text and "--max-wait-seconds" in text


def test_concurrent_requests_share_one_predict_and_a_bad_one_is_blamed_alone():
    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (200, 3))
    model = LogisticRegression().fit(X, (X[:, 0] > 0).astype(int))  # arrays: no names
    features, use_frame = feature_order(model, {"inputs": [{"name": n} for n in "abc"]}, None)
    assert (features, use_frame) == (["a", "b", "c"], False)
    predictor = Predictor(ServedModel(model, "m", 1, "sklearn", features, use_frame))
    calls = []
    original = model.predict
    model.predict = lambda data: calls.append(len(data)) or original(data)

    async def burst():
        requests = [X[i:i + 2].tolist() for i in range(0, 20, 2)] + [[["x", 1, 2]]]
        return await asyncio.gather(*(predictor.predict(r) for r in requests),
                                    return_exceptions=True)

    try:
        results = asyncio.run(burst())
    finally:
        predictor.close()
    assert results[:-1] == [original(X[i:i + 2]).tolist() for i in range(0, 20, 2)]
    assert isinstance(results[-1], RequestError) and results[-1].status == 422
    assert "could not convert string to float" in results[-1].message
    # the first request alone; the 10 queued meanwhile in one call, which failed, so
    # again one by one to find the culprit
    assert calls == [2, 19, *[2] * 9, 1]


def test_an_all_float_frame_model_gets_one_float_block_with_its_column_names():
    X = pd.DataFrame(np.random.default_rng(1).normal(0, 1, (200, 3)), columns=["a", "b", "c"])
    model = LogisticRegression().fit(X, (X["a"] > 0).astype(int))
    seen = []
    original = model.predict
    model.predict = lambda data: seen.append(data) or original(data)
    predictor = Predictor(ServedModel(model, "m", 1, "sklearn", ["a", "b", "c"], True, True))
    rows = X.iloc[:5].values.tolist()
    rows[0][0] = 1  # an int among floats is still a number
    try:
        result = asyncio.run(predictor.predict(rows))
    finally:
        predictor.close()
    expected = X.iloc[:5].copy()
    expected.iloc[0, 0] = 1.0
    assert result == original(expected).tolist()
    assert list(seen[0].columns) == ["a", "b", "c"]
    assert [str(t) for t in seen[0].dtypes] == ["float64"] * 3


def test_a_json_integer_beyond_the_digit_limit_is_400_naming_it(server):
    # Given a JSON integer of 5,000 digits (Python's int() refuses over 4,300)
    body = b'{"rows": [{"age": ' + b"9" * 5000 + b', "income": 1, "tenure": 1, "plan": "pro"}]}'
    # When it is posted, the answer is a 400 that says what is wrong
    status, answer = server.json("POST", "/predict", body)
    assert status == 400, answer
    assert "integer" in answer["message"] and "4300 digits" in answer["message"]
    assert server.json("GET", "/health")[0] == 200


def test_an_oversized_chunked_body_is_413(server):
    # Given a body sent in chunks (no Content-Length) over the 10 MB limit
    def chunks():
        for _ in range(11):
            yield b"[" * (1024 * 1024)

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("POST", "/predict", body=chunks(), encode_chunked=True,
                 headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    resp = conn.getresponse()
    answer = json.loads(resp.read())
    conn.close()
    # Then it is refused as too large, with the limit named
    assert resp.status == 413 and "limit of 10485760 bytes" in answer["message"]
    assert server.json("GET", "/health")[0] == 200


def test_a_chunk_declaring_a_huge_size_is_413_not_a_bare_400(server):
    # Given a chunked body whose one chunk declares 2 TB, then sends 70 MB of it
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(b"POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type:"
                     b" application/json\r\nTransfer-Encoding: chunked\r\n\r\n20000000000\r\n")
        try:
            for _ in range(70):
                sock.sendall(b"[" * (1024 * 1024))
        except OSError:  # the server answered and closed while we were still sending
            pass
        reply = sock.recv(65536).decode()
    # Then the answer is our 413 with its message, not tornado's empty 400
    assert reply.startswith("HTTP/1.1 413") and "limit" in reply
    assert server.json("GET", "/health")[0] == 200


# -- --workers N: pre-forked processes sharing the socket ---------------------------


def serve_rows(home, sql, params=()):
    with reading(home) as conn:
        return conn.execute(sql, params).fetchall()


def logged_batches(home, batch_ids):
    """``{batch_id: n_rows}`` of those batches logged with source serve."""
    found = {}
    for batch_id in set(batch_ids):
        row = serve_rows(home, "SELECT n_rows FROM monitor_batches WHERE batch_id = ?"
                               " AND source = 'serve'", (batch_id,))
        if row:
            found[batch_id] = row[0][0]
    return found


def children_of(pid):
    """The pids whose parent is ``pid`` (Linux /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def predict_concurrently(srv, bodies, threads=8):
    """POST every body, ``threads`` at a time (each on a new connection); the answers
    with the worker that gave each."""
    from concurrent.futures import ThreadPoolExecutor

    def one(body):
        status, resp, data = srv.call("POST", "/predict", body)
        assert status == 200, data
        return resp.getheader("X-MM-Worker"), json.loads(data)

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, bodies))


def test_workers_share_the_port_and_sigterm_logs_every_answered_row(home):
    # Given serve with two workers, buffering until shutdown (nothing flushes on its own)
    srv = Server(home, "--trust", "--workers", "2", "--flush-seconds", "600",
                 "--max-wait-seconds", "3600", "--flush-rows", "100000")
    X = frame(240, seed=20)
    try:
        assert len(children_of(srv.proc.pid)) == 2
        # When 120 requests of 1-3 rows are sent, 8 at a time
        bodies = [{"rows": rows_of(X.iloc[i:i + 1 + i % 3])} for i in range(120)]
        answers = predict_concurrently(srv, bodies)
        # Then both workers answered, each with the model's own predictions
        assert {worker for worker, _ in answers} == {"0", "1"}
        for body, (_, answer) in zip(bodies, answers, strict=True):
            expected = home.model.predict(pd.DataFrame(body["rows"])[FEATURES]).tolist()
            assert answer["predictions"] == expected
        # ... and nothing is logged yet: every row waits in its worker's buffer
        batch_ids = [answer["batch_id"] for _, answer in answers]
        assert len(set(batch_ids)) == 2 and logged_batches(home, batch_ids) == {}
    finally:
        # When the parent gets SIGTERM
        code = srv.stop()
    # Then it exits 0 after every worker logged every row it answered
    assert code == 0, srv.proc.stderr
    answered = {}
    for _, answer in answers:
        answered[answer["batch_id"]] = answered.get(answer["batch_id"], 0) + len(answer["rows"])
    assert logged_batches(home, batch_ids) == answered
    assert sum(answered.values()) == sum(len(b["rows"]) for b in bodies)
    assert children_of(srv.proc.pid) == []


def other_workers_connection(srv, worker):
    """A keep-alive connection that a worker other than ``worker`` answers."""
    for _ in range(200):
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        conn.request("GET", "/health")
        resp = conn.getresponse()
        resp.read()
        if resp.getheader("X-MM-Worker") != worker:
            return conn
        conn.close()
    raise AssertionError(f"every connection went to worker {worker}")


def test_a_crashed_worker_is_replaced_and_labels_reach_a_batch_another_worker_buffers(home):
    srv = Server(home, "--trust", "--workers", "2", "--flush-seconds", "600",
                 "--max-wait-seconds", "3600")
    try:
        workers = children_of(srv.proc.pid)
        assert len(workers) == 2
        # Given one worker killed outright
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = children_of(srv.proc.pid)
            if len(now) == 2 and workers[0] not in now:
                break
            time.sleep(0.05)
        # Then the parent starts another in its place, and the server keeps answering
        assert len(now) == 2 and workers[0] not in now and workers[1] in now
        X = frame(60, seed=21)
        answers = predict_concurrently(srv, [{"rows": rows_of(X.iloc[i:i + 1])}
                                             for i in range(60)])
        assert {worker for worker, _ in answers} == {"0", "1"}
        # Given a batch still buffered by one worker, labelled through a connection
        # the other worker answers
        target = {worker: answer for worker, answer in answers}["0"]
        assert logged_batches(home, [target["batch_id"]]) == {}
        conn = other_workers_connection(srv, "0")
        try:
            conn.request("POST", "/labels", body=json.dumps({
                "batch_id": target["batch_id"], "labels": target["predictions"],
                "rows": target["rows"]}), headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        # Then the labels join it: the other worker had it flushed first
        assert resp.getheader("X-MM-Worker") == "1" and resp.status == 200, data
        assert json.loads(data)["performance"]["metrics"]["accuracy"] == 1.0
        assert wait_for_batch(home, target["batch_id"], timeout=1)[2] >= 1
    finally:
        assert srv.stop() == 0


def test_workers_must_be_at_least_one(home):
    env = {**os.environ, **home.env}
    for value in ("0", "-2"):
        done = subprocess.run([*CLI, "serve", "churn:1", "--trust", "--workers", value],
                              capture_output=True, text=True, timeout=60, env=env)
        assert done.returncode == 2 and "--workers" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


class _Recording:
    """A model that notes the thread of each predict call, burning ``cpu`` CPU seconds."""

    def __init__(self, cpu):
        self.cpu, self.threads = cpu, []

    def predict(self, X):
        import threading

        self.threads.append(threading.current_thread().name)
        start = time.thread_time()
        while time.thread_time() - start < self.cpu:
            pass
        return np.zeros(len(X))


@pytest.mark.parametrize(("cpu", "expected"), [
    # a fast model: the first call (cost unknown) on the thread, then on the IOLoop
    (0.0, ["mm-serve-predict", "MainThread", "MainThread"]),
    # a slow one stays on the predictor thread, so it never stalls the IOLoop
    (0.01, ["mm-serve-predict"] * 3),
])
def test_a_fast_model_predicts_on_the_ioloop_and_a_slow_one_on_its_thread(cpu, expected):
    model = _Recording(cpu)
    predictor = Predictor(ServedModel(model, "m", 1, "sklearn", ["a"], False))

    async def three():
        return [await predictor.predict([[1.0], [2.0]]) for _ in range(3)]

    try:
        assert asyncio.run(three()) == [[0.0, 0.0]] * 3
    finally:
        predictor.close()
    assert [name.split("_")[0] for name in model.threads] == expected


def gone(pid):
    """Whether ``pid`` has exited (missing, or a zombie nobody reaped yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX"
    except OSError:
        return True


def test_workers_whose_parent_is_killed_log_their_rows_and_exit(home):
    # Given two workers holding answered rows in their buffers
    srv = Server(home, "--trust", "--workers", "2", "--flush-seconds", "600",
                 "--max-wait-seconds", "3600")
    workers = children_of(srv.proc.pid)
    X = frame(40, seed=22)
    answers = predict_concurrently(srv, [{"rows": rows_of(X.iloc[i:i + 1])} for i in range(40)])
    # When the parent is killed outright (no chance to forward anything)
    srv.proc.kill()
    srv.stop()
    # Then the workers notice, log what they answered and exit
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(gone(pid) for pid in workers):
        time.sleep(0.1)
    assert all(gone(pid) for pid in workers)
    answered = {}
    for _, answer in answers:
        answered[answer["batch_id"]] = answered.get(answer["batch_id"], 0) + 1
    assert logged_batches(home, list(answered)) == answered
