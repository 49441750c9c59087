"""Which backend a registry uses: embedded SQLite, or PostgreSQL plus S3 for a team.

Resolution, per setting (database, blobs), first match wins:
``MM_JUPYTER_DATABASE_URL`` / ``MM_JUPYTER_BLOB_URL`` in the environment; else
``config.toml`` in the registry folder (``mm-jupyter init --database … --blobs …``
writes it); else the default, a SQLite file and a blob folder in the registry folder.
The same file names the remotes ``mm-jupyter push``/``pull`` talk to.

Secrets never go into the file: a database URL with a password or an S3 URL with
credentials is refused there (PostgreSQL has ``PGPASSWORD``, ``~/.pgpass`` and client
certificates; S3 the standard ``AWS_*`` variables and profiles). The environment may
carry a password, but ``redact`` keeps it out of everything we print or serve.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from mm_jupyter.errors import ConfigError

CONFIG_NAME = "config.toml"
DATABASE_ENV = "MM_JUPYTER_DATABASE_URL"
BLOB_ENV = "MM_JUPYTER_BLOB_URL"
DATABASE_SCHEMES = ("postgresql", "postgres")
BLOB_SCHEMES = ("s3",)


@dataclass(frozen=True)
class Setting:
    """A configured URL (``None``: the embedded default) and what chose it."""

    url: str | None
    source: str  # "env MM_JUPYTER_DATABASE_URL", "config /path/config.toml" or "default"


@dataclass(frozen=True)
class Remote:
    """A team registry to push to and pull from."""

    name: str
    database: str
    blobs: str | None = None


@dataclass(frozen=True)
class BackendConfig:
    """Everything ``config.toml`` and the environment say about the backend."""

    database: Setting
    blobs: Setting
    remotes: dict[str, Remote] = field(default_factory=dict)

    @property
    def backend(self) -> str:
        """``postgresql`` when a database URL is set, else ``sqlite``."""
        return "postgresql" if self.database.url else "sqlite"


def redact(url: str) -> str:
    """Return ``url`` without a password (``postgresql://mm:***@host/db``), whether it is
    in the user part or a ``password=`` query parameter."""
    parts = urlsplit(url)
    if parts.password is not None:
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        user = f"{parts.username}:***@" if parts.username else ":***@"
        parts = parts._replace(netloc=user + host)
    if "password" in parts.query.lower():
        query = [(k, "***" if k.lower() == "password" else v)
                 for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        parts = parts._replace(query=urlencode(query, safe="*"))
    return urlunsplit(parts)


def check_database_url(url: str, *, in_file: bool) -> str:
    """Return ``url`` if it names a PostgreSQL database; else raise ``ConfigError``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in DATABASE_SCHEMES or not (parts.hostname or parts.path.strip("/")):
        raise ConfigError(
            f"database URL {redact(url)!r} is not a PostgreSQL URL such as"
            " postgresql://user@host:5432/dbname"
        )
    if in_file and parts.password is not None:
        raise ConfigError(
            "a database password does not go into config.toml: use PGPASSWORD,"
            " ~/.pgpass or a client certificate, and give the URL without it"
        )
    return url.strip()


def check_blob_url(url: str, *, in_file: bool) -> str:
    """Return ``url`` if it names an S3 bucket (``s3://bucket[/prefix]``); else raise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in BLOB_SCHEMES or not parts.hostname:
        raise ConfigError(f"blob URL {redact(url)!r} is not an S3 URL such as s3://bucket/prefix")
    if in_file and (parts.username or parts.password):
        raise ConfigError(
            "S3 credentials do not go into config.toml: use AWS_ACCESS_KEY_ID and"
            " AWS_SECRET_ACCESS_KEY (or an AWS profile), and give the URL without them"
        )
    return url.strip()


def read_config_file(path: Path) -> dict[str, object]:
    """Return the parsed ``config.toml`` (empty when there is none)."""
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):  # no file: the folder's problem, if any,
        return {}  # is the registry's to report when it opens
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    # Imported only when there is a file: the TOML parser costs ~15 ms of import, which
    # every registry open (the CLI, a kernel's first run) would pay for nothing.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 reads TOML with the backport
        import tomli as tomllib
    try:
        data: dict[str, object] = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    return data


def _table(data: dict[str, object], name: str, path: Path) -> dict[str, object]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    return value


def _text(table: dict[str, object], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{where}: {key} must be a string")
    return value


def load_backend_config(folder: Path) -> BackendConfig:
    """Resolve the backend of the registry in ``folder`` (env, then file, then default)."""
    path = folder / CONFIG_NAME
    data = read_config_file(path)
    backend = _table(data, "backend", path)
    settings = []
    for env, key, check in ((DATABASE_ENV, "database", check_database_url),
                            (BLOB_ENV, "blobs", check_blob_url)):
        from_env = os.environ.get(env, "").strip()
        if from_env.startswith("sqlite"):  # naming the default explicitly
            settings.append(Setting(None, f"env {env}"))
        elif from_env:
            settings.append(Setting(check(from_env, in_file=False), f"env {env}"))
        elif (from_file := _text(backend, key, f"{path} [backend]")) is not None:
            settings.append(Setting(check(from_file, in_file=True), f"config {path}"))
        else:
            settings.append(Setting(None, "default"))
    remotes = {}
    for name, table in _table(data, "remotes", path).items():
        where = f"{path} [remotes.{name}]"
        if not isinstance(table, dict):
            raise ConfigError(f"{where} must be a table")
        database = _text(table, "database", where)
        if database is None:
            raise ConfigError(f"{where}: database is missing")
        blobs = _text(table, "blobs", where)
        remotes[name] = Remote(name, check_database_url(database, in_file=True),
                               None if blobs is None else check_blob_url(blobs, in_file=True))
    return BackendConfig(settings[0], settings[1], remotes)


def _toml(value: str) -> str:
    # A TOML basic string: JSON's escapes are TOML's, with non-ASCII kept as UTF-8
    # (a JSON surrogate pair would not be valid TOML).
    return json.dumps(value, ensure_ascii=False)


def write_config_file(folder: Path, data: dict[str, dict[str, object]]) -> Path:
    """Write ``data`` (``backend`` and ``remotes`` tables of strings) to ``config.toml``.

    Written whole to a temporary file and renamed, so a reader never sees half a file.
    """
    lines = ["# mm-jupyter registry configuration: no secrets here (see docs/team.md)."]
    backend = {k: v for k, v in data.get("backend", {}).items() if v is not None}
    if backend:
        lines += ["", "[backend]", *(f"{k} = {_toml(str(v))}" for k, v in sorted(backend.items()))]
    for name, table in sorted(data.get("remotes", {}).items()):
        assert isinstance(table, dict)
        lines += ["", f"[remotes.{_toml(name)}]"]
        lines += [f"{k} = {_toml(str(v))}" for k, v in sorted(table.items()) if v is not None]
    path = folder / CONFIG_NAME
    tmp = path.with_name(f".{CONFIG_NAME}.{os.getpid()}.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
