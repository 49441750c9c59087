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
from mm_jupyter.monitoring.profile import category_counts, finite_or_none

MIN_ROWS = 30
# Proportions are floored at this value before PSI: an empty bin on either side would
# otherwise make ln(p/q) infinite. 1e-4 is the usual convention (0.01 %), small enough
# that a bin must really move before it contributes noticeably.
PSI_EPS = 1e-4
# The common PSI reading: < 0.1 stable, 0.1-0.2 moderate, ≥ 0.2 significant drift.
PSI_DRIFT = 0.2
NO_PROFILE = (
    "no reference profile: pass reference_data= to register_model or call "
    "mon.set_reference(X)"
)
_PERCENT_PROBS = np.arange(101) / 100


# -- the reference side --------------------------------------------------------


class _NumericRef:
    """What drift needs from a numeric profile entry (v1 or v2), as arrays."""

    def __init__(self, feature: dict[str, Any]):
        self.count = int(feature.get("count") or 0)
        if "percentiles" in feature:
            percentiles = np.asarray(feature["percentiles"], dtype=np.float64)
        else:  # v1: 7 quantiles, interpolated onto the 101 percentile positions
            qs = np.asarray(feature["quantiles"], dtype=np.float64)
            percentiles = np.interp(
                _PERCENT_PROBS, np.array([0, 5, 25, 50, 75, 95, 100]) / 100, qs
            )
        if "psi_bins" in feature:
            self.edges = np.asarray(feature["psi_bins"]["edges"], dtype=np.float64)
            self.props = np.asarray(feature["psi_bins"]["props"], dtype=np.float64)
        else:  # v1: the histogram's interior edges and bin shares
            hist = feature["histogram"]
            self.edges = np.asarray(hist["edges"][1:-1], dtype=np.float64)
            counts = np.asarray(hist["counts"], dtype=np.float64)
            self.props = counts / counts.sum() if counts.sum() > 0 else counts
        # The reference CDF is piecewise linear through the percentiles. A value
        # repeated across percentiles (a constant or discrete feature) is a jump: its
        # CDF is the highest percentile at that value (right-continuous), its left
        # limit the lowest. ``values``/``cdf_at``/``cdf_before`` hold that function.
        self.values, first = np.unique(percentiles, return_index=True)
        last = np.searchsorted(percentiles, self.values, side="right") - 1
        self.cdf_at = _PERCENT_PROBS[last]
        self.cdf_before = _PERCENT_PROBS[first]

    def cdf(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(F(x), F(x-))`` of the reference at sorted points ``x``."""
        v, at, before = self.values, self.cdf_at, self.cdf_before
        m = v.size
        # x is sorted, so the x in segment s (exactly s reference values ≤ x) are a
        # run: 101 binary searches and a repeat instead of one search per x.
        runs = np.diff(np.searchsorted(x, v, side="left"), prepend=0, append=x.size)
        seg = np.repeat(np.arange(m + 1), runs)
        # Segment s ≥ 1 is linear from (v_{s-1}, F(v_{s-1})) to (v_s, F(v_s-)); segment
        # 0 (below the reference) is 0 and segment m (above it) is F(v_last) = 1.
        start_x = np.concatenate(([0.0], v))
        start_f = np.concatenate(([0.0], at))
        slope = np.zeros(m + 1)
        slope[1:m] = (before[1:] - at[:-1]) / np.diff(v)  # v is strictly increasing
        right = start_f[seg] + slope[seg] * (x - start_x[seg])
        # Left limits differ from F only at a reference value: there it is F(v-).
        exact = (seg > 0) & (x == start_x[seg])
        left = np.where(exact, np.concatenate(([0.0], before))[seg], right)
        return right, left


class _CategoricalRef:
    def __init__(self, feature: dict[str, Any]):
        categories = feature.get("categories")
        complete = bool(feature.get("complete", False))
        if categories is None:  # v1: the top 50, and ``count`` included missing values
            categories = feature.get("top") or {}
            complete = False
        self.names = list(categories)
        self.index = {name: i for i, name in enumerate(self.names)}
        counts = np.array([categories[n] for n in self.names] + [0], dtype=np.float64)
        total = float(feature.get("count") or 0)
        counts[-1] = max(total - counts[:-1].sum(), 0.0)  # the "other" bucket
        self.count = int(counts.sum())
        self.props = counts / counts.sum() if counts.sum() > 0 else counts
        self.complete = complete


def _reference(feature: dict[str, Any]) -> _NumericRef | _CategoricalRef | None:
    """The usable reference of a profile entry, ``None`` when it holds no values."""
    if feature.get("type") == "numeric":
        if not feature.get("count") or (
            "percentiles" not in feature and "quantiles" not in feature
        ):
            return None
        return _NumericRef(feature)
    ref = _CategoricalRef(feature)
    return ref if ref.count > 0 else None


# -- statistics ----------------------------------------------------------------


def psi(batch: np.ndarray, reference: np.ndarray) -> float:
    """Population stability index of two proportion vectors (floored at ``PSI_EPS``)."""
    p = np.maximum(batch, PSI_EPS)
    q = np.maximum(reference, PSI_EPS)
    return float(np.sum((p - q) * np.log(p / q)))


def js_distance(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon distance, base 2 (0 = identical, 1 = disjoint)."""
    p = p / p.sum()
    q = q / q.sum()
    m = (p + q) / 2

    def kl(a: np.ndarray) -> float:
        nz = a > 0  # 0·log 0 = 0; m > 0 wherever a > 0
        return float(np.sum(a[nz] * np.log2(a[nz] / m[nz])))

    divergence = (kl(p) + kl(q)) / 2
    return min(max(math.sqrt(max(divergence, 0.0)), 0.0), 1.0)


def ks_pvalue(d: float, n: int, m: int) -> float:
    """Asymptotic two-sample KS p-value (Numerical Recipes' ``probks``).

    The effective size ``n·m/(n+m)`` treats the reference profile as a sample of its
    ``count`` rows; λ gets Stephens' small-sample correction.
    """
    if d <= 0:
        return 1.0
    ne = n * m / (n + m)
    lam = (math.sqrt(ne) + 0.12 + 0.11 / math.sqrt(ne)) * d
    if lam < 1.18:
        # The alternating series converges slowly for small λ; this equivalent form
        # (Jacobi theta identity) converges in a few terms there.
        if lam < 0.05:
            return 1.0
        c = math.sqrt(2 * math.pi) / lam
        s = sum(
            math.exp(-((2 * k - 1) ** 2) * math.pi**2 / (8 * lam**2))
            for k in range(1, 6)
        )
        q = 1.0 - c * s
    else:
        q = 2 * sum(
            (-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101)
        )
    return min(max(q, 0.0), 1.0)


def ks_statistic(ordered: np.ndarray, ref: _NumericRef) -> float:
    """sup |F_batch - F_ref| over sorted batch values, on both sides of each step."""
    n = ordered.size
    at, before = ref.cdf(ordered)
    steps = np.arange(1, n + 1) / n
    # Right of x_i the batch ECDF is i/n (against F_ref(x_i)); just left of it (i-1)/n
    # (against F_ref(x_i-)). With ties, the largest/smallest i of a value dominates.
    return float(max(np.max(steps - at), np.max(before - (steps - 1 / n)), 0.0))


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
    present: np.ndarray, ref: _NumericRef | None, min_rows: int, out: dict[str, Any]
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
    values: np.ndarray, ref: _CategoricalRef | None, min_rows: int, out: dict[str, Any]
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
        ref = _reference(feature)
        _numeric_drift(
            present, ref if isinstance(ref, _NumericRef) else None, min_rows, out
        )
    else:  # a categorical reference compares a numeric batch by its values as text
        ref = _reference(feature)
        _categorical_drift(
            column, ref if isinstance(ref, _CategoricalRef) else None, min_rows, out
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
