"""Prometheus export benchmark: one scrape of 100 monitored models x 40 series each.

The target is <= 100 ms per scrape (docs/monitoring.md, monitoring/exporter.py). Each
model gets a model-wide drift rule and 5 batches written through the store's writer,
so monitor_series, monitor_latest and a firing alert per model are all populated.
Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time

MODELS = 100
SERIES = 40
BATCHES = 5
SCRAPES = 30


def main() -> None:
    home = tempfile.mkdtemp(prefix="mm-bench-monitoring-export-")
    os.environ["MM_JUPYTER_HOME"] = home
    from mm_jupyter.monitoring.exporter import exposition
    from mm_jupyter.store import alerts, open_registry
    from mm_jupyter.store import monitoring as writer
    from mm_jupyter.store.artifacts import NewVersion, add_version
    from mm_jupyter.store.models import NewModelVersion, register

    registry = open_registry(home)
    t0 = 1764212000.0
    for i in range(MODELS):
        name = f"bench-model-{i}"
        data = name.encode()
        digest = registry.blobs.put_bytes(data)
        artifact, _ = add_version(registry, NewVersion(
            name=name, kind="model", digest=digest, size=len(data),
            media_type="application/octet-stream", format="file", file_name="m.bin",
            blobs=[(digest, len(data), "application/octet-stream")],
        ))  # fmt: skip
        version_id, _ = register(
            registry,
            NewModelVersion(name=name, artifact_version_id=artifact, flavor="joblib"),
            user="bench",
        )
        model_id = registry.conn.execute(
            "SELECT model_id FROM model_versions WHERE id = ?", (version_id,)
        ).fetchone()[0]
        alerts.upsert_rule(registry, model_id=model_id, pattern="drift.psi.f0", op=">",
                           threshold=0.2)  # fmt: skip
        for b in range(BATCHES):
            series = {f"drift.psi.f{k}": (k + b) / 100 for k in range(SERIES - 1)}
            series["drift.psi.f0"] = 0.5  # breaches: one firing alert per model
            writer.record_batch(
                registry, version_id, batch_id=f"{i}-{b}", ts=t0 + b, source="api",
                n_rows=1000, report={"rows": 1000, "status": "ok"},
                series={"volume.rows": 1000.0, **series},
            )  # fmt: skip
    exposition(registry)  # warm the page cache and imports
    times = []
    for _ in range(SCRAPES):
        start = time.perf_counter()
        body = exposition(registry)
        times.append(time.perf_counter() - start)
    samples = sum(
        1 for line in body.decode().splitlines() if line and not line.startswith("#")
    )
    registry.close()
    if not os.environ.get("MM_BENCH_KEEP"):
        shutil.rmtree(home, ignore_errors=True)
    print(json.dumps({
        "monitoring_export_scrape_ms": round(statistics.median(times) * 1000, 3),
        "monitoring_export_scrape_max_ms": round(max(times) * 1000, 3),
        "monitoring_export_samples": samples,
        "monitoring_export_bytes": len(body),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
