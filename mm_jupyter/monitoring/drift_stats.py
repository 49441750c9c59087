"""The drift statistics, computed against a reference profile alone (no training data).

PSI over the profile's decile bins (numeric) or categories, the Kolmogorov-Smirnov
statistic from the profile's 101 percentiles with its asymptotic p-value, and the
Jensen-Shannon distance of category shares. ``drift.py`` turns them into a report.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

# Proportions are floored at this value before PSI: an empty bin on either side would
# otherwise make ln(p/q) infinite. 1e-4 is the usual convention (0.01 %), small enough
# that a bin must really move before it contributes noticeably.
PSI_EPS = 1e-4
_PERCENT_PROBS = np.arange(101) / 100


# -- the reference side --------------------------------------------------------


class NumericRef:
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


class CategoricalRef:
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


def reference_of(feature: dict[str, Any]) -> NumericRef | CategoricalRef | None:
    """The usable reference of a profile entry, ``None`` when it holds no values."""
    if feature.get("type") == "numeric":
        if not feature.get("count") or (
            "percentiles" not in feature and "quantiles" not in feature
        ):
            return None
        return NumericRef(feature)
    ref = CategoricalRef(feature)
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


def ks_statistic(ordered: np.ndarray, ref: NumericRef) -> float:
    """sup |F_batch - F_ref| over sorted batch values, on both sides of each step."""
    n = ordered.size
    at, before = ref.cdf(ordered)
    steps = np.arange(1, n + 1) / n
    # Right of x_i the batch ECDF is i/n (against F_ref(x_i)); just left of it (i-1)/n
    # (against F_ref(x_i-)). With ties, the largest/smallest i of a value dominates.
    return float(max(np.max(steps - at), np.max(before - (steps - 1 / n)), 0.0))
