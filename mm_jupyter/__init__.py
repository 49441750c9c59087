"""mm-jupyter: notebook-native model management.

``%load_ext mm_jupyter`` registers the ``%%mm_track`` and ``%mm`` magics;
``import mm_jupyter as mm`` gives the Python API (``mm.track``, ``mm.log_metric``, ...).
Heavy modules load on first use so that ``import mm_jupyter`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
# Bumped when the REST payloads change incompatibly; the sidebar checks it.
API_VERSION = 1

_API = (
    "track",
    "log_metric",
    "log_metric_series",
    "log_metrics",
    "log_param",
    "log_params",
    "set_tags",
    "active_run",
    "get_run",
    "list_runs",
    "runs_frame",
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
    "diff_artifacts",
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
_POLICY_API = ("set_policy", "get_policy", "check_model", "approve_model")
_MONITOR_API = ("monitor", "on_model_event", "acknowledge_alert", "unacknowledge_alert")
_SYNC_API = ("push", "pull")
_AUTOLOG_API = ("autolog",)
_HOUSEKEEPING_API = (
    "update_run",
    "archive_run",
    "restore_run",
    "delete_run",
    "move_run",
    "set_metric_direction",
)
_REPRODUCE_API = ("rerun", "checkout")
__all__ = ["API_VERSION", "__version__", "diff", "evaluate", "triggers", *_API, *_ARTIFACT_API,
           "compare_runs", *_MODEL_API, *_POLICY_API, *_MONITOR_API, *_SYNC_API, *_AUTOLOG_API,
           *_HOUSEKEEPING_API, *_REPRODUCE_API, "package_model"]


# Where each public name lives (the adapters in api/); ``triggers`` is a module of its own.
_HOME = {
    **dict.fromkeys(_API, "mm_jupyter.api.runs"),
    **dict.fromkeys(_ARTIFACT_API, "mm_jupyter.api.artifacts"),
    **dict.fromkeys(_MODEL_API, "mm_jupyter.api.models"),
    **dict.fromkeys(_POLICY_API, "mm_jupyter.api.policies"),
    **dict.fromkeys(_MONITOR_API, "mm_jupyter.api.monitoring"),
    **dict.fromkeys(_SYNC_API, "mm_jupyter.api.sync"),
    **dict.fromkeys(_AUTOLOG_API, "mm_jupyter.api.autolog"),
    **dict.fromkeys(_HOUSEKEEPING_API, "mm_jupyter.api.housekeeping"),
    **dict.fromkeys(_REPRODUCE_API, "mm_jupyter.api.reproduce"),
    "diff": "mm_jupyter.api.diff",
    "compare_runs": "mm_jupyter.api.compare",
    "evaluate": "mm_jupyter.api.evaluation",
    "package_model": "mm_jupyter.api.packaging",
}


def __getattr__(name: str) -> Any:
    # PEP 562 lazy attributes: the API modules import the store only when used.
    if name in _HOME:
        value = getattr(importlib.import_module(_HOME[name]), name)
        # Kept as a module global: the next `mm.log_metric` is a plain attribute read,
        # not this function and an import lookup (a loop of `mm.log_metric(...)` calls
        # ran at a third of the rate of a local `log = mm.log_metric`).
        globals()[name] = value
        return value
    if name == "triggers":
        return importlib.import_module("mm_jupyter.monitoring.triggers")
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
