"""What every ``mm-jupyter`` subcommand shares: the registry and strict JSON output."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from mm_jupyter.encoding import payload_dumps
from mm_jupyter.services.registry import open_registry

if TYPE_CHECKING:
    from mm_jupyter.store import Registry


def open_cli_registry() -> Registry:
    """Open the registry by the location rule (``MM_JUPYTER_HOME``, ``.mm/``, user)."""
    return open_registry()


def emit_json(value: Any) -> None:
    """Print ``value`` as indented strict JSON (non-finite floats as strings)."""
    click.echo(payload_dumps(value, indent=2))
