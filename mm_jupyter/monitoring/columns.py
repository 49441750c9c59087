"""Any batch shape users log → named 1-D numpy columns (numeric float64, else object).

Monitoring receives whatever a notebook or a web request has at hand: a DataFrame, an
ndarray, a list of rows, a list of JSON objects or a dict of columns. Everything else in
``monitoring/`` reads only the normalised form produced here, so the statistics never
look at pandas (duck-typed via ``.columns`` / ``.to_numpy()``; never imported).

The contract of a normalised column: a 1-D array that is either ``float64`` (numeric;
missing → NaN) or ``object`` (anything else; missing → ``None``). Booleans are not
numeric: they are categories ("True"/"False") for drift.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

# Python types an object column may hold and still count as numeric.
_NUMBER_TYPES = (int, float, np.integer, np.floating)
_BOOL_TYPES = (bool, np.bool_)
# pandas' NA and NaT singletons, recognised by type name so pandas need not be imported.
_MISSING_TYPE_NAMES = ("NAType", "NaTType")
_NESTED_TYPES = (list, tuple, dict, set, np.ndarray)


def _describe(data: Any) -> str:
    return type(data).__name__


def _shape_error(data: Any, what: str) -> TypeError:
    return TypeError(
        f"{what} must be a DataFrame, an array, a list of rows or a dict of "
        f"columns, not {_describe(data)}"
    )


def is_missing(value: Any) -> bool:
    """Whether one cell is missing: ``None``, NaN, pandas ``NA``/``NaT``."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(value != value)
    return type(value).__name__ in _MISSING_TYPE_NAMES


def _object_column(values: np.ndarray) -> np.ndarray:
    """Normalise a 1-D object array: numbers → float64, else object with ``None``."""
    cells = values.tolist()
    # One C-level pass; most columns hold one or two types.
    types = set(map(type, cells))
    numeric = True
    has_missing_marker = False
    for t in types:
        if t is type(None) or t.__name__ in _MISSING_TYPE_NAMES:
            has_missing_marker = True
        elif issubclass(t, _BOOL_TYPES) or not issubclass(t, _NUMBER_TYPES):
            numeric = False
    if numeric and len(types) > (1 if has_missing_marker else 0):
        # None/NA cells make float() fail, so they are replaced first.
        if has_missing_marker:
            cells = [np.nan if is_missing(c) else c for c in cells]
        return np.asarray(cells, dtype=np.float64)
    if numeric:  # only missing markers (or empty): an all-missing column has no type
        return np.full(len(cells), np.nan)
    if any(issubclass(t, _NESTED_TYPES) for t in types):
        # A list or dict inside a cell (rare) is kept as its text: categories must be
        # hashable and shapes must never leak into the column.
        cells = [str(c) if isinstance(c, _NESTED_TYPES) else c for c in cells]
    elif not (
        has_missing_marker or any(issubclass(t, float | np.floating) for t in types)
    ):
        return values
    return np.fromiter(
        (None if is_missing(c) else c for c in cells), dtype=object, count=len(cells)
    )


def normalise_column(values: Any) -> np.ndarray:
    """One column as float64 (numeric, NaN = missing) or object (``None`` = missing).

    Idempotent and cheap on an already normalised float64 column (no copy).
    """
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):
        values = _series_to_numpy(values)
    arr = values if isinstance(values, np.ndarray) else _object_array(values)
    if arr.ndim != 1:
        raise ValueError(f"a column must be 1-D, not shape {arr.shape}")
    kind = arr.dtype.kind
    if kind == "f":
        return arr.astype(np.float64, copy=False)
    if kind in "iu":
        return arr.astype(np.float64)
    if kind == "O":
        return _object_column(arr)
    if kind in "Mm":  # datetimes: categories as text, NaT missing
        out = arr.astype(object)
        out[np.isnat(arr)] = None
        return out
    return arr.astype(object)  # bool, str, bytes, complex: categories


def _series_to_numpy(series: Any) -> np.ndarray:
    """A pandas Series (duck-typed) as numpy; nullable numeric dtypes → float NaN."""
    dtype = getattr(series, "dtype", None)
    kind = getattr(dtype, "kind", "O")
    if kind in "iuf" and not isinstance(dtype, np.dtype):
        # Int64/Float64 extension dtypes: to_numpy() would give objects holding pd.NA.
        return np.asarray(series.to_numpy(dtype=np.float64, na_value=np.nan))
    return np.asarray(series.to_numpy())


def _object_array(values: Any) -> np.ndarray:
    """1-D object array of ``values``: numpy must not guess a 2-D shape or str dtype."""
    cells = list(values)
    return np.fromiter(cells, dtype=object, count=len(cells))


def _names_for(width: int, names: Sequence[str] | None) -> list[str]:
    if names is not None and len(names) == width:
        return [str(n) for n in names]
    return [f"x{i}" for i in range(width)]


def _from_frame(frame: Any) -> dict[str, np.ndarray]:
    columns: dict[str, np.ndarray] = {}
    for i, name in enumerate(frame.columns):
        key = str(name)
        if key in columns:
            raise ValueError(f"the DataFrame has two columns named {key!r}")
        columns[key] = normalise_column(frame.iloc[:, i])
    return columns


def _from_matrix(
    matrix: np.ndarray, names: Sequence[str] | None
) -> dict[str, np.ndarray]:
    keys = _names_for(matrix.shape[1], names)
    if matrix.dtype.kind in "iuf":
        # One contiguous copy: each column is then a contiguous row of the transpose.
        block = np.ascontiguousarray(matrix.T, dtype=np.float64)
        return dict(zip(keys, block, strict=True))
    return {key: normalise_column(matrix[:, i]) for i, key in enumerate(keys)}


def _from_rows(
    rows: Sequence[Any], names: Sequence[str] | None
) -> dict[str, np.ndarray]:
    widths = {len(r) for r in rows}
    if len(widths) > 1:
        raise ValueError(
            f"rows must all have the same length, got lengths {sorted(widths)}"
        )
    width = widths.pop()
    # dtype=object keeps mixed rows (numbers next to text) from becoming all strings.
    matrix = np.empty((len(rows), width), dtype=object)
    matrix[:] = [list(r) for r in rows]
    return _from_matrix(matrix, names)


def _from_records(records: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
    keys: dict[str, None] = {}  # union of keys, first-seen order
    for record in records:
        if not isinstance(record, Mapping):
            raise TypeError(
                f"a list of rows must hold only dicts or only lists, "
                f"found {_describe(record)} after a dict"
            )
        keys.update(dict.fromkeys(record))
    return {
        str(k): normalise_column(_object_array([r.get(k) for r in records]))
        for k in keys
    }


def _from_mapping(mapping: Mapping[Any, Any]) -> dict[str, np.ndarray]:
    columns: dict[str, np.ndarray] = {}
    for name, values in mapping.items():
        if isinstance(values, str | bytes) or np.ndim(values) == 0:
            raise ValueError(
                f"column {str(name)!r} must be a list or a 1-D array, not "
                f"{_describe(values)} (for a single row pass [row])"
            )
        column = normalise_column(values)
        columns[str(name)] = column
    lengths = {name: len(col) for name, col in columns.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{name!r} has {n}" for name, n in lengths.items())
        raise ValueError(f"columns must all have the same length: {detail}")
    return columns


def to_columns(
    data: Any, names: list[str] | None = None, *, what: str = "prediction data"
) -> dict[str, np.ndarray]:
    """Convert a batch to ``{column name: 1-D array}``.

    Parameters
    ----------
    data
        A DataFrame (names from its columns), a 2-D array or list of lists (names from
        ``names`` when its width matches, else ``x0, x1, ...``), a list of dicts (union
        of keys; a missing key is a missing value), a dict of columns, or a 1-D
        array/list (one column: ``names[0]`` when ``names`` has one entry, else ``x0``).
    names
        Expected feature names, used for unnamed shapes (typically the reference
        profile's features).
    what
        How error messages call ``data``.

    Returns
    -------
    dict
        Columns of equal length; numeric ones float64 (NaN missing), the rest object
        arrays (``None`` missing).
    """
    if hasattr(data, "columns") and hasattr(data, "iloc"):
        return _from_frame(data)
    if isinstance(data, str | bytes) or data is None:
        raise _shape_error(data, what)
    if isinstance(data, Mapping):
        return _from_mapping(data)
    if hasattr(data, "to_numpy") and not isinstance(data, np.ndarray):  # a Series
        return {_names_for(1, names)[0]: normalise_column(data)}
    if isinstance(data, np.ndarray):
        if data.ndim == 1:
            return {_names_for(1, names)[0]: normalise_column(data)}
        if data.ndim == 2:
            return _from_matrix(data, names)
        raise ValueError(
            f"{what} must be 1-D or 2-D, not an array of shape {data.shape}"
        )
    if isinstance(data, Sequence):
        rows = list(data)
        if not rows:
            return {}
        first = rows[0]
        if isinstance(first, Mapping):
            return _from_records(rows)
        if isinstance(first, list | tuple | np.ndarray):
            if not all(isinstance(r, list | tuple | np.ndarray) for r in rows):
                raise TypeError(
                    f"{what}: a list of rows must hold only lists, found a "
                    "scalar next to a list"
                )
            return _from_rows(rows, names)
        return {_names_for(1, names)[0]: normalise_column(_object_array(rows))}
    raise _shape_error(data, what)


def to_vector(values: Any, *, what: str = "predictions") -> np.ndarray:
    """Predictions or labels as a 1-D array; one-column 2-D input is squeezed.

    Unlike :func:`to_columns`, integer and boolean dtypes are kept so class labels
    round-trip exactly; float dtypes become float64, text and mixed values an object
    array with ``None`` for missing, and object arrays of plain numbers float64.
    """
    if isinstance(values, str | bytes) or values is None or isinstance(values, Mapping):
        raise TypeError(
            f"{what} must be a list, an array or a Series, not {_describe(values)}"
        )
    if hasattr(values, "columns") and hasattr(values, "iloc"):
        if len(values.columns) != 1:
            raise ValueError(f"{what} must have one column, not {len(values.columns)}")
        values = values.iloc[:, 0]
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):
        arr = _series_to_numpy(values)
    elif isinstance(values, np.ndarray):
        arr = values
    elif np.ndim(values) == 0:
        raise TypeError(
            f"{what} must be a list, an array or a Series, not {_describe(values)}"
        )
    else:
        cells = list(values)
        if cells and isinstance(cells[0], list | tuple | np.ndarray):
            arr = np.asarray(cells, dtype=object)
        else:
            arr = _object_array(cells)
            if arr.size and all(isinstance(c, _BOOL_TYPES) for c in cells):
                arr = arr.astype(bool)
            elif arr.size and all(
                isinstance(c, int | np.integer) and not isinstance(c, _BOOL_TYPES)
                for c in cells
            ):
                arr = arr.astype(np.int64)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{what} must be one value per row, not an array of shape {arr.shape}"
            " (pass predict(), not predict_proba())"
        )
    kind = arr.dtype.kind
    if kind == "f":
        return arr.astype(np.float64, copy=False)
    if kind in "iub":
        return arr
    return normalise_column(arr)
