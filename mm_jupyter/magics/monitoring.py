"""``%mm`` verbs for monitoring: ``monitor`` (summary with charts) and ``alerts``."""

from __future__ import annotations

from argparse import Namespace
from typing import Any

from IPython.core.error import UsageError

from mm_jupyter.display.runs import fmt_ts
from mm_jupyter.display.table import Table
from mm_jupyter.errors import NotFoundError
from mm_jupyter.magics.verb_args import arg, verb
from mm_jupyter.services.runs.session import get_session

MINUTES = "%Y-%m-%d %H:%M"


class MonitorVerbs:
    """Mixed into ``MMMagics``: each ``_verb_X`` is ``%mm X``."""

    # The monitoring modules are imported on use: they load the store (and a monitor
    # numpy), which %load_ext must not wait for (its warm-up thread imports the store).

    @verb("monitor", "NAME[:N|@alias]",
          arg("ref", metavar="NAME[:N|@alias]", help="a registered model (or one version)"),
          description="Show the monitoring summary: latest values, alerts, charts.")
    def _verb_monitor(self, args: Namespace) -> Any:
        from mm_jupyter.api.monitoring import monitor

        try:
            return monitor(args.ref).summary()
        except (NotFoundError, ValueError) as exc:
            raise UsageError(f"%mm monitor: {exc}") from None

    @verb("alerts", "[NAME[:N|@alias]] [firing|resolved]",
          arg("ref", metavar="NAME[:N|@alias]", nargs="?", help="only this model's alerts"),
          arg("state", metavar="firing|resolved", nargs="?", help="only alerts in this state"),
          description="Show monitoring alerts with their actions.")
    def _verb_alerts(self, args: Namespace) -> Table:
        from mm_jupyter.monitoring import queries

        ref, state = args.ref, args.state
        if state is None and ref in queries.ALERT_STATES:  # `%mm alerts firing`
            ref, state = None, ref
        try:
            page = queries.alerts(get_session().require_registry(), ref, state=state, limit=200)
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
