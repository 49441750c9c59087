"""Turn arbitrary user values into strict JSON, safely and within bounds.

Used for params, tags and every payload the CLI and server emit. JSON has no NaN or
infinities, so non-finite floats travel as the strings ``"NaN"``, ``"Infinity"`` and
``"-Infinity"`` (MLflow and others broke on this; see RELIABILITY.md).
"""

from __future__ import annotations

import json
import math
import numbers
import reprlib
from typing import Any

MAX_STR = 10_000
MAX_ITEMS = 1_000
MAX_DEPTH = 8

_repr = reprlib.Repr()
_repr.maxstring = 200
_repr.maxother = 200
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = 20


def safe_repr(value: object, limit: int = 500) -> str:
    """Return a bounded repr that never raises, even for hostile ``__repr__``."""
    try:
        text = _repr.repr(value)
    except BaseException as exc:  # a user __repr__ may raise anything
        text = f"<{type(value).__qualname__} object (repr failed: {type(exc).__name__})>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def encode_float(value: float) -> float | str:
    """Return ``value`` or, if it is not finite, its JSON string spelling."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def decode_float(value: Any) -> float | None:
    """Return a float from a database value (``'NaN'`` text included)."""
    if value is None:
        return None
    return float(value)


def to_jsonable(value: Any, _depth: int = 0) -> Any:
    """Return a JSON-safe copy of ``value``: bounded, strict, never raising."""
    if value is None or isinstance(value, bool | str):
        if isinstance(value, str) and len(value) > MAX_STR:
            return value[:MAX_STR] + f"... [{len(value) - MAX_STR} chars truncated]"
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else float(value)
    if isinstance(value, float):
        return encode_float(value)
    if isinstance(value, numbers.Integral):  # numpy ints
        return to_jsonable(int(value))
    if isinstance(value, numbers.Real):  # numpy floats, Fraction, Decimal-like
        return encode_float(float(value))
    if _depth < MAX_DEPTH:
        if isinstance(value, dict) and len(value) <= MAX_ITEMS:
            return {str(k): to_jsonable(v, _depth + 1) for k, v in value.items()}
        if isinstance(value, list | tuple) and len(value) <= MAX_ITEMS:
            return [to_jsonable(v, _depth + 1) for v in value]
    return safe_repr(value)


def dumps(value: Any, **kwargs: Any) -> str:
    """Serialise ``value`` as strict JSON (``allow_nan=False``)."""
    return json.dumps(to_jsonable(value), allow_nan=False, **kwargs)


def spell_non_finite(value: Any) -> Any:
    """Return a copy of a plain JSON-like payload with non-finite floats spelled out.

    Unlike ``to_jsonable`` this does not bound anything: store payloads (metric series,
    tracebacks) are already plain JSON types of a known size.
    """
    if isinstance(value, float):
        return encode_float(value)
    if isinstance(value, dict):
        return {str(k): spell_non_finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [spell_non_finite(v) for v in value]
    return value


def payload_dumps(value: Any, **kwargs: Any) -> str:
    """Serialise a store payload as strict JSON (for the CLI and the server)."""
    return json.dumps(spell_non_finite(value), allow_nan=False, **kwargs)


def numeric_value(value: Any) -> float | None:
    """Return ``value`` as a float when it is a plain real number, else ``None``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return None if math.isnan(number) else number
