"""Read runs for lists, details, the CLI and the server; never writes.

Lists stay fast at 100k runs: the first page sorted by a metric walks the
``latest_metrics (key, value)`` index and stops after one page; params and metrics are
fetched only for the runs on the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.core.paging import MAX_LIMIT, check_page
from mm_jupyter.core.run_filter import Node, parse_filter
from mm_jupyter.encoding import decode_float
from mm_jupyter.errors import NotFoundError
from mm_jupyter.store import text_search
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.run_filter_sql import drivers, filter_sql, without

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
    " r.deleted_at"
    " FROM runs r JOIN experiments e ON e.id = r.experiment_id"
)
# Lists show top-level runs unless asked for children (the candidates of a search).
# "|| ''" keeps SQLite from reading every top-level run through the runs_parent index
# (a NULL looks selective to it) instead of walking the sort's index for one page.
TOP_LEVEL = "r.parent_run_id || '' IS NULL"
#: Which runs a list shows by their archive state; deleted runs never (until gc).
ARCHIVED = {
    "exclude": "r.deleted_at IS NULL AND r.archived_at IS NULL",
    "include": "r.deleted_at IS NULL",
    "only": "r.deleted_at IS NULL AND r.archived_at IS NOT NULL",
}


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


def _filters(
    experiment: str | None, status: str | None, user: str | None = None,
    archived: str = "exclude",
) -> tuple[str, list[Any]]:
    if archived not in ARCHIVED:
        raise ValueError(f"archived must be one of {', '.join(ARCHIVED)}, not {archived!r}")
    clauses, args = [], []
    if experiment:
        clauses.append("e.name = ?")
        args.append(experiment)
    if status:
        clauses.append("r.status = ?")
        args.append(status)
    if user:
        clauses.append("r.user = ?")
        args.append(user)
    return (" AND ".join(clauses) or "1 = 1"), args


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
) -> dict[str, Any]:
    """Return one page of run summaries plus ``total`` and the change ``cursor``.

    ``user`` keeps the runs that user recorded (who ran the tracked cell or the CLI).
    ``q`` keeps the runs whose name, id, experiment or tags contain it, ASCII letters
    in any case (store/text_search.py: trigram indexes on both backends).
    ``filter`` is an expression of the filter language (docs/filter.md;
    ``FilterError``, a ``ValueError``, when it does not parse).
    Child runs (a search's candidates) are left out unless ``children``; each summary
    counts its own (``n_children``). Archived runs are left out unless ``archived`` is
    ``include`` or ``only``; deleted runs always.
    """
    kind, key = parse_sort(sort)
    if order not in ("asc", "desc"):
        raise ValueError(f"order must be 'asc' or 'desc', not {order!r}")
    check_page(limit, offset)
    selection = _selection(experiment, status, user, children, filter, archived)
    where, args = selection.where, selection.args
    direction = "DESC" if order == "desc" else "ASC"
    base = "FROM runs r JOIN experiments e ON e.id = r.experiment_id"
    count_from = selection.count_from
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
            total = _count_listed(conn, registry.backend, selection, children)
        elif total is None and selection.node is not None:
            many = False  # more candidates than SPARSE_MAX: count before listing them
            if not q:
                count_where, count_args, candidates = _count_condition(conn, selection)
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
        if total is None:
            total = conn.execute(
                f"SELECT count(*) {count_from} WHERE {count_where}", count_args).fetchone()[0]
        if kind == "column":
            ids = [
                row[0]
                for row in conn.execute(
                    f"SELECT r.id {base} WHERE {where}"
                    f" ORDER BY {SORT_COLUMNS[key or '']} {direction} LIMIT ? OFFSET ?",
                    [*args, limit, offset],
                )
            ]
        else:
            ids = ids_sorted_by_value(
                conn, kind, key or "", where, args, direction, limit, offset, by_ids=by_ids
            )
        runs = run_summaries(conn, ids)
        cursor = conn.execute("SELECT change_seq FROM registry_state").fetchone()[0]
    return {"total": total, "offset": offset, "limit": limit, "cursor": cursor, "runs": runs}


@dataclass
class Selection:
    """The runs a list or an export selects: ``where``/``args`` (on ``runs r`` joined
    with ``experiments e``), the experiment, status and user filters alone
    (``base_where``, with the same ``args`` when there is no filter, for the count), the
    FROM clause the count needs, the archive mode and the parsed filter."""

    where: str
    args: list[Any]
    base_where: str
    count_from: str
    archived: str = "exclude"
    node: Node | None = None  # the parsed filter
    base_args: list[Any] = field(default_factory=list)  # base_where's
    top_level: bool = True  # child runs left out


def _selection(
    experiment: str | None, status: str | None, user: str | None, children: bool,
    filter_text: str | None, archived: str,
) -> Selection:
    base_where, args = _filters(experiment, status, user, archived)
    base_args = list(args)
    where = f"{ARCHIVED[archived]} AND {base_where}"
    node = None
    if filter_text:
        node = parse_filter(filter_text)
        condition, filter_args = filter_sql(node)
        where, args = f"{where} AND {condition}", [*args, *filter_args]
    if not children:
        where = f"{where} AND {TOP_LEVEL}"
    # The join only matters when a filter names the experiment; without it SQLite
    # counts from the smallest index (0.02 ms instead of 4.5 ms at 100k runs).
    base = "FROM runs r JOIN experiments e ON e.id = r.experiment_id"
    return Selection(where, args, base_where, base if experiment else "FROM runs r",
                     archived, node, base_args, not children)


def selection(
    *, experiment: str | None = None, status: str | None = None, user: str | None = None,
    children: bool = False, filter: str | None = None,
    archived: str = "exclude",
) -> Selection:
    """Return the SQL condition of the list options (``query_runs``'s, but paging)."""
    return _selection(experiment, status, user, children, filter, archived)


#: Up to this many matches a filter's page lists them by id (store/text_search.py).
SPARSE_MAX = text_search.SPARSE_MAX


def _count_condition(
    conn: Connection, selection: Selection
) -> tuple[str, list[Any], int | None]:
    """The condition that counts a filter's runs (``selection.where``, rewritten to run
    faster, same runs), and how many runs its driving test names (``None`` without one).
    Two rewrites, each for SQLite's sake (PostgreSQL plans alike):

    - When no run is archived, deleted or a child (two probes of small indexes), the
      archive and top-level rules keep every run and are left out: a filter on metrics
      and params then never reads the runs' rows and checks the runs in id order, which
      its lookups by run id follow (about 5 times faster than in table order).
    - The filter's most selective indexed test, if it keeps under a quarter of the runs,
      names the runs to check (``r.id IN (...)``, through its (key, value) index)
      instead of being checked on every run: 10k runs read instead of 100k for
      ``metrics.acc > 0.9 and params.lr <= 0.1`` at 100k runs.
    """
    node = selection.node
    assert node is not None
    condition, args = filter_sql(node)
    terms = drivers(node)
    candidates = None
    if terms:
        n_runs = int(conn.execute("SELECT count(*) FROM runs").fetchone()[0])
        cap = n_runs // 4
        best: tuple[int, Node, str, list[Any]] | None = None
        for test, sql, term_args in terms:
            # Counted on the (key, value) index alone: "SELECT 1", not the run ids
            # (params_sort does not hold them; each would read a row).
            probe = sql.replace("SELECT run_id FROM", "SELECT 1 FROM", 1)
            n = int(conn.execute(f"SELECT count(*) FROM ({probe} LIMIT ?) t",
                                 [*term_args, cap + 1]).fetchone()[0])
            if n <= cap and (best is None or n < best[0]):
                best = (n, test, sql, term_args)
        if best is not None:
            candidates, test, sql, term_args = best
            rest = without(node, test)
            condition, args = filter_sql(rest) if rest is not None else ("1 = 1", [])
            condition, args = f"{condition} AND r.id IN ({sql})", [*args, *term_args]
    where = f"{selection.base_where} AND {condition}"
    if not _all_listed(conn, selection):
        where = f"{ARCHIVED[selection.archived]} AND {where}"
        if selection.top_level:
            where = f"{where} AND {TOP_LEVEL}"
    return where, [*selection.base_args, *args], candidates


def _all_listed(conn: Connection, selection: Selection) -> bool:
    """Whether the archive and top-level rules keep every run: no archived or deleted
    run (none deleted for ``archived="include"``), no child run unless listed."""
    if selection.archived == "only":
        return False
    if conn.execute(f"SELECT 1 FROM runs r WHERE {HIDDEN[selection.archived]} LIMIT 1"
                    ).fetchone() is not None:
        return False
    return not selection.top_level or conn.execute(
        f"SELECT 1 FROM runs r WHERE {CHILD} LIMIT 1").fetchone() is None


#: The runs a list hides, by archive mode: the complement of ``ARCHIVED``'s, in the
#: words of migration 0010's partial index ``runs_hidden`` so that it answers them.
HIDDEN = {
    "exclude": "(r.archived_at IS NOT NULL OR r.deleted_at IS NOT NULL)",
    "include": "r.deleted_at IS NOT NULL",
}
CHILD = "r.parent_run_id IS NOT NULL"


def _count_listed(conn: Connection, backend: str, selection: Selection,
                  children: bool) -> int:
    """Count the runs a list shows (no filter, no text search): the runs that pass the
    experiment, status and user filters, less the hidden ones (archived, deleted) and,
    unless ``children``, less the child runs, each count on an index: the filters' own
    (covering; testing parent_run_id or archived_at there reads every row: 3 ms -> 16 ms
    for one experiment, 12-20 ms for all runs at 100k), ``runs_parent`` for the
    children and the partial index ``runs_hidden`` for the hidden runs, usually few."""
    base, args = selection.base_where, selection.args

    def count(condition: str, index: str | None = None) -> int:
        # SQLite would start from the filters' index and read each row; on PostgreSQL
        # the planner picks by its statistics.
        source = selection.count_from
        if index and backend == "sqlite":
            source = source.replace("FROM runs r", f"FROM runs r INDEXED BY {index}", 1)
        return int(conn.execute(f"SELECT count(*) {source} WHERE {condition} AND {base}",
                                args).fetchone()[0])

    if selection.archived == "only":  # the archived runs alone: few, through their index
        shown = ARCHIVED["only"]
        total = count(shown, "runs_hidden")
        return total if children else total - count(f"{CHILD} AND {shown}", "runs_hidden")
    hidden = HIDDEN[selection.archived]
    total = count("1 = 1") - count(hidden, "runs_hidden")
    if not children:
        total -= count(CHILD, "runs_parent") - count(f"{CHILD} AND {hidden}", "runs_hidden")
    return total


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
) -> list[str]:
    """Page through runs with a numeric value for ``key`` first (``kind`` ``metric``
    or ``param``), then the rest, newest first.

    ``by_ids``: ``where`` names a few runs by id (a text search's matches); the key is
    then compared so that no index on it can drive the query, which starts from the
    runs (SQLite would otherwise walk every value of the key: 100 ms at 100k runs).
    """
    table, column = (
        ("latest_metrics", "value") if kind == "metric" else ("params", "value_num")
    )
    key_match = "v.key || '' = ?" if by_ids else "v.key = ?"
    base = (
        f"FROM {table} v JOIN runs r ON r.id = v.run_id"
        " JOIN experiments e ON e.id = r.experiment_id"
        f" WHERE {key_match} AND v.{column} {FINITE_OR_INF} AND {where}"
    )
    ids = [
        row[0]
        for row in conn.execute(
            f"SELECT r.id {base} ORDER BY v.{column} {direction} LIMIT ? OFFSET ?",
            [key, *args, limit, offset],
        )
    ]
    if len(ids) == limit:
        return ids
    n_valued = conn.execute(f"SELECT count(*) {base}", [key, *args]).fetchone()[0]
    rest_offset = max(0, offset - n_valued)
    ids += [
        row[0]
        for row in conn.execute(
            "SELECT r.id FROM runs r JOIN experiments e ON e.id = r.experiment_id"
            f" WHERE {where} AND NOT EXISTS (SELECT 1 FROM {table} v WHERE"
            f" v.run_id = r.id AND v.key = ? AND v.{column} {FINITE_OR_INF})"
            " ORDER BY r.started_at DESC LIMIT ? OFFSET ?",
            [*args, key, limit - len(ids), rest_offset],
        )
    ]
    return ids


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
    }


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


def _distinct_keys(conn: Connection, table: str) -> list[str]:
    # A skip-scan written out: jump from key to key through the (key, ...) index, one
    # seek per distinct key (SELECT DISTINCT scans the whole index without ANALYZE).
    return [
        row[0]
        for row in conn.execute(
            f"WITH RECURSIVE k(key) AS (SELECT min(key) FROM {table} UNION ALL"
            f" SELECT (SELECT min(key) FROM {table} WHERE key > k.key) FROM k"
            " WHERE k.key IS NOT NULL) SELECT key FROM k WHERE key IS NOT NULL"
        )
    ]


#: How many of the most recent top-level runs the column statistics of ``keys`` read:
#: enough to pick sensible default columns, and a bounded cost at any registry size.
STATS_RUNS = 2000


def keys(registry: Registry) -> dict[str, Any]:
    """Return the experiment names and the metric and param keys in use, with column
    statistics over the ``STATS_RUNS`` most recent listed runs: ``metric_counts`` (how
    many of them have each metric), ``varying_params`` (params whose value differs
    between them) and ``tag_keys``."""
    recent = (
        f"SELECT r.id FROM runs r WHERE {TOP_LEVEL} AND {ARCHIVED['exclude']}"
        " ORDER BY r.started_at DESC LIMIT ?"
    )
    with registry.read() as conn:
        experiments = [r[0] for r in conn.execute("SELECT name FROM experiments ORDER BY name")]
        metrics = _distinct_keys(conn, "latest_metrics")
        params = _distinct_keys(conn, "params")
        metric_counts = {
            str(key): int(n) for key, n in conn.execute(
                f"SELECT key, count(*) FROM latest_metrics WHERE run_id IN ({recent})"
                " GROUP BY key ORDER BY key", (STATS_RUNS,))
        }
        varying = [
            str(row[0]) for row in conn.execute(
                f"SELECT key FROM params WHERE run_id IN ({recent}) GROUP BY key"
                " HAVING count(DISTINCT value) > 1 ORDER BY key", (STATS_RUNS,))
        ]
        tag_keys = [
            str(row[0]) for row in conn.execute(
                f"SELECT DISTINCT j.key FROM runs t, json_each(t.tags) j"
                f" WHERE t.id IN ({recent}) ORDER BY j.key", (STATS_RUNS,))
        ]
    return {
        "experiments": experiments, "metrics": metrics, "params": params,
        "metric_counts": metric_counts, "varying_params": varying, "tag_keys": tag_keys,
    }


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
