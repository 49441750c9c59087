"""``mm-jupyter init`` and ``info``: create a project registry, say which one is used."""

from __future__ import annotations

from pathlib import Path

import click

from mm_jupyter import __version__
from mm_jupyter.cli.support import emit_json, open_cli_registry
from mm_jupyter.services.configuration import describe_folder, project_folder, set_backend
from mm_jupyter.services.registry import (
    describe_registry,
    init_project_registry,
    registry_exists,
)


@click.command()
@click.option("--database", metavar="URL",
              help="A team registry on PostgreSQL (no password: PGPASSWORD or ~/.pgpass).")
@click.option("--blobs", metavar="URL", help="The team's blobs on S3: s3://bucket/prefix.")
def init(database: str | None, blobs: str | None) -> None:
    """Create a project registry (.mm/) in the current folder.

    With --database/--blobs, .mm/config.toml records the team backend (no secrets).
    """
    written = set_backend(project_folder(Path.cwd()), database=database, blobs=blobs)
    path, existed = init_project_registry(Path.cwd())
    verb = "Registry already exists at" if existed else "Created registry at"
    click.echo(f"{verb} {path}")
    if written is not None:
        described = describe_folder(path)
        click.echo(f"backend {described['backend']} ({described['database'] or 'SQLite'}),"
                   f" blobs {described['blobs'] or 'local'}; recorded in {written}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info(as_json: bool) -> None:
    """Show which registry is used and why (creates nothing)."""
    exists, folder, source = registry_exists()
    if not exists:
        message = (f"no registry at {folder} yet (created by the first tracked cell"
                   " or `mm-jupyter init`)")
        if as_json:
            emit_json({"version": __version__, "registry": folder, "source": source,
                       "exists": False, "message": message})
        else:
            click.echo(message)
        return
    described = describe_registry(open_cli_registry())
    data = {
        "version": __version__,
        "registry": described["path"],
        "source": described["source"],
        "schema_version": described["schema_version"],
        **describe_folder(Path(described["path"])),
    }
    if as_json:
        emit_json(data)
    else:
        for key, value in data.items():
            click.echo(f"{key}: {value}")


__all__ = ["info", "init"]
