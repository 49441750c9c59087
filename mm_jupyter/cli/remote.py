"""``mm-jupyter remote add|list|remove``: the team registries this project syncs with."""

from __future__ import annotations

from typing import Any

import click

from mm_jupyter.cli.support import emit_json, open_cli_registry
from mm_jupyter.services.configuration import (
    add_remote,
    list_remotes,
    registry_folder,
    remove_remote,
)
from mm_jupyter.services.sync import remotes_status


@click.group()
def remote() -> None:
    """Team registries to push to and pull from (kept in .mm/config.toml)."""


@remote.command("add")
@click.argument("name")
@click.option("--database", required=True, metavar="URL",
              help="PostgreSQL URL without a password (PGPASSWORD or ~/.pgpass supply it).")
@click.option("--blobs", metavar="URL", help="S3 URL of the team's blobs: s3://bucket/prefix.")
def remote_add(name: str, database: str, blobs: str | None) -> None:
    """Add (or replace) the remote NAME."""
    added = add_remote(registry_folder(), name, database=database, blobs=blobs)
    click.echo(f"remote {added.name}: {added.database}" + (f", blobs {added.blobs}" if added.blobs else ""))


@remote.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of remotes.")
def remote_list(as_json: bool) -> None:
    """List the remotes."""
    remotes: list[dict[str, Any]] = list(list_remotes(registry_folder()))
    status = remotes_status(open_cli_registry()) if remotes else {}
    for item in remotes:
        item.update({"pushed_at": None, "pulled_at": None})
        item.update({k: v for k, v in status.get(item["name"], {}).items()
                     if k in ("pushed_at", "pulled_at")})
    if as_json:
        emit_json(remotes)
        return
    for item in remotes:
        blobs = f"  blobs {item['blobs']}" if item["blobs"] else ""
        synced = "".join(f"  {verb} {item[key]}" for verb, key in
                         (("pushed", "pushed_at"), ("pulled", "pulled_at")) if item[key])
        click.echo(f"{item['name']}  {item['database']}{blobs}{synced}")
    if not remotes:
        click.echo("No remotes (add one with: mm-jupyter remote add NAME --database URL).")


@remote.command("remove")
@click.argument("name")
def remote_remove(name: str) -> None:
    """Forget the remote NAME (nothing on the team registry changes)."""
    remove_remote(registry_folder(), name)
    click.echo(f"removed remote {name}")
