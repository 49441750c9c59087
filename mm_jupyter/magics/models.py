"""``%mm`` verbs for the model registry: ``register``, ``models``, ``model``."""

from __future__ import annotations

import html
from argparse import Namespace
from typing import Any

from IPython.core.error import UsageError

from mm_jupyter.api.models import register_model
from mm_jupyter.display.models import metrics_text, model_versions_table, models_table
from mm_jupyter.display.table import Table
from mm_jupyter.errors import ConflictError, NotFoundError
from mm_jupyter.magics.verb_args import arg, key_value, verb
from mm_jupyter.records import ModelVersion
from mm_jupyter.services.models import catalog
from mm_jupyter.services.models.transitions import MODEL_STAGES
from mm_jupyter.services.runs.session import get_session


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

    @verb("register",
          "VAR --name N [--alias A] [--stage S] [--tag k=v]... [--description D]"
          " [--owner O] [--reference-data VAR]",
          arg("var", metavar="VAR", help="the notebook variable holding the fitted model"),
          arg("--name", "-n", required=True, help="the model name"),
          arg("--alias", "-a", help="an alias for the new version"),
          arg("--stage", "-s", choices=MODEL_STAGES, help="the stage of the new version"),
          arg("--tag", "-t", action="append", type=key_value, metavar="KEY=VALUE",
              help="a tag; repeat"),
          arg("--description", "-d", help="a description of the model"),
          arg("--owner", "-o", help="who owns the model"),
          arg("--reference-data", "-r", dest="reference_data", metavar="VAR",
              help="the notebook variable of the data to monitor drift against"),
          description="Register a fitted model as a new version.")
    def _verb_register(self, args: Namespace) -> RegisteredVersion:
        namespace = self.shell.user_ns
        if args.var not in namespace:
            raise UsageError(f"%mm register: no variable named {args.var!r} in the notebook")
        reference = None
        if args.reference_data is not None:
            if args.reference_data not in namespace:
                raise UsageError(
                    f"%mm register: --reference-data: no variable named {args.reference_data!r}"
                )
            reference = namespace[args.reference_data]
        try:
            version = register_model(
                namespace[args.var], args.name, alias=args.alias, stage=args.stage,
                description=args.description, owner=args.owner, tags=dict(args.tag or ()),
                reference_data=reference,
            )
        except (ConflictError, ValueError, TypeError) as exc:
            raise UsageError(f"%mm register: {exc}") from None
        return RegisteredVersion(version)

    @verb("models", "", description="Show a table of registered models.")
    def _verb_models(self, args: Namespace) -> Table:
        page = catalog.list_models(get_session().require_registry(), limit=200)
        return models_table(page["models"])

    @verb("model", "NAME", arg("name", metavar="NAME", help="a registered model name"),
          description="Show the versions of a model, with stages and aliases.")
    def _verb_model(self, args: Namespace) -> Table:
        try:
            return model_versions_table(
                catalog.model_detail(get_session().require_registry(), args.name)
            )
        except NotFoundError as exc:
            raise UsageError(str(exc)) from None
