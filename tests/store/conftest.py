"""The store suite runs on both backends: ``registry`` is parametrized over SQLite and
a real PostgreSQL (tests/postgres_server.py). A test that is about the SQLite file
itself (corruption, WAL, a read-only file) is marked ``sqlite_only`` with the reason."""

from __future__ import annotations

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): a test of the SQLite file itself")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, monkeypatch):
    """The backend of the test's registry: ``sqlite`` or ``postgresql``."""
    if request.param == "postgresql":
        marker = request.node.get_closest_marker("sqlite_only")
        if marker:
            pytest.skip(f"SQLite only: {marker.args[0] if marker.args else marker.kwargs}")
        monkeypatch.setenv("MM_JUPYTER_DATABASE_URL", request.getfixturevalue("postgres_database"))
    else:
        monkeypatch.delenv("MM_JUPYTER_DATABASE_URL", raising=False)
    return request.param


@pytest.fixture
def registry(backend, registry_dir):
    """The opened registry at ``registry_dir`` on the test's backend."""
    from mm_jupyter.store import open_registry

    reg = open_registry(registry_dir)
    assert reg.backend == backend
    yield reg
    reg.close()


@pytest.fixture
def v4_registry(tmp_path, monkeypatch):
    """The checked-in schema-4 SQLite registry (two runs with values), copied and
    opened: upgraded to this mm-jupyter's schema as any older registry is."""
    import shutil
    from pathlib import Path

    from mm_jupyter.store import open_registry

    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy(Path(__file__).parent / "data" / "registry_v4.db", folder / "registry.db")
    monkeypatch.delenv("MM_JUPYTER_DATABASE_URL", raising=False)
    reg = open_registry(folder)
    yield reg
    reg.close()
