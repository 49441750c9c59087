"""The runs a ``mm.runs_frame`` reads, in parts a DataFrame is built from column by
column: each run's attributes and tags, and its params and latest metrics grouped by
key set (issue 16).

``run_exports`` (migration 0016) keeps per run its param keys and its latest metric
keys as JSON arrays, its param values as a JSON array in their keys' order, and its
metric values as little-endian float64 bytes. Runs whose key sets are the same text
form one group: a group's keys are decoded once, its runs' param values in one
``json.loads``, and its metric values are one ``numpy.frombuffer`` away from columns.
100,000 runs of 10 params and 10 metrics decode 1 million values instead of 2 million
keys and values, and none of the metrics.

A run still queued (its row may be stale) or whose row was built before 0016 is read
the long way (runs_export.object_batches) and joins the group of its key set.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mm_jupyter.store import runs_export

if TYPE_CHECKING:
    from mm_jupyter.store.db import Registry

CHUNK = runs_export.BATCH * 10  # runs per read transaction
_NO_KEYS = "[]"


def row_values(params: Mapping[str, Any], metrics: Mapping[str, Any]
               ) -> tuple[str, str, str, bytes]:
    """A run's ``frame_*`` columns as ``run_exports`` holds them: its param keys
    (sorted as Python sorts them: the text runs are grouped by) and values as JSON
    arrays, big ints exact; its metric keys likewise and their values as
    little-endian float64."""
    p_keys, m_keys = sorted(params), sorted(metrics)
    return (_array(p_keys), _array([params[k] for k in p_keys]), _array(m_keys),
            struct.pack(f"<{len(m_keys)}d", *(_metric_float(metrics[k]) for k in m_keys)))


def _array(items: list[Any]) -> str:
    return json.dumps(items, separators=(",", ":"))


def _metric_float(value: Any) -> float:
    """A latest metric value as a float: non-finite ones are stored as text ('NaN',
    'Infinity') on SQLite, and anything else that is no number is NaN."""
    if isinstance(value, float):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # PostgreSQL's JSON spells 3.0 as 3
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return math.nan
    return math.nan


@dataclass
class ParamGroup:
    """The runs at ``positions`` (in ``FrameParts.runs``) that have exactly ``keys``,
    and per run its values in their order."""

    keys: list[str]
    positions: list[int]
    rows: list[list[Any]]


@dataclass
class MetricGroup:
    """The runs at ``positions`` that have exactly ``keys``; ``values`` holds their
    float64 values (little-endian), run after run, each in the keys' order."""

    keys: list[str]
    positions: list[int]
    values: bytes


@dataclass
class FrameParts:
    """``columns``: per ``runs_export.ATTRIBUTES`` its values, one per run (the first
    is the run ids); ``tags``: per run its tags (``None`` unless a JSON object); the
    params and metrics by key set, their positions indexing the runs."""

    columns: list[list[Any]] = field(
        default_factory=lambda: [[] for _ in runs_export.ATTRIBUTES])
    tags: list[Any] = field(default_factory=list)
    params: list[ParamGroup] = field(default_factory=list)
    metrics: list[MetricGroup] = field(default_factory=list)


class _Groups:
    """Runs collected by key set text: positions and encoded values per set."""

    def __init__(self) -> None:
        self.params: dict[str, tuple[list[int], list[str]]] = {}
        self.metrics: dict[str, tuple[list[int], list[bytes]]] = {}

    def add(self, position: int, param_keys: str, params: str | None,
            metric_keys: str, metrics: bytes | None) -> None:
        if param_keys != _NO_KEYS and params is not None:
            group = self.params.get(param_keys)
            if group is None:
                group = self.params[param_keys] = ([], [])
            group[0].append(position)
            group[1].append(params)
        if metric_keys != _NO_KEYS and metrics is not None:
            found = self.metrics.get(metric_keys)
            if found is None:
                found = self.metrics[metric_keys] = ([], [])
            found[0].append(position)
            found[1].append(bytes(metrics))  # psycopg may give a memoryview

    def add_objects(self, position: int, params: Mapping[str, Any],
                    metrics: Mapping[str, Any]) -> None:
        """A run read the long way, encoded as its row would hold it."""
        self.add(position, *row_values(params, metrics))

    def decoded(self) -> tuple[list[ParamGroup], list[MetricGroup], list[int]]:
        """The groups decoded, and the positions of runs in a group whose values do
        not fit its keys (rows written by hand): the caller reads those the long way."""
        params, metrics, damaged = [], [], []
        for text, (positions, rows_text) in self.params.items():
            keys = json.loads(text)
            joined = "[" + ",".join(rows_text) + "]"
            rows_text.clear()  # let go of each text before the values are decoded
            try:
                rows = json.loads(joined)
            except ValueError:
                rows = []
            del joined
            if len(rows) != len(positions) or any(len(r) != len(keys) for r in rows):
                damaged += positions
                continue
            params.append(ParamGroup(keys, positions, rows))
        for text, (positions, blobs) in self.metrics.items():
            keys = json.loads(text)
            values = b"".join(blobs)
            blobs.clear()
            if len(values) != 8 * len(keys) * len(positions):
                damaged += positions
                continue
            metrics.append(MetricGroup(keys, positions, values))
        return params, metrics, damaged


def read(registry: Registry, ids: Sequence[str]) -> FrameParts:
    """The runs ``ids`` names (those that exist), in no set order. The caller takes the
    queue in first (export_rows.catch_up); runs still queued are read the long way."""
    ordered = sorted(ids)
    wanted = set(ordered)
    dense = bool(ordered) and _dense(registry, len(ordered))
    parts = FrameParts()
    tag_texts: list[str] = []
    for match, args in _run_ranges(registry, ordered, dense):
        _read_runs(registry, match, args, wanted, parts, tag_texts)
    parts.tags = _tags(tag_texts)
    position = {run_id: at for at, run_id in enumerate(parts.columns[0])}
    groups = _Groups()
    waiting: dict[str, int] = {}
    for match, args in _id_ranges(ordered, dense):
        _read_values(registry, match, args, position, groups, waiting)
    parts.params, parts.metrics, damaged = groups.decoded()
    for at in damaged:
        waiting[parts.columns[0][at]] = at
    if waiting:
        # A damaged run may sit in a good group of one kind and a bad one of the other:
        # its values of both kinds come from the long way alone.
        long_way = _Groups()
        for batch in runs_export.object_batches(registry, sorted(waiting)):
            for run in batch.runs:
                long_way.add_objects(waiting[run[0]], batch.params.get(run[0], {}),
                                     batch.metrics.get(run[0], {}))
        params, metrics, _ = long_way.decoded()
        gone = set(damaged)
        parts.params = [_params_without(g, gone) for g in parts.params] + params
        parts.metrics = [_metrics_without(g, gone) for g in parts.metrics] + metrics
    return parts


def _dense(registry: Registry, n_ids: int) -> bool:
    """Whether ``n_ids`` runs are most of the registry: then ranges are read in index
    order and the runs left out dropped, instead of looking each one up (three times
    faster at 100,000 runs)."""
    with registry.read() as conn:
        return n_ids * 2 > int(conn.execute("SELECT count(*) FROM runs").fetchone()[0])


def _run_ranges(registry: Registry, ordered: list[str], dense: bool
                ) -> list[tuple[str, list[Any]]]:
    """The ``WHERE`` matches that read the runs ``ordered`` names, ``CHUNK`` at a time.
    SQLite reads most of a registry by rowid: its table in the order it is stored, where
    the id index would visit each row in a random place (0.14 against 0.36 s at
    100,000 runs, measured)."""
    if registry.backend == "sqlite" and dense:
        with registry.read() as conn:
            low, high = conn.execute("SELECT min(rowid), max(rowid) FROM runs").fetchone()
        return [("r.rowid BETWEEN ? AND ?", [start, start + CHUNK - 1])
                for start in range(int(low), int(high) + 1, CHUNK)]
    return [("r.id " + match, args) for match, args in _id_ranges(ordered, dense)]


def _id_ranges(ordered: list[str], dense: bool) -> list[tuple[str, list[Any]]]:
    """``WHERE`` matches on a run id column for the ids ``ordered``, ``CHUNK`` at a
    time: ranges of ids where they are most of the registry (``dense``), else the ids
    themselves."""
    chunks = [ordered[start:start + CHUNK] for start in range(0, len(ordered), CHUNK)]
    if dense:
        return [("BETWEEN ? AND ?", [chunk[0], chunk[-1]]) for chunk in chunks]
    return [(f"IN ({','.join('?' * len(chunk))})", chunk) for chunk in chunks]


def _params_without(group: ParamGroup, gone: set[int]) -> ParamGroup:
    """``group`` less the runs at the positions ``gone``."""
    keep = [i for i, at in enumerate(group.positions) if at not in gone]
    if len(keep) == len(group.positions):
        return group
    return ParamGroup(group.keys, [group.positions[i] for i in keep],
                      [group.rows[i] for i in keep])


def _metrics_without(group: MetricGroup, gone: set[int]) -> MetricGroup:
    """``group`` less the runs at the positions ``gone``."""
    keep = [i for i, at in enumerate(group.positions) if at not in gone]
    if len(keep) == len(group.positions):
        return group
    width = 8 * len(group.keys)
    return MetricGroup(group.keys, [group.positions[i] for i in keep],
                       b"".join(group.values[i * width:(i + 1) * width] for i in keep))


def _read_runs(registry: Registry, match: str, args: list[Any], wanted: set[str],
               parts: FrameParts, tag_texts: list[str]) -> None:
    """Read the runs ``match`` selects into ``parts`` (those ``wanted``) and their tags'
    texts into ``tag_texts``: the JSON texts the database takes for JSON objects, else
    'null'."""
    with registry.read() as conn:
        rows = conn.execute(
            "SELECT r.id, r.name, e.name, r.status, r.user, r.started_at,"
            " r.finished_at, r.duration_s, CASE WHEN r.tags LIKE '{%'"
            " AND json_valid(r.tags) THEN r.tags ELSE 'null' END FROM runs r"
            f" JOIN experiments e ON e.id = r.experiment_id WHERE {match}",
            args).fetchall()
    rows = [r for r in rows if r[0] in wanted]  # a range holds runs left out
    if not rows:
        return
    *columns, tags = zip(*rows, strict=True)
    for mine, theirs in zip(parts.columns, columns, strict=True):
        mine.extend(theirs)
    tag_texts.extend(tags)


def _read_values(registry: Registry, match: str, args: list[Any], position: dict[str, int],
                 groups: _Groups, waiting: dict[str, int]) -> None:
    """Read the ready values of the runs ``match`` selects (by run id) into ``groups``
    (those in ``position``), and put the runs to read the long way in ``waiting``: the
    queued ones, whose rows may be stale, and rows built before 0016. One transaction,
    so that the queue and the rows agree."""
    with registry.read() as conn:
        rows = conn.execute(
            "SELECT run_id, frame_param_keys, frame_params, frame_metric_keys,"
            f" frame_metrics FROM run_exports WHERE run_id {match}", args).fetchall()
        queued = {r[0] for r in conn.execute(
            f"SELECT run_id FROM run_exports_pending WHERE run_id {match}", args)}
    for run_id in queued:
        if run_id in position:
            waiting[run_id] = position[run_id]
    for run_id, param_keys, params, metric_keys, metrics in rows:
        at = position.get(run_id)
        if at is None or run_id in queued:
            continue
        if param_keys is None or metric_keys is None:  # built before 0016
            waiting[run_id] = at
            continue
        groups.add(at, param_keys, params, metric_keys, metrics)


def _tags(texts: list[str]) -> list[Any]:
    """Each run's tags object (``None`` for no JSON object): one parse for all of them,
    or, when one is JSON to the database but not to Python, one parse each."""
    try:
        values = json.loads("[" + ",".join(texts) + "]")
    except ValueError:
        values = []
        for text in texts:
            try:
                values.append(json.loads(text))
            except ValueError:
                values.append(None)
    return [v if isinstance(v, dict) else None for v in values]
