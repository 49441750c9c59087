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

import os
from collections.abc import Callable, Iterable
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


def webhook(
    url: str,
    *,
    allow_private: bool = False,
    allow_hosts: Iterable[str] | None = None,
    headers: dict[str, str] | None = None,
    headers_env: dict[str, str] | None = None,
    timeout: float = 5.0,
) -> WebhookAction:
    """POST each event as JSON to ``url``.

    Parameters
    ----------
    url : str
        An http(s) URL without credentials.
    allow_private : bool
        Admit loopback, private and link-local addresses (an on-prem Alertmanager).
        Cloud metadata addresses are refused regardless.
    allow_hosts : list of str, optional
        Host allow-list (``"hooks.example.com"``, ``"*.example.com"``), joined with
        ``$MM_JUPYTER_WEBHOOK_HOSTS``; when the union is non-empty, the host must match.
    headers : dict, optional
        Extra headers. Their values are kept in memory only: the stored rule records the
        names, and the action rebuilt in another process sends none of them.
    headers_env : dict, optional
        Header → environment variable name (``{"Authorization": "HOOK_TOKEN"}``), read
        at send time in whichever process sends; this *is* stored with the rule.
    timeout : float
        Seconds for connecting and for each read.

    Raises
    ------
    ValueError
        Scheme other than http/https, no host, credentials in the URL, a host outside
        the allow-list, bad header names.
    """
    return WebhookAction(
        url,
        allow_private=allow_private,
        allow_hosts=allow_hosts,
        headers=headers,
        headers_env=headers_env,
        timeout=timeout,
    )


def run_notebook(
    path: str | os.PathLike[str],
    *,
    parameters: dict[str, Any] | None = None,
    timeout: float = 600,
    kernel_name: str = "python3",
    cwd: str | os.PathLike[str] | None = None,
) -> NotebookAction:
    """Execute the notebook at ``path`` headlessly, with ``parameters`` injected.

    Parameters
    ----------
    path : str or path
        The notebook, relative to ``cwd`` (default: the current directory); stored as an
        absolute path. The kernel runs in the notebook's folder.
    parameters : dict, optional
        Names (Python identifiers) → JSON values, assigned in a cell after the one
        tagged ``parameters``; ``mm_trigger_event`` holds the event.
    timeout : float
        Seconds for each cell and for the whole run.
    kernel_name : str
        The kernelspec to run.

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    ValueError
        Not an ``.ipynb``, or a parameter name/value that cannot be injected.
    """
    return NotebookAction(
        path, parameters=parameters, timeout=timeout, kernel_name=kernel_name, cwd=cwd
    )


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
