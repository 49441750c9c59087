"""The registry store: the only code that speaks SQL or touches blob files."""

from mm_jupyter.store.db import SCHEMA_VERSION, Registry, open_registry
from mm_jupyter.store.location import RegistryLocation, resolve_location

__all__ = [
    "SCHEMA_VERSION",
    "Registry",
    "RegistryLocation",
    "open_registry",
    "resolve_location",
]
