"""Which runs, artifact versions and model versions a push or a pull carries.

A push carries what changed since the last push to that remote (or the runs and
experiment asked for); a pull carries named models with their lineage. Either way the
selection is closed over what rows point at: a version's producing run, a model
version's artifact version and run, so every row copied finds its references there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.errors import NotFoundError
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection
from mm_jupyter.store.sync_runs import chunks, marks

UPSTREAM_HOPS = 20  # a pull follows inputs' producers this far back


@dataclass
class Selection:
    """Run ids, artifact version ids and model version ids of one registry."""

    runs: list[str] = field(default_factory=list)
    versions: list[int] = field(default_factory=list)
    model_versions: list[int] = field(default_factory=list)


def _column(conn: Connection, sql: str, args: Sequence[object] = ()) -> list[Any]:
    return [r[0] for r in conn.execute(sql, args)]


def _in(conn: Connection, sql: str, ids: Sequence[object]) -> list[Any]:
    return [r[0] for part in chunks(list(ids))
            for r in conn.execute(sql.format(marks=marks(part)), part)]


def _close(conn: Connection, runs: set[str], versions: set[int], model_versions: set[int],
           *, versions_of_runs: bool) -> Selection:
    """Add what the selected rows point at, then order everything."""
    if versions_of_runs and runs:
        versions |= {int(v) for v in _in(
            conn, "SELECT version_id FROM lineage WHERE run_id IN ({marks})", list(runs))}
        model_versions |= {int(v) for v in _in(
            conn, "SELECT id FROM model_versions WHERE run_id IN ({marks})", list(runs))}
    if model_versions:
        for version_id, run_id in [tuple(r) for part in chunks(sorted(model_versions))
                                   for r in conn.execute(
                                       "SELECT artifact_version_id, run_id FROM model_versions"
                                       f" WHERE id IN ({marks(part)})", part)]:
            versions.add(int(version_id))
            if run_id:
                runs.add(str(run_id))
    runs |= {str(r) for r in _in(conn, "SELECT run_id FROM artifact_versions"
                                       " WHERE id IN ({marks}) AND run_id IS NOT NULL",
                                 sorted(versions))}
    runs |= {str(r) for r in _in(conn, "SELECT parent_run_id FROM runs WHERE id IN ({marks})"
                                       " AND parent_run_id IS NOT NULL", sorted(runs))}
    return Selection(sorted(runs), sorted(versions), sorted(model_versions))


def select_changes(registry: Registry, since: int, *, experiment: str | None = None,
                   run_ids: Sequence[str] = ()) -> Selection:
    """Everything changed after cursor ``since``; or only ``run_ids`` / ``experiment``.

    With a filter, only those runs and what they produced or consumed are carried
    (``since`` still applies to the runs of an experiment).
    """
    with registry.read() as conn:
        if experiment is not None and not conn.execute(
                "SELECT 1 FROM experiments WHERE name = ?", (experiment,)).fetchone():
            raise NotFoundError(f"no experiment named {experiment!r}")
        if run_ids or experiment is not None:
            runs = set(run_ids)
            if experiment is not None:
                runs |= {str(r) for r in _column(
                    conn, "SELECT r.id FROM runs r JOIN experiments e ON e.id = r.experiment_id"
                          " WHERE e.name = ? AND r.change_seq > ?", (experiment, since))}
            return _close(conn, runs, set(), set(), versions_of_runs=True)
        runs = {str(r) for r in _column(conn, "SELECT id FROM runs WHERE change_seq > ?",
                                        (since,))}
        versions = {int(v) for v in _column(
            conn, "SELECT v.id FROM artifact_versions v JOIN artifacts a"
                  " ON a.id = v.artifact_id WHERE a.change_seq > ?", (since,))}
        model_versions = {int(v) for v in _column(
            conn, "SELECT v.id FROM model_versions v JOIN registered_models m"
                  " ON m.id = v.model_id WHERE m.change_seq > ?", (since,))}
        return _close(conn, runs, versions, model_versions, versions_of_runs=True)


def select_models(registry: Registry, names: Sequence[str],
                  run_ids: Sequence[str] = ()) -> Selection:
    """Every version of models ``names`` (and runs ``run_ids``) with their lineage.

    Lineage goes upstream: each run's input versions and the runs that produced them,
    up to ``UPSTREAM_HOPS`` hops back.
    """
    with registry.read() as conn:
        model_versions: set[int] = set()
        for name in names:
            row = conn.execute("SELECT id FROM registered_models WHERE name = ?",
                               (name,)).fetchone()
            if row is None:
                raise NotFoundError(f"no registered model named {name!r} there")
            model_versions |= {int(v) for v in _column(
                conn, "SELECT id FROM model_versions WHERE model_id = ?", (row[0],))}
        chosen = _close(conn, set(run_ids), set(), model_versions, versions_of_runs=False)
        runs, versions = set(chosen.runs), set(chosen.versions)
        frontier = set(runs)
        for _ in range(UPSTREAM_HOPS):
            inputs = {int(v) for v in _in(
                conn, "SELECT version_id FROM lineage WHERE direction = 'input'"
                      " AND run_id IN ({marks})", sorted(frontier))} - versions
            versions |= inputs
            frontier = {str(r) for r in _in(
                conn, "SELECT run_id FROM artifact_versions WHERE id IN ({marks})"
                      " AND run_id IS NOT NULL", sorted(inputs))} - runs
            runs |= frontier
            if not frontier:
                break
        return Selection(sorted(runs), sorted(versions), sorted(model_versions))
