"""``%mm`` verbs for monitoring: ``monitor`` (summary with charts) and ``alerts``."""

from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError

from mm_jupyter.display.runs import fmt_ts
from mm_jupyter.display.table import Table
from mm_jupyter.errors import NotFoundError
from mm_jupyter.services.runs.session import get_session

MINUTES = "%Y-%m-%d %H:%M"


class MonitorVerbs:
    """Mixed into ``MMMagics``: each ``_verb_X`` is ``%mm X``."""

    # The monitoring modules are imported on use: they load the store (and a monitor
    # numpy), which %load_ext must not wait for (its warm-up thread imports the store).

    def _verb_monitor(self, rest: list[str]) -> Any:
        from mm_jupyter.api.monitoring import monitor

        if len(rest) != 1:
            raise UsageError("usage: %mm monitor NAME[:N|@alias]")
        try:
            return monitor(rest[0]).summary()
        except (NotFoundError, ValueError) as exc:
            raise UsageError(f"%mm monitor: {exc}") from None

    def _verb_alerts(self, rest: list[str]) -> Table:
        from mm_jupyter.monitoring import queries

        state = None
        if rest and rest[-1] in queries.ALERT_STATES:
            state = rest.pop()
        if len(rest) > 1:
            raise UsageError("usage: %mm alerts [NAME[:N|@alias]] [firing|resolved]")
        try:
            page = queries.alerts(get_session().require_registry(), rest[0] if rest else None,
                                  state=state, limit=200)
        except (NotFoundError, ValueError) as exc:
            raise UsageError(f"%mm alerts: {exc}") from None
        rows = [
            [str(a["id"]), f"{a['model']}:{a['version']}", a["state"], a["severity"], a["message"],
             str(a["occurrences"]), fmt_ts(a["fired_ts"], MINUTES), fmt_ts(a["resolved_ts"], MINUTES),
             ", ".join(f"{x['kind']} {x['status']}" for x in a["actions"]) or "-"]
            for a in page["alerts"]
        ]
        return Table(["ID", "MODEL", "STATE", "SEVERITY", "MESSAGE", "TIMES", "FIRED", "RESOLVED",
                      "ACTIONS"], rows, "no alerts")
