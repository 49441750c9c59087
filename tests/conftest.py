"""Shared fixtures: a migrated registry on disk, an IPython shell with the extension."""

from __future__ import annotations

import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server",)


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
