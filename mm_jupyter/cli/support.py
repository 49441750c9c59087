"""What every ``mm-jupyter`` subcommand shares: the registry and strict JSON output."""

from __future__ import annotations

from collections.abc import Callable
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


def emit(payload: Any, as_json: bool, text: Callable[[Any], object]) -> None:
    """Print ``payload`` as JSON with ``--json``, else ``text(payload)``: a table or a line.

    The artifact and model commands print their result this way.
    """
    if as_json:
        emit_json(payload)
    else:
        click.echo(str(text(payload)))
