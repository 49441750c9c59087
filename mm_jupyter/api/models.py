"""Public model registry API: ``mm.register_model``, ``mm.load_model``, stages, aliases.

Versions come back as ``ModelVersion`` records, lists as ``ModelSummary`` and history
as ``ModelTransition`` records; ``to_dict()`` gives the JSON of docs/rest.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mm_jupyter.identity import current_user
from mm_jupyter.records import ModelSummary, ModelTransition, ModelVersion
from mm_jupyter.services.models import catalog, loading, lookup, registration, transitions
from mm_jupyter.services.runs.session import get_session

__all__ = [
    "get_model",
    "list_models",
    "load_model",
    "model_history",
    "promote_model",
    "register_model",
    "set_model_alias",
]


def register_model(
    model: Any = None,
    name: str | None = None,
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

    Records the model artifact (content-addressed: registering identical content again
    returns the existing version), the producing run and its metrics, the input
    datasets (lineage), the configuration, the input signature, the library versions
    and, with ``reference_data``, a profile of the training data for monitoring.

    ``model`` may be left out when ``run`` is given: the model autologging logged for
    that run (``mm.register_model(name="churn", run="gbm")``) is registered from its
    stored bytes, without the kernel that fitted it.
    """
    if name is None:
        raise TypeError("register_model() needs name=: the registered model's name")
    return registration.register_model(
        get_session(), model, name, alias=alias, stage=stage, description=description,
        owner=owner, tags=tags, reference_data=reference_data, run=run,
    )


def get_model(ref: str) -> ModelVersion:
    """Return the model version ``ref`` names (``name``, ``name:N``, ``name@x``), with history."""
    return ModelVersion.from_store(catalog.version_detail(get_session().require_registry(), ref))


def load_model(ref: str, *, model: Any = None, trust: bool = False) -> Any:
    """Load a registered model (``name``, ``name:N``, ``name@alias``, ``name@stage``).

    The stored bytes are verified against their digest before anything is
    deserialised. For ``torch_state_dict`` pass ``model=`` (an instance to load the
    weights into); without it the state dict is returned (no pickle is run).

    scikit-learn and joblib models are pickles: loading one runs code from the file.
    A model whose bytes this user stored on this host loads as is; one stored by
    another user or on another host (a shared registry) needs ``trust=True``.
    """
    return loading.load_model(get_session().require_registry(), ref, model=model, trust=trust)


def promote_model(ref: str, stage: str, *, comment: str | None = None,
                  archive_others: bool = False, force: bool = False,
                  reason: str | None = None) -> ModelVersion:
    """Move a model version to ``stage`` (none, staging, production, archived).

    Held to ``stage``'s promotion policy (``mm.set_policy``, docs/deploy.md): a move it
    forbids raises ``ConflictError`` naming the failed rules (``mm.check_model`` shows
    them first). ``force=True`` with a ``reason`` moves it anyway if the policy names you
    among its overriders; the history keeps the reason and the rules overridden.
    """
    registry = get_session().require_registry()
    version_id = transitions.set_stage(registry, ref, stage, user=current_user(), comment=comment,
                                       archive_others=archive_others, force=force, reason=reason)
    return ModelVersion.from_store(lookup.model_version(registry, version_id))


def set_model_alias(ref: str, alias: str, *, move: bool = False,
                    comment: str | None = None) -> ModelVersion:
    """Give a model version ``alias``; if another version holds it, ``move=True`` moves it."""
    registry = get_session().require_registry()
    version_id = transitions.set_alias(registry, ref, alias, user=current_user(),
                                       comment=comment, move=move)
    return ModelVersion.from_store(lookup.model_version(registry, version_id))


def list_models(*, q: str | None = None, limit: int = 50) -> list[ModelSummary]:
    """Return registered models, most recently changed first."""
    page = catalog.list_models(get_session().require_registry(), q=q, limit=limit)
    return [ModelSummary.from_store(item) for item in page["models"]]


def model_history(name: str) -> list[ModelTransition]:
    """Return every stage change and alias move of model ``name``, oldest first."""
    detail = catalog.model_detail(get_session().require_registry(), name)
    return [ModelTransition.from_store(entry) for entry in detail["history"]]
