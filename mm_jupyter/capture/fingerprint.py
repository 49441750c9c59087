"""Fingerprint data without copying it: a content digest of a DataFrame, Series, numpy
array, scipy sparse matrix or list, over its buffers, schema and shape.

What enters the digest (version 1, ``PREFIX``), and how large data is sampled:

- **Rows.** Up to ``ROW_CAP`` (131,072) rows, every row. Beyond, 64 blocks of 2,048
  consecutive rows at evenly spaced starts (the first block starts at row 0, the last
  ends at the last row). The blocks depend only on the number of rows, so every column
  of a frame, and a column taken out of it (``df["target"]``, ``df.drop(columns=...)``),
  is sampled at the same rows.
- **Columns of a frame.** Numeric, boolean and datetime columns enter by their raw
  bytes (a view of pandas' own buffer: nothing is copied); other columns (strings,
  categories, nullable and object columns) by pandas' ``hash_array`` of each value,
  and objects pandas cannot hash (lists, dicts) by the ``repr`` of up to 4,096 values.
  When the sampled columns would exceed ``BUDGET`` (16 MiB, about 20 ms of SHA-256),
  evenly spaced columns are hashed and the others enter by name and dtype only.
  Each hashed column has its own digest (``column_digests``): a column's digest is the
  same in every frame (or Series, or 1-D array) with that many rows, which is how an
  input made of some columns of a logged dataset is still linked to it.
- **Arrays of two or more dimensions.** Up to ``BUDGET`` bytes, every byte; beyond, 64
  evenly spaced blocks of rows (and, for rows larger than a block's share, evenly
  spaced chunks of each sampled row). The digest depends on the values, not on the
  memory layout: a Fortran-ordered array and its C-ordered copy agree.
- **Sparse matrices**: format, shape, dtype and the arrays that hold the matrix
  (``data``/``indices``/``indptr``, or ``row``/``col``/``data``), each sampled in 64
  chunks beyond its share of the budget. **Lists and tuples**: their length and the
  values at the sampled positions (converted by numpy).

The index of a frame or Series is not content: scikit-learn ignores it, and the same
file read twice has the same values whatever index it gets. ``Fingerprint.sampled``
says when some values did not enter the digest; two objects that differ only there
have the same fingerprint. Anything else (another type, an object whose buffers cannot
be read) gives ``None``: fingerprinting never raises.

numpy and pandas are imported only when the object is one of theirs (they are then
already loaded), so importing this module costs nothing.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from typing import Any

PREFIX = b"mm-fingerprint/1\n"
ROW_CAP = 131_072  # rows hashed in full; beyond, BLOCKS blocks of ROW_CAP // BLOCKS rows
BLOCKS = 64
BUDGET = 16 * 1024 * 1024  # bytes hashed per object, about 20 ms of SHA-256
REPR_VALUES = 4_096  # values of a column pandas cannot hash, entered by their repr
HASHED_VALUE_COST = 32  # budget bytes one hash_array value counts for (it is slower)
MAX_COLUMN_DIGESTS = 2_000
LIST_VALUES = ROW_CAP  # list items converted to numpy (beyond: the sampled positions)
SMALL_FRAME_BYTES = 4 * 1024 * 1024  # a one-dtype frame this small is read as one array


@dataclass(frozen=True)
class Fingerprint:
    """The digest of one object, with the schema facts that describe it."""

    digest: str  # 64 hex characters (SHA-256)
    type: str  # DataFrame | Series | ndarray | sparse | list
    shape: tuple[int, ...]
    # (name, dtype) of each column: frames and Series; one unnamed column for a 1-D array
    columns: tuple[tuple[str, str], ...] = ()
    dtype: str | None = None  # arrays, sparse matrices and lists
    # column name -> digest (32 hex) of the columns that were hashed
    column_digests: dict[str, str] = field(default_factory=dict)
    sampled: bool = False  # some values did not enter the digest
    nbytes: int = 0  # size of the data in memory, as its library reports it

    @property
    def rows(self) -> int:
        """Number of rows (the length of the first dimension)."""
        return self.shape[0] if self.shape else 0

    def metadata(self) -> dict[str, Any]:
        """The facts a dataset version keeps in its metadata (plain JSON values)."""
        facts: dict[str, Any] = {"type": self.type, "rows": self.rows, "shape": list(self.shape)}
        if self.type in ("DataFrame", "Series"):
            facts["columns"] = dict(self.columns[:MAX_COLUMN_DIGESTS])
            if len(self.columns) > MAX_COLUMN_DIGESTS:
                facts["columns_total"] = len(self.columns)
        if self.dtype is not None:
            facts["dtype"] = self.dtype
        facts.update(
            fingerprint=self.digest,
            fingerprint_sampled=self.sampled,
            nbytes=self.nbytes,
        )
        if self.column_digests:
            facts["column_digests"] = dict(list(self.column_digests.items())[:MAX_COLUMN_DIGESTS])
        return facts


def fingerprint(obj: Any) -> Fingerprint | None:
    """Return the fingerprint of ``obj``, or ``None`` for anything it cannot read.

    Never raises (but for ``KeyboardInterrupt`` and its kind) and never copies more
    than a sampled block of data.
    """
    try:
        return _fingerprint(obj)
    except Exception:  # an odd object: no fingerprint, never an error in the user's cell
        return None


def _fingerprint(obj: Any) -> Fingerprint | None:
    pd = sys.modules.get("pandas")
    np = sys.modules.get("numpy")
    if pd is not None and isinstance(obj, pd.DataFrame):
        return _frame(obj)
    if pd is not None and isinstance(obj, pd.Series):
        return _series(obj)
    if np is not None and isinstance(obj, np.ndarray):
        return _ndarray(np.asarray(obj), "ndarray")  # masked arrays, matrices: their data
    sparse = sys.modules.get("scipy.sparse")
    if sparse is not None and sparse.issparse(obj):
        return _sparse(obj)
    if isinstance(obj, list | tuple):
        return _list(obj)
    return None


# -- sampling -------------------------------------------------------------------------


def row_ranges(n: int, cap: int = ROW_CAP) -> list[tuple[int, int]]:
    """The row ranges sampled of ``n`` rows: all of them up to ``cap``, else ``BLOCKS``
    blocks of ``cap // BLOCKS`` rows at evenly spaced starts."""
    if n <= cap:
        return [(0, n)]
    length = max(1, cap // BLOCKS)
    return [(s, s + length) for s in (i * (n - length) // (BLOCKS - 1) for i in range(BLOCKS))]


def _update_bytes(hasher: Any, flat: Any, cap: int) -> bool:
    """Hash the 1-D byte view ``flat``: whole up to ``cap`` bytes, else ``BLOCKS`` evenly
    spaced chunks totalling ``cap``. Returns whether it was sampled."""
    size = int(flat.shape[0])
    if size <= cap:
        hasher.update(flat)
        return False
    chunk = max(1, cap // BLOCKS)
    for i in range(BLOCKS):
        start = i * (size - chunk) // (BLOCKS - 1)
        hasher.update(flat[start : start + chunk])
    return True


def _raw(np: Any, block: Any) -> Any:
    """The bytes of ``block`` in C order, as a flat uint8 view (a copy only if strided)."""
    return np.ascontiguousarray(block).reshape(-1).view(np.uint8)


def _is_raw_dtype(dtype: Any) -> bool:
    """Whether values of ``dtype`` are plain bytes in a numpy buffer (no Python objects)."""
    np = sys.modules["numpy"]
    return isinstance(dtype, np.dtype) and not dtype.hasobject


# -- columns --------------------------------------------------------------------------


def _value_cost(dtype: Any) -> int:
    """Budget bytes one value of ``dtype`` costs: its size, or more when it is hashed."""
    return int(dtype.itemsize) if _is_raw_dtype(dtype) else HASHED_VALUE_COST


def _hash_values(hasher: Any, values: Any) -> bool:
    """Hash the values of a 1-D numpy array or pandas extension array.

    Raw dtypes enter by their bytes, Arrow strings by their Arrow buffers, others by
    pandas' ``hash_array`` (categories, nullable values, object columns), and values
    pandas cannot hash by their ``repr`` (up to ``REPR_VALUES`` of them). Returns
    whether some values were left out.
    """
    np = sys.modules["numpy"]
    if _is_raw_dtype(values.dtype):
        hasher.update(_raw(np, values))
        return False
    if _arrow_strings(hasher, values):
        return False
    pd = sys.modules.get("pandas")
    if pd is not None:
        try:
            hasher.update(pd.util.hash_array(values, categorize=False).view(np.uint8))
            return False
        except (TypeError, ValueError):  # lists, dicts, sets in an object column
            pass
    n = len(values)
    step = max(1, n // REPR_VALUES)
    for i in range(0, n, step):
        hasher.update(repr(values[i])[:200].encode("utf-8", "surrogatepass") + b"\x00")
    return step > 1


def _arrow_strings(hasher: Any, values: Any) -> bool:
    """Hash a pandas column of Arrow strings (pandas 3's default ``str``) by its Arrow
    buffers: offsets, bytes and which values are missing. ``hash_array`` would first
    build a Python string per value (20 times slower). Returns whether it did."""
    pa = sys.modules.get("pyarrow")
    if pa is None or not hasattr(values, "__arrow_array__"):
        return False
    array = pa.array(values)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return False
    np = sys.modules["numpy"]
    offsets = np.frombuffer(
        array.buffers()[1], dtype=np.int64 if pa.types.is_large_string(array.type) else np.int32,
        count=len(array) + 1, offset=array.offset * (8 if pa.types.is_large_string(array.type) else 4),
    )
    offsets = offsets - offsets[0]  # a slice's offsets start anywhere
    hasher.update(str(array.type).encode() + b"\n")
    hasher.update(_raw(np, offsets))
    data = array.buffers()[2]
    if data is not None:
        start = int(np.frombuffer(array.buffers()[1], dtype=offsets.dtype, count=1,
                                  offset=array.offset * offsets.dtype.itemsize)[0])
        hasher.update(memoryview(data)[start : start + int(offsets[-1])])
    if array.null_count:
        hasher.update(_raw(np, np.asarray(array.is_null())))
    return True


def sample_positions(n: int) -> Any:
    """The row positions ``row_ranges(n)`` samples, as a numpy index array, or ``None``
    when every row is taken."""
    ranges = row_ranges(n)
    if ranges[0] == (0, n):
        return None
    np = sys.modules["numpy"]
    return np.concatenate([np.arange(start, stop) for start, stop in ranges])


def column_digest(values: Any, dtype: str, positions: Any = None) -> tuple[str, bool]:
    """Return the digest (32 hex) of one column, 1-D numpy or pandas extension array, and
    whether it was sampled. The same values with the same dtype name give the same
    digest whether they come from a frame, a Series or a 1-D array.

    ``positions`` are ``sample_positions(len(values))`` (computed once per frame).
    The sampled rows are gathered into one small array (at most ``ROW_CAP`` values)
    and hashed in one call: thousands of small updates cost twice as much.
    """
    n = len(values)
    hasher = hashlib.sha256(f"column\n{dtype}\n{n}\n".encode())
    if positions is None:
        positions = sample_positions(n)
    if positions is None:
        sampled = _hash_values(hasher, values)
        return hasher.hexdigest()[:32], sampled
    _hash_values(hasher, values.take(positions))
    return hasher.hexdigest()[:32], True


def _columns(names: list[str], dtypes: list[Any], column: Any, n: int, kind: str,
             shape: tuple[int, ...], nbytes: int) -> Fingerprint:
    """Fingerprint of named columns; ``column(j)`` returns column ``j``'s values."""
    positions = sample_positions(n)
    rows = n if positions is None else len(positions)
    chosen = list(range(len(names)))
    total = sum(rows * _value_cost(t) for t in dtypes)
    if total > BUDGET:  # evenly spaced columns within the budget
        chosen = chosen[:: -(-total // BUDGET)]
    spelled: dict[Any, str] = {}  # str(dtype) costs microseconds: once per dtype
    for t in dtypes:
        if t not in spelled:
            spelled[t] = str(t)
    dtype_names = [spelled[t] for t in dtypes]
    digests: dict[str, str] = {}
    sampled = len(chosen) < len(names)
    picked = set(chosen)
    lines = [f"{kind}\n{shape}\n"]
    for j, (name, dtype) in enumerate(zip(names, dtype_names, strict=True)):
        lines.append(f"{len(name)}:{name}\n{dtype}\n")
        if j not in picked:
            lines.append("-\n")
            continue
        digest, part_sampled = column_digest(column(j), dtype, positions)
        sampled = sampled or part_sampled
        lines.append(digest + "\n")
        digests.setdefault(name, digest)
    text = "".join(lines).encode("utf-8", "surrogatepass")
    return Fingerprint(
        digest=hashlib.sha256(PREFIX + text).hexdigest(), type=kind, shape=shape,
        columns=tuple(zip(names, dtype_names, strict=True)),
        column_digests=digests, sampled=sampled, nbytes=nbytes,
    )


def _column_values(series: Any) -> Any:
    """A column's values without a copy: a numpy view for numpy dtypes, else pandas'
    extension array."""
    if _is_raw_dtype(series.dtype):
        return series.to_numpy(copy=False)
    return series.array


def _frame(df: Any) -> Fingerprint:
    n, width = (int(s) for s in df.shape)
    dtypes = list(df.dtypes)
    labels = df.columns
    unique = labels.is_unique  # then df[label]: half the cost of df.iloc[:, j]
    columns: dict[int, Any] = {}
    block = None
    if width and len(set(dtypes)) == 1 and _is_raw_dtype(dtypes[0]) \
            and n * width * dtypes[0].itemsize <= SMALL_FRAME_BYTES:
        # One numpy dtype, small: its columns from one array (a view of pandas' block,
        # or a small copy) instead of a pandas Series per column (~25 us each).
        block = df.to_numpy()

    def column(j: int) -> Any:
        if block is not None:
            return block[:, j]
        if j not in columns:
            columns[j] = _column_values(df[labels[j]] if unique else df.iloc[:, j])
        return columns[j]

    # Bytes of numpy columns from their dtype; others from their array (few, usually).
    nbytes = sum(n * t.itemsize if _is_raw_dtype(t) else int(getattr(column(j), "nbytes", 0))
                 for j, t in enumerate(dtypes))
    return _columns([str(c) for c in labels], dtypes, column, n, "DataFrame", (n, width), nbytes)


def _series(series: Any) -> Fingerprint:
    name = "" if series.name is None else str(series.name)
    n = len(series)
    values = _column_values(series)
    return _columns([name], [series.dtype], lambda j: values, n, "Series", (n,),
                    int(series.memory_usage(index=False, deep=False)))


# -- arrays -----------------------------------------------------------------------------


def _ndarray(arr: Any, kind: str) -> Fingerprint:
    np = sys.modules["numpy"]
    dtype = str(arr.dtype)
    shape = tuple(int(s) for s in arr.shape)
    nbytes = int(arr.nbytes)
    if arr.ndim <= 1:
        # One column: its digest is a Series' digest for the same values and dtype.
        flat = arr.reshape(-1)
        fp = _columns([""], [arr.dtype], lambda j: flat, len(flat), kind, shape, nbytes)
        return Fingerprint(digest=fp.digest, type=kind, shape=shape, columns=fp.columns,
                           dtype=dtype, column_digests=fp.column_digests,
                           sampled=fp.sampled, nbytes=nbytes)
    hasher = hashlib.sha256(PREFIX + f"{kind}\n{shape}\n{arr.dtype.str}\n".encode())
    n = shape[0]
    width = max(1, arr.size // max(1, n))  # values per row
    row_cost = width * _value_cost(arr.dtype)
    ranges = row_ranges(n, max(BLOCKS, BUDGET // row_cost))
    share = max(1, BUDGET // len(ranges))
    sampled = ranges[0] != (0, n)
    for start, stop in ranges:
        block = arr[start:stop]
        if arr.dtype.hasobject:  # Python objects: by their values
            sampled = _hash_values(hasher, block.reshape(-1)) or sampled
        else:
            sampled = _update_bytes(hasher, _raw(np, block), share) or sampled
    return Fingerprint(digest=hasher.hexdigest(), type=kind, shape=shape, dtype=dtype,
                       sampled=sampled, nbytes=nbytes)


_SPARSE_PARTS = {
    "csr": ("data", "indices", "indptr"), "csc": ("data", "indices", "indptr"),
    "bsr": ("data", "indices", "indptr"), "coo": ("row", "col", "data"),
    "dia": ("data", "offsets"),
}
SPARSE_CONVERT_NNZ = 1_000_000  # lil/dok: converted to CSR up to this many entries


def _sparse(matrix: Any) -> Fingerprint | None:
    np = sys.modules["numpy"]
    fmt = str(matrix.format)
    if fmt not in _SPARSE_PARTS:
        if matrix.nnz > SPARSE_CONVERT_NNZ:
            return None  # converting would copy a large matrix
        matrix, fmt = matrix.tocsr(), "csr"
    shape = tuple(int(s) for s in matrix.shape)
    hasher = hashlib.sha256(PREFIX + f"sparse\n{fmt}\n{shape}\n{matrix.dtype.str}\n".encode())
    parts = [np.asarray(getattr(matrix, name)) for name in _SPARSE_PARTS[fmt]]
    share = max(1, BUDGET // len(parts))
    sampled = False
    for part in parts:
        hasher.update(f"{part.dtype.str}{part.shape}\n".encode())
        sampled = _update_bytes(hasher, _raw(np, part), share) or sampled
    return Fingerprint(digest=hasher.hexdigest(), type="sparse", shape=shape,
                       dtype=str(matrix.dtype), sampled=sampled,
                       nbytes=sum(int(p.nbytes) for p in parts))


def _list(items: list[Any] | tuple[Any, ...]) -> Fingerprint | None:
    import numpy as np  # a list passed to fit(): scikit-learn has loaded numpy already

    n = len(items)
    ranges = row_ranges(n, LIST_VALUES)
    sample = [items[i] for start, stop in ranges for i in range(start, stop)]
    try:
        arr = np.asarray(sample)
    except ValueError:  # ragged: numpy refuses to guess a shape
        arr = np.empty(len(sample), dtype=object)
        for i, item in enumerate(sample):
            arr[i] = item
    inner = tuple(int(s) for s in arr.shape[1:])
    fp = _ndarray(arr, "list")
    hasher = hashlib.sha256(PREFIX + f"list\n{n}\n{inner}\n".encode() + fp.digest.encode())
    return Fingerprint(digest=hasher.hexdigest(), type="list", shape=(n, *inner),
                       dtype=fp.dtype, sampled=fp.sampled or len(sample) < n,
                       nbytes=int(arr.nbytes) if len(sample) == n else 0)
