"""A package's server (serving/standalone.py, its serve.py) in-process and as
``mm-jupyter serve --package``: the predictions of the registered model, no registry."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading

import pytest
from package_helpers import PackageProcess, build_quickstart_package

from mm_jupyter.serving import standalone

pd = pytest.importorskip("pandas")
pytest.importorskip("sklearn")

CLI = [sys.executable, "-m", "mm_jupyter.cli.main"]


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        folder, quickstart = build_quickstart_package(tmp_path_factory.mktemp("pkg"), mp)
    return folder, quickstart


def expected(quickstart, folder):
    rows = json.loads((folder / "input_example.json").read_text())["rows"]
    frame = pd.DataFrame(rows)[list(quickstart.X_test.columns)]
    return quickstart.model.predict(frame).tolist()


def test_load_and_predict_in_process(package):
    folder, quickstart = package
    served = standalone.load_package(folder)
    assert (served.ref, served.use_frame, served.float_frame) == ("cancer-clf:1", True, True)
    rows = json.loads((folder / "input_example.json").read_text())["rows"]
    parsed = standalone.parse_inputs(json.dumps({"rows": rows}).encode(), served.features)
    assert standalone.predict(served, parsed) == expected(quickstart, folder)


def test_http_server_answers_predict_health_and_refusals(package):
    folder, quickstart = package
    server = standalone.PackageServer(standalone.load_package(folder), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]

    def call(method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, path, body=body,
                     headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        data = json.loads(response.read())
        conn.close()
        return response.status, data

    try:
        example = (folder / "input_example.json").read_bytes()
        status, body = call("POST", "/predict", example)
        assert status == 200
        assert body == {"predictions": expected(quickstart, folder), "model": "cancer-clf",
                        "version": 1, "batch_id": None, "rows": [0, 1, 2]}
        status, health = call("GET", "/health")
        assert status == 200 and health["ref"] == "cancer-clf:1" and not health["monitoring"]
        assert call("POST", "/predict", b"{")[0] == 400
        assert call("POST", "/predict", b'{"rows": [{"x": 1}]}')[1]["message"].startswith(
            "row 0 lacks feature")
        assert call("POST", "/predict", example, {"Content-Type": "text/plain"})[0] == 415
        assert call("POST", "/predict", example, {"Host": "evil.example"})[0] == 403
        assert call("GET", "/predict")[0] == 405
        assert call("GET", "/labels")[0] == 404
    finally:
        server.shutdown()
        server.server_close()


def test_mm_jupyter_serve_package_answers_like_the_model(package, tmp_path):
    folder, quickstart = package
    # No registry at all: MM_JUPYTER_HOME names a folder that does not exist
    env = {"MM_JUPYTER_HOME": str(tmp_path / "none")}
    server = PackageProcess([*CLI, "serve", "--package", str(folder), "--trust", "--port", "0"],
                            env)
    try:
        assert "predictions are not logged (no registry)" in server.line
        example = json.loads((folder / "input_example.json").read_text())
        status, body = server.call("POST", "/predict", example)
        assert status == 200 and body["predictions"] == expected(quickstart, folder)
        assert server.call("GET", "/health")[1]["version"] == 1
    finally:
        assert server.stop() == 0
    assert not (tmp_path / "none").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--package", "{folder}"], "holds a pickle (sklearn)"),
    (["--package", "{folder}", "--trust", "--workers", "2"], "--workers serves a registered"),
    (["--package", "{folder}", "--trust", "--min-batch-rows", "5"], "--min-batch-rows: a package"),
    (["cancer-clf", "--package", "{folder}", "--trust"], "not both"),
    ([], "give the model REF"),
    (["--package", "{empty}", "--trust"], "has no mm-package.json"),
])
def test_serve_package_refusals(package, tmp_path, args, message):
    folder, _ = package
    argv = [a.format(folder=folder, empty=tmp_path) for a in args]
    done = subprocess.run([*CLI, "serve", *argv], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and message in done.stderr, done.stderr
