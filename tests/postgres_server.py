"""A real PostgreSQL server for the team-backend tests (session fixture ``postgres_url``).

Debian's PostgreSQL 15 (``make test`` installs it via ``make postgresql``): ``initdb`` in
a temporary folder as the ``postgres`` user (the server refuses root), a free port on
127.0.0.1, ``fsync`` off. The server is stopped by a finalizer at the end of the
session, also when a test failed, and by a watchdog process if pytest itself is killed,
so nothing is left running (start and stop: tests/team_servers.py, shared with the
benchmarks). Without the binaries the PostgreSQL tests skip and say why.
``postgres_database`` gives each test a fresh empty database of its own (``CREATE
DATABASE`` from ``template0``: about 20 ms).
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from team_servers import ServerFailed, ServerUnavailable, start_postgres


@pytest.fixture(scope="session")
def postgres_url(request):
    """Start PostgreSQL once per session; yield ``postgresql://mm@127.0.0.1:PORT/postgres``."""
    try:
        server = start_postgres()  # start/stop and the watchdog: tests/team_servers.py
    except ServerUnavailable as exc:
        pytest.skip(str(exc))
    except ServerFailed as exc:
        pytest.fail(str(exc))
    request.addfinalizer(server.stop)
    return server.url


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
    # A copy of a database migrated once per session: the same schema as a fresh
    # database gets on first open, without running the migrations for every test.
    template = request.getfixturevalue("migrated_template")
    with temporary_database(request.getfixturevalue("postgres_url"), template=template) as url:
        monkeypatch = request.getfixturevalue("monkeypatch")
        monkeypatch.setenv("MM_JUPYTER_DATABASE_URL", url)
        yield


@pytest.fixture(scope="session")
def migrated_template(postgres_url, tmp_path_factory) -> str:
    """The name of a database with every migration applied, to copy per test."""
    import psycopg

    from mm_jupyter.store.db import open_database
    from mm_jupyter.store.location import RegistryLocation
    from mm_jupyter.store.pg import close_pools

    name = f"tmpl_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE template0")
    url = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    open_database(RegistryLocation(tmp_path_factory.mktemp("tmpl"), "template"), url,
                  None).close()
    close_pools()  # a template must have no connections when it is copied
    return name


@pytest.fixture
def registry_backend(request) -> str:
    """The metadata backend of this run's test registries: ``sqlite`` or ``postgresql``."""
    return str(request.config.getoption("--registry-backend"))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only(reason): a test of the embedded SQLite file itself (its lock,"
        " its folder), skipped with that reason under --registry-backend=postgresql")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--registry-backend") != "postgresql":
        return
    for item in items:  # skipped at collection, so the report names the test, not this file
        marker = item.get_closest_marker("sqlite_only")
        if marker:
            reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


@contextmanager
def temporary_database(postgres_url: str, template: str = "template0") -> Iterator[str]:
    """A fresh database of any lifetime (``postgres_database`` is per test), empty or a
    copy of ``template``: yield its URL, drop it when the block ends."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    try:
        yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        _forget_session_registry()
        from mm_jupyter.store.pg import close_pools

        close_pools()
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
