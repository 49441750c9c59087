"""What a package says about the model's input: ``signature.json`` and ``input_example.json``.

Both come from what the registry recorded, never from loading the model: the version's
signature (input columns and dtypes), its reference profile (quantiles, categories, the
prediction's type) and, for a version registered without reference data, the first
rows of a training dataset its producing run used. Deterministic: the same version
gives the same rows.
"""

from __future__ import annotations

import math
from typing import Any

from mm_jupyter.errors import MMError, NotFoundError
from mm_jupyter.services.artifacts.materialize import materialize
from mm_jupyter.services.artifacts.serialization import load
from mm_jupyter.store import Registry
from mm_jupyter.store import artifacts as artifact_store

EXAMPLE_ROWS = 3
# The reference percentiles the example rows sit at (one row each).
EXAMPLE_PERCENTILES = (25, 50, 75)
# Stored data read for an example: only formats that load without unpickling.
SAFE_FORMATS = ("parquet", "csv")


def input_features(signature: Any, profile: Any) -> list[str] | None:
    """The input column names: the signature's, else the reference profile's."""
    inputs = signature.get("inputs") if isinstance(signature, dict) else None
    if isinstance(inputs, list) and inputs:
        return [str(i.get("name")) for i in inputs if isinstance(i, dict)]
    features = profile.get("features") if isinstance(profile, dict) else None
    return [str(f) for f in features] if isinstance(features, dict) and features else None


def takes_frame(signature: Any) -> bool:
    """Whether the model was fitted on a DataFrame, so that its server needs pandas.

    A signature has dtypes only when reference data with columns was given, and names
    other than ``x0, x1, ...`` only from a frame's columns (``feature_names_in_``).
    """
    inputs = signature.get("inputs") if isinstance(signature, dict) else None
    if not isinstance(inputs, list) or not inputs:
        return False
    names = [i.get("name") for i in inputs if isinstance(i, dict)]
    dtypes = [i.get("dtype") for i in inputs if isinstance(i, dict)]
    return any(d is not None for d in dtypes) or names != [f"x{n}" for n in range(len(names))]


def all_float(signature: Any) -> bool:
    """Whether every input column was float64 (the server then builds one float block)."""
    inputs = signature.get("inputs") if isinstance(signature, dict) else None
    return isinstance(inputs, list) and bool(inputs) and all(
        isinstance(i, dict) and i.get("dtype") == "float64" for i in inputs)


def signature_document(version: dict[str, Any], profile: Any) -> dict[str, Any]:
    """Return ``signature.json``: ``{"inputs": [{"name", "dtype"}], "output": {...}}``."""
    signature = version.get("signature")
    inputs = signature.get("inputs") if isinstance(signature, dict) else None
    if not isinstance(inputs, list):
        names = input_features(None, profile) or []
        inputs = [{"name": name, "dtype": None} for name in names]
    output: dict[str, Any] = {"name": "predictions", "task": None, "type": None, "classes": None}
    if isinstance(profile, dict):
        output["task"] = profile.get("task")
        prediction = profile.get("prediction")
        if isinstance(prediction, dict):
            output["type"] = prediction.get("type")
            categories = prediction.get("categories")
            if isinstance(categories, dict) and prediction.get("complete"):
                output["classes"] = sorted(str(c) for c in categories)
    return {"inputs": inputs, "output": output}


def input_example(registry: Registry, version: dict[str, Any], profile: Any) -> dict[str, Any]:
    """Return ``input_example.json``: a ``POST /predict`` body of a few rows.

    From the reference profile (numeric columns at the 25th, 50th and 75th
    percentile; categorical ones cycling through their most frequent values), else
    from a training dataset of the producing run. ``MMError`` when neither exists.
    """
    features = input_features(version.get("signature"), profile)
    if features is None:
        raise MMError(f"{version['ref']} records no input columns (no signature, no"
                      " reference profile): a package needs them for its input example")
    dtypes = _dtypes(version.get("signature"))
    profiled = profile.get("features") if isinstance(profile, dict) else None
    if isinstance(profiled, dict) and all(f in profiled for f in features):
        rows = [{f: _profile_value(profiled[f], dtypes.get(f), i) for f in features}
                for i in range(EXAMPLE_ROWS)]
        return {"rows": rows}
    found = _dataset_rows(registry, version, features)
    if found is None:
        raise MMError(
            f"{version['ref']} has no reference profile and its run used no stored"
            f" dataset with its columns ({', '.join(features[:5])}...): register it with"
            " reference_data= to package it"
        )
    return {"rows": found}


def _dtypes(signature: Any) -> dict[str, str]:
    inputs = signature.get("inputs") if isinstance(signature, dict) else None
    return {str(i["name"]): str(i["dtype"]) for i in inputs or []
            if isinstance(i, dict) and i.get("dtype") is not None}


def _profile_value(feature: dict[str, Any], dtype: str | None, index: int) -> Any:
    if feature.get("type") == "numeric":
        percentiles = feature.get("percentiles")
        if isinstance(percentiles, list) and len(percentiles) == 101:
            value = percentiles[EXAMPLE_PERCENTILES[index % len(EXAMPLE_PERCENTILES)]]
        else:
            value = feature.get("mean")
        if not isinstance(value, int | float) or not math.isfinite(value):
            return None
        if dtype is not None and dtype.lower().startswith(("int", "uint")):
            return round(value)
        return float(value)
    ranked = list((feature.get("categories") or {}).keys())
    if not ranked:
        return None
    category = ranked[index % len(ranked)]
    return category == "True" if dtype == "bool" else category


def _dataset_rows(registry: Registry, version: dict[str, Any],
                  features: list[str]) -> list[dict[str, Any]] | None:
    for ref in sorted(version.get("inputs") or [], key=lambda v: str(v.get("ref"))):
        if ref.get("kind") != "dataset":
            continue
        try:
            stored = artifact_store.resolve_version(registry, str(ref["ref"]))
        except (NotFoundError, ValueError):
            continue
        metadata = stored.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        columns = metadata.get("columns")
        if stored.get("format") not in SAFE_FORMATS or not isinstance(columns, dict):
            continue
        if not all(f in columns for f in features):
            continue
        frame = load(materialize(registry, stored), str(stored["format"]), metadata)
        head = frame[features].head(EXAMPLE_ROWS)
        return [{f: _plain(record[f]) for f in features}
                for record in head.to_dict(orient="records")]
    return None


def _plain(value: Any) -> Any:
    """A pandas/numpy cell as a JSON value (NaN -> null)."""
    item = value.item() if hasattr(value, "item") else value
    if isinstance(item, float) and not math.isfinite(item):
        return None
    return item if isinstance(item, str | int | float | bool) or item is None else str(item)


__all__ = ["all_float", "input_example", "input_features", "signature_document", "takes_frame"]
