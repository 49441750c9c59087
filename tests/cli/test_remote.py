"""``mm-jupyter init --database/--blobs``, ``remote`` and ``info``: the backend, said plainly."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

CLI = [sys.executable, "-m", "mm_jupyter.cli.main"]


@pytest.fixture
def project(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("MM_JUPYTER_HOME", "MM_JUPYTER_DATABASE_URL", "MM_JUPYTER_BLOB_URL")}

    def cli(*args, **extra):
        return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60,
                              cwd=tmp_path, env={**env, **extra})

    cli.folder = tmp_path / ".mm"
    return cli


def test_init_records_the_team_backend_without_secrets(project):
    done = project("init", "--database", "postgresql://mm:hunter2@db/mm")
    assert done.returncode == 1 and "hunter2" not in done.stderr
    assert "password does not go into config.toml: use PGPASSWORD" in done.stderr
    assert not (project.folder / "config.toml").exists()  # nothing half-written
    done = project("init", "--blobs", "s3://ml-registry/mm")
    assert done.returncode == 0, done.stderr
    assert "blobs s3://ml-registry/mm" in done.stdout
    info = json.loads(project("info", "--json", MM_JUPYTER_USER="alice").stdout)
    assert info["backend"] == "sqlite" and info["database"] is None
    assert info["blobs"] == "s3://ml-registry/mm"
    assert info["blobs_source"] == f"config {project.folder / 'config.toml'}"
    assert info["user"] == "alice"


def test_remotes_are_added_listed_and_removed(project):
    assert project("init").returncode == 0
    done = project("remote", "add", "team", "--database", "postgresql://mm@db:5432/mm",
                   "--blobs", "s3://b/p")
    assert done.returncode == 0, done.stderr
    listed = json.loads(project("remote", "list", "--json").stdout)
    assert listed == [{"name": "team", "database": "postgresql://mm@db:5432/mm", "blobs": "s3://b/p",
                       "pushed_at": None, "pulled_at": None}]
    assert project("remote", "add", "bad name", "--database", "postgresql://db/mm").returncode == 1
    assert project("remote", "remove", "team").returncode == 0
    done = project("remote", "remove", "team")
    assert done.returncode == 1 and "no remote named 'team'" in done.stderr
    assert "No remotes" in project("remote", "list").stdout
