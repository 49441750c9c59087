"""``mm-jupyter artifacts list|show|get``, ``verify`` and ``gc``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mm_jupyter.cli.support import emit, emit_json, open_cli_registry
from mm_jupyter.display.artifacts import artifact_versions_table, artifacts_table
from mm_jupyter.display.datasets import diff_text
from mm_jupyter.services.artifacts import catalog, dataset_diff, maintenance
from mm_jupyter.services.artifacts.materialize import export_version


@click.group()
def artifacts() -> None:
    """List, show and fetch versioned artifacts."""


@artifacts.command("list")
@click.option("--kind", type=click.Choice(catalog.ARTIFACT_KINDS))
@click.option("--limit", "-n", default=50, show_default=True, type=click.IntRange(1, 500))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def artifacts_list(kind: str | None, limit: int, as_json: bool) -> None:
    """List artifacts with their latest version."""
    found = catalog.list_artifacts(open_cli_registry(), kind=kind, limit=limit)["artifacts"]
    emit(found, as_json, artifacts_table)  # the same table as %mm artifacts


@artifacts.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def artifacts_show(name: str, as_json: bool) -> None:
    """Show an artifact's versions with producers, consumers and aliases."""
    emit(catalog.artifact_detail(open_cli_registry(), name), as_json, artifact_versions_table)


@artifacts.command("get")
@click.argument("ref")
@click.option("--out", "-o", required=True, type=click.Path(path_type=Path),
              help="Where to write the content (a file, or a folder for directories).")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def artifacts_get(ref: str, out: Path, as_json: bool) -> None:
    """Write the content of NAME[:vN] or NAME@ALIAS to --out, verified byte for byte."""
    emit(export_version(open_cli_registry(), ref, out), as_json,
         lambda info: f"{info['ref']} -> {info['path']} ({info['size']} bytes, sha256 verified)")


@artifacts.command("diff")
@click.argument("a")
@click.argument("b")
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON.")
def artifacts_diff(a: str, b: str, as_json: bool) -> None:
    """Compare two dataset versions (NAME:vN, NAME@ALIAS): schema and profile changes."""
    diff = dataset_diff.diff_versions(open_cli_registry(), a, b)
    emit(diff, as_json, lambda d: diff_text(d, color=sys.stdout.isatty()))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify(as_json: bool) -> None:
    """Re-hash every blob; exit 1 if any is missing or corrupted."""
    report = maintenance.verify_blobs(open_cli_registry())
    if as_json:
        emit_json(report)
    else:
        click.echo(f"checked {report['checked']} blobs, {report['unreferenced']} unreferenced")
        if report.get("fingerprint_only"):
            click.echo(f"{report['fingerprint_only']} fingerprint-only dataset versions"
                       " (no bytes by design: not missing)")
        for digest in report["missing"]:
            click.echo(f"MISSING  {digest}")
        for item in report["corrupt"]:
            click.echo(f"CORRUPT  {item['digest']} (content hashes to {item['actual']})")
        for temp in report.get("temp_files", []):
            click.echo(f"TEMP     {temp['path']} ({temp['size']} bytes, "
                       f"{temp['age_s']:.0f} s old; `mm-jupyter gc` removes it)")
    if report["missing"] or report["corrupt"]:
        sys.exit(1)


@click.command()
@click.option("--grace", default=3600.0, show_default=True, type=click.FloatRange(0),
              help="Keep unreferenced blobs younger than this many seconds, and"
                   " runs deleted less than this long ago.")
@click.option("--dry-run", is_flag=True, help="Report what would be removed.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def gc(grace: float, dry_run: bool, as_json: bool) -> None:
    """Purge runs deleted longer than --grace ago, then remove blobs nothing
    references (safe while kernels are writing)."""
    report = maintenance.collect_garbage(open_cli_registry(), grace_s=grace, dry_run=dry_run)
    if as_json:
        emit_json(report)
    else:
        verb = "would remove" if dry_run else "removed"
        purged = report.get("runs_purged", 0)
        if purged:  # soft-deleted runs past the grace period (docs/housekeeping.md)
            click.echo(f"{'would purge' if dry_run else 'purged'} {purged} deleted"
                       f" run{'s' if purged != 1 else ''}")
        click.echo(f"{verb} {report['removed']} blobs ({report['freed_bytes']} bytes),"
                   f" {report['temp_files']} temp files")


__all__ = ["artifacts", "gc", "verify"]
