"""``GET runs/{id}/reports/{name}``: one evaluation report's JSON (docs/evaluation.md).

The run id is exact and the name is matched against the names the run's report
versions record: neither reaches a file path. The JSON is read from the blob the
version lists (verified by digest); its figures are fetched by digest from ``blobs/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from mm_jupyter.errors import NotFoundError
from mm_jupyter.server.base import MAX_RUN_ID, BaseHandler
from mm_jupyter.services.evaluation.storage import load_report
from mm_jupyter.services.runs import queries as runs

if TYPE_CHECKING:
    from mm_jupyter.store import Registry

MAX_REPORT_NAME = 100  # mm.evaluate's limit on a report name


def exact_report(registry: Registry, run_id: str, name: str) -> dict[str, Any]:
    """Return report ``name`` of the run whose id is exactly ``run_id`` (404 if none)."""
    if len(run_id) > MAX_RUN_ID or len(name) > MAX_REPORT_NAME:
        raise NotFoundError(f"no report {name[:80]!r} of run {run_id[:80]!r}")
    return load_report(registry, runs.resolve_run(registry, run_id, exact=True), name)


class RunReportHandler(BaseHandler):
    """``GET runs/{id}/reports/{name}``: the stored report of ``mm.evaluate``."""

    @tornado.web.authenticated
    @authorized
    async def get(self, run_id: str, name: str) -> None:
        """Reply with the report JSON, or 404 for an unknown run or report name."""
        with self.mapped_errors():
            self.write_json(await self.call(exact_report, run_id, name))
