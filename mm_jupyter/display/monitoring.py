"""``mon.summary()``: the latest values as a table and the series as charts, in the notebook.

Drawn with matplotlib's object API (``Figure``, no pyplot) so that summarising never
touches the user's current figure or backend state; the chart is embedded in the HTML as
a PNG so one output carries both table and charts.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any

from mm_jupyter.core import rules as rule_logic
from mm_jupyter.display.runs import fmt_ts

# (panel title, series glob) in the order the charts appear.
PANELS = (
    ("Volume (rows per batch)", "volume.rows"),
    ("Feature drift (PSI)", "drift.psi.*"),
    ("Performance", "performance.*"),
    ("Latency (ms)", "latency.p*_ms"),
)
MAX_LINES = 8  # per panel: the series with the largest latest values


class MonitorSummary:
    """Latest value of every series, rule thresholds, firing alerts, and charts."""

    def __init__(self, monitor: Any):
        self.ref = monitor.ref
        self.points = monitor.series()
        self.rules = [r for r in monitor.rules() if r["kind"] == "series"]
        self.firing = [a for a in monitor.alerts(state="firing")]
        self.report = monitor.last_report
        self.table = [
            {"series": key, "value": pts[-1][1],
             "at": fmt_ts(pts[-1][0], "%Y-%m-%d %H:%M:%S UTC"), "points": len(pts),
             "thresholds": [f"{r['op']} {r['threshold']:g}" for r in self.rules
                            if rule_logic.matches(r["pattern"], key)],
             "firing": any(a["series"] == key for a in self.firing)}
            for key, pts in sorted(self.points.items())
        ]
        self._figure: Any = None

    @property
    def figure(self) -> Any:
        """The matplotlib ``Figure`` with one panel per series group (drawn on first use)."""
        if self._figure is None:
            self._figure = self._draw()
        return self._figure

    def _draw(self) -> Any:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10, 6.5), layout="constrained")
        axes = fig.subplots(2, 2).ravel()
        for ax, (title, pattern) in zip(axes, PANELS, strict=False):
            ax.set_title(title, fontsize=10)
            keys = [k for k in self.points if rule_logic.matches(pattern, k)]
            keys = sorted(keys, key=lambda k: -self.points[k][-1][1])[:MAX_LINES]
            if not keys:
                ax.text(0.5, 0.5, "no data yet", ha="center", va="center", transform=ax.transAxes,
                        color="grey")
                ax.set_xticks([])
                ax.set_yticks([])
                continue
            t0 = min(self.points[k][0][0] for k in keys)
            for key in keys:
                xs = [(ts - t0) / 60 for ts, _ in self.points[key]]
                ys = [v for _, v in self.points[key]]
                ax.plot(xs, ys, marker="o", markersize=3, linewidth=1.2,
                        label=key.split(".", 2)[-1] if pattern.endswith("*") else key)
            for rule in self.rules:
                if any(rule_logic.matches(rule["pattern"], k) for k in keys):
                    ax.axhline(rule["threshold"], linestyle="--", linewidth=1,
                               color="red" if rule["severity"] == "critical" else "orange")
            ax.set_xlabel("minutes since first batch", fontsize=8)
            ax.tick_params(labelsize=8)
            if len(keys) > 1:
                ax.legend(fontsize=7, loc="best")
        return fig

    def _png(self) -> str:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=80)
        return base64.b64encode(buffer.getvalue()).decode("ascii")

    def __repr__(self) -> str:
        lines = [f"Monitor {self.ref}: {len(self.points)} series, {len(self.firing)} alerts firing"]
        for row in self.table:
            flag = "  FIRING" if row["firing"] else ""
            lines.append(f"  {row['series']:<32} {row['value']:>12.4g}{flag}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        head = (f"<h4>Monitor {esc(self.ref)}</h4><p>{len(self.points)} series · "
                f"<b>{len(self.firing)}</b> alerts firing</p>")
        alerts = "".join(
            f"<li style='color:{'#757575' if a.get('acknowledged_at') else '#c62828'}'>"
            f"{esc(a['severity'])}: {esc(a['message'])} (×{a['occurrences']})"
            + (f" · acknowledged by {esc(a.get('acknowledged_by') or 'someone')}"
               if a.get("acknowledged_at") else "")
            + "</li>" for a in self.firing
        )
        rows = "".join(
            "<tr{style}><td>{s}</td><td>{v:.4g}</td><td>{t}</td><td>{n}</td><td>{at}</td></tr>".format(
                style=" style='color:#c62828;font-weight:bold'" if row["firing"] else "",
                s=esc(row["series"]), v=row["value"], t=esc(", ".join(row["thresholds"])),
                n=row["points"], at=esc(row["at"]),
            )
            for row in self.table
        )
        table = ("<table><thead><tr><th>series</th><th>latest</th><th>rule</th><th>points</th>"
                 f"<th>at</th></tr></thead><tbody>{rows}</tbody></table>")
        chart = ""
        if self.points:
            chart = f"<img alt='monitoring charts' src='data:image/png;base64,{self._png()}'/>"
        return head + (f"<ul>{alerts}</ul>" if alerts else "") + chart + table
