"""The ``mm-jupyter`` command line (click, already a sqlite-utils dependency).

Each command lives in its own module and is imported when it is used (cli/lazy.py), so
starting ``mm-jupyter models check`` costs click and that command, not every service.
"""

from __future__ import annotations

import sys

import click

from mm_jupyter import __version__
from mm_jupyter.cli.lazy import LazyGroup
from mm_jupyter.errors import MMError

CLI = "mm_jupyter.cli"
COMMANDS = {
    "init": f"{CLI}.registry:init",
    "info": f"{CLI}.registry:info",
    "runs": f"{CLI}.runs:runs",
    "diff": f"{CLI}.diff:diff_command",
    "metrics": f"{CLI}.housekeeping:metrics",
    "artifacts": f"{CLI}.artifacts:artifacts",
    "verify": f"{CLI}.artifacts:verify",
    "gc": f"{CLI}.artifacts:gc",
    "doctor": f"{CLI}.doctor:doctor",
    "models": f"{CLI}.models:models",
    "monitor": f"{CLI}.monitoring:monitor",
    "serve": f"{CLI}.monitoring:serve",
    "remote": f"{CLI}.remote:remote",
    "pull": f"{CLI}.sync:pull",
    "push": f"{CLI}.sync:push",
    "rerun": f"{CLI}.reproduce:rerun",
    "checkout": f"{CLI}.reproduce:checkout",
    "execute": f"{CLI}.execute:execute",
}


@click.group(cls=LazyGroup, lazy_subcommands=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mm-jupyter")
def main() -> None:
    """Notebook-native model management: inspect the run registry."""


def run() -> None:
    """Entry point that turns our errors into one clear line and exit code 1."""
    try:
        # Without standalone mode click returns (not raises) a command's ctx.exit(code).
        code = main(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted!", err=True)
        sys.exit(1)
    except MMError as exc:
        click.echo(f"mm-jupyter: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    run()
