"""The model card of a version: what a package's ``MODEL_CARD.md`` and the model view show.

``model_card`` gathers, from the registry only (nothing is unpickled): the version,
its stage and alias history, the model's owner, description and tags, the producing
run with its notebook and cell, the training data (input dataset versions with
digests, and a summary of the reference profile), metrics, the producing run's
evaluation reports (issue 10), the latest monitoring of this version, and the run's
reproducibility verdict. ``display/model_card.py`` renders it as Markdown.

Everything in it is registry data, never the time it was built, so the card of a
version changes only when the registry's facts about that version do (a new
monitoring batch, a promotion).

``card_sections`` lists the sections other features own: each ``CardSection`` puts its
data and Markdown under ``sections`` in every card (REST, package). The promotion policy
and approvals section (services/models/policies.py) is the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mm_jupyter.display.model_card import POLICY_KEY, POLICY_TITLE, policy_markdown
from mm_jupyter.errors import NotFoundError
from mm_jupyter.monitoring import queries as monitoring
from mm_jupyter.services.evaluation.storage import run_reports
from mm_jupyter.services.models import catalog, policies
from mm_jupyter.services.runs.queries import run_detail
from mm_jupyter.store import Registry, model_queries

FORMAT = "mm-jupyter.model-card/1"
# At most this many reference-profile features, metrics per report and alerts are listed.
MAX_FEATURES = 50
MAX_REPORT_METRICS = 8
MAX_ALERTS = 10


@dataclass(frozen=True)
class CardSection:
    """A card section another feature contributes (see ``card_sections``).

    ``build(registry, version)`` returns the section's data for a ``ModelVersion``
    payload (with ``history``), or ``None`` to leave it out; ``render(data)`` returns
    its Markdown body (below a ``## title`` heading).
    """

    key: str
    title: str
    build: Callable[[Registry, dict[str, Any]], dict[str, Any] | None]
    render: Callable[[dict[str, Any]], str]


# Sections listed here appear in every card after the built-in ones, in this order.
card_sections: list[CardSection] = [
    CardSection(POLICY_KEY, POLICY_TITLE, policies.card_data, policy_markdown),
]


def model_card(registry: Registry, ref: str) -> dict[str, Any]:
    """Return the structured card of the version ``ref`` names (docs/rest.md, ``ModelCard``)."""
    version = catalog.version_detail(registry, ref)
    model = catalog.model_detail(registry, version["name"])["model"]
    profile = model_queries.reference_profile(registry, version["ref"])
    run = _run(registry, version)
    outputs = run.pop("outputs") if run is not None else []
    card: dict[str, Any] = {
        "format": FORMAT,
        "model": {
            "name": version["name"], "version": version["version"], "ref": version["ref"],
            "stage": version["stage"], "aliases": version["aliases"],
            "description": version["description"], "owner": model["owner"],
            "tags": model["tags"], "flavor": version["flavor"],
            "created_at": version["created_at"], "created_by": version["created_by"],
            "artifact": version["artifact"],
        },
        "history": version["history"],
        "run": run,
        "training_data": {"inputs": version["inputs"], "profile": _profile_summary(profile)},
        "signature": version["signature"],
        "requirements": version["requirements"],
        "metrics": version["metrics"],
        "evaluation": _reports(registry, outputs),
        "monitoring": _monitoring(registry, version["ref"]),
        "reproducibility": version["reproducibility"] or (run or {}).get("reproducibility"),
        "sections": [],
    }
    for section in card_sections:
        data = section.build(registry, version)
        if data is not None:
            card["sections"].append({"key": section.key, "title": section.title,
                                     "data": data, "markdown": section.render(data)})
    return card


def _run(registry: Registry, version: dict[str, Any]) -> dict[str, Any] | None:
    if version["run"] is None:
        return None
    try:
        detail = run_detail(registry, version["run"]["id"], exact=True)
    except NotFoundError:  # the run was purged: the version keeps what it recorded
        return {**version["run"], "notebook_path": None, "cell_id": None, "user": None,
                "host": None, "git": None, "reproducibility": None, "outputs": []}
    summary = detail["run"]
    environment = detail.get("environment") or {}
    return {
        "id": summary["id"], "name": summary["name"], "experiment": summary["experiment"],
        "status": summary["status"], "user": summary["user"], "host": summary["host"],
        "notebook_path": summary["notebook_path"], "cell_id": detail.get("cell_id"),
        "git": environment.get("git"), "reproducibility": detail.get("reproducibility"),
        "outputs": detail["artifacts"]["outputs"],
    }


def _profile_summary(profile: Any) -> dict[str, Any] | None:
    """The reference profile in brief: rows, task, and per feature its type and range."""
    if not isinstance(profile, dict):
        return None
    features = []
    for name, feature in list((profile.get("features") or {}).items())[:MAX_FEATURES]:
        entry: dict[str, Any] = {"name": name, "type": feature.get("type"),
                                 "missing_rate": feature.get("missing_rate")}
        if feature.get("type") == "numeric":
            entry.update(mean=feature.get("mean"), min=feature.get("min"),
                         max=feature.get("max"))
        else:
            entry["top"] = list((feature.get("categories") or {}).keys())[:5]
        features.append(entry)
    return {"rows": profile.get("rows"), "task": profile.get("task"),
            "n_features": len(profile.get("features") or {}), "features": features}


def _reports(registry: Registry, outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for report in run_reports(registry, outputs):
        metrics = dict(list(report["metrics"].items())[:MAX_REPORT_METRICS])
        out.append({**report, "metrics": metrics})
    return out


def _monitoring(registry: Registry, ref: str) -> dict[str, Any] | None:
    try:
        detail = monitoring.monitor_detail(registry, ref)
    except NotFoundError:
        return None
    summary = detail["monitor"]
    if not summary.get("batches"):
        return None
    latest = detail["latest"]

    def value(key: str) -> Any:
        return latest[key]["value"] if key in latest else None

    return {
        "batches": summary["batches"], "rows": summary["rows"],
        "labelled": summary["labelled"], "last_ts": summary["last_ts"],
        "firing": summary["firing"], "drift_share": value("drift.share"),
        "prediction_psi": value("drift.prediction.psi"),
        "performance": {k.removeprefix("performance."): v["value"]
                        for k, v in latest.items() if k.startswith("performance.")},
        "alerts": [{"series": a["series"], "state": a["state"], "severity": a["severity"],
                    "message": a["message"], "fired_ts": a["fired_ts"]}
                   for a in detail["alerts"][:MAX_ALERTS]],
    }


__all__ = ["FORMAT", "CardSection", "card_sections", "model_card"]
