"""The webhook action: POST the event as strict JSON, through netguard's SSRF checks."""

from __future__ import annotations

import http.client
import json
import math
import os
import re
from collections.abc import Iterable
from typing import Any

from mm_jupyter.monitoring import netguard
from mm_jupyter.monitoring.actions import Action, ActionResult, check_timeout, describe, dict_items

_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Set by the webhook itself; letting a user override them would desync the request.
_RESERVED_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


def _check_headers(headers: dict[str, str] | None, *, values: str) -> dict[str, str]:
    """Validate header names; ``values`` is ``"text"`` or ``"env"`` (variable names)."""
    out = {}
    for name, value in dict_items(headers, "headers"):
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
    """POST each event as JSON to ``url``, through :mod:`netguard`'s SSRF checks.

    Built by ``mm.triggers.webhook(url, ...)``.

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
        self.timeout = check_timeout(timeout)

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
                "error", f"{where}: cannot resolve {self.target.host}: {describe(exc)}"
            )
        try:
            conn.request("POST", self.target.path, body=body, headers=headers)
            response = conn.getresponse()
            response.read(64 * 1024)  # a receiver's body is not needed; keep it bounded
        except TimeoutError:
            return ActionResult("error", f"{where}: timed out after {self.timeout:g} s")
        except (OSError, http.client.HTTPException) as exc:
            return ActionResult("error", f"{where}: {describe(exc)}")
        finally:
            conn.close()
        status = response.status
        if 200 <= status < 300:
            return ActionResult("ok", f"{where} → {status}")
        if 300 <= status < 400:
            # Following a redirect would send the event to a place nobody checked.
            return ActionResult("error", f"{where} → {status}: redirect refused")
        return ActionResult("error", f"{where} → {status} {response.reason}".rstrip())
