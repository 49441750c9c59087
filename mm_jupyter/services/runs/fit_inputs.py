"""Record the data passed to a model's ``fit()`` as the run's inputs (lineage source ``fit``).

The autolog fit hook calls ``record_fit_inputs(registry, run_id, {"X_train": X, "y_train":
y})``. Each value is fingerprinted (``capture/fingerprint.py``) and becomes an input of
the run:

- when its fingerprint is that of a dataset version already in the registry, that
  version: a logged DataFrame, a logged CSV/Parquet/``.npy`` file read back with pandas
  or numpy, or data an earlier fit recorded. A frame or Series made of columns of a
  logged dataset (``df.drop(columns=["y"])``, ``df["y"]``) links to that dataset too,
  by the digests of its columns;
- otherwise a new version of a dataset named after the variable, whose metadata holds
  the schema, rows, fingerprint and profile. Its bytes are not stored (``stored = 0``:
  the version is a record, not a copy) unless the dataset mode is ``"store"``
  (``MMMagics.autolog_datasets``), which stores DataFrames and Series as Parquet, arrays
  and lists as ``.npy`` and sparse matrices as ``.npz``.

A model registered from the run carries this lineage: its version's producer is the run,
whose inputs these are. Nothing here ever raises into the user's cell: a value that
cannot be fingerprinted is skipped, and a failure warns once and the cell goes on.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from mm_jupyter.capture.fingerprint import Fingerprint, fingerprint
from mm_jupyter.core.names import name_problem
from mm_jupyter.identity import current_user
from mm_jupyter.services.artifacts import dataset_facts, serialization
from mm_jupyter.services.runs.session import get_session
from mm_jupyter.store import Registry, artifact_queries
from mm_jupyter.store import artifacts as store

#: What ``MMMagics.autolog_datasets`` may be: record fingerprints only, or store bytes too.
DATASET_MODES = ("fingerprint", "store")
FINGERPRINT_MEDIA_TYPE = "application/vnd.mm-jupyter.fingerprint"
_LOCK = threading.Lock()
_mode = "fingerprint"


def set_dataset_mode(mode: str) -> None:
    """Set whether new fit-input datasets store their bytes (``"store"``) or only their
    fingerprint (``"fingerprint"``, the default); ``ValueError`` for anything else."""
    global _mode
    if mode not in DATASET_MODES:
        raise ValueError(f"dataset mode must be one of {', '.join(DATASET_MODES)}, not {mode!r}")
    with _LOCK:
        _mode = mode


def dataset_mode() -> str:
    """The dataset mode of this process (``set_dataset_mode``)."""
    return _mode


def record_fit_inputs(registry: Registry, run_id: str, inputs: dict[str, object]) -> None:
    """Record each ``{variable name: data}`` passed to ``fit()`` as an input of ``run_id``.

    Never raises: values that are not data are skipped, failures warn once.
    """
    known: list[int] = []  # versions found: their edges are written in one transaction
    for name, data in inputs.items():
        try:
            version_id = record_fit_input(registry, run_id, str(name), data, link=False)
            if version_id is not None:
                known.append(version_id)
        except Exception as exc:  # a full registry, or a bug of ours: the fit goes on
            _warn(name, exc)
    try:
        store.record_inputs(registry, run_id, known, source="fit")
    except Exception as exc:
        _warn(", ".join(map(str, inputs)), exc)


def _warn(name: object, exc: Exception) -> None:
    get_session().warn_once(
        "fit-inputs", f"fit() input {str(name)[:80]!r} not recorded ({type(exc).__name__}: {exc})"
    )


def record_fit_input(registry: Registry, run_id: str, name: str, data: Any, *,
                     link: bool = True) -> int | None:
    """Record one fit input; return the id of the version found for it (its edge is
    written only if ``link``), or ``None`` when a new version was made (edge included)
    or ``data`` is not data."""
    fp = fingerprint(data)
    if fp is None:
        return None
    match = matching_version(registry, fp)
    if match is not None:
        if link:
            store.record_input(registry, run_id, match["id"], source="fit")
        return int(match["id"])
    store.add_version(registry, _new_version(registry, name, data, fp, run_id), user=current_user())
    return None


def matching_version(registry: Registry, fp: Fingerprint) -> dict[str, Any] | None:
    """The dataset version holding this data: same fingerprint, else (frames, Series,
    1-D arrays) a version holding every one of its hashed columns. Stored versions
    first, then the newest."""

    def best(found: list[dict[str, Any]]) -> dict[str, Any] | None:
        return max(found, key=lambda v: (v["stored"], v["id"])) if found else None

    exact = [v for v in artifact_queries.versions_with_fingerprint(registry, fp.digest)
             if v["digest"] == fp.digest or v["metadata"].get("fingerprint") == fp.digest]
    if exact or not fp.column_digests:
        return best(exact)
    wanted = set(fp.column_digests.values())
    holding = []
    for v in artifact_queries.versions_with_column(registry, next(iter(wanted))):
        digests = v["metadata"].get("column_digests")
        if isinstance(digests, dict) and wanted <= set(digests.values()):
            holding.append(v)
    return best(holding)


def dataset_name(registry: Registry, variable: str) -> str:
    """The artifact name of a fit input: the variable's name, made valid, or with a
    ``-data`` suffix when the name belongs to a model, file or other non-dataset."""
    name = "".join("_" if c in ":@" else c for c in variable.strip())[:200] or "fit-input"
    if name_problem(name) is not None:
        name = "fit-input"
    for candidate in (name, f"{name}-data"):
        try:
            store.check_artifact_name_free(registry, candidate, "dataset")
            return candidate
        except ValueError:
            continue
    raise ValueError(f"artifact names {name!r} and {name + '-data'!r} are taken by other kinds")


def _new_version(registry: Registry, variable: str, data: Any, fp: Fingerprint,
                 run_id: str) -> store.NewVersion:
    name = dataset_name(registry, variable)
    facts = {**dataset_facts.facts(fp, data), "source": "fit"}
    if dataset_mode() == "store":
        item = _serialized(data, name)
        if item is not None and item.data is not None:
            digest = registry.blobs.put_bytes(item.data)
            return store.NewVersion(
                name=name, kind="dataset", digest=digest, size=len(item.data),
                media_type=item.media_type, format=item.format, file_name=item.file_name,
                metadata=item.metadata, facts=facts, input_of=(run_id, "fit"),
                blobs=[(digest, len(item.data), item.media_type)],
            )
    return store.NewVersion(
        name=name, kind="dataset", digest=fp.digest, size=0,
        media_type=FINGERPRINT_MEDIA_TYPE, format="fingerprint", file_name="",
        facts=facts, stored=False, input_of=(run_id, "fit"),
    )


def _serialized(data: Any, name: str) -> serialization.Serialized | None:
    """``data`` as stored bytes (``"store"`` mode), or ``None`` when it has no format."""
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(data, pd.Series):
        data = data.to_frame(name="" if data.name is None else str(data.name))
    if pd is not None and isinstance(data, pd.DataFrame):
        data = data.rename(columns=str)  # Parquet wants text column names (no copy: CoW)
    if isinstance(data, list | tuple):
        import numpy as np

        data = np.asarray(data)
    try:
        return serialization.serialize(data, name)
    except (TypeError, ValueError):  # object arrays, odd columns: fingerprint only
        return None
