"""Public model registry API: ``mm.register_model``, ``mm.load_model``, stages, aliases."""

from __future__ import annotations

import socket
from collections.abc import Mapping
from typing import Any

from mm_jupyter.core.names import check_name
from mm_jupyter.errors import TrustRequiredError
from mm_jupyter.identity import current_user
from mm_jupyter.services.models import flavors, transitions
from mm_jupyter.services.runs.session import get_session
from mm_jupyter.store import artifacts as artifact_store
from mm_jupyter.store import models as store

__all__ = [
    "get_model",
    "list_models",
    "load_model",
    "model_history",
    "promote_model",
    "register_model",
    "set_model_alias",
]



def producing_run(model: Any) -> str | None:
    """Return the run that fitted ``model``: the active run, else the tracked cell that
    bound it, else ``None``."""
    session = get_session()
    if session.active and session.active[-1].id is not None:
        return session.active[-1].id
    return session.model_run(model)


def register_model(
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
) -> dict[str, Any]:
    """Register ``model`` as a new version of ``name`` and return that version.

    Records the model artifact (content-addressed: registering identical content again
    returns the existing version), the producing run and its metrics, the input
    datasets (lineage), the configuration, the input signature, the library versions
    and, with ``reference_data``, a profile of the training data for monitoring.
    """
    check_name(name, "model")  # the artifact rule: one rule, one message
    if stage is not None and stage not in store.STAGES:
        raise ValueError(f"stage must be one of {', '.join(store.STAGES)}, not {stage!r}")
    if alias is not None:
        artifact_store.check_alias(alias)
    session = get_session()
    registry = session.require_registry()
    store.check_model_name_free(registry, name)  # before pickling or storing anything
    flavor = flavors.flavor_of(model)
    data = flavors.dump(model, flavor)  # TypeError for unpicklable objects: nothing written
    profile = None
    if reference_data is not None:
        from mm_jupyter.monitoring.profile import profile_data

        profile = profile_data(reference_data, predictions=_reference_predictions(model, reference_data))
    run_id = run or producing_run(model)
    metrics: dict[str, Any] = {}
    if run_id is not None:
        from mm_jupyter.store.queries import get_run_summary, resolve_run

        session.flush()
        run_id = resolve_run(registry, run_id)
        metrics = get_run_summary(registry, run_id)["metrics"]
        active = session.active[-1] if session.active else None
        if active is not None and active.id == run_id and active.pending_metrics is not None:
            try:  # mid-cell: the metric-like names the cell has bound so far
                metrics = {**active.pending_metrics(), **metrics}
            except Exception:  # the probe reads user objects; never fail registration
                pass
    digest = registry.blobs.put_bytes(data)
    artifact_id, _ = artifact_store.add_version(
        registry,
        artifact_store.NewVersion(
            name=name, kind="model", digest=digest, size=len(data),
            media_type="application/octet-stream", format=flavor,
            file_name=f"{name.replace('/', '_')}.{'pt' if flavor == 'torch_state_dict' else 'joblib'}",
            metadata={
                "class": f"{type(model).__module__}.{type(model).__qualname__}",
                # who stored these bytes, from where: load_model trusts only its own
                "registered_by": {"user": current_user(), "host": socket.gethostname()},
            },
            run_id=run_id, blobs=[(digest, len(data), "application/octet-stream")],
        ),
        user=current_user(),
    )
    version_id, _created = store.register(
        registry,
        store.NewModelVersion(
            name=name, artifact_version_id=artifact_id, flavor=flavor, run_id=run_id,
            config=flavors.config_of(model), metrics=metrics,
            signature=flavors.signature_of(model, reference_data),
            requirements=flavors.requirements_of(model, flavor), reference_profile=profile,
            description=description, owner=owner,
            tags={str(k): str(v) for k, v in (tags or {}).items()}, alias=alias, stage=stage,
        ),
        user=current_user(),
    )
    _events(registry)
    return _version(registry, version_id)


def _reference_predictions(model: Any, data: Any) -> Any:
    """The model's predictions on its reference data: monitoring's prediction-drift baseline.

    Best effort: a model that cannot predict on the frame it was given still registers.
    """
    import numpy as np

    predict = getattr(model, "predict", None)
    if not callable(predict):
        return None
    try:
        predictions = np.asarray(predict(data))
    except Exception:  # user models raise anything; the profile then has no prediction part
        return None
    if predictions.ndim == 2 and predictions.shape[1] == 1:
        predictions = predictions[:, 0]
    # One prediction per row, or none: multi-output models have no single prediction drift.
    return predictions if predictions.ndim == 1 and len(predictions) == len(data) else None


def _events(registry: Any) -> None:
    # Stage, alias and registration events can trigger monitoring rules (docs/monitoring.md).
    from mm_jupyter.monitoring.dispatch import dispatch_events

    dispatch_events(registry)


def _version(registry: Any, version_id: int) -> dict[str, Any]:
    from mm_jupyter.store.model_queries import model_version

    with registry.read() as conn:
        return model_version(conn, version_id)


def get_model(ref: str) -> dict[str, Any]:
    """Return the model version ``ref`` names (``name``, ``name:N``, ``name@x``)."""
    from mm_jupyter.store.model_queries import version_detail

    return version_detail(get_session().require_registry(), ref)


def load_model(ref: str, *, model: Any = None, trust: bool = False) -> Any:
    """Load a registered model (``name``, ``name:N``, ``name@alias``, ``name@stage``).

    The stored bytes are verified against their digest before anything is
    deserialised. For ``torch_state_dict`` pass ``model=`` (an instance to load the
    weights into); without it the state dict is returned (no pickle is run).

    scikit-learn and joblib models are pickles: loading one runs code from the file.
    A model whose bytes this user stored on this host loads as is; one stored by
    another user or on another host (a shared registry) needs ``trust=True``.
    """
    registry = get_session().require_registry()
    _, version_id = store.resolve_model_version(registry, ref)
    with registry.read() as conn:
        artifact_version_id, flavor = conn.execute(
            "SELECT artifact_version_id, flavor FROM model_versions WHERE id = ?", (version_id,)
        ).fetchone()
    if flavor in flavors.PICKLE_FLAVORS and not trust:
        _check_origin(registry, version_id, ref, flavor)
    from mm_jupyter.services.artifacts.materialize import materialize
    from mm_jupyter.store.artifacts import VERSION_SELECT, version_row

    with registry.read() as conn:
        row = conn.execute(f"{VERSION_SELECT} WHERE v.id = ?", (artifact_version_id,)).fetchone()
    path = materialize(registry, version_row(row))  # verified copy
    return flavors.load(str(path), flavor, model=model)


def _check_origin(registry: Any, version_id: int, ref: str, flavor: str) -> None:
    """Raise ``TrustRequiredError`` unless this user on this host stored the model."""
    from mm_jupyter.store.model_queries import version_origin

    with registry.read() as conn:
        user, host = version_origin(conn, version_id)
    me, here = current_user(), socket.gethostname()
    # Versions from before hosts were recorded have no host: the user must match.
    if user is not None and user == me and (host is None or host == here):
        return
    raise TrustRequiredError(
        f"model {ref!r} was stored by {user or 'an unknown user'} on"
        f" {host or 'an unknown host'}, not by you ({me} on {here}); it is a pickle"
        f" ({flavor}), so loading it runs code from the file. If you trust whoever"
        f" registered it, call load_model({ref!r}, trust=True)"
    )


def promote_model(ref: str, stage: str, *, comment: str | None = None,
                  archive_others: bool = False) -> dict[str, Any]:
    """Move a model version to ``stage`` (none, staging, production, archived)."""
    registry = get_session().require_registry()
    version_id = transitions.set_stage(registry, ref, stage, user=current_user(), comment=comment,
                                       archive_others=archive_others)
    return _version(registry, version_id)


def set_model_alias(ref: str, alias: str, *, move: bool = False,
                    comment: str | None = None) -> dict[str, Any]:
    """Give a model version ``alias``; if another version holds it, ``move=True`` moves it."""
    registry = get_session().require_registry()
    version_id = transitions.set_alias(registry, ref, alias, user=current_user(),
                                       comment=comment, move=move)
    return _version(registry, version_id)


def list_models(*, q: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Return registered models, most recently changed first."""
    from mm_jupyter.store.model_queries import list_models as query

    return list(query(get_session().require_registry(), q=q, limit=limit)["models"])


def model_history(name: str) -> list[dict[str, Any]]:
    """Return every stage change and alias move of model ``name``, oldest first."""
    from mm_jupyter.store.model_queries import model_detail

    return list(model_detail(get_session().require_registry(), name)["history"])
