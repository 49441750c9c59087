"""Log, use and alias artifact versions: what ``mm.log_artifact``, ``mm.use_artifact``
and ``mm.set_alias`` do, with the lineage edges of the run in progress.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mm_jupyter.core.names import check_name
from mm_jupyter.core.references import split_reference
from mm_jupyter.errors import NotFoundError, RegistryError
from mm_jupyter.identity import current_user
from mm_jupyter.records import ArtifactVersion
from mm_jupyter.services.artifacts import dataset_facts, ingest, serialization
from mm_jupyter.services.artifacts.materialize import materialize, require_bytes
from mm_jupyter.services.runs.session import Session
from mm_jupyter.services.runs.state import ActiveRun
from mm_jupyter.store import Registry
from mm_jupyter.store import artifacts as store


def recorded_run(session: Session) -> ActiveRun | None:
    """Return the innermost run in progress if it is recorded, else ``None``."""
    if session.active and session.active[-1].id is not None:
        return session.active[-1]
    return None


def _store_content(registry: Registry, item: serialization.Serialized, name: str) -> tuple[
    str, int, list[tuple[str, str, int]], list[tuple[str, int, str]]
]:
    """Put ``item``'s bytes in the blob store; return digest, size, member files, blob rows.

    A full disk is reported as a ``RegistryError`` naming the artifact.
    """
    files: list[tuple[str, str, int]] = []
    try:
        if item.data is not None:
            digest, size = registry.blobs.put_bytes(item.data), len(item.data)
            return digest, size, files, [(digest, size, item.media_type)]
        assert item.path is not None
        if item.format == "directory":
            digest, size, files, manifest = ingest.ingest_directory(registry, item.path)
            blobs = [*ingest.blob_rows(files, None), (digest, len(manifest), item.media_type)]
            return digest, size, files, blobs
        digest, size = ingest.ingest_file(registry, item.path)
        return digest, size, files, [(digest, size, item.media_type)]
    except OSError as exc:
        full = ingest.disk_full(exc, name)
        if full is not None:
            raise full from exc
        raise


def log_artifact(
    session: Session,
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
    """Store ``obj`` as a new version of artifact ``name``; the recorded run produced it.

    The name is checked before any byte is stored; identical content returns the
    existing version (``created`` false). A new version keeps the artifact's kind.
    """
    if name is None:
        if isinstance(obj, str | os.PathLike) and format != "text":
            name = Path(obj).name
        else:
            raise ValueError("log_artifact needs a name= for objects that are not paths")
    check_name(name, "artifact")  # before any byte is stored
    registry = session.require_registry()
    store.check_artifact_name_free(registry, name, kind)
    item = serialization.serialize(obj, name, format=format)
    digest, size, files, blobs = _store_content(registry, item, name)
    if kind is None:  # a new version keeps the kind the artifact already has
        try:
            kind = store.resolve_version(registry, name)["kind"]
        except NotFoundError:
            kind = item.kind
    run = recorded_run(session)
    if run is not None and item.path is not None:
        run.logged_paths.add(os.path.realpath(item.path))
    # Fingerprint and profile of data, once per content (an unchanged file logged again
    # is not read again).
    facts = {} if store.has_version(registry, name, digest) else _data_facts(obj, item)
    version_id, created = store.add_version(
        registry,
        store.NewVersion(
            name=name, kind=str(kind), digest=digest, size=size,
            media_type=item.media_type, format=item.format, file_name=item.file_name,
            metadata={**item.metadata, **dict(metadata or {})},
            run_id=None if run is None else run.id, is_dir=item.format == "directory",
            files=files, blobs=blobs, description=description,
            tags={str(k): str(v) for k, v in (tags or {}).items()}, aliases=list(aliases),
            facts=facts,
        ),
        user=current_user(),
    )
    return ArtifactVersion.from_store(store.get_version(registry, version_id), created=created)


def _data_facts(obj: Any, item: serialization.Serialized) -> dict[str, Any]:
    """Fingerprint and profile of a logged DataFrame, array or data file (else none)."""
    if item.data is not None:
        return dataset_facts.object_facts(obj) if item.format in serialization.DATA_FORMATS else {}
    if item.path is not None and item.format == "file":
        return dataset_facts.file_facts(item.path)
    return {}


#: JSON ``{name: version}`` set by a re-run (services/runs/rerun.py) for the kernel
#: it starts: ``use_artifact("data")`` then returns the version the original run
#: used, not the latest one. An explicit ``name:vN`` or ``name@alias`` is obeyed.
PINNED_INPUTS_ENV = "MM_JUPYTER_PINNED_INPUTS"


def pinned_reference(ref: str) -> str:
    """``ref``, or ``name:vN`` when it names an artifact's latest version and the
    process runs with that name pinned (``MM_JUPYTER_PINNED_INPUTS``)."""
    text = os.environ.get(PINNED_INPUTS_ENV)
    if not text or split_reference(ref)[1:] != (None, None):
        return ref
    try:
        pins = json.loads(text)
    except ValueError:
        return ref
    version = pins.get(ref) if isinstance(pins, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version > 0:
        return f"{ref}:v{version}"
    return ref


def use_artifact(session: Session, ref: str, *, load: bool = False) -> Any:
    """Return a verified private copy of the version ``ref`` names (the object if ``load``).

    The recorded run gets the version as an input; if that edge cannot be saved the
    user is warned once and still gets the content. A fingerprint-only version has no
    content: ``FingerprintOnlyError``.
    """
    registry = session.require_registry()
    version = store.resolve_version(registry, pinned_reference(ref))
    require_bytes(version)  # before the edge: a run cannot have read missing bytes
    run = recorded_run(session)
    if run is not None and run.id is not None:
        try:
            store.record_input(registry, run.id, version["id"])
        except RegistryError as exc:
            session.warn_once("lineage", f"input lineage not saved ({exc})")
    path = materialize(registry, version)
    if load:
        return serialization.load(path, version["format"], version["metadata"])
    return path


def set_alias(registry: Registry, ref: str, alias: str) -> ArtifactVersion:
    """Point ``alias`` at the version ``ref`` names (moving it if held); return that version."""
    version_id = store.set_alias(registry, ref, alias, user=current_user())
    return ArtifactVersion.from_store(store.get_version(registry, version_id))
