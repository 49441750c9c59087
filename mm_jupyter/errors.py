"""Exceptions raised by mm-jupyter.

Every error names the thing that is wrong (a run reference, a blob digest, a schema
version) so that a user can act on the message alone.
"""

from __future__ import annotations


class MMError(Exception):
    """Base class of every mm-jupyter error."""


class NotFoundError(MMError, LookupError):
    """A run, experiment or blob that was asked for does not exist."""


class RegistryError(MMError):
    """The registry cannot be opened, read or written."""


class RegistryNewerError(RegistryError):
    """The registry was written by a newer mm-jupyter whose schema this one lacks."""


class BlobCorruptedError(RegistryError):
    """A stored blob's bytes no longer hash to the digest they were stored under."""

    def __init__(self, digest: str, actual: str) -> None:
        super().__init__(
            f"blob {digest} is corrupted: its content now hashes to {actual}"
        )
        self.digest = digest
        self.actual = actual


class ConflictError(MMError):
    """The change conflicts with the registry's state (e.g. an alias held elsewhere)."""
