"""Tables of artifacts for the ``%mm`` verbs and the CLI (from the payloads of docs/rest.md)."""

from __future__ import annotations

import html
from typing import Any

from mm_jupyter.core.units import format_bytes
from mm_jupyter.display.datasets import profile_html
from mm_jupyter.display.runs import fmt_value
from mm_jupyter.display.table import Table

# Metadata too long for a table cell: shown by the profile view, or not at all.
HIDDEN_METADATA = ("profile", "column_digests", "columns")
FINGERPRINT_ONLY = "fingerprint only"


def size_text(n: float) -> str:
    """Return ``512 B``, ``86.0 kB``, ... ``3.2 GB``: SI units, as the sidebar shows them
    (core/units.py)."""
    return format_bytes(n)


def artifacts_table(artifacts: list[dict[str, Any]]) -> Table:
    """Return one row per artifact (``ArtifactSummary`` payloads) with its latest version."""
    rows = []
    for a in artifacts:
        latest = a["latest"] or {}
        rows.append([
            a["name"], a["kind"], str(a["n_versions"]),
            f"v{latest.get('version', '?')}", size_text(latest.get("size", 0)),
            ", ".join(f"{k}→v{v}" for k, v in a["aliases"].items()),
            (latest.get("producer") or {}).get("name", "-"),
        ])
    return Table(["NAME", "KIND", "VERSIONS", "LATEST", "SIZE", "ALIASES", "PRODUCED BY"],
                 rows, "no artifacts yet")


def artifact_versions_table(detail: dict[str, Any]) -> Table:
    """Return one row per version of an artifact (the ``artifacts/{name}/versions`` payload)."""
    rows = [
        [v["ref"], v["format"], size_text(v["size"]) if v.get("stored", True) else FINGERPRINT_ONLY,
         v["digest"][:12], v["created_at"][:19],
         ", ".join(v["aliases"]), (v["producer"] or {}).get("name", "-"),
         ", ".join(c["name"] for c in v["consumers"]) or "-",
         ", ".join(f"{k}={fmt_value(x)}" for k, x in
                   [i for i in v["metadata"].items() if i[0] not in HIDDEN_METADATA][:3])]
        for v in detail["versions"]
    ]
    return Table(["VERSION", "FORMAT", "SIZE", "SHA256", "CREATED", "ALIASES", "PRODUCED BY",
                  "USED BY", "METADATA"], rows, "no versions")


def version_html(version: dict[str, Any]) -> str:
    """One version for the notebook (``ArtifactVersion``'s rich repr): its reference,
    kind, content facts and, for datasets, the profile table."""
    e = html.escape
    stored = version.get("stored", True)
    content = (f"{size_text(version.get('size', 0))}, sha256 {e(str(version.get('digest', ''))[:12])}"
               if stored else
               f"{FINGERPRINT_ONLY}: its bytes were not stored (fingerprint"
               f" {e(str(version.get('digest', ''))[:12])})")
    head = (f"<div><b>{e(str(version.get('ref', '')))}</b> {e(str(version.get('kind', '')))}"
            f" — {e(str(version.get('format', '')))}, {content}</div>")
    metadata = version.get("metadata") or {}
    summary = metadata.get("profile") if isinstance(metadata, dict) else None
    table = profile_html(summary) if isinstance(summary, dict) else ""
    return f"<div class='mm-artifact-version'>{head}{table}</div>"
