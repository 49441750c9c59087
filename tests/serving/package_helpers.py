"""A quickstart package on disk and a small client of a package server process."""

from __future__ import annotations

import http.client
import json
import os
import select
import signal
import subprocess
from pathlib import Path


def build_quickstart_package(tmp_path: Path, monkeypatch) -> tuple[Path, object]:
    """Register the quickstart model in a fresh registry and package it; ``(folder, q)``."""
    from quickstart_model import register_quickstart

    import mm_jupyter as mm
    from mm_jupyter.services.runs.session import get_session

    monkeypatch.setenv("MM_JUPYTER_HOME", str(tmp_path / "registry"))
    get_session().reset_registry()
    try:
        quickstart = register_quickstart(mm, monitor=False)
        mm.package_model(quickstart.ref, tmp_path / "package")
    finally:
        get_session().reset_registry()
    return tmp_path / "package", quickstart


class PackageProcess:
    """A server process started with ``command`` (``--port 0``), read from its first line."""

    def __init__(self, command: list[str], env: dict[str, str] | None = None,
                 timeout: float = 120, cwd: Path | None = None) -> None:
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env={**os.environ, **(env or {})}, cwd=cwd)
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        self.line = self.proc.stdout.readline() if ready else ""
        if "Serving" not in self.line:
            self.proc.kill()
            raise AssertionError(f"no server: {self.line!r} {self.proc.stderr.read()}")
        self.port = int(self.line.split("http://127.0.0.1:")[1].split()[0])

    def call(self, method: str, path: str, body: object = None) -> tuple[int, object]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        data = None if body is None else json.dumps(body).encode()
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        payload = json.loads(response.read())
        conn.close()
        return response.status, payload

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(30)
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()
