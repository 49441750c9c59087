"""Check and convert the values and steps of ``mm.log_metric_series`` column-wise.

A list of floats (or ints) becomes an ``array('d')`` in one C pass after one pass
over its element types; a numpy array by its dtype, without a loop in Python. numpy
is only used when the caller passed a numpy array (it is never imported here).
Anything else goes element by element through the scalar checks of ``log_metric``,
so both accept exactly the same values, and the first bad element's error names its
index.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Iterable
from typing import Any

CHUNK = 65_536  # points appended to the buffer between two checks of its bounds
STEP_MIN, STEP_MAX = -(2**63), 2**63 - 1


def _sequence(name: str, key: str, given: Any) -> Any:
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise TypeError(
            f"metric {key!r}: {name} must be a list, tuple or 1-D array,"
            f" not {type(given).__name__}"
        )
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(given, numpy.ndarray):
        if given.ndim != 1:
            raise ValueError(
                f"metric {key!r}: {name} must be 1-D, not of shape {given.shape}"
            )
        return given
    return given if isinstance(given, list | tuple) else list(given)


def _at(key: str, name: str, index: int, exc: Exception) -> Exception:
    """``exc`` of the scalar check, saying which element it was about."""
    return type(exc)(f"{exc} ({name}[{index}] of metric {key!r})")


def _each(key: str, name: str, items: Any, check: Callable[[Any], Any]) -> list[Any]:
    out = []
    for i, item in enumerate(items):
        try:
            out.append(check(item))
        except (TypeError, ValueError) as exc:
            raise _at(key, name, i, exc) from None
    return out


def as_values(key: str, values: Any, scalar: Callable[[str, Any], float]) -> array[float]:
    """Return ``values`` as an ``array('d')``; ``scalar(key, value)`` is log_metric's
    check of one value (the error of the first bad element is raised)."""
    values = _sequence("values", key, values)
    if not isinstance(values, list | tuple):  # a numpy array
        if values.dtype.kind in "fiu":  # real numbers: a C copy, no Python loop
            out = array("d")
            out.frombytes(memoryview(values.astype("float64", order="C", copy=False)).cast("B"))
            return out
        values = values.tolist()  # objects, bools, text, dates: checked one by one
    types = set(map(type, values))
    if types <= {float, int} or all(t is not bool and issubclass(t, float | int)
                                    for t in types):
        try:
            return array("d", values)
        except (TypeError, OverflowError):
            pass  # an int beyond float range, or an odd subclass: found below
    return array("d", _each(key, "values", values, lambda v: scalar(key, v)))


def step_range(first: int, n: int) -> array[int]:
    """Return steps ``first .. first + n - 1`` (through numpy if it is imported: a
    range into an ``array('q')`` costs about 35 ns a step, numpy's ``arange`` 1)."""
    numpy = sys.modules.get("numpy")
    if numpy is not None and n:
        out = array("q")
        out.frombytes(memoryview(numpy.arange(first, first + n, dtype="int64")).cast("B"))
        return out
    return array("q", range(first, first + n))


def as_steps(key: str, steps: Any, n: int, scalar: Callable[[str, Any], int | None]
             ) -> tuple[array[int], int]:
    """Return ``steps`` as an ``array('q')`` of ``n`` steps, and the highest of them;
    ``scalar(key, step)`` is log_metric's check of one step."""
    steps = _sequence("steps", key, steps)
    if len(steps) != n:
        raise ValueError(f"metric {key!r}: {n} values but {len(steps)} steps")
    if not n:
        return array("q"), 0
    if not isinstance(steps, list | tuple):  # a numpy array
        kind = steps.dtype.kind
        if kind == "i" or (kind == "u" and int(steps.max()) <= STEP_MAX):
            out = array("q")
            out.frombytes(memoryview(steps.astype("int64", order="C", copy=False)).cast("B"))
            return out, int(steps.max())
        steps = steps.tolist()
    if set(map(type, steps)) <= {int}:
        try:
            return array("q", steps), max(steps)
        except OverflowError:
            pass  # out of range: found below, with its index

    def check(step: Any) -> int:
        if step is None:  # log_metric takes None as "automatic": a series has no such
            raise TypeError(f"step of metric {key!r} must be an int, not None")
        return scalar(key, step)  # type: ignore[return-value]

    checked = _each(key, "steps", steps, check)
    return array("q", checked), max(checked)
