"""Drift of one logged batch against the reference profile, and its monitored series.

Per feature: missing rate, unknown-category rate, population stability index (PSI), the
Kolmogorov-Smirnov statistic and p-value (numeric) and the Jensen-Shannon distance
(categorical). Every statistic is computed from the profile alone (see profile.py), so a
batch never needs the training data. A report is JSON-safe: a statistic that cannot be
computed is ``None`` with a ``reason``, never NaN, infinity or an exception.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from mm_jupyter.monitoring.columns import normalise_column, to_vector
from mm_jupyter.monitoring.drift_stats import (
    CategoricalRef,
    NumericRef,
    js_distance,
    ks_pvalue,
    ks_statistic,
    psi,
    reference_of,
)
from mm_jupyter.monitoring.profile import category_counts, finite_or_none

MIN_ROWS = 30
# The common PSI reading: < 0.1 stable, 0.1-0.2 moderate, ≥ 0.2 significant drift.
PSI_DRIFT = 0.2
NO_PROFILE = (
    "no reference profile: pass reference_data= to register_model or call "
    "mon.set_reference(X)"
)


# -- the report ----------------------------------------------------------------


def _entry(kind: str, missing: int, rows: int) -> dict[str, Any]:
    return {
        "type": kind,
        "missing": missing,
        "missing_rate": missing / rows if rows else None,
        "unknown_rate": None,
        "psi": None,
        "ks": None,
        "ks_pvalue": None,
        "js": None,
        "mean": None,
        "status": "insufficient_data",
        "reason": None,
    }


def _too_few(present: int, min_rows: int) -> str:
    return f"{present} non-missing values; drift needs at least {min_rows}"


def _numeric_drift(
    present: np.ndarray, ref: NumericRef | None, min_rows: int, out: dict[str, Any]
) -> None:
    """Fill ``out`` from the batch's finite values ``present``."""
    if ref is None:
        out["reason"] = "the reference has no non-missing values for this feature"
    elif present.size < min_rows:
        out["reason"] = _too_few(present.size, min_rows)
    else:
        ordered = np.sort(present)
        cumulative = np.searchsorted(ordered, ref.edges, side="right")
        counts = np.diff(cumulative, prepend=0, append=ordered.size)
        out["psi"] = finite_or_none(psi(counts / ordered.size, ref.props))
        d = ks_statistic(ordered, ref)
        out["ks"] = finite_or_none(d)
        out["ks_pvalue"] = finite_or_none(ks_pvalue(d, ordered.size, max(ref.count, 1)))
        out["status"] = "ok"


def _categorical_drift(
    values: np.ndarray, ref: CategoricalRef | None, min_rows: int, out: dict[str, Any]
) -> None:
    counts, _ = category_counts(values)
    present = sum(counts.values())
    if ref is None:
        out["reason"] = "the reference has no non-missing values for this feature"
        return
    batch = np.zeros(len(ref.names) + 1)
    for name, n in counts.items():
        batch[ref.index.get(name, len(ref.names))] += n  # unlisted → "other"
    if ref.complete and present:
        out["unknown_rate"] = float(batch[-1] / present)
    if present < min_rows:
        out["reason"] = _too_few(present, min_rows)
        return
    out["psi"] = finite_or_none(psi(batch / present, ref.props))
    out["js"] = finite_or_none(js_distance(batch, ref.props))
    out["status"] = "ok"


def feature_drift(
    values: Any,
    feature: dict[str, Any] | None,
    *,
    min_rows: int = MIN_ROWS,
    rows: int | None = None,
    has_profile: bool = True,
) -> dict[str, Any]:
    """Drift entry of one column against its profile entry (``None``: not profiled)."""
    column = normalise_column(values)
    rows = column.size if rows is None else rows
    # A statistic over zero values would divide by zero.
    min_rows = max(int(min_rows), 1)
    numeric = column.dtype.kind == "f"
    present = column
    if numeric:
        finite_mask = np.isfinite(column)
        if not finite_mask.all():
            present = column[finite_mask]
        missing = column.size - present.size
    else:
        missing = int(np.count_nonzero(column == None))  # noqa: E711 (elementwise)
    kind = (
        feature.get("type", "numeric")
        if feature
        else ("numeric" if numeric else "categorical")
    )
    out = _entry(kind, missing, rows)
    if numeric and present.size:
        # Huge values overflow the sum: the mean is then None, without a warning.
        with np.errstate(over="ignore", invalid="ignore"):
            out["mean"] = finite_or_none(present.mean())
    if not has_profile:
        out["reason"] = NO_PROFILE
    elif feature is None:
        out["status"], out["reason"] = "skipped", "not in the reference profile"
    elif kind == "numeric" and not numeric:
        out["status"] = "skipped"
        out["reason"] = "the reference is numeric but this batch has non-numeric values"
    elif kind == "numeric":
        ref = reference_of(feature)
        _numeric_drift(
            present, ref if isinstance(ref, NumericRef) else None, min_rows, out
        )
    else:  # a categorical reference compares a numeric batch by its values as text
        ref = reference_of(feature)
        _categorical_drift(
            column, ref if isinstance(ref, CategoricalRef) else None, min_rows, out
        )
    return out


def batch_report(
    columns: dict[str, np.ndarray],
    profile: dict[str, Any] | None,
    *,
    predictions: Any = None,
    min_rows: int = MIN_ROWS,
) -> dict[str, Any]:
    """Compare one batch with the reference profile.

    Parameters
    ----------
    columns
        The batch, normalised by ``columns.to_columns``.
    profile
        The reference profile (v1 or v2), or ``None`` when the version has none.
    predictions
        The model's predictions on the batch, compared with the profile's.
    min_rows
        Fewer non-missing values than this in a feature leaves it ``insufficient_data``.

    Returns
    -------
    dict
        ``{"rows", "status", "reason", "features", "missing_features", "extra_features",
        "prediction"}``; JSON-safe (no NaN or infinity).
    """
    rows = len(next(iter(columns.values()))) if columns else 0
    vector = None if predictions is None else to_vector(predictions)
    if not columns and vector is not None:
        rows = int(vector.size)
    has_profile = profile is not None
    reference = (profile or {}).get("features") or {}
    features = {
        name: feature_drift(
            values,
            reference.get(name),
            min_rows=min_rows,
            rows=rows,
            has_profile=has_profile,
        )
        for name, values in columns.items()
    }
    prediction = None
    if vector is not None:
        ref_prediction = (profile or {}).get("prediction")
        prediction = feature_drift(
            vector,
            ref_prediction,
            min_rows=min_rows,
            rows=rows,
            has_profile=has_profile,
        )
        if has_profile and ref_prediction is None:
            prediction["status"] = "insufficient_data"
            prediction["reason"] = (
                "the reference profile has no predictions: pass them to "
                "mon.set_reference(X, predictions=...)"
            )
    entries = [*features.values(), *([prediction] if prediction else [])]
    # Without columns (or a profile) there is nothing to call missing or extra.
    missing = [n for n in reference if n not in columns] if columns else []
    extra = [n for n in columns if n not in reference] if has_profile else []
    status, reason = "ok", None
    if rows == 0:
        status, reason = "insufficient_data", "empty batch"
    elif not has_profile:
        status, reason = "insufficient_data", NO_PROFILE
    elif not any(e["status"] == "ok" for e in entries):
        status = "insufficient_data"
        reason = (
            f"{rows} rows; drift needs at least {min_rows}"
            if rows < min_rows
            else "no feature could be compared with the reference profile"
        )
    return {
        "rows": rows,
        "status": status,
        "reason": reason,
        "features": features,
        "missing_features": missing,
        "extra_features": extra,
        "prediction": prediction,
    }


def series_from_report(report: dict[str, Any]) -> dict[str, float]:
    """The monitored series of one batch report: ``{key: finite value}``.

    A profiled feature absent from a non-empty batch counts as fully missing
    (``missing.rate.<f>`` = 1), so a rule on missing rates also catches a dropped
    column.
    """
    series: dict[str, float] = {"volume.rows": float(report["rows"])}

    def put(key: str, value: Any) -> None:
        if value is not None and math.isfinite(value):
            series[key] = float(value)

    ok = drifted = 0
    for name, entry in report["features"].items():
        put(f"missing.rate.{name}", entry["missing_rate"])
        put(f"unknown.rate.{name}", entry["unknown_rate"])
        for stat in ("psi", "ks", "js"):
            put(f"drift.{stat}.{name}", entry[stat])
        if entry["status"] == "ok":
            ok += 1
            drifted += entry["psi"] is not None and entry["psi"] >= PSI_DRIFT
    if report["rows"]:
        for name in report.get("missing_features", []):
            series[f"missing.rate.{name}"] = 1.0
    if ok:
        series["drift.share"] = drifted / ok
    prediction = report.get("prediction")
    if prediction:
        for stat in ("psi", "ks", "js"):
            put(f"drift.prediction.{stat}", prediction[stat])
    return series
