"""Public packaging API: ``mm.package_model`` (docs/deploy.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mm_jupyter.services.models import packaging
from mm_jupyter.services.runs.session import get_session

__all__ = ["package_model"]


def package_model(ref: str, out: str | os.PathLike[str]) -> dict[str, Any]:
    """Write the deployable package of model version ``ref`` to the folder ``out``.

    ``ref`` is ``name``, ``name:N`` or ``name@alias_or_stage``; ``out`` must not exist
    or be empty. The package holds the model file (digest-checked), exact
    ``requirements.txt`` pins, ``signature.json``, ``input_example.json``,
    ``MODEL_CARD.md``, a ``Dockerfile``, ``serve.py`` and ``mm-package.json``; the
    same version packaged twice gives byte-identical files. Returns ``{"path", "ref",
    "files": {name: {"sha256", "size"}}, "requirements": [...]}``.
    """
    return packaging.package_model(get_session().require_registry(), ref, Path(out))
