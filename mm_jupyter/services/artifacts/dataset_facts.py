"""What a dataset version records about its data: the fingerprint and the profile.

A logged DataFrame or array, a logged CSV, TSV, Parquet or ``.npy`` file and data passed
to ``fit()`` all record the same facts in their version's metadata: ``fingerprint``
(``capture/fingerprint.py``), ``column_digests`` (so that a frame made of some of its
columns is recognised), ``fingerprint_sampled`` and ``profile`` (``capture/profile.py``).
When data passed to ``fit()`` has the fingerprint of a logged version, the run's input
is that version (``services/runs/fit_inputs.py``).

A file is read to learn these facts only when it is small enough to read quickly, the
way the user would read it (``pd.read_csv(path)``, ``pd.read_parquet(path)``,
``np.load(path)``): ``MAX_CSV_BYTES`` for text files, ``MAX_PARQUET_BYTES`` for Parquet;
an ``.npy`` file is memory-mapped, so only the sampled rows are read. Learning the facts
never fails a log: a file that cannot be read simply has none.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from mm_jupyter.capture.fingerprint import Fingerprint, fingerprint
from mm_jupyter.capture.profile import profile

MAX_CSV_BYTES = 32 * 1024 * 1024
MAX_PARQUET_BYTES = 128 * 1024 * 1024
# Facts of a logged artifact: the rest of a Fingerprint's metadata (type, shape) is for
# data that has no other description (fit inputs).
LOGGED_FACTS = ("rows", "columns", "fingerprint", "fingerprint_sampled", "column_digests")


def facts(fp: Fingerprint, data: Any, *, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The metadata facts of data fingerprinted as ``fp``: its fingerprint and profile."""
    found = fp.metadata()
    if keys is not None:
        found = {k: v for k, v in found.items() if k in keys}
    summary = profile(data)
    if summary is not None:
        found["profile"] = summary
    return found


def object_facts(obj: Any) -> dict[str, Any]:
    """Facts of a logged object: DataFrames and arrays have them, others none."""
    fp = fingerprint(obj)
    return {} if fp is None else facts(fp, obj, keys=LOGGED_FACTS)


def file_facts(path: Path) -> dict[str, Any]:
    """Facts of a logged data file, read as ``pd.read_csv``/``read_parquet``/``np.load``
    would read it; none when it is too large, of another type, or unreadable."""
    try:
        data = _read(path)
    except Exception:  # a malformed file is still logged, without facts
        return {}
    return {} if data is None else object_facts(data)


def _read(path: Path) -> Any:
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if suffix in (".csv", ".tsv") and size <= MAX_CSV_BYTES and _has("pandas"):
        import pandas as pd

        return pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",")
    if suffix == ".parquet" and size <= MAX_PARQUET_BYTES and _has("pandas") and _has("pyarrow"):
        import pandas as pd

        return pd.read_parquet(path)
    if suffix == ".npy":
        import numpy as np

        return np.load(path, mmap_mode="r", allow_pickle=False)
    return None


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None
