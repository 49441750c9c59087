"""Synthetic artifact and model registries for bench_server (see its docstring).

Bulk-inserted in one write transaction each and cached under ``benchmarks/.cache/``.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seed_runs import cached  # noqa: E402 - one rule for the cached registries

from mm_jupyter.store import open_registry  # noqa: E402
from mm_jupyter.store.artifacts import KINDS  # noqa: E402

ARTIFACTS_GENERATOR_VERSION = "1"
MODELS_GENERATOR_VERSION = "2"


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
    return cached(f"artifacts-{n_artifacts}-chain-{chain}", ARTIFACTS_GENERATOR_VERSION,
                  lambda path: build_artifacts_registry(path, n_artifacts, chain),
                  f"{n_artifacts} artifacts and a {chain}-version chain")


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
    return cached(f"models-{n_models}x{n_versions}", MODELS_GENERATOR_VERSION,
                  lambda path: build_models_registry(path, n_models, n_versions),
                  f"{n_models} models x {n_versions} versions")
