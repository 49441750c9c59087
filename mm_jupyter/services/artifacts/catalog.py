"""Read artifacts: the list, one artifact's versions, one version, the lineage graph.

The REST handlers, the CLI, the ``%mm`` verbs and the Python API all read through
here. Each function is one read of the store and returns its payload (the shapes of
docs/rest.md); the Python API wraps them in records.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.errors import NotFoundError
from mm_jupyter.services.runs.queries import resolve_run
from mm_jupyter.store import Registry, artifact_queries, lineage
from mm_jupyter.store import artifacts as store

#: The kinds an artifact can have, in the order the filters offer them.
ARTIFACT_KINDS: tuple[str, ...] = store.KINDS
#: The most hops a lineage walk takes (the REST ``depth`` bound, the API's default).
MAX_LINEAGE_DEPTH: int = lineage.MAX_DEPTH


def list_artifacts(
    registry: Registry, *, q: str | None = None, kind: str | None = None,
    limit: int = 50, offset: int = 0,
) -> dict[str, Any]:
    """Return one page of artifacts, most recently active first, with their latest version.

    ``{"total", "offset", "limit", "cursor", "artifacts"}``; ``q`` searches names and
    descriptions, ``kind`` keeps one kind.
    """
    return artifact_queries.list_artifacts(registry, q=q, kind=kind, limit=limit, offset=offset)


def artifact_detail(registry: Registry, name: str) -> dict[str, Any]:
    """Return the artifact named ``name``: ``{"artifact", "versions", "alias_history"}``."""
    return artifact_queries.artifact_detail(registry, name)


def get_version(registry: Registry, ref: str) -> dict[str, Any]:
    """Return the version ``ref`` names: ``name`` (latest), ``name:vN`` or ``name@alias``."""
    return store.resolve_version(registry, ref)


def lineage_graph(
    registry: Registry, *, run: str | None = None, version: str | None = None, depth: int = 10
) -> dict[str, Any]:
    """Return the graph around one node: a run (exact id) or a version (``name:vN``)."""
    return lineage.lineage_graph(registry, run=run, version=version, depth=depth)


def lineage_around(registry: Registry, ref: str, *, depth: int | None = None) -> dict[str, Any]:
    """Return the graph around ``ref``: a version reference if one matches, else a run.

    A run may be named by id, id prefix or name. ``depth`` bounds the hops walked up-
    and downstream (default: the whole graph).
    """
    hops = MAX_LINEAGE_DEPTH if depth is None else depth
    try:
        version = store.resolve_version(registry, ref)
    except NotFoundError:
        try:
            run_id = resolve_run(registry, ref)
        except NotFoundError:
            raise NotFoundError(f"no artifact version or run named {ref!r}") from None
        return lineage.lineage_graph(registry, run=run_id, depth=hops)
    return lineage.lineage_graph(registry, version=version["ref"], depth=hops)
