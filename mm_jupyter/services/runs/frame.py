"""``mm.runs_frame``: the runs a list selects as a pandas DataFrame, one row per run,
like ``mlflow.search_runs``, built column by column from the parts store/frame_parts.py
reads (issue 16)."""

from __future__ import annotations

import gc
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mm_jupyter.store import export_rows, frame_parts, runs_export
from mm_jupyter.store.db import Registry

if TYPE_CHECKING:
    import pandas


def runs_frame(registry: Registry, **options: Any) -> pandas.DataFrame:
    """Return a DataFrame of every run the list ``options`` select, one row per run:
    ``run_id, name, experiment, status, user, start_time, end_time, duration_s``, then
    ``params.K`` (numbers as numbers), ``metrics.K`` (latest values, floats) and
    ``tags.K``.

    The params and metrics come grouped by key set (store/frame_parts.py) and become
    columns a group at a time: 100,000 runs with 20 values each decode their param
    values in one call per key set and their metrics not at all.
    """
    try:
        import numpy as np
        import pandas as pd
    except ImportError:
        raise ImportError(
            "mm.runs_frame needs pandas: pip install pandas"
            " (or pip install \"mm-jupyter[examples]\")") from None
    ids = runs_export.matching_ids(registry, **options)
    export_rows.catch_up(registry)
    # A million decoded values, none in a cycle: the collector's passes over them
    # (0.1-0.3 s at 100,000 runs, measured) find nothing: it waits until the frame is built.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _frame(pd, np, ids, frame_parts.read(registry, ids))
    finally:
        if collecting:
            gc.enable()


def _frame(pd: Any, np: Any, ids: list[str], parts: frame_parts.FrameParts
           ) -> pandas.DataFrame:
    """``runs_frame`` of the runs read (in any order), in the order of ``ids``. Each
    part is let go once its columns are built: the decoded values of 100,000 runs take
    several times the frame's memory."""
    index = pd.Index(parts.columns[0])
    frame = pd.DataFrame(dict(zip(runs_export.ATTRIBUTES, parts.columns, strict=True)),
                         index=index)
    parts.columns = []
    params = pd.DataFrame(_param_columns(len(index), parts.params), index=index)
    parts.params = []
    metrics = pd.DataFrame(_metric_columns(np, len(index), parts.metrics), index=index)
    parts.metrics = []
    tags = _records(pd, [t or {} for t in parts.tags], index)
    parts.tags = []
    frame = pd.concat([frame.drop(columns=["id"]),
                       params.infer_objects().add_prefix("params."),
                       metrics.add_prefix("metrics."), tags.add_prefix("tags.")], axis=1)
    frame = frame.reindex(ids)  # the list's order
    frame.index.name = "run_id"
    frame = frame.reset_index()
    for column in ("started_at", "finished_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame.rename(columns={"started_at": "start_time", "finished_at": "end_time"})


def _param_columns(n: int, groups: list[frame_parts.ParamGroup]
                   ) -> dict[str, Sequence[Any]]:
    """Per param key (sorted) its values, one per run, NaN where a run has none (as
    ``DataFrame.from_records`` fills a missing key)."""
    columns: dict[str, Sequence[Any]] = {}
    filled: dict[str, list[Any]] = {}
    for group in groups:
        if len(group.positions) == n:  # every run: the only group
            inverse = [0] * n
            for i, at in enumerate(group.positions):
                inverse[at] = i
            rows = [group.rows[i] for i in inverse]  # in the runs' order
            columns.update(zip(group.keys, zip(*rows, strict=True), strict=False))
            continue
        transposed = zip(*group.rows, strict=True) if group.rows else ()
        for key, values in zip(group.keys, transposed, strict=False):
            column = filled.get(key)
            if column is None:
                column = filled[key] = [math.nan] * n
            for at, value in zip(group.positions, values, strict=True):
                column[at] = value
    columns.update(filled)
    return {key: columns[key] for key in sorted(columns)}


def _metric_columns(np: Any, n: int, groups: list[frame_parts.MetricGroup]
                    ) -> dict[str, Any]:
    """Per metric key (sorted) a float64 array, one value per run, NaN where a run has
    none."""
    columns: dict[str, Any] = {}
    for group in groups:
        block = np.frombuffer(group.values, dtype="<f8").reshape(
            len(group.positions), len(group.keys))
        positions = np.asarray(group.positions, dtype=np.intp)
        for j, key in enumerate(group.keys):
            column = columns.get(key)
            if column is None:
                column = columns[key] = np.full(n, np.nan)
            column[positions] = block[:, j]
    return {key: columns[key] for key in sorted(columns)}


def _records(pd: Any, rows: list[dict[str, Any]], index: Any) -> Any:
    """One column per key (sorted), one row per run."""
    frame = pd.DataFrame.from_records(rows, index=index) if rows else pd.DataFrame(index=index)
    return frame.reindex(columns=sorted(frame.columns))
