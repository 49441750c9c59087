"""Walk lineage: input version → run → output version, upstream and downstream."""

from __future__ import annotations

from typing import Any

from mm_jupyter.errors import NotFoundError
from mm_jupyter.store.artifact_queries import version_ref
from mm_jupyter.store.artifacts import VERSION_SELECT, resolve_version, version_row
from mm_jupyter.store.db import Registry
from mm_jupyter.store.dialect import Connection

MAX_DEPTH = 10_000  # hops; a 1,000-version chain is 2,000 hops
MAX_NODES = 20_000


def _in_clause(ids: list[Any]) -> str:
    return ",".join("?" * len(ids))


def lineage_graph(
    registry: Registry, *, run: str | None = None, version: str | None = None, depth: int = 10
) -> dict[str, Any]:
    """Return the lineage graph around a run (exact id) or a version (``name:vN``)."""
    if (run is None) == (version is None):
        raise ValueError("give exactly one of run= or version=")
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 1 and {MAX_DEPTH}, not {depth}")
    if version is not None:
        root_version = resolve_version(registry, version)
        start: tuple[set[str], set[int]] = (set(), {root_version["id"]})
        root = f"version:{root_version['ref']}"
    with registry.read() as conn:
        if run is not None:
            if not conn.execute("SELECT 1 FROM runs WHERE id = ?", (run,)).fetchone():
                raise NotFoundError(f"no run with id {run[:80]!r}")
            start, root = ({run}, set()), f"run:{run}"
        edges: dict[tuple[str, int, str], str | None] = {}  # (run, version, direction) -> source
        truncated = False
        for direction in ("up", "down"):
            runs, versions = set(start[0]), set(start[1])
            frontier_runs, frontier_versions = set(runs), set(versions)
            for _ in range(depth):
                new_runs, new_versions = _step(conn, direction, frontier_runs, frontier_versions, edges)
                new_runs -= runs
                new_versions -= versions
                if not new_runs and not new_versions:
                    break
                runs |= new_runs
                versions |= new_versions
                frontier_runs, frontier_versions = new_runs, new_versions
                if len(edges) > MAX_NODES:
                    truncated = True
                    break
            else:
                # Out of depth: truncated only if one more hop would find something new.
                more_runs, more_versions = _step(conn, direction, frontier_runs, frontier_versions, {})
                truncated = truncated or bool((more_runs - runs) or (more_versions - versions))
        return _graph(conn, root, start, edges, truncated)


def _step(
    conn: Connection, direction: str, runs: set[str], versions: set[int],
    edges: dict[tuple[str, int, str], str | None],
) -> tuple[set[str], set[int]]:
    """One hop: upstream a version's producer and a run's inputs; downstream the reverse."""
    # version -> run: upstream via 'output' (who produced it), downstream via 'input'
    found_runs = _hop(conn, edges, "version_id", versions, "output" if direction == "up" else "input")
    # run -> version: upstream via 'input' (what it read), downstream via 'output'
    found_versions = _hop(conn, edges, "run_id", runs, "input" if direction == "up" else "output")
    return found_runs, found_versions


def _hop(conn: Connection, edges: dict[tuple[str, int, str], str | None], column: str,
         ids: set[Any], via: str) -> set[Any]:
    """Add the ``via`` edges of ``ids`` (matched on ``column``) to ``edges``; return the
    nodes on their other end (runs for versions, versions for runs)."""
    other = 0 if column == "version_id" else 1
    found: set[Any] = set()
    for chunk in _chunks(list(ids)):
        for row in conn.execute(
            f"SELECT run_id, version_id, source FROM lineage WHERE direction = ? AND {column} IN"
            f" ({_in_clause(chunk)})",
            [via, *chunk],
        ):
            edges[(row[0], row[1], via)] = row[2]
            found.add(row[other])
    return found


def _chunks(ids: list[Any], size: int = 500) -> list[list[Any]]:
    # Old SQLite builds allow 999 variables per statement.
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _graph(
    conn: Connection, root: str, start: tuple[set[str], set[int]],
    edges: dict[tuple[str, int, str], str | None], truncated: bool,
) -> dict[str, Any]:
    run_ids = sorted(start[0] | {e[0] for e in edges})
    version_ids = sorted(start[1] | {e[1] for e in edges})
    nodes: list[dict[str, Any]] = []
    refs: dict[int, str] = {}
    for chunk in _chunks(version_ids):
        for row in conn.execute(f"{VERSION_SELECT} WHERE v.id IN ({_in_clause(chunk)})", chunk):
            v = version_row(row)
            refs[v["id"]] = v["ref"]
            nodes.append({"id": f"version:{v['ref']}", "type": "version", "version": version_ref(v)})
    for chunk in _chunks(run_ids):
        for run_id, name, status, experiment in conn.execute(
            "SELECT r.id, r.name, r.status, e.name FROM runs r JOIN experiments e"
            f" ON e.id = r.experiment_id WHERE r.id IN ({_in_clause(chunk)})",
            chunk,
        ):
            nodes.append({
                "id": f"run:{run_id}", "type": "run",
                "run": {"id": run_id, "name": name, "status": status, "experiment": experiment},
            })
    out_edges = []
    for (run_id, version_id, direction), via in sorted(edges.items()):
        run_node, version_node = f"run:{run_id}", f"version:{refs[version_id]}"
        if direction == "input":
            # via: how the run read it (None: use_artifact; "fit": data passed to fit())
            out_edges.append({"source": version_node, "target": run_node, "kind": "input",
                              "via": via})
        else:
            out_edges.append({"source": run_node, "target": version_node, "kind": "output",
                              "via": None})
    return {"root": root, "nodes": nodes, "edges": out_edges, "truncated": truncated}
