"""``Evaluation``, what ``mm.evaluate`` returns: the report, shown in the notebook.

The HTML holds a metrics table, the confusion matrix as a heatmap of table cells,
the classification report and the curves as the report's own PNGs (``data:`` URIs of
bytes matplotlib wrote, nothing user-supplied). Class and feature names come from
the user's data: every one is escaped. ``report_diff_text`` and ``report_diff_html``
present the reports part of a run diff.
"""

from __future__ import annotations

import base64
import html
from typing import Any

from mm_jupyter.display.runs import fmt_value

MAIN_METRICS = 20  # metrics shown in the metrics table; per-class ones are in the report table
MAX_TABLE_CLASSES = 50
MAX_TEXT_MATRIX = 12  # classes of a confusion matrix printed in the text repr
# Metrics where smaller is better: in a diff their drop is coloured as a gain.
LOWER_IS_BETTER = frozenset({"log_loss", "brier_score", "mae", "mse", "rmse", "median_ae",
                             "max_error", "mape"})


def _fmt(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else fmt_value(value)


class Evaluation:
    """An evaluation report of a model on one dataset (``mm.evaluate``'s result).

    ``metrics`` are keyed without the report's name (``accuracy``; logged on the run
    as ``test.accuracy``); ``report`` is the stored JSON (docs/evaluation.md);
    ``figures`` the PNG bytes by figure name; ``artifact`` the version reference
    (``gbm-test-report:v1``) or ``None`` when nothing was recorded, and ``note``
    says why.
    """

    def __init__(self, report: dict[str, Any], figures: dict[str, bytes], *,
                 run_id: str | None = None, run_name: str | None = None,
                 artifact: str | None = None, note: str | None = None) -> None:
        self.report = report
        self.figures = figures
        self.run_id = run_id
        self.run_name = run_name
        self.artifact = artifact
        self.note = note

    @property
    def name(self) -> str:
        """The report's name: the prefix of its metrics (``test``)."""
        return str(self.report["name"])

    @property
    def task(self) -> str:
        """``binary``, ``multiclass`` or ``regression``."""
        return str(self.report["task"])

    @property
    def metrics(self) -> dict[str, float]:
        """The metrics, keyed without the report's name."""
        return dict(self.report["metrics"])

    @property
    def recorded(self) -> bool:
        """Whether the report was stored on a run."""
        return self.artifact is not None

    @property
    def confusion_matrix(self) -> dict[str, Any] | None:
        """``{"labels", "counts", "normalized"}`` (rows: true class), or ``None``."""
        return self.report.get("confusion_matrix")

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of ``runs show --json``'s ``reports`` entries."""
        return {"name": self.name, "task": self.task, "metrics": self.metrics,
                "artifact": self.artifact}

    def _where(self) -> str:
        if self.artifact:
            return f"recorded as {self.artifact} in run {self.run_name} ({self.run_id})"
        return self.note or "not recorded"

    def _headline(self) -> dict[str, float]:
        return {k: v for k, v in self.metrics.items() if "." not in k}

    def __repr__(self) -> str:
        r = self.report
        lines = [f"Evaluation {self.name!r}: {self.task}, {r.get('model')}, {r.get('rows')} rows"
                 f" — {self._where()}"]
        lines.append("  " + "  ".join(f"{k} {_fmt(v)}" for k, v in self._headline().items()))
        matrix = self.confusion_matrix
        if matrix and len(matrix["labels"]) <= MAX_TEXT_MATRIX:
            lines.append("  confusion matrix (rows: true, columns: predicted)")
            labels = [label[:10] for label in matrix["labels"]]
            width = max(6, *(len(label) for label in labels),
                        *(len(str(c)) for row in matrix["counts"] for c in row))
            lines.append("    " + " " * width + "".join(label.rjust(width + 1) for label in labels))
            for label, row in zip(labels, matrix["counts"], strict=True):
                lines.append("    " + label.rjust(width) + "".join(str(c).rjust(width + 1) for c in row))
        lines += [f"  note: {note}" for note in r.get("notes", [])]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        r = self.report
        esc = html.escape
        parts = [
            '<div class="mm-evaluation" style="font-family:var(--jp-ui-font-family,sans-serif)">',
            f"<div><b>Evaluation {esc(self.name)}</b> · {esc(self.task)} · {esc(str(r.get('model')))}"
            f" · {int(r.get('rows') or 0):,} rows</div>",
            f'<div style="color:#666;font-size:90%">{esc(self._where())}</div>',
            '<div style="display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start">',
            metrics_table(self._headline()),
        ]
        if self.confusion_matrix:
            parts.append(heatmap_html(self.confusion_matrix))
        if r.get("classification_report"):
            parts.append(class_table_html(r["classification_report"]))
        parts.append("</div>")
        images = [f for f in r.get("figures", []) if f["name"] != "confusion_matrix"
                  and f["name"] in self.figures]
        if images:
            parts.append('<div style="display:flex;flex-wrap:wrap;gap:8px">')
            for figure in images:
                data = base64.b64encode(self.figures[figure["name"]]).decode("ascii")
                parts.append(f'<img alt="{esc(figure["title"])}" title="{esc(figure["title"])}"'
                             f' src="data:image/png;base64,{data}" style="max-width:360px">')
            parts.append("</div>")
        for note in r.get("notes", []):
            parts.append(f'<div style="color:#666;font-size:90%">note: {esc(note)}</div>')
        parts.append("</div>")
        return "".join(parts)


def metrics_table(metrics: dict[str, float]) -> str:
    """Return the metrics as a two-column table (name, value)."""
    esc = html.escape
    rows = "".join(
        f"<tr><th style=\"text-align:left\">{esc(k)}</th><td>{esc(_fmt(v))}</td></tr>"
        for k, v in list(metrics.items())[:MAIN_METRICS]
    )
    return f'<table class="mm-table mm-metrics"><caption>metrics</caption>{rows}</table>'


def heatmap_html(matrix: dict[str, Any]) -> str:
    """Return the confusion matrix as table cells shaded by the share of the true class."""
    esc = html.escape
    labels = matrix["labels"]
    head = "".join(f"<th>{esc(label)}</th>" for label in labels)
    rows = []
    for label, counts, shares in zip(labels, matrix["counts"], matrix["normalized"], strict=True):
        cells = "".join(
            f'<td title="{share:.1%} of true {esc(label)}" style="text-align:right;min-width:3em;'
            f"background:rgba(33,102,172,{share:.3f});color:{'#fff' if share > 0.5 else 'inherit'}\">"
            f"{count}</td>"
            for count, share in zip(counts, shares, strict=True)
        )
        rows.append(f"<tr><th>{esc(label)}</th>{cells}</tr>")
    note = " (first classes only)" if matrix.get("truncated") else ""
    return (
        f'<table class="mm-table mm-confusion"><caption>confusion matrix: rows true, columns'
        f" predicted{note}</caption><tr><th></th>{head}</tr>{''.join(rows)}</table>"
    )


def class_table_html(report: dict[str, Any]) -> str:
    """Return the classification report: precision, recall, F1, support per class."""
    esc = html.escape
    rows = [
        (row["class"], row) for row in report["classes"][:MAX_TABLE_CLASSES]
    ] + [(f"{avg['average']} avg", avg) for avg in report["averages"]]
    body = "".join(
        f"<tr><th>{esc(name)}</th>"
        + "".join(f"<td>{row[k]:.3f}</td>" for k in ("precision", "recall", "f1"))
        + f"<td>{int(row['support'])}</td></tr>"
        for name, row in rows
    )
    return ('<table class="mm-table mm-class-report"><caption>classification report</caption>'
            "<tr><th></th><th>precision</th><th>recall</th><th>f1</th><th>support</th></tr>"
            f"{body}</table>")


def reports_text(reports: list[dict[str, Any]]) -> str:
    """Return a run's reports as text lines: name, task, headline metrics, artifact."""
    lines = []
    for report in reports:
        headline = [(k, v) for k, v in report["metrics"].items() if "." not in k][:6]
        metrics = "  ".join(f"{k} {_fmt(v)}" for k, v in headline)
        lines.append(f"    {report['name']} ({report['task']})  {metrics}  [{report['artifact']}]")
    return "\n".join(lines)


# -- the reports part of a run diff (schemas/diff.json "reports") ------------------------


def _side(value: Any) -> str:
    return "-" if value is None else _fmt(value)


def _change(pair: dict[str, Any]) -> str:
    delta = "" if pair["delta"] is None else f" ({pair['delta']:+.4g})"
    return f"{_side(pair['a'])} -> {_side(pair['b'])}{delta}"


def report_diff_lines(reports: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Return ``(kind, line)`` pairs for a terminal: kind ``added``, ``removed``,
    ``changed``, ``up``, ``down`` or ``same`` (the caller colours them)."""
    out: list[tuple[str, str]] = []
    for report in reports:
        task = report["task"]["b"] or report["task"]["a"]
        if report["status"] != "both":
            where = "only in B" if report["status"] == "added" else "only in A"
            mark = "+" if report["status"] == "added" else "-"
            out.append((report["status"], f"{mark} {report['name']} ({task}), {where}"))
            continue
        arts = report["artifact"]
        same = arts["a"] == arts["b"]
        out.append(("same" if same else "changed", f"{'=' if same else '~'} {report['name']} ({task})"
                            f"  {arts['a']}{'' if same else ' -> ' + str(arts['b'])}"))
        if same:
            continue
        for m in report["metrics"]:
            delta = -(m["delta"] or 0) if m["key"] in LOWER_IS_BETTER else m["delta"] or 0
            out.append(("up" if delta > 0 else "down" if delta < 0 else "same",
                        f"    {m['key']}: {_change(m)}"))
        for row in report["classes"]:
            if all(row[f]["delta"] in (0, None) and row[f]["a"] == row[f]["b"]
                   for f in ("precision", "recall", "f1", "support")):
                continue
            f1 = row["f1"]["delta"] or 0
            out.append(("up" if f1 > 0 else "down" if f1 < 0 else "same",
                        f"    class {row['class']}: f1 {_change(row['f1'])}, precision"
                        f" {_change(row['precision'])}, recall {_change(row['recall'])}"))
    return out


def report_diff_html(reports: list[dict[str, Any]]) -> str:
    """Return the reports part of a run diff as escaped HTML tables (A, B, delta)."""
    esc = html.escape
    parts = []
    for report in reports:
        task = report["task"]["b"] or report["task"]["a"]
        if report["status"] != "both":
            cls, where = ("ins", "only in B") if report["status"] == "added" else ("del", "only in A")
            parts.append(f'<div class="{cls}">{esc(report["name"])} ({esc(str(task))}), {where}</div>')
            continue
        rows = [_pair_row(m["key"], m, m["key"] in LOWER_IS_BETTER) for m in report["metrics"]]
        for row in report["classes"]:
            rows += [_pair_row(f"{row['class']} · {f}", row[f]) for f in ("precision", "recall", "f1")]
        arts = report["artifact"]
        parts.append(
            f"<div><b>{esc(report['name'])}</b> ({esc(str(task))}) {esc(str(arts['a']))} &rarr;"
            f" {esc(str(arts['b']))}</div><table><tr><th></th><th>A</th><th>B</th><th>Δ</th></tr>"
            + "".join(rows) + "</table>"
        )
    return "".join(parts)


def _pair_row(label: str, pair: dict[str, Any], lower_is_better: bool = False) -> str:
    delta = -(pair["delta"] or 0) if lower_is_better else pair["delta"] or 0
    cls = "ins" if delta > 0 else "del" if delta < 0 else ""
    shown = "" if pair["delta"] is None else f"{pair['delta']:+.4g}"
    return (f'<tr class="{cls}"><td>{html.escape(label)}</td><td>{html.escape(_side(pair["a"]))}</td>'
            f"<td>{html.escape(_side(pair['b']))}</td><td>{shown}</td></tr>")
