"""HTML and text presentations of runs in the notebook. Every name is escaped."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from mm_jupyter.core.units import format_duration
from mm_jupyter.display.reproducibility import reproducibility_lines
from mm_jupyter.encoding import safe_repr

if TYPE_CHECKING:
    from mm_jupyter.records import Run

STATUS_COLOURS = {
    "running": "#1976d2",
    "finished": "#2e7d32",
    "failed": "#c62828",
    "interrupted": "#ef6c00",
    "killed": "#6d4c41",
}


def fmt_value(value: Any) -> str:
    """Return a short human form of a param or metric value."""
    if isinstance(value, float):
        return f"{value:.6g}"
    return safe_repr(value, 80) if not isinstance(value, str) else value[:80]


def fmt_duration(seconds: float | None) -> str:
    """Return ``201 ms`` / ``2.4 s`` / ``3 min 12 s`` / ``-``: the one duration format
    (core/units.py) that the CLI and the sidebar use too."""
    return format_duration(seconds)


def fmt_ts(ts: float | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """Return epoch seconds as UTC text (``-`` for none): monitoring's tables and summaries."""
    if ts is None:
        return "-"
    return datetime.fromtimestamp(ts, timezone.utc).strftime(fmt)


def _pairs(mapping: dict[str, Any], limit: int = 12) -> str:
    items = list(mapping.items())
    text = ", ".join(
        f"<b>{html.escape(str(k))}</b>={html.escape(fmt_value(v))}" for k, v in items[:limit]
    )
    if len(items) > limit:
        text += f", … (+{len(items) - limit})"
    return text or "<i>none</i>"


def _badge(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#555")
    return (
        f'<span style="background:{colour};color:#fff;border-radius:3px;'
        f'padding:0 4px;font-size:90%">{html.escape(status)}</span>'
    )


def run_html(run: Run) -> str:
    """Return a compact HTML card of a run (the summary below a tracked cell)."""
    return (
        '<div class="mm-run-summary" style="border-left:3px solid #888;'
        'padding:2px 8px;font-size:12px;line-height:1.5">'
        f"{_badge(run.status)} <b>{html.escape(run.name)}</b> "
        f"<code>{html.escape(run.id)}</code> · {html.escape(run.experiment)} · "
        f"{fmt_duration(run.duration_s)} · {run.n_outputs} outputs, "
        f"{run.n_figures} figures<br>"
        f"params: {_pairs(run.params)}<br>metrics: {_pairs(run.metrics)}</div>"
    )


def run_text(run: Run) -> str:
    """Return a plain-text summary of a run."""
    params = ", ".join(f"{k}={fmt_value(v)}" for k, v in run.params.items()) or "none"
    metrics = ", ".join(f"{k}={fmt_value(v)}" for k, v in run.metrics.items()) or "none"
    text = (
        f"[{run.status}] {run.name} ({run.id}) · {run.experiment} · "
        f"{fmt_duration(run.duration_s)} · {run.n_outputs} outputs, {run.n_figures} figures\n"
        f"  params: {params}\n  metrics: {metrics}"
    )
    found = run.reproducibility
    if found and found.get("status") in ("clean", "unknown"):
        text += f"\n  hidden state: {found['status']}"
    return "\n".join([text, *(f"  {line}" for line in reproducibility_lines(found))])


class RunSummary:
    """Displayable summary of a run: HTML in notebooks, text in terminals."""

    def __init__(self, run: Run) -> None:
        self.run = run

    def _repr_html_(self) -> str:
        return run_html(self.run)

    def __repr__(self) -> str:
        return run_text(self.run)


def runs_table_text(runs: Iterable[Run]) -> str:
    """Return a fixed-width table of runs (``%mm runs``, ``mm-jupyter runs list``)."""
    rows = [("ID", "NAME", "EXPERIMENT", "STATUS", "STARTED", "DURATION", "METRICS")]
    for r in runs:
        metrics = ", ".join(f"{k}={fmt_value(v)}" for k, v in list(r.metrics.items())[:3])
        # a search run says how many candidates the list leaves out (--children)
        name = r.name[:30] + (f" +{r.n_children} candidates" if r.n_children else "")
        rows.append(
            (r.id, name, r.experiment[:20], r.status, r.started_at[:19],
             fmt_duration(r.duration_s), metrics)
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(str(c).ljust(w) for c, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1]
        for row in rows
    )


def candidates_text(candidates: dict[str, Any], shown: int = 10) -> str:
    """Return a search run's candidates, best first (``mm-jupyter runs show``)."""
    score = candidates["score"]
    lines = [f"  candidates: {candidates['total']} (best first"
             + (f", by {score['mean']})" if score["mean"] else ")")]
    for row in candidates["runs"][:shown]:
        params = ", ".join(f"{k}={fmt_value(v)}" for k, v in row["params"].items())
        value = "" if row["score"] is None else f"  {fmt_value(row['score'])}"
        if row["std"] is not None:
            value += f" ± {fmt_value(row['std'])}"
        rank = "" if row["rank"] is None else f"#{fmt_value(row['rank'])} "
        lines.append(f"    {rank}{row['name']}  {params}{value}")
    if candidates["total"] > shown:
        lines.append(f"    ... {candidates['total'] - shown} more (runs list --children)")
    return "\n".join(lines)


class RunsTable:
    """Displayable table of runs."""

    def __init__(self, runs: list[Run]) -> None:
        self.runs = runs

    def __repr__(self) -> str:
        return runs_table_text(self.runs) if self.runs else "no runs yet"

    def _repr_html_(self) -> str:
        if not self.runs:
            return "<i>no runs yet</i>"
        head = "".join(
            f"<th>{h}</th>" for h in ("id", "name", "experiment", "status", "started",
                                      "duration", "params", "metrics")
        )
        body = "".join(
            "<tr>"
            f"<td><code>{html.escape(r.id)}</code></td><td>{html.escape(r.name)}</td>"
            f"<td>{html.escape(r.experiment)}</td><td>{_badge(r.status)}</td>"
            f"<td>{html.escape(r.started_at[:19])}</td><td>{fmt_duration(r.duration_s)}</td>"
            f"<td>{_pairs(r.params, 4)}</td><td>{_pairs(r.metrics, 4)}</td></tr>"
            for r in self.runs
        )
        return f'<table class="mm-runs"><tr>{head}</tr>{body}</table>'
