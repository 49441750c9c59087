"""``mm-jupyter models list|show|promote|alias|history``."""

from __future__ import annotations

import click

from mm_jupyter.cli.support import emit_json, open_cli_registry
from mm_jupyter.identity import current_user
from mm_jupyter.services.models import transitions

STAGES = ["none", "staging", "production", "archived"]





@click.group()
def models() -> None:
    """List registered models, promote versions, move aliases."""


@models.command("list")
@click.option("--limit", "-n", default=50, show_default=True, type=click.IntRange(1, 500))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def models_list(limit: int, as_json: bool) -> None:
    """List registered models with stages and aliases."""
    from mm_jupyter.magics.models import ModelVerbs
    from mm_jupyter.store.model_queries import list_models

    page = list_models(open_cli_registry(), limit=limit)
    if as_json:
        emit_json(page["models"])
    else:
        click.echo(repr(ModelVerbs()._verb_models([])))


@models.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def models_show(name: str, as_json: bool) -> None:
    """Show a model's versions (stage, aliases, metrics, producing run)."""
    from mm_jupyter.magics.models import ModelVerbs
    from mm_jupyter.store.model_queries import model_detail

    detail = model_detail(open_cli_registry(), name)
    if as_json:
        emit_json(detail)
    else:
        click.echo(repr(ModelVerbs()._verb_model([name])))


@models.command("promote")
@click.argument("name")
@click.argument("version", type=click.IntRange(1))
@click.option("--stage", "-s", required=True, type=click.Choice(STAGES))
@click.option("--comment", "-m", help="Why (kept in the history).")
@click.option("--archive-others", is_flag=True, help="Archive other versions in that stage.")
@click.option("--json", "as_json", is_flag=True, help="Print the version as JSON.")
def models_promote(name: str, version: int, stage: str, comment: str | None,
                   archive_others: bool, as_json: bool) -> None:
    """Move NAME version VERSION to --stage."""
    from mm_jupyter.store.model_queries import version_detail

    registry = open_cli_registry()
    transitions.set_stage(registry, f"{name}:{version}", stage, user=current_user(),
                          comment=comment, archive_others=archive_others)
    detail = version_detail(registry, f"{name}:{version}")
    if as_json:
        emit_json(detail)
    else:
        click.echo(f"{detail['ref']} is now in {detail['stage']}")


@models.command("alias")
@click.argument("name")
@click.argument("version", type=click.IntRange(1))
@click.argument("alias")
@click.option("--move", is_flag=True, help="Move the alias if another version holds it.")
@click.option("--comment", "-m", help="Why (kept in the history).")
@click.option("--json", "as_json", is_flag=True, help="Print the version as JSON.")
def models_alias(name: str, version: int, alias: str, move: bool, comment: str | None,
                 as_json: bool) -> None:
    """Give NAME version VERSION the alias ALIAS."""
    from mm_jupyter.store.model_queries import version_detail

    registry = open_cli_registry()
    transitions.set_alias(registry, f"{name}:{version}", alias, user=current_user(),
                          comment=comment, move=move)
    detail = version_detail(registry, f"{name}:{version}")
    if as_json:
        emit_json(detail)
    else:
        click.echo(f"{name}@{alias} -> {detail['ref']}")


@models.command("history")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def models_history(name: str, as_json: bool) -> None:
    """List every stage change and alias move of NAME, oldest first."""
    from mm_jupyter.store.model_queries import model_detail

    history = model_detail(open_cli_registry(), name)["history"]
    if as_json:
        emit_json(history)
        return
    for h in history:
        what = f"alias {h['alias']}" if h["kind"] == "alias" else "stage"
        note = f"  # {h['comment']}" if h["comment"] else ""
        click.echo(f"{h['at'][:19]}  v{h['version']}  {what}: {h['from'] or '-'} -> "
                   f"{h['to'] or '-'}  by {h['user'] or '?'}{note}")
