"""``GET diff?a=RUN_ID&b=RUN_ID[&volatile=0|1]``: the diff of two runs (docs/rest.md).

Both ids are exact (no prefix matching: a URL names two runs, like a run URL names
one). The engine is ``mm_jupyter.services.diff.runs.diff_runs``; this handler only checks the
parameters and serialises its result as strict JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from mm_jupyter.errors import NotFoundError
from mm_jupyter.server.base import MAX_RUN_ID, BaseHandler, ParameterError
from mm_jupyter.services.diff.runs import diff_runs

if TYPE_CHECKING:
    from mm_jupyter.store import Registry


def exact_diff(registry: Registry, a: str, b: str, volatile: bool) -> dict[str, Any]:
    """Return the diff of the runs with ids exactly ``a`` and ``b``."""
    for run_id in (a, b):
        if len(run_id) > MAX_RUN_ID:
            raise NotFoundError(f"no run with id {run_id[:80]!r}")
    return diff_runs(registry, a, b, volatile=volatile, exact=True)


class DiffHandler(BaseHandler):
    """``GET diff``: what changed from run a to run b."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with the run diff; 400 without both ids, 404 for an unknown run."""
        with self.mapped_errors():
            ids = []
            for name in ("a", "b"):
                value = self.text_arg(name, max_len=MAX_RUN_ID)
                if value is None:
                    raise ParameterError(
                        f"parameter {name!r} (an exact run id) is required"
                    )
                ids.append(value)
            volatile = self.choice_arg("volatile", ("0", "1"), "0") == "1"
            self.write_json(await self.call(exact_diff, ids[0], ids[1], volatile))
