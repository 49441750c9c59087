"""Latency of the REST handlers' work at 10,000 and 100,000 runs, and on artifacts.

Builds synthetic registries (bulk ``executemany`` into ``experiments``, ``runs``,
``params`` and ``latest_metrics`` inside one write transaction), caches them under
``benchmarks/.cache/``, then times what each handler does in-process (store query +
the server's strict JSON encoding), median of ``--repeat`` runs, plus real HTTP round
trips through a started ``jupyter server`` (``--no-http`` skips them).

The artifacts registry holds ``--artifacts`` artifacts of 1-3 versions each (with
aliases, producers and consumers) and one lineage chain of ``--chain`` versions of
the artifact ``chain``: run ``k`` consumes ``chain:vk`` and produces ``chain:v(k+1)``,
bulk-inserted into ``artifacts``, ``artifact_versions``, ``lineage``, ``runs``,
``experiments`` and ``blobs`` in one write transaction.

The models registry holds ``--models`` registered models of ``--model-versions``
versions each, bulk-inserted into ``registered_models``, ``model_versions``,
``model_aliases``, ``model_transitions``, ``artifacts``, ``artifact_versions``,
``lineage``, ``runs`` and ``experiments`` in one write transaction: every version has
its model artifact version and its producing run, which consumed a dataset version.

The registries are built by ``seed_runs.py`` and ``seed_catalog.py``; ``timing.py``
holds the median and HTTP round-trip helpers. Prints ONE JSON object.

Targets: first page sorted by a metric at 100k runs <= 50 ms;
lineage of a 1,000-version chain (walked whole) <= 100 ms; first page of the models
list at 1,000 models x 20 versions <= 50 ms.

The diff suite stores two runs whose notebooks have ``--diff-cells`` code cells each
(one stream output per cell; 20 sources edited, every edited cell's output changed
too) through the store's own writers, then times ``GET diff``'s work in-process
(``diff_runs`` + strict JSON), one HTTP round trip, and ``python -m mm_jupyter.cli.main
diff A B --no-color`` as a subprocess (start-up included) when the CLI has ``diff``.
Targets: server path <= 300 ms; CLI <= 1,000 ms.

    .venv/bin/python benchmarks/bench_server.py [--sizes 10000 100000] [--repeat 25]
        [--artifacts 10000] [--chain 1000] [--models 1000] [--model-versions 20]
        [--diff-cells 500] [--suites runs artifacts models diff polling]
        [--polling-seconds 20] [--polling-code OLD_CHECKOUT --polling-registry DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seed_catalog import (  # noqa: E402 - the registries these benchmarks time
    cached_artifacts_registry,
    cached_models_registry,
)
from seed_runs import CACHE, DIFF_CHANGED, build_diff_registry, cached_registry  # noqa: E402
from timing import http_round_trips, median_ms  # noqa: E402

from mm_jupyter.server.base import strict_json  # noqa: E402
from mm_jupyter.store import (  # noqa: E402
    Registry,
    artifact_queries,
    lineage,
    model_queries,
    open_registry,
    queries,
    run_columns,
)

TARGET_MS = 50.0
LINEAGE_TARGET_MS = 100.0
MODELS_TARGET_MS = 50.0
DIFF_TARGET_MS = 300.0
DIFF_CLI_TARGET_MS = 1000.0












def artifact_cases(registry: Registry, chain: int) -> dict[str, Callable[[], Any]]:
    """The work of the artifact handlers (store call + encoding), by result key."""
    last, first = f"chain:v{chain}", "chain:v1"
    whole = min(lineage.MAX_DEPTH, 2 * chain)  # a version->run or run->version per hop

    def page(**options: Any) -> Callable[[], str]:
        return lambda: strict_json(
            artifact_queries.list_artifacts(registry, limit=50, **options)
        )

    def graph(version: str, depth: int) -> Callable[[], str]:
        return lambda: strict_json(
            lineage.lineage_graph(registry, version=version, depth=depth)
        )

    return {
        "artifacts_list_first_page_ms": page(),
        "artifacts_list_kind_filter_ms": page(kind="model"),
        "artifacts_list_q_filter_ms": page(q="art-4242"),
        "artifacts_list_deep_page_ms": page(offset=5000),
        f"artifact_versions_{chain}_ms": lambda: strict_json(
            artifact_queries.artifact_detail(registry, "chain")
        ),
        "artifact_versions_small_ms": lambda: strict_json(
            artifact_queries.artifact_detail(registry, "art-4242")
        ),
        f"lineage_{chain}_chain_ms": graph(last, whole),
        f"lineage_{chain}_chain_from_first_ms": graph(first, whole),
        f"lineage_{chain}_chain_depth50_ms": graph(last, 50),
        "lineage_small_run_ms": lambda: strict_json(
            lineage.lineage_graph(registry, run="prod-00004242", depth=10)
        ),
    }


def artifact_results(
    n_artifacts: int, chain: int, repeat: int
) -> tuple[dict[str, Any], Path]:
    """Time the artifact handlers' work; check the chain walk reaches every version."""
    path = cached_artifacts_registry(n_artifacts, chain)
    registry = open_registry(path)
    result: dict[str, Any] = {}
    try:
        for name, work in artifact_cases(registry, chain).items():
            result[name] = median_ms(work, repeat)
        whole = min(lineage.MAX_DEPTH, 2 * chain)
        walked = lineage.lineage_graph(registry, version=f"chain:v{chain}", depth=whole)
        kinds = [n["type"] for n in walked["nodes"]]
        result[f"lineage_{chain}_chain_versions"] = kinds.count("version")
        result[f"lineage_{chain}_chain_truncated"] = walked["truncated"]
        result[f"lineage_{chain}_chain_depth"] = whole
        result[f"lineage_{chain}_chain_bytes"] = len(strict_json(walked))
    finally:
        registry.close()
    key = f"lineage_{chain}_chain_ms"
    result["lineage_chain_target_ms"] = LINEAGE_TARGET_MS
    result["lineage_chain_target_met"] = (
        result[key] <= LINEAGE_TARGET_MS
        and result[f"lineage_{chain}_chain_versions"] == chain
    )
    return result, path






def model_results(
    n_models: int, n_versions: int, repeat: int
) -> tuple[dict[str, Any], Path]:
    """Time the model handlers' work (store call + strict JSON) in-process."""
    path = cached_models_registry(n_models, n_versions)
    registry = open_registry(path)
    name = f"model-{n_models // 2:05d}"

    def page(**options: Any) -> Callable[[], str]:
        return lambda: strict_json(
            model_queries.list_models(registry, limit=50, **options)
        )

    cases = {
        "models_list_first_page_ms": page(),
        "models_list_q_filter_ms": page(q="team-3"),
        "models_list_deep_page_ms": page(offset=n_models - 50),
        f"model_detail_{n_versions}_versions_ms": lambda: strict_json(
            model_queries.model_detail(registry, name)
        ),
        "model_version_ms": lambda: strict_json(
            model_queries.version_detail(registry, f"{name}:{n_versions}")
        ),
    }
    result: dict[str, Any] = {}
    try:
        for key, work in cases.items():
            result[key] = median_ms(work, max(repeat, 20))
        first = model_queries.list_models(registry, limit=50)
        result["models_list_first_page_bytes"] = len(strict_json(first))
        result["models_list_total"] = first["total"]
    finally:
        registry.close()
    result["models_list_target_ms"] = MODELS_TARGET_MS
    result["models_list_target_met"] = (
        result["models_list_first_page_ms"] <= MODELS_TARGET_MS
    )
    return result, path




def handler_cases(registry: Registry) -> dict[str, Callable[[], Any]]:
    """The work each handler does: the store call plus the response encoding."""

    def page(**options: Any) -> Callable[[], str]:
        return lambda: strict_json(queries.query_runs(registry, limit=50, **options))

    return {
        "first_page_metric_sort": page(sort="metric:acc", order="desc"),
        "first_page_metric_sort_asc": page(sort="metric:loss", order="asc"),
        "first_page_param_sort": page(sort="param:lr", order="desc"),
        "first_page_started_at": page(sort="started_at", order="desc"),
        "first_page_name_sort": page(sort="name", order="asc"),
        "deep_page_metric_sort": page(sort="metric:acc", offset=5000),
        "metric_sort_experiment_filter": page(sort="metric:acc", experiment="fraud"),
        "q_filter": page(q="run-4242"),
        "status_filter": page(status="failed"),
        # Lists leave child runs out by default (their parent counts them); these ask
        # for them too, as the sidebar's "Show candidates" does.
        "first_page_with_children": page(sort="started_at", order="desc", children=True),
        "q_filter_with_children": page(q="run-4242", children=True),
        "keys": lambda: strict_json(run_columns.keys(registry)),
        "changes": lambda: strict_json(queries.changes(registry, 0)),
    }


# -- issue 16: search and sort together, deep pages, each beside its floor ------------

SUMMARY_COLUMNS = (
    "r.id, r.name, e.name, r.status, r.started_at, r.finished_at, r.duration_s, r.user,"
    " r.host, r.notebook_path, r.tags, r.n_outputs, r.n_figures, r.parent_run_id,"
    " r.starred, r.archived_at, substr(r.note, 1, 200), r.cell_id, r.deleted_at,"
    " r.repro_status, r.repro_issues"
)
LIKE3 = ("(r.name LIKE ? ESCAPE '\\' OR r.id LIKE ? ESCAPE '\\'"
         " OR r.tags LIKE ? ESCAPE '\\')")
FINITE = "BETWEEN -9e999 AND 9e999"
#: The seeded names are run-0 .. run-99999: one match, and one in nine runs.
Q_ONE, Q_BROAD = "run-54321", "run-5"


def page_cases(registry: Registry, n: int) -> dict[str, tuple[dict[str, Any], str, list[Any]]]:
    """Issue 16's pages: ``name -> (query_runs options, floor SQL, floor args)``.

    The floor is the hand-written SQL that returns the same page's run ids in order
    from the same SQLite file by the best index (no count, no filters it does not
    need), then the page's rows, params and metrics (``floor_ms``).
    """
    def cursor_to(offset: int, **options: Any) -> dict[str, Any]:
        """Options that reach the page at ``offset`` by the previous page's cursor."""
        before = queries.query_runs(registry, limit=50, offset=offset - 50, **options)
        return {**options, "cursor": before["next_cursor"]}

    def last_row(offset: int, **options: Any) -> dict[str, Any]:
        page = queries.query_runs(registry, limit=50, offset=offset - 50, **options)
        return page["runs"][-1]  # type: ignore[no-any-return]

    middle, last = n // 2, n - 50
    at_middle, at_last = last_row(middle), last_row(last)
    at_middle_metric = last_row(middle, sort="metric:acc")

    def rowid(run: dict[str, Any]) -> int:
        return int(registry.conn.execute("SELECT rowid FROM runs WHERE id = ?",
                                         (run["id"],)).fetchone()[0])

    seek_start = ("SELECT id FROM runs r WHERE started_at <= ? AND (started_at < ?"
                  " OR rowid < ?) ORDER BY started_at DESC, rowid DESC LIMIT 50")
    by_start = "SELECT id FROM runs r ORDER BY started_at DESC, rowid DESC LIMIT 50"
    by_acc = (f"SELECT run_id FROM latest_metrics WHERE key = 'acc' AND value {FINITE}"
              " ORDER BY value DESC, run_id DESC LIMIT 50")
    text = ("SELECT r.id FROM runs r WHERE r.rowid IN (SELECT rowid FROM runs_text"
            f" WHERE runs_text MATCH ?) AND {LIKE3}")
    like = f"%{Q_ONE}%"
    broad = f"%{Q_BROAD}%"
    return {
        "first_page": ({}, by_start, []),
        "middle_page_offset": ({"offset": middle}, f"{by_start} OFFSET ?", [middle]),
        "middle_page_cursor": (
            cursor_to(middle), seek_start,
            [at_middle["started_at"], at_middle["started_at"], rowid(at_middle)]),
        "last_page_offset": ({"offset": last}, f"{by_start} OFFSET ?", [last]),
        "last_page_cursor": (
            cursor_to(last), seek_start,
            [at_last["started_at"], at_last["started_at"], rowid(at_last)]),
        "metric_sort_first_page": ({"sort": "metric:acc"}, by_acc, []),
        "metric_sort_middle_page_cursor": (
            cursor_to(middle, sort="metric:acc"),
            "SELECT run_id FROM latest_metrics WHERE key = 'acc' AND value <= ?"
            " AND (value < ? OR run_id < ?) ORDER BY value DESC, run_id DESC LIMIT 50",
            [at_middle_metric["metrics"]["acc"], at_middle_metric["metrics"]["acc"],
             at_middle_metric["id"]]),
        "metric_sort_middle_page_offset": ({"sort": "metric:acc", "offset": middle},
                                           f"{by_acc} OFFSET ?", [middle]),
        "q_alone": ({"q": Q_ONE}, f"{text} ORDER BY r.started_at DESC LIMIT 50",
                    [f'"{Q_ONE}"', like, like, like]),
        # The matches first (few), then their values: "|| ''" keeps SQLite from
        # walking the key's whole index instead.
        "q_metric_sort": (
            {"q": Q_ONE, "sort": "metric:acc"},
            "SELECT r.id FROM runs r JOIN latest_metrics v ON v.run_id = r.id"
            f" AND v.key || '' = 'acc' AND v.value {FINITE} WHERE r.rowid IN"
            f" (SELECT rowid FROM runs_text WHERE runs_text MATCH ?) AND {LIKE3}"
            " ORDER BY v.value DESC LIMIT 50", [f'"{Q_ONE}"', like, like, like]),
        "q_param_sort": (
            {"q": Q_ONE, "sort": "param:lr"},
            "SELECT r.id FROM runs r JOIN params v ON v.run_id = r.id"
            f" AND v.key || '' = 'lr' AND v.value_num {FINITE} WHERE r.rowid IN"
            f" (SELECT rowid FROM runs_text WHERE runs_text MATCH ?) AND {LIKE3}"
            " ORDER BY v.value_num DESC LIMIT 50", [f'"{Q_ONE}"', like, like, like]),
        "q_broad": ({"q": Q_BROAD},
                    f"SELECT r.id FROM runs r WHERE {LIKE3}"
                    " ORDER BY r.started_at DESC, r.rowid DESC LIMIT 50",
                    [broad, broad, broad]),
        "q_broad_metric_sort": (
            {"q": Q_BROAD, "sort": "metric:acc"},
            "SELECT r.id FROM latest_metrics v JOIN runs r ON r.id = v.run_id"
            f" WHERE v.key = 'acc' AND v.value {FINITE} AND {LIKE3}"
            " ORDER BY v.value DESC, v.run_id DESC LIMIT 50", [broad, broad, broad]),
        "q_broad_param_sort": (
            {"q": Q_BROAD, "sort": "param:lr"},
            "SELECT r.id FROM params v JOIN runs r ON r.id = v.run_id"
            f" WHERE v.key = 'lr' AND v.value_num {FINITE} AND {LIKE3}"
            " ORDER BY v.value_num DESC, v.run_id DESC LIMIT 50", [broad, broad, broad]),
    }


def median_cpu_ms(work: Callable[[], Any], repeat: int) -> float:
    """Median CPU time of ``work()`` in ms (this process's; after one warm-up): less
    swayed than wall time by the other sessions on a shared machine."""
    import statistics
    import time

    work()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append((time.process_time() - start) * 1000)
    return round(statistics.median(times), 3)


def floor_ms(db: Path, sql: str, args: list[Any], repeat: int) -> tuple[float, list[str]]:
    """Median ms of the floor of one page on its own sqlite3 connection: the ids by
    ``sql``, then their rows, params and latest metrics (three indexed reads)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ids: list[str] = []
    try:
        def once() -> None:
            nonlocal ids
            ids = [row[0] for row in conn.execute(sql, args)]
            marks = ",".join("?" * len(ids))
            conn.execute(f"SELECT {SUMMARY_COLUMNS} FROM runs r JOIN experiments e"
                         f" ON e.id = r.experiment_id WHERE r.id IN ({marks})", ids).fetchall()
            conn.execute(f"SELECT run_id, key, value FROM params WHERE run_id IN ({marks})",
                         ids).fetchall()
            conn.execute("SELECT run_id, key, value FROM latest_metrics"
                         f" WHERE run_id IN ({marks})", ids).fetchall()
        return median_ms(once, repeat), ids
    finally:
        conn.close()


def page_results(path: Path, label: str, repeat: int, result: dict[str, Any]) -> None:
    """Time issue 16's pages (store query + strict JSON, in-process) beside their
    floors, and check that each floor returned the same page."""
    registry = open_registry(path)
    try:
        queries.query_runs(registry, q=Q_ONE)  # takes every run into the trigram index
        n = queries.query_runs(registry, limit=1)["total"]
        for name, (options, sql, args) in page_cases(registry, n).items():
            ours = queries.query_runs(registry, limit=50, **options)
            result[f"runs_{label}_{name}_ms"] = median_ms(
                lambda options=options: strict_json(
                    queries.query_runs(registry, limit=50, **options)), repeat)
            result[f"runs_{label}_{name}_cpu_ms"] = median_cpu_ms(
                lambda options=options: strict_json(
                    queries.query_runs(registry, limit=50, **options)), repeat)
            floor, ids = floor_ms(path / "registry.db", sql, args, repeat)
            result[f"runs_{label}_{name}_floor_ms"] = floor
            if ids != [run["id"] for run in ours["runs"]]:
                result[f"runs_{label}_{name}_floor_differs"] = True
    finally:
        registry.close()
    figures = [v for k, v in result.items()
               if k.startswith(f"runs_{label}_") and k.endswith("_ms")
               and not k.endswith("_floor_ms") and any(
                   k == f"runs_{label}_{name}_ms" for name in ISSUE_16_PAGES)]
    result["runs_issue16_page_target_ms"] = PAGE_TARGET_MS
    result["runs_issue16_search_sort_target_ms"] = TARGET_MS
    result["runs_issue16_worst_ms"] = max(figures) if figures else None


ISSUE_16_PAGES = ("first_page", "middle_page_cursor", "last_page_cursor",
                  "metric_sort_middle_page_cursor", "q_alone", "q_metric_sort",
                  "q_param_sort", "q_broad_metric_sort", "q_broad_param_sort")
PAGE_TARGET_MS = 20.0


def print_with_floors(result: dict[str, Any]) -> None:
    """Each figure of issue 16 with its floor beside it, on stderr (stdout is the JSON)."""
    for key in sorted(result):
        floor = key[:-3] + "_floor_ms"
        if key.endswith("_ms") and floor in result:
            cpu = result.get(key[:-3] + "_cpu_ms")
            print(f"{key[:-3]:<48} {result[key]:>9.2f} ms   floor {result[floor]:>8.2f} ms"
                  + (f"   (cpu {cpu:.2f} ms)" if cpu is not None else ""), file=sys.stderr)


# The first-page query of the metric sort (queries.ordering's first segment, by hand).
METRIC_PAGE_SQL = (
    "SELECT r.id FROM latest_metrics v JOIN runs r ON r.id = v.run_id"
    " JOIN experiments e ON e.id = r.experiment_id"
    " WHERE v.key = ? AND v.value BETWEEN -9e999 AND 9e999 AND 1"
    " ORDER BY v.value DESC, v.run_id DESC LIMIT 50 OFFSET 0"
)


def explain(registry: Registry, sql: str, args: list[Any]) -> list[str]:
    """Return the EXPLAIN QUERY PLAN details of ``sql``."""
    return [row[3] for row in registry.conn.execute(f"EXPLAIN QUERY PLAN {sql}", args)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--artifacts", type=int, default=10_000)
    parser.add_argument("--chain", type=int, default=1_000)
    parser.add_argument("--models", type=int, default=1_000)
    parser.add_argument("--model-versions", type=int, default=20)
    parser.add_argument("--diff-cells", type=int, default=500)
    parser.add_argument(
        "--suites",
        nargs="+",
        choices=("runs", "artifacts", "models", "diff", "polling"),
        default=["runs", "artifacts", "models", "diff", "polling"],
    )
    parser.add_argument("--polling-seconds", type=float, default=20.0)
    parser.add_argument("--polling-code", help="checkout whose server the polling suite"
                        " runs (default: this one), to measure before and after")
    parser.add_argument("--polling-registry", help="registry folder for the polling suite"
                        " (default: the cached one; an older checkout needs its own)")
    args = parser.parse_args()

    result: dict[str, Any] = {}
    if "runs" in args.suites:
        runs_suite(args, result)
    if "artifacts" in args.suites:
        artifacts_suite(args, result)
    if "models" in args.suites:
        models, path = model_results(args.models, args.model_versions, args.repeat)
        result.update(models)
        if not args.no_http:
            routes = {"models_list_http_first_page_ms": "models?limit=50"}
            result.update(http_round_trips(path, max(args.repeat, 20), routes))
    if "diff" in args.suites:
        diff_suite(args, result)
    if "polling" in args.suites:
        polling_suite(args, result)
    print_with_floors(result)
    print(json.dumps(result))


def runs_suite(args: argparse.Namespace, result: dict[str, Any]) -> None:
    """Time the runs handlers at each size (and HTTP at the largest)."""
    for n in args.sizes:
        label = f"{n // 1000}k" if n % 1000 == 0 else str(n)
        path = cached_registry(n)
        registry = open_registry(path)
        try:
            for name, work in handler_cases(registry).items():
                result[f"runs_{label}_{name}_ms"] = median_ms(work, args.repeat)
        finally:
            registry.close()
        if n == max(args.sizes):
            page_results(path, label, args.repeat, result)
        if not args.no_http and n == max(args.sizes):
            routes = {
                "http_first_page_metric_sort": "runs?sort=metric:acc&order=desc&limit=50",
                "http_first_page_started_at": "runs?limit=50",
                "http_changes": "changes?since=0",
                "http_q_metric_sort": f"runs?q={Q_ONE}&sort=metric:acc&limit=50",
                "http_q_param_sort": f"runs?q={Q_ONE}&sort=param:lr&limit=50",
                "http_q_broad_metric_sort": f"runs?q={Q_BROAD}&sort=metric:acc&limit=50",
                "http_last_page_offset": f"runs?limit=50&offset={n - 50}",
            }
            for name, value in http_round_trips(path, args.repeat, routes).items():
                result[f"runs_{label}_{name}_ms"] = value
    key = f"runs_{max(args.sizes) // 1000}k_first_page_metric_sort_ms"
    if key in result:
        result["server_metric_sort_target_ms"] = TARGET_MS
        met = result["server_metric_sort_target_met"] = result[key] <= TARGET_MS
        if not met:
            registry = open_registry(cached_registry(max(args.sizes)))
            try:
                result["metric_sort_query_plan"] = explain(
                    registry, METRIC_PAGE_SQL, ["acc"]
                )
            finally:
                registry.close()


# -- issue 16: the sidebar's every-second poll while runs are written ----------------

#: What the sidebar asks for every second while runs are written: the default page,
#: the issue's search sorted by a metric, and pages deep in the list (a page jump to
#: the middle of the metric sort, and into the search's matches), by offset as the
#: sidebar asked before keyset cursors (the jumps still do).
POLL_QUERIES = {
    "default": "runs?limit=50",
    "q_metric_sort": f"runs?q={Q_BROAD}&sort=metric:acc&order=desc&limit=50",
    "metric_sort_middle_page": "runs?sort=metric:acc&order=desc&limit=50&offset=50000",
    "q_metric_sort_deep_page": f"runs?q={Q_BROAD}&sort=metric:acc&limit=50&offset=5000",
    # The same pages reached by next/previous, as the sidebar asks for them now (the
    # previous page's next_cursor; skipped on a server without keyset cursors).
    "metric_sort_middle_page_cursor": "runs?sort=metric:acc&order=desc&limit=50"
                                      "&cursor_after=49950",
    "q_metric_sort_deep_page_cursor": f"runs?q={Q_BROAD}&sort=metric:acc&limit=50"
                                      "&cursor_after=4950",
}


def polling_cpu(path: Path, code_root: Path, seconds: float,
                route: str) -> dict[str, Any] | None:
    """Server CPU (% of one core) while a writer logs a metric point every 0.1 s to a
    running run and a client polls as the sidebar does: ``GET changes?since=N`` every
    second, then ``route`` when the cursor moved. The server runs ``code_root``'s
    mm_jupyter (another checkout measures "before") on a copy of ``path``. ``None``
    for a ``cursor_after=`` route on a server without keyset cursors."""
    import shutil
    import threading
    import time
    import urllib.request

    from timing import free_port, wait_for_server

    work = CACHE / "polling-registry"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(path, work)
    port, token = free_port(), "bench-token"
    env = {**os.environ, "MM_JUPYTER_HOME": str(work),
           "PYTHONPATH": f"{code_root}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    root = CACHE / "server-root"
    root.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root",
         f"--port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}",
         "--ServerApp.jpserver_extensions={'mm_jupyter': True}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        cwd=code_root)  # "python -m" puts the working folder first on sys.path
    base = f"http://127.0.0.1:{port}/mm-jupyter/api/"

    def get(route: str) -> Any:
        request = urllib.request.Request(base + route,
                                         headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def cpu_s() -> float:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    writer_code = (
        "import sys, time\n"
        "from mm_jupyter.store import open_registry, runs\n"
        "reg = open_registry(sys.argv[1])\n"
        "rid = runs.new_run_id()\n"
        "runs.create_run(reg, runs.NewRun(id=rid, name='live', experiment='default',"
        " started_at=runs.iso_now()))\n"
        "step = 0\n"
        "while True:\n"
        "    step += 1\n"
        "    runs.write_metric_points(reg, [(rid, 'acc', step, (step % 100) / 100,"
        " time.time())])\n"
        "    time.sleep(0.1)\n")
    writer = None
    try:
        wait_for_server(get, proc)
        if "&cursor_after=" in route:  # the next page of the page at that offset
            route, _, at = route.partition("&cursor_after=")
            next_cursor = get(f"{route}&offset={at}").get("next_cursor")
            if not next_cursor:
                return None
            route = f"{route}&cursor={next_cursor}"
        get(route)  # warm: the trigram index, the caches
        writer = subprocess.Popen([sys.executable, "-c", writer_code, str(work)], env=env,
                                  cwd=code_root)
        time.sleep(1.0)
        stop = threading.Event()
        counts = {"changes": 0, "runs": 0}
        waits: list[float] = []

        def poll() -> None:
            cursor = get("changes?since=0")["cursor"]
            while not stop.is_set():
                answer = get(f"changes?since={cursor}")
                counts["changes"] += 1
                if answer["changed"]:
                    cursor = answer["cursor"]
                    started = time.perf_counter()
                    page = get(route)
                    waits.append(time.perf_counter() - started)
                    assert len(page["runs"]) == 50, page.get("message")
                    counts["runs"] += 1
                stop.wait(1.0)

        start_cpu, start = cpu_s(), time.monotonic()
        poller = threading.Thread(target=poll)
        poller.start()
        time.sleep(seconds)
        stop.set()
        poller.join()
        used, elapsed = cpu_s() - start_cpu, time.monotonic() - start
        if counts["runs"] == 0:
            raise RuntimeError("the poll asked for no page: did the writer run?")
        return {"server_cpu_pct": round(100 * used / elapsed, 1),
                "page_wall_ms": round(1000 * sorted(waits)[len(waits) // 2], 1),
                "polls": counts["changes"], "page_requests": counts["runs"],
                "seconds": round(elapsed, 1)}
    finally:
        if writer is not None:
            writer.kill()
            writer.wait()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


def polling_suite(args: argparse.Namespace, result: dict[str, Any]) -> None:
    """Server CPU of the sidebar's poll while runs are written (issue 16), at the
    largest size; ``--polling-code`` runs another checkout's server (before/after)."""
    n = max(args.sizes)
    label = f"{n // 1000}k" if n % 1000 == 0 else str(n)
    path = Path(args.polling_registry) if args.polling_registry else cached_registry(n)
    code_root = Path(args.polling_code) if args.polling_code else ROOT
    for name, route in POLL_QUERIES.items():
        got = polling_cpu(path, code_root, args.polling_seconds, route)
        if got is None:
            continue
        result[f"runs_{label}_polling_{name}_server_cpu_pct"] = got["server_cpu_pct"]
        result[f"runs_{label}_polling_{name}_page_requests"] = got["page_requests"]
        result[f"runs_{label}_polling_{name}_page_wall_ms"] = got["page_wall_ms"]
        result[f"runs_{label}_polling_{name}_seconds"] = got["seconds"]


def artifacts_suite(args: argparse.Namespace, result: dict[str, Any]) -> None:
    """Time the artifact handlers and the lineage walk (and HTTP)."""
    artifacts, path = artifact_results(args.artifacts, args.chain, args.repeat)
    result.update(artifacts)
    if not args.no_http:
        depth = min(lineage.MAX_DEPTH, 2 * args.chain)
        routes = {
            "artifacts_http_list_first_page_ms": "artifacts?limit=50",
            f"lineage_{args.chain}_chain_http_ms": (
                f"lineage?version=chain%3Av{args.chain}&depth={depth}"
            ),
        }
        result.update(http_round_trips(path, args.repeat, routes))






def diff_suite(args: argparse.Namespace, result: dict[str, Any]) -> None:
    """Time GET diff's work in-process, over HTTP, and the terminal command."""
    from mm_jupyter.services.diff.runs import diff_runs

    n = args.diff_cells
    path = CACHE / f"diff-{n}"
    a, b = build_diff_registry(path, n)
    registry = open_registry(path)
    try:
        payload = diff_runs(registry, a, b, exact=True)
        summary = payload["notebook"]["summary"]
        assert summary["modified"] == min(DIFF_CHANGED, n), summary
        result[f"diff_{n}_cells_summary"] = summary
        result[f"diff_{n}_cells_response_bytes"] = len(strict_json(payload))
        result[f"diff_{n}_cells_ms"] = median_ms(
            lambda: strict_json(diff_runs(registry, a, b, exact=True)),
            max(args.repeat, 10),
        )
    finally:
        registry.close()
    result["diff_target_ms"] = DIFF_TARGET_MS
    if not args.no_http:
        routes = {f"diff_{n}_cells_http_ms": f"diff?a={a}&b={b}"}
        result.update(http_round_trips(path, max(args.repeat, 10), routes))
    met = [result[f"diff_{n}_cells_ms"] <= DIFF_TARGET_MS]
    if f"diff_{n}_cells_http_ms" in result:
        met.append(result[f"diff_{n}_cells_http_ms"] <= DIFF_TARGET_MS)
    result["diff_target_met"] = all(met)
    cli_ms = diff_cli_ms(path, a, b)
    if cli_ms is not None:
        result[f"diff_{n}_cells_cli_ms"] = cli_ms
        result["diff_cli_target_ms"] = DIFF_CLI_TARGET_MS
        result["diff_cli_target_met"] = cli_ms <= DIFF_CLI_TARGET_MS


def diff_cli_ms(path: Path, a: str, b: str, repeat: int = 5) -> float | None:
    """Median wall time of ``python -m mm_jupyter.cli.main diff A B --no-color``, or None.

    ``None`` when the CLI has no ``diff`` command. Each run is a fresh interpreter,
    so start-up (imports, registry open) is included.
    """
    from mm_jupyter.cli.main import main as cli

    if "diff" not in getattr(cli.main, "commands", {}):
        return None
    env = {
        **os.environ,
        "MM_JUPYTER_HOME": str(path),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    cmd = [sys.executable, "-m", "mm_jupyter.cli.main", "diff", a, b, "--no-color"]

    def once() -> None:
        subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=60)

    return median_ms(once, repeat)


if __name__ == "__main__":
    main()
