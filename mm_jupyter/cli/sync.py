"""``mm-jupyter push`` and ``pull``: share local work with a team registry, and back."""

from __future__ import annotations

from typing import Any

import click

from mm_jupyter.cli.support import emit_json, open_cli_registry
from mm_jupyter.display.sync import sync_report_text
from mm_jupyter.services import sync

_DRY_RUN = click.option("--dry-run", is_flag=True,
                        help="Say what would move, and the conflicts, without moving anything.")
_JSON = click.option("--json", "as_json", is_flag=True,
                     help="Print the report as JSON: counts per kind (sent, already there,"
                          " conflicts), conflicts and version numbers.")


def _finish(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(report)
    else:
        click.echo(sync_report_text(report))
    if report["conflicts"]:  # the rest went; a script must still notice what did not
        raise click.exceptions.Exit(1)


def _progress(as_json: bool) -> sync.Progress:
    def say(message: str) -> None:
        if not as_json:
            click.echo(message, err=True)
    return say


@click.command("push")
@click.argument("remote")
@click.option("--experiment", metavar="NAME", help="Only the runs of this experiment.")
@click.option("--run", "runs", multiple=True, metavar="RUN",
              help="Only this run (id, id prefix or name); repeat for more.")
@_DRY_RUN
@_JSON
def push(remote: str, experiment: str | None, runs: tuple[str, ...], dry_run: bool,
         as_json: bool) -> None:
    """Send local runs, artifacts and models to REMOTE (only what it lacks).

    Blobs go first, then rows; a push killed half-way is finished by pushing again.
    The team numbers new versions; aliases and stages it sees otherwise are reported
    as conflicts (exit code 1), never overwritten.
    """
    report = sync.push(open_cli_registry(), remote, experiment=experiment, runs=runs,
                       dry_run=dry_run, progress=_progress(as_json))
    _finish(report, as_json)


@click.command("pull")
@click.argument("remote")
@click.option("--model", "models", multiple=True, metavar="NAME",
              help="A registered model: every version, with its runs and lineage; repeat for more.")
@click.option("--run", "runs", multiple=True, metavar="RUN",
              help="A run of REMOTE (id, id prefix or name), with its lineage; repeat for more.")
@_DRY_RUN
@_JSON
def pull(remote: str, models: tuple[str, ...], runs: tuple[str, ...], dry_run: bool,
         as_json: bool) -> None:
    """Bring team models (and runs) from REMOTE into the local registry, with lineage."""
    if not models and not runs:
        raise click.UsageError("say what to pull: --model NAME or --run RUN")
    report = sync.pull(open_cli_registry(), remote, models=models, runs=runs,
                       dry_run=dry_run, progress=_progress(as_json))
    _finish(report, as_json)
