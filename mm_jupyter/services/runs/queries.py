"""What the adapters read about runs: one run, recent runs, a page of the list, one
run's details, the keys in use and the change cursor.

The REST list and detail handlers call these once per request; each is one store read
(no extra query or copy), so the server's list latency is the store's.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.core.run_filter import parse_filter
from mm_jupyter.records import Run
from mm_jupyter.services.evaluation.storage import run_reports
from mm_jupyter.services.runs.candidates import family
from mm_jupyter.services.runs.directions import directions_for
from mm_jupyter.store import details, queries, run_columns
from mm_jupyter.store.db import Registry
from mm_jupyter.store.objects import read_run_objects
from mm_jupyter.store.runs import STATUSES

#: The statuses a run can have, in the order the filters offer them.
RUN_STATUSES: tuple[str, ...] = STATUSES


def resolve_run(registry: Registry, ref: str, *, exact: bool = False) -> str:
    """Return the id of the run ``ref`` names: an id, a unique id prefix, or a name.

    A name means the latest run of that name; with ``exact`` only a full id matches.
    Raises ``NotFoundError``.
    """
    return queries.resolve_run(registry, ref, exact=exact)


def get_run(registry: Registry, ref: str) -> Run:
    """Return the run ``ref`` names (id, unique id prefix, or name); ``NotFoundError``."""
    return Run.from_summary(queries.get_run_summary(registry, ref))


def list_runs(
    registry: Registry,
    *,
    experiment: str | None = None,
    status: str | None = None,
    limit: int = 50,
    user: str | None = None,
    include_children: bool = False,
    filter: str | None = None,
    archived: str = "exclude",
    sort: str | None = None,
    order: str = "desc",
) -> list[Run]:
    """Return the most recent runs, newest first (at most one page of ``MAX_LIMIT``),
    or sorted by ``sort``; ``user`` keeps that user's runs, ``filter`` the runs an
    expression of the filter language keeps (docs/filter.md). Child runs (a search's
    candidates) are left out unless ``include_children``: their parent counts them
    (``n_children``). Archived runs only with ``archived`` ``include`` or ``only``."""
    summaries = queries.list_run_summaries(
        registry, experiment=experiment, status=status, limit=limit, user=user,
        children=include_children, filter=filter, archived=archived, sort=sort,
        order=order,
    )
    return [Run.from_summary(s) for s in summaries]


def check_sort(sort: str | None) -> None:
    """Raise ``ValueError`` naming ``sort`` unless ``query_runs`` can sort by it."""
    queries.parse_sort(sort)


def check_filter(text: str | None) -> None:
    """Raise ``FilterError`` (a ``ValueError``) pointing at the bad token of a filter
    expression, if ``text`` is one that does not parse."""
    if text:
        parse_filter(text)


def query_runs(registry: Registry, **options: Any) -> dict[str, Any]:
    """Return one page of run summaries with ``total``, the change ``cursor`` and the
    keyset cursors of the pages around it (docs/rest.md ``GET runs``).

    Options, all optional: ``experiment``, ``status``, ``user``, ``q`` (text in a name, id,
    experiment or tag), ``filter`` (the filter language, docs/filter.md), ``sort`` (a
    column, ``metric:KEY`` or ``param:KEY``), ``order`` (``asc`` or ``desc``),
    ``limit``, ``offset``, ``cursor`` (a ``next_cursor``/``prev_cursor`` of an earlier
    page: keyset paging, which replaces ``offset``), ``children`` (include child runs;
    by default only top-level runs are listed) and ``archived`` (``exclude``,
    ``include``, ``only``). The answer also holds ``next_cursor`` and ``prev_cursor``.
    """
    return queries.query_runs(registry, **options)


def run_detail(registry: Registry, ref: str, *, exact: bool = False) -> dict[str, Any]:
    """Return everything the run ``ref`` recorded (docs/rest.md ``GET runs/{id}``).

    ``ref`` is resolved like ``resolve_run`` (with ``exact``, a full id only).
    ``objects`` are the custom functions and classes the run used (docs/objects.md);
    ``reports`` its evaluation reports (docs/evaluation.md); ``parent`` the run a
    candidate belongs to and ``candidates`` a search run's child runs (docs/autolog.md).
    """
    detail = details.run_detail(registry, ref, exact=exact)
    detail["objects"] = read_run_objects(registry, detail["run"]["id"])
    detail["reports"] = run_reports(registry, detail["artifacts"]["outputs"])
    detail.update(family(registry, detail["run"]))
    return detail


def run_keys(registry: Registry) -> dict[str, Any]:
    """Return the experiment names and the metric and param keys in use, column
    statistics over the 2,000 most recent listed runs (``metric_counts``,
    ``varying_params``, ``tag_keys``: the runs table's default columns), and
    ``directions``: lower (``min``) or higher (``max``) is better, per metric key
    (the stored override, else inferred from the name; services/runs/directions.py)."""
    keys: dict[str, Any] = dict(run_columns.keys(registry))
    keys["directions"] = directions_for(registry, keys["metrics"])
    return keys


def changes(registry: Registry, since: int) -> dict[str, Any]:
    """Return the change cursor, whether it moved after ``since``, and the number of
    firing alerts (the sidebar polls this)."""
    return queries.changes(registry, since)
