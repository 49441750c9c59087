"""The ``mm-jupyter`` command line (click, already a sqlite-utils dependency)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from mm_jupyter import __version__
from mm_jupyter.cli.artifacts import register as register_artifact_commands
from mm_jupyter.cli.doctor import doctor
from mm_jupyter.cli.housekeeping import register as register_housekeeping_commands
from mm_jupyter.cli.model_package import package
from mm_jupyter.cli.model_policies import approve as approve_model
from mm_jupyter.cli.model_policies import check as check_model
from mm_jupyter.cli.model_policies import policy as model_policy
from mm_jupyter.cli.models import models
from mm_jupyter.cli.monitoring import monitor, serve
from mm_jupyter.cli.remote import remote
from mm_jupyter.cli.reproduce import checkout, rerun
from mm_jupyter.cli.support import emit_json, open_cli_registry
from mm_jupyter.cli.sync import pull, push
from mm_jupyter.display.diff import to_text
from mm_jupyter.display.evaluation import reports_text
from mm_jupyter.display.runs import candidates_text, run_text, runs_table_text
from mm_jupyter.errors import MMError
from mm_jupyter.records import Run
from mm_jupyter.services.configuration import describe_folder, project_folder, set_backend
from mm_jupyter.services.diff.comparison import compare_runs
from mm_jupyter.services.registry import (
    describe_registry,
    init_project_registry,
    registry_exists,
)
from mm_jupyter.services.runs.export import csv_chunks, parse_columns
from mm_jupyter.services.runs.queries import check_filter, check_sort, list_runs, run_detail


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mm-jupyter")
def main() -> None:
    """Notebook-native model management: inspect the run registry."""


@main.command()
@click.option("--database", metavar="URL",
              help="A team registry on PostgreSQL (no password: PGPASSWORD or ~/.pgpass).")
@click.option("--blobs", metavar="URL", help="The team's blobs on S3: s3://bucket/prefix.")
def init(database: str | None, blobs: str | None) -> None:
    """Create a project registry (.mm/) in the current folder.

    With --database/--blobs, .mm/config.toml records the team backend (no secrets).
    """
    written = set_backend(project_folder(Path.cwd()), database=database, blobs=blobs)
    path, existed = init_project_registry(Path.cwd())
    verb = "Registry already exists at" if existed else "Created registry at"
    click.echo(f"{verb} {path}")
    if written is not None:
        described = describe_folder(path)
        click.echo(f"backend {described['backend']} ({described['database'] or 'SQLite'}),"
                   f" blobs {described['blobs'] or 'local'}; recorded in {written}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info(as_json: bool) -> None:
    """Show which registry is used and why (creates nothing)."""
    exists, folder, source = registry_exists()
    if not exists:
        message = (f"no registry at {folder} yet (created by the first tracked cell"
                   " or `mm-jupyter init`)")
        if as_json:
            emit_json({"version": __version__, "registry": folder, "source": source,
                       "exists": False, "message": message})
        else:
            click.echo(message)
        return
    described = describe_registry(open_cli_registry())
    data = {
        "version": __version__,
        "registry": described["path"],
        "source": described["source"],
        "schema_version": described["schema_version"],
        **describe_folder(Path(described["path"])),
    }
    if as_json:
        emit_json(data)
    else:
        for key, value in data.items():
            click.echo(f"{key}: {value}")


@main.group()
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


@main.command("diff")
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


register_artifact_commands(main)
register_housekeeping_commands(main, runs)
models.add_command(package)
for command in (check_model, approve_model, model_policy):
    models.add_command(command)
for command in (doctor, models, monitor, pull, push, remote, serve, rerun, checkout):
    main.add_command(command)


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
