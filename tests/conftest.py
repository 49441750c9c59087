"""Shared fixtures: a migrated registry on disk, an IPython shell with the extension."""

from __future__ import annotations

import pytest

# The REST tests (tests/server/) build on pytest-jupyter's jp_* fixtures; the team-backend
# tests on real PostgreSQL and S3 servers started once per session. pytest takes
# pytest_plugins from the root conftest only.
pytest_plugins = ("pytest_jupyter.jupyter_server", "postgres_server", "s3_server", "team_remote")


@pytest.fixture
def registry_dir(tmp_path, monkeypatch):
    """A fresh registry folder that every mm-jupyter call in the test uses."""
    path = tmp_path / "registry"
    monkeypatch.setenv("MM_JUPYTER_HOME", str(path))
    return path


@pytest.fixture
def registry(registry_dir):
    """The opened registry at ``registry_dir``."""
    from mm_jupyter.store import open_registry

    reg = open_registry(registry_dir)
    yield reg
    reg.close()


@pytest.fixture
def ip(registry_dir):
    """A real IPython ``InteractiveShell`` with the extension loaded.

    The registry is re-resolved for each test (``MM_JUPYTER_HOME`` points at a fresh
    folder); summaries are off so outputs compare exactly.
    """
    from IPython.testing.globalipapp import get_ipython

    from mm_jupyter.services.runs.session import get_session

    shell = get_ipython()
    session = get_session()
    session.reset_registry()
    session.experiment = None
    shell.run_line_magic("load_ext", "mm_jupyter")
    shell.run_line_magic("config", "MMMagics.show_summary = False")
    yield shell
    shell.run_line_magic("unload_ext", "mm_jupyter")
    session.reset_registry()
    session.active.clear()
    for name in [n for n in shell.user_ns if not n.startswith("_")]:
        if name not in ("In", "Out", "get_ipython", "exit", "quit"):
            shell.user_ns.pop(name, None)
