"""Exceptions raised by mm-jupyter.

Every error names the thing that is wrong (a run reference, a blob digest, a schema
version) so that a user can act on the message alone.
"""

from __future__ import annotations

from typing import Any


class MMError(Exception):
    """Base class of every mm-jupyter error."""


class NotFoundError(MMError, LookupError):
    """A run, experiment or blob that was asked for does not exist."""


class RegistryError(MMError):
    """The registry cannot be opened, read or written."""


class RegistryNewerError(RegistryError):
    """The registry was written by a newer mm-jupyter whose schema this one lacks."""


class RegistryCorruptError(RegistryError):
    """The registry file is damaged (overwritten pages, truncated): see ``doctor``."""

    def __init__(self, path: object, detail: str) -> None:
        super().__init__(
            f"registry file is corrupt: {path} ({detail}); "
            "run `mm-jupyter doctor --recover`"
        )
        self.path = path
        self.detail = detail


class RegistryPermissionError(RegistryError, PermissionError):
    """The registry's database refused the change to this user (a team ``reader``)."""


class RegistryBusyError(RegistryError):
    """Another process held the registry's write lock longer than the busy timeout."""


class RegistryFullError(RegistryError):
    """The disk (or the database's page limit) is full."""


class RegistryWarning(UserWarning):
    """The registry failed; the user's work goes on (spooled where possible)."""


class BlobCorruptedError(RegistryError):
    """A stored blob's bytes no longer hash to the digest they were stored under."""

    def __init__(self, digest: str, actual: str) -> None:
        super().__init__(
            f"blob {digest} is corrupted: its content now hashes to {actual}"
        )
        self.digest = digest
        self.actual = actual


class FingerprintOnlyError(NotFoundError):
    """The artifact version is the fingerprint of data whose bytes were not stored."""

    def __init__(self, ref: str) -> None:
        super().__init__(
            f"{ref} is fingerprint only: its bytes were not stored (it records data passed"
            " to fit(); %config MMMagics.autolog_datasets = 'store' keeps the bytes)"
        )
        self.ref = ref


class ConflictError(MMError):
    """The change conflicts with the registry's state (e.g. an alias held elsewhere)."""


class PolicyRefusedError(ConflictError):
    """A stage change a promotion policy forbids (docs/deploy.md).

    ``report`` is the check that failed (the ``check_report`` of docs/rest.md), so each
    adapter can show the failed rules: REST sends it with its 409.
    """

    def __init__(self, message: str, report: dict[str, Any]) -> None:
        super().__init__(message)
        self.report = report


class TrustRequiredError(MMError):
    """Loading the model would unpickle a file someone else stored: pass ``trust=True``."""


class ConfigError(MMError, ValueError):
    """The backend configuration (``config.toml`` or its environment variables) is wrong."""
