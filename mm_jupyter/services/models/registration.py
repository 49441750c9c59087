"""Register a model: what ``mm.register_model``, ``%mm register`` and the Register button
do (loading it back is loading.py's; the reference profile reference.py's).

A registration stores the model's bytes as an artifact version (content-addressed), then
the model version with what describes it: the producing run and its metrics, the
configuration, the input signature, the requirements and, with reference data, the
training-data profile monitoring compares live data with. Registry events follow, so
event rules fire as they do for a stage change.
"""

from __future__ import annotations

import socket
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mm_jupyter.core.names import check_name
from mm_jupyter.errors import ConflictError, NotFoundError, PolicyRefusedError
from mm_jupyter.identity import current_user
from mm_jupyter.monitoring.dispatch import dispatch_events
from mm_jupyter.records import ModelVersion
from mm_jupyter.services.models import flavors, lookup, policies, transitions
from mm_jupyter.services.models.reference import reference_profile
from mm_jupyter.services.runs.queries import get_run, resolve_run
from mm_jupyter.services.runs.session import Session
from mm_jupyter.store import Registry
from mm_jupyter.store import artifacts as artifact_store
from mm_jupyter.store import models as store
from mm_jupyter.store.artifact_queries import run_artifacts


def producing_run(session: Session, model: Any) -> str | None:
    """Return the run that fitted ``model``: the run in progress if recorded, else the
    tracked cell that bound it, else ``None``."""
    if session.active and session.active[-1].id is not None:
        return session.active[-1].id
    return session.model_run(model)


def run_metrics(session: Session, registry: Registry, run_id: str) -> dict[str, Any]:
    """Return the metrics of run ``run_id`` so far, for the version it produced.

    Buffered points are written first; mid-cell, the metric-like names the tracked
    cell has bound so far count too (the run records them when it ends).
    """
    session.flush()
    metrics: dict[str, Any] = dict(get_run(registry, run_id).metrics)
    active = session.active[-1] if session.active else None
    if active is not None and active.id == run_id and active.pending_metrics is not None:
        try:
            metrics = {**active.pending_metrics(), **metrics}
        except Exception:  # the probe reads user objects; never fail registration
            pass
    return metrics


def register_model(
    session: Session,
    model: Any,
    name: str,
    *,
    alias: str | None = None,
    stage: str | None = None,
    description: str | None = None,
    owner: str | None = None,
    tags: Mapping[str, Any] | None = None,
    reference_data: Any = None,
    run: str | None = None,
) -> ModelVersion:
    """Register ``model`` as a new version of ``name`` and return that version.

    Everything that can be refused (name, stage, alias, a name an artifact holds, an
    unpicklable model) is refused before a byte is stored. Identical content returns
    the existing version. ``run`` names the producing run (default: ``producing_run``).
    With ``model=None``, ``run`` is required and the model autologging stored for that
    run is registered from its bytes (``register_run_model``).
    """
    check_name(name, "model")  # the artifact rule: one rule, one message
    if stage is not None and stage not in store.STAGES:
        raise ValueError(f"stage must be one of {', '.join(store.STAGES)}, not {stage!r}")
    if alias is not None:
        artifact_store.check_alias(alias)
    if model is None and run is None:
        raise TypeError(
            "register_model needs a model, or run= to register the model autologging"
            " logged for that run"
        )
    registry = session.require_registry()
    store.check_model_name_free(registry, name)  # before pickling or storing anything
    options = RegistrationOptions(alias, stage, description, owner, tags)
    if model is None:
        assert run is not None
        return register_run_model(session, registry, run, name, options, reference_data)
    flavor = flavors.flavor_of(model)
    data = flavors.dump(model, flavor)  # TypeError for unpicklable objects: nothing written
    profile = None
    if reference_data is not None:
        profile = reference_profile(model, reference_data)
    run_id = run or producing_run(session, model)
    if run_id is not None:
        run_id = resolve_run(registry, run_id)
    digest = registry.blobs.put_bytes(data)
    artifact_id = _model_artifact(
        registry, name, digest, len(data), flavor, run_id,
        {
            "class": f"{type(model).__module__}.{type(model).__qualname__}",
            # who stored these bytes, from where: loading.load_model trusts only its own
            "registered_by": {"user": current_user(), "host": socket.gethostname()},
        },
    )
    described = _Described(
        flavor, flavors.config_of(model), flavors.signature_of(model, reference_data),
        flavors.requirements_of(model, flavor), profile,
    )
    return _add_model_version(session, registry, name, artifact_id, run_id, described, options)


def register_stored_run_model(
    registry: Registry,
    run: str,
    name: str,
    *,
    alias: str | None = None,
    stage: str | None = None,
    description: str | None = None,
    user: str | None = None,
    exact: bool = False,
    artifact: str | None = None,
    tags: Mapping[str, Any] | None = None,
    reproducibility_confirmed: bool | None = None,
) -> ModelVersion:
    """Register the model autologging stored for ``run`` as a new version of ``name``,
    without a kernel: what ``mm-jupyter models register``, the sidebar's Register
    model button (``POST runs/{id}/register-model``) and the run output's Register
    (``POST models``, with ``artifact``: that model artifact version of the run) do.

    The same checks as ``register_model``, in the same order, before anything is
    written; nothing is unpickled. ``user`` is recorded in the history.
    ``reproducibility_confirmed``: ``None`` registers whatever the run's hidden-state
    verdict (the CLI); ``False`` refuses a run with warnings (``ConflictError``: the
    UI asks first); ``True`` records that ``user`` confirmed it.
    """
    check_name(name, "model")
    if stage is not None and stage not in store.STAGES:
        raise ValueError(f"stage must be one of {', '.join(store.STAGES)}, not {stage!r}")
    if alias is not None:
        artifact_store.check_alias(alias)
    store.check_model_name_free(registry, name)
    if reproducibility_confirmed is False:
        check_reproducibility(registry, resolve_run(registry, run, exact=exact))
    options = RegistrationOptions(alias, stage, description, None, tags, user,
                                  reproducibility_confirmed=bool(reproducibility_confirmed))
    return register_run_model(None, registry, run, name, options, exact=exact,
                              artifact=artifact)


def check_reproducibility(registry: Registry, run_id: str) -> None:
    """``ConflictError`` when run ``run_id`` has hidden-state warnings: registering
    its model must be confirmed (``confirm_reproducibility`` in the REST body)."""
    found = get_run(registry, run_id).reproducibility or {}
    issues = found.get("issues") or []
    if found.get("status") == "warnings":
        first = issues[0].get("message") if issues and isinstance(issues[0], dict) else ""
        raise ConflictError(
            f"run {run_id} has {len(issues)} hidden-state warning"
            f"{'s' if len(issues) != 1 else ''} ({first}); its model may not be"
            " reproducible from the notebook: send confirm_reproducibility: true to"
            " register it anyway (docs/reproducibility.md)"
        )


def version_reproducibility(
    registry: Registry, run_id: str | None, options: RegistrationOptions
) -> dict[str, Any] | None:
    """What a version records of its run's hidden-state verdict: the status, the
    number of warnings, and who confirmed registering despite them."""
    found = get_run(registry, run_id).reproducibility if run_id is not None else None
    if not found:
        return None
    status = str(found.get("status"))
    warnings_ = len(found.get("issues") or []) if status == "warnings" else 0
    confirmed = options.reproducibility_confirmed and status == "warnings"
    return {"status": status, "warnings": warnings_,
            "confirmed_by": str(options.user or current_user()) if confirmed else None}


@dataclass
class RegistrationOptions:
    """How a new version is labelled: alias, stage, and the model's description."""

    alias: str | None
    stage: str | None
    description: str | None
    owner: str | None
    tags: Mapping[str, Any] | None
    # Who registers, for the history (default: this process's user; the server's is
    # the Jupyter user making the request).
    user: str | None = None
    # The user confirmed registering from a run with hidden-state warnings.
    reproducibility_confirmed: bool = False


@dataclass
class _Described:
    flavor: str
    config: dict[str, Any]
    signature: dict[str, Any] | None
    requirements: dict[str, Any]
    profile: dict[str, Any] | None


def register_run_model(
    session: Session | None,
    registry: Registry,
    run: str,
    name: str,
    options: RegistrationOptions,
    reference_data: Any = None,
    *,
    exact: bool = False,
    artifact: str | None = None,
) -> ModelVersion:
    """Register the model autologging stored for ``run``, from its stored bytes
    (``artifact``: that model artifact version the run produced, checked).

    Nothing is unpickled (the server and the sidebar register this way too): the
    version reuses the autologged artifact's digest, and its configuration, signature
    and requirements are those autologging recorded with it. With reference data,
    the profile has no prediction part (that would need the model loaded).
    ``session`` is the kernel's (``None`` outside one: the CLI, the server);
    ``exact`` takes ``run`` as a full id only (the REST route's).
    """
    run_id = resolve_run(registry, run, exact=exact)
    if artifact is None:
        logged = run_model_version(registry, run_id)
    else:
        logged = run_output_version(registry, run_id, artifact)
    metadata = logged["metadata"] if isinstance(logged["metadata"], dict) else {}
    artifact_id = _model_artifact(
        registry, name, logged["digest"], logged["size"], logged["format"], run_id,
        {key: metadata[key] for key in ("class", "registered_by") if key in metadata},
        user=options.user,
    )
    profile = None
    if reference_data is not None:
        from mm_jupyter.monitoring.profile import profile_data  # see reference_profile

        profile = profile_data(reference_data, predictions=None)
    signature = metadata.get("signature")
    if reference_data is not None:
        signature = flavors.signature_of(None, reference_data) or signature
    described = _Described(
        str(logged["format"]), dict(metadata.get("config") or {}), signature,
        dict(metadata.get("requirements") or {}), profile,
    )
    return _add_model_version(session, registry, name, artifact_id, run_id, described, options)


def run_model_version(registry: Registry, run_id: str) -> dict[str, Any]:
    """Return the artifact version of the model autologging stored for run ``run_id``.

    ``NotFoundError`` when the run has none (autologging was off, the cell fitted no
    model, or the cell is still running: its model is stored when it ends).
    """
    from mm_jupyter.services.runs.autolog import wait_for_writes

    wait_for_writes()  # a model the cell that just ended is still storing
    logged = run_model_versions(registry, run_id, autologged=True)
    if not logged:
        raise NotFoundError(
            f"run {run_id} has no autologged model (its cell fitted none, autologging was"
            " off, or the cell has not ended yet); register the fitted model object"
            " itself with mm.register_model(model, name)"
        )
    return max(logged, key=lambda v: (str(v["created_at"]), int(v["id"])))


def run_model_versions(
    registry: Registry, run_id: str, *, autologged: bool = False
) -> list[dict[str, Any]]:
    """Return the model artifact versions run ``run_id`` produced (``autologged``:
    those autologging stored), without waiting for models still being stored."""
    with registry.read() as conn:
        outputs = run_artifacts(conn, run_id)["outputs"]
    versions = [
        artifact_store.resolve_version(registry, str(v["ref"]))
        for v in outputs if v["kind"] == "model"
    ]
    if autologged:
        versions = [v for v in versions
                    if isinstance(v["metadata"], dict) and v["metadata"].get("autolog")]
    return versions


def run_output_version(registry: Registry, run_id: str, artifact: str) -> dict[str, Any]:
    """Return artifact version ``artifact`` (``name:vN``) if run ``run_id`` produced it
    and it is a model; else ``ValueError`` (``NotFoundError`` for no such version)
    saying which."""
    version = artifact_store.resolve_version(registry, artifact)
    if version["kind"] != "model":
        raise ValueError(
            f"artifact {version['ref']} is a {version['kind']}, not a model: only a model"
            " artifact can be registered as a model version"
        )
    produced = {str(v["ref"]) for v in run_model_versions(registry, run_id)}
    if str(version["ref"]) not in produced:
        raise ValueError(
            f"artifact {version['ref']} is not an output of run {run_id}"
            + (f" (its model artifacts: {', '.join(sorted(produced))})" if produced else
               " (the run stored no model)")
        )
    return version


def _model_artifact(
    registry: Registry, name: str, digest: str, size: int, flavor: str,
    run_id: str | None, metadata: dict[str, Any], *, user: str | None = None,
) -> int:
    """Record the artifact version holding a model version's bytes (already stored)."""
    artifact_id, _ = artifact_store.add_version(
        registry,
        artifact_store.NewVersion(
            name=name, kind="model", digest=digest, size=size,
            media_type="application/octet-stream", format=flavor,
            file_name=f"{name.replace('/', '_')}.{'pt' if flavor == 'torch_state_dict' else 'joblib'}",
            metadata=metadata, run_id=run_id,
            blobs=[(digest, size, "application/octet-stream")],
        ),
        user=user or current_user(),
    )
    return artifact_id


def _add_model_version(
    session: Session | None, registry: Registry, name: str, artifact_id: int, run_id: str | None,
    described: _Described, options: RegistrationOptions,
) -> ModelVersion:
    metrics: dict[str, Any] = {}
    if run_id is not None and session is not None:
        metrics = run_metrics(session, registry, run_id)
    elif run_id is not None:  # no kernel: what the registry holds is all there is
        metrics = dict(get_run(registry, run_id).metrics)
    repro = version_reproducibility(registry, run_id, options)
    if session is not None and repro is not None and repro["status"] == "warnings":
        # In the notebook nothing asks first (the UI does): say it where the user looks.
        warnings.warn(
            f"run {run_id} has {repro['warnings']} hidden-state"
            " warnings: this model may not be reproducible from the notebook (see the run's"
            " reproducibility, docs/reproducibility.md)", UserWarning, stacklevel=3,
        )
    # A stage some policy governs is entered as a move of its own, once the version
    # exists to be judged (_label); otherwise with the registration, as one change.
    gated = options.stage is not None and policies.governs(registry, name, options.stage)
    version_id, _created = store.register(
        registry,
        store.NewModelVersion(
            name=name, artifact_version_id=artifact_id, flavor=described.flavor, run_id=run_id,
            config=described.config, metrics=metrics, signature=described.signature,
            requirements=described.requirements, reference_profile=described.profile,
            description=options.description, owner=options.owner,
            tags={str(k): str(v) for k, v in (options.tags or {}).items()},
            reproducibility=repro, alias=options.alias,
            stage=None if gated else options.stage,
        ),
        user=options.user or current_user(),
    )
    # Registration events can trigger monitoring rules (docs/monitoring.md).
    dispatch_events(registry)
    if gated:
        _label(registry, name, version_id, options)
    return ModelVersion.from_store(lookup.model_version(registry, version_id))


def _label(registry: Registry, name: str, version_id: int, options: RegistrationOptions) -> None:
    """Move a new version to its stage: held to the stage's promotion policy like any
    move (docs/deploy.md). A refusal keeps the registered version and says so."""
    if options.stage is None:
        return
    ref = f"{name}:{lookup.model_version(registry, version_id)['version']}"
    try:
        transitions.set_stage(registry, ref, options.stage, user=options.user or current_user())
    except PolicyRefusedError as exc:
        raise PolicyRefusedError(f"registered {ref} (stage none), but {exc}",
                                 exc.report) from None
