"""Read runs for lists, details, the CLI and the server; never writes.

Lists stay fast at 100k runs: the first page sorted by a metric walks the
``latest_metrics (key, value)`` index and stops after one page; params and metrics are
fetched only for the runs on the page.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from mm_jupyter.core.paging import MAX_LIMIT, check_page, decode_cursor, encode_cursor
from mm_jupyter.encoding import decode_float
from mm_jupyter.errors import NotFoundError
from mm_jupyter.store import text_search
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.run_selection import (
    SPARSE_MAX,
    all_listed,
    count_condition,
    count_listed,
    selection,
)

T = TypeVar("T")

SORT_COLUMNS = {
    "id": "r.id",
    "name": "r.name",
    "experiment": "e.name",
    "status": "r.status",
    "started_at": "r.started_at",
    "finished_at": "r.finished_at",
    "duration_s": "r.duration_s",
}
# Numeric range that excludes NULL and the text 'NaN' (text sorts above numbers).
FINITE_OR_INF = "BETWEEN -9e999 AND 9e999"
#: How much of a run's note a summary carries (the run's detail has all of it).
NOTE_PREVIEW = 200
SUMMARY_SELECT = (
    "SELECT r.id, r.name, e.name, r.status, r.started_at, r.finished_at, r.duration_s,"
    " r.user, r.host, r.notebook_path, r.tags, r.n_outputs, r.n_figures, r.parent_run_id,"
    f" r.starred, r.archived_at, substr(r.note, 1, {NOTE_PREVIEW}), r.cell_id,"
    " r.deleted_at, r.repro_status, r.repro_issues"
    " FROM runs r JOIN experiments e ON e.id = r.experiment_id"
)
def resolve_run(registry: Registry, ref: str, *, exact: bool = False) -> str:
    """Return the id of the run ``ref`` names: an id, a unique id prefix, or a name.

    A name means the latest run of that name. With ``exact`` only a full id matches
    (the REST API addresses runs by id alone).
    """
    ref = str(ref) if exact else str(ref).strip()
    with registry.read() as conn:
        row = conn.execute("SELECT id FROM runs WHERE id = ?", (ref,)).fetchone()
        if row:
            return str(row[0])
        if exact:
            raise NotFoundError(f"no run with id {ref[:80]!r}")
        row = conn.execute(
            "SELECT id FROM runs WHERE name = ? ORDER BY started_at DESC LIMIT 1", (ref,)
        ).fetchone()
        if row:
            return str(row[0])
        if len(ref) >= 4 and all(c in "0123456789abcdef" for c in ref):
            rows = conn.execute(
                "SELECT id FROM runs WHERE id >= ? AND id < ? LIMIT 2",
                (ref, ref + "g"),
            ).fetchall()
            if len(rows) == 1:
                return str(rows[0][0])
            if len(rows) > 1:
                raise NotFoundError(f"run id prefix {ref!r} is ambiguous")
    raise NotFoundError(f"no run with id or name {ref!r}")


def parse_sort(sort: str | None) -> tuple[str, str | None]:
    """Split a sort spec into ``(kind, key)``; raise ``ValueError`` naming it if bad."""
    sort = sort or "started_at"
    if sort in SORT_COLUMNS:
        return "column", sort
    kind, _, key = sort.partition(":")
    if kind in ("metric", "param") and key:
        return kind, key
    raise ValueError(
        f"unknown sort {sort!r}: use one of {', '.join(SORT_COLUMNS)},"
        " metric:KEY or param:KEY"
    )


def query_runs(
    registry: Registry,
    *,
    experiment: str | None = None,
    status: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    order: str = "desc",
    limit: int = 50,
    offset: int = 0,
    user: str | None = None,
    children: bool = False,
    filter: str | None = None,
    archived: str = "exclude",
    cursor: str | None = None,
) -> dict[str, Any]:
    """Return one page of run summaries plus ``total``, the change ``cursor`` and the
    keyset cursors of the pages around it (``next_cursor``, ``prev_cursor``: ``None``
    at either end).

    ``user`` keeps the runs that user recorded (who ran the tracked cell or the CLI).
    ``q`` keeps the runs whose name, id, experiment or tags contain it, ASCII letters
    in any case (store/text_search.py: trigram indexes on both backends).
    ``filter`` is an expression of the filter language (docs/filter.md;
    ``FilterError``, a ``ValueError``, when it does not parse).
    Child runs (a search's candidates) are left out unless ``children``; each summary
    counts its own (``n_children``). Archived runs are left out unless ``archived`` is
    ``include`` or ``only``; deleted runs always.

    ``cursor`` (a ``next_cursor`` or ``prev_cursor`` of an earlier page, same sort and
    order) replaces ``offset``: the page starts after (or ends before) the row it
    names, found by an index seek, so a deep page costs what the first one does and a
    run recorded meanwhile does not shift it. Its ``offset`` is then the earlier
    page's plus or minus one page (exact unless runs came or went meanwhile).
    An ``offset`` beyond half the runs is counted from the end of the order.
    The order is ``ordering``'s, the same with either way of paging.
    """
    kind, key = parse_sort(sort)
    if order not in ("asc", "desc"):
        raise ValueError(f"order must be 'asc' or 'desc', not {order!r}")
    check_page(limit, offset)
    position = _read_cursor(cursor, sort or "started_at", order) if cursor else None
    chosen = selection(experiment=experiment, status=status, user=user, children=children,
                       filter=filter, archived=archived)
    where, args = chosen.where, chosen.args
    count_from = chosen.count_from
    if q:
        text_search.catch_up(registry)
    with registry.read() as conn:
        total = None
        count_where, count_args = where, args
        if q:
            match = text_search.runs_match(conn, registry.backend, q, where, args, count_from)
            count_where, count_args, total = match.count_where, match.count_args, match.total
            where, args = match.page_where, match.page_args
        by_ids = total is not None
        if total is None and not q and not filter:
            total = count_listed(conn, registry.backend, chosen, children)
        elif total is None and chosen.node is not None:
            many = False  # more candidates than SPARSE_MAX: count before listing them
            if not q:
                count_where, count_args, candidates = count_condition(conn, chosen)
                many = candidates is not None and candidates > SPARSE_MAX
            if many:
                total = conn.execute(f"SELECT count(*) {count_from} WHERE {count_where}",
                                     count_args).fetchone()[0]
            if total is None or total <= SPARSE_MAX:
                ids = [row[0] for row in conn.execute(
                    f"SELECT r.id {count_from} WHERE {count_where} LIMIT ?",
                    [*count_args, SPARSE_MAX + 1])]
                if len(ids) <= SPARSE_MAX:
                    # Few matches: list them by id, as a sparse text search does (a sort
                    # index walked in order would pass over every run that does not
                    # match).
                    where = f"r.id IN ({', '.join('?' * len(ids))})" if ids else "1 = 0"
                    args, total, by_ids = ids, len(ids), True
        narrow = None if by_ids or not q or match.narrow_runs is None else (
            match.narrow_runs, match.narrow_args,
            match.narrow_values or "", match.narrow_value_args)
        # A search's matches lie between the least and the greatest value of a run
        # column it is sorted by, which its count reads along: each walk starts at
        # the first match instead of passing every run before it (run-5xxxx, newest
        # first: 40,000 index entries).
        span = _SPAN.get(key or "") if narrow is not None and kind == "column" else None
        bound = None
        if total is None:
            source = count_from
            if narrow is not None:  # SQLite: the candidates' rowids drive the count
                # (an index of another test, runs_parent, would look each up twice).
                source = source.replace("FROM runs r", "FROM runs r NOT INDEXED", 1)
            counted = conn.execute(
                f"SELECT count(*){f', min({span}), max({span})' if span else ''}"
                f" {source} WHERE {count_where}", count_args).fetchone()
            total = counted[0]
            bound = (span, counted[1], counted[2]) if span and total else None
        segments = _bounded(ordering(registry.backend, kind, key or "", order,
                                     by_ids=by_ids), bound)
        every_run = (not q and not filter and not experiment and not status and not user
                     and offset >= SKIP_ON_INDEX and position is None
                     and all_listed(conn, chosen))
        found = None
        if narrow is not None and isinstance(conn, sqlite3.Connection):
            # Matches spread over the order: the plain walk finds a page in a few
            # hundred index entries. Matches deep in it: stop the walk after a budget
            # and walk again checking the candidates on the index (a bounded cost).
            found = _within_budget(conn, lambda: _page(
                conn, segments, where, args, limit, offset, int(total), position))
        if found is None:
            if narrow is not None:
                segments = _bounded(ordering(registry.backend, kind, key or "", order,
                                             by_ids=by_ids, narrow=narrow), bound)
            found = _page(conn, segments, where, args, limit, offset, int(total),
                          position, every_run=every_run)
        rows, offset, more_before, more_after = found
        runs = run_summaries(conn, [row.id for row in rows])
        change = conn.execute("SELECT change_seq FROM registry_state").fetchone()[0]
    spec = sort or "started_at"
    next_cursor = prev_cursor = None
    if rows and more_after:
        next_cursor = _cursor(spec, order, rows[-1], offset + len(rows), back=False)
    if rows and more_before:
        prev_cursor = _cursor(spec, order, rows[0], offset, back=True)
    return {"total": total, "offset": offset, "limit": limit, "cursor": change,
            "next_cursor": next_cursor, "prev_cursor": prev_cursor, "runs": runs}


#: SQLite VM steps a text search's plain page walk may take before it is stopped
#: (``_within_budget``): about 2 ms, a few thousand index entries and their runs.
WALK_BUDGET = 200_000
_STEP = 1000  # steps between the progress handler's calls


def _within_budget(conn: sqlite3.Connection, work: Callable[[], T]) -> T | None:
    """``work()``, or ``None`` when its SQLite statements took more than
    ``WALK_BUDGET`` VM steps (interrupted: a read is never rolled back)."""
    left = [WALK_BUDGET // _STEP]

    def tick() -> int:
        left[0] -= 1
        return 1 if left[0] < 0 else 0

    conn.set_progress_handler(tick, _STEP)
    try:
        return work()
    except sqlite3.OperationalError as exc:
        if left[0] < 0 and "interrupt" in str(exc):
            return None
        raise
    finally:
        conn.set_progress_handler(None, 0)


# The run columns a search's page is bounded on (``query_runs``): never NULL, each
# the first column of its sort index.
_SPAN = {"started_at": "r.started_at", "name": "r.name", "status": "r.status"}


def _bounded(segments: list[Segment], bound: tuple[str, Any, Any] | None
             ) -> list[Segment]:
    """``segments`` keeping only rows whose ``bound`` column (first) lies between its
    two values (``None``: as they are)."""
    if bound is None:
        return segments
    column, low, high = bound
    return [replace(segment, condition=f"{column} BETWEEN ? AND ? AND {segment.condition}",
                    args=(low, high, *segment.args)) for segment in segments]


@dataclass(frozen=True)
class Segment:
    """One stretch of a list's order: the rows ``condition`` keeps (on ``source``),
    ordered by ``value`` (``None``: all alike) then ``tie``, descending or not.

    A list's order is its segments one after the other: a value sort lists the runs
    with a number for the key, then the others newest first; a sort by a column that
    may be NULL lists the NULLs before or after the others as the backend's ORDER BY
    does (SQLite: NULLs first ascending, PostgreSQL: last).
    """

    source: str
    condition: str
    args: tuple[Any, ...]
    value: str | None
    tie: str
    descending: bool
    #: ``value``'s "a number" test, left out where a seek's bound says as much: SQLite
    #: would otherwise start from this range's end instead of the seek's bound. The
    #: largest number (``top``) then stands for it ascending (text sorts above numbers
    #: on SQLite, NaN above them on PostgreSQL, NULL compares false on both).
    finite: str | None = None
    top: str = "9e999"
    #: ``source`` without the joins, when ``value`` and ``tie`` are on its one table:
    #: a list that keeps every run skips an ``offset`` on the index alone.
    bare: str | None = None
    #: Whether the rows are a value table's (``v``), not the runs' own.
    values: bool = False


@dataclass(frozen=True)
class Row:
    """A listed run and where it sits in its order (``segment``, ``value``, ``tie``)."""

    id: str
    segment: int
    value: Any
    tie: Any


_NULLABLE = frozenset({"finished_at", "duration_s"})
_RUNS = "FROM runs r JOIN experiments e ON e.id = r.experiment_id"


def ordering(backend: str, kind: str, key: str, order: str, *,
             by_ids: bool = False,
             narrow: tuple[str, list[Any], str, list[Any]] | None = None
             ) -> list[Segment]:
    """The order of a list sorted by ``kind``/``key`` (``parse_sort``'s) in ``order``.

    Ties are broken by a column each segment's index holds, so that the order is total
    (keyset paging needs it) and an index walk yields it without a sort: the run id
    for values (the metric and param sort indexes end with it), and for the runs' own
    columns the rowid on SQLite (every index ends with it), the run id on PostgreSQL.
    ``by_ids``: the list names a few runs by id (``ids_sorted_by_value``).
    ``narrow``: a text search's candidates (``RunsMatch.narrow_runs`` and its args,
    ``narrow_values`` and its args), tested on each segment's index before its run's
    row is read.
    """
    segments = _ordering(backend, kind, key, order, by_ids)
    if narrow is None:
        return segments
    on_runs, run_args, on_values, value_args = narrow
    return [replace(segment, args=(*(value_args if segment.values else run_args),
                                   *segment.args), condition=(
        f"{on_values if segment.values else on_runs} AND {segment.condition}"))
        for segment in segments]


def _ordering(backend: str, kind: str, key: str, order: str,
              by_ids: bool) -> list[Segment]:
    descending = order == "desc"
    sqlite = backend == "sqlite"
    run_tie = "r.rowid" if sqlite else "r.id"
    if kind == "column":
        column = SORT_COLUMNS[key]
        bare = None if key == "experiment" else "FROM runs r"
        if key not in _NULLABLE:
            return [Segment(_RUNS, "1 = 1", (), column, run_tie, descending, bare=bare)]
        valued = Segment(_RUNS, f"{column} IS NOT NULL", (), column, run_tie, descending,
                         bare=bare)
        nulls = Segment(_RUNS, f"{column} IS NULL", (), None, run_tie, descending,
                        bare=bare)
        nulls_first = (not descending) if sqlite else descending
        return [nulls, valued] if nulls_first else [valued, nulls]
    table, column = (
        ("latest_metrics", "value") if kind == "metric" else ("params", "value_num")
    )
    # Few runs named by id: compare the key so that no index on it drives the query,
    # which then starts from those runs (SQLite would otherwise walk every value of
    # the key: 100 ms at 100k runs).
    key_match = "v.key || '' = ?" if by_ids else "v.key = ?"
    tie = "v.run_id"  # the sort indexes end with it (params_sort since migration 0012)
    valued = Segment(
        f"FROM {table} v JOIN runs r ON r.id = v.run_id"
        " JOIN experiments e ON e.id = r.experiment_id",
        key_match, (key,), f"v.{column}", tie, descending,
        finite=f"v.{column} {FINITE_OR_INF}",
        top="9e999" if sqlite else "'Infinity'::float8", bare=f"FROM {table} v",
        values=True)
    rest = Segment(
        _RUNS, f"NOT EXISTS (SELECT 1 FROM {table} v WHERE v.run_id = r.id AND v.key = ?"
        f" AND v.{column} {FINITE_OR_INF})", (key,), "r.started_at", run_tie, True,
        bare="FROM runs r")
    return [valued, rest]


def _walk(conn: Connection, segments: list[Segment], where: str, args: list[Any],
          limit: int, *, skip: int = 0, after: Row | None = None,
          backward: bool = False) -> list[Row]:
    """Up to ``limit`` rows of the order (``backward``: of the reversed order), after
    ``skip`` rows or after the row ``after``: at most one query per segment, each
    stopping after what is still wanted (``LIMIT``), plus a count of a segment that a
    ``skip`` passes over whole."""
    rows: list[Row] = []
    indexes = range(len(segments) - 1, -1, -1) if backward else range(len(segments))
    for i in indexes:
        if after is not None and (i > after.segment if backward else i < after.segment):
            continue
        segment = segments[i]
        desc = segment.descending != backward
        direction, op = ("DESC", "<") if desc else ("ASC", ">")
        condition = f"{segment.condition} AND {where}"
        seek: list[Any] = []
        seeking = after is not None and i == after.segment
        if segment.finite and not seeking:
            condition += f" AND {segment.finite}"
        elif segment.finite and not desc:
            condition += f" AND {segment.value} <= {segment.top}"
        if after is not None and seeking:
            if segment.value is None:
                condition += f" AND {segment.tie} {op} ?"
                seek = [after.tie]
            else:
                condition += (f" AND {segment.value} {op}= ? AND ({segment.value} {op} ?"
                              f" OR {segment.tie} {op} ?)")
                seek = [after.value, after.value, after.tie]
        keys = (f"{segment.value} {direction}, " if segment.value else "") + \
            f"{segment.tie} {direction}"
        found = conn.execute(
            f"SELECT r.id, {segment.value or 'NULL'}, {segment.tie} {segment.source}"
            f" WHERE {condition} ORDER BY {keys} LIMIT ? OFFSET ?",
            [*segment.args, *args, *seek, limit - len(rows), skip]).fetchall()
        rows += [Row(r[0], i, r[1], r[2]) for r in found]
        if len(rows) >= limit:
            break
        if skip:
            if found:
                skip = 0
            else:  # the whole segment lies before the page: how many rows it has
                n = conn.execute(f"SELECT count(*) {segment.source} WHERE {condition}",
                                 [*segment.args, *args, *seek]).fetchone()[0]
                skip = max(0, skip - int(n))
    return rows


def _skip(conn: Connection, segments: list[Segment], skip: int, *,
          backward: bool = False) -> Row | None:
    """The row ``skip`` rows into the order of a list that keeps every run, read on
    the segments' indexes alone (``None``: fewer rows, or a segment without a bare
    source). Counting 50,000 index entries costs a few ms where the list's own query
    reads each run's row: a page jump then seeks from this row."""
    indexes = range(len(segments) - 1, -1, -1) if backward else range(len(segments))
    for i in indexes:
        segment = segments[i]
        if segment.bare is None:
            return None
        direction = "DESC" if segment.descending != backward else "ASC"
        condition = segment.condition
        if segment.finite:
            condition += f" AND {segment.finite}"
        keys = (f"{segment.value} {direction}, " if segment.value else "") + \
            f"{segment.tie} {direction}"
        found = conn.execute(
            f"SELECT {segment.value or 'NULL'}, {segment.tie} {segment.bare}"
            f" WHERE {condition} ORDER BY {keys} LIMIT 1 OFFSET ?",
            [*segment.args, skip - 1]).fetchone()
        if found is not None:
            return Row("", i, found[0], found[1])
        n = conn.execute(f"SELECT count(*) {segment.bare} WHERE {condition}",
                         list(segment.args)).fetchone()[0]
        skip -= int(n)
    return None


#: From this offset on, a list that keeps every run skips on the indexes alone.
SKIP_ON_INDEX = 500


def _page(conn: Connection, segments: list[Segment], where: str, args: list[Any],
          limit: int, offset: int, total: int, position: tuple[bool, Row, int] | None,
          *, every_run: bool = False) -> tuple[list[Row], int, bool, bool]:
    """The rows of one page, its offset, and whether rows come before and after it.

    ``every_run``: ``where`` keeps every run (no filter, nothing hidden), so that an
    offset can be skipped on the indexes alone (``_skip``)."""
    if position is not None:
        back, row, at = position
        if not back:
            rows = _walk(conn, segments, where, args, limit + 1, after=row)
            return rows[:limit], at, at > 0, len(rows) > limit
        rows = _walk(conn, segments, where, args, limit + 1, after=row, backward=True)
        if len(rows) > limit:
            rows = rows[:limit][::-1]
            return rows, max(1, at - limit), True, True
        offset = 0  # the first page (runs came or went: it may have fewer rows)
    if offset > total // 2 and offset < total:
        # Nearer the end: count from there, in the reversed order.
        from_end = total - offset - limit
        skip, after = max(0, from_end), None
        if every_run and skip >= SKIP_ON_INDEX:
            after = _skip(conn, segments, skip, backward=True)
            skip = 0 if after is not None else skip
        rows = _walk(conn, segments, where, args, limit + min(0, from_end),
                     skip=skip, after=after, backward=True)[::-1]
    else:
        skip, after = offset, None
        if every_run and skip >= SKIP_ON_INDEX:
            after = _skip(conn, segments, skip)
            skip = 0 if after is not None else skip
        rows = _walk(conn, segments, where, args, limit + 1, skip=skip, after=after)
        more = len(rows) > limit
        return rows[:limit], offset, offset > 0, more
    return rows, offset, offset > 0, offset + len(rows) < total


def _cursor(spec: str, order: str, row: Row, at: int, *, back: bool) -> str:
    return encode_cursor({"s": spec, "o": order, "b": int(back), "g": row.segment,
                          "v": row.value, "t": row.tie, "n": at})


def _read_cursor(token: str, spec: str, order: str) -> tuple[bool, Row, int]:
    """``(backward, row, offset)`` of a cursor token; ``ValueError`` when it is not one
    of this sort and order."""
    payload = decode_cursor(token)
    if payload.get("s") != spec or payload.get("o") != order:
        raise ValueError(
            "cursor belongs to another sort or order: start again without it")
    segment, at = payload.get("g"), payload.get("n")
    value, tie = payload.get("v"), payload.get("t")
    if not isinstance(segment, int) or not isinstance(at, int) or at < 0 \
            or not isinstance(tie, int | str) or isinstance(tie, bool) \
            or not (value is None or isinstance(value, int | float | str)):
        raise ValueError("bad cursor: pass a next_cursor or prev_cursor unchanged")
    return bool(payload.get("b")), Row("", segment, value, tie), at


def ids_sorted_by_value(
    conn: Connection,
    kind: str,
    key: str,
    where: str,
    args: list[Any],
    direction: str,
    limit: int,
    offset: int,
    *,
    by_ids: bool = False,
    backend: str = "postgresql",
) -> list[str]:
    """Page through runs with a numeric value for ``key`` first (``kind`` ``metric``
    or ``param``), then the rest, newest first (``ordering``'s order).

    ``by_ids``: ``where`` names a few runs by id (a text search's matches); the key is
    then compared so that no index on it can drive the query, which starts from the
    runs (SQLite would otherwise walk every value of the key: 100 ms at 100k runs).
    ``backend``'s ties (the default's, run ids, are valid SQL on both backends).
    """
    segments = ordering(backend, kind, key, direction.lower(), by_ids=by_ids)
    return [row.id for row in _walk(conn, segments, where, args, limit, skip=offset)]


def run_summaries(conn: Connection, ids: list[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"{SUMMARY_SELECT} WHERE r.id IN ({marks})", ids).fetchall()
    params: dict[str, dict[str, Any]] = {i: {} for i in ids}
    metrics: dict[str, dict[str, Any]] = {i: {} for i in ids}
    for run_id, key, value in conn.execute(
        f"SELECT run_id, key, value FROM params WHERE run_id IN ({marks})", ids
    ):
        params[run_id][key] = _json_or_marker(value)
    for run_id, key, value in conn.execute(
        f"SELECT run_id, key, value FROM latest_metrics WHERE run_id IN ({marks})", ids
    ):
        metrics[run_id][key] = decode_float(value)
    n_children = dict(conn.execute(
        f"SELECT parent_run_id, count(*) FROM runs WHERE parent_run_id IN ({marks})"
        " GROUP BY parent_run_id", ids).fetchall())
    by_id = {
        row[0]: _summary(row, params[row[0]], metrics[row[0]], int(n_children.get(row[0], 0)))
        for row in rows
    }
    return [by_id[i] for i in ids if i in by_id]


def _json_or_marker(text: Any) -> Any:
    """Parse a JSON column; one unreadable record must not hide the others."""
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return {"_unreadable": str(text)[:200]}


def _summary(
    row: tuple[Any, ...], params: dict[str, Any], metrics: dict[str, Any], n_children: int
) -> dict[str, Any]:
    tags = _json_or_marker(row[10])
    if not isinstance(tags, dict):
        tags = {"_unreadable": str(row[10])[:200]}
    return {
        "id": row[0],
        "name": row[1],
        "experiment": row[2],
        "status": row[3],
        "started_at": row[4],
        "finished_at": row[5],
        "duration_s": row[6],
        "user": row[7],
        "host": row[8],
        "notebook_path": row[9],
        "tags": tags,
        "params": params,
        "metrics": metrics,
        "n_outputs": row[11],
        "n_figures": row[12],
        "parent_run_id": row[13],
        "n_children": n_children,
        "starred": bool(row[14]),
        "archived_at": row[15],
        "note": row[16],
        "cell_id": row[17],
        "deleted_at": row[18],  # set only on a run named by id: lists never show these
        "reproducibility": _reproducibility(row[19], row[20]),
    }


def _reproducibility(status: str | None, issues: str | None) -> dict[str, Any] | None:
    """A run's hidden-state analysis, ``None`` for runs recorded before it existed."""
    if status is None:
        return None
    found = _json_or_marker(issues) if issues else []
    return {"status": status, "issues": found if isinstance(found, list) else []}


def get_run_summary(registry: Registry, ref: str) -> dict[str, Any]:
    """Return the summary of the run ``ref`` names (id, id prefix or name)."""
    run_id = resolve_run(registry, ref)
    with registry.read() as conn:
        return run_summaries(conn, [run_id])[0]


def list_run_summaries(
    registry: Registry,
    *,
    experiment: str | None = None,
    status: str | None = None,
    limit: int = 50,
    user: str | None = None,
    children: bool = False,
    filter: str | None = None,
    archived: str = "exclude",
    sort: str | None = None,
    order: str = "desc",
) -> list[dict[str, Any]]:
    """Return the most recent runs, newest first (child runs only with ``children``),
    or sorted by ``sort``; ``filter`` and ``archived`` as in ``query_runs``."""
    page = query_runs(
        registry, experiment=experiment, status=status, limit=min(limit, MAX_LIMIT), user=user,
        children=children, filter=filter, archived=archived, sort=sort, order=order,
    )
    return list(page["runs"])


def blob_info(registry: Registry, digest: str) -> dict[str, Any] | None:
    """Return ``{digest, size, media_type}`` of a recorded blob, or ``None``."""
    with registry.read() as conn:
        row = conn.execute(
            "SELECT digest, size, media_type FROM blobs WHERE digest = ?", (digest,)
        ).fetchone()
    return None if row is None else {"digest": row[0], "size": row[1], "media_type": row[2]}


def changes(registry: Registry, since: int) -> dict[str, Any]:
    """Return the change cursor, whether anything changed after ``since``, and the
    number of firing monitoring alerts nobody has acknowledged (the sidebar's badge;
    one count on an index)."""
    with registry.read() as conn:
        cursor = conn.execute("SELECT change_seq FROM registry_state").fetchone()[0]
        firing = conn.execute(
            "SELECT count(*) FROM monitor_alerts WHERE state = 'firing'"
            " AND acknowledged_at IS NULL"
        ).fetchone()[0]
    return {"cursor": int(cursor), "changed": cursor != since, "firing": int(firing)}
