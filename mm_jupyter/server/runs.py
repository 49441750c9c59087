"""Run handlers: the runs list, one run's details, column keys and the change cursor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from mm_jupyter.errors import NotFoundError
from mm_jupyter.server.base import MAX_RUN_ID, BaseHandler
from mm_jupyter.services.runs import queries as runs

if TYPE_CHECKING:
    from mm_jupyter.store import Registry

MAX_CURSOR = 2**63 - 1


class RunsHandler(BaseHandler):
    """``GET runs``: one page of run summaries, filtered and sorted."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with ``{"total", "offset", "limit", "cursor", "runs"}``."""
        with self.mapped_errors():
            options = self.page_args(
                experiment=self.text_arg("experiment"),
                status=self.choice_arg("status", runs.RUN_STATUSES, None),
                user=self.text_arg("user"),
                q=self.text_arg("q"),
                sort=self.text_arg("sort", max_len=200),
                order=self.choice_arg("order", ("asc", "desc"), "desc"),
                # a search's candidates (child runs) only when asked for
                children=self.choice_arg("children", ("0", "1"), "0") == "1",
            )
            runs.check_sort(options["sort"])  # a bad sort is a 400 before any I/O
            self.write_json(await self.call(runs.query_runs, **options))


def exact_run_detail(registry: Registry, run_id: str) -> dict[str, Any]:
    """Return the details of the run whose id is exactly ``run_id``.

    The service also resolves names and id prefixes; the REST route takes exact ids
    only so that a URL always names one run.
    """
    if len(run_id) > MAX_RUN_ID:
        raise NotFoundError(f"no run with id {run_id[:80]!r}")
    return runs.run_detail(registry, run_id, exact=True)


class RunHandler(BaseHandler):
    """``GET runs/{id}``: everything one run recorded."""

    @tornado.web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        """Reply with the run detail, or 404 when no run has this exact id."""
        with self.mapped_errors():
            self.write_json(await self.call(exact_run_detail, run_id))


class KeysHandler(BaseHandler):
    """``GET keys``: experiment names, metric keys and param keys."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with ``{"experiments", "metrics", "params"}``."""
        with self.mapped_errors():
            self.write_json(await self.call(runs.run_keys))


class ChangesHandler(BaseHandler):
    """``GET changes?since=N``: the cheap polling cursor."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with ``{"cursor", "changed", "firing"}``."""
        with self.mapped_errors():
            since = self.int_arg("since", default=0, low=0, high=MAX_CURSOR)
            self.write_json(await self.call(runs.changes, since))
