"""The one spelling of sizes and durations, in the notebook, the CLI and the sidebar.

Sizes are SI (``1 kB = 1000 B``: ``512 B``, ``86.0 kB``, ``1.2 MB``), as the JupyterLab
extension's ``formatBytes`` (labextension/src/shared/format.ts) writes them, so the same
file reads the same everywhere. Durations read ``201 ms``, ``2.4 s``, ``42 s``,
``3 min 12 s``, ``2 h 7 min``, as its ``formatDuration`` does. Written here rather than
with a library (humanize, for one, spells ``86.0 kB`` but durations in words) because
the two spellings must match the TypeScript side character for character.
"""

from __future__ import annotations

import math

SI_UNITS = ("kB", "MB", "GB", "TB", "PB")


def format_bytes(n: float) -> str:
    """Return a byte count in SI units: ``512 B``, ``86.0 kB``, ``1.2 MB``."""
    if n < 1000:
        return f"{n:.0f} B"
    value, unit = float(n), "B"
    for larger in SI_UNITS:
        if round(value, 1) < 1000 and unit != "B":
            break
        value, unit = value / 1000, larger
    return f"{value:.1f} {unit}"


def format_duration(seconds: float | None) -> str:
    """Return a duration: ``201 ms``, ``2.4 s``, ``42 s``, ``3 min 12 s``, ``2 h 7 min``
    (``-`` for none or a non-finite value)."""
    if seconds is None or not math.isfinite(seconds):
        return "-"
    seconds = max(0.0, seconds)
    if round(seconds * 1000) < 1000:
        return f"{round(seconds * 1000)} ms"
    if round(seconds, 1) < 10:
        return f"{seconds:.1f} s"
    if round(seconds) < 60:
        return f"{round(seconds)} s"
    whole = round(seconds)
    if whole < 3600:
        minutes, secs = divmod(whole, 60)
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(round(whole / 60), 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
