"""``%mm`` verbs for artifacts: ``artifacts``, ``artifact NAME``, ``lineage REF``."""

from __future__ import annotations

from argparse import Namespace

from IPython.core.error import UsageError

from mm_jupyter.api.artifacts import lineage
from mm_jupyter.display.artifacts import artifact_versions_table, artifacts_table
from mm_jupyter.display.lineage import Lineage
from mm_jupyter.display.table import Table
from mm_jupyter.errors import NotFoundError
from mm_jupyter.magics.verb_args import arg, verb
from mm_jupyter.services.artifacts import catalog
from mm_jupyter.services.runs.session import get_session


class ArtifactVerbs:
    """Mixed into ``MMMagics``: each ``_verb_X`` is ``%mm X``."""

    @verb("artifacts", "", description="Show a table of artifacts.")
    def _verb_artifacts(self, args: Namespace) -> Table:
        page = catalog.list_artifacts(get_session().require_registry(), limit=200)
        return artifacts_table(page["artifacts"])

    @verb("artifact", "NAME", arg("name", metavar="NAME", help="an artifact name"),
          description="Show the versions of an artifact.")
    def _verb_artifact(self, args: Namespace) -> Table:
        try:
            return artifact_versions_table(
                catalog.artifact_detail(get_session().require_registry(), args.name)
            )
        except NotFoundError as exc:
            raise UsageError(str(exc)) from None

    @verb("lineage", "NAME[:vN] | RUN",
          arg("ref", metavar="NAME[:vN]|RUN", help="an artifact version or a run"),
          description="Show the lineage graph: what produced and used it.")
    def _verb_lineage(self, args: Namespace) -> Lineage:
        try:
            return lineage(args.ref)
        except NotFoundError as exc:
            raise UsageError(str(exc)) from None
