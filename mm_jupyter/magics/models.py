"""``%mm`` verbs for the model registry: ``register``, ``models``, ``model``."""

from __future__ import annotations

import argparse
import html
from typing import Any

from IPython.core.error import UsageError

from mm_jupyter.api.models import register_model
from mm_jupyter.display.models import metrics_text, model_versions_table, models_table
from mm_jupyter.display.table import Table
from mm_jupyter.errors import ConflictError, NotFoundError
from mm_jupyter.records import ModelVersion
from mm_jupyter.services.models import catalog
from mm_jupyter.services.models.transitions import MODEL_STAGES
from mm_jupyter.services.runs.session import get_session


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit the kernel
        raise UsageError(f"%mm register: {message}")


def _register_parser() -> _Parser:
    parser = _Parser(prog="%mm register", add_help=False)
    parser.add_argument("var")
    parser.add_argument("--name", "-n", required=True)
    parser.add_argument("--alias", "-a")
    parser.add_argument("--stage", "-s", choices=MODEL_STAGES)
    parser.add_argument("--tag", "-t", action="append", default=[])
    parser.add_argument("--description", "-d")
    parser.add_argument("--owner", "-o")
    parser.add_argument("--reference-data", "-r", dest="reference_data")
    return parser


class RegisteredVersion:
    """Displayable result of a registration."""

    def __init__(self, version: ModelVersion) -> None:
        self.version = version

    def __repr__(self) -> str:
        v = self.version
        labels = ", ".join([v.stage, *v.aliases])
        run = v.run["name"] if v.run else "no run"
        return f"registered {v.ref} [{labels}] from {run}; {metrics_text(v.metrics, 4) or 'no metrics'}"

    def _repr_html_(self) -> str:
        return f"<code>{html.escape(repr(self))}</code>"


class ModelVerbs:
    """Mixed into ``MMMagics``: each ``_verb_X`` is ``%mm X``."""

    shell: Any

    def _verb_register(self, rest: list[str]) -> RegisteredVersion:
        args = _register_parser().parse_args(rest)
        namespace = self.shell.user_ns
        if args.var not in namespace:
            raise UsageError(f"%mm register: no variable named {args.var!r} in the notebook")
        tags = {}
        for item in args.tag:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise UsageError(f"--tag expects KEY=VALUE, got {item!r}")
            tags[key] = value
        reference = None
        if args.reference_data is not None:
            if args.reference_data not in namespace:
                raise UsageError(f"--reference-data: no variable named {args.reference_data!r}")
            reference = namespace[args.reference_data]
        try:
            version = register_model(
                namespace[args.var], args.name, alias=args.alias, stage=args.stage,
                description=args.description, owner=args.owner, tags=tags,
                reference_data=reference,
            )
        except (ConflictError, ValueError, TypeError) as exc:
            raise UsageError(f"%mm register: {exc}") from None
        return RegisteredVersion(version)

    def _verb_models(self, rest: list[str]) -> Table:
        if rest:
            raise UsageError(f"%mm models: unexpected {rest[0]!r}")
        page = catalog.list_models(get_session().require_registry(), limit=200)
        return models_table(page["models"])

    def _verb_model(self, rest: list[str]) -> Table:
        if len(rest) != 1:
            raise UsageError("usage: %mm model NAME")
        try:
            return model_versions_table(catalog.model_detail(get_session().require_registry(), rest[0]))
        except NotFoundError as exc:
            raise UsageError(str(exc)) from None
