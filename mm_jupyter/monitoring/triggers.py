"""Actions run when an alert fires or a registry event happens (``mm.triggers``).

Three kinds::

    mon.rule("drift.psi.*", ">", 0.2, action=mm.triggers.webhook("https://hooks.example.com/x"))
    mon.rule("performance.accuracy", "<", 0.85,
             action=mm.triggers.run_notebook("retrain.ipynb", parameters={"epochs": 3}))
    mon.rule("volume.rows", "<", 1, action=lambda alert: print(alert))

Every action has a JSON ``spec()`` that is stored with its rule, so webhooks and
notebooks can be rebuilt by :func:`action_from_spec` in any process that dispatches the
rule. A callable cannot be stored: it runs only in the process that defined it. Specs
never hold secrets: a webhook's ``headers`` values stay in memory (the spec keeps only
their names), while ``headers_env`` stores the *names* of environment variables read at
send time.

``run(event, context)`` never raises; failures come back as
``ActionResult("error", ...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mm_jupyter.monitoring.actions import Action, ActionResult, CallableAction
from mm_jupyter.monitoring.notebook_action import NotebookAction
from mm_jupyter.monitoring.webhook_action import WebhookAction

# The public face of actions (mm.triggers): the constructors and the classes they build.
__all__ = [
    "Action",
    "ActionResult",
    "CallableAction",
    "NotebookAction",
    "WebhookAction",
    "action_from_spec",
    "as_action",
    "callback",
    "run_notebook",
    "webhook",
]


# The constructors are the action classes: their docstrings give the parameters.
webhook = WebhookAction
run_notebook = NotebookAction


def callback(fn: Callable[[dict[str, Any]], Any]) -> CallableAction:
    """Wrap ``fn(event)`` as an action (runs only in the defining process)."""
    return CallableAction(fn)


def as_action(obj: Any) -> Action:
    """Return ``obj`` as an :class:`Action`: actions as they are, callables wrapped."""
    if isinstance(obj, Action):
        return obj
    if callable(obj):
        return CallableAction(obj)
    raise TypeError(
        "an action must be an mm.triggers action or a callable, "
        f"not {type(obj).__name__}"
    )


def action_from_spec(spec: dict[str, Any]) -> Action | None:
    """Rebuild a stored action; ``None`` for a callable (it lives in another process).

    Raises
    ------
    ValueError
        An unknown kind, or a spec that no longer validates (e.g. the host left
        ``$MM_JUPYTER_WEBHOOK_HOSTS``).
    FileNotFoundError
        A notebook action whose notebook is gone.
    """
    if not isinstance(spec, dict):
        raise TypeError(f"an action spec must be a dict, not {type(spec).__name__}")
    kind = spec.get("kind")
    if kind == "callable":
        return None
    if kind in ("webhook", "notebook") and not spec.get(
        "url" if kind == "webhook" else "path"
    ):
        raise ValueError(
            f"{kind} action spec lacks its {'url' if kind == 'webhook' else 'path'}"
        )
    if kind == "webhook":
        return WebhookAction(
            spec["url"],
            allow_private=bool(spec.get("allow_private")),
            allow_hosts=spec.get("allow_hosts") or None,
            headers_env=spec.get("headers_env") or None,
            timeout=spec.get("timeout", 5.0),
        )
    if kind == "notebook":
        return NotebookAction(
            spec["path"],
            parameters=spec.get("parameters") or None,
            timeout=spec.get("timeout", 600),
            kernel_name=spec.get("kernel_name", "python3"),
        )
    raise ValueError(f"unknown action kind {kind!r}")
