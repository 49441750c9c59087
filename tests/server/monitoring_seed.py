"""Monitoring data for the REST, contract and exporter tests, via the store's writer.

Model versions are registered through the store API with a few bytes as the "model"
(nothing is ever loaded); batches, labels, rules and actions go through
``mm_jupyter.store.monitoring``, which evaluates rules and opens/resolves alerts itself.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from mm_jupyter.store import Registry, alerts
from mm_jupyter.store import monitoring as writer
from mm_jupyter.store.artifacts import NewVersion, add_version
from mm_jupyter.store.models import NewModelVersion, register

T0 = 1764212000.0
FRAUD = "fraud/clf"  # a name with "/"
CREDIT = 'credit "risk" ✓'  # quotes, a space and non-ASCII
PROFILE = {"features": {"age": {"type": "numeric"}, "plan": {"type": "categorical"}}}
SECRET_URL = "https://hooks.example.com/services/T000/SECRET-TOKEN"


def register_version(
    registry: Registry,
    name: str,
    *,
    profile: dict[str, Any] | None = None,
    stage: str | None = None,
    alias: str | None = None,
) -> tuple[int, int]:
    """Register a new version of ``name``; return ``(model_id, version_id)``."""
    n = registry.conn.execute("SELECT count(*) FROM model_versions").fetchone()[0]
    data = f"{name} model bytes {n}".encode()
    digest = registry.blobs.put_bytes(data)
    artifact_version, _ = add_version(
        registry,
        NewVersion(
            name=name,
            kind="model",
            digest=digest,
            size=len(data),
            media_type="application/octet-stream",
            format="file",
            file_name="model.bin",
            blobs=[(digest, len(data), "application/octet-stream")],
        ),
    )
    version_id, _ = register(
        registry,
        NewModelVersion(
            name=name,
            artifact_version_id=artifact_version,
            flavor="joblib",
            reference_profile=profile,
            stage=stage,
            alias=alias,
        ),
        user="tester",
    )
    model_id = registry.conn.execute(
        "SELECT model_id FROM model_versions WHERE id = ?", (version_id,)
    ).fetchone()[0]
    return int(model_id), version_id


def report(rows: int, status: str = "ok", reason: str | None = None) -> dict[str, Any]:
    """A drift report shaped like monitoring/drift.py's."""
    return {
        "rows": rows, "status": status, "reason": reason,
        "features": {"age": {"status": status}, "plan": {"status": status}},
        "missing_features": [], "extra_features": [], "prediction": None,
    }  # fmt: skip


def log(
    registry: Registry,
    version_id: int,
    batch_id: str,
    ts: float,
    series: dict[str, float],
    *,
    rows: int = 100,
    status: str = "ok",
    reason: str | None = None,
) -> list[dict[str, Any]]:
    """Log one batch (with predictions, so labels can follow); return fired alerts."""
    return writer.record_batch(
        registry,
        version_id,
        batch_id=batch_id,
        ts=ts,
        source="api",
        n_rows=rows,
        report=report(rows, status, reason),
        series={"volume.rows": float(rows), **series},
        predictions=[0, 1] * (rows // 2),
    )


def seed_fleet(registry: Registry) -> SimpleNamespace:
    """Three monitored versions, one model without monitoring data.

    ``fraud/clf`` v1 (production, alias ``champion``, a reference profile): six
    batches; ``drift.psi.age`` rises 0.0 → 0.4 and fires the model-wide rule at 0.3
    (one firing alert, 2 occurrences, with a notebook action); ``drift.psi.plan`` fires
    then resolves; the last batch has 10 rows and fires the v1-only critical rule on
    ``volume.rows``; batch ``f1-b1`` got labels. v2: two later batches, nothing fires.
    v3: no data. ``credit "risk" ✓`` v1: a model-wide rule, no batches. ``plain``: no
    monitoring at all.
    """
    made = SimpleNamespace()
    made.fraud_id, made.v1 = register_version(
        registry, FRAUD, profile=PROFILE, stage="production", alias="champion"
    )
    _, made.v2 = register_version(registry, FRAUD, profile=PROFILE)
    _, made.v3 = register_version(registry, FRAUD)
    made.credit_id, made.credit = register_version(registry, CREDIT)
    register_version(registry, "plain")

    made.psi_rule = alerts.upsert_rule(
        registry, model_id=made.fraud_id, pattern="drift.psi.*", op=">", threshold=0.2,
        action={"kind": "webhook", "url": SECRET_URL,
                "display": "https://hooks.example.com/***"},
        user="ana",
    )  # fmt: skip
    made.rows_rule = alerts.upsert_rule(
        registry, model_id=made.fraud_id, version_id=made.v1, pattern="volume.rows",
        op="<", threshold=50, severity="critical", name="too few rows",
    )  # fmt: skip
    made.v2_rule = alerts.upsert_rule(
        registry, model_id=made.fraud_id, version_id=made.v2, pattern="latency.*",
        op=">", threshold=100, count=3, window_s=600,
    )  # fmt: skip
    made.credit_rule = alerts.upsert_rule(
        registry, model_id=made.credit_id, pattern="performance.accuracy", op="<",
        threshold=0.8,
    )  # fmt: skip

    fired = []
    for i, psi in enumerate([0.0, 0.1, 0.2, 0.3, 0.4]):
        plan = 0.5 if i == 1 else 0.05
        fired += log(registry, made.v1, f"f1-b{i}", T0 + i,
                     {"drift.psi.age": psi, "drift.psi.plan": plan})  # fmt: skip
    fired += log(
        registry, made.v1, "f1-b5", T0 + 5, {"drift.psi.age": 0.35}, rows=10,
        status="insufficient_data", reason="10 rows; drift needs at least 30",
    )  # fmt: skip
    writer.record_labels(
        registry, "f1-b1", [0, 1] * 50, {"accuracy": 0.9, "labelled": 100},
        {"performance.accuracy": 0.9, "performance.labelled": 100.0},
    )  # fmt: skip
    made.alerts = {(e["series"], e["rule_id"]): e["alert_id"] for e in fired}
    made.age_alert = made.alerts[("drift.psi.age", made.psi_rule)]
    made.plan_alert = made.alerts[("drift.psi.plan", made.psi_rule)]
    made.rows_alert = made.alerts[("volume.rows", made.rows_rule)]
    alerts.record_action(
        registry, rule_id=made.psi_rule, alert_id=made.age_alert, kind="notebook",
        status="ok", detail="ran retrain.ipynb in 8.2 s",
        output="/abs/retrain-out.ipynb",
    )  # fmt: skip
    for i in range(2):
        log(registry, made.v2, f"f2-b{i}", T0 + 10 + i,
            {"drift.psi.age": 0.01, "latency.p95_ms": 20.0})  # fmt: skip
    return made
