"""Alert actions: callables, webhooks behind the SSRF guard, headless notebooks.

Webhooks talk to a real HTTP listener on 127.0.0.1; the only stub is the resolver (to
play a DNS-rebinding name server) and, where a test must prove that *no* connection is
attempted, a recording ``socket.socket.connect``. Notebooks run on the real python3
kernel.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import nbformat
import pytest

from mm_jupyter.monitoring import netguard, notebook_runner, triggers

EVENT = {
    "type": "alert",
    "alert_id": 7,
    "state": "firing",
    "rule_id": 3,
    "model": "churn-clf",
    "version": 2,
    "series": "drift.psi.age",
    "op": ">",
    "threshold": 0.2,
    "value": 0.41,
    "severity": "warning",
    "message": "drift.psi.age = 0.41 > 0.2",
    "fired_at": "2026-11-27T03:10:00Z",
}
PUBLIC_IP = "93.184.216.34"


@pytest.fixture(autouse=True)
def no_env_allow_list(monkeypatch):
    monkeypatch.delenv(netguard.HOSTS_ENV, raising=False)


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append(
            {"path": self.path, "headers": self.headers, "body": body}
        )
        self.send_response(self.server.status)
        if 300 <= self.server.status < 400:
            self.send_header("Location", "http://169.254.169.254/latest/meta-data")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class _Listener(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.accepted = 0
        self.requests = []
        self.status = 204

    def get_request(self):
        conn = super().get_request()
        self.accepted += 1  # every TCP connection, even one that never sends a request
        return conn

    def handle_error(self, request, client_address):
        pass  # a refused TLS handshake is expected in one test; keep the output clean

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


def serve(server):
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}
    )
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def listener():
    yield from serve(_Listener())


@pytest.fixture
def tls_listener(tmp_path, monkeypatch):
    """An HTTPS listener whose certificate names ``hooks.test``; clients trust it."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
         "/CN=hooks.test", "-addext", "subjectAltName=DNS:hooks.test",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    server = _Listener()
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    real = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda: real(cafile=str(cert)))
    yield from serve(server)


class ConnectRecorder:
    """Every outbound TCP connect of the test; passed through unless ``fail`` is set."""

    def __init__(self):
        self.addresses = []
        self.fail = False


@pytest.fixture
def connects(monkeypatch):
    recorder = ConnectRecorder()
    real = socket.socket.connect

    def connect(self, address):
        recorder.addresses.append(address)
        if recorder.fail:
            raise OSError("connection stubbed out by the test")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return recorder


def fake_resolver(monkeypatch, answers):
    """Stub ``socket.getaddrinfo`` for names in ``answers`` (name → list per call)."""
    real = socket.getaddrinfo
    calls = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        calls.append(host)
        ips = answers[host][min(len(calls), len(answers[host])) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in ips]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


# --- webhook: delivery ------------------------------------------------------------


def test_webhook_posts_the_event_as_json(listener):
    # Given a receiver on this machine, allowed explicitly
    action = triggers.webhook(listener.url, allow_private=True)
    # When the action runs
    result = action.run(EVENT, {})
    # Then one POST with the event arrived
    assert result.status == "ok", result.detail
    assert result.detail == f"POST {listener.url} → 204"
    assert listener.accepted == 1
    [request] = listener.requests
    assert request["path"] == "/hook"
    assert json.loads(request["body"]) == EVENT
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["User-Agent"] == "mm-jupyter"


def test_webhook_server_error_is_an_error(listener):
    listener.status = 500
    result = triggers.webhook(listener.url, allow_private=True).run(EVENT, {})
    assert result.status == "error"
    assert "500" in result.detail


def test_webhook_does_not_follow_redirects(listener):
    # The Location points at the metadata service: following it would be the SSRF.
    listener.status = 302
    result = triggers.webhook(listener.url, allow_private=True).run(EVENT, {})
    assert result.status == "error"
    assert "redirect refused" in result.detail
    assert len(listener.requests) == 1


def test_webhook_connects_to_the_pinned_address_with_the_original_host(
    monkeypatch, listener
):
    # Given a name that resolves to the listener
    port = listener.server_address[1]
    calls = fake_resolver(monkeypatch, {"hooks.test": [["127.0.0.1"]]})
    # When the webhook posts to it
    result = triggers.webhook(f"http://hooks.test:{port}/hook", allow_private=True).run(
        EVENT, {}
    )
    # Then the name was resolved once and Host: still names it
    assert result.status == "ok", result.detail
    assert calls == ["hooks.test"]
    assert listener.requests[0]["headers"]["Host"] == f"hooks.test:{port}"


def test_https_checks_the_certificate_against_the_url_host(monkeypatch, tls_listener):
    # Given two names that resolve to the HTTPS listener; its certificate names one
    port = tls_listener.server_address[1]
    fake_resolver(
        monkeypatch, {"hooks.test": [["127.0.0.1"]], "other.test": [["127.0.0.1"]]}
    )
    # When each is the webhook's host
    ok = triggers.webhook(f"https://hooks.test:{port}/hook", allow_private=True)
    wrong = triggers.webhook(f"https://other.test:{port}/hook", allow_private=True)
    # Then TLS verifies the URL's name, although the socket goes to the pinned IP
    assert ok.run(EVENT, {}).status == "ok"
    assert tls_listener.requests[0]["headers"]["Host"] == f"hooks.test:{port}"
    result = wrong.run(EVENT, {})
    assert result.status == "error"
    assert "CERTIFICATE_VERIFY_FAILED" in result.detail
    assert len(tls_listener.requests) == 1


# --- webhook: refusals (RELIABILITY.md test 37) ------------------------------------


def test_loopback_is_refused_without_allow_private(listener, connects):
    result = triggers.webhook(listener.url).run(EVENT, {})
    assert result.status == "error"
    assert "loopback" in result.detail and "allow_private" in result.detail
    assert connects.addresses == []
    assert listener.accepted == 0
    assert listener.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data",
        "http://169.254.170.2/v2/credentials",
        "http://100.100.100.200/latest/meta-data",
        "http://[fd00:ec2::254]/latest/meta-data",
        "http://[::ffff:169.254.169.254]/latest/meta-data",
    ],
)
def test_metadata_addresses_are_refused_even_with_allow_private(url, connects):
    result = triggers.webhook(url, allow_private=True).run(EVENT, {})
    assert result.status == "error"
    assert "metadata" in result.detail
    assert connects.addresses == []


@pytest.mark.parametrize(
    "url", ["http://0.0.0.0:8888/", "http://224.0.0.1/", "http://[::]/"]
)
def test_unspecified_and_multicast_are_always_refused(url, connects):
    result = triggers.webhook(url, allow_private=True).run(EVENT, {})
    assert result.status == "error"
    assert "refused" in result.detail
    assert connects.addresses == []


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("file:///etc/passwd", "file:"),
        ("gopher://x/", "gopher:"),
        ("ftp://x/", "ftp:"),
        ("hooks.example.com/x", "scheme"),
        ("http://user:pass@hooks.example.com/x", "credentials"),
        ("https://:token@hooks.example.com/x", "credentials"),
        ("http:///x", "no host"),
        ("http://hooks.example.com:99999/x", "port"),
        ("http://hooks.example.com/x\r\nX-Injected: 1", "control"),
    ],
)
def test_bad_urls_fail_at_construction(url, words):
    with pytest.raises(ValueError, match=words):
        triggers.webhook(url)


def test_env_allow_list_is_checked_at_construction_and_send(monkeypatch, connects):
    monkeypatch.setenv(netguard.HOSTS_ENV, "*.example.com, alerts.internal")
    with pytest.raises(ValueError, match="allow-list"):
        triggers.webhook("https://evil.test/x")
    with pytest.raises(ValueError, match="allow-list"):
        triggers.webhook("https://example.com/x")  # "*." means subdomains only
    action = triggers.webhook("https://hooks.example.com/x")
    assert (
        triggers.webhook("https://ALERTS.internal/x").target.host == "alerts.internal"
    )
    # The operator narrows the list after the rule was stored: the send is refused.
    monkeypatch.setenv(netguard.HOSTS_ENV, "alerts.internal")
    result = action.run(EVENT, {})
    assert result.status == "error" and "allow-list" in result.detail
    assert connects.addresses == []


def test_allow_hosts_argument_is_an_allow_list():
    with pytest.raises(ValueError, match="allow-list"):
        triggers.webhook("https://other.test/x", allow_hosts=["hooks.test"])
    assert triggers.webhook("https://a.hooks.test/x", allow_hosts=["*.hooks.test"])


def test_dns_rebinding_cannot_swap_the_address(monkeypatch, connects):
    # Given a name server answering public first, then loopback (DNS rebinding)
    calls = fake_resolver(monkeypatch, {"rebind.test": [[PUBLIC_IP], ["127.0.0.1"]]})
    connects.fail = True
    # When the webhook sends
    result = triggers.webhook("http://rebind.test/hook").run(EVENT, {})
    # Then it resolved once and connected to the address it checked
    assert result.status == "error"
    assert calls == ["rebind.test"]
    assert connects.addresses == [(PUBLIC_IP, 80)]


def test_a_private_answer_among_public_ones_is_refused(monkeypatch, connects):
    calls = fake_resolver(monkeypatch, {"mixed.test": [[PUBLIC_IP, "10.0.0.5"]]})
    result = triggers.webhook("https://mixed.test/hook").run(EVENT, {})
    assert result.status == "error"
    assert "10.0.0.5" in result.detail and "private" in result.detail
    assert calls == ["mixed.test"]
    assert connects.addresses == []


@pytest.mark.parametrize(
    ("address", "allowed_with_private"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("192.168.1.1", True),
        ("169.254.1.1", True),
        ("100.64.0.1", True),
        ("::1", True),
        ("fe80::1", True),
        ("fec0::1", True),
        ("::ffff:10.0.0.1", True),
        ("2002:a9fe:a9fe::1", False),
        ("240.0.0.1", False),
        ("169.254.169.254", False),
        ("ff02::1", False),
    ],
)
def test_refusal_reasons(address, allowed_with_private):
    import ipaddress

    ip = ipaddress.ip_address(address)
    assert netguard.refusal_reason(ip) is not None
    assert (
        netguard.refusal_reason(ip, allow_private=True) is None
    ) == allowed_with_private
    assert netguard.refusal_reason(ipaddress.ip_address(PUBLIC_IP)) is None


# --- webhook: headers and specs ----------------------------------------------------


def test_headers_env_is_read_at_send_and_stored_by_name(monkeypatch, listener):
    monkeypatch.setenv("HOOK_TOKEN", "Bearer s3cret-token")
    action = triggers.webhook(
        listener.url,
        allow_private=True,
        headers_env={"Authorization": "HOOK_TOKEN"},
        headers={"X-Team": "team-secret-value"},
    )
    assert action.run(EVENT, {}).status == "ok"
    sent = listener.requests[0]["headers"]
    assert sent["Authorization"] == "Bearer s3cret-token"
    assert sent["X-Team"] == "team-secret-value"
    spec = action.spec()
    assert spec["headers_env"] == {"Authorization": "HOOK_TOKEN"}
    assert spec["header_names"] == ["X-Team"]
    assert "s3cret" not in json.dumps(spec) and "team-secret-value" not in json.dumps(
        spec
    )
    # Rebuilt in "another process": the env header comes along, in-memory values do not.
    rebuilt = triggers.action_from_spec(json.loads(json.dumps(spec)))
    assert rebuilt.run(EVENT, {}).status == "ok"
    sent = listener.requests[1]["headers"]
    assert sent["Authorization"] == "Bearer s3cret-token"
    assert "X-Team" not in sent


def test_missing_header_env_var_is_an_error_without_sending(monkeypatch, listener):
    monkeypatch.delenv("HOOK_TOKEN", raising=False)
    action = triggers.webhook(
        listener.url, allow_private=True, headers_env={"Authorization": "HOOK_TOKEN"}
    )
    result = action.run(EVENT, {})
    assert result.status == "error" and "HOOK_TOKEN" in result.detail
    assert listener.requests == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"headers": {"Bad Name": "x"}},
        {"headers": {"X-A": "a\r\nX-B: b"}},
        {"headers": {"Host": "elsewhere"}},
        {"headers_env": {"Authorization": "not a var"}},
        {"timeout": 0},
    ],
)
def test_bad_webhook_options(kwargs):
    with pytest.raises(ValueError):
        triggers.webhook("https://hooks.example.com/x", **kwargs)


def test_webhook_spec_round_trips_and_masks_query_values():
    action = triggers.webhook(
        "https://hooks.example.com/x?token=abc&team=ml",
        allow_hosts=["*.example.com"],
        timeout=2.5,
    )
    spec = json.loads(json.dumps(action.spec()))
    assert spec["url"] == "https://hooks.example.com/x?token=abc&team=ml"
    assert spec["display"] == "https://hooks.example.com/x?token=***&team=***"
    assert spec["allow_hosts"] == ["*.example.com"]
    assert triggers.action_from_spec(spec).spec() == spec


def test_action_from_spec_kinds(tmp_path):
    assert triggers.action_from_spec({"kind": "callable", "name": "m.f"}) is None
    with pytest.raises(ValueError, match="email"):
        triggers.action_from_spec({"kind": "email"})
    with pytest.raises(ValueError):
        triggers.action_from_spec({"kind": "webhook"})
    path = write_notebook(tmp_path / "nb.ipynb", ["x = 1"])
    spec = triggers.run_notebook(path, parameters={"epochs": 3}, timeout=30).spec()
    spec = json.loads(json.dumps(spec))
    assert spec == {
        "kind": "notebook",
        "path": str(path),
        "parameters": {"epochs": 3},
        "timeout": 30,
        "kernel_name": "python3",
    }
    assert triggers.action_from_spec(spec).spec() == spec


# --- callables --------------------------------------------------------------------


def test_callable_action_ok():
    seen = []

    def on_alert(event):
        seen.append(event)
        event["mutated"] = True  # must not leak into the caller's event
        return "ignored"

    action = triggers.as_action(on_alert)
    assert action.kind == "callable"
    assert action.spec() == {
        "kind": "callable",
        "name": f"{__name__}.test_callable_action_ok.<locals>.on_alert",
    }
    result = action.run(EVENT, {})
    assert result.status == "ok"
    assert seen == [{**EVENT, "mutated": True}] and "mutated" not in EVENT


def test_callable_action_error_is_reported_not_raised(caplog):
    def broken(event):
        raise ValueError("no threshold for\nthis series")

    with caplog.at_level(logging.WARNING, logger="mm_jupyter"):
        result = triggers.callback(broken).run(EVENT, {})
    assert result.status == "error"
    assert result.detail == "ValueError: no threshold for"
    assert any(r.exc_info for r in caplog.records)


def test_as_action():
    action = triggers.webhook("https://hooks.example.com/x")
    assert triggers.as_action(action) is action
    with pytest.raises(TypeError, match="int"):
        triggers.as_action(42)


# --- notebooks --------------------------------------------------------------------


def write_notebook(path, sources, *, parameters_cell=None):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    if parameters_cell is not None:
        cell = nbformat.v4.new_code_cell(parameters_cell)
        cell.metadata["tags"] = ["parameters"]
        nb.cells.insert(1, cell)
    nbformat.write(nb, path)
    return path


def test_parameters_cell_goes_after_the_tagged_cell_and_replaces_an_old_one():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import os"),
        nbformat.v4.new_code_cell("epochs = 1"),
    ]
    nb.cells[1].metadata["tags"] = ["parameters"]
    event = {"value": float("nan"), "ok": True, "none": None}
    notebook_runner.inject_parameters(nb, {"epochs": 5}, event)
    notebook_runner.inject_parameters(nb, {"epochs": 6}, event)  # a re-run copy
    injected = [
        c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])
    ]
    assert len(injected) == 1 and nb.cells[2] is injected[0]
    scope = {}
    exec(injected[0].source, scope)
    assert scope["epochs"] == 6
    assert scope["mm_trigger_event"]["ok"] is True
    assert (
        scope["mm_trigger_event"]["value"] != scope["mm_trigger_event"]["value"]
    )  # NaN
    untagged = nbformat.v4.new_notebook()
    untagged.cells = [nbformat.v4.new_code_cell("x = 1")]
    assert notebook_runner.inject_parameters(untagged, {}, {}) == 0


def test_run_notebook_validates_at_construction(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing\.ipynb"):
        triggers.run_notebook("missing.ipynb", cwd=tmp_path)
    (tmp_path / "script.py").write_text("print(1)")
    with pytest.raises(ValueError, match=r"script\.py"):
        triggers.run_notebook("script.py", cwd=tmp_path)
    write_notebook(tmp_path / "nb.ipynb", ["x = 1"])
    for bad in (
        {"not-an-identifier": 1},
        {"class": 1},
        {"mm_trigger_event": 1},
        {"model": object()},
    ):
        with pytest.raises(ValueError):
            triggers.run_notebook("nb.ipynb", cwd=tmp_path, parameters=bad)
    action = triggers.run_notebook(
        "nb.ipynb", cwd=tmp_path, parameters={"sizes": (1, 2)}
    )
    assert action.spec()["path"] == str(tmp_path / "nb.ipynb")
    assert action.spec()["parameters"] == {"sizes": [1, 2]}


@pytest.mark.slow
def test_notebook_runs_with_parameters_from_a_worker_thread(tmp_path, monkeypatch):
    # Given a papermill-style notebook that reports what it was given
    # A tag inherited by this process must not leak into the kernel
    monkeypatch.setenv("MM_JUPYTER_TRIGGERED_BY", "alert:stale")
    report = tmp_path / "report.json"
    source = write_notebook(
        tmp_path / "retrain.ipynb",
        [
            "import json, os\nenv = os.environ.get",
            "json.dump([epochs, mm_trigger_event['alert_id'], "
            "env('MM_JUPYTER_TRIGGERED_BY'), env('MM_JUPYTER_HOME'), "
            f"env('JPY_SESSION_NAME'), os.getcwd()], open({str(report)!r}, 'w'))",
        ],
        parameters_cell="epochs = 1",
    )
    action = triggers.run_notebook(source, parameters={"epochs": 5})
    context = {
        "output_dir": str(tmp_path / "out"),
        "trigger_tag": "alert:7",
        "registry_root": str(tmp_path / ".mm"),
    }
    # When the dispatcher's worker thread runs it
    box = {}
    worker = threading.Thread(
        target=lambda: box.update(result=action.run(EVENT, context))
    )
    worker.start()
    worker.join(timeout=60)
    # Then the kernel saw the parameters, the event and the environment
    result = box["result"]
    assert result.status == "ok", result.detail
    assert result.detail.startswith("ran retrain.ipynb in ")
    assert json.loads(report.read_text()) == [
        5,
        7,
        "alert:7",
        str(tmp_path / ".mm"),
        str(source),
        str(tmp_path),
    ]
    assert result.output == str(tmp_path / "out" / "retrain-alert-7.ipynb")
    executed = nbformat.read(result.output, as_version=4)
    assert "injected-parameters" in executed.cells[2].metadata["tags"]


@pytest.mark.slow
def test_failing_notebook_is_an_error_and_still_saved(tmp_path):
    source = write_notebook(
        tmp_path / "retrain.ipynb",
        ["x = 1", "raise RuntimeError('training data missing')"],
    )
    action = triggers.run_notebook(source)

    async def from_a_running_loop():
        # e.g. run() called from a notebook cell: nbclient needs a loop of its own
        return action.run(EVENT, {"output_dir": str(tmp_path / "out")})

    result = asyncio.run(from_a_running_loop())
    assert result.status == "error"
    assert result.detail == "retrain.ipynb cell 2: RuntimeError: training data missing"
    executed = nbformat.read(result.output, as_version=4)
    assert executed.cells[-1].outputs[0]["output_type"] == "error"


@pytest.mark.slow
def test_notebook_timeout(tmp_path):
    source = write_notebook(tmp_path / "slow.ipynb", ["import time; time.sleep(60)"])
    result = triggers.run_notebook(source, timeout=1.5).run(EVENT, {})
    assert result.status == "error"
    assert result.detail == "timed out after 1.5 s"
