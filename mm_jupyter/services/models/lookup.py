"""Find a registered model version: what ``mm-jupyter serve`` and ``mm.on_model_event`` read.

Adapters resolve a model reference here instead of in the store. Each function is one
read of the store (``store/models.py``, ``store/model_queries.py``,
``store/artifacts.py``), so a second backend has one place to stand behind.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.store import Registry, model_queries
from mm_jupyter.store import artifacts as artifact_store
from mm_jupyter.store import models as model_store


def resolve_model_version(registry: Registry, ref: str) -> tuple[int, int]:
    """Return ``(model_id, version_id)`` of ``name``, ``name:N`` or ``name@alias_or_stage``.

    A bare name means the latest version. Raises ``NotFoundError`` for an unknown model,
    version, alias or stage.
    """
    return model_store.resolve_model_version(registry, ref)


def model_version(registry: Registry, version_id: int) -> dict[str, Any]:
    """Return the ``ModelVersion`` payload of a version id (docs/rest.md)."""
    with registry.read() as conn:
        return model_queries.model_version(conn, version_id)


def model_artifact(registry: Registry, version: dict[str, Any]) -> dict[str, Any]:
    """Return the artifact version that holds a model version's bytes.

    ``version`` is a ``ModelVersion`` payload (``model_version``); the result is what
    ``services.artifacts.materialize.materialize`` takes.
    """
    return artifact_store.resolve_version(registry, version["artifact"]["ref"])


__all__ = ["model_artifact", "model_version", "resolve_model_version"]
