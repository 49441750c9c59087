"""A reference profile of training data: per-feature quantiles and histograms.

Stored with a model version so monitoring can compare live data against it later.
"""

from __future__ import annotations

from typing import Any

MAX_FEATURES = 500
BINS = 10


def reference_profile(data: Any) -> dict[str, Any]:
    """Profile a pandas DataFrame or a 2-D numpy array; ``TypeError`` otherwise."""
    import numpy as np

    if hasattr(data, "columns"):
        columns = [(str(c), data[c]) for c in list(data.columns)[:MAX_FEATURES]]
        rows = int(len(data))
    elif isinstance(data, np.ndarray) and data.ndim == 2:
        columns = [(f"x{i}", data[:, i]) for i in range(min(data.shape[1], MAX_FEATURES))]
        rows = int(data.shape[0])
    else:
        raise TypeError("reference_data must be a pandas DataFrame or a 2-D numpy array")
    features: dict[str, Any] = {}
    for name, column in columns:
        values = np.asarray(column)
        if values.dtype.kind in "biuf":
            finite = values[np.isfinite(values.astype(float))].astype(float)
            if finite.size == 0:
                features[name] = {"type": "numeric", "count": 0}
                continue
            counts, edges = np.histogram(finite, bins=BINS)
            quantiles = np.quantile(finite, [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1])
            features[name] = {
                "type": "numeric", "count": int(finite.size),
                "missing": int(values.size - finite.size),
                "mean": float(finite.mean()), "std": float(finite.std()),
                "quantiles": [float(q) for q in quantiles],
                "histogram": {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]},
            }
        else:
            uniques, counts = np.unique(values.astype(str), return_counts=True)
            order = np.argsort(-counts)[:50]
            features[name] = {
                "type": "categorical", "count": int(values.size),
                "top": {str(uniques[i]): int(counts[i]) for i in order},
            }
    return {"rows": rows, "features": features}
