"""``mm-jupyter runs list|show`` (the housekeeping subcommands are cli/housekeeping.py's)."""

from __future__ import annotations

from typing import Any

import click

from mm_jupyter.cli import housekeeping
from mm_jupyter.cli.support import emit_json, open_cli_registry
from mm_jupyter.display.evaluation import reports_text
from mm_jupyter.display.runs import candidates_text, run_text, runs_table_text
from mm_jupyter.records import Run
from mm_jupyter.services.runs.export import csv_chunks, parse_columns
from mm_jupyter.services.runs.queries import check_filter, check_sort, list_runs, run_detail


@click.group()
def runs() -> None:
    """List and show runs."""


@runs.command("list")
@click.option("--experiment", "-e", help="Only runs of this experiment.")
@click.option("--status", type=click.Choice(["running", "finished", "failed",
                                             "interrupted", "killed"]))
@click.option("--limit", "-n", type=click.IntRange(1, 500),
              help="How many runs (default 50; with --csv: every matching run).")
@click.option("--user", "-u", help="Only runs this user recorded.")
@click.option("--children", is_flag=True,
              help="Also list child runs (the candidates of a hyper-parameter search).")
@click.option("--filter", "-f", "filter_text", metavar="EXPR",
              help="Only runs this filter keeps, e.g. \"metrics.acc > 0.9 and"
                   " params.lr <= 0.1\" (docs/filter.md).")
@click.option("--sort", "-s", metavar="COLUMN",
              help="Sort by a column (started_at, name, ...), metric:KEY or param:KEY.")
@click.option("--order", type=click.Choice(["asc", "desc"]), default="desc",
              show_default=True)
@click.option("--archived", type=click.Choice(["exclude", "include", "only"]),
              default="exclude", show_default=True, help="Archived runs too, or only them.")
@click.option("--csv", "as_csv", is_flag=True,
              help="Print CSV: attributes, params.K, metrics.K and tags.K columns.")
@click.option("--columns", metavar="A,B,...",
              help="With --csv: only these columns (e.g. id,name,metrics.acc,params.lr).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of runs.")
def runs_list(experiment: str | None, status: str | None, limit: int | None,
              user: str | None, children: bool, filter_text: str | None, sort: str | None,
              order: str, archived: str, as_csv: bool, columns: str | None,
              as_json: bool) -> None:
    """List recent runs, newest first (top-level runs unless --children)."""
    # A bad filter, sort or column is a usage error (exit 2), named before any output.
    checks = (("--filter", check_filter, filter_text), ("--sort", check_sort, sort),
              ("--columns", parse_columns, columns))
    for hint, check, value in checks:
        try:
            check(value)  # type: ignore[operator]
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint=hint) from None
    registry = open_cli_registry()
    options: dict[str, Any] = {"experiment": experiment, "status": status, "user": user,
               "filter": filter_text, "sort": sort, "order": order, "archived": archived}
    if as_csv:
        for chunk in csv_chunks(registry, columns=columns, limit=limit,
                                children=children, **options):
            click.echo(chunk, nl=False)
        return
    found = list_runs(registry, limit=limit or 50, include_children=children, **options)
    if as_json:
        emit_json([r.to_dict() for r in found])
    elif found:
        click.echo(runs_table_text(found))
    else:
        click.echo("no runs match" if filter_text else "no runs yet")


@runs.command("show")
@click.argument("run")
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON.")
def runs_show(run: str, as_json: bool) -> None:
    """Show one run (id, id prefix or name)."""
    detail = run_detail(open_cli_registry(), run)
    record = Run.from_summary(detail["run"])
    if as_json:
        data = record.to_dict()
        data["param_sources"] = detail["param_sources"]
        data["metric_series"] = detail["metrics"]
        data["code"] = detail["code"]
        data["error"] = detail["error"]
        data["objects"] = detail["objects"]
        data["reports"] = detail["reports"]
        data["parent"] = detail["parent"]
        data["candidates"] = detail["candidates"]
        # Housekeeping (docs/housekeeping.md): the whole note and the change history.
        for key in ("note", "starred", "archived_at", "deleted_at", "cell_id", "events"):
            data[key] = detail[key]
        emit_json(data)
        return
    click.echo(run_text(record))
    if detail["parent"]:
        parent = detail["parent"]
        click.echo(f"  parent: {parent['name'] or '(not in this registry)'} ({parent['id']})")
    if detail["candidates"]:
        click.echo(candidates_text(detail["candidates"]))
    if detail["code"]["cell"]:
        click.echo("  code:")
        for line in detail["code"]["cell"].splitlines():
            click.echo(f"    {line}")
    if detail["objects"]:
        click.echo("  objects:")
        for obj in detail["objects"]:
            click.echo(f"    {obj['name']} ({obj['kind']}, {obj['module']})")
    if detail["reports"]:
        click.echo("  reports:")
        click.echo(reports_text(detail["reports"]))
    if detail["error"]:
        click.echo("  error:")
        click.echo("    " + detail["error"].strip().splitlines()[-1])


housekeeping.register(runs)

__all__ = ["runs"]
