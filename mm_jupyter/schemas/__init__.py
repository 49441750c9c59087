"""JSON Schemas (draft 2020-12) of every REST payload (docs/rest.md, docs/monitoring.md).

The files are package data; ``load`` reads one. Each has an ``$id`` under
``https://mm-jupyter.invalid/schemas/v1/`` (a reserved, never-resolving domain) and
refers to the others by relative ``$ref``, so a validator resolves them offline from
these files (see tests/server/test_contract.py).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

NAMES = (
    "common",
    "meta",
    "run_summary",
    "runs_page",
    "run_detail",
    "report",
    "keys",
    "changes",
    "artifacts_page",
    "artifact_versions",
    "artifact_diff",
    "lineage",
    "models_page",
    "model_detail",
    "model_version",
    "model_transition_request",
    "model_transition_response",
    "model_card",
    "model_check",
    "model_approvals",
    "model_approval_request",
    "model_policies",
    "model_policy_request",
    "run_model_registration_request",
    "run_model_registration_response",
    "model_registration_request",
    "run_output",
    "run_update_request",
    "run_move_request",
    "metric_direction_request",
    "metric_direction_response",
    "diff",
    "compare",
    "monitoring_common",
    "monitoring_page",
    "monitoring_detail",
    "monitoring_series",
    "monitoring_alerts",
    "monitoring_batches",
    "alert_acknowledge_request",
    "alert_acknowledge_response",
    "rerun_report",
    "checkout",
)


def load(name: str) -> dict[str, Any]:
    """Return the schema ``name`` (e.g. ``"runs_page"``) as a dict."""
    if name not in NAMES:
        raise ValueError(f"unknown schema {name!r}: use one of {', '.join(NAMES)}")
    text = resources.files(__name__).joinpath(f"{name}.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]
