"""The ``mm-jupyter models`` group: each subcommand is imported when it is used.

``list|show|register|promote|alias|history`` are cli/model_versions.py's,
``check|approve|policy`` cli/model_policies.py's, ``package`` cli/model_package.py's.
"""

from __future__ import annotations

import click

from mm_jupyter.cli.lazy import LazyGroup

VERSIONS = "mm_jupyter.cli.model_versions"
POLICIES = "mm_jupyter.cli.model_policies"


@click.group(cls=LazyGroup, lazy_subcommands={
    "list": f"{VERSIONS}:models_list",
    "show": f"{VERSIONS}:models_show",
    "register": f"{VERSIONS}:models_register",
    "promote": f"{VERSIONS}:models_promote",
    "alias": f"{VERSIONS}:models_alias",
    "history": f"{VERSIONS}:models_history",
    "check": f"{POLICIES}:check",
    "approve": f"{POLICIES}:approve",
    "policy": f"{POLICIES}:policy",
    "package": "mm_jupyter.cli.model_package:package",
})
def models() -> None:
    """List registered models, promote versions, move aliases."""


__all__ = ["models"]
