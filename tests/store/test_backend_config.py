"""Which backend a registry uses: environment over config.toml over the SQLite default."""

from __future__ import annotations

import pytest

from mm_jupyter.errors import ConfigError
from mm_jupyter.store.backend_config import (
    BLOB_ENV,
    DATABASE_ENV,
    load_backend_config,
    redact,
    write_config_file,
)


@pytest.fixture(autouse=True)
def no_backend_env(monkeypatch):
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    monkeypatch.delenv(BLOB_ENV, raising=False)


def test_the_default_is_embedded_sqlite(tmp_path):
    config = load_backend_config(tmp_path)
    assert config.backend == "sqlite"
    assert (config.database.url, config.database.source) == (None, "default")
    assert (config.blobs.url, config.blobs.source) == (None, "default")
    assert config.remotes == {}


def test_file_then_environment_win_in_that_order(tmp_path, monkeypatch):
    write_config_file(tmp_path, {"backend": {"database": "postgresql://mm@db:5432/mm",
                                             "blobs": "s3://bucket/prefix"}})
    config = load_backend_config(tmp_path)
    assert config.backend == "postgresql"
    assert config.database.url == "postgresql://mm@db:5432/mm"
    assert config.database.source == f"config {tmp_path / 'config.toml'}"
    monkeypatch.setenv(DATABASE_ENV, "postgresql://other@h/db")
    config = load_backend_config(tmp_path)
    assert config.database.url == "postgresql://other@h/db"
    assert config.database.source == f"env {DATABASE_ENV}"
    assert config.blobs.url == "s3://bucket/prefix"  # each setting resolves on its own


@pytest.mark.parametrize(("table", "message"), [
    ({"database": "postgresql://mm:hunter2@db/mm"}, "password does not go into config.toml"),
    ({"blobs": "s3://KEY:s3cr3t-value@bucket/p"}, "S3 credentials do not go into config.toml"),
    ({"database": "mysql://db/mm"}, "is not a PostgreSQL URL"),
    ({"blobs": "/data/blobs"}, "is not an S3 URL"),
])
def test_secrets_and_wrong_urls_in_the_file_are_refused(tmp_path, table, message):
    write_config_file(tmp_path, {"backend": table})
    with pytest.raises(ConfigError, match=message) as err:
        load_backend_config(tmp_path)
    assert "hunter2" not in str(err.value) and "s3cr3t-value" not in str(err.value)


def test_a_password_from_the_environment_is_used_but_never_shown(tmp_path, monkeypatch):
    monkeypatch.setenv(DATABASE_ENV, "postgresql://mm:hunter2@db:5432/mm")
    config = load_backend_config(tmp_path)
    assert config.database.url == "postgresql://mm:hunter2@db:5432/mm"
    assert redact(config.database.url) == "postgresql://mm:***@db:5432/mm"
    assert redact("postgresql://db/mm") == "postgresql://db/mm"
    assert redact("postgresql://db/mm?sslmode=require&password=hunter2") == \
        "postgresql://db/mm?sslmode=require&password=***"


def test_remotes_round_trip_with_awkward_names(tmp_path):
    write_config_file(tmp_path, {"remotes": {
        "team": {"database": "postgresql://mm@team/mm", "blobs": "s3://b/p"},
        "café.eu": {"database": "postgresql://mm@eu/mm"},
    }})
    remotes = load_backend_config(tmp_path).remotes
    assert remotes["team"].blobs == "s3://b/p"
    assert remotes["café.eu"].database == "postgresql://mm@eu/mm"
    assert remotes["café.eu"].blobs is None


def test_a_malformed_file_is_a_clear_error(tmp_path):
    (tmp_path / "config.toml").write_text("[backend\ndatabase = 1")
    with pytest.raises(ConfigError, match=r"cannot read .*config\.toml"):
        load_backend_config(tmp_path)
    (tmp_path / "config.toml").write_text("[backend]\ndatabase = 1\n")
    with pytest.raises(ConfigError, match=r"\[backend\]: database must be a string"):
        load_backend_config(tmp_path)
