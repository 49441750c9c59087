"""The team backend for the benchmarks: a PostgreSQL and a SeaweedFS S3 server of their own.

Started and stopped with the tests' code (tests/team_servers.py), so benchmarks and tests
run the servers the same way. A benchmark that needs them runs::

    with team_servers() as team:
        if team.skipped:           # {"postgresql": reason} and/or {"s3": reason}
            ...report the team figures as skipped, with the reasons...
        url = team.new_database("cells")     # a fresh database on the server
        env = team.s3.env(team.new_bucket("cells"))

Unlike the tests, PostgreSQL runs durable here (``fsync`` and ``full_page_writes`` on,
as on a team's server): only ``synchronous_commit`` is off, which matches the embedded
registry's ``PRAGMA synchronous = NORMAL`` in WAL mode (a crash may lose the last
commits, never corrupt the database). ``PG_SETTINGS`` says so in each result.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

# tests/team_servers.py: one start/stop for the tests and the benchmarks.
from team_servers import (  # noqa: E402
    PostgresServer,
    S3Server,
    ServerUnavailable,
    bucket_ready,
    start_postgres,
    start_s3,
    stop_s3,
)

PG_SETTINGS = ("synchronous_commit=off",)


@dataclass
class TeamServers:
    """What :func:`team_servers` started; ``skipped`` names what could not run and why."""

    postgres: PostgresServer | None = None
    s3: S3Server | None = None
    skipped: dict[str, str] = field(default_factory=dict)

    def new_database(self, label: str) -> str:
        """Create an empty database on the PostgreSQL server; return its URL."""
        import psycopg

        assert self.postgres is not None
        name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.postgres.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE template0")
        return self.postgres.url.rsplit("/", 1)[0] + f"/{name}"

    def new_bucket(self, label: str) -> str:
        """Create an empty bucket on the S3 server; return its name."""
        assert self.s3 is not None
        name = f"bench-{label}-{uuid.uuid4().hex[:8]}"
        if not bucket_ready(self.s3, name):
            raise RuntimeError(f"could not create bucket {name} on {self.s3.endpoint}")
        return name

    def describe(self) -> dict[str, object]:
        """The servers in use, for the result (versions and settings)."""
        info: dict[str, object] = {}
        if self.postgres is not None:
            info["team_postgresql"] = f"PostgreSQL {self.postgres.version()} on loopback"
            info["team_postgresql_settings"] = list(PG_SETTINGS)
        if self.s3 is not None:
            info["team_s3"] = "SeaweedFS weed mini on loopback"
        for what, reason in self.skipped.items():
            info[f"team_{what}_skipped"] = reason
        return info


@contextmanager
def team_servers(postgres: bool = True, s3: bool = True) -> Iterator[TeamServers]:
    """Start the servers asked for (each skipped with its reason if it cannot run here);
    stop them and remove their folders on the way out."""
    team = TeamServers()
    with ExitStack() as stack:
        if postgres:
            try:
                team.postgres = start_postgres(PG_SETTINGS)
                stack.callback(team.postgres.stop)
            except ServerUnavailable as exc:
                team.skipped["postgresql"] = str(exc)
        if s3:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mm-bench-s3-")))
            try:
                process, team.s3 = start_s3(folder)
                stack.callback(stop_s3, process)
            except ServerUnavailable as exc:
                team.skipped["s3"] = str(exc)
        yield team
