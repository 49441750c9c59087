"""Backward-compatible entry point of the training-data reference profile.

The profile is now built by ``mm_jupyter.monitoring.profile`` (format version 2).
Version 2 keeps every key version 1 had (numeric: ``count``, ``missing``, ``mean``,
``std``, 7 ``quantiles``, ``histogram``; categorical: ``count``, ``top``), so readers
written for version 1 keep working. One difference: a categorical ``count`` no longer
includes missing values.
"""

from __future__ import annotations

from typing import Any

MAX_FEATURES = 500
BINS = 10


def reference_profile(data: Any) -> dict[str, Any]:
    """Profile reference data (DataFrame, array, rows, columns); else ``TypeError``."""
    # Imported here: numpy loads only when a profile is actually built.
    from mm_jupyter.monitoring.columns import to_columns
    from mm_jupyter.monitoring.profile import profile_columns

    # to_columns raises TypeError naming the type for anything that is not tabular.
    columns = to_columns(data, what="reference_data")
    return profile_columns(columns, max_features=MAX_FEATURES)
