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
        [--diff-cells 500] [--suites runs artifacts models diff]
"""

from __future__ import annotations

import argparse
import json
import os
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






# The first-page query of queries.ids_sorted_by_value (kept in step by hand).
METRIC_PAGE_SQL = (
    "SELECT r.id FROM latest_metrics v JOIN runs r ON r.id = v.run_id"
    " JOIN experiments e ON e.id = r.experiment_id"
    " WHERE v.key = ? AND v.value BETWEEN -9e999 AND 9e999 AND 1"
    " ORDER BY v.value DESC LIMIT 50 OFFSET 0"
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
        choices=("runs", "artifacts", "models", "diff"),
        default=["runs", "artifacts", "models", "diff"],
    )
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
        if not args.no_http and n == max(args.sizes):
            for name, value in http_round_trips(path, args.repeat).items():
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
