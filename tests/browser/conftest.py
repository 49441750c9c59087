"""Fixtures for browser tests: a real ``jupyter lab`` and a headless Chromium.

The server runs in a subprocess with its own notebook folder, registry
(``MM_JUPYTER_HOME``), workspaces and user settings, so that the tests never
touch the developer's Jupyter state. Chromium is Debian's ``/usr/bin/chromium``:
Playwright's own browser downloads are not used.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SERVER_START_TIMEOUT_S = 60


@dataclass
class LabServer:
    """A running ``jupyter lab`` subprocess."""

    url: str
    token: str
    root_dir: Path
    registry_dir: Path
    log_path: Path
    process: subprocess.Popen[bytes]

    def lab_url(self, path: str = "lab", query: str = "reset") -> str:
        """URL of a lab page with the token (and ``?reset`` to drop saved layout)."""
        sep = "&" if query else ""
        return f"{self.url}/{path}?{query}{sep}token={self.token}"

    def api(self, path: str) -> Any:
        """GET a JSON resource of the server, authenticated with the token."""
        request = urllib.request.Request(
            f"{self.url}/{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def log_tail(self, lines: int = 60) -> str:
        """The last lines of the server log, for failure messages."""
        text = self.log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write_user_settings(settings_dir: Path) -> None:
    # `--LabApp.news_url=None` alone leaves the "get notified about news?" toast,
    # which can cover the status bar; switch the news check off in user settings.
    path = settings_dir / "@jupyterlab" / "apputils-extension"
    path.mkdir(parents=True, exist_ok=True)
    (path / "notification.jupyterlab-settings").write_text(
        json.dumps({"checkForUpdates": False, "fetchNews": "false"})
    )


def _wait_ready(server: LabServer) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    status_url = f"{server.url}/api/status?token={server.token}"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"jupyter lab exited with {server.process.returncode}:\n"
                + server.log_tail()
            )
        try:
            with urllib.request.urlopen(status_url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(
        f"jupyter lab not ready after {SERVER_START_TIMEOUT_S} s:\n" + server.log_tail()
    )


def start_lab(base: Path, *extra_args: str, env: dict[str, str] | None = None) -> LabServer:
    """Start ``jupyter lab`` with everything it writes under ``base``.

    ``env`` adds to the server's (and so its kernels') environment: a team backend's
    database and bucket, the user.
    """
    return _start_server(
        base, "jupyterlab", "LabApp", "jupyter-lab.log",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *extra_args, env=env,
    )  # fmt: skip


def _start_server(base: Path, module: str, app: str, log_name: str, *extra_args: str,
                  env: dict[str, str] | None) -> LabServer:
    """Start ``python -m module`` (JupyterLab, or Notebook 7; ``app`` its app class)
    with its notebooks, registry, settings and workspaces under ``base``, a random
    token, loopback only; return once it answers."""
    root_dir = base / "notebooks"
    registry_dir = base / "registry"
    settings_dir = base / "user-settings"
    workspaces_dir = base / "workspaces"
    for path in (root_dir, registry_dir, workspaces_dir):
        path.mkdir(parents=True, exist_ok=True)
    _write_user_settings(settings_dir)
    token = secrets.token_hex(16)
    port = _free_port()
    env = {**os.environ, **(env or {}), "MM_JUPYTER_HOME": str(registry_dir)}
    # The kernel inherits this environment: make sure it is the venv's Python.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    log_path = base / log_name
    cmd = [
        sys.executable,
        "-m",
        module,
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        f"--{app}.workspaces_dir={workspaces_dir}",
        f"--{app}.user_settings_dir={settings_dir}",
        *extra_args,
    ]
    log = log_path.open("wb")
    process = subprocess.Popen(
        cmd, cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    log.close()
    server = LabServer(
        url=f"http://127.0.0.1:{port}",
        token=token,
        root_dir=root_dir,
        registry_dir=registry_dir,
        log_path=log_path,
        process=process,
    )
    try:
        _wait_ready(server)
    except BaseException:
        stop_lab(server)
        raise
    return server


def stop_lab(server: LabServer) -> None:
    """Stop the server (and, through it, its kernels)."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)


@pytest.fixture(autouse=True)
def jp_asyncio_loop() -> Iterator[None]:
    """Switch off pytest-jupyter's autouse event loop for browser tests.

    The root conftest loads ``pytest_jupyter.jupyter_server``, whose autouse
    fixtures grab the current event loop and close it after each test. Under
    Playwright's sync API that loop is Playwright's own, still running, so the
    teardown would fail. Browser tests use no in-process server.
    """
    yield None


@pytest.fixture(autouse=True)
def jp_server_cleanup() -> Iterator[None]:
    """No in-process ``ServerApp`` to clean up (see ``jp_asyncio_loop``)."""
    yield None


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium; skips the browser tests where it is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    return CHROMIUM


@pytest.fixture(scope="session")
def lab(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """One ``jupyter lab`` with mm-jupyter, shared by the browser tests."""
    server = start_lab(tmp_path_factory.mktemp("lab"))
    yield server
    stop_lab(server)


@pytest.fixture
def lab_factory(
    chromium_path: Path, tmp_path: Path
) -> Iterator[Callable[..., LabServer]]:
    """Start extra ``jupyter lab`` servers with extra arguments (and environment, see
    ``start_lab``); stopped after the test."""
    servers: list[LabServer] = []

    def factory(*extra_args: str, env: dict[str, str] | None = None) -> LabServer:
        server = start_lab(tmp_path / f"lab{len(servers)}", *extra_args, env=env)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        stop_lab(server)


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    """A headless Chromium driven by Playwright's sync API."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_errors() -> list[str]:
    """Uncaught JavaScript errors of the test's page."""
    return []


@pytest.fixture
def page(browser: Any, page_errors: list[str]) -> Iterator[Any]:
    """A fresh page (own context, so no shared storage) with a large viewport."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("pageerror", lambda err: page_errors.append(str(err)))
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """``tests/artifacts/`` (gitignored) for screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def start_notebook(base: Path, *extra_args: str, env: dict[str, str] | None = None) -> LabServer:
    """Start Jupyter Notebook 7 (``jupyter notebook``) like ``start_lab``: everything it
    writes under ``base``, the same security settings (a random token, loopback only).

    ``lab_url("tree")`` opens its file browser, ``lab_url("notebooks/x.ipynb")`` a
    notebook.
    """
    return _start_server(base, "notebook", "JupyterNotebookApp", "jupyter-notebook.log",
                         *extra_args, env=env)
