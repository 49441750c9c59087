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

Prints ONE JSON object. Targets: first page sorted by a metric at 100k runs <= 50 ms;
lineage of a 1,000-version chain (walked whole) <= 100 ms; first page of the models
list at 1,000 models x 20 versions <= 50 ms.

The diff suite stores two runs whose notebooks have ``--diff-cells`` code cells each
(one stream output per cell; 20 sources edited, every edited cell's output changed
too) through the store's own writers, then times ``GET diff``'s work in-process
(``diff_runs`` + strict JSON), one HTTP round trip, and ``python -m mm_jupyter.cli
diff A B --no-color`` as a subprocess (start-up included) when the CLI has ``diff``.
Targets: server path <= 300 ms; CLI <= 1,000 ms.

    .venv/bin/python benchmarks/bench_server.py [--sizes 10000 100000] [--repeat 25]
        [--artifacts 10000] [--chain 1000] [--models 1000] [--model-versions 20]
        [--diff-cells 500] [--suites runs artifacts models diff]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mm_jupyter.server.base import strict_json  # noqa: E402
from mm_jupyter.store import (  # noqa: E402
    Registry,
    artifact_queries,
    lineage,
    model_queries,
    open_registry,
    queries,
)
from mm_jupyter.store.artifacts import KINDS  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"
GENERATOR_VERSION = "2"  # bump to rebuild cached registries
EXPERIMENTS = ("churn", "default", "fraud", "pricing", "vision")
METRICS = ("acc", "loss", "f1")
PARAMS = ("lr", "depth", "model")
TARGET_MS = 50.0
ARTIFACTS_GENERATOR_VERSION = "1"
LINEAGE_TARGET_MS = 100.0
MODELS_GENERATOR_VERSION = "2"
MODELS_TARGET_MS = 50.0
DIFF_TARGET_MS = 300.0
DIFF_CLI_TARGET_MS = 1000.0
DIFF_CHANGED = 20


def build_registry(path: Path, n_runs: int) -> None:
    """Fill an empty registry at ``path`` with ``n_runs`` synthetic finished runs."""
    rng = random.Random(n_runs)
    registry = open_registry(path)
    try:
        with registry.write() as conn:
            conn.executemany(
                "INSERT INTO experiments (id, name, created_at) VALUES (?, ?, ?)",
                [
                    (i + 1, name, "2026-01-01T00:00:00.000Z")
                    for i, name in enumerate(EXPERIMENTS)
                ],
            )
            runs, params, metrics = [], [], []
            t0 = 1_764_000_000.0
            for i in range(n_runs):
                run_id = f"{rng.getrandbits(48):012x}"
                started = t0 + i * 7.0
                status = rng.choices(
                    ("finished", "failed", "interrupted", "killed"), (90, 6, 3, 1)
                )[0]
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started))
                end = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started + 5))
                runs.append(
                    (
                        run_id,
                        f"run-{i}",
                        rng.randrange(len(EXPERIMENTS)) + 1,
                        status,
                        "bench",
                        "box",
                        f"/abs/nb{i % 50}.ipynb",
                        f"{stamp}.000Z",
                        f"{end}.000Z",
                        rng.uniform(0.1, 600.0),
                        json.dumps({"team": rng.choice(("risk", "growth", "ml"))}),
                    )
                )
                params += [
                    (
                        run_id,
                        "lr",
                        json.dumps(v := rng.choice((0.001, 0.01, 0.1))),
                        v,
                        "auto",
                    ),
                    (
                        run_id,
                        "depth",
                        json.dumps(d := rng.randrange(2, 12)),
                        d,
                        "explicit",
                    ),
                    (run_id, "model", json.dumps("gbm"), None, "namespace"),
                ]
                for key in METRICS:
                    if rng.random() < 0.1:
                        continue  # some runs lack some metrics
                    value: float | str = rng.random()
                    if rng.random() < 0.01:
                        value = "NaN"
                    metrics.append((run_id, key, value, 10, started + 5))
            conn.executemany(
                "INSERT INTO runs (id, name, experiment_id, status, user, host,"
                " notebook_path, started_at, finished_at, duration_s, tags)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                runs,
            )
            conn.executemany(
                "INSERT INTO params (run_id, key, value, value_num, source)"
                " VALUES (?, ?, ?, ?, ?)",
                params,
            )
            conn.executemany(
                "INSERT INTO latest_metrics (run_id, key, value, step, timestamp_ts)"
                " VALUES (?, ?, ?, ?, ?)",
                metrics,
            )
        registry.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        registry.close()


def cached_registry(n_runs: int) -> Path:
    """Return the folder of a cached synthetic registry, building it if needed."""
    path = CACHE / f"registry-{n_runs}"
    marker = path / "bench-version"
    if marker.exists() and marker.read_text() == GENERATOR_VERSION:
        return path
    shutil.rmtree(path, ignore_errors=True)
    started = time.perf_counter()
    build_registry(path, n_runs)
    marker.write_text(GENERATOR_VERSION)
    print(
        f"built {n_runs} runs in {time.perf_counter() - started:.1f}s at {path}",
        file=sys.stderr,
    )
    return path


def fake_digest(text: str) -> str:
    """A stand-in sha256 digest (no blob files are written: no content is read)."""
    return hashlib.sha256(text.encode()).hexdigest()


def build_artifacts_registry(path: Path, n_artifacts: int, chain: int) -> None:
    """Fill an empty registry with artifacts and a ``chain``-version lineage chain."""
    rng = random.Random(n_artifacts + chain)
    stamp = "2026-01-01T00:00:00.000Z"
    registry = open_registry(path)
    try:
        with registry.write() as conn:
            conn.execute(
                "INSERT INTO experiments (id, name, created_at) VALUES (1, 'chain', ?)",
                (stamp,),
            )
            runs, artifacts, versions, edges, blobs, aliases = [], [], [], [], [], []

            def add_run(run_id: str, name: str) -> None:
                runs.append((run_id, name, 1, "finished", stamp, stamp, "{}"))

            def add_version(
                version_id: int, artifact_id: int, number: int, run: str | None
            ) -> None:
                digest = fake_digest(f"{artifact_id}:{number}")
                blobs.append((digest, 1000 + number, "application/octet-stream", stamp))
                versions.append(
                    (version_id, artifact_id, number, digest, 1000 + number,
                     "application/octet-stream", "bytes", 0, f"a{artifact_id}",
                     json.dumps({"n": number}), run, stamp)
                )  # fmt: skip
                if run is not None:
                    edges.append((run, version_id, "output", stamp))

            # The chain: artifact 1, versions 1..chain; run k: v_k -> v_{k+1}
            artifacts.append((1, "chain", "model", "a lineage chain", "{}", stamp, 1))
            for k in range(1, chain + 1):
                producer = f"chain-run-{k - 1:06d}" if k > 1 else None
                add_version(k, 1, k, producer)
                if k < chain:
                    run_id = f"chain-run-{k:06d}"
                    add_run(run_id, f"step {k}")
                    edges.append((run_id, k, "input", stamp))
            # Many other artifacts: 1-3 versions, a producer, a consumer, an alias
            version_id = chain
            for a in range(2, n_artifacts + 2):
                kind = KINDS[a % len(KINDS)]
                artifacts.append(
                    (a, f"art-{a}", kind, f"artifact {a}", '{"team": "ml"}', stamp, a)
                )
                producer = f"prod-{a:08d}"
                add_run(producer, f"make art-{a}")
                for number in range(1, rng.randint(1, 3) + 1):
                    version_id += 1
                    add_version(version_id, a, number, producer)
                    if rng.random() < 0.5:
                        consumer = f"cons-{version_id:08d}"
                        add_run(consumer, f"use art-{a}")
                        edges.append((consumer, version_id, "input", stamp))
                aliases.append((a, "prod", version_id))
            conn.executemany(
                "INSERT INTO runs (id, name, experiment_id, status, started_at,"
                " finished_at, tags) VALUES (?, ?, ?, ?, ?, ?, ?)",
                runs,
            )
            conn.executemany(
                "INSERT INTO artifacts (id, name, kind, description, tags, created_at,"
                " change_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
                artifacts,
            )
            conn.executemany(
                "INSERT INTO blobs (digest, size, media_type, created_at)"
                " VALUES (?, ?, ?, ?)",
                blobs,
            )
            conn.executemany(
                "INSERT INTO artifact_versions (id, artifact_id, version, digest, size,"
                " media_type, format, is_dir, file_name, metadata, run_id, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                versions,
            )
            conn.executemany(
                "INSERT INTO lineage (run_id, version_id, direction, created_at)"
                " VALUES (?, ?, ?, ?)",
                edges,
            )
            conn.executemany(
                "INSERT INTO artifact_aliases (artifact_id, alias, version_id)"
                " VALUES (?, ?, ?)",
                aliases,
            )
            conn.executemany(
                "INSERT INTO alias_history (artifact_id, alias, from_version_id,"
                " to_version_id, changed_at, user) VALUES (?, ?, NULL, ?, ?, 'bench')",
                [(a, alias, v, stamp) for a, alias, v in aliases],
            )
        registry.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        registry.close()


def cached_artifacts_registry(n_artifacts: int, chain: int) -> Path:
    """Return the folder of a cached artifacts registry, building it if needed."""
    path = CACHE / f"artifacts-{n_artifacts}-chain-{chain}"
    marker = path / "bench-version"
    if marker.exists() and marker.read_text() == ARTIFACTS_GENERATOR_VERSION:
        return path
    shutil.rmtree(path, ignore_errors=True)
    started = time.perf_counter()
    build_artifacts_registry(path, n_artifacts, chain)
    marker.write_text(ARTIFACTS_GENERATOR_VERSION)
    print(
        f"built {n_artifacts} artifacts and a {chain}-version chain in"
        f" {time.perf_counter() - started:.1f}s at {path}",
        file=sys.stderr,
    )
    return path


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


def build_models_registry(path: Path, n_models: int, n_versions: int) -> None:
    """Fill an empty registry with ``n_models`` registered models of ``n_versions``.

    Version ``k`` of model ``m`` is artifact version ``k`` of the model artifact
    ``model-m`` produced by run ``train-m-k``, which consumed a version of the dataset
    ``data-m``; the newest version is in staging, the one before in production (with
    alias ``champion``), older ones are archived or none; each stage change and alias
    has its transition.
    """
    rng = random.Random(n_models * 1000 + n_versions)
    stamp = "2026-01-01T00:00:00.000Z"
    config = json.dumps(
        {"C": 1.0, "max_iter": 100, "penalty": "l2", "solver": "lbfgs", "tol": 1e-4,
         "fit_intercept": True, "class_weight": None, "random_state": 0,
         "warm_start": False, "n_jobs": None, "l1_ratio": None, "verbose": 0,
         "dual": False, "intercept_scaling": 1}
    )  # fmt: skip
    signature = json.dumps(
        {"inputs": [{"name": f"feature_{i}", "dtype": "float64"} for i in range(12)]}
    )
    # A training-data profile as mm.register_model(reference_data=...) stores for 20
    # numeric columns (about 12 KB: rows spill into overflow pages, as real ones do)
    profile = json.dumps(
        {"n_rows": 10000, "columns": {
            f"feature_{i}": {"dtype": "float64", "mean": 0.5, "std": 0.29,
                             "quantiles": [j / 40 for j in range(41)],
                             "histogram": [500 + j for j in range(50)]}
            for i in range(20)}}
    )  # fmt: skip
    requirements = json.dumps(
        {"python": "3.11.7", "packages": {"joblib": "1.4.2", "numpy": "2.1.0",
                                          "scikit-learn": "1.5.2", "scipy": "1.14.1"}}
    )  # fmt: skip
    registry = open_registry(path)
    try:
        with registry.write() as conn:
            conn.execute(
                "INSERT INTO experiments (id, name, created_at)"
                " VALUES (1, 'models', ?)",
                (stamp,),
            )
            runs, artifacts, versions, edges = [], [], [], []
            models, model_versions, aliases, transitions = [], [], [], []
            version_id = 0
            for m in range(1, n_models + 1):
                model_artifact, data_artifact = 2 * m - 1, 2 * m
                artifacts += [
                    (model_artifact, f"model-{m:05d}", "model", None, "{}", stamp, m),
                    (data_artifact, f"data-{m:05d}", "dataset", None, "{}", stamp, m),
                ]
                version_id += 1
                data_version = version_id
                versions.append(
                    (data_version, data_artifact, 1, fake_digest(f"data-{m}"), 5000,
                     "application/vnd.apache.parquet", "parquet", 0, "data.parquet",
                     '{"rows": 1000}', None, stamp)
                )  # fmt: skip
                models.append(
                    (m, f"model-{m:05d}", f"classifier {m} for team {m % 7}",
                     f"team-{m % 7}", json.dumps({"team": str(m % 7)}), stamp, stamp, m)
                )  # fmt: skip
                for k in range(1, n_versions + 1):
                    run_id = f"train-{m:05d}-{k:03d}"
                    runs.append(
                        (run_id, f"train {k}", 1, "finished", stamp, stamp, "{}")
                    )
                    edges.append((run_id, data_version, "input", stamp))
                    version_id += 1
                    versions.append(
                        (version_id, model_artifact, k, fake_digest(f"model-{m}-{k}"),
                         1311, "application/octet-stream", "sklearn", 0,
                         f"model-{m:05d}.joblib", '{"class": "LogisticRegression"}',
                         run_id, stamp)
                    )  # fmt: skip
                    edges.append((run_id, version_id, "output", stamp))
                    stage = (
                        "staging" if k == n_versions
                        else "production" if k == n_versions - 1
                        else rng.choice(("archived", "none"))
                    )  # fmt: skip
                    metrics = json.dumps(
                        {"acc": rng.random(), "loss": rng.random(), "f1": rng.random()}
                    )
                    mv_id = (m - 1) * n_versions + k
                    model_versions.append(
                        (mv_id, m, k, version_id, run_id, stage, "sklearn", config,
                         metrics, signature, requirements, profile, stamp,
                         "bench")
                    )  # fmt: skip
                    if stage != "none":
                        transitions.append(
                            (m, mv_id, "stage", None, "none", stage, "bench", None,
                             stamp)
                        )  # fmt: skip
                    if k == max(1, n_versions - 1):
                        aliases.append((m, "champion", mv_id))
                        transitions.append(
                            (m, mv_id, "alias", "champion", None, str(k), "bench",
                             None, stamp)
                        )  # fmt: skip
            conn.executemany(
                "INSERT INTO runs (id, name, experiment_id, status, started_at,"
                " finished_at, tags) VALUES (?, ?, ?, ?, ?, ?, ?)",
                runs,
            )
            conn.executemany(
                "INSERT INTO artifacts (id, name, kind, description, tags, created_at,"
                " change_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
                artifacts,
            )
            conn.executemany(
                "INSERT INTO artifact_versions (id, artifact_id, version, digest, size,"
                " media_type, format, is_dir, file_name, metadata, run_id, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                versions,
            )
            conn.executemany(
                "INSERT INTO lineage (run_id, version_id, direction, created_at)"
                " VALUES (?, ?, ?, ?)",
                edges,
            )
            conn.executemany(
                "INSERT INTO registered_models (id, name, description, owner, tags,"
                " created_at, updated_at, change_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                models,
            )
            conn.executemany(
                "INSERT INTO model_versions (id, model_id, version,"
                " artifact_version_id, run_id, stage, flavor, config, metrics,"
                " signature, requirements,"
                " reference_profile, created_at, created_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                model_versions,
            )
            conn.executemany(
                "INSERT INTO model_aliases (model_id, alias, version_id)"
                " VALUES (?, ?, ?)",
                aliases,
            )
            conn.executemany(
                "INSERT INTO model_transitions (model_id, version_id, kind, alias,"
                " from_value, to_value, user, comment, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                transitions,
            )
        registry.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        registry.close()


def cached_models_registry(n_models: int, n_versions: int) -> Path:
    """Return the folder of a cached models registry, building it if needed."""
    path = CACHE / f"models-{n_models}x{n_versions}"
    marker = path / "bench-version"
    if marker.exists() and marker.read_text() == MODELS_GENERATOR_VERSION:
        return path
    shutil.rmtree(path, ignore_errors=True)
    started = time.perf_counter()
    build_models_registry(path, n_models, n_versions)
    marker.write_text(MODELS_GENERATOR_VERSION)
    print(
        f"built {n_models} models x {n_versions} versions in"
        f" {time.perf_counter() - started:.1f}s at {path}",
        file=sys.stderr,
    )
    return path


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


def median_ms(work: Callable[[], Any], repeat: int) -> float:
    """Return the median wall time of ``work()`` in milliseconds (after one warm-up)."""
    work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 3)


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
        "keys": lambda: strict_json(queries.keys(registry)),
        "changes": lambda: strict_json(queries.changes(registry, 0)),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_round_trips(
    path: Path, repeat: int, routes: dict[str, str] | None = None
) -> dict[str, float]:
    """Time real requests through a started ``jupyter server`` on ``path``.

    ``routes`` maps result names to API paths; by default the runs routes.
    """
    port, token = free_port(), "bench-token"
    env = {
        **os.environ,
        "MM_JUPYTER_HOME": str(path),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    root = CACHE / "server-root"
    root.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root",
        f"--port={port}", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.jpserver_extensions={'mm_jupyter': True}",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}/mm-jupyter/api/"
    headers = {"Authorization": f"token {token}"}

    def get(route: str) -> bytes:
        request = urllib.request.Request(base + route, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()  # type: ignore[no-any-return]

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get("meta")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("jupyter server did not start") from None
                time.sleep(0.2)
        routes = routes or {
            "http_first_page_metric_sort": "runs?sort=metric:acc&order=desc&limit=50",
            "http_first_page_started_at": "runs?limit=50",
            "http_changes": "changes?since=0",
        }
        return {
            name: median_ms(lambda route=route: get(route), repeat)
            for name, route in routes.items()
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


# The first-page query of queries._ids_sorted_by_value (kept in step by hand).
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


def diff_notebook(n_cells: int, edited: set[int], side: str) -> str:
    """Return nbformat JSON of ``n_cells`` code cells (``edited`` differ by side)."""
    cells = []
    for i in range(n_cells):
        tag = f"  # {side} edit" if i in edited else ""
        cells.append({
            "cell_type": "code", "execution_count": i + 1, "id": f"c{i}",
            "metadata": {},
            "source": f"values_{i} = compute({i}, scale=0.5){tag}\nprint(values_{i})",
            "outputs": [{
                "output_type": "stream", "name": "stdout",
                "text": f"{side if i in edited else ''}[{i}, {i * 2}, {i * 3}]\n",
            }],
        })  # fmt: skip
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(notebook)


def build_diff_registry(path: Path, n_cells: int) -> tuple[str, str]:
    """Store the two runs of the diff suite in a fresh registry; return their ids."""
    from mm_jupyter.store.runs import NewRun, create_run, finish_run

    shutil.rmtree(path, ignore_errors=True)
    registry = open_registry(path)
    edited = set(random.Random(5).sample(range(n_cells), min(DIFF_CHANGED, n_cells)))
    ids = []
    try:
        for n, side in enumerate(("a", "b")):
            run_id = f"diff{side}{'0' * 7}"
            create_run(
                registry,
                NewRun(
                    id=run_id, name=f"diff-{side}", experiment="diff",
                    started_at=f"2026-01-01T00:00:0{n}.000Z",
                    notebook_path="/bench/nb.ipynb",
                    params=[("lr", 0.1 * (n + 1), "explicit")],
                    cell_source=f"fit(lr={0.1 * (n + 1)})\n",
                    history=[(i + 1, f"values_{i} = compute({i})") for i in range(50)],
                    notebook_text=diff_notebook(n_cells, edited, side),
                ),
            )  # fmt: skip
            finish_run(
                registry, run_id, status="finished",
                finished_at=f"2026-01-01T00:01:0{n}.000Z", duration_s=60.0,
            )  # fmt: skip
            ids.append(run_id)
    finally:
        registry.close()
    return ids[0], ids[1]


def diff_suite(args: argparse.Namespace, result: dict[str, Any]) -> None:
    """Time GET diff's work in-process, over HTTP, and the terminal command."""
    from mm_jupyter.diffing.runs import diff_runs

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
    """Median wall time of ``python -m mm_jupyter.cli diff A B --no-color``, or None.

    ``None`` when the CLI has no ``diff`` command. Each run is a fresh interpreter,
    so start-up (imports, registry open) is included.
    """
    from mm_jupyter import cli

    if "diff" not in getattr(cli.main, "commands", {}):
        return None
    env = {
        **os.environ,
        "MM_JUPYTER_HOME": str(path),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    cmd = [sys.executable, "-m", "mm_jupyter.cli", "diff", a, b, "--no-color"]

    def once() -> None:
        subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=60)

    return median_ms(once, repeat)


if __name__ == "__main__":
    main()
