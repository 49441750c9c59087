"""mm-jupyter: notebook-native model management.

``%load_ext mm_jupyter`` registers the ``%%mm_track`` and ``%mm`` magics;
``import mm_jupyter as mm`` gives the Python API (``mm.track``, ``mm.log_metric``, ...).
Heavy modules load on first use so that ``import mm_jupyter`` stays fast.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
# Bumped when the REST payloads change incompatibly; the sidebar checks it.
API_VERSION = 1

_API = (
    "track",
    "log_metric",
    "log_metrics",
    "log_param",
    "log_params",
    "set_tags",
    "active_run",
    "get_run",
    "list_runs",
    "set_experiment",
    "get_registry",
)
_ARTIFACT_API = (
    "log_artifact",
    "use_artifact",
    "get_artifact",
    "list_artifacts",
    "set_alias",
    "lineage",
)
_MODEL_API = (
    "register_model",
    "load_model",
    "get_model",
    "list_models",
    "promote_model",
    "set_model_alias",
    "model_history",
)
_MONITOR_API = ("monitor", "on_model_event")
__all__ = ["API_VERSION", "__version__", "diff", "triggers", *_API, *_ARTIFACT_API, *_MODEL_API,
           *_MONITOR_API]


def __getattr__(name: str) -> Any:
    # PEP 562 lazy attributes: the API module imports the store only when used.
    if name in _API:
        from mm_jupyter.api import runs as api

        return getattr(api, name)
    if name in _ARTIFACT_API:
        from mm_jupyter.api import artifacts as artifact_api

        return getattr(artifact_api, name)
    if name == "diff":
        from mm_jupyter.api.diff import diff

        return diff
    if name in _MODEL_API:
        from mm_jupyter.api import models as model_api

        return getattr(model_api, name)
    if name in _MONITOR_API:
        from mm_jupyter.api import monitoring as monitor_api

        return getattr(monitor_api, name)
    if name == "triggers":
        from mm_jupyter.monitoring import triggers

        return triggers
    raise AttributeError(f"module 'mm_jupyter' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics (``%load_ext mm_jupyter``)."""
    from mm_jupyter.magics.extension import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """Unregister the magics and stop background work (``%unload_ext mm_jupyter``)."""
    from mm_jupyter.magics.extension import unload_ipython_extension as unload

    unload(ipython)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "mm-jupyter"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "mm_jupyter"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    from mm_jupyter.server.routes import setup_handlers

    setup_handlers(server_app)
