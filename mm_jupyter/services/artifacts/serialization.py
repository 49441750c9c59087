"""Turn Python objects into stored bytes and back, with well-kept formats.

DataFrames → Parquet (pyarrow) or CSV with the schema recorded; numpy arrays →
``.npy``; scipy sparse matrices → ``.npz`` (``scipy.sparse.save_npz``, no pickles);
bytes and text as they are; matplotlib figures → PNG. Files and directories are stored
as they are (see ``ingest``). Loading gives back an equal object.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import mimetypes
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PARQUET = "application/vnd.apache.parquet"
NPZ = "application/x-npz"
#: Formats of serialised data: their versions record a fingerprint and a profile.
DATA_FORMATS = ("parquet", "csv", "npy", "npz")
MANIFEST = "application/vnd.mm-jupyter.manifest+json"
MODEL_SUFFIXES = {".pkl", ".pickle", ".joblib", ".pt", ".pth", ".onnx", ".h5", ".keras",
                  ".safetensors", ".cbm", ".ubj"}
DATA_SUFFIXES = {".csv", ".tsv", ".parquet", ".feather", ".arrow", ".npy", ".npz", ".jsonl",
                 ".xlsx", ".h5ad", ".avro", ".orc"}
REPORT_SUFFIXES = {".html", ".pdf", ".md"}
FIGURE_SUFFIXES = {".png", ".jpg", ".jpeg", ".svg"}


@dataclass
class Serialized:
    """An object as bytes (``data``) or as a path on disk (``path``)."""

    format: str
    media_type: str
    file_name: str
    kind: str
    data: bytes | None = None
    path: Path | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def kind_for_path(path: Path) -> str:
    """Guess an artifact kind from a file name."""
    suffix = path.suffix.lower()
    if path.is_dir():
        return "file"
    if suffix in MODEL_SUFFIXES:
        return "model"
    if suffix in DATA_SUFFIXES:
        return "dataset"
    if suffix in REPORT_SUFFIXES:
        return "report"
    if suffix in FIGURE_SUFFIXES:
        return "figure"
    return "file"


def media_type_for(name: str) -> str:
    """Return the media type of a file name (``application/octet-stream`` if unknown)."""
    if name.endswith(".parquet"):
        return PARQUET
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _is_dataframe(obj: Any) -> bool:
    return type(obj).__name__ == "DataFrame" and type(obj).__module__.startswith("pandas")


def _is_ndarray(obj: Any) -> bool:
    return type(obj).__name__ == "ndarray" and type(obj).__module__ == "numpy"


def _is_figure(obj: Any) -> bool:
    return type(obj).__name__ == "Figure" and type(obj).__module__.startswith("matplotlib")


def _is_sparse(obj: Any) -> bool:
    sparse = sys.modules.get("scipy.sparse")  # loaded if obj is one of its matrices
    return sparse is not None and bool(sparse.issparse(obj))


def serialize(obj: Any, name: str, *, format: str | None = None) -> Serialized:
    """Serialise ``obj`` for artifact ``name``; raise ``TypeError`` naming what fails."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:100]
    if safe.strip(".") == "":  # "", "." and ".." are no file names
        safe = "artifact"
    if isinstance(obj, os.PathLike) or (isinstance(obj, str) and format != "text"):
        path = Path(obj)
        if not path.exists():
            raise FileNotFoundError(
                f"no file or directory {str(obj)[:200]!r} to log as artifact {name!r}"
                " (to store a string itself, pass format='text')"
            )
        if path.is_dir():
            # Path("..").name is "..": the cache copy would land on the cache folder
            folder = path.resolve().name or safe
            return Serialized("directory", MANIFEST, folder, "file", path=path)
        return Serialized("file", media_type_for(path.name), path.name, kind_for_path(path),
                          path=path, metadata=file_metadata(path))
    if isinstance(obj, str):
        return Serialized("text", "text/plain; charset=utf-8", f"{safe}.txt", "file",
                          data=obj.encode("utf-8", "surrogatepass"))
    if isinstance(obj, bytes | bytearray | memoryview):
        return Serialized("bytes", "application/octet-stream", safe, "file", data=bytes(obj))
    if _is_dataframe(obj):
        return _dataframe(obj, safe, format)
    if _is_ndarray(obj):
        import numpy as np

        if obj.dtype.hasobject:
            raise TypeError(f"artifact {name!r}: numpy arrays of Python objects cannot be stored safely")
        buffer = io.BytesIO()
        np.save(buffer, obj, allow_pickle=False)
        meta = {"shape": list(obj.shape), "dtype": str(obj.dtype)}
        return Serialized("npy", "application/x-npy", f"{safe}.npy", "dataset",
                          data=buffer.getvalue(), metadata=meta)
    if _is_sparse(obj):
        from scipy import sparse

        buffer = io.BytesIO()
        sparse.save_npz(buffer, obj, compressed=False)
        meta = {"shape": list(obj.shape), "dtype": str(obj.dtype), "format": str(obj.format)}
        return Serialized("npz", NPZ, f"{safe}.npz", "dataset", data=buffer.getvalue(),
                          metadata=meta)
    if _is_figure(obj):
        buffer = io.BytesIO()
        obj.savefig(buffer, format="png", bbox_inches="tight")
        return Serialized("png", "image/png", f"{safe}.png", "figure", data=buffer.getvalue())
    raise TypeError(
        f"cannot log a {type(obj).__module__}.{type(obj).__qualname__} as artifact {name!r}:"
        " pass a path, bytes, str (format='text'), a pandas DataFrame, a numpy array,"
        " a scipy sparse matrix or a matplotlib figure"
    )


def file_metadata(path: Path) -> dict[str, Any]:
    """Return cheap facts about a data file: Parquet schema and rows, CSV header columns.

    Only metadata is read (never the whole file), so logging a large file stays fast.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet" and importlib.util.find_spec("pyarrow") is not None:
            import pyarrow.parquet as pq

            meta = pq.read_metadata(path)
            schema = meta.schema.to_arrow_schema()
            return {"rows": meta.num_rows,
                    "columns": {f.name: str(f.type) for f in schema}}
        if suffix in (".csv", ".tsv"):
            with open(path, newline="", encoding="utf-8", errors="replace") as handle:
                header = next(csv.reader(handle, delimiter="\t" if suffix == ".tsv" else ","), [])
            return {"columns": header[:1000]}
    except Exception:  # metadata is a courtesy; a malformed file is still logged
        return {}
    return {}


def _dataframe(df: Any, safe: str, format: str | None) -> Serialized:
    schema = {"rows": len(df), "columns": {str(c): str(t) for c, t in df.dtypes.items()}}
    use_parquet = format == "parquet" or (
        format is None and importlib.util.find_spec("pyarrow") is not None
    )
    buffer = io.BytesIO()
    if use_parquet:
        df.to_parquet(buffer)
        return Serialized("parquet", PARQUET, f"{safe}.parquet", "dataset",
                          data=buffer.getvalue(), metadata=schema)
    df.to_csv(buffer)
    return Serialized("csv", "text/csv", f"{safe}.csv", "dataset",
                      data=buffer.getvalue(), metadata=schema)


def load(path: Path, format: str, metadata: dict[str, Any]) -> Any:
    """Load the object stored at ``path`` in ``format``."""
    if format == "parquet":
        import pandas as pd

        return pd.read_parquet(path)
    if format == "csv":
        import pandas as pd

        df = pd.read_csv(path, index_col=0)
        df.index.name = None if df.index.name == "Unnamed: 0" else df.index.name
        columns = metadata.get("columns", {})
        try:  # CSV loses dtypes: restore the recorded schema
            return df.astype({c: t for c, t in columns.items() if c in df.columns})
        except (TypeError, ValueError):
            return df
    if format == "npy":
        import numpy as np

        return np.load(path, allow_pickle=False)
    if format == "npz":
        from scipy import sparse

        return sparse.load_npz(path)
    if format == "text":
        return path.read_text(encoding="utf-8")
    if format == "directory":
        return path
    return path.read_bytes()
