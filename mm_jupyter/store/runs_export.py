"""Read every run a list's options select, in the list's order, a batch at a time:
what ``GET runs.csv``, ``mm-jupyter runs list --csv`` and ``mm.runs_frame`` export.

The ordered ids of the matching runs are read in one query (about 70 bytes each in
memory: 7 MB at 100,000 runs); their columns are then read ``BATCH`` runs per read
transaction, so the registry's lock is never held for the whole export and memory
holds one batch of rows, not the registry.

The CSV export reads :func:`wide_batches`: per run one row of its attributes and tags
text, and its params and latest metrics each as two texts the database joins (the
keys, the values), so that 100,000 runs of 20 values cross into Python as 300,000
rows, not 2.1 million, and the caller splits them in C. :func:`object_batches` gives
a CSV's runs as decoded objects, per run and key (and ``mm.runs_frame`` the runs it
cannot read ready, store/frame_parts.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from mm_jupyter.store import queries, run_selection, text_search
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection

BATCH = 1000
#: The run's own columns, first in every export, in this order.
ATTRIBUTES = ("id", "name", "experiment", "status", "user", "started_at", "finished_at",
              "duration_s")
_ALL = 2**62  # "no limit" that SQLite and PostgreSQL both take as a LIMIT


def matching_ids(registry: Registry, **options: Any) -> list[str]:
    """Return the ids of every run the list options select (``query_runs``'s, but
    ``limit``/``offset``), in the list's order."""
    kind, key = queries.parse_sort(options.pop("sort", None))
    order = options.pop("order", "desc")
    if order not in ("asc", "desc"):
        raise ValueError(f"order must be 'asc' or 'desc', not {order!r}")
    query = options.pop("q", None)
    selection = run_selection.selection(**options)
    where, args = selection.where, selection.args
    direction = "DESC" if order == "desc" else "ASC"
    base = "FROM runs r JOIN experiments e ON e.id = r.experiment_id"
    if query:
        text_search.catch_up(registry)
    with registry.read() as conn:
        if query:
            match = text_search.runs_match(conn, registry.backend, query, where,
                                                   args, selection.count_from)
            where, args = match.page_where, match.page_args
        if kind == "column":
            # r.id breaks ties, so that the order is the same from one export to the next.
            return [row[0] for row in conn.execute(
                f"SELECT r.id {base} WHERE {where}"
                f" ORDER BY {queries.SORT_COLUMNS[key or '']} {direction}, r.id {direction}",
                args)]
        return queries.ids_sorted_by_value(conn, kind, key or "", where, args, direction,
                                           _ALL, 0)


@dataclass
class ObjectBatch:
    """Runs with their values as objects: ``runs`` (the ``ATTRIBUTES`` of each), and
    per run id its ``params``, ``metrics`` and ``tags``. The database builds one JSON
    text per batch and kind, parsed in one call: a long format would fetch 2.1 million
    rows for 100,000 runs of 20 values, and a JSON text per run costs a call per run.
    Metric values are numbers, or the text ``"NaN"``."""

    runs: list[tuple[Any, ...]]
    params: dict[str, dict[str, Any]]
    metrics: dict[str, dict[str, Any]]
    tags: dict[str, dict[str, Any]]


# One JSON object per run, by the database's own aggregate (the dialect boundary).
_JSON_OBJECT_AGG = {"sqlite": "json_group_object", "postgresql": "json_object_agg"}
_AS_JSON = {"sqlite": "json({})", "postgresql": "({})::json"}
# SQLite writes a REAL into JSON with 15 significant digits (not every float survives)
# and an infinite one as Inf, which no JSON parser reads back: write 17 digits, which
# read back the same float, and spell infinities as text, like the 'NaN' text.
# PostgreSQL's JSON already writes floats exactly and non-finite ones as strings.
_METRIC_JSON = {
    "sqlite": "CASE WHEN typeof(value) = 'text' THEN value"
              " WHEN value > 1.7976931348623157e308 THEN 'Infinity'"
              " WHEN value < -1.7976931348623157e308 THEN '-Infinity'"
              " ELSE json(printf('%!.17g', value)) END",
    "postgresql": "value",
}
# A big int is stored as its decimal text with a value_num (encoding.decode_param):
# unquoted, it is a JSON number that json.loads reads back exactly.
_BIG_INT = "value_num IS NOT NULL AND substr(value, 1, 1) = '\"'"
_DIGITS = "substr(value, 2, length(value) - 2)"
_PARAM_JSON = {
    "sqlite": f"CASE WHEN {_BIG_INT} THEN json({_DIGITS}) ELSE json(value) END",
    "postgresql": f"CASE WHEN {_BIG_INT} THEN {_DIGITS}::json ELSE value::json END",
}


def object_batches(registry: Registry, ids: Sequence[str], size: int = BATCH
                   ) -> Iterator[ObjectBatch]:
    """Yield the runs ``ids`` names ``size`` at a time, each batch's ``runs`` in the
    order of ``ids`` (a CSV export's rows)."""
    for start in range(0, len(ids), size):
        chunk = list(ids[start:start + size])
        batch = _objects(registry, chunk)
        by_id = {r[0]: r for r in batch.runs}
        batch.runs = [by_id[i] for i in chunk if i in by_id]
        yield batch


def _objects(registry: Registry, chunk: list[str]) -> ObjectBatch:
    """Read a batch of runs by id."""
    backend = registry.backend
    agg, param_json = _JSON_OBJECT_AGG[backend], _PARAM_JSON[backend]
    as_json, metric_json = _AS_JSON[backend], _METRIC_JSON[backend]
    match, args = f"IN ({','.join('?' * len(chunk))})", list(chunk)

    def by_run(conn: Connection, sql: str) -> dict[str, dict[str, Any]]:
        # {run id: inner object} in one JSON text (psycopg decodes json values itself).
        text = conn.execute(
            f"SELECT {agg}(run_id, {as_json.format('obj')}) FROM ({sql}) t", args
        ).fetchone()[0]
        value = json.loads(text) if isinstance(text, str) else text
        return value if isinstance(value, dict) else {}

    # Read inside one transaction, return outside it: the next batch may be asked for
    # from another thread (the server's executor), which must not hold this one's lock.
    with registry.read() as conn:
        runs = conn.execute(
            "SELECT r.id, r.name, e.name, r.status, r.user, r.started_at,"
            " r.finished_at, r.duration_s FROM runs r"
            f" JOIN experiments e ON e.id = r.experiment_id WHERE r.id {match}",
            args).fetchall()
        params = by_run(conn, f"SELECT run_id, {agg}(key, {param_json}) AS obj"
                        f" FROM params WHERE run_id {match} GROUP BY run_id")
        metrics = by_run(conn, f"SELECT run_id, {agg}(key, {metric_json}) AS obj"
                         f" FROM latest_metrics WHERE run_id {match} GROUP BY run_id")
        tags = by_run(conn, f"SELECT id AS run_id, tags AS obj FROM runs"
                      f" WHERE id {match} AND json_valid(tags) AND tags LIKE '{{%'")
    return ObjectBatch([tuple(r) for r in runs], params, metrics, tags)


def keys_in_use(registry: Registry, ids: Sequence[str], size: int = BATCH
                ) -> tuple[list[str], list[str], list[str]]:
    """Return the sorted param, metric and tag keys the runs ``ids`` use.

    When ``ids`` are most of the registry, the keys are counted over every run (on the
    (key, value) indexes) and over the runs left out: a key is in use when more runs
    have it than the left-out ones. That reads the few runs left out instead of
    looking up each of the many in.
    """
    with registry.read() as conn:
        n_runs = int(conn.execute("SELECT count(*) FROM runs").fetchone()[0])
    if len(ids) * 2 > n_runs:
        return _keys_of_most(registry, ids, size, every=len(ids) >= n_runs)
    params: set[str] = set()
    metrics: set[str] = set()
    tags: set[str] = set()
    for start in range(0, len(ids), size):
        chunk = list(ids[start:start + size])
        marks = ",".join("?" * len(chunk))
        with registry.read() as conn:
            params.update(r[0] for r in conn.execute(
                f"SELECT DISTINCT key FROM params WHERE run_id IN ({marks})", chunk))
            metrics.update(r[0] for r in conn.execute(
                f"SELECT DISTINCT key FROM latest_metrics WHERE run_id IN ({marks})", chunk))
            tags.update(str(r[0]) for r in conn.execute(
                f"SELECT DISTINCT j.key FROM runs t, json_each(t.tags) j"
                f" WHERE t.id IN ({marks})", chunk))
    return sorted(params), sorted(metrics), sorted(tags)


# Per kind of key, how many of the runs (all of them, or those ``{where}`` keeps) use
# each key.
_KEY_COUNTS = (
    ("p", "SELECT key, count(*) FROM params {where} GROUP BY key", "run_id"),
    ("m", "SELECT key, count(*) FROM latest_metrics {where} GROUP BY key", "run_id"),
    ("t", "SELECT j.key, count(*) FROM runs t, json_each(t.tags) j {where}"
          " GROUP BY j.key", "t.id"),
)


def _keys_of_most(registry: Registry, ids: Sequence[str], size: int, *, every: bool
                  ) -> tuple[list[str], list[str], list[str]]:
    """``keys_in_use`` of ``ids`` that are most of the registry (see there); ``every``:
    they are all its runs (none left out)."""
    counts: dict[tuple[str, str], int] = {}
    with registry.read() as conn:
        for kind, sql, _ in _KEY_COUNTS:
            for key, n in conn.execute(sql.format(where="")):
                counts[(kind, str(key))] = int(n)
        left_out: list[str] = []
        if not every:
            wanted = set(ids)
            left_out = [r[0] for r in conn.execute("SELECT id FROM runs")
                        if r[0] not in wanted]
    for start in range(0, len(left_out), size):
        chunk = left_out[start:start + size]
        marks = ",".join("?" * len(chunk))
        with registry.read() as conn:
            for kind, sql, run_id in _KEY_COUNTS:
                where = f"WHERE {run_id} IN ({marks})"
                for key, n in conn.execute(sql.format(where=where), chunk):
                    counts[(kind, str(key))] -= int(n)
    used = {kind: sorted(key for (k, key), n in counts.items() if k == kind and n > 0)
            for kind in "pmt"}
    return used["p"], used["m"], used["t"]


#: The separators of a run's keys and of its param values in a ``WideBatch``. JSON
#: text has no raw control character; a key that holds one is caught by its count.
KEY_SEP = "\x1f"
VALUE_SEP = "\x1e"
#: A param value marked so is a big int's decimal text (encoding.decode_param).
BIG_INT_MARK = "#"


@dataclass
class WideBatch:
    """A batch of runs as the exports read them (see the module's docstring).

    ``runs``: per run its ``ATTRIBUTES`` and its tags' JSON text, in the order of the
    ids asked for. ``params``: per run id its keys joined by ``KEY_SEP`` and its
    values' JSON texts joined by ``VALUE_SEP`` (a big int's text after
    ``BIG_INT_MARK``), in the same order. ``metrics``: per run id its keys joined by
    ``KEY_SEP`` and its latest values as a JSON array's items (``"a,b"``): each float
    written so it reads back the same, non-finite ones as the bare ``NaN``,
    ``Infinity`` and ``-Infinity`` that Python's JSON reader takes.
    """

    runs: list[tuple[Any, ...]]
    params: dict[str, tuple[str, str]]
    metrics: dict[str, tuple[str, str]]


# The aggregates of one run's keys and values, by dialect; each orders both alike.
_WIDE_PARAMS = {
    "sqlite": "SELECT run_id, group_concat(key, char(31)), group_concat(CASE WHEN"
              f" {_BIG_INT} THEN '{BIG_INT_MARK}' || value ELSE value END, char(30))"
              " FROM params WHERE run_id IN ({marks}){keys} GROUP BY run_id",
    "postgresql": "SELECT run_id, string_agg(key, chr(31) ORDER BY key), string_agg(CASE"
                  f" WHEN {_BIG_INT} THEN '{BIG_INT_MARK}' || value ELSE value END,"
                  " chr(30) ORDER BY key) FROM params WHERE run_id IN ({marks}){keys}"
                  " GROUP BY run_id",
}
# SQLite: 17 significant digits read back the same float (its own text has 15).
# PostgreSQL's float text is already the shortest that reads back the same.
_WIDE_METRICS = {
    "sqlite": "SELECT run_id, group_concat(key, char(31)), group_concat(CASE"
              " WHEN typeof(value) = 'real' AND value BETWEEN -1.7976931348623157e308"
              " AND 1.7976931348623157e308 THEN printf('%!.17g', value)"
              " WHEN value IS NULL THEN 'null'"
              " WHEN typeof(value) = 'text' THEN CASE WHEN value IN"
              " ('NaN', 'Infinity', '-Infinity') THEN value ELSE json_quote(value) END"
              " WHEN value > 0 THEN 'Infinity' ELSE '-Infinity' END, ',')"
              " FROM latest_metrics WHERE run_id IN ({marks}){keys} GROUP BY run_id",
    "postgresql": "SELECT run_id, string_agg(key, chr(31) ORDER BY key),"
                  " string_agg(COALESCE(value::text, 'null'), ',' ORDER BY key)"
                  " FROM latest_metrics WHERE run_id IN ({marks}){keys} GROUP BY run_id",
}


def wide_batches(registry: Registry, ids: Sequence[str], size: int = BATCH * 2, *,
                 params: Sequence[str] | None = None, metrics: Sequence[str] | None = None
                 ) -> Iterator[WideBatch]:
    """Yield the runs ``ids`` names ``size`` at a time, each batch's ``runs`` in the
    order of ``ids``: up to three queries a batch, one row per run each. ``params`` and
    ``metrics``: the only keys to read of each (``None``: every key; none: no query)."""
    backend = registry.backend
    wanted = [(_WIDE_PARAMS[backend], params), (_WIDE_METRICS[backend], metrics)]
    for start in range(0, len(ids), size):
        chunk = list(ids[start:start + size])
        marks = ",".join("?" * len(chunk))
        joined: list[dict[str, tuple[str, str]]] = []
        # Read inside one transaction, return outside it (see _objects).
        with registry.read() as conn:
            runs = conn.execute(
                "SELECT r.id, r.name, e.name, r.status, r.user, r.started_at,"
                " r.finished_at, r.duration_s, r.tags FROM runs r"
                f" JOIN experiments e ON e.id = r.experiment_id WHERE r.id IN ({marks})",
                chunk).fetchall()
            for sql, keys in wanted:
                if keys is not None and not keys:
                    joined.append({})
                    continue
                only = "" if keys is None else f" AND key IN ({','.join('?' * len(keys))})"
                joined.append({r[0]: (r[1], r[2]) for r in conn.execute(
                    sql.format(marks=marks, keys=only), [*chunk, *(keys or ())])})
        by_id = {r[0]: r for r in runs}
        yield WideBatch([tuple(by_id[i]) for i in chunk if i in by_id], *joined)
