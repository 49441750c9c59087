"""``mm-jupyter doctor``: check the registry file, list pending journals, recover."""

from __future__ import annotations

import sys

import click

from mm_jupyter.cli.support import emit_json
from mm_jupyter.services.registry import check_registry


@click.command("doctor")
@click.option("--recover", is_flag=True,
              help="Rebuild a damaged registry from what it still holds "
                   "(the damaged file is kept beside it).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def doctor(recover: bool, as_json: bool) -> None:
    """Check the registry file (integrity_check) and list pending journals."""
    report = check_registry(recover=recover)
    if as_json:
        emit_json(report)
    else:
        click.echo(f"registry: {report['registry']}")
        if "recovery" in report:
            rec = report["recovery"]
            click.echo(f"recovered ({rec['method']}); damaged file kept as {rec['kept']}")
            problems = report["problems_after"]
        else:
            problems = report["problems"]
        click.echo("integrity: ok" if report["ok"] else "integrity: CORRUPT")
        for problem in problems[:20]:
            click.echo(f"  {problem}")
        if not report["ok"] and "recovery" not in report:
            click.echo("run `mm-jupyter doctor --recover` to rebuild it")
        for path in report["pending_journals"]:
            click.echo(f"pending journal (imported on the next open): {path}")
    if not report["ok"]:
        sys.exit(1)
