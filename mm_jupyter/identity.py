"""Who is acting: the user recorded on runs, versions and registry transitions.

``MM_JUPYTER_USER`` names the user where the login name does not (a shared JupyterHub
image, a CI job); else the OS login name.
"""

from __future__ import annotations

import getpass
import os

USER_ENV = "MM_JUPYTER_USER"


def current_user() -> str | None:
    """Return ``MM_JUPYTER_USER``, else the login name, else ``None``."""
    named = os.environ.get(USER_ENV, "").strip()
    if named:
        return named
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
