"""A version's model card and its package as a zip, for the model view's card and Package.

``GET models/{name}/versions/{v}/card`` → ``{"markdown", "card"}`` (``ModelCard``);
``GET models/{name}/versions/{v}/package.zip`` → the package (services/models/
packaging.py) as a zip download. Both are read-only and take the model and version
from the URL through the registry lookup only: no path from the request reaches the
filesystem. The zip is built in a temporary folder (removed after the reply), streamed
in chunks, and refused with 413 when the model or the zip exceeds the cap
(``MM_JUPYTER_PACKAGE_MAX_MB``, default 512). Building one unpickles nothing.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from tornado.iostream import StreamClosedError

from mm_jupyter.display.model_card import card_markdown
from mm_jupyter.errors import ConflictError, MMError, NotFoundError, RegistryError
from mm_jupyter.server.base import BaseHandler
from mm_jupyter.server.models import model_ref, version_number
from mm_jupyter.services.models import catalog
from mm_jupyter.services.models.card import model_card
from mm_jupyter.services.models.packaging import build_package, zip_package

if TYPE_CHECKING:
    from mm_jupyter.store import Registry

MAX_MB_ENV = "MM_JUPYTER_PACKAGE_MAX_MB"
DEFAULT_MAX_MB = 512
CHUNK = 1024 * 1024


def package_cap() -> int:
    """The largest package zip served, in bytes (``MM_JUPYTER_PACKAGE_MAX_MB``)."""
    raw = os.environ.get(MAX_MB_ENV, "").strip()
    try:
        megabytes = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        raise MMError(f"{MAX_MB_ENV}={raw[:40]!r} is not a number of megabytes") from None
    return int(megabytes * 1024 * 1024)


def safe_file_name(name: str, number: int) -> str:
    """``<name>-<v>``: the model name reduced to characters safe in a header and a path."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")[:100] or "model"
    return f"{cleaned}-{number}"


def version_card(registry: Registry, name: str, number: int) -> dict[str, Any]:
    """Return ``{"markdown", "card"}`` of version ``number`` of the model named ``name``."""
    card = model_card(registry, model_ref(name, number))
    return {"markdown": card_markdown(card), "card": card}


class PackageTooLargeError(MMError):
    """A package over the cap: 413 naming it."""


@dataclass
class BuiltZip:
    """A package zip in a temporary folder (``folder`` is removed after sending)."""

    folder: Path
    path: Path
    size: int
    file_name: str


def build_zip(registry: Registry, name: str, number: int, cap: int) -> BuiltZip:
    """Build the package of ``name:number`` as a zip in a new temporary folder."""
    ref = model_ref(name, number)
    version = catalog.version_detail(registry, ref)  # 404 before any work
    limit = f"the package download limit of {cap // (1024 * 1024)} MB ({MAX_MB_ENV})"
    if int(version["artifact"]["size"]) > cap:
        raise PackageTooLargeError(f"{ref}'s model file alone is over {limit}")
    stem = safe_file_name(str(version["name"]), int(version["version"]))
    folder = Path(tempfile.mkdtemp(prefix="mm-jupyter-package-"))
    try:
        (folder / stem).mkdir()
        try:
            build_package(registry, ref, folder / stem)
        except (NotFoundError, RegistryError):
            raise
        except MMError as exc:  # weights only, no input columns: the version, not us
            raise ConflictError(f"cannot package {ref}: {exc}") from None
        size = zip_package(folder / stem, folder / f"{stem}.zip", stem)
        if size > cap:
            raise PackageTooLargeError(f"the package of {ref} ({size} bytes) is over {limit}")
        return BuiltZip(folder, folder / f"{stem}.zip", size, f"{stem}.zip")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


class ModelCardHandler(BaseHandler):
    """``GET models/{name}/versions/{v}/card``: the version's model card."""

    @tornado.web.authenticated
    @authorized
    async def get(self, name: str, version: str) -> None:
        """Reply with ``{"markdown", "card"}``; 404 for an unknown model or version."""
        with self.mapped_errors():
            number = version_number(version)
            self.write_json(await self.call(version_card, name, number))


class ModelPackageHandler(BaseHandler):
    """``GET models/{name}/versions/{v}/package.zip``: the version's package, zipped."""

    @property
    def content_security_policy(self) -> str:
        """Jupyter's API policy plus ``sandbox``: the zip is only ever downloaded."""
        return super().content_security_policy + "; sandbox"

    @tornado.web.authenticated
    @authorized
    async def get(self, name: str, version: str) -> None:
        """Send the zip (``application/zip``, an attachment); 404 unknown, 409 a version
        that cannot be packaged, 413 over the cap."""
        built = None
        with self.mapped_errors():
            number = version_number(version)
            cap = package_cap()
            try:
                built = await self.call(build_zip, name, number, cap)
            except PackageTooLargeError as exc:
                raise tornado.web.HTTPError(413, str(exc)) from None
        if built is None or self._finished:
            return
        loop = asyncio.get_running_loop()
        try:
            self.set_header("Content-Type", "application/zip")
            self.set_header("Content-Disposition", f'attachment; filename="{built.file_name}"')
            self.set_header("Content-Length", str(built.size))
            with open(built.path, "rb") as handle:
                while chunk := await loop.run_in_executor(None, handle.read, CHUNK):
                    self.write(chunk)
                    await self.flush()
            await self.finish()
        except StreamClosedError:
            pass  # the client went away
        finally:
            await loop.run_in_executor(None, shutil.rmtree, built.folder, True)


__all__ = ["ModelCardHandler", "ModelPackageHandler", "build_zip", "package_cap",
           "safe_file_name", "version_card"]
