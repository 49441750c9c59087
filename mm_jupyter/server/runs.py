"""Run handlers: the runs list, one run's details, column keys and the change cursor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from tornado.iostream import StreamClosedError

from mm_jupyter.core.paging import MAX_CURSOR_CHARS
from mm_jupyter.core.run_filter import MAX_FILTER_CHARS
from mm_jupyter.errors import NotFoundError
from mm_jupyter.server.base import MAX_RUN_ID, BaseHandler
from mm_jupyter.services.runs import export
from mm_jupyter.services.runs import queries as runs

if TYPE_CHECKING:
    from mm_jupyter.store import Registry

MAX_CURSOR = 2**63 - 1
ARCHIVED_CHOICES = ("exclude", "include", "only")
MAX_COLUMNS_ARG = 20_000  # characters of a runs.csv columns= list


class RunsListHandler(BaseHandler):
    """The options ``GET runs`` and ``GET runs.csv`` share."""

    def list_options(self) -> dict[str, Any]:
        """Return the list's filters and sort from the query; a bad one is a 400
        before any I/O (a filter's message points at the bad token)."""
        options: dict[str, Any] = {
            "experiment": self.text_arg("experiment"),
            "status": self.choice_arg("status", runs.RUN_STATUSES, None),
            "user": self.text_arg("user"),
            "q": self.text_arg("q"),
            "sort": self.text_arg("sort", max_len=200),
            "order": self.choice_arg("order", ("asc", "desc"), "desc"),
            # a search's candidates (child runs) only when asked for
            "children": self.choice_arg("children", ("0", "1"), "0") == "1",
            "filter": self.text_arg("filter", max_len=MAX_FILTER_CHARS),
            "archived": self.choice_arg("archived", ARCHIVED_CHOICES, "exclude"),
        }
        runs.check_sort(options["sort"])
        runs.check_filter(options["filter"])
        return options


class RunsHandler(RunsListHandler):
    """``GET runs``: one page of run summaries, filtered and sorted."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with ``{"total", "offset", "limit", "cursor", "next_cursor",
        "prev_cursor", "runs"}``; ``cursor=`` (a ``next_cursor`` or ``prev_cursor``)
        pages by keyset instead of ``offset``."""
        with self.mapped_errors():
            options = self.page_args(**self.list_options())
            options["cursor"] = self.text_arg("cursor", max_len=MAX_CURSOR_CHARS)
            self.write_json(await self.call(runs.query_runs, **options))


class RunsCsvHandler(RunsListHandler):
    """``GET runs.csv``: every run ``GET runs`` would list (all pages) as CSV,
    streamed a batch of runs at a time (services/runs/export.py)."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with ``text/csv`` as an attachment named ``runs.csv``."""
        chunks: Iterator[str] | None = None
        with self.mapped_errors():
            options = self.list_options()
            columns = self.text_arg("columns", max_len=MAX_COLUMNS_ARG)
            chunks = await self.call(
                lambda registry: export.csv_chunks(registry, columns=columns, **options))
            # The header needs the matching runs and their keys: a bad column or
            # filter still gets a JSON 400 here, before anything is sent.
            first = await self.call(lambda _registry: next(chunks, ""))
            self.set_header("Content-Type", "text/csv; charset=utf-8")
            self.set_header("Content-Disposition", 'attachment; filename="runs.csv"')
            self.write(first)
            await self.flush()
        if chunks is None or self._finished:
            return
        try:
            while True:
                chunk = await self.call(lambda _registry: next(chunks, None))
                if chunk is None:
                    break
                self.write(chunk)
                await self.flush()  # bounded memory: each batch leaves before the next
        except StreamClosedError:
            return  # the client went away
        except Exception as exc:  # headers are sent: all we can do is cut the reply
            self.log.error("mm-jupyter: GET runs.csv failed mid-stream", exc_info=exc)
            if self.request.connection is not None:
                self.request.connection.close()  # type: ignore[attr-defined]
            return
        self.finish()


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
    """``GET keys``: experiment names, metric and param keys, and column statistics."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with ``{"experiments", "metrics", "params", "metric_counts",
        "varying_params", "tag_keys"}``."""
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
