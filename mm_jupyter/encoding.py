"""Turn arbitrary user values into strict JSON, safely and within bounds.

Used for params, tags and every payload the CLI and server emit. JSON has no NaN or
infinities, so non-finite floats travel as the strings ``"NaN"``, ``"Infinity"`` and
``"-Infinity"`` (MLflow and others broke on this; see RELIABILITY.md).
"""

from __future__ import annotations

import decimal
import json
import math
import numbers
import re
import reprlib
from typing import Any

MAX_STR = 10_000
MAX_ITEMS = 1_000
MAX_DEPTH = 8
# Total values visited per call: depth and width bounds alone still allow 1000**8
# (a list holding itself a thousand times).
MAX_NODES = 2_000
# Ints at or beyond 2**63 (SQLite's INTEGER range; JavaScript loses them anyway)
# travel as their exact decimal text, like "NaN" does for floats: a float would
# round them, or overflow for anything beyond 1.8e308 (issue 10).
INT_LIMIT = 2**63

_repr = reprlib.Repr()
_repr.maxstring = 200
_repr.maxother = 200
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = 20
# reprlib's default of 6 levels visits 20**6 items of a self-referencing list.
_repr.maxlevel = 3
# Inside to_jsonable, up to MAX_NODES values may need a repr: keep each one flat.
_flat_repr = reprlib.Repr()
_flat_repr.maxstring = _flat_repr.maxother = 100
_flat_repr.maxlist = _flat_repr.maxtuple = _flat_repr.maxdict = _flat_repr.maxset = 5
_flat_repr.maxlevel = 1


def safe_repr(value: object, limit: int = 500, *, flat: bool = False) -> str:
    """Return a bounded repr that never raises, even for hostile ``__repr__``.

    ``flat`` shows containers one level deep (cheap enough to call many times).
    """
    try:
        text = (_flat_repr if flat else _repr).repr(value)
    except BaseException as exc:  # a user __repr__ may raise anything
        try:
            kind = type(value).__qualname__
        except BaseException:
            kind = "object"
        text = f"<{kind} object (repr failed: {type(exc).__name__})>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def int_text(value: int) -> str:
    """Return the exact decimal spelling of any int (bounded to ``MAX_STR`` digits).

    ``str()`` refuses ints over 4,300 digits (CVE-2020-10735 guard);
    ``decimal`` converts exactly without that limit and without a process-wide
    ``sys.set_int_max_str_digits`` change that other threads would see.
    """
    number = int.__int__(value)  # an int subclass may override __str__/__abs__
    if number.bit_length() > MAX_STR * 3.3219:  # log2(10): surely > MAX_STR digits
        digits = int(number.bit_length() * 0.30103) + 1
        return f"<int with about {digits} digits>"
    try:
        return str(number)
    except ValueError:
        return str(decimal.Decimal(number))


def is_int_text(value: Any) -> bool:
    """Return whether ``value`` is an ``int_text`` spelling of a whole number."""
    return isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value) is not None


def decode_param(text: str, value_num: float | None) -> Any:
    """Return a stored param value: ``params.value`` JSON and its ``value_num``.

    A big int is stored as its decimal text with a non-NULL ``value_num`` (its float,
    or +-inf beyond float range); a user's string of digits has ``value_num`` NULL.
    That pair is the type marker, so old rows read as before.
    """
    value = json.loads(text)
    if value_num is not None and is_int_text(value):
        return int(decimal.Decimal(value))  # exact, and not limited to 4,300 digits
    return value


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


def to_jsonable(value: Any) -> Any:
    """Return a JSON-safe copy of ``value``: bounded, strict, never raising.

    Hostile objects (``__repr__``, ``__float__``, ``__iter__`` or ``__class__``
    raising) become a bounded repr; big ints their exact decimal text.
    """
    return _jsonable(value, 0, [MAX_NODES])


def _jsonable(value: Any, depth: int, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        return "..."
    try:
        return _convert(value, depth, budget)
    except Exception:  # includes RecursionError and OverflowError
        return safe_repr(value, flat=depth > 0)


def _convert(value: Any, depth: int, budget: list[int]) -> Any:
    # Exact-type checks first: a subclass may override what isinstance relies on.
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = str.__str__(value)
        if len(text) > MAX_STR:
            return text[:MAX_STR] + f"... [{len(text) - MAX_STR} chars truncated]"
        return text
    if isinstance(value, int):
        number = int.__int__(value)
        return number if -INT_LIMIT < number < INT_LIMIT else int_text(number)
    if isinstance(value, float):
        return encode_float(float.__float__(value))
    if isinstance(value, numbers.Integral):  # numpy ints
        return _convert(int(value), depth, budget)
    if isinstance(value, numbers.Real):  # numpy floats, Fraction
        return encode_float(float(value))
    if depth < MAX_DEPTH:
        if isinstance(value, dict) and len(value) <= MAX_ITEMS:
            mapping = {}
            for k, v in dict.items(value):
                if budget[0] <= 0:
                    mapping["..."] = "..."
                    break
                mapping[_key(k)] = _jsonable(v, depth + 1, budget)
            return mapping
        if isinstance(value, list | tuple) and len(value) <= MAX_ITEMS:
            items = []
            for v in value:
                if budget[0] <= 0:  # stop walking, not just stop converting
                    items.append("...")
                    break
                items.append(_jsonable(v, depth + 1, budget))
            return items
    return safe_repr(value, flat=depth > 0)


def _key(key: Any) -> str:
    try:
        return key if type(key) is str else str(key)
    except Exception:
        return safe_repr(key, 200)


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
    """Return ``value`` as a float when it is a plain real number, else ``None``.

    Never raises. Ints beyond float range give +-inf, so they sort after every
    float and mark a stored big int (see ``decode_param``).
    """
    try:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return None
        if isinstance(value, numbers.Integral):
            number = int(value)
            try:
                return float(number)
            except OverflowError:  # beyond float range
                return math.inf if number > 0 else -math.inf
        result = float(value)
    except Exception:  # a hostile __float__, __int__ or __class__
        return None
    return None if math.isnan(result) else result
