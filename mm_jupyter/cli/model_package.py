"""``mm-jupyter models package REF --out DIR``: a registered version as a deployable folder."""

from __future__ import annotations

from pathlib import Path

import click

from mm_jupyter.cli.support import emit_json, open_cli_registry


@click.command("package")
@click.argument("ref")
@click.option("--out", "-o", required=True, type=click.Path(path_type=Path),
              help="The package folder to write: must not exist, or be empty.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the package's path, files with their SHA-256 and the pins.")
def package(ref: str, out: Path, as_json: bool) -> None:
    """Package model version REF (name, name:N, name@alias) as a folder to deploy.

    It holds the model file (checked against the registry's digest), exact
    requirements.txt pins, signature.json, input_example.json, MODEL_CARD.md, a
    Dockerfile, serve.py (a standalone server) and mm-package.json (every file's
    digest). Packaging the same version twice gives identical files. Serve it with
    `mm-jupyter serve --package DIR` or `docker build DIR`.
    """
    # Imported here: `models --help` loads this module to list it; only packaging needs it.
    from mm_jupyter.services.models.packaging import package_model

    found = package_model(open_cli_registry(), ref, out)
    if as_json:
        emit_json(found)
        return
    click.echo(f"packaged {found['ref']} in {found['path']} ({len(found['files'])} files,"
               f" {len(found['requirements'])} pinned requirements)")


__all__ = ["package"]
