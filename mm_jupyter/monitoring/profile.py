"""The reference profile: what "normal" data looked like, kept with a model version.

Drift compares each logged batch against this summary instead of the training data
itself, so a profile must hold everything the statistics in drift.py need: percentiles
(KS), decile bins (PSI) and category counts (PSI, Jensen-Shannon). It is stored as JSON:
plain numbers and strings only, ``None`` where a value is undefined, never NaN.

Version 1 (before monitoring existed) had 7 quantiles, a 10-bin histogram and the top 50
categories; version 2 keeps those keys, so older readers still work, and adds the rest.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from mm_jupyter.monitoring.columns import normalise_column, to_columns, to_vector

PROFILE_VERSION = 2
MAX_CATEGORIES = 100
TOP_V1 = 50  # the v1 ``top`` key listed 50 categories
QUANTILE_PERCENTS = (0, 5, 25, 50, 75, 95, 100)  # the v1 ``quantiles``
HISTOGRAM_BINS = 10
# Classification when predictions are integer-valued with at most this many classes.
MAX_CLASSES = 50


def finite_or_none(value: Any) -> float | None:
    """``float(value)``, or ``None`` when it is NaN or infinite (JSON has neither)."""
    number = float(value)
    return number if math.isfinite(number) else None


def category_key(value: Any) -> str:
    """The text a category is stored under.

    Integral floats print as integers so that a categorical reference of ``1, 2`` and a
    batch that arrived as ``1.0, 2.0`` (e.g. NaN forced a float column) still match.
    """
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def category_counts(values: np.ndarray) -> tuple[Counter[str], int]:
    """``(count per category key, missing count)`` of a normalised column."""
    if values.dtype.kind == "f":
        present = values[~np.isnan(values)]
        cells = present.tolist()
    else:
        cells = [v for v in values.tolist() if v is not None]
    # Counting raw values first: only the distinct values get stringified.
    raw = Counter(cells)
    counts: Counter[str] = Counter()
    for value, n in raw.items():
        counts[category_key(value)] += n
    return counts, int(values.size - len(cells))


def percentiles_of_sorted(ordered: np.ndarray) -> np.ndarray:
    """Percentiles 0..100 of sorted values, linear interpolation (numpy's default)."""
    position = np.arange(101) * ((ordered.size - 1) / 100)
    lower = np.floor(position).astype(np.intp)
    upper = np.minimum(lower + 1, ordered.size - 1)
    weight = position - lower
    # lo·(1-w) + hi·w rather than lo + (hi - lo)·w: the difference of two huge values of
    # opposite sign overflows. Rounding may then break monotonicity by an ulp: repair.
    values = ordered[lower] * (1 - weight) + ordered[upper] * weight
    return np.maximum.accumulate(values)


def bin_counts(ordered: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts of sorted values in the bins (-inf, e0], (e0, e1], ..., (e_last, inf)."""
    cumulative = np.searchsorted(ordered, edges, side="right")
    return np.diff(np.concatenate(([0], cumulative, [ordered.size])))


def _rate(part: int, rows: int) -> float | None:
    return part / rows if rows else None


def _numeric_feature(values: np.ndarray) -> dict[str, Any]:
    finite_mask = np.isfinite(values)
    ordered = np.sort(values if finite_mask.all() else values[finite_mask])
    missing = int(values.size - ordered.size)
    feature: dict[str, Any] = {
        "type": "numeric",
        "count": int(ordered.size),
        "missing": missing,
        "missing_rate": _rate(missing, values.size),
    }
    if ordered.size == 0:
        # Nothing to compare against: drift reports insufficient data for this feature.
        feature.update(mean=None, std=None, min=None, max=None)
        return feature
    lo, hi = float(ordered[0]), float(ordered[-1])
    percentiles = percentiles_of_sorted(ordered)
    # Like np.histogram: a constant column gets the range value ± 0.5.
    h_lo, h_hi = (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)
    t = np.linspace(0.0, 1.0, HISTOGRAM_BINS + 1)
    hist_edges = h_lo * (1 - t) + h_hi * t
    hist_counts = np.diff(
        np.searchsorted(ordered, hist_edges[1:-1], side="left"),
        prepend=0,
        append=ordered.size,
    )
    # PSI bins are the reference deciles, so each holds ~10% of the reference; ties
    # (discrete or constant features) merge bins instead of leaving empty ones.
    psi_edges = np.unique(percentiles[10:91:10])
    psi_props = bin_counts(ordered, psi_edges) / ordered.size
    # Huge values overflow the sums: mean/std are then None, without a warning.
    with np.errstate(over="ignore", invalid="ignore"):
        mean, std = ordered.mean(), ordered.std()
    feature.update(
        mean=finite_or_none(mean),
        std=finite_or_none(std),
        min=lo,
        max=hi,
        quantiles=[float(percentiles[p]) for p in QUANTILE_PERCENTS],
        percentiles=percentiles.tolist(),
        histogram={
            "edges": [float(e) for e in hist_edges],
            "counts": hist_counts.tolist(),
        },
        psi_bins={"edges": psi_edges.tolist(), "props": psi_props.tolist()},
    )
    return feature


def _categorical_feature(values: np.ndarray) -> dict[str, Any]:
    counts, missing = category_counts(values)
    # Most frequent first; ties by name so the same data always gives the same profile.
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    kept = dict(ranked[:MAX_CATEGORIES])
    present = int(values.size - missing)
    other = present - sum(kept.values())
    return {
        "type": "categorical",
        "count": present,
        "missing": missing,
        "missing_rate": _rate(missing, values.size),
        "categories": kept,
        "other": other,
        "complete": other == 0,
        "top": dict(ranked[:TOP_V1]),
    }


def profile_feature(values: Any) -> dict[str, Any]:
    """Profile one column: numeric dtype → numeric, else (bool too) → categorical."""
    column = normalise_column(values)
    if column.dtype.kind == "f":
        return _numeric_feature(column)
    return _categorical_feature(column)


def infer_task(predictions: np.ndarray) -> str:
    """``classification`` for text, bool or integer predictions with ≤ 50 values."""
    kind = predictions.dtype.kind
    if kind in "iu":
        return (
            "classification"
            if np.unique(predictions).size <= MAX_CLASSES
            else "regression"
        )
    if kind != "f":
        return "classification"  # bool, text, mixed objects
    finite = predictions[np.isfinite(predictions)]
    if (
        finite.size
        and np.all(finite == np.round(finite))
        and np.unique(finite).size <= MAX_CLASSES
    ):
        return "classification"
    return "regression"


def profile_columns(
    columns: dict[str, np.ndarray], *, predictions: Any = None, max_features: int = 500
) -> dict[str, Any]:
    """Profile normalised columns (see ``columns.to_columns``) and optional predictions.

    Parameters
    ----------
    columns
        ``{name: 1-D array}`` of equal length.
    predictions
        The model's predictions on the same rows: the baseline of prediction drift and
        the source of ``task``.
    max_features
        Only the first ``max_features`` columns are profiled (keeps the JSON bounded).

    Returns
    -------
    dict
        ``{"version": 2, "rows", "features", "prediction", "task"}`` (JSON-safe).
    """
    rows = len(next(iter(columns.values()))) if columns else 0
    features = {
        str(name): profile_feature(values)
        for name, values in list(columns.items())[:max_features]
    }
    prediction = task = None
    if predictions is not None:
        vector = to_vector(predictions)
        if columns and vector.size != rows:
            raise ValueError(
                f"predictions has {vector.size} values but the data has {rows} rows"
            )
        task = infer_task(vector)
        # Class labels are categories: their drift is a change in class shares (PSI and
        # Jensen-Shannon), not a shift of a number, even when the labels are 0/1/2.
        prediction = (
            _categorical_feature(normalise_column(vector))
            if task == "classification"
            else profile_feature(vector)
        )
        if not columns:
            rows = int(vector.size)
    return {
        "version": PROFILE_VERSION,
        "rows": rows,
        "features": features,
        "prediction": prediction,
        "task": task,
    }


def profile_data(
    data: Any, *, predictions: Any = None, names: list[str] | None = None
) -> dict[str, Any]:
    """Profile reference data of any shape ``columns.to_columns`` accepts."""
    return profile_columns(
        to_columns(data, names, what="reference data"), predictions=predictions
    )
