"""Load a registered model version: verified bytes, and no pickle from someone else
without ``trust`` (``mm.load_model``)."""

from __future__ import annotations

import socket
from typing import Any

from mm_jupyter.errors import TrustRequiredError
from mm_jupyter.identity import current_user
from mm_jupyter.services.artifacts.materialize import materialize
from mm_jupyter.services.models import flavors, lookup
from mm_jupyter.store import Registry, model_queries


def load_model(registry: Registry, ref: str, *, model: Any = None, trust: bool = False) -> Any:
    """Load the model version ``ref`` names from a verified copy of its bytes.

    A pickle (scikit-learn, joblib) loads as is only when this user stored it on this
    host; otherwise ``TrustRequiredError`` names who did, until ``trust`` is given.
    ``model`` is the instance a ``torch_state_dict`` is loaded into.
    """
    _, version_id = lookup.resolve_model_version(registry, ref)
    flavor, artifact = model_queries.version_artifact(registry, version_id)
    if flavor in flavors.PICKLE_FLAVORS and not trust:
        check_origin(registry, version_id, ref, flavor)
    path = materialize(registry, artifact)  # verified copy
    return flavors.load(str(path), flavor, model=model)


def check_origin(registry: Registry, version_id: int, ref: str, flavor: str) -> None:
    """Raise ``TrustRequiredError`` unless this user on this host stored the model."""
    user, host = model_queries.version_origin(registry, version_id)
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


__all__ = ["check_origin", "load_model"]
