"""Public artifact API: ``mm.log_artifact``, ``mm.use_artifact``, ``mm.lineage``, ..."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mm_jupyter.core.names import check_name
from mm_jupyter.errors import NotFoundError, RegistryError
from mm_jupyter.identity import current_user
from mm_jupyter.records import ArtifactVersion
from mm_jupyter.services.artifacts import ingest, serialization
from mm_jupyter.services.artifacts.materialize import materialize
from mm_jupyter.services.runs.session import get_session
from mm_jupyter.store import artifacts as store

__all__ = ["get_artifact", "lineage", "list_artifacts", "log_artifact", "set_alias", "use_artifact"]


def _recorded_run() -> Any:
    session = get_session()
    if session.active and session.active[-1].id is not None:
        return session.active[-1]
    return None



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
    if name is None:
        if isinstance(obj, str | os.PathLike) and format != "text":
            name = Path(obj).name
        else:
            raise ValueError("log_artifact needs a name= for objects that are not paths")
    check_name(name, "artifact")  # before any byte is stored
    registry = get_session().require_registry()
    store.check_artifact_name_free(registry, name, kind)
    item = serialization.serialize(obj, name, format=format)
    files: list[tuple[str, str, int]] = []
    try:
        if item.data is not None:
            digest, size = registry.blobs.put_bytes(item.data), len(item.data)
            blobs = [(digest, size, item.media_type)]
        elif item.format == "directory":
            assert item.path is not None
            digest, size, files, manifest = ingest.ingest_directory(registry, item.path)
            blobs = [*ingest.blob_rows(files, None), (digest, len(manifest), item.media_type)]
        else:
            assert item.path is not None
            digest, size = ingest.ingest_file(registry, item.path)
            blobs = [(digest, size, item.media_type)]
    except OSError as exc:
        full = ingest.disk_full(exc, name)
        if full is not None:
            raise full from exc
        raise
    if kind is None:  # a new version keeps the kind the artifact already has
        try:
            kind = store.resolve_version(registry, name)["kind"]
        except NotFoundError:
            kind = item.kind
    run = _recorded_run()
    if run is not None and item.path is not None:
        run.logged_paths.add(os.path.realpath(item.path))
    version_id, created = store.add_version(
        registry,
        store.NewVersion(
            name=name, kind=kind, digest=digest, size=size,
            media_type=item.media_type, format=item.format, file_name=item.file_name,
            metadata={**item.metadata, **dict(metadata or {})},
            run_id=None if run is None else run.id, is_dir=item.format == "directory",
            files=files, blobs=blobs, description=description,
            tags={str(k): str(v) for k, v in (tags or {}).items()}, aliases=list(aliases),
        ),
        user=current_user(),
    )
    stored = store.resolve_version(registry, _ref_of(registry, version_id))
    return ArtifactVersion.from_store(stored, created=created)


def _ref_of(registry: Any, version_id: int) -> str:
    with registry.read() as conn:
        name, number = conn.execute(
            "SELECT a.name, v.version FROM artifact_versions v JOIN artifacts a"
            " ON a.id = v.artifact_id WHERE v.id = ?", (version_id,)
        ).fetchone()
    return f"{name}:v{number}"


def get_artifact(ref: str) -> ArtifactVersion:
    """Return the version ``ref`` names (``name``, ``name:vN``, ``name@alias``)."""
    registry = get_session().require_registry()
    return ArtifactVersion.from_store(store.resolve_version(registry, ref))


def use_artifact(ref: str, *, load: bool = False) -> Any:
    """Return a local path to a version's content (or the object with ``load=True``).

    Inside a run this records the version as the run's input (lineage). The path is a
    verified private copy: editing it never changes the stored version.
    """
    session = get_session()
    registry = session.require_registry()
    version = store.resolve_version(registry, ref)
    run = _recorded_run()
    if run is not None:
        try:
            store.record_input(registry, run.id, version["id"])
        except RegistryError as exc:
            session.warn_once("lineage", f"input lineage not saved ({exc})")
    path = materialize(registry, version)
    if load:
        return serialization.load(path, version["format"], version["metadata"])
    return path


def set_alias(ref: str, alias: str) -> ArtifactVersion:
    """Point ``alias`` (e.g. ``prod``) at the version ``ref`` names, moving it if held."""
    registry = get_session().require_registry()
    store.set_alias(registry, ref, alias, user=current_user())
    return get_artifact(f"{store.parse_ref(ref)[0]}@{alias}")


def list_artifacts(*, q: str | None = None, kind: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Return artifacts with their latest version, most recently active first."""
    from mm_jupyter.store.artifact_queries import list_artifacts as query

    return list(query(get_session().require_registry(), q=q, kind=kind, limit=limit)["artifacts"])


def lineage(ref: str, *, depth: int | None = None) -> Any:
    """Return the lineage graph of a run (id or name) or a version (``name[:vN]``).

    ``depth`` bounds the hops walked up- and downstream (default: the whole graph).
    """
    from mm_jupyter.store.lineage import MAX_DEPTH

    depth = MAX_DEPTH if depth is None else depth
    from mm_jupyter.display.lineage import Lineage
    from mm_jupyter.store.lineage import lineage_graph
    from mm_jupyter.store.queries import resolve_run

    session = get_session()
    registry = session.require_registry()
    try:
        version = store.resolve_version(registry, ref)
        graph = lineage_graph(registry, version=version["ref"], depth=depth)
    except NotFoundError:
        try:
            run_id = resolve_run(registry, ref)
        except NotFoundError:
            raise NotFoundError(f"no artifact version or run named {ref!r}") from None
        graph = lineage_graph(registry, run=run_id, depth=depth)
    return Lineage(graph)
