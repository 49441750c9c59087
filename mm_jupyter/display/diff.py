"""Present a run diff: HTML in the notebook, coloured text in the terminal.

Both sides are untrusted: every string is escaped, outputs are shown as text, and
images only as ``data:`` URIs of PNG/JPEG base64 (nothing that can run code).
"""

from __future__ import annotations

import html
import math
import re
from decimal import Decimal
from typing import Any

from mm_jupyter.display.evaluation import report_diff_html, report_diff_lines
from mm_jupyter.display.runs import fmt_value

_B64 = re.compile(r"^[A-Za-z0-9+/=\s]+$")
GREEN, RED, YELLOW, DIM, BOLD, RESET = "\033[32m", "\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m"


def _name(run: dict[str, Any] | None) -> str:
    return "notebook on disk" if run is None else f"{run['name']} ({run['id']})"


def change_quality(delta: float | None, direction: str) -> str | None:
    """``better``/``worse``/``same`` for a metric change by the metric's direction
    (``min``: lower is better), ``None`` without a finite delta; the rule of the
    sidebar's diff (labextension/src/shared/deltas.ts), so both colour alike."""
    if delta is None or not math.isfinite(delta):
        return None
    if delta == 0:
        return "same"
    return "better" if (delta > 0) == (direction != "min") else "worse"


def fmt_delta(delta: float | None) -> str:
    """A delta with its sign: fixed notation, at most 6 significant digits
    (``+0.000082``), an exponent only below 1e-5 or from 1e6 (``+3.1e-7``)."""
    if delta is None:
        return ""
    if not math.isfinite(delta) or delta == 0:
        return f"{delta:+}" if delta else "0"
    if abs(delta) < 1e-5 or abs(delta) >= 1e6:
        mantissa, _, exponent = f"{delta:+.3g}".partition("e")
        return f"{mantissa}e{int(exponent)}"
    # Decimal writes the 6 significant digits in fixed notation (no 8.2e-05).
    return f"{'+' if delta > 0 else '-'}{format(Decimal(f'{abs(delta):.6g}'), 'f')}"


def _metric_rows(diff: dict[str, Any]) -> list[tuple[str, dict[str, Any], str | None]]:
    """Each changed metric with its change's quality (``directions`` of the payload)."""
    directions = diff.get("directions") or {}
    return [(k, m, change_quality(m["delta"], directions.get(k, "max")))
            for k, m in diff["metrics"].items()]


# -- terminal ---------------------------------------------------------------------------


def to_text(diff: dict[str, Any], *, color: bool = True) -> str:
    """Return a terminal rendering of ``diff``."""
    def c(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if color else text

    out = [c(BOLD, f"diff {_name(diff['a'])} -> {_name(diff['b'])}")]
    s = diff["summary"]
    out.append(f"{s['params_changed']} params, {s['metrics_changed']} metrics, "
               f"{s['cells_changed']} cells, {s['packages_changed']} packages changed")
    p = diff["params"]
    if any(p[k] for k in ("added", "removed", "changed")):
        out.append(c(BOLD, "\nparams"))
        out += [c(GREEN, f"+ {k} = {fmt_value(v)}") for k, v in p["added"].items()]
        out += [c(RED, f"- {k} = {fmt_value(v)}") for k, v in p["removed"].items()]
        out += [c(YELLOW, f"~ {k}: {fmt_value(v['a'])} -> {fmt_value(v['b'])}")
                for k, v in p["changed"].items()]
    if diff["metrics"]:
        out.append(c(BOLD, "\nmetrics"))
        for k, m, quality in _metric_rows(diff):
            delta = "" if m["delta"] is None else f"  ({fmt_delta(m['delta'])})"
            colour = {"better": GREEN, "worse": RED}.get(quality or "", DIM)
            out.append(c(colour, f"  {k}: {fmt_value(m['a'])} -> {fmt_value(m['b'])}{delta}"))
    if any(h["op"] != "equal" for h in diff["code"]):
        out.append(c(BOLD, "\ncode"))
        out += _hunks_text(diff["code"], c)
    nb = diff["notebook"]
    if nb is not None:
        out.append(c(BOLD, "\nnotebook ") + ", ".join(f"{v} {k}" for k, v in nb["summary"].items()))
        for cell in nb["cells"]:
            if cell["status"] == "unchanged":
                continue
            where = f"cell {cell['a_index'] if cell['a_index'] is not None else '-'}"
            where += f" -> {cell['b_index'] if cell['b_index'] is not None else '-'}"
            out.append(c(YELLOW, f"@@ {cell['status']} {cell['cell_type']} {where}"))
            out += _hunks_text(cell["source"], c)
            if cell["outputs"] and cell["status"] == "modified":
                out.append(c(DIM, "   outputs changed"))
    env = diff["environment"]
    if env is not None:
        pk = env["packages"]
        if any(pk.values()) or env["python"]["a"] != env["python"]["b"]:
            out.append(c(BOLD, "\nenvironment"))
            if env["python"]["a"] != env["python"]["b"]:
                out.append(c(YELLOW, f"~ python {env['python']['a']} -> {env['python']['b']}"))
            out += [c(GREEN, f"+ {k} {v}") for k, v in pk["added"].items()]
            out += [c(RED, f"- {k} {v}") for k, v in pk["removed"].items()]
            out += [c(YELLOW, f"~ {k} {v['a']} -> {v['b']}") for k, v in pk["changed"].items()]
    objects = diff.get("objects")
    if objects and any(objects[k] for k in ("added", "removed", "changed")):
        out.append(c(BOLD, "\ncustom objects"))
        out += [c(GREEN, f"+ {o['kind']} {o['module']}.{o['name']}") for o in objects["added"]]
        out += [c(RED, f"- {o['kind']} {o['module']}.{o['name']}") for o in objects["removed"]]
        for o in objects["changed"]:
            out.append(c(YELLOW, f"~ {o['kind']} {o['module']}.{o['name']}"))
            out += _hunks_text(o["source"], c)
    if diff.get("reports"):
        colours = {"added": GREEN, "removed": RED, "changed": YELLOW, "up": GREEN, "down": RED,
                   "same": DIM}
        out.append(c(BOLD, "\nreports"))
        out += [c(colours[kind], line) for kind, line in report_diff_lines(diff["reports"])]
    for side in ("inputs", "outputs"):
        arts = diff["artifacts"][side]
        if arts["added"] or arts["removed"]:
            out.append(c(BOLD, f"\nartifact {side}"))
            out += [c(GREEN, f"+ {v['ref']}") for v in arts["added"]]
            out += [c(RED, f"- {v['ref']}") for v in arts["removed"]]
    lines = reproducibility_lines(diff.get("reproducibility"))
    if lines:
        out.append(c(BOLD, "\nreproducibility"))
        out += [c({"+": RED, "-": GREEN}.get(line[:1], YELLOW), line) for line in lines]
    return "\n".join(out)


def reproducibility_lines(found: dict[str, Any] | None) -> list[str]:
    """The reproducibility part of a diff as lines (none when nothing changed and
    neither run re-ran the other)."""
    if not found:
        return []
    lines = []
    rerun = found.get("rerun")
    if rerun:
        verdict = "reproduced" if rerun["reproduced"] else "NOT reproduced"
        lines.append(f"~ {rerun['rerun']} re-ran {rerun['original']}: metrics {verdict}")
    if found["changed"]:
        lines.append(f"~ hidden state: {found['a'] or 'not analysed'} ->"
                     f" {found['b'] or 'not analysed'}")
        lines += [f"+ {i.get('message') or i.get('name')}" for i in found["added"]]
        lines += [f"- {i.get('message') or i.get('name')}" for i in found["removed"]]
    return lines


def _hunks_text(hunks: list[dict[str, Any]], c: Any) -> list[str]:
    lines = []
    for h in hunks:
        if h["op"] == "equal":
            if len(h["a"]) > 4:
                lines += [f"  {x}" for x in h["a"][:2]] + [c(DIM, f"  ... {len(h['a']) - 4} unchanged lines")]
                lines += [f"  {x}" for x in h["a"][-2:]]
            else:
                lines += [f"  {x}" for x in h["a"]]
            continue
        lines += [c(RED, f"- {x}") for x in h["a"]]
        lines += [c(GREEN, f"+ {x}") for x in h["b"]]
    return lines


# -- notebook HTML ----------------------------------------------------------------------

STYLE = (
    "<style>.mm-diff{font-size:12px}.mm-diff pre{margin:0;font-size:12px}"
    ".mm-diff .ins{background:#e6ffec}.mm-diff .del{background:#ffebe9}"
    ".mm-diff .chg{background:#fff8c5}.mm-diff td,.mm-diff th{padding:1px 8px;text-align:left}"
    ".mm-diff h4{margin:8px 0 2px}.mm-diff .cell{border-left:3px solid #ccc;margin:4px 0;"
    "padding-left:6px}</style>"
)


def _e(value: Any) -> str:
    return html.escape(fmt_value(value) if not isinstance(value, str) else value)


def _hunks_html(hunks: list[dict[str, Any]]) -> str:
    rows = []
    for h in hunks:
        if h["op"] == "equal":
            rows += [f"<div>&nbsp; {html.escape(x)}</div>" for x in h["a"]]
            continue
        rows += [f'<div class="del" data-diff-op="delete">- {html.escape(x)}</div>' for x in h["a"]]
        rows += [f'<div class="ins" data-diff-op="insert">+ {html.escape(x)}</div>' for x in h["b"]]
    return f"<pre>{''.join(rows)}</pre>"


def _output_html(output: dict[str, Any]) -> str:
    data = output.get("data") or {}
    for mime in ("image/png", "image/jpeg"):
        value = data.get(mime)
        if isinstance(value, str) and _B64.match(value):
            return f'<img style="max-width:300px" src="data:{mime};base64,{value.strip()}">'
    text = output.get("text") or data.get("text/plain") or ""
    return f"<pre>{html.escape(str(text)[:5000])}</pre>"


def to_html(diff: dict[str, Any]) -> str:
    """Return a self-contained, escaped HTML rendering of ``diff``."""
    parts = [STYLE, '<div class="mm-diff">',
             f"<b>{html.escape(_name(diff['a']))}</b> &rarr; <b>{html.escape(_name(diff['b']))}</b>"]
    p = diff["params"]
    rows = [
        f'<tr class="ins"><td>+ {_e(k)}</td><td></td><td>{_e(v)}</td></tr>'
        for k, v in p["added"].items()
    ]
    rows += [
        f'<tr class="del"><td>- {_e(k)}</td><td>{_e(v)}</td><td></td></tr>'
        for k, v in p["removed"].items()
    ]
    rows += [f'<tr class="chg"><td>{_e(k)}</td><td>{_e(v["a"])}</td><td>{_e(v["b"])}</td></tr>'
             for k, v in p["changed"].items()]
    if rows:
        head = "<h4>Params</h4><table><tr><th></th><th>A</th><th>B</th></tr>"
        parts.append(head + "".join(rows) + "</table>")
    if diff["metrics"]:
        rows = []
        for k, m, quality in _metric_rows(diff):
            delta = fmt_delta(m["delta"])
            cls = {"better": "ins", "worse": "del"}.get(quality or "", "")
            rows.append(f'<tr class="{cls}"><td>{_e(k)}</td><td>{_e(m["a"])}</td>'
                        f"<td>{_e(m['b'])}</td><td>{delta}</td></tr>")
        parts.append("<h4>Metrics</h4><table><tr><th></th><th>A</th><th>B</th><th>Δ</th></tr>"
                     + "".join(rows) + "</table>")
    if any(h["op"] != "equal" for h in diff["code"]):
        parts.append("<h4>Tracked cell</h4>" + _hunks_html(diff["code"]))
    nb = diff["notebook"]
    if nb is not None:
        summary = ", ".join(f"{v} {k}" for k, v in nb["summary"].items())
        parts.append(f"<h4>Notebook</h4><div>{html.escape(summary)}</div>")
        for cell in nb["cells"]:
            if cell["status"] == "unchanged":
                continue
            parts.append(f'<div class="cell"><i>{html.escape(cell["status"])} '
                         f'{html.escape(str(cell["cell_type"]))}</i>{_hunks_html(cell["source"])}')
            if cell["outputs"] and cell["outputs"]["changed"]:
                sides = ["".join(_output_html(o) for o in cell["outputs"][s]) for s in ("a", "b")]
                parts.append('<table><tr><th>A outputs</th><th>B outputs</th></tr><tr>'
                             f'<td style="vertical-align:top">{sides[0]}</td>'
                             f'<td style="vertical-align:top">{sides[1]}</td></tr></table>')
            parts.append("</div>")
    env = diff["environment"]
    if env is not None and any(env["packages"].values()):
        pk = env["packages"]
        items = [f'<div class="ins">+ {_e(k)} {_e(v)}</div>' for k, v in pk["added"].items()]
        items += [f'<div class="del">- {_e(k)} {_e(v)}</div>' for k, v in pk["removed"].items()]
        items += [
            f'<div class="chg">{_e(k)} {_e(v["a"])} &rarr; {_e(v["b"])}</div>'
            for k, v in pk["changed"].items()
        ]
        parts.append("<h4>Packages</h4>" + "".join(items))
    objects = diff.get("objects")
    if objects and any(objects[k] for k in ("added", "removed", "changed")):
        items = [f'<div class="ins">+ {_e(o["kind"])} {_e(o["module"])}.{_e(o["name"])}</div>'
                 for o in objects["added"]]
        items += [f'<div class="del">- {_e(o["kind"])} {_e(o["module"])}.{_e(o["name"])}</div>'
                  for o in objects["removed"]]
        items += [f'<div class="chg">{_e(o["kind"])} {_e(o["module"])}.{_e(o["name"])}</div>'
                  + _hunks_html(o["source"]) for o in objects["changed"]]
        parts.append("<h4>Custom objects</h4>" + "".join(items))
    if diff.get("reports"):
        parts.append("<h4>Reports</h4>" + report_diff_html(diff["reports"]))
    for side in ("inputs", "outputs"):
        arts = diff["artifacts"][side]
        if arts["added"] or arts["removed"]:
            items = [f'<div class="ins">+ {_e(v["ref"])}</div>' for v in arts["added"]]
            items += [f'<div class="del">- {_e(v["ref"])}</div>' for v in arts["removed"]]
            parts.append(f"<h4>Artifact {side}</h4>" + "".join(items))
    lines = reproducibility_lines(diff.get("reproducibility"))
    if lines:
        classes = {"+": "del", "-": "ins"}  # a new hidden-state issue is a regression
        parts.append("<h4>Reproducibility</h4>" + "".join(
            f'<div class="{classes.get(line[:1], "chg")}">{_e(line)}</div>' for line in lines))
    parts.append("</div>")
    return "".join(parts)


class RunDiff:
    """What ``mm.diff`` returns: the diff JSON, displayed as HTML or text."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON structure (``schemas/diff.json``)."""
        return self.data

    def __repr__(self) -> str:
        return to_text(self.data, color=False)

    def _repr_html_(self) -> str:
        return to_html(self.data)
