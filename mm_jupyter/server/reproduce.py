"""``POST runs/{id}/rerun`` and ``GET runs/{id}/checkout`` (docs/reproducibility.md).

The re-run starts a kernel and waits for the program (up to ``timeout`` seconds): it
runs in the executor, never on the event loop. Like every write route it is
``@authenticated`` + ``@authorized`` (POST is the ``write`` action), XSRF-checked for
cookie-authenticated requests, with a bounded strict JSON body (json_body.py) with no
unknown keys: ``{"timeout"?: seconds, "rtol"?: number}``, or no body at all. The reply
is the report (schemas/rerun_report.json). The checkout writes no file on the server:
the frontend saves the notebook through the contents API where the user chooses.
The run is named by its exact id in the path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from mm_jupyter.core.rerun_compare import DEFAULT_RTOL
from mm_jupyter.errors import NotFoundError
from mm_jupyter.server.base import MAX_RUN_ID, BaseHandler, ParameterError
from mm_jupyter.server.json_body import JsonBodyHandler, parse_json_object, type_name
from mm_jupyter.services.runs import queries
from mm_jupyter.services.runs.checkout import checkout_payload
from mm_jupyter.services.runs.rerun import DEFAULT_TIMEOUT, check_options, rerun

if TYPE_CHECKING:
    from mm_jupyter.store import Registry

RERUN_KEYS = ("timeout", "rtol")


def parse_rerun(body: bytes) -> dict[str, float]:
    """``{"timeout", "rtol"}`` from a body ``{"timeout"?: number, "rtol"?: number}``."""
    data = parse_json_object(body, '{"timeout": 600, "rtol": 1e-6}')
    unknown = sorted(set(data) - set(RERUN_KEYS))
    if unknown:
        names = ", ".join(repr(k[:40]) for k in unknown[:5])
        raise ParameterError(f"unknown key{'s' if len(unknown) > 1 else ''} {names}"
                             " (allowed: 'timeout', 'rtol')")
    for key in RERUN_KEYS:
        if key in data and (isinstance(data[key], bool)
                            or not isinstance(data[key], (int, float))):
            raise ParameterError(f"{key!r} must be a number, not {type_name(data[key])}")
    timeout, rtol = check_options(data.get("timeout", DEFAULT_TIMEOUT),
                                  data.get("rtol", DEFAULT_RTOL))
    return {"timeout": timeout, "rtol": rtol}


def _exact(registry: Registry, run_id: str) -> str:
    if len(run_id) > MAX_RUN_ID:
        raise NotFoundError(f"no run with id {run_id[:80]!r}")
    return queries.resolve_run(registry, run_id, exact=True)


def exact_rerun(registry: Registry, run_id: str, options: dict[str, float]) -> dict[str, Any]:
    """Re-run the run with the exact id ``run_id``; return the report."""
    return rerun(registry, _exact(registry, run_id), timeout=options["timeout"],
                 rtol=options["rtol"])


def exact_checkout(registry: Registry, run_id: str) -> dict[str, Any]:
    """The checkout payload of the run with the exact id ``run_id``."""
    return checkout_payload(registry, _exact(registry, run_id))


class RunRerunHandler(JsonBodyHandler):
    """``POST runs/{id}/rerun``."""

    def _options(self) -> dict[str, float]:
        # No body (whatever type a client declares for nothing) means the defaults.
        if self.request.headers.get("Content-Length", "").strip() in ("", "0") and (
            "Transfer-Encoding" not in self.request.headers
        ):
            return {"timeout": DEFAULT_TIMEOUT, "rtol": DEFAULT_RTOL}
        return parse_rerun(self.body_bytes())

    @tornado.web.authenticated
    @authorized
    async def post(self, run_id: str) -> None:
        """Reply with the re-run report; 400 names bad input, 404 an unknown run."""
        with self.mapped_errors():
            options = self._options()
            self.write_json(await self.call(exact_rerun, run_id, options))


class RunCheckoutHandler(BaseHandler):
    """``GET runs/{id}/checkout``."""

    @tornado.web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        """Reply with ``{"name", "notebook", "requirements", "inputs"}``; 404 for an
        unknown run, 400 for a run that stored no code."""
        with self.mapped_errors():
            self.write_json(await self.call(exact_checkout, run_id))
