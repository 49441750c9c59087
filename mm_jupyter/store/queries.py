"""Read runs for lists, details, the CLI and the server; never writes.

Lists stay fast at 100k runs: the first page sorted by a metric walks the
``latest_metrics (key, value)`` index and stops after one page; params and metrics are
fetched only for the runs on the page.
"""

from __future__ import annotations

import json
from typing import Any

from mm_jupyter.core.paging import MAX_LIMIT, check_page
from mm_jupyter.encoding import decode_float
from mm_jupyter.errors import NotFoundError
from mm_jupyter.store import text_search
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.run_selection import (
    SPARSE_MAX,
    count_condition,
    count_listed,
    selection,
)

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
    chosen = selection(experiment=experiment, status=status, user=user, children=children,
                       filter=filter, archived=archived)
    where, args = chosen.where, chosen.args
    direction = "DESC" if order == "desc" else "ASC"
    base = "FROM runs r JOIN experiments e ON e.id = r.experiment_id"
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
