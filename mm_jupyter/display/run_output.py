"""The output a tracked cell leaves below itself: one display of three MIME types.

- ``application/vnd.mm-jupyter.run+json``: a small JSON the lab extension renders as
  a card (click to open the run, Register the model the run stored). It is plain
  data, so it survives kernel restarts, reopened notebooks and headless runs, which
  an ipywidget does not ("Error displaying widget: model not found").
- ``text/html``: the same card for frontends without the extension (nbviewer,
  nbconvert, VS Code): every value escaped, no script, no style sheet.
- ``text/plain``: one fact per line, for terminals and text exports.

Pure presentation: the caller gathers the run, the models and the registry identity.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mm_jupyter.display.reproducibility import reproducibility_lines
from mm_jupyter.display.runs import STATUS_COLOURS, fmt_duration, fmt_value

if TYPE_CHECKING:
    from mm_jupyter.records import Run

RUN_MIME = "application/vnd.mm-jupyter.run+json"
# Bumped when a key changes meaning; the renderer shows the text of a newer one.
OUTPUT_VERSION = 1
# The card shows a few params and metrics; the run view has them all.
SHOWN_ITEMS = 8
MAX_VALUE_CHARS = 80


def _items(mapping: Mapping[str, Any], limit: int = SHOWN_ITEMS) -> dict[str, str]:
    """The first ``limit`` entries as short display strings (values stay text: the
    renderer shows them as they are, and a float's 17 digits would not fit a card)."""
    return {str(k)[:MAX_VALUE_CHARS]: fmt_value(v) for k, v in list(mapping.items())[:limit]}


def run_output_data(
    run: Run,
    *,
    models: Sequence[Mapping[str, str]] = (),
    registry: str | None = None,
) -> dict[str, Any]:
    """Return the JSON of the run output.

    ``models`` are ``{"artifact": "NAME:vN", "variable": ..., "class": ...}`` for the
    predictors the run stored as model artifacts (what Register offers);
    ``registry`` identifies the registry the run is in (``GET meta``'s
    ``registry.path``), so a renderer talking to another registry can say so.
    """
    return {
        "version": OUTPUT_VERSION,
        "run": {
            "id": run.id,
            "name": run.name,
            "experiment": run.experiment,
            "status": run.status,
            "duration_s": run.duration_s,
            "started_at": run.started_at,
            "notebook_path": run.notebook_path,
            "cell_id": run.cell_id,
        },
        "params": _items(run.params),
        "metrics": _items(run.metrics),
        "n_params": len(run.params),
        "n_metrics": len(run.metrics),
        "n_outputs": run.n_outputs,
        "n_figures": run.n_figures,
        "models": [
            {"artifact": str(m["artifact"]), "variable": str(m["variable"]),
             "class": str(m["class"])}
            for m in models
        ],
        "registry": {"path": registry},
        "reproducibility": run.reproducibility,
    }


def _pairs(shown: Mapping[str, str], total: int) -> str:
    text = ", ".join(f"<b>{html.escape(k)}</b>={html.escape(v)}" for k, v in shown.items())
    if total > len(shown):
        text += f", … (+{total - len(shown)})"
    return text or "<i>none</i>"


def run_output_html(data: Mapping[str, Any]) -> str:
    """Return the card for frontends without the extension: escaped, no script."""
    run = data["run"]
    colour = STATUS_COLOURS.get(run["status"], "#555")
    models = "".join(
        f"<br>model: <b>{html.escape(m['variable'])}</b> ({html.escape(m['class'])})"
        f" stored as <code>{html.escape(m['artifact'])}</code>"
        for m in data["models"]
    )
    return (
        '<div class="mm-run-summary" style="border-left:3px solid #888;'
        'padding:2px 8px;font-size:12px;line-height:1.5">'
        f'<span style="background:{colour};color:#fff;border-radius:3px;'
        f'padding:0 4px;font-size:90%">{html.escape(run["status"])}</span> '
        f"<b>{html.escape(run['name'])}</b> <code>{html.escape(run['id'])}</code> · "
        f"{html.escape(run['experiment'])} · {fmt_duration(run['duration_s'])} · "
        f"{data['n_outputs']} outputs, {data['n_figures']} figures<br>"
        f"params: {_pairs(data['params'], data['n_params'])}<br>"
        f"metrics: {_pairs(data['metrics'], data['n_metrics'])}{models}"
        f"{_reproducibility_html(data.get('reproducibility'))}</div>"
    )


def _reproducibility_html(found: Mapping[str, Any] | None) -> str:
    lines = reproducibility_lines(found)
    if not lines:
        return ""
    head, *rest = lines
    return (f'<br><span style="color:#b45309">⚠ {html.escape(head)}</span>'
            + "".join(f"<br>{html.escape(line.strip())}" for line in rest))


def run_output_text(data: Mapping[str, Any]) -> str:
    """Return the summary as text, one fact per line."""
    run = data["run"]

    def pairs(shown: Mapping[str, str], total: int) -> str:
        text = ", ".join(f"{k}={v}" for k, v in shown.items()) or "none"
        return text + (f", ... (+{total - len(shown)})" if total > len(shown) else "")

    lines = [
        f"run {run['name']} ({run['id']}) · {run['status']} · {fmt_duration(run['duration_s'])}",
        f"experiment: {run['experiment']}",
        f"params: {pairs(data['params'], data['n_params'])}",
        f"metrics: {pairs(data['metrics'], data['n_metrics'])}",
        f"outputs: {data['n_outputs']}, figures: {data['n_figures']}",
    ]
    lines += [
        f"model: {m['variable']} ({m['class']}) stored as {m['artifact']}" for m in data["models"]
    ]
    lines += reproducibility_lines(data.get("reproducibility"))
    return "\n".join(lines)


def run_output_bundle(
    run: Run,
    *,
    models: Sequence[Mapping[str, str]] = (),
    registry: str | None = None,
) -> dict[str, Any]:
    """Return the MIME bundle of the run output (``display(bundle, raw=True)``)."""
    data = run_output_data(run, models=models, registry=registry)
    return {RUN_MIME: data, "text/html": run_output_html(data), "text/plain": run_output_text(data)}
