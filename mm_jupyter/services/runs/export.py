"""Export the runs a list selects as CSV (``GET runs.csv``, ``runs list --csv``), one
row per run, like ``mlflow.search_runs`` (the DataFrame: services/runs/frame.py).

The runs are read a batch at a time (store/runs_export.py), so a CSV streams out
while it is read and never sits whole in memory.
"""

from __future__ import annotations

import csv
import io
import json
import math
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mm_jupyter.core.csv_cells import csv_text, param_value, quoted
from mm_jupyter.store import export_rows, runs_export
from mm_jupyter.store.db import Registry

if TYPE_CHECKING:
    pass

#: The kinds of keyed columns, by the prefix a column name starts with.
PREFIXES = ("params", "metrics", "tags")
MAX_COLUMNS = 1000


def parse_columns(text: str | list[str] | None) -> list[str] | None:
    """Return the chosen columns (comma-separated text or a list), checked, or ``None``
    for every column; ``ValueError`` naming an unknown one."""
    if text is None:
        return None
    names = [c.strip() for c in (text.split(",") if isinstance(text, str) else text)]
    names = [c for c in names if c]
    if not names:
        return None
    if len(names) > MAX_COLUMNS:
        raise ValueError(f"columns: at most {MAX_COLUMNS}, not {len(names)}")
    for name in names:
        prefix, dot, key = name.partition(".")
        if name in runs_export.ATTRIBUTES or (dot and prefix in PREFIXES and key):
            continue
        raise ValueError(
            f"unknown column {name!r}: use {', '.join(runs_export.ATTRIBUTES)},"
            " params.KEY, metrics.KEY or tags.KEY")
    return names


def export_columns(registry: Registry, ids: list[str],
                   columns: list[str] | None = None) -> list[str]:
    """The columns of an export of ``ids``: ``columns`` as chosen, else the run's
    attributes then every param, metric and tag key those runs use."""
    if columns:
        return columns
    params, metrics, tags = runs_export.keys_in_use(registry, ids)
    return [*runs_export.ATTRIBUTES, *(f"params.{k}" for k in params),
            *(f"metrics.{k}" for k in metrics), *(f"tags.{k}" for k in tags)]


class _Memo(dict[str, Any]):
    """Text → what ``convert`` makes of it, each text converted once: an export's
    values repeat (a learning rate, a tag set), so most cost a dict lookup. Cleared
    when it holds ``MEMO_MAX`` texts, to stay bounded."""

    def __init__(self, convert: Any) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, text: str) -> Any:
        value = self[text] = self.convert(text)
        return value

    def bound(self) -> None:
        if len(self) > MEMO_MAX:
            self.clear()


MEMO_MAX = 100_000


def _tag_values(text: str | None, keys: tuple[str, ...]) -> tuple[Any, ...]:
    """The values of tags ``keys`` in a run's tags JSON text (``None`` where missing,
    and for each key when the text is no JSON object)."""
    try:
        tags = json.loads(text) if text else None
    except ValueError:
        tags = None
    if not isinstance(tags, dict):
        return (None,) * len(keys)
    return tuple(tags.get(k) for k in keys)


class _Plans(dict[str, Any]):
    """A run's joined keys → the position of each in the export's columns of that kind
    (``None``: not exported), or ``True`` when its keys are those columns, in order."""

    def __init__(self, keys: list[str]) -> None:
        super().__init__()
        self.index = {k: i for i, k in enumerate(keys)}
        self.whole = runs_export.KEY_SEP.join(keys)

    def __missing__(self, joined: str) -> Any:
        if joined == self.whole:
            plan: Any = True
        else:
            plan = [self.index.get(k) for k in joined.split(runs_export.KEY_SEP)]
        self[joined] = plan
        return plan


def _placed(plan: Any, values: list[Any], width: int) -> list[Any] | None:
    """``values`` (a run's, in its keys' order) placed in their columns, or ``None``
    when they do not fit its keys (a key holding a separator: read it apart)."""
    if plan is True:
        return values if len(values) == width else None
    if len(plan) != len(values):
        return None
    row: list[Any] = [None] * width
    for at, value in zip(plan, values, strict=True):
        if at is not None:
            row[at] = value
    return row


class _Layout:
    """The export's columns: ``names``, and where each one's value is in the wide row
    this module builds per run (the attributes, then every param, metric and tag key
    the columns name, each kind sorted)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        keys: dict[str, list[str]] = {p: [] for p in PREFIXES}
        for name in names:
            prefix, _, key = name.partition(".")
            if name not in runs_export.ATTRIBUTES and key not in keys[prefix]:
                keys[prefix].append(key)
        self.params, self.metrics, self.tags = (sorted(keys[p]) for p in PREFIXES)
        wide = [*runs_export.ATTRIBUTES, *(f"params.{k}" for k in self.params),
                *(f"metrics.{k}" for k in self.metrics), *(f"tags.{k}" for k in self.tags)]
        where = {n: i for i, n in enumerate(wide)}
        self.wide = wide
        self.pick = None if names == wide else [where[n] for n in names]
        self.chosen = False  # set for chosen columns: only their keys are read


@dataclass
class _Columns:
    """A batch of runs as CSV cells, one row per run in each kind of column (see
    ``_Layout``)."""

    attributes: list[tuple[Any, ...]]
    params: list[list[Any]]
    metrics: list[list[Any]]
    tags: list[tuple[Any, ...]]

    def rows(self) -> list[list[Any]]:
        """Each run's whole row."""
        return [[*a, *p, *m, *t] for a, p, m, t in zip(
            self.attributes, self.params, self.metrics, self.tags, strict=True)]


def _wide_rows(registry: Registry, ids: list[str], layout: _Layout) -> Iterator[_Columns]:
    """Yield each batch of runs (see ``_Layout``) as CSV cells, in the order of
    ``ids``: text, or a float or ``None`` for csv.writer to spell."""
    n_params, n_metrics = len(layout.params), len(layout.metrics)
    param_plans, metric_plans = _Plans(layout.params), _Plans(layout.metrics)
    tag_keys = tuple(layout.tags)
    params = _Memo(lambda text: csv_text(param_value(text)))
    tags = _Memo(lambda text: tuple(csv_text(v) for v in _tag_values(text, tag_keys)))
    no_params, no_metrics = [None] * n_params, [None] * n_metrics
    n_attributes = len(runs_export.ATTRIBUTES)
    value_sep = runs_export.VALUE_SEP
    # Chosen columns: only their keys are read (every key otherwise).
    only: dict[str, Any] = ({"params": layout.params, "metrics": layout.metrics}
                            if layout.chosen else {})
    for batch in runs_export.wide_batches(registry, ids, **only):
        runs = batch.runs
        run_params = [batch.params.get(run[0]) for run in runs]
        run_metrics = [batch.metrics.get(run[0]) for run in runs]
        # Every run's latest metrics in one JSON text, read in one call.
        texts = "],[".join(["" if m is None else m[1] for m in run_metrics])
        # The bare NaN and Infinity stay text, spelled as they are.
        metric_values = json.loads(f"[[{texts}]]", parse_constant=str)
        attributes = [run[:n_attributes] for run in runs]
        if runs:
            attributes = _attribute_cells(attributes)
        param_rows, metric_rows = [], []
        for run, joined, keys, values in zip(
                runs, run_params, run_metrics, metric_values, strict=True):
            param_row = no_params if joined is None else _placed(
                param_plans[joined[0]], list(map(params.__getitem__,
                                                 joined[1].split(value_sep))), n_params)
            metric_row = no_metrics if keys is None else _placed(
                metric_plans[keys[0]], values, n_metrics)
            if param_row is None or metric_row is None:
                param_row, metric_row = _read_apart(registry, run[0], layout)
            param_rows.append(param_row)
            metric_rows.append(metric_row)
        yield _Columns(attributes, param_rows, metric_rows,
                       [tags[run[n_attributes] or ""] for run in runs])
        params.bound()
        tags.bound()


def _read_apart(registry: Registry, run_id: str, layout: _Layout
                ) -> tuple[list[Any], list[Any]]:
    """One run's param and metric columns, read as objects per key (a key of its holds
    a separator of ``WideBatch``)."""
    batch = next(runs_export.object_batches(registry, [run_id]))
    params = batch.params.get(run_id, {})
    metrics = {k: float(v) if isinstance(v, str) else v  # 'NaN', 'Infinity' as text
               for k, v in batch.metrics.get(run_id, {}).items()}
    return ([csv_text(params.get(k)) if k in params else None for k in layout.params],
            [csv_text(metrics.get(k)) if k in metrics else None for k in layout.metrics])


_FORMULA_AT_START = re.compile("(?:^|\x00)[=+\\-@\t\r]")


def _attribute_cells(attributes: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The runs' attributes as CSV cells: as they are unless a text could start a
    formula or a duration is not finite (one check per batch), else each spelled."""
    texts = "\x00".join(f"{a[0]}\x00{a[1]}\x00{a[2]}\x00{a[3]}\x00{a[4]}\x00{a[5]}\x00{a[6]}"
                        for a in attributes)
    durations = [a[7] for a in attributes if a[7] is not None]
    if not _FORMULA_AT_START.search(texts) and all(
            type(d) is float for d in durations) and math.isfinite(math.fsum(durations)):
        return attributes
    return [tuple(csv_text(v) for v in a) for a in attributes]


def csv_chunks(registry: Registry, *, columns: str | list[str] | None = None,
               limit: int | None = None, **options: Any) -> Iterator[str]:
    """Yield the CSV of every run the list ``options`` select (``query_runs``'s but
    paging; the first ``limit`` only, if given), the header first, then one chunk per
    batch of runs."""
    chosen = parse_columns(columns)
    ids = runs_export.matching_ids(registry, **options)
    if limit is not None:
        ids = ids[:limit]
    names = export_columns(registry, ids, chosen)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180
    writer.writerow([csv_text(n) for n in names])
    yield buffer.getvalue()
    layout = _Layout(names)
    layout.chosen = chosen is not None
    pick = operator.itemgetter(*layout.pick) if layout.pick else None
    # Each run's ready row (store/export_rows.py); a batch whose runs it cannot write
    # as they are (see _ReadyLines.batch) goes the long way: each run's values read.
    export_rows.catch_up(registry)
    lines = _ReadyLines(layout)
    for start in range(0, len(ids), runs_export.BATCH * 2):
        chunk = ids[start:start + runs_export.BATCH * 2]
        text = lines.batch(registry, chunk)
        if text is None:
            buffer.seek(0)
            buffer.truncate()
            for batch in _wide_rows(registry, chunk, layout):
                rows = batch.rows()
                if pick is None:
                    writer.writerows(rows)
                elif len(names) == 1:
                    writer.writerows([pick(row)] for row in rows)
                else:
                    writer.writerows(map(pick, rows))
            text = buffer.getvalue()
        yield text


# In a batch's attribute lines (joined by NUL): a field that starts a formula, or text
# csv.writer would quote (a comma inside a field shows in the count of commas).
_ODD_ATTRIBUTE = re.compile('(?:^|[,\x00])[=+\\-@\t\r]|["\r\n]')


class _ReadyLines:
    """CSV lines from the runs' ``run_exports`` rows: per run its attributes, then its
    ready param and metric cells (placed when its keys are not every column's), then
    its tags, joined as csv.writer joins them; for chosen columns (``layout.pick``)
    each run's cells are picked in the columns' order first."""

    def __init__(self, layout: _Layout) -> None:
        self.n_params, self.n_metrics = len(layout.params), len(layout.metrics)
        self.param_plans, self.metric_plans = _Plans(layout.params), _Plans(layout.metrics)
        tag_keys = tuple(layout.tags)

        def tag_cells(text: str) -> tuple[str, ...]:
            return tuple(quoted(csv_text(v)) for v in _tag_values(text, tag_keys))

        self.pick = layout.pick
        self.tags = _Memo(tag_cells if self.pick else lambda t: ",".join(tag_cells(t)))
        self.has_tags = bool(tag_keys)

    def batch(self, registry: Registry, ids: list[str]) -> str | None:
        """The lines of the runs ``ids`` (in that order), or ``None`` when one of them
        is still queued, holds a separator, or has an attribute csv.writer would quote
        or this module spells (a formula's start, a duration that is no finite float):
        the caller then writes the batch the long way."""
        rows, waiting = export_rows.read_batch(registry, ids)
        if waiting or not rows:
            return None if waiting else ""
        attributes = [",".join(["" if v is None else str(v) for v in r[:8]]) for r in rows]
        joined = "\x00".join(attributes)
        durations = [r[7] for r in rows if r[7] is not None]
        if joined.count(",") != 7 * len(rows) or _ODD_ATTRIBUTE.search(joined) \
                or not all(type(d) is float for d in durations) \
                or not math.isfinite(math.fsum(durations)) or any(r[9] == 0 for r in rows):
            return None
        lines = self._picked(rows, self.pick) if self.pick else self._whole(rows, attributes)
        self.tags.bound()
        return "\r\n".join(lines) + "\r\n"

    def _whole(self, rows: list[tuple[Any, ...]], attributes: list[str]) -> list[str]:
        """Every column: each run's parts joined as they come."""
        lines = []
        sep = export_rows.VALUE_SEP
        for r, line in zip(rows, attributes, strict=True):
            parts = [line]
            if self.n_params:
                parts.append(_ready_text(self.param_plans, r[10], r[11], self.n_params, sep))
            if self.n_metrics:
                parts.append(_ready_text(self.metric_plans, r[12], r[13], self.n_metrics,
                                         sep))
            if self.has_tags:
                parts.append(self.tags[r[8] or ""])
            lines.append(",".join(parts))
        return lines

    def _picked(self, rows: list[tuple[Any, ...]], pick: list[int]) -> list[str]:
        """Chosen columns: each run's cells (as in ``_whole``), picked."""
        sep = export_rows.VALUE_SEP
        lines = []
        for r in rows:
            cells = ["" if v is None else str(v) for v in r[:8]]
            if self.n_params:
                cells += _ready(self.param_plans, r[10], r[11], self.n_params, sep)
            if self.n_metrics:
                cells += _ready(self.metric_plans, r[12], r[13], self.n_metrics, sep)
            if self.has_tags:
                cells += self.tags[r[8] or ""]
            lines.append(",".join([cells[i] for i in pick]))
        if len(pick) == 1:  # csv.writer writes a row of one empty field as ""
            lines = [line or '""' for line in lines]
        return lines


def _ready_text(plans: _Plans, keys: str | None, cells: str | None, width: int, sep: str
                ) -> str:
    """A run's ready cells of one kind placed in their ``width`` columns, joined."""
    if keys is None or cells is None:
        return "," * (width - 1)
    if plans[keys] is True:
        return cells.replace(sep, ",")
    return ",".join(_ready(plans, keys, cells, width, sep))


def _ready(plans: _Plans, keys: str | None, cells: str | None, width: int, sep: str
           ) -> list[str]:
    """A run's ready cells of one kind placed in their ``width`` columns."""
    if keys is None or cells is None:
        return [""] * width
    plan = plans[keys]
    if plan is True:
        return cells.split(sep)
    row = [""] * width
    for at, cell in zip(plan, cells.split(sep), strict=True):
        if at is not None:
            row[at] = cell
    return row
