"""A click group that imports a subcommand's module only when that command is used.

click's documented pattern ("Lazily Loading Subcommands"): the group maps command
names to ``"module:attribute"`` and imports on ``get_command``. ``mm-jupyter models
check`` then starts with click, its own module and what it calls, instead of every
command's services (issue 17's 200 ms target). Help lists every command, so it loads
them all.
"""

from __future__ import annotations

import importlib
from typing import Any

import click


class LazyGroup(click.Group):
    """A ``click.Group`` whose ``lazy_subcommands`` map names to ``"module:attribute"``."""

    def __init__(self, *args: Any, lazy_subcommands: dict[str, str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = dict(lazy_subcommands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, sorted (as click lists eager commands)."""
        return sorted({*super().list_commands(ctx), *self.lazy_subcommands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, importing its module first if it is lazy."""
        if cmd_name in self.lazy_subcommands:
            return self._load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def _load(self, cmd_name: str) -> click.Command:
        module_name, _, attribute = self.lazy_subcommands[cmd_name].partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy_subcommands[cmd_name]} is not a click command")
        return command


__all__ = ["LazyGroup"]
