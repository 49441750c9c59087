"""Child runs: the candidates of a hyper-parameter search, under the run that searched.

A child is written whole (finished, with its params and metrics) in the parent's
experiment, by the parent's user, host and notebook, pointing at the parent with
``runs.parent_run_id``; all children of one search go in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.encoding import dumps
from mm_jupyter.errors import NotFoundError
from mm_jupyter.store.db import Registry
from mm_jupyter.store.runs import CURRENT_SEQ, db_float, iso_now, new_run_id, param_rows


@dataclass
class ChildRun:
    """A finished run to record under a parent."""

    name: str
    params: Sequence[tuple[str, Any, str]] = ()  # (key, value, source)
    metrics: dict[str, float] = field(default_factory=dict)  # one point each, step 0
    duration_s: float | None = None
    tags: dict[str, str] = field(default_factory=dict)


def add_child_runs(registry: Registry, parent_id: str, children: Sequence[ChildRun]) -> list[str]:
    """Record ``children`` under run ``parent_id``; return their ids, in order."""
    if not children:
        return []
    now, ts = iso_now(), _timestamp()
    ids = []
    with registry.write() as conn:
        parent = conn.execute(
            "SELECT experiment_id, user, host, pid, notebook_path FROM runs WHERE id = ?",
            (parent_id,),
        ).fetchone()
        if parent is None:
            raise NotFoundError(f"no run with id {parent_id!r}")
        for child in children:
            run_id = new_run_id()
            ids.append(run_id)
            conn.execute(
                "INSERT INTO runs (id, name, experiment_id, status, user, host, pid,"
                " notebook_path, started_at, finished_at, duration_s, tags, parent_run_id,"
                f" change_seq) VALUES (?, ?, ?, 'finished', ?, ?, ?, ?, ?, ?, ?, ?, ?, {CURRENT_SEQ})",
                (run_id, child.name, parent[0], parent[1], parent[2], parent[3], parent[4],
                 now, now, child.duration_s, dumps(child.tags), parent_id),
            )
            conn.executemany(
                "INSERT INTO params (run_id, key, value, value_num, source) VALUES (?, ?, ?, ?, ?)",
                param_rows(run_id, _unique(child.params)),
            )
            points = [(run_id, key, 0, db_float(value), ts) for key, value in child.metrics.items()]
            conn.executemany(
                "INSERT INTO metrics (run_id, key, step, value, timestamp_ts) VALUES (?, ?, ?, ?, ?)",
                points,
            )
            conn.executemany(
                "INSERT INTO latest_metrics (run_id, key, step, value, timestamp_ts)"
                " VALUES (?, ?, ?, ?, ?)",
                points,
            )
        conn.execute(f"UPDATE runs SET change_seq = {CURRENT_SEQ} WHERE id = ?", (parent_id,))
    return ids


def _unique(params: Sequence[tuple[str, Any, str]]) -> list[tuple[str, Any, str]]:
    """The last value of each key (the params primary key is (run_id, key))."""
    return list({str(key): (str(key), value, source) for key, value, source in params}.values())


def _timestamp() -> float:
    import time

    return time.time()
