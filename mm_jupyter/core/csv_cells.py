"""The cells of a runs export's CSV: each value as text, and as ``csv.writer`` writes it.

Shared by the export (services/runs/export.py) and the per-run rows that the store
keeps ready for it (store/run_exports.py), so that both spell every value alike.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from mm_jupyter import encoding

# A cell a spreadsheet would run as a formula starts with one of these (OWASP, "CSV
# Injection"); a quote in front makes it text. Plain numbers ("-0.5") are left alone.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_START)
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: A param value marked so is a big int's decimal text (encoding.decode_param).
BIG_INT_MARK = "#"
# What makes csv.writer (QUOTE_MINIMAL, "," and '"', lineterminator "\r\n") quote a
# field.
_NEEDS_QUOTES = re.compile('[,"\r\n]')


def csv_text(value: Any) -> str:
    """One CSV cell: numbers as Python spells them (NaN, Infinity), JSON for lists and
    objects, and text that could start a spreadsheet formula prefixed with ``'``."""
    kind = type(value)
    if kind is str:  # the common cases first: an export writes millions of cells
        if not value or value[0] not in _FORMULA_FIRST or PLAIN_NUMBER.fullmatch(value):
            return value  # type: ignore[no-any-return]
        return "'" + value  # type: ignore[no-any-return]
    if kind is float and math.isfinite(value):
        return repr(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def param_value(text: str) -> Any:
    """A param's value from its stored JSON text (a big int's after ``BIG_INT_MARK``)."""
    if text.startswith(BIG_INT_MARK):
        return encoding.decode_param(text[1:], 0.0)
    return json.loads(text)


def metric_cell(value: Any) -> str:
    """A latest metric value as the CSV spells it: a float as Python writes it,
    non-finite ones and text as they are (NaN, Infinity), nothing for NULL."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isfinite(value):
            return repr(value)
        if math.isnan(value):
            return "NaN"
        return "Infinity" if value > 0 else "-Infinity"
    return str(value)


def quoted(cell: str) -> str:
    """``cell`` as csv.writer writes it in a row of several fields (RFC 4180)."""
    if _NEEDS_QUOTES.search(cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell
