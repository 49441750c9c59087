"""``mm-jupyter doctor``: check the registry file, list pending journals, recover."""

from __future__ import annotations

import sys
from typing import Any

import click

from mm_jupyter.cli.support import emit_json


def _report(recover: bool) -> dict[str, Any]:
    from mm_jupyter.store import journal, recovery
    from mm_jupyter.store.db import DB_NAME
    from mm_jupyter.store.location import resolve_location

    # No open_registry: it refuses a corrupt file, and doctor must not migrate or
    # write a file it is only asked to check.
    root = resolve_location().path
    db_path = root / DB_NAME
    report: dict[str, Any] = {"registry": str(db_path), **recovery.check(db_path)}
    report["pending_journals"] = [str(p) for p in journal.pending_journals(root)]
    if recover and not report["ok"] and db_path.exists():
        report["recovery"] = recovery.recover(db_path)
        after = recovery.check(db_path)
        report["ok"], report["problems_after"] = after["ok"], after["problems"]
    return report


@click.command("doctor")
@click.option("--recover", is_flag=True,
              help="Rebuild a damaged registry from what it still holds "
                   "(the damaged file is kept beside it).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def doctor(recover: bool, as_json: bool) -> None:
    """Check the registry file (integrity_check) and list pending journals."""
    report = _report(recover)
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
