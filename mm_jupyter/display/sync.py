"""Text of a push or pull report (``mm-jupyter push|pull`` without ``--json``)."""

from __future__ import annotations

from typing import Any

from mm_jupyter.display.artifacts import size_text

_KINDS = (("runs", "runs"), ("artifact_versions", "artifact versions"),
          ("model_versions", "model versions"), ("aliases", "aliases"), ("stages", "stages"))


def _counts(report: dict[str, Any], key: str) -> str:
    parts = [f"{report[k][key]} {label}" for k, label in _KINDS if report[k][key]]
    return ", ".join(parts) or "nothing"


def sync_report_text(report: dict[str, Any]) -> str:
    """Say what moved, what was there already, which numbers versions got, and conflicts."""
    remote, pushing = report["remote"], report["direction"] == "push"
    verb = ("would push to" if pushing else "would pull from") if report["dry_run"] else \
        ("pushed to" if pushing else "pulled from")
    lines = []
    if report["up_to_date"] and not report["conflicts"]:
        there = remote if pushing else "this registry"
        checked = sum(report[k]["already_there"] for k, _ in _KINDS)
        lines.append(f"Nothing to {report['direction']}: {there} is up to date"
                     f" ({checked} items already there).")
    else:
        blobs = report["blobs"]
        sent = _counts(report, "sent")
        if report["runs"]["updated"]:
            sent += f", {report['runs']['updated']} runs updated (they had ended since)"
        lines.append(f"{verb} {remote}: {sent}; {blobs['sent']} blobs"
                     f" ({size_text(blobs['bytes_sent'])})")
        lines.append(f"already there: {_counts(report, 'already_there')};"
                     f" {blobs['already_there']} blobs")
    for item in report["versions"]:
        if item["local"] != item["remote"] and item["state"] != "conflict":
            lines.append(f"  {item['kind']} {item['name']}: local version {item['local']}"
                         f" is version {item['remote']} on {remote}")
    if report["conflicts"]:
        lines.append(f"{len(report['conflicts'])} conflicts (nothing was overwritten):")
        lines += [f"  {c['kind']}: {c['detail']}" for c in report["conflicts"]]
    return "\n".join(lines)
