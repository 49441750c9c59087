"""``mm-jupyter monitor status|alerts|series|ack|unack`` and ``mm-jupyter serve``.

``--json`` prints the REST payloads (monitoring/queries.py); without it, short
fixed-width tables. Errors are ``MMError``s that ``mm_jupyter.cli.main.run`` turns into one
line and exit code 1, like every other command.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from mm_jupyter.cli.support import emit_json, open_cli_registry
from mm_jupyter.core.paging import MAX_LIMIT
from mm_jupyter.display.runs import fmt_ts
from mm_jupyter.errors import MMError, TrustRequiredError
from mm_jupyter.identity import current_user
from mm_jupyter.monitoring import queries


def _num(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "-" if value is None else str(value)


def table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    """A fixed-width table; the last column is not padded."""
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join([*(c.ljust(w) for c, w in zip(row[:-1], widths, strict=False)), row[-1]]).rstrip()
        for row in cells
    )


def _acked(alert: dict[str, Any]) -> str:
    if alert.get("acknowledged_at") is None:
        return "-"
    return f"{alert.get('acknowledged_by') or 'someone'} {fmt_ts(alert['acknowledged_at'])}"


def _alert_rows(alerts: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(a["id"], a["state"], a["severity"], a["series"], _num(a.get("value")),
             a.get("occurrences", 1), fmt_ts(a.get("fired_ts")), _acked(a), a["message"])
            for a in alerts]


ALERT_HEADER = ("ID", "STATE", "SEVERITY", "SERIES", "VALUE", "TIMES", "FIRED (UTC)",
                "ACKNOWLEDGED (UTC)", "MESSAGE")


@click.group()
def monitor() -> None:
    """Show monitored models: status, alerts and series (see docs/monitoring.md)."""


@monitor.command("status")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print the REST payload as JSON.")
def monitor_status(ref: str, as_json: bool) -> None:
    """Show a model version's monitoring: volume, latest values, alerts, rules."""
    detail = queries.monitor_detail(open_cli_registry(), ref)
    if as_json:
        emit_json(detail)
        return
    m = detail["monitor"]
    aliases = ", ".join(m.get("aliases") or []) or "-"
    click.echo(f"{m['ref']}  stage {m.get('stage') or 'none'}  aliases {aliases}")
    click.echo(f"  batches {m['batches']}  rows {m['rows']}  labelled {m['labelled']}  "
               f"last batch {fmt_ts(m.get('last_ts'))} UTC  firing alerts {m['firing']}  "
               f"reference profile {'yes' if m.get('has_reference_profile') else 'no'}")
    latest = detail.get("latest") or {}
    if latest:
        click.echo("")
        click.echo(table([(key, _num(v["value"]), fmt_ts(v["ts"]))
                          for key, v in sorted(latest.items())],
                         ("SERIES", "LATEST", "AT (UTC)")))
    if detail.get("alerts"):
        click.echo("")
        click.echo(table(_alert_rows(detail["alerts"]), ALERT_HEADER))
    rules = [r for r in detail.get("rules") or [] if r.get("kind") == "series"]
    if rules:
        click.echo("")
        click.echo(table([(r["id"], r["pattern"], f"{r['op']} {_num(r['threshold'])}",
                           r["severity"], (r.get("action") or {}).get("display") or "-")
                          for r in rules], ("RULE", "SERIES", "WHEN", "SEVERITY", "ACTION")))
    if not latest and not detail.get("alerts"):
        click.echo("no monitoring data yet")


@monitor.command("alerts")
@click.argument("ref")
@click.option("--state", type=click.Choice(queries.ALERT_STATES), help="Only these alerts.")
@click.option("--limit", "-n", default=50, show_default=True, type=click.IntRange(1, MAX_LIMIT),
              help="How many alerts, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print the REST payload as JSON.")
def monitor_alerts(ref: str, state: str | None, limit: int, as_json: bool) -> None:
    """List a model version's alerts, newest first."""
    page = queries.alerts(open_cli_registry(), ref, state=state, limit=limit)
    if as_json:
        emit_json(page)
    elif page["alerts"]:
        click.echo(table(_alert_rows(page["alerts"]), ALERT_HEADER))
        if page["total"] > len(page["alerts"]):
            click.echo(f"({len(page['alerts'])} of {page['total']}; raise --limit for more)")
    else:
        click.echo(f"no {state + ' ' if state else ''}alerts")


def _acknowledge(alert_id: int, comment: str | None, as_json: bool, acknowledged: bool) -> None:
    alert = queries.acknowledge_alert(open_cli_registry(), alert_id, user=current_user(),
                                      comment=comment, acknowledged=acknowledged)
    if as_json:
        emit_json(alert)
    elif alert["acknowledged_at"] is not None:
        click.echo(f"alert {alert_id} ({alert['model']}:{alert['version']} {alert['series']},"
                   f" {alert['state']}) acknowledged by {_acked(alert)} UTC")
    else:
        click.echo(f"alert {alert_id} ({alert['model']}:{alert['version']} {alert['series']},"
                   f" {alert['state']}) is not acknowledged")


@monitor.command("ack")
@click.argument("alert_id", type=click.IntRange(1))
@click.option("--comment", "-m", help="Why, or what you are doing about it (kept with the alert).")
@click.option("--json", "as_json", is_flag=True, help="Print the alert as JSON.")
def monitor_ack(alert_id: int, comment: str | None, as_json: bool) -> None:
    """Acknowledge an alert (the ID column of `monitor alerts`): you own it.

    Acknowledged alerts no longer count on the sidebar's badge; the first
    acknowledgement's who and when are kept.
    """
    _acknowledge(alert_id, comment, as_json, acknowledged=True)


@monitor.command("unack")
@click.argument("alert_id", type=click.IntRange(1))
@click.option("--comment", "-m", help="Why (kept with the alert).")
@click.option("--json", "as_json", is_flag=True, help="Print the alert as JSON.")
def monitor_unack(alert_id: int, comment: str | None, as_json: bool) -> None:
    """Undo `monitor ack`: the alert counts on the badge again while it fires."""
    _acknowledge(alert_id, comment, as_json, acknowledged=False)


@monitor.command("series")
@click.argument("ref")
@click.option("--key", "-k", "keys", multiple=True, help="An exact series key (repeatable).")
@click.option("--pattern", "-p", help="A glob over series keys, e.g. 'drift.psi.*'.")
@click.option("--limit", "-n", default=queries.DEFAULT_POINTS, show_default=True,
              type=click.IntRange(1, queries.MAX_POINTS),
              help="Most recent points per series.")
@click.option("--json", "as_json", is_flag=True, help="Print the REST payload as JSON.")
def monitor_series(ref: str, keys: tuple[str, ...], pattern: str | None, limit: int,
                   as_json: bool) -> None:
    """Show the points of a model version's series (latest, min, max per key)."""
    if keys and pattern:
        raise click.UsageError("give --key or --pattern, not both")
    payload = queries.series(open_cli_registry(), ref, keys=list(keys) or None, pattern=pattern,
                             limit=limit)
    if as_json:
        emit_json(payload)
        return
    rows = []
    for item in payload["series"]:
        values = [p["value"] for p in item["points"] if isinstance(p["value"], float | int)]
        last = item["points"][-1] if item["points"] else None
        rows.append((item["key"], len(item["points"]), _num(last["value"] if last else None),
                     _num(min(values) if values else None), _num(max(values) if values else None),
                     fmt_ts(last["ts"] if last else None)))
    if rows:
        click.echo(table(rows, ("SERIES", "POINTS", "LATEST", "MIN", "MAX", "LAST (UTC)")))
    else:
        click.echo(f"no series for {payload['ref']}")


@click.command("serve")
@click.argument("ref", required=False)
@click.option("--package", "package_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Serve a model package (`mm-jupyter models package`) instead of REF: no"
                   " registry needed, predictions are not logged (POST /predict, GET"
                   " /health only).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. There is no authentication: keep loopback and put a"
                   " reverse proxy (TLS, auth) in front to expose it.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0: any free port, printed at start).")
@click.option("--trust", is_flag=True,
              help="Allow loading a pickle-based model (sklearn/joblib): a model file is a"
                   " program, so only for models whose registration you trust.")
@click.option("--flush-seconds", default=1.0, show_default=True,
              type=click.FloatRange(0.01, 3600),
              help="Check the buffered predictions this often; log them if there are"
                   " --min-batch-rows or the oldest has waited --max-wait-seconds.")
@click.option("--flush-rows", default=1000, show_default=True, type=click.IntRange(1),
              help="Log at once when this many rows are buffered.")
@click.option("--min-batch-rows", default=30, show_default=True, type=click.IntRange(1),
              help="At a check, log only a buffer of at least this many rows: fewer give"
                   " 'insufficient data' instead of drift (the monitor's min_rows)."
                   " 1: log at every check.")
@click.option("--max-wait-seconds", default=60.0, show_default=True,
              type=click.FloatRange(0.01, 86400),
              help="...but log a smaller batch once its oldest row has waited this long"
                   " (volume and latency still reach the registry on a quiet endpoint).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1),
              help="Worker processes sharing the port (pre-forked), each with its own"
                   " predictor and monitor writer: throughput grows with cores. SIGTERM"
                   " drains them all; /health and the mm_serve_* metrics are per worker.")
def serve(ref: str | None, package_dir: Path | None, host: str, port: int, trust: bool,
          flush_seconds: float, flush_rows: int, min_batch_rows: int, max_wait_seconds: float,
          workers: int) -> None:
    """Serve model REF over HTTP (POST /predict, POST /labels, GET /metrics, GET /health).

    Or serve a package with --package DIR (its files' digests are checked first).

    Predictions are logged to the registry's monitoring in micro-batches (drift,
    latency, alerts) of at least --min-batch-rows rows, or whatever arrived within
    --max-wait-seconds. Binds 127.0.0.1 by default with no authentication: expose it
    only through a reverse proxy. SIGINT/SIGTERM flush buffered rows before exiting
    (with --workers N, every worker's).
    """
    if package_dir is not None:
        if ref is not None:
            raise click.UsageError("give a model REF or --package DIR, not both")
        _serve_package(package_dir, host, port, trust, workers)
        return
    if ref is None:
        raise click.UsageError("give the model REF to serve (or --package DIR)")
    # Imported here, not at the top: the serving app loads tornado, prometheus_client and
    # numpy, which no other command needs, and this module is imported at every start.
    from mm_jupyter.serving.app import run

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    run(open_cli_registry(), ref, host=host, port=port, trust=trust,
        flush_seconds=flush_seconds, flush_rows=flush_rows, min_batch_rows=min_batch_rows,
        max_wait_seconds=max_wait_seconds, announce=lambda line: click.echo(line),
        workers=workers, reopen=open_cli_registry)


# These log predictions to the registry's monitoring, which a package is served without.
MONITORING_OPTIONS = ("flush_seconds", "flush_rows", "min_batch_rows", "max_wait_seconds")


def _serve_package(folder: Path, host: str, port: int, trust: bool, workers: int) -> None:
    """``serve --package``: the package's own server (serving/standalone.py, its serve.py)."""
    context = click.get_current_context()
    given = [f"--{name.replace('_', '-')}" for name in MONITORING_OPTIONS
             if context.get_parameter_source(name) is ParameterSource.COMMANDLINE]
    if given:
        raise click.UsageError(f"{', '.join(given)}: a package is served without a registry,"
                               " so predictions are not logged")
    if workers != 1:
        raise click.UsageError("--workers serves a registered model; a package is served by"
                               " one process (run several behind a balancer)")
    # Imported here: every CLI start imports this module, and only serve needs these.
    from mm_jupyter.services.models.flavors import PICKLE_FLAVORS
    from mm_jupyter.services.models.packaging import verify_package
    from mm_jupyter.serving import standalone

    manifest = verify_package(folder)
    flavor = manifest["model"]["flavor"]
    if flavor in PICKLE_FLAVORS and not trust:
        raise TrustRequiredError(
            f"the package {folder} holds a pickle ({flavor}); loading it runs code from the"
            " model file. Pass --trust if you trust whoever made the package.")
    try:
        served = standalone.load_package(folder)
        standalone.run(served, host, port, click.echo)
    except standalone.PackageError as exc:
        raise MMError(str(exc)) from None
    except OSError as exc:
        raise MMError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


__all__ = ["monitor", "serve"]
