"""Public artifact API: ``mm.log_artifact``, ``mm.use_artifact``, ``mm.lineage``, ...

Versions come back as ``ArtifactVersion`` records and lists as ``ArtifactSummary``
records; ``to_dict()`` gives the JSON of docs/rest.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mm_jupyter.display.datasets import DatasetDiff
from mm_jupyter.display.lineage import Lineage
from mm_jupyter.records import ArtifactSummary, ArtifactVersion
from mm_jupyter.services.artifacts import catalog, dataset_diff, versions
from mm_jupyter.services.runs.session import get_session

__all__ = ["diff_artifacts", "get_artifact", "lineage", "list_artifacts", "log_artifact",
           "set_alias", "use_artifact"]


def log_artifact(
    obj: Any,
    name: str | None = None,
    *,
    kind: str | None = None,
    description: str | None = None,
    tags: Mapping[str, Any] | None = None,
    aliases: Iterable[str] = (),
    format: str | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> ArtifactVersion:
    """Store ``obj`` as a new version of artifact ``name`` (the active run produced it).

    ``obj`` may be a path (file or directory), bytes, a str with ``format='text'``, a
    pandas DataFrame, a numpy array or a matplotlib figure. Identical content returns
    the existing version: no new version, no new bytes.
    """
    return versions.log_artifact(
        get_session(), obj, name, kind=kind, description=description, tags=tags,
        aliases=aliases, format=format, metadata=metadata,
    )


def get_artifact(ref: str) -> ArtifactVersion:
    """Return the version ``ref`` names (``name``, ``name:vN``, ``name@alias``)."""
    return ArtifactVersion.from_store(catalog.get_version(get_session().require_registry(), ref))


def use_artifact(ref: str, *, load: bool = False) -> Any:
    """Return a local path to a version's content (or the object with ``load=True``).

    Inside a run this records the version as the run's input (lineage). The path is a
    verified private copy: editing it never changes the stored version. A
    fingerprint-only version (data passed to ``fit()``, bytes not stored) raises
    ``FingerprintOnlyError``.
    """
    return versions.use_artifact(get_session(), ref, load=load)


def set_alias(ref: str, alias: str) -> ArtifactVersion:
    """Point ``alias`` (e.g. ``prod``) at the version ``ref`` names, moving it if held."""
    return versions.set_alias(get_session().require_registry(), ref, alias)


def list_artifacts(*, q: str | None = None, kind: str | None = None,
                   limit: int = 50) -> list[ArtifactSummary]:
    """Return artifacts with their latest version, most recently active first."""
    page = catalog.list_artifacts(get_session().require_registry(), q=q, kind=kind, limit=limit)
    return [ArtifactSummary.from_store(item) for item in page["artifacts"]]


def lineage(ref: str, *, depth: int | None = None) -> Lineage:
    """Return the lineage graph of a run (id or name) or a version (``name[:vN]``).

    ``depth`` bounds the hops walked up- and downstream (default: the whole graph).
    """
    return Lineage(catalog.lineage_around(get_session().require_registry(), ref, depth=depth))


def diff_artifacts(a: str, b: str) -> DatasetDiff:
    """Compare two dataset versions (``name:vN``, ``name@alias``, ``name``): schema
    changes and, column by column, profile changes. ``.data`` is the JSON of
    ``mm-jupyter artifacts diff --json``."""
    return DatasetDiff(dataset_diff.diff_versions(get_session().require_registry(), a, b))
