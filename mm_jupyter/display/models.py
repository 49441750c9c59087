"""Tables and lines of the model registry for the ``%mm`` verbs and the CLI.

They take the payloads of docs/rest.md (``ModelSummary``, a model's detail, history
entries), so the notebook and the terminal show the same columns.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.display.runs import fmt_value
from mm_jupyter.display.table import Table


def metrics_text(metrics: dict[str, Any], most: int) -> str:
    """Return the first ``most`` metrics as ``key=value, ...`` (empty if none)."""
    return ", ".join(f"{k}={fmt_value(x)}" for k, x in list(metrics.items())[:most])


def models_table(models: list[dict[str, Any]]) -> Table:
    """Return one row per registered model: versions, stages, aliases, latest metrics."""
    rows = []
    for m in models:
        latest = m["latest"] or {}
        # Model versions read name:N (``:N`` next to the name column), artifacts name:vN.
        stages = ", ".join(f"{s} {', '.join(f':{v}' for v in vs)}" for s, vs in m["stages"].items())
        aliases = ", ".join(f"{a} → :{v}" for a, v in m["aliases"].items())
        rows.append([m["name"], str(m["n_versions"]), stages or "-", aliases or "-",
                     metrics_text(latest.get("metrics", {}), 2) or "-", m["owner"] or "-"])
    return Table(["MODEL", "VERSIONS", "STAGES", "ALIASES", "LATEST METRICS", "OWNER"],
                 rows, "no registered models yet")


def model_versions_table(detail: dict[str, Any]) -> Table:
    """Return one row per version of a model (the ``models/{name}`` payload)."""
    rows = [
        [v["ref"], v["stage"], ", ".join(v["aliases"]) or "-", v["flavor"],
         metrics_text(v["metrics"], 3) or "-",
         v["run"]["name"] if v["run"] else "-", v["artifact"]["digest"][:12],
         v["created_at"][:19]]
        for v in detail["versions"]
    ]
    return Table(["VERSION", "STAGE", "ALIASES", "FLAVOR", "METRICS", "RUN", "SHA256",
                  "CREATED"], rows, "no versions")


def history_line(entry: dict[str, Any]) -> str:
    """Return one history entry as ``when  :N  what: from -> to  by user  # comment``."""
    what = f"alias {entry['alias']}" if entry["kind"] == "alias" else "stage"
    note = f"  # {entry['comment']}" if entry["comment"] else ""
    if entry["kind"] == "alias":  # an alias moves between versions: :1 -> :2
        moved = (f":{entry['from']}" if entry["from"] else "-", f":{entry['to']}" if entry["to"] else "-")
    else:
        moved = (entry["from"] or "-", entry["to"] or "-")
    return (f"{entry['at'][:19]}  :{entry['version']}  {what}: {moved[0]} -> {moved[1]}"
            f"  by {entry['user'] or '?'}{note}")
