"""Who is acting: the OS user recorded on runs, versions and registry transitions."""

from __future__ import annotations

import getpass


def current_user() -> str | None:
    """Return the login name, or ``None`` where the OS cannot tell."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
