"""Laptops with a team remote, for the push and pull tests (fixture ``laptops``).

``laptops(user)`` gives a folder for that user's embedded registry whose
``config.toml`` names the remote ``team``: a fresh real PostgreSQL database with its
blobs in a fresh real S3 bucket. The S3 credentials are in this process's
environment (as a user's would be) and in ``laptops.env(folder)``, the environment
of a process working on that laptop.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def laptops(postgres_database, s3_server, s3_bucket, tmp_path, monkeypatch):
    """laptop(user) -> its registry folder, with the remote ``team`` configured."""
    from mm_jupyter.services.configuration import add_remote

    aws = {k: v for k, v in s3_server.env(s3_bucket).items() if k.startswith("AWS_")}
    for key, value in aws.items():
        monkeypatch.setenv(key, value)
    for key in ("MM_JUPYTER_DATABASE_URL", "MM_JUPYTER_BLOB_URL", "MM_JUPYTER_HOME"):
        monkeypatch.delenv(key, raising=False)

    def laptop(user: str) -> Path:
        folder = tmp_path / user
        add_remote(folder, "team", database=postgres_database, blobs=f"s3://{s3_bucket}/team")
        return folder

    def env(folder: Path) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("MM_JUPYTER_")}
        return {**base, "MM_JUPYTER_HOME": str(folder), "MM_JUPYTER_USER": folder.name}

    def rows(sql: str, args=()) -> list[tuple]:
        """Rows of a query on the team registry."""
        from mm_jupyter.store.db import open_database
        from mm_jupyter.store.location import RegistryLocation

        with tempfile.TemporaryDirectory() as scratch:
            team = open_database(RegistryLocation(Path(scratch), "remote"), postgres_database,
                                 laptop.blobs)
            try:
                with team.read() as conn:
                    return [tuple(r) for r in conn.execute(sql, args)]
            finally:
                team.close()

    def blob_bytes(digest: str) -> bytes:
        """A blob of the team's bucket, verified."""
        from mm_jupyter.store.blobs import open_blob_store

        with tempfile.TemporaryDirectory() as scratch:
            return open_blob_store(laptop.blobs, Path(scratch)).get_bytes(digest)

    laptop.blob_bytes = blob_bytes
    laptop.team_url = postgres_database
    laptop.blobs = f"s3://{s3_bucket}/team"
    laptop.database = postgres_database
    laptop.env = env
    laptop.rows = rows
    return laptop
