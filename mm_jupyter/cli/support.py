"""What every ``mm-jupyter`` subcommand shares: the registry and strict JSON output."""

from __future__ import annotations

from typing import Any

import click


def open_cli_registry() -> Any:
    """Open the registry by the location rule (``MM_JUPYTER_HOME``, ``.mm/``, user)."""
    from mm_jupyter.store import open_registry

    return open_registry()


def emit_json(value: Any) -> None:
    """Print ``value`` as indented strict JSON (non-finite floats as strings)."""
    from mm_jupyter.encoding import payload_dumps

    click.echo(payload_dumps(value, indent=2))
