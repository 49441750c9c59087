"""Artifact handlers: the artifacts list, one artifact's versions, lineage, and the
diff of two dataset versions.

Content is not served here: a version's bytes (or a directory member's) come from
``GET blobs/{digest}`` like every other blob, with the same safety headers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from mm_jupyter.core.references import split_reference
from mm_jupyter.errors import NotFoundError
from mm_jupyter.server.base import MAX_NAME, MAX_RUN_ID, BaseHandler, ParameterError
from mm_jupyter.services.artifacts import catalog, dataset_diff

if TYPE_CHECKING:
    from mm_jupyter.store import Registry

# Longer than any name log_artifact accepts (250), so a bound never hides an artifact.
DEFAULT_DEPTH = 10


class ArtifactsHandler(BaseHandler):
    """``GET artifacts``: one page of artifacts with their latest version."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with ``{"total", "offset", "limit", "cursor", "artifacts"}``."""
        with self.mapped_errors():
            options = self.page_args(
                q=self.text_arg("q"),
                kind=self.choice_arg("kind", catalog.ARTIFACT_KINDS, None),
            )
            self.write_json(await self.call(catalog.list_artifacts, **options))


def exact_artifact_detail(registry: Registry, name: str) -> dict[str, Any]:
    """Return the artifact named exactly ``name`` with all its versions."""
    if len(name) > MAX_NAME:
        raise NotFoundError(f"no artifact named {name[:80]!r}...")
    return catalog.artifact_detail(registry, name)


class ArtifactVersionsHandler(BaseHandler):
    """``GET artifacts/{name}/versions``: an artifact, its versions and alias history.

    ``{name}`` is percent-decoded by tornado (UTF-8; invalid UTF-8 is a 400). The route
    captures greedily up to the last ``/versions``, so a name may hold ``/`` either
    encoded (``%2F``, as the sidebar sends it) or not.
    """

    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        """Reply with ``{"artifact", "versions", "alias_history"}``; 404 if unknown."""
        with self.mapped_errors():
            self.write_json(await self.call(exact_artifact_detail, name))


def lineage_root(run: str | None, version: str | None) -> dict[str, str]:
    """Check the root parameters: exactly one of an exact run id or ``NAME:vN``."""
    if (run is None) == (version is None):
        raise ParameterError(
            "give exactly one of the parameters 'run' (a run id) or 'version' (NAME:vN)"
        )
    if run is not None:
        if len(run) > MAX_RUN_ID:
            raise NotFoundError(f"no run with id {run[:80]!r}")
        return {"run": run}
    assert version is not None
    if split_reference(version.strip())[1] is None:
        # Names and aliases resolve to different versions over time; a lineage URL
        # names one version, like a run URL names one run.
        raise ParameterError(
            "parameter 'version' must be NAME:vN (e.g. churn-clean:v2),"
            f" not {version[:80]!r}"
        )
    return {"version": version}


class LineageHandler(BaseHandler):
    """``GET lineage?run=ID|version=NAME:vN&depth=N``: the graph around one node."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with ``{"root", "nodes", "edges", "truncated"}``."""
        with self.mapped_errors():
            root = lineage_root(self.text_arg("run"), self.text_arg("version"))
            depth = self.int_arg(
                "depth", default=DEFAULT_DEPTH, low=1, high=catalog.MAX_LINEAGE_DEPTH
            )
            self.write_json(await self.call(catalog.lineage_graph, depth=depth, **root))


def exact_version_ref(name: str, value: str | None) -> str:
    """Check a diff side: ``NAME:vN`` (a URL names versions, not what an alias means now)."""
    if value is None:
        raise ParameterError(f"parameter {name!r} (NAME:vN) is required")
    if len(value) > MAX_NAME + 24 or split_reference(value.strip())[1] is None:
        raise ParameterError(
            f"parameter {name!r} must be NAME:vN (e.g. churn-clean:v2), not {value[:80]!r}"
        )
    return value


class ArtifactDiffHandler(BaseHandler):
    """``GET artifacts/diff?a=NAME:vN&b=NAME:vN``: schema and profile changes."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with the dataset diff (docs/rest.md); 400 without both, 404 if unknown."""
        with self.mapped_errors():
            a = exact_version_ref("a", self.text_arg("a"))
            b = exact_version_ref("b", self.text_arg("b"))
            self.write_json(await self.call(dataset_diff.diff_versions, a, b))
