"""``mm-jupyter diff A [B]``: what changed between two runs, or a run and its notebook."""

from __future__ import annotations

import sys

import click

from mm_jupyter.cli.support import emit_json, open_cli_registry
from mm_jupyter.display.diff import to_text
from mm_jupyter.services.diff.comparison import compare_runs


@click.command("diff")
@click.argument("a")
@click.argument("b", required=False)
@click.option("--notebook", type=click.Path(exists=True, dir_okay=False),
              help="Without B: the notebook file to compare A with (default: A's notebook).")
@click.option("--volatile", is_flag=True, help="Also compare execution counts, ids, metadata.")
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON.")
@click.option("--color/--no-color", default=None, help="Colour the text (default: on a terminal).")
def diff_command(a: str, b: str | None, notebook: str | None, volatile: bool,
                 as_json: bool, color: bool | None) -> None:
    """Show what changed between runs A and B (or A and its notebook on disk)."""
    try:
        result = compare_runs(open_cli_registry(), a, b, volatile=volatile, notebook_path=notebook)
    except OSError as exc:  # the notebook on disk cannot be opened
        raise click.UsageError(f"cannot read {exc.filename}: {exc.strerror}") from None
    except ValueError as exc:  # a run with no notebook to compare with, an unreadable notebook
        raise click.UsageError(
            str(exc).replace("pass notebook_path=", "pass --notebook PATH")
        ) from None
    if as_json:
        emit_json(result)
    else:
        use_color = sys.stdout.isatty() if color is None else color
        # color= keeps click from stripping the escapes when asked on a pipe
        click.echo(to_text(result, color=use_color), color=use_color)


__all__ = ["diff_command"]
