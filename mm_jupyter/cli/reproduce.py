"""``mm-jupyter rerun RUN`` and ``mm-jupyter checkout RUN --out DIR``
(docs/reproducibility.md).

``rerun`` exits 0 when the run reproduced, 1 when it did not (other metrics, a failing
program, a timeout: the report says which), 2 on bad input (an unknown run, a bad
option), so a CI job can gate on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from mm_jupyter.cli.support import emit_json, open_cli_registry
from mm_jupyter.core.rerun_compare import DEFAULT_RTOL
from mm_jupyter.core.units import format_duration
from mm_jupyter.display.diff import fmt_delta
from mm_jupyter.display.runs import fmt_value
from mm_jupyter.display.table import Table
from mm_jupyter.errors import NotFoundError
from mm_jupyter.services.runs import checkout as checkouts
from mm_jupyter.services.runs import rerun as reruns


def report_text(report: dict[str, Any]) -> str:
    """The re-run report for a terminal: a verdict line, then the metric deltas,
    differing outputs and packages."""
    verdict = "reproduced" if report["reproduced"] else "NOT reproduced"
    lines = [
        f"run {report['run']} re-run as {report['rerun'] or '-'}: {report['status']},"
        f" {verdict} (rtol {report['rtol']:g}, {format_duration(report['duration_s'])},"
        f" {len(report['program'])} cells)"
    ]
    rows = [[m["key"], "-" if m["original"] is None else fmt_value(m["original"]),
             "-" if m["rerun"] is None else fmt_value(m["rerun"]),
             fmt_delta(m["delta"]) if m["delta"] is not None else "-",
             "ok" if m["within_tolerance"] else ("timing" if m.get("timing") else "DIFFERS")]
            for m in report["metrics"]]
    lines += ["", repr(Table(["metric", "original", "rerun", "delta", ""], rows,
                             "no metrics to compare"))]
    if report["outputs"]:
        lines += ["", f"{len(report['outputs'])} text output(s) differ:"]
        for out in report["outputs"][:10]:
            lines.append(f"  [{out.get('seq', '?')}] {out['kind']}: "
                         f"{(out['original'] or '')[:60]!r} -> {(out['rerun'] or '')[:60]!r}")
    if report["packages"]:
        rows = [[p["name"], p["original"] or "-", p["current"] or "not installed"]
                for p in report["packages"]]
        lines += ["", repr(Table(["package", "original", "now"], rows, ""))]
    if report["error"]:
        lines += ["", report["error"].rstrip()[-2000:]]
    return "\n".join(lines)


@click.command("rerun")
@click.argument("run")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True),
              default=reruns.DEFAULT_TIMEOUT, show_default=True,
              help="Seconds the whole program may take.")
@click.option("--rtol", type=click.FloatRange(min=0), default=DEFAULT_RTOL,
              show_default=True, help="Relative tolerance of the metric comparison.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def rerun(run: str, timeout: float, rtol: float, as_json: bool) -> None:
    """Re-run RUN from what it stored, in a fresh kernel, and compare the results.

    Exit code 0 when every metric reproduced within --rtol, 1 when not, 2 on bad input.
    """
    try:
        report = reruns.rerun(open_cli_registry(), run, timeout=timeout, rtol=rtol)
    except (NotFoundError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    if as_json:
        emit_json(report)
    else:
        click.echo(report_text(report))
    raise SystemExit(0 if report["reproduced"] else 1)


def checkout_text(result: dict[str, Any]) -> str:
    """What ``checkout`` wrote, one line each."""
    lines = [f"wrote {result['notebook']}", f"wrote {result['requirements']}"]
    for item in result["inputs"]:
        where = item["path"] or ("fingerprint only" if not item["stored"] else "unsafe name")
        lines.append(f"input {item['ref']}: {where}")
    venv = result.get("venv")
    if venv:
        lines.append(f"venv {venv['path']}: {len(venv['installed'])} pins installed")
        lines += [f"  not installed: {f['requirement']} ({f['error']})" for f in venv["failed"]]
    return "\n".join(lines)


@click.command("checkout")
@click.argument("run")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder to write the notebook, requirements.txt and inputs into.")
@click.option("--venv", is_flag=True,
              help="Also create DIR/.venv and pip-install the pins (failures are listed).")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def checkout(run: str, out: Path, venv: bool, as_json: bool) -> None:
    """Reopen RUN as a notebook: DIR/<run-name>.ipynb, requirements.txt, its inputs."""
    try:
        result = checkouts.checkout(open_cli_registry(), run, out, venv=venv)
    except (NotFoundError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    if as_json:
        emit_json(result)
    else:
        click.echo(checkout_text(result))
