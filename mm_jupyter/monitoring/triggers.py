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

import copy
import http.client
import json
import logging
import math
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mm_jupyter.monitoring import netguard

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

log = logging.getLogger("mm_jupyter")

_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Set by the webhook itself; letting a user override them would desync the request.
_RESERVED_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}
_MAX_DETAIL = 500


@dataclass
class ActionResult:
    """The outcome of one action run (a row of ``alert_actions``).

    Parameters
    ----------
    status : str
        ``"ok"``, ``"error"`` or ``"skipped"``.
    detail : str
        Short human text: ``"POST https://host/path → 204"``, the error message.
    output : str or None
        What the action produced, e.g. the executed notebook's path.
    """

    status: str
    detail: str
    output: str | None = None


def _describe(exc: BaseException) -> str:
    """``ValueError: message`` (first line only, bounded): fit for a UI cell."""
    text = str(exc).strip().splitlines()
    line = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
    return line[:_MAX_DETAIL]


class Action:
    """Base class of actions: ``kind``, ``spec()`` and a ``run()`` that never raises."""

    kind: str = ""

    def spec(self) -> dict[str, Any]:
        """Return the JSON-safe description stored with the rule (no secrets)."""
        raise NotImplementedError

    def run(
        self, event: dict[str, Any], context: dict[str, Any] | None = None
    ) -> ActionResult:
        """Run the action for ``event``; errors become ``status="error"``.

        ``context`` may hold ``registry_root``, ``output_dir`` and ``trigger_tag``.
        """
        try:
            return self._run(event, dict(context or {}))
        # SystemExit too: a callback's sys.exit() must not end a worker thread.
        except (Exception, SystemExit) as exc:
            log.warning("mm-jupyter: %s action failed", self.kind, exc_info=True)
            return ActionResult("error", _describe(exc))

    def _run(self, event: dict[str, Any], context: dict[str, Any]) -> ActionResult:
        raise NotImplementedError

    def __repr__(self) -> str:
        """Show the spec, with the masked URL only (reprs end up in logs)."""
        spec = self.spec()
        if "display" in spec:
            spec.pop("url", None)
        return f"<{type(self).__name__} {json.dumps(spec)}>"


class CallableAction(Action):
    """Call ``fn(event)`` in this process; the return value is ignored."""

    kind = "callable"

    def __init__(self, fn: Callable[[dict[str, Any]], Any]) -> None:
        if not callable(fn):
            raise TypeError(f"an action must be callable, not {type(fn).__name__}")
        self.fn = fn
        qualname = getattr(fn, "__qualname__", None) or type(fn).__qualname__
        module = getattr(fn, "__module__", None) or type(fn).__module__
        self.name = f"{module}.{qualname}"

    def spec(self) -> dict[str, Any]:
        """Return ``{"kind": "callable", "name": "<module>.<qualname>"}``."""
        return {"kind": self.kind, "name": self.name}

    def _run(self, event: dict[str, Any], context: dict[str, Any]) -> ActionResult:
        # A copy: the same event goes to other actions and is recorded afterwards.
        self.fn(copy.deepcopy(event))
        return ActionResult("ok", f"called {self.name}")


def _check_timeout(timeout: Any) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, not {timeout!r}")
    if not math.isfinite(timeout) or timeout <= 0:
        raise ValueError(
            f"timeout must be a positive number of seconds, not {timeout!r}"
        )
    return float(timeout) if isinstance(timeout, float) else timeout


def _check_headers(headers: dict[str, str] | None, *, values: str) -> dict[str, str]:
    """Validate header names; ``values`` is ``"text"`` or ``"env"`` (variable names)."""
    if headers is None:
        return {}
    if not isinstance(headers, dict):
        raise TypeError(f"headers must be a dict, not {type(headers).__name__}")
    out = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise ValueError(f"invalid header name {name!r}")
        if name.lower() in _RESERVED_HEADERS:
            raise ValueError(f"header {name} is set by the webhook itself")
        if not isinstance(value, str):
            raise TypeError(f"header {name}: value must be a string, not {value!r}")
        if values == "env" and not _ENV_NAME.match(value):
            raise ValueError(
                f"header {name}: {value!r} is not an environment variable name"
            )
        if values == "text" and any(c in value for c in "\r\n\0"):
            raise ValueError(f"header {name}: value contains a line break or NUL")
        out[name] = value
    return out


def _json_body(event: dict[str, Any]) -> bytes:
    """Strict JSON (NaN/inf → null): receivers in other languages reject ``NaN``."""

    def clean(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {str(k): clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(event), default=str, allow_nan=False).encode("utf-8")


class WebhookAction(Action):
    """POST the event as JSON to a URL, through :mod:`netguard`'s SSRF checks."""

    kind = "webhook"

    def __init__(
        self,
        url: str,
        *,
        allow_private: bool = False,
        allow_hosts: Iterable[str] | None = None,
        headers: dict[str, str] | None = None,
        headers_env: dict[str, str] | None = None,
        timeout: float = 5.0,
    ) -> None:
        if isinstance(allow_hosts, str):
            allow_hosts = [allow_hosts]
        self.target = netguard.parse_url(url)
        self.url = url
        self.display = netguard.mask_url(url)
        self.allow_private = bool(allow_private)
        self.allow_hosts = netguard.validate_host_entries(allow_hosts or [])
        netguard.check_host_allowed(self.target.host, self.allow_hosts)
        self._headers = _check_headers(headers, values="text")
        self.headers_env = _check_headers(headers_env, values="env")
        both = {h.lower() for h in self._headers} & {
            h.lower() for h in self.headers_env
        }
        if both:
            raise ValueError(
                f"headers and headers_env both set {', '.join(sorted(both))}"
            )
        self.timeout = _check_timeout(timeout)

    def spec(self) -> dict[str, Any]:
        """Return the URL, its masked ``display``, the guards and header names."""
        # The URL stays whole so another process can rebuild the action; "display" is
        # the masked form for the UI. Header values are deliberately absent.
        return {
            "kind": self.kind,
            "url": self.url,
            "display": self.display,
            "allow_private": self.allow_private,
            "allow_hosts": list(self.allow_hosts),
            "headers_env": dict(self.headers_env),
            "header_names": sorted(self._headers),
            "timeout": self.timeout,
        }

    def _run(self, event: dict[str, Any], context: dict[str, Any]) -> ActionResult:
        where = f"POST {self.display}"
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "mm-jupyter",
            **self._headers,
        }
        for name, var in self.headers_env.items():
            value = os.environ.get(var)
            if value is None:
                return ActionResult(
                    "error",
                    f"{where}: environment variable {var} "
                    f"(for header {name}) is not set",
                )
            headers[name] = value
        body = _json_body(event)
        try:
            # Checks the allow-list (env re-read) and every resolved address, then pins
            # the connection to the checked address. Nothing is opened on refusal.
            conn = netguard.open_connection(
                self.target,
                allow_private=self.allow_private,
                allow_hosts=self.allow_hosts,
                timeout=self.timeout,
            )
        except netguard.UnsafeURLError as exc:
            return ActionResult("error", f"{where} refused: {exc}")
        except OSError as exc:
            return ActionResult(
                "error", f"{where}: cannot resolve {self.target.host}: {_describe(exc)}"
            )
        try:
            conn.request("POST", self.target.path, body=body, headers=headers)
            response = conn.getresponse()
            response.read(64 * 1024)  # a receiver's body is not needed; keep it bounded
        except TimeoutError:
            return ActionResult("error", f"{where}: timed out after {self.timeout:g} s")
        except (OSError, http.client.HTTPException) as exc:
            return ActionResult("error", f"{where}: {_describe(exc)}")
        finally:
            conn.close()
        status = response.status
        if 200 <= status < 300:
            return ActionResult("ok", f"{where} → {status}")
        if 300 <= status < 400:
            # Following a redirect would send the event to a place nobody checked.
            return ActionResult("error", f"{where} → {status}: redirect refused")
        return ActionResult("error", f"{where} → {status} {response.reason}".rstrip())


class NotebookAction(Action):
    """Execute a notebook headlessly with parameters (e.g. retrain on drift)."""

    kind = "notebook"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        parameters: dict[str, Any] | None = None,
        timeout: float = 600,
        kernel_name: str = "python3",
        cwd: str | os.PathLike[str] | None = None,
    ) -> None:
        from mm_jupyter.monitoring import notebook_runner

        base = Path(cwd) if cwd is not None else Path.cwd()
        source = (base / Path(path).expanduser()).resolve()
        if not source.is_file():
            raise FileNotFoundError(f"notebook not found: {source}")
        if source.suffix.lower() != ".ipynb":
            raise ValueError(f"{source} is not a notebook (.ipynb)")
        if not isinstance(kernel_name, str) or not kernel_name:
            raise ValueError(
                f"kernel_name must be a non-empty string, not {kernel_name!r}"
            )
        self.path = source
        self.parameters = notebook_runner.check_parameters(parameters)
        self.timeout = _check_timeout(timeout)
        self.kernel_name = kernel_name

    def spec(self) -> dict[str, Any]:
        """Return the notebook's absolute path, parameters, timeout and kernel."""
        return {
            "kind": self.kind,
            "path": str(self.path),
            "parameters": self.parameters,
            "timeout": self.timeout,
            "kernel_name": self.kernel_name,
        }

    def _run(self, event: dict[str, Any], context: dict[str, Any]) -> ActionResult:
        from mm_jupyter.monitoring import notebook_runner

        done = notebook_runner.execute_notebook(
            self.path,
            parameters=self.parameters,
            event=event,
            context=context,
            timeout=self.timeout,
            kernel_name=self.kernel_name,
        )
        if done.error:
            return ActionResult("error", done.error[:_MAX_DETAIL], done.output)
        return ActionResult(
            "ok", f"ran {self.path.name} in {done.seconds:.1f} s", done.output
        )


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
