"""``%mm`` verbs for artifacts: ``artifacts``, ``artifact NAME``, ``lineage REF``."""

from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError

from mm_jupyter.display.runs import fmt_value
from mm_jupyter.display.table import Table
from mm_jupyter.errors import NotFoundError


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


class ArtifactVerbs:
    """Mixed into ``MMMagics``: each ``_verb_X`` is ``%mm X``."""

    def _verb_artifacts(self, rest: list[str]) -> Table:
        from mm_jupyter.api.artifacts import list_artifacts

        if rest:
            raise UsageError(f"%mm artifacts: unexpected {rest[0]!r}")
        rows = []
        for a in list_artifacts(limit=200):
            latest = a["latest"] or {}
            rows.append([
                a["name"], a["kind"], str(a["n_versions"]),
                f"v{latest.get('version', '?')}", _size(latest.get("size", 0)),
                ", ".join(f"{k}→v{v}" for k, v in a["aliases"].items()),
                (latest.get("producer") or {}).get("name", "-"),
            ])
        return Table(["NAME", "KIND", "VERSIONS", "LATEST", "SIZE", "ALIASES", "PRODUCED BY"],
                     rows, "no artifacts yet")

    def _verb_artifact(self, rest: list[str]) -> Table:
        from mm_jupyter.services.runs.session import get_session
        from mm_jupyter.store.artifact_queries import artifact_detail

        if len(rest) != 1:
            raise UsageError("usage: %mm artifact NAME")
        try:
            detail = artifact_detail(get_session().require_registry(), rest[0])
        except NotFoundError as exc:
            raise UsageError(str(exc)) from None
        rows = [
            [v["ref"], v["format"], _size(v["size"]), v["digest"][:12], v["created_at"][:19],
             ", ".join(v["aliases"]), (v["producer"] or {}).get("name", "-"),
             ", ".join(c["name"] for c in v["consumers"]) or "-",
             ", ".join(f"{k}={fmt_value(x)}" for k, x in list(v["metadata"].items())[:3])]
            for v in detail["versions"]
        ]
        return Table(["VERSION", "FORMAT", "SIZE", "SHA256", "CREATED", "ALIASES", "PRODUCED BY",
                      "USED BY", "METADATA"], rows, "no versions")

    def _verb_lineage(self, rest: list[str]) -> Any:
        from mm_jupyter.api.artifacts import lineage

        if len(rest) != 1:
            raise UsageError("usage: %mm lineage NAME[:vN] | RUN")
        try:
            return lineage(rest[0])
        except NotFoundError as exc:
            raise UsageError(str(exc)) from None
