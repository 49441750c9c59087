"""``GET compare?runs=ID,ID,...``: 2 to 50 runs side by side (docs/rest.md, docs/compare.md).

Ids are exact, as in ``GET diff``: a URL names its runs. The engine is
``mm_jupyter.services.diff.compare_many``; this handler checks the parameter and
serialises the result as strict JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from mm_jupyter.errors import NotFoundError
from mm_jupyter.server.base import MAX_RUN_ID, BaseHandler, ParameterError
from mm_jupyter.services.diff.compare_many import MAX_RUNS, check_run_count, compare_many

if TYPE_CHECKING:
    from mm_jupyter.store import Registry

# 50 ids of at most 128 characters and their commas.
MAX_RUNS_ARG = MAX_RUNS * (MAX_RUN_ID + 1)


def parse_run_ids(text: str | None) -> list[str]:
    """Return the ids of a ``runs`` parameter (comma-separated), checked for count."""
    if text is None:
        raise ParameterError(
            "parameter 'runs' (2 to 50 exact run ids, comma-separated) is required"
        )
    ids = [part.strip() for part in text.split(",")]
    if any(not part for part in ids):
        raise ParameterError("parameter 'runs' has an empty id (two commas in a row?)")
    check_run_count(ids)
    return ids


def exact_compare(registry: Registry, ids: list[str]) -> dict[str, Any]:
    """Return the comparison of the runs with exactly these ids."""
    for run_id in ids:
        if len(run_id) > MAX_RUN_ID:
            raise NotFoundError(f"no run with id {run_id[:80]!r}")
    return compare_many(registry, ids, exact=True)


class CompareHandler(BaseHandler):
    """``GET compare``: params, latest metrics and thinned series of 2..50 runs."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with the comparison; 400 for a bad count, 404 for an unknown run."""
        with self.mapped_errors():
            ids = parse_run_ids(self.text_arg("runs", max_len=MAX_RUNS_ARG))
            self.write_json(await self.call(exact_compare, ids))
