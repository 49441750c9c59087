"""``mm-jupyter runs rename|note|tag|star|archive|restore|delete|move`` and
``mm-jupyter metrics direction|directions``.

Each change is recorded in the run's history under the registry identity
(``MM_JUPYTER_USER``, else the login name); docs/housekeeping.md.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

import click

from mm_jupyter.cli.support import emit_json, open_cli_registry
from mm_jupyter.records import Run
from mm_jupyter.services.runs import directions, housekeeping
from mm_jupyter.services.runs.queries import run_keys

JSON_HELP = "Print the updated run(s) as JSON."


@contextmanager
def _usage_errors() -> Iterator[None]:
    # Bad input from the services is the user's to fix: one line, exit 2, like click's.
    try:
        yield
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _show(states: list[dict[str, Any]], as_json: bool, verb: str, *, many: bool) -> None:
    records = [Run.from_summary(s) for s in states]
    if as_json:
        emit_json([r.to_dict() for r in records] if many else records[0].to_dict())
        return
    for run in records:
        click.echo(f"{verb} {run.id} {run.name} ({run.experiment})")


def _one(change: Callable[..., dict[str, Any]], ref: str, as_json: bool, verb: str,
         **kwargs: Any) -> None:
    with _usage_errors():
        state = change(open_cli_registry(), ref, **kwargs)
    _show([state], as_json, verb, many=False)


def _each(change: Callable[..., dict[str, Any]], refs: tuple[str, ...], as_json: bool,
          verb: str, **kwargs: Any) -> None:
    registry = open_cli_registry()
    with _usage_errors():
        # Every name is resolved before anything changes: a typo changes nothing.
        ids = [housekeeping.resolve(registry, ref) for ref in refs]
        states = [change(registry, run_id, exact=True, **kwargs) for run_id in ids]
    _show(states, as_json, verb, many=True)


@click.command("rename")
@click.argument("run")
@click.argument("new_name")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def runs_rename(run: str, new_name: str, as_json: bool) -> None:
    """Rename RUN (an id, a unique id prefix or a name) to NEW_NAME."""
    _one(housekeeping.update_run, run, as_json, "renamed", name=new_name)


@click.command("note")
@click.argument("run")
@click.argument("text", required=False)
@click.option("--file", "-f", "source", type=click.File("r", encoding="utf-8"),
              help="Read the markdown note from this file ('-': standard input).")
@click.option("--clear", is_flag=True, help="Remove the note.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def runs_note(run: str, text: str | None, source: IO[str] | None, clear: bool,
              as_json: bool) -> None:
    """Set RUN's markdown note to TEXT, to a file's content (--file), or remove it (--clear)."""
    given = [name for name, value in (("TEXT", text), ("--file", source), ("--clear", clear))
             if value not in (None, False)]
    if len(given) != 1:
        raise click.UsageError(
            "give exactly one of TEXT, --file F or --clear"
            + (f" (got {', '.join(given)})" if given else "")
        )
    note = "" if clear else (text if text is not None else source.read())  # type: ignore[union-attr]
    _one(housekeeping.update_run, run, as_json, "noted" if note else "cleared the note of",
         note=note)


@click.command("tag")
@click.argument("run")
@click.argument("tags", nargs=-1, metavar="KEY=VALUE...")
@click.option("--remove", "-r", "removed", multiple=True, metavar="KEY",
              help="Remove this tag (repeatable).")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def runs_tag(run: str, tags: tuple[str, ...], removed: tuple[str, ...], as_json: bool) -> None:
    """Set tags KEY=VALUE on RUN and remove tags with --remove KEY."""
    if not tags and not removed:
        raise click.UsageError("give at least one KEY=VALUE or --remove KEY")
    changes: dict[str, str | None] = {}
    for item in tags:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"tag {item!r} is not KEY=VALUE")
        changes[key] = value
    for key in removed:
        if key in changes:
            raise click.UsageError(f"tag {key!r} is both set and removed")
        changes[key] = None
    _one(housekeeping.update_run, run, as_json, "tagged", tags=changes)


@click.command("star")
@click.argument("run")
@click.option("--off", is_flag=True, help="Remove the star.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def runs_star(run: str, off: bool, as_json: bool) -> None:
    """Star RUN (or remove its star with --off)."""
    _one(housekeeping.update_run, run, as_json, "unstarred" if off else "starred",
         starred=not off)


@click.command("archive")
@click.argument("runs", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def runs_archive(runs: tuple[str, ...], as_json: bool) -> None:
    """Archive RUNS (with their child runs): lists hide them unless asked."""
    _each(housekeeping.archive_run, runs, as_json, "archived")


@click.command("restore")
@click.argument("runs", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def runs_restore(runs: tuple[str, ...], as_json: bool) -> None:
    """Un-archive and un-delete RUNS (with their child runs)."""
    _each(housekeeping.restore_run, runs, as_json, "restored")


@click.command("delete")
@click.argument("runs", nargs=-1, required=True)
@click.option("--yes", "-y", is_flag=True,
              help="Do not ask; required when standard input is not a terminal.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def runs_delete(runs: tuple[str, ...], yes: bool, as_json: bool) -> None:
    """Delete RUNS softly (with their child runs): hidden everywhere, restorable with
    `runs restore` until `mm-jupyter gc` purges them."""
    if not yes:
        if not sys.stdin.isatty():  # a script must say so: nobody is there to answer
            raise click.UsageError("standard input is not a terminal: pass --yes to delete")
        click.confirm(f"Delete {len(runs)} run{'s' if len(runs) > 1 else ''}"
                      f" ({', '.join(runs)})?", abort=True)
    _each(housekeeping.delete_run, runs, as_json, "deleted")


@click.command("move")
@click.argument("runs", nargs=-1, required=True)
@click.option("--to", "experiment", required=True, metavar="EXPERIMENT",
              help="The experiment to move them to (created if needed).")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def runs_move(runs: tuple[str, ...], experiment: str, as_json: bool) -> None:
    """Move RUNS (with their child runs) to another experiment."""
    _each(housekeeping.move_run, runs, as_json, "moved", experiment=experiment)


@click.group()
def metrics() -> None:
    """Metric directions: whether lower or higher is better."""


@metrics.command("direction")
@click.argument("key")
@click.argument("direction", required=False, type=click.Choice(["min", "max"]))
@click.option("--clear", is_flag=True, help="Forget the override: infer from the name again.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def metrics_direction(key: str, direction: str | None, clear: bool, as_json: bool) -> None:
    """Say that lower (min) or higher (max) is better for metric KEY, or --clear it.

    Without DIRECTION or --clear, print the direction in effect.
    """
    if direction and clear:
        raise click.UsageError("give DIRECTION or --clear, not both")
    registry = open_cli_registry()
    with _usage_errors():
        if direction or clear:
            result = directions.set_direction(registry, key, direction)
        else:
            directions.check_metric_key(key)
            rows = directions.list_directions(registry, [key])
            result = next(r for r in rows if r["key"] == key)
    result = {k: result[k] for k in ("key", "direction", "source")}
    if as_json:
        emit_json(result)
    else:
        better = "lower" if result["direction"] == "min" else "higher"
        click.echo(f"{key}: {result['direction']} ({better} is better; {result['source']})")


@metrics.command("directions")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def metrics_directions(as_json: bool) -> None:
    """List the direction of every metric in use and of every override."""
    registry = open_cli_registry()
    rows = directions.list_directions(registry, run_keys(registry)["metrics"])
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no metrics yet")
    width = max((len(r["key"]) for r in rows), default=0)
    for row in rows:
        who = f" by {row['set_by']} at {row['set_at']}" if row["source"] == "set" else ""
        click.echo(f"{row['key']:<{width}}  {row['direction']}  {row['source']}{who}")


def register(runs: click.Group) -> None:
    """Add the housekeeping commands to ``runs`` (``metrics`` is loaded by cli/main.py)."""
    for command in (runs_rename, runs_note, runs_tag, runs_star, runs_archive,
                    runs_restore, runs_delete, runs_move):
        runs.add_command(command)
