"""Profile a dataset: per column its dtype, nulls, and either numeric statistics
(min, max, mean, std) or, for other columns, the distinct count and top values.

The profile is stored in a dataset version's metadata, shown in the artifact view and
compared by the dataset diff. Its cost is bounded: beyond ``MAX_ROWS`` rows, the
statistics come from ``MAX_ROWS`` evenly spaced rows (``sample_rows`` says how many;
``rows`` is always the full count), and only the first ``MAX_COLUMNS`` columns are
profiled (``columns_total`` says how many there are). Values are plain JSON: ``None``
where a statistic is undefined (an empty or all-missing column), never NaN.

A DataFrame, Series, numpy array (1-D or 2-D), list or scipy sparse matrix can be
profiled; anything else gives ``None``, and profiling never raises.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from typing import Any

MAX_ROWS = 50_000
MAX_COLUMNS = 100
TOP_VALUES = 5
MAX_TEXT = 100  # characters of a top value kept
PROFILE_VERSION = 1


def profile(obj: Any) -> dict[str, Any] | None:
    """Return the profile of ``obj`` (plain JSON), or ``None`` if it cannot be profiled."""
    try:
        return _profile(obj)
    except Exception:  # an odd object: no profile, never an error in the user's cell
        return None


def _profile(obj: Any) -> dict[str, Any] | None:
    pd = sys.modules.get("pandas")
    np = sys.modules.get("numpy")
    if pd is not None and isinstance(obj, pd.Series):
        obj = obj.to_frame(name="" if obj.name is None else obj.name)
    if pd is not None and isinstance(obj, pd.DataFrame):
        n = len(obj)
        positions = _positions(n)
        columns = [
            _column(str(obj.columns[j]), obj.iloc[:, j], positions)
            for j in range(min(obj.shape[1], MAX_COLUMNS))
        ]
        return _result(n, positions, columns, obj.shape[1])
    sparse = sys.modules.get("scipy.sparse")
    if sparse is not None and sparse.issparse(obj):
        return _sparse(obj)
    if isinstance(obj, list | tuple):
        import numpy

        positions = _positions(len(obj))
        items = obj if positions is None else [obj[i] for i in positions.tolist()]
        return _array(numpy.asarray(items), len(obj), positions)
    if np is not None and isinstance(obj, np.ndarray):
        positions = _positions(len(obj)) if obj.ndim else None
        return _array(obj if positions is None else obj[positions], len(obj), positions)
    return None


def _array(sample: Any, n: int, positions: Any) -> dict[str, Any] | None:
    """Profile the (sampled) rows of a 1-D or 2-D array of ``n`` rows."""
    if sample.ndim not in (1, 2):
        return None
    arr = sample.reshape(-1, 1) if sample.ndim == 1 else sample
    columns = [
        _array_column(str(j) if sample.ndim == 2 else "", arr[:, j])
        for j in range(min(arr.shape[1], MAX_COLUMNS))
    ]
    return _result(n, positions, columns, arr.shape[1])


def _positions(n: int) -> Any:
    """Evenly spaced row positions (a numpy array) when ``n`` exceeds ``MAX_ROWS``."""
    if n <= MAX_ROWS:
        return None
    import numpy as np

    return np.linspace(0, n - 1, MAX_ROWS).astype(np.int64)


def _result(n: int, positions: Any, columns: list[dict[str, Any]], total: int) -> dict[str, Any]:
    return {
        "version": PROFILE_VERSION,
        "rows": int(n),
        "sample_rows": None if positions is None else len(positions),
        "columns_total": int(total),
        "columns": columns,
    }


def _number(value: Any) -> float | int | None:
    """A JSON number (``None`` for NaN and infinities); integral values stay ints."""
    number = float(value)
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _text(value: Any) -> str:
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _column(name: str, series: Any, positions: Any) -> dict[str, Any]:
    """Profile one pandas column (sampled at ``positions``)."""
    pd = sys.modules["pandas"]
    np = sys.modules["numpy"]
    dtype = series.dtype
    sample = series if positions is None else series.iloc[positions]
    base: dict[str, Any] = {"name": name, "dtype": str(dtype)}
    nulls = int(sample.isna().sum())
    is_bool = pd.api.types.is_bool_dtype(dtype)
    if pd.api.types.is_numeric_dtype(dtype) and not is_bool:
        values = sample.to_numpy(dtype=np.float64, na_value=np.nan)
        return {**base, "kind": "numeric", "nulls": nulls, **_numeric(np, values)}
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        present = sample.dropna()
        low, high = (present.min(), present.max()) if len(present) else (None, None)
        return {**base, "kind": "datetime", "nulls": nulls,
                "min": None if low is None else str(low), "max": None if high is None else str(high)}
    try:
        counts = sample.value_counts(dropna=True)
    except TypeError:  # unhashable values (lists, dicts): no categories to count
        return {**base, "kind": "other", "nulls": nulls}
    top = [{"value": _text(v), "count": int(c)} for v, c in counts.head(TOP_VALUES).items()]
    return {**base, "kind": "categorical", "nulls": nulls, "distinct": len(counts),
            "top": top}


def _numeric(np: Any, values: Any) -> dict[str, Any]:
    present = values[~np.isnan(values)]
    if present.size == 0:
        return {"min": None, "max": None, "mean": None, "std": None}
    with np.errstate(all="ignore"):  # overflow to inf is reported as None
        return {
            "min": _number(present.min()),
            "max": _number(present.max()),
            "mean": _number(present.mean()),
            "std": _number(present.std(ddof=1)) if present.size > 1 else None,
        }


def _array_column(name: str, values: Any) -> dict[str, Any]:
    """Profile one column of a numpy array (already sampled)."""
    np = sys.modules["numpy"]
    base: dict[str, Any] = {"name": name, "dtype": str(values.dtype)}
    if values.dtype.kind in "iuf":
        floats = values.astype(np.float64)
        return {**base, "kind": "numeric", "nulls": int(np.isnan(floats).sum()),
                **_numeric(np, floats)}
    cells = values.tolist()
    missing = sum(1 for v in cells if v is None or (isinstance(v, float) and v != v))
    try:
        counts = Counter(v for v in cells if not (v is None or (isinstance(v, float) and v != v)))
    except TypeError:
        return {**base, "kind": "other", "nulls": missing}
    top = [{"value": _text(v), "count": c} for v, c in counts.most_common(TOP_VALUES)]
    return {**base, "kind": "categorical", "nulls": missing, "distinct": len(counts), "top": top}


def _sparse(matrix: Any) -> dict[str, Any]:
    """A sparse matrix: its shape and density, and the statistics of its stored values."""
    np = sys.modules["numpy"]
    rows, width = (int(s) for s in matrix.shape)
    data = np.asarray(matrix.data).reshape(-1)
    sample = data if data.size <= MAX_ROWS else data[np.linspace(0, data.size - 1, MAX_ROWS).astype(np.int64)]
    stats = _numeric(np, sample.astype(np.float64)) if data.dtype.kind in "iufb" else {}
    return {
        "version": PROFILE_VERSION, "rows": rows, "sample_rows": None, "columns_total": width,
        "columns": [], "nnz": int(matrix.nnz),
        "density": _number(matrix.nnz / (rows * width)) if rows and width else None,
        "values": stats,
    }
