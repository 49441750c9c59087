"""Keep an evaluation report as an artifact version of kind ``report``, and read it back.

A report is a directory version: ``report.json`` (the data, figure digests included)
and one PNG per figure, each a content-addressed blob. The version's metadata holds
``{"evaluation": {"name", "task", "metrics"}}``, so listing a run's reports reads
rows, not blobs. The run that evaluated is the version's producer (lineage output).

Reading never takes a path from the caller: a report is found by run id and report
name among that run's output versions, and its JSON by the digest its version lists.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from mm_jupyter.core.names import name_problem
from mm_jupyter.encoding import payload_dumps
from mm_jupyter.errors import NotFoundError
from mm_jupyter.identity import current_user
from mm_jupyter.services.artifacts.serialization import MANIFEST
from mm_jupyter.store import Registry
from mm_jupyter.store import artifacts as store
from mm_jupyter.store.artifact_queries import run_artifacts

if TYPE_CHECKING:  # the report builder needs numpy; reading reports (server, CLI) does not
    from mm_jupyter.services.evaluation.report import Report

FORMAT = "mm-jupyter.evaluation/1"  # the stored JSON's format (docs/evaluation.md)
REPORT_FILE = "report.json"
KIND = "report"


def artifact_name(run_name: str, name: str) -> str:
    """Return ``<run name>-<name>-report`` as a valid artifact name.

    Characters a name may not hold (``:``, ``@``, controls, ``/``) become ``-``.
    """
    raw = f"{run_name}-{name}-report"
    cleaned = "".join(
        "-" if c in ":@/\\" or not c.isprintable() else c for c in raw
    ).strip()[:200]
    if name_problem(cleaned) is None:
        return cleaned
    return f"report-{hashlib.sha256(raw.encode('utf-8', 'replace')).hexdigest()[:12]}"


def _put(registry: Registry, files: dict[str, tuple[bytes, str]]) -> tuple[
    list[tuple[str, str, int]], list[tuple[str, int, str]]
]:
    members: list[tuple[str, str, int]] = []
    blobs: list[tuple[str, int, str]] = []
    for path in sorted(files):
        data, media_type = files[path]
        digest = registry.blobs.put_bytes(data)
        members.append((path, digest, len(data)))
        blobs.append((digest, len(data), media_type))
    return members, blobs


def store_report(registry: Registry, report: Report, *, run_id: str, run_name: str) -> dict[str, Any]:
    """Store ``report`` as a new version produced by run ``run_id``; return the version.

    The figure digests are written into ``report.data`` (and so into ``report.json``)
    before the JSON is stored. An identical report is the existing version.
    """
    figure_files = {f"{key}.png": (png, "image/png") for key, png in report.figures.items()}
    members, blobs = _put(registry, figure_files)
    digests = {path: digest for path, digest, _ in members}
    for figure in report.data["figures"]:
        figure["digest"] = digests[figure["file"]]
    text = payload_dumps(report.data, ensure_ascii=False, separators=(",", ":"))
    more, more_blobs = _put(registry, {REPORT_FILE: (text.encode("utf-8"), "application/json")})
    members = sorted([*members, *more])
    blobs += more_blobs
    # The same manifest ingest.ingest_directory writes for a folder, so a report
    # materialises and verifies like any directory version.
    manifest = json.dumps(
        [{"path": p, "digest": d, "size": s} for p, d, s in members], separators=(",", ":")
    ).encode()
    digest = registry.blobs.put_bytes(manifest)
    name = artifact_name(run_name, report.data["name"])
    summary = {k: report.data[k] for k in ("name", "task", "metrics")}
    version_id, _ = store.add_version(
        registry,
        store.NewVersion(
            name=name, kind=KIND, digest=digest, size=sum(s for _, _, s in members),
            media_type=MANIFEST, format="directory", file_name=name.replace("/", "-"),
            metadata={"evaluation": {"format": FORMAT, **summary}}, run_id=run_id, is_dir=True,
            files=members, blobs=[*blobs, (digest, len(manifest), MANIFEST)],
            description=f"Evaluation report {report.data['name']!r} ({report.data['task']})",
        ),
        user=current_user(),
    )
    return store.get_version(registry, version_id)


def _evaluation(version: dict[str, Any]) -> dict[str, Any] | None:
    metadata = version.get("metadata")
    found = metadata.get("evaluation") if isinstance(metadata, dict) else None
    if not isinstance(found, dict) or not isinstance(found.get("name"), str):
        return None  # a report logged by hand (an HTML file), not by mm.evaluate
    return found


def report_versions(registry: Registry, outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the evaluation report versions among a run's output ``VersionRef``s."""
    found = []
    for ref in outputs:
        if ref.get("kind") != KIND:
            continue
        try:
            version = store.resolve_version(registry, ref["ref"])
        except (NotFoundError, ValueError):
            continue  # an unaddressable legacy name: not one of ours
        if _evaluation(version) is not None:
            found.append(version)
    return found


def latest_reports(registry: Registry, outputs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Return a run's report versions by report name, from its output ``VersionRef``s.

    Two reports of one name (``mm.evaluate`` called twice with it): the later
    version wins.
    """
    found: dict[str, dict[str, Any]] = {}
    for version in sorted(report_versions(registry, outputs), key=lambda v: (v["created_at"], v["id"])):
        found[(_evaluation(version) or {})["name"]] = version
    return found


def run_reports(registry: Registry, outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return ``[{"name", "task", "metrics", "artifact"}]``: a run's reports by name.

    ``outputs`` are the run's output versions (``run_detail(...)["artifacts"]
    ["outputs"]``).
    """
    out = []
    for name, version in sorted(latest_reports(registry, outputs).items()):
        info = _evaluation(version) or {}
        metrics = info.get("metrics")
        out.append({"name": name, "task": str(info.get("task")),
                    "metrics": metrics if isinstance(metrics, dict) else {},
                    "artifact": version["ref"]})
    return out


def run_output_refs(registry: Registry, run_id: str) -> list[dict[str, Any]]:
    """Return the output ``VersionRef``s of run ``run_id`` (exact id)."""
    with registry.read() as conn:
        return run_artifacts(conn, run_id)["outputs"]


def load_report(registry: Registry, run_id: str, name: str) -> dict[str, Any]:
    """Return the report ``name`` of run ``run_id`` (exact id): its stored JSON plus
    ``artifact`` (the version ref) and ``run_id``. ``NotFoundError`` when there is none.
    """
    version = latest_reports(registry, run_output_refs(registry, run_id)).get(name)
    if version is None:
        raise NotFoundError(f"run {run_id} has no evaluation report named {name[:100]!r}")
    return read_report(registry, version, run_id)


def read_report(registry: Registry, version: dict[str, Any], run_id: str) -> dict[str, Any]:
    """Return the JSON of a report version, with ``artifact`` and ``run_id`` added.

    ``run_id`` is the run asked about: an identical report of two runs is one version.
    """
    members = {m["path"]: m["digest"] for m in store.version_files(registry, version["id"])}
    if REPORT_FILE not in members:
        raise NotFoundError(f"report {version['ref']} has no {REPORT_FILE}")
    data = json.loads(registry.blobs.get_bytes(members[REPORT_FILE]).decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"report {version['ref']}: {REPORT_FILE} is not a JSON object")
    return {**data, "artifact": version["ref"], "run_id": run_id}
