"""``GET meta``: what the sidebar checks first (versions and the registry used)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized

import mm_jupyter
from mm_jupyter.server.base import BaseHandler
from mm_jupyter.services.configuration import describe_folder
from mm_jupyter.services.registry import describe_registry

if TYPE_CHECKING:
    from mm_jupyter.store import Registry


def meta(registry: Registry, user: str | None = None) -> dict[str, Any]:
    """Return the ``meta`` payload for ``registry``, as seen by the Jupyter ``user``."""
    described = describe_registry(registry)
    backend = describe_folder(Path(described["path"]))
    return {
        "name": "mm-jupyter",
        "version": mm_jupyter.__version__,
        "api_version": mm_jupyter.API_VERSION,
        "registry": {"path": described["path"], "source": described["source"]},
        "schema_version": described["schema_version"],
        "backend": {**backend, "user": user or backend["user"]},
    }


class MetaHandler(BaseHandler):
    """Reply with the package and registry description."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with the name, versions and registry (docs/rest.md ``GET meta``)."""
        with self.mapped_errors():
            self.write_json(await self.call(meta, self.jupyter_user()))
