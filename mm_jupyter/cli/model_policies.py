"""``mm-jupyter models check|approve|policy``: promotion policies from a shell or CI.

``check`` is what a pipeline gates on: it changes nothing and exits 0 when every rule
passes, 1 when one fails (with the reasons), 2 on a usage error (an unknown model,
version or stage). Everything reads the registry and user from the environment
(``MM_JUPYTER_HOME`` or ``MM_JUPYTER_DATABASE_URL``/``MM_JUPYTER_BLOB_URL``,
``MM_JUPYTER_USER``), so nothing asks a question (docs/ci.md).
"""

from __future__ import annotations

from typing import Any

import click

from mm_jupyter.cli.support import emit, emit_json, open_cli_registry
from mm_jupyter.errors import NotFoundError
from mm_jupyter.identity import current_user
from mm_jupyter.services.models import policies
from mm_jupyter.services.models.policies import MODEL_STAGES


def check_text(report: dict[str, Any]) -> str:
    """A check report as lines: the verdict, then each rule with its status."""
    head = (f"{report['ref']} -> {report['stage']}: "
            + ("every rule passes" if report["passed"]
               else f"{len(report['failed'])} of {len(report['rules'])} rules fail"))
    if not report["rules"]:
        head += f" (no policy for {report['stage']})"
    marks = {"pass": "ok  ", "fail": "FAIL", "n/a": "n/a "}
    lines = [head] + [f"  {marks.get(v['status'], v['status'])} {v['rule']}: {v['message']}"
                      for v in report["rules"]]
    if not report["passed"] and report["can_override"]:
        lines.append("  (you may force it: promote --force --reason TEXT)")
    return "\n".join(lines)


@click.command("check")
@click.argument("ref")
@click.option("--stage", "-s", required=True, type=click.Choice(MODEL_STAGES),
              help="The stage whose policy to check against.")
@click.option("--json", "as_json", is_flag=True, help="Print the check report as JSON.")
def check(ref: str, stage: str, as_json: bool) -> None:
    """Check REF (name:N, name@alias) against --stage's policy; change nothing.

    Exit 0 when every rule passes, 1 when one fails, 2 on a usage error.
    """
    try:
        report = policies.check(open_cli_registry(), ref, stage, user=current_user())
    except (NotFoundError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    emit(report, as_json, check_text)
    if not report["passed"]:
        raise click.exceptions.Exit(1)


@click.command("approve")
@click.argument("ref")
@click.option("--comment", "-m", help="What you reviewed (kept with the approval).")
@click.option("--json", "as_json", is_flag=True, help="Print the version's approvals as JSON.")
def approve(ref: str, comment: str | None, as_json: bool) -> None:
    """Approve model version REF as the current user (MM_JUPYTER_USER, else the login).

    The registrant's own approval is recorded but does not count.
    """
    try:
        found = policies.approve(open_cli_registry(), ref, user=current_user(), comment=comment)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        emit_json(found)
        return
    mine = next(a for a in found["approvals"] if a["user"] == current_user())
    click.echo(f"approved {ref} as {mine['user']}; {found['count']} approval(s) count")
    if not mine["counts"]:
        click.echo(f"note: this approval does not count: {mine['why_not']}", err=True)


def policies_text(found: dict[str, Any]) -> str:
    """Policies as lines: each stage's source, rules and overriders."""
    if not found["policies"]:
        return f"no policies for {found['model'] or 'the registry (default)'}"
    lines = []
    for policy in found["policies"]:
        lines.append(f"{policy['stage']} ({policy['source']} policy, by"
                     f" {policy['updated_by'] or '?'} at {(policy['updated_at'] or '')[:19]}):")
        lines += [f"  require {rule}" for rule in policy["require"]]
        if policy["overriders"]:
            lines.append(f"  may force: {', '.join(policy['overriders'])}")
    return "\n".join(lines)


@click.group("policy")
def policy() -> None:
    """Show or set the rules a version must pass to enter a stage."""


@policy.command("show")
@click.argument("name", default=policies.DEFAULT)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def policy_show(name: str, as_json: bool) -> None:
    """Show NAME's policies in force (its own, else the default; '*' the default)."""
    found = policies.policies(open_cli_registry(), policies.scope(name))
    emit(found, as_json, policies_text)


@policy.command("set")
@click.argument("name")
@click.option("--stage", "-s", required=True, type=click.Choice(MODEL_STAGES))
@click.option("--require", "-r", "require", multiple=True, metavar="RULE",
              help="A rule, e.g. 'test.accuracy >= 0.9' (repeat for more; none: remove).")
@click.option("--overrider", "overriders", multiple=True, metavar="USER",
              help="A user (PostgreSQL: a role) who may force a refused move.")
@click.option("--json", "as_json", is_flag=True, help="Print the policies as JSON.")
def policy_set(name: str, stage: str, require: tuple[str, ...], overriders: tuple[str, ...],
               as_json: bool) -> None:
    """Replace NAME's policy for --stage ('*' for the registry-wide default)."""
    try:
        found = policies.set_policy(open_cli_registry(), policies.scope(name),
                                    stage, list(require), list(overriders), user=current_user())
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    emit(found, as_json, policies_text)


__all__ = ["approve", "check", "check_text", "policy"]
