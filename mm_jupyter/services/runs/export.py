"""Export the runs a list selects: CSV (``GET runs.csv``, ``runs list --csv``) and a
pandas DataFrame (``mm.runs_frame``), one row per run, like ``mlflow.search_runs``.

Both read the runs a batch at a time (store/runs_export.py), so a CSV streams out
while it is read and never sits whole in memory.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mm_jupyter.store import runs_export
from mm_jupyter.store.db import Registry

if TYPE_CHECKING:
    import pandas

#: The kinds of keyed columns, by the prefix a column name starts with.
PREFIXES = ("params", "metrics", "tags")
MAX_COLUMNS = 1000
# A cell a spreadsheet would run as a formula starts with one of these (OWASP, "CSV
# Injection"); a quote in front makes it text. Plain numbers ("-0.5") are left alone.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA_START)
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


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


_SOURCES = {"params": 1, "metrics": 2, "tags": 3}


def _cell_spec(columns: list[str]) -> list[tuple[int, str]]:
    """Where each column's value is in an ExportRow: (attributes 0, params 1, metrics 2,
    tags 3; key). Resolved once per export, not once per cell."""
    spec = []
    for column in columns:
        prefix, _, key = column.partition(".")
        if column in runs_export.ATTRIBUTES:
            spec.append((0, column))
        else:
            spec.append((_SOURCES[prefix], key))
    return spec


def _batch_rows(batch: runs_export.FrameBatch, spec: list[tuple[int, str]]
                ) -> list[list[str]]:
    attributes = runs_export.ATTRIBUTES
    rows = []
    for run in batch.runs:
        run_id = run[0]
        metrics = {k: float(v) if isinstance(v, str) else v  # 'NaN', 'Infinity' as text
                   for k, v in batch.metrics.get(run_id, {}).items()}
        sources = (dict(zip(attributes, run, strict=True)), batch.params.get(run_id, {}),
                   metrics, batch.tags.get(run_id, {}))
        rows.append([csv_text(sources[where].get(key)) for where, key in spec])
    return rows


def csv_text(value: Any) -> str:
    """One CSV cell: numbers as Python spells them (NaN, Infinity), JSON for lists and
    objects, and text that could start a spreadsheet formula prefixed with ``'``."""
    kind = type(value)
    if kind is str:  # the common cases first: an export writes millions of cells
        if not value or value[0] not in _FORMULA_FIRST or _PLAIN_NUMBER.fullmatch(value):
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
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


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
    spec = _cell_spec(names)
    for batch in runs_export.object_batches(registry, ids):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(_batch_rows(batch, spec))
        yield buffer.getvalue()


def runs_frame(registry: Registry, **options: Any) -> pandas.DataFrame:
    """Return a DataFrame of every run the list ``options`` select, one row per run:
    ``run_id, name, experiment, status, user, start_time, end_time, duration_s``, then
    ``params.K`` (numbers as numbers), ``metrics.K`` (latest values) and ``tags.K``.

    The database builds one JSON object of params and one of metrics per run, which
    pandas reads as records: 100,000 runs with 20 values each fetch 300,000 rows, not
    2.1 million.
    """
    try:
        import pandas as pd
    except ImportError:
        raise ImportError(
            "mm.runs_frame needs pandas: pip install pandas"
            " (or pip install \"mm-jupyter[examples]\")") from None
    ids = runs_export.matching_ids(registry, **options)
    runs: list[tuple[Any, ...]] = []
    params: dict[str, dict[str, Any]] = {}
    metrics: dict[str, dict[str, Any]] = {}
    tags: dict[str, dict[str, Any]] = {}
    for batch in runs_export.frame_batches(registry, ids):
        runs += batch.runs
        params.update(batch.params)
        metrics.update(batch.metrics)
        tags.update(batch.tags)
    index = [r[0] for r in runs]
    frame = pd.DataFrame(runs, columns=list(runs_export.ATTRIBUTES))
    frame.index = pd.Index(index)
    parts = [frame.drop(columns=["id"])]
    param_frame = _records(pd, [params.get(i, {}) for i in index], index)
    parts.append(param_frame.infer_objects().add_prefix("params."))
    metric_frame = _records(pd, [metrics.get(i, {}) for i in index], index)
    # NaN is stored as the text 'NaN' (and PostgreSQL spells non-finite floats so).
    parts.append(metric_frame.apply(pd.to_numeric, errors="coerce").add_prefix("metrics."))
    tag_frame = _records(pd, [tags.get(i, {}) for i in index], index)
    parts.append(tag_frame.add_prefix("tags."))
    frame = pd.concat(parts, axis=1).reindex(ids)  # the list's order
    frame.index.name = "run_id"
    frame = frame.reset_index()
    for column in ("started_at", "finished_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame.rename(columns={"started_at": "start_time", "finished_at": "end_time"})


def _records(pd: Any, rows: list[dict[str, Any]], index: list[str]) -> Any:
    """One column per key (sorted), one row per run."""
    frame = pd.DataFrame.from_records(rows, index=index) if rows else pd.DataFrame(index=index)
    return frame.reindex(columns=sorted(frame.columns))
