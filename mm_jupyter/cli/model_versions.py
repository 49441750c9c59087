"""``mm-jupyter models list|show|register|promote|alias|history``: a model's versions,
stages and aliases (the ``models`` group is cli/models.py)."""

from __future__ import annotations

import click

from mm_jupyter.cli.model_policies import check_text
from mm_jupyter.cli.support import emit, emit_json, open_cli_registry
from mm_jupyter.display.models import history_line, model_versions_table, models_table
from mm_jupyter.errors import PolicyRefusedError
from mm_jupyter.identity import current_user
from mm_jupyter.services.models import catalog, policies, transitions
from mm_jupyter.services.models.registration import register_stored_run_model


@click.command("list")
@click.option("--limit", "-n", default=50, show_default=True, type=click.IntRange(1, 500))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def models_list(limit: int, as_json: bool) -> None:
    """List registered models with stages and aliases."""
    found = catalog.list_models(open_cli_registry(), limit=limit)["models"]
    emit(found, as_json, models_table)  # the same table as %mm models


@click.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def models_show(name: str, as_json: bool) -> None:
    """Show a model's versions (stage, aliases, metrics, producing run)."""
    emit(catalog.model_detail(open_cli_registry(), name), as_json, model_versions_table)


@click.command("register")
@click.option("--run", "-r", "run", required=True,
              help="The run whose autologged model to register (id, id prefix or name).")
@click.option("--name", required=True, help="The model to add a version to.")
@click.option("--alias", "-a", help="An alias for the new version (e.g. champion).")
@click.option("--stage", "-s", type=click.Choice(transitions.MODEL_STAGES),
              help="The new version's stage.")
@click.option("--description", "-d", help="What this model is (kept with the model).")
@click.option("--json", "as_json", is_flag=True, help="Print the version as JSON.")
def models_register(run: str, name: str, alias: str | None, stage: str | None,
                    description: str | None, as_json: bool) -> None:
    """Register the model autologging stored for --run as a new version of --name.

    No kernel needed and nothing is unpickled: the version reuses the stored bytes.
    """
    registry = open_cli_registry()
    try:
        version = register_stored_run_model(registry, run, name, alias=alias, stage=stage,
                                            description=description, user=current_user())
    except ValueError as exc:  # a bad name or alias, a name an artifact holds
        raise click.ClickException(str(exc)) from None
    ref = f"{version.name}:{version.version}"
    emit(catalog.version_detail(registry, ref), as_json,
         lambda v: f"registered {v['ref']} from run {run}"
         + (f" (@{', @'.join(v['aliases'])})" if v.get("aliases") else ""))


@click.command("promote")
@click.argument("name")
@click.argument("version", type=click.IntRange(1))
@click.option("--stage", "-s", required=True, type=click.Choice(transitions.MODEL_STAGES))
@click.option("--comment", "-m", help="Why (kept in the history).")
@click.option("--archive-others", is_flag=True, help="Archive other versions in that stage.")
@click.option("--if-checks-pass", is_flag=True,
              help="Print the policy check first; promote only if it passes (else exit 1).")
@click.option("--force", is_flag=True,
              help="Move past failing policy rules (only for the policy's overriders).")
@click.option("--reason", help="Why the move is forced (required with --force; kept).")
@click.option("--json", "as_json", is_flag=True, help="Print the version as JSON.")
def models_promote(name: str, version: int, stage: str, comment: str | None,
                   archive_others: bool, if_checks_pass: bool, force: bool,
                   reason: str | None, as_json: bool) -> None:
    """Move NAME version VERSION to --stage, if its promotion policy allows it.

    A move the policy forbids is refused with the failed rules (exit 1).
    """
    registry, ref = open_cli_registry(), f"{name}:{version}"
    if force and if_checks_pass:
        raise click.UsageError("--force and --if-checks-pass contradict each other")
    if force and not (reason or "").strip():
        raise click.UsageError("--force needs --reason (kept in the model's history)")
    if if_checks_pass:
        report = policies.check(registry, ref, stage, user=current_user())
        click.echo(check_text(report), err=as_json)
        if not report["passed"]:
            raise click.exceptions.Exit(1)
    try:
        transitions.set_stage(registry, ref, stage, user=current_user(), comment=comment,
                              archive_others=archive_others, force=force, reason=reason)
    except PolicyRefusedError as exc:
        raise click.ClickException(str(exc)) from None
    emit(catalog.version_detail(registry, ref), as_json,
         lambda v: f"{v['ref']} is now in {v['stage']}")


@click.command("alias")
@click.argument("name")
@click.argument("version", type=click.IntRange(1))
@click.argument("alias")
@click.option("--move", is_flag=True, help="Move the alias if another version holds it.")
@click.option("--comment", "-m", help="Why (kept in the history).")
@click.option("--json", "as_json", is_flag=True, help="Print the version as JSON.")
def models_alias(name: str, version: int, alias: str, move: bool, comment: str | None,
                 as_json: bool) -> None:
    """Give NAME version VERSION the alias ALIAS."""
    registry, ref = open_cli_registry(), f"{name}:{version}"
    transitions.set_alias(registry, ref, alias, user=current_user(), comment=comment, move=move)
    emit(catalog.version_detail(registry, ref), as_json, lambda v: f"{name}@{alias} -> {v['ref']}")


@click.command("history")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def models_history(name: str, as_json: bool) -> None:
    """List every stage change and alias move of NAME, oldest first."""
    history = catalog.model_detail(open_cli_registry(), name)["history"]
    if as_json:
        emit_json(history)
        return
    for entry in history:
        click.echo(history_line(entry))


__all__ = ["models_alias", "models_history", "models_list", "models_promote",
           "models_register", "models_show"]
