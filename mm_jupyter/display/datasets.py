"""Present dataset profiles and dataset diffs: text for the terminal, HTML for notebooks.

The payloads come from ``capture/profile.py`` (a version's ``metadata["profile"]``) and
``services/artifacts/dataset_diff.py``. Column names and values are user data: every
string is escaped in HTML.
"""

from __future__ import annotations

import html
from typing import Any

from mm_jupyter.display.runs import fmt_value
from mm_jupyter.display.table import Table

GREEN, RED, YELLOW, DIM, BOLD, RESET = "\033[32m", "\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m"
NUMERIC_STATS = ("min", "max", "mean", "std")


def _cell(value: Any) -> str:
    return "-" if value is None else fmt_value(value)


def _top(top: Any) -> str:
    if not isinstance(top, list):
        return ""
    return ", ".join(
        f"{t.get('value')} ({t.get('count')})" for t in top[:3] if isinstance(t, dict)
    )


def profile_rows(profile: dict[str, Any]) -> list[list[str]]:
    """One row per profiled column: name, dtype, nulls, min, max, mean, std, distinct, top."""
    rows = []
    for c in profile.get("columns") or []:
        if not isinstance(c, dict):
            continue
        stats = [_cell(c.get(s)) for s in NUMERIC_STATS] if c.get("kind") in (
            "numeric", "datetime") else ["", "", "", ""]
        rows.append([
            str(c.get("name", "")), str(c.get("dtype", "")), _cell(c.get("nulls")), *stats,
            _cell(c.get("distinct")) if "distinct" in c else "", _top(c.get("top")),
        ])
    return rows


def profile_table(profile: dict[str, Any]) -> Table:
    """The profile as a table (``%mm artifact`` and the CLI)."""
    return Table(["COLUMN", "DTYPE", "NULLS", "MIN", "MAX", "MEAN", "STD", "DISTINCT", "TOP"],
                 profile_rows(profile), "no columns profiled")


def profile_note(profile: dict[str, Any]) -> str:
    """``1,000 rows`` plus what was sampled or left out."""
    rows = profile.get("rows")
    note = f"{rows:,} rows" if isinstance(rows, int) else "rows unknown"
    if isinstance(profile.get("sample_rows"), int):
        note += f", statistics of {profile['sample_rows']:,} evenly spaced rows"
    total, shown = profile.get("columns_total"), len(profile.get("columns") or [])
    if isinstance(total, int) and total > shown and shown:
        note += f", first {shown} of {total} columns"
    if "nnz" in profile:
        note += f", sparse: {profile['nnz']:,} stored values"
    return note


def profile_html(profile: dict[str, Any]) -> str:
    """The profile as a compact HTML table with its note."""
    table = profile_table(profile)
    return (f'<div class="mm-profile"><div><small>{html.escape(profile_note(profile))}</small></div>'
            f"{table._repr_html_() if table.rows else ''}</div>")


# -- diff -------------------------------------------------------------------------------


def _side(side: dict[str, Any]) -> str:
    return f"{side['ref']}{'' if side.get('stored', True) else ' (fingerprint only)'}"


def _number_change(pair: dict[str, Any]) -> str:
    delta = pair.get("delta")
    shown = f"{_cell(pair.get('a'))} -> {_cell(pair.get('b'))}"
    return shown if not isinstance(delta, int | float) else f"{shown} ({delta:+.4g})"


def diff_text(diff: dict[str, Any], *, color: bool = True) -> str:
    """A terminal rendering of a dataset diff (``mm-jupyter artifacts diff``)."""
    def c(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if color else text

    s = diff["summary"]
    out = [c(BOLD, f"diff {_side(diff['a'])} -> {_side(diff['b'])}")]
    if s["same_content"]:
        out.append("same content (equal fingerprints)")
    out.append(f"rows {_number_change(diff['rows'])}; {s['columns_added']} columns added,"
               f" {s['columns_removed']} removed, {s['dtypes_changed']} dtypes changed,"
               f" {s['columns_changed']} profiles changed")
    schema = diff["schema"]
    if any(schema[k] for k in ("added", "removed", "changed")):
        out.append(c(BOLD, "\nschema"))
        out += [c(GREEN, f"+ {x['name']} {x['dtype'] or ''}".rstrip()) for x in schema["added"]]
        out += [c(RED, f"- {x['name']} {x['dtype'] or ''}".rstrip()) for x in schema["removed"]]
        out += [c(YELLOW, f"~ {x['name']}: {x['a']} -> {x['b']}") for x in schema["changed"]]
    changed = [col for col in diff["columns"] if col["changed"]]
    if changed:
        out.append(c(BOLD, "\nprofile"))
    for col in changed:
        out.append(c(YELLOW, f"~ {col['name']}"))
        for stat, pair in col["stats"].items():
            if pair["a"] != pair["b"]:
                out.append(f"    {stat}: {_number_change(pair)}")
        if col["top"]["a"] != col["top"]["b"]:
            out.append(f"    top: {_top(col['top']['a']) or '-'} -> {_top(col['top']['b']) or '-'}")
    if not (diff["a"]["profiled"] and diff["b"]["profiled"]):
        out.append(c(DIM, "\n(no profile on one side: schema only)"))
    return "\n".join(out)


def diff_html(diff: dict[str, Any]) -> str:
    """An HTML rendering of a dataset diff (the notebook's ``mm.diff_artifacts``)."""
    e = html.escape
    s = diff["summary"]
    parts = [f"<div class='mm-dataset-diff'><b>{e(_side(diff['a']))} → {e(_side(diff['b']))}</b>",
             f"<div>rows {e(_number_change(diff['rows']))}"
             f"{' — same content' if s['same_content'] else ''}</div>"]
    schema = diff["schema"]
    items = ([f"<li style='color:green'>+ {e(x['name'])} {e(x['dtype'] or '')}</li>"
              for x in schema["added"]]
             + [f"<li style='color:#c00'>− {e(x['name'])} {e(x['dtype'] or '')}</li>"
                for x in schema["removed"]]
             + [f"<li>~ {e(x['name'])}: {e(str(x['a']))} → {e(str(x['b']))}</li>"
                for x in schema["changed"]])
    if items:
        parts.append(f"<div>Schema</div><ul>{''.join(items)}</ul>")
    rows = []
    for col in diff["columns"]:
        if not col["changed"]:
            continue
        changes = [f"{stat}: {_number_change(pair)}" for stat, pair in col["stats"].items()
                   if pair["a"] != pair["b"]]
        if col["top"]["a"] != col["top"]["b"]:
            changes.append(f"top: {_top(col['top']['a']) or '-'} → {_top(col['top']['b']) or '-'}")
        rows.append(f"<tr><td>{e(col['name'])}</td><td>{e('; '.join(changes))}</td></tr>")
    if rows:
        parts.append(f"<table class='mm-table'><tr><th>column</th><th>profile change</th></tr>"
                     f"{''.join(rows)}</table>")
    return "".join(parts) + "</div>"


class DatasetDiff:
    """A dataset diff for the notebook: HTML there, text in a terminal; ``data`` is the
    JSON of ``mm-jupyter artifacts diff --json`` and ``GET artifacts/diff``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __repr__(self) -> str:
        return diff_text(self.data, color=False)

    def _repr_html_(self) -> str:
        return diff_html(self.data)
