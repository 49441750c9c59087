"""What a write stamps on the rows it changes: the time and the registry's change sequence.

Its own module so that a store module which only stamps rows (policies, model
versions, artifacts) does not load the runs writer to do it.
"""

from __future__ import annotations

from datetime import datetime, timezone

# The registry's change sequence, read inside the writing statement.
CURRENT_SEQ = "(SELECT change_seq FROM registry_state)"


def iso_now() -> str:
    """Return the current UTC time as ISO-8601 with milliseconds and ``Z``."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z"


__all__ = ["CURRENT_SEQ", "iso_now"]
