"""``%mm`` verbs for artifacts: ``artifacts``, ``artifact NAME``, ``lineage REF``."""

from __future__ import annotations

from IPython.core.error import UsageError

from mm_jupyter.api.artifacts import lineage
from mm_jupyter.display.artifacts import artifact_versions_table, artifacts_table
from mm_jupyter.display.lineage import Lineage
from mm_jupyter.display.table import Table
from mm_jupyter.errors import NotFoundError
from mm_jupyter.services.artifacts import catalog
from mm_jupyter.services.runs.session import get_session


class ArtifactVerbs:
    """Mixed into ``MMMagics``: each ``_verb_X`` is ``%mm X``."""

    def _verb_artifacts(self, rest: list[str]) -> Table:
        if rest:
            raise UsageError(f"%mm artifacts: unexpected {rest[0]!r}")
        page = catalog.list_artifacts(get_session().require_registry(), limit=200)
        return artifacts_table(page["artifacts"])

    def _verb_artifact(self, rest: list[str]) -> Table:
        if len(rest) != 1:
            raise UsageError("usage: %mm artifact NAME")
        try:
            return artifact_versions_table(
                catalog.artifact_detail(get_session().require_registry(), rest[0])
            )
        except NotFoundError as exc:
            raise UsageError(str(exc)) from None

    def _verb_lineage(self, rest: list[str]) -> Lineage:
        if len(rest) != 1:
            raise UsageError("usage: %mm lineage NAME[:vN] | RUN")
        try:
            return lineage(rest[0])
        except NotFoundError as exc:
            raise UsageError(str(exc)) from None
