"""What every monitoring action is: a JSON ``spec()`` and a ``run()`` that never raises.

``ActionResult`` is the outcome stored as a row of ``alert_actions``; ``CallableAction``
runs a Python callable in this process. Webhooks and notebooks are in their own modules;
``mm.triggers`` (``monitoring/triggers.py``) builds them.
"""

from __future__ import annotations

import copy
import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("mm_jupyter")

MAX_DETAIL = 500  # characters of an action's detail text (fit for a UI cell)


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


def describe(exc: BaseException) -> str:
    """``ValueError: message`` (first line only, bounded): fit for a UI cell."""
    text = str(exc).strip().splitlines()
    line = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
    return line[:MAX_DETAIL]


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
            return ActionResult("error", describe(exc))

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


def check_timeout(timeout: Any) -> float:
    """Return a webhook's or notebook's timeout in seconds; a clear error otherwise."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, not {timeout!r}")
    if not math.isfinite(timeout) or timeout <= 0:
        raise ValueError(
            f"timeout must be a positive number of seconds, not {timeout!r}"
        )
    return float(timeout) if isinstance(timeout, float) else timeout


def dict_items(value: Any, what: str) -> list[tuple[Any, Any]]:
    """Return the items of an optional dict argument (none for ``None``).

    ``TypeError`` naming the argument (``what``) for anything but a dict.
    """
    if value is None:
        return []
    if not isinstance(value, dict):
        raise TypeError(f"{what} must be a dict, not {type(value).__name__}")
    return list(value.items())
