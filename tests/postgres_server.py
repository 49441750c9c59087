"""A real PostgreSQL server for the team-backend tests (session fixture ``postgres_url``).

Debian's PostgreSQL 15 (``make test`` installs it via ``make postgresql``): ``initdb`` in
a temporary folder as the ``postgres`` user (the server refuses root), a free port on
127.0.0.1, ``fsync`` off. The server is stopped by a finalizer at the end of the
session, also when a test failed, and by a watchdog process if pytest itself is killed,
so nothing is left running. Without the binaries the
PostgreSQL tests skip and say why. ``postgres_database`` gives each test a fresh empty
database of its own (``CREATE DATABASE`` from ``template0``: about 20 ms).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

PGBIN = Path(os.environ.get("MM_TEST_PGBIN", "/usr/lib/postgresql/15/bin"))
USER = "mm"
# Stops the server if pytest ends without its finalizers (killed, os._exit in a test).
WATCHDOG = """
import os, shutil, subprocess, sys, time
parent, command, base = int(sys.argv[1]), sys.argv[2:-1], sys.argv[-1]
while True:
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    time.sleep(0.5)
subprocess.run(command, capture_output=True, check=False)
shutil.rmtree(base, ignore_errors=True)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(*args: str) -> list[str]:
    """Run as the ``postgres`` user when we are root (PostgreSQL refuses root)."""
    command = [str(a) for a in args]
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _skip_reason() -> str | None:
    if not (PGBIN / "pg_ctl").exists():
        return f"PostgreSQL binaries not found in {PGBIN} (run `make postgresql`)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root and runuser is missing (PostgreSQL refuses root)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return 'psycopg is not installed (pip install "mm-jupyter[team]")'
    return None


@pytest.fixture(scope="session")
def postgres_url(request):
    """Start PostgreSQL once per session; yield ``postgresql://mm@127.0.0.1:PORT/postgres``."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    base = Path(tempfile.mkdtemp(prefix="mm-pg-"))
    data, run = base / "pg", base / "run"
    data.mkdir()
    run.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        shutil.chown(data, "postgres", "postgres")
        shutil.chown(run, "postgres", "postgres")
    port = _free_port()
    stop_command = _as_postgres(PGBIN / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
    watchdog = subprocess.Popen([sys.executable, "-c", WATCHDOG, str(os.getpid()),
                                 *stop_command, str(base)], start_new_session=True)

    def stop() -> None:
        subprocess.run(stop_command, capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)
        watchdog.kill()
        watchdog.wait()

    request.addfinalizer(stop)
    subprocess.run(_as_postgres(PGBIN / "initdb", "-D", data, "-U", USER, "--auth=trust",
                                "-E", "UTF8", "--locale=C.UTF-8", "-N"),
                   capture_output=True, check=True)
    options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {run} -c fsync=off"
               " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    result = subprocess.run(_as_postgres(PGBIN / "pg_ctl", "-D", data, "-l", run / "log",
                                         "-w", "-o", options, "start"),
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        log = (run / "log").read_text(errors="replace") if (run / "log").exists() else ""
        pytest.fail(f"PostgreSQL did not start: {result.stderr}\n{log}")
    return f"postgresql://{USER}@127.0.0.1:{port}/postgres"


def _forget_session_registry() -> None:
    session = sys.modules.get("mm_jupyter.services.runs.session")
    if session is not None:
        session.get_session().reset_registry()


@pytest.fixture
def postgres_database(postgres_url):
    """A fresh empty database for one test; yields its URL and drops it afterwards."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE template0")
    url = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    _forget_session_registry()
    yield url
    _forget_session_registry()  # the kernel session's registry must not outlive the database
    from mm_jupyter.store.pg import close_pools

    close_pools()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def pytest_addoption(parser):
    parser.addoption(
        "--registry-backend", choices=("sqlite", "postgresql"), default="sqlite",
        help="the metadata backend of every test registry (`registry_dir`): postgresql runs "
             "the suite against the session's PostgreSQL, a fresh database per test")


@pytest.fixture(autouse=True)
def _registry_backend(request):
    """``--registry-backend=postgresql``: point every test registry at a fresh database."""
    if request.config.getoption("--registry-backend") != "postgresql":
        yield
        return
    if "registry_dir" not in request.fixturenames or "backend" in request.fixturenames:
        yield
        return
    url = request.getfixturevalue("postgres_database")
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv("MM_JUPYTER_DATABASE_URL", url)
    yield
