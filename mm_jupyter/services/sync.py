"""Push local work to a team registry and pull team models back (``mm-jupyter push|pull``).

One transfer, either way: choose what to carry (``store/sync_selection.py``), send the
blobs first (content-addressed, so a blob already there costs one check), then the
rows in short transactions of ``RUN_BATCH`` runs: runs, artifact versions, lineage,
model versions, then aliases and stages. Every step is keyed (run ids; artifact name
and digest; model name and artifact version), so a transfer killed half-way is
finished by running it again, and a second run adds nothing. Version numbers are
the destination's; the local registry records which number each version got there.
Nothing is overwritten: an alias, stage or tag the destination sees otherwise is a
conflict in the report.
"""

from __future__ import annotations

import platform
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mm_jupyter.errors import ConfigError
from mm_jupyter.identity import current_user
from mm_jupyter.services.configuration import get_remote
from mm_jupyter.services.models import policies
from mm_jupyter.store import queries, sync_catalog, sync_runs, sync_state
from mm_jupyter.store.blob_transfer import send_blobs
from mm_jupyter.store.db import Registry, open_database
from mm_jupyter.store.location import RegistryLocation
from mm_jupyter.store.sync_catalog import VersionCopy
from mm_jupyter.store.sync_selection import Selection, select_changes, select_models

RUN_BATCH = 250  # runs per destination transaction: short enough not to hold up others

Progress = Callable[[str], None]


@dataclass
class _Ends:
    """The two registries of a transfer and which of them is this machine's."""

    source: Registry
    dest: Registry
    remote: str
    direction: str  # push | pull

    @property
    def local(self) -> Registry:
        return self.source if self.direction == "push" else self.dest


def _tally(states: Sequence[str]) -> dict[str, int]:
    return {"sent": states.count("sent") + states.count("new"),
            "already_there": states.count("already_there"),
            "conflicts": states.count("conflict")}


def _open_remote(local: Registry, name: str, scratch: str) -> Registry:
    remote = get_remote(local.location.path, name)
    if remote.blobs is None:
        raise ConfigError(
            f"remote {name!r} has no blob store: add one with"
            f" mm-jupyter remote add {name} --database URL --blobs s3://bucket/prefix")
    # A scratch folder: the remote's blob read cache must not outlive the transfer.
    return open_database(RegistryLocation(Path(scratch), "remote"), remote.database,
                         remote.blobs)


def _versions_report(ends: _Ends, kind: str, items: Sequence[VersionCopy]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        if item.dest_version is None:
            continue
        local, remote = ((item.source_version, item.dest_version) if ends.direction == "push"
                         else (item.dest_version, item.source_version))
        out.append({"kind": kind, "name": item.name, "local": local, "remote": remote,
                    "state": item.state})
    return out


def _record_mapping(ends: _Ends, kind: str, items: Sequence[VersionCopy]) -> None:
    rows = []
    for item in items:
        if item.dest_id is None or item.dest_version is None:
            continue
        if ends.direction == "push":
            rows.append((kind, item.source_id, item.dest_version))
        else:
            rows.append((kind, item.dest_id, item.source_version))
    sync_state.record_versions(ends.local, ends.remote, rows)


def _transfer(ends: _Ends, chosen: Selection, *, dry_run: bool,
              progress: Progress) -> dict[str, Any]:
    source, dest = ends.source, ends.dest
    user = current_user()
    origin = f"{ends.direction} by {user or 'unknown'} from {platform.node() or 'unknown host'}"
    runs = sync_runs.plan_runs(source, dest, chosen.runs)
    versions = sync_catalog.plan_versions(source, dest, chosen.versions)
    moving = [*runs.new, *runs.refresh]
    digests = sync_runs.output_blob_digests(source, moving)
    digests.update(sync_catalog.version_blob_digests(
        source, [v.source_id for v in versions if v.state == "new"]))
    progress(f"{len(runs.new)} new runs, {len(versions)} artifact versions,"
             f" {len(digests)} blobs to check")
    blobs = send_blobs(source, dest, digests, dry_run=dry_run)
    if not dry_run:
        done = 0
        for part in sync_runs.chunks(moving, RUN_BATCH):
            refresh = [r for r in part if r in set(runs.refresh)]
            sync_runs.copy_runs(source, dest, [r for r in part if r not in set(refresh)],
                                refresh=refresh)
            done += len(part)
            progress(f"runs {done}/{len(moving)}")
        sync_runs.add_tags(dest, runs.tag_additions)
        sync_catalog.copy_versions(source, dest, versions)
        _record_mapping(ends, "artifact", versions)
        sync_catalog.copy_lineage(source, dest, chosen.runs, {
            v.source_id: v.dest_id for v in versions if v.dest_id is not None})
    artifact_aliases = sync_catalog.plan_artifact_aliases(source, dest, versions)
    model_versions = sync_catalog.plan_model_versions(
        source, dest, chosen.model_versions, {v.source_id: v for v in versions})
    if not dry_run:
        sync_catalog.apply_artifact_aliases(dest, artifact_aliases, user)
        sync_catalog.copy_model_versions(dest, model_versions, origin=origin)
        _record_mapping(ends, "model", model_versions)
    labels = _held_to_policies(dest, sync_catalog.plan_stages(dest, model_versions), user)
    labels += sync_catalog.plan_model_aliases(source, dest, model_versions)
    if not dry_run:
        sync_catalog.apply_model_labels(dest, labels, user=user, comment=origin)
    return _report(ends, dry_run, runs, versions, model_versions,
                   artifact_aliases + labels, blobs.__dict__)


def _held_to_policies(dest: Registry, labels: list[dict[str, Any]],
                      user: str | None) -> list[dict[str, Any]]:
    """Turn a stage the destination's promotion policy refuses into a conflict.

    A stage set in one registry is not a promotion in another: the version enters it
    there only if that registry's policy allows (docs/deploy.md). A version not there
    yet (a dry run) is judged when it is sent.
    """
    for label in labels:
        if label["state"] != "new" or label["item"].dest_version is None:
            continue
        ref = f"{label['name']}:{label['item'].dest_version}"
        report = policies.check(dest, ref, label["stage"], user=user)
        if not report["passed"]:
            label["state"] = "conflict"
            label["detail"] = (f"{policies.refusal(report)}; left in its stage there"
                               " (promote it there once the rules pass)")
    return labels


def _report(ends: _Ends, dry_run: bool, runs: sync_runs.RunPlan,
            versions: list[VersionCopy], model_versions: list[VersionCopy],
            labels: list[dict[str, Any]], blobs: dict[str, int]) -> dict[str, Any]:
    conflicts = [*runs.tag_conflicts]
    conflicts += [{"kind": "artifact_version", "name": v.name, "version": v.source_version,
                   "detail": v.detail} for v in versions if v.state == "conflict"]
    conflicts += [{"kind": "model_version", "name": v.name, "version": v.source_version,
                   "detail": v.detail} for v in model_versions if v.state == "conflict"]
    conflicts += [{k: v for k, v in label.items() if k != "item" and k != "state"}
                  for label in labels if label["state"] == "conflict"]
    report: dict[str, Any] = {
        "remote": ends.remote,
        "direction": ends.direction,
        "dry_run": dry_run,
        "runs": {"sent": len(runs.new), "updated": len(runs.refresh),
                 "already_there": len(runs.same), "conflicts": len(runs.tag_conflicts)},
        "artifact_versions": _tally([v.state for v in versions]),
        "model_versions": _tally([v.state for v in model_versions]),
        "aliases": _tally([x["state"] for x in labels if x["kind"] != "stage"]),
        "stages": _tally([x["state"] for x in labels if x["kind"] == "stage"]),
        "blobs": blobs,
        "conflicts": conflicts,
        "versions": (_versions_report(ends, "artifact", versions)
                     + _versions_report(ends, "model", model_versions)),
    }
    moved = sum(report[k]["sent"] for k in ("runs", "artifact_versions", "model_versions",
                                             "aliases", "stages"))
    report["up_to_date"] = moved == 0 and report["runs"]["updated"] == 0 and not blobs["sent"]
    return report


def _quiet(message: str) -> None:
    """The default progress callback: say nothing."""


def push(local: Registry, remote: str, *, experiment: str | None = None,
         runs: Sequence[str] = (), dry_run: bool = False,
         progress: Progress = _quiet) -> dict[str, Any]:
    """Send local runs, artifact versions and models to ``remote``; return the report.

    Without ``experiment`` or ``runs``, everything changed since the last push to
    ``remote`` goes, and the local registry records how far that was.
    """
    run_ids = [queries.resolve_run(local, ref) for ref in runs]
    whole = experiment is None and not run_ids
    # Read before selecting: whatever changes during the push goes next time.
    cursor = local.change_seq()
    since = sync_state.pushed_cursor(local, remote) if whole else 0
    chosen = select_changes(local, since, experiment=experiment, run_ids=run_ids)
    with tempfile.TemporaryDirectory(prefix="mm-remote-") as scratch:
        team = _open_remote(local, remote, scratch)
        try:
            report = _transfer(_Ends(local, team, remote, "push"), chosen, dry_run=dry_run,
                               progress=progress)
        finally:
            team.close()
    if not dry_run:
        sync_state.record_push(local, remote, cursor if whole else None)
    report["since_change"] = since
    return report


def pull(local: Registry, remote: str, *, models: Sequence[str] = (),
         runs: Sequence[str] = (), dry_run: bool = False,
         progress: Progress = _quiet) -> dict[str, Any]:
    """Bring models ``models`` (every version, with lineage) and runs ``runs`` from ``remote``."""
    if not models and not runs:
        raise ValueError("say what to pull: --model NAME or --run RUN")
    with tempfile.TemporaryDirectory(prefix="mm-remote-") as scratch:
        team = _open_remote(local, remote, scratch)
        try:
            run_ids = [queries.resolve_run(team, ref) for ref in runs]
            chosen = select_models(team, models, run_ids)
            report = _transfer(_Ends(team, local, remote, "pull"), chosen, dry_run=dry_run,
                               progress=progress)
        finally:
            team.close()
    if not dry_run:
        sync_state.record_pull(local, remote)
    return report


def remotes_status(local: Registry) -> dict[str, dict[str, Any]]:
    """remote -> when it was last pushed to and pulled from."""
    return sync_state.sync_status(local)
