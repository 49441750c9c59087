"""Read the model registry: the list, one model, one version. Never unpickles.

The REST handlers, the CLI, the ``%mm`` verbs and the Python API all read through
here. Each function is one read of the store and returns its payload (the shapes of
docs/rest.md); the Python API wraps them in records.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.store import Registry, model_queries


def list_models(
    registry: Registry, *, q: str | None = None, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Return one page of registered models, most recently changed first.

    ``{"total", "offset", "limit", "cursor", "models"}``; ``q`` searches names,
    descriptions and owners.
    """
    return model_queries.list_models(registry, q=q, limit=limit, offset=offset)


def model_detail(registry: Registry, name: str) -> dict[str, Any]:
    """Return the model named ``name``: ``{"model", "versions", "history", "metric_trend"}``."""
    return model_queries.model_detail(registry, name)


def version_detail(registry: Registry, ref: str) -> dict[str, Any]:
    """Return the version ``ref`` names (``name``, ``name:N``, ``name@x``) with its history."""
    return model_queries.version_detail(registry, ref)
