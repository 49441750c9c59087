"""Turn the params of a fitted model into values a param row can hold.

Scalars stay scalars (so runs sort and compare by them); anything else becomes a
bounded text: an estimator as its class name and the params it was given, other
objects as a bounded repr. Never raises: a hostile ``__repr__`` or ``get_params``
gives a placeholder, not an error.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import reprlib
from collections.abc import Mapping
from typing import Any

MAX_TEXT = 250  # characters of a non-scalar param value
MAX_PARAMS = 250  # params recorded per fit (a deep pipeline has hundreds)


class _Repr(reprlib.Repr):
    """``reprlib`` bounds, plus estimators shown as ``Class(param=value, ...)``."""

    def __init__(self) -> None:
        super().__init__()
        self.maxstring = self.maxother = 80
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = 8
        self.maxlevel = 3

    def repr_instance(self, obj: Any, level: int) -> str:
        if is_estimator(obj):
            return estimator_text(obj, level, self)
        return super().repr_instance(obj, level)


_REPR = _Repr()


def is_estimator(obj: Any) -> bool:
    """Whether ``obj`` is an estimator instance (has ``get_params`` and ``fit``)."""
    try:
        return (
            not isinstance(obj, type)
            and callable(getattr(obj, "get_params", None))
            and callable(getattr(obj, "fit", None))
        )
    except Exception:
        return False


def estimator_text(obj: Any, level: int = 3, shower: reprlib.Repr = _REPR) -> str:
    """``Class(a=1, b='x')`` with the params that differ from the defaults when known."""
    name = type(obj).__name__
    if level <= 0:
        return f"{name}(...)"
    try:
        params = obj.get_params(deep=False)
        defaults = _defaults(type(obj))  # type: ignore[arg-type]  # types hash
        shown = [
            f"{key}={shower.repr1(value, level - 1)}"
            for key, value in params.items()
            if key not in defaults or not _same(defaults[key], value)
        ]
    except Exception:
        return f"{name}(?)"
    return f"{name}({', '.join(shown)})"


@functools.lru_cache(maxsize=512)
def _defaults(cls: Any) -> dict[str, Any]:
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):
        return {}
    return {
        p.name: p.default
        for p in signature.parameters.values()
        if p.default is not inspect.Parameter.empty
    }


def _same(default: Any, value: Any) -> bool:
    try:
        return default is value or (type(default) is type(value) and bool(default == value))
    except Exception:
        return False


def param_value(value: Any) -> Any:
    """Return ``value`` as a param: a plain scalar, or a bounded text."""
    try:
        if value is None or isinstance(value, bool | str):
            return value if not isinstance(value, str) or len(value) <= MAX_TEXT else (
                value[: MAX_TEXT - 3] + "..."
            )
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real):
            number = float(value)
            return number if math.isfinite(number) else str(number)
    except Exception:
        pass
    try:
        text = estimator_text(value) if is_estimator(value) else _REPR.repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."


def flat_params(params: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Return ``{prefix + key: param_value(value)}`` for at most ``MAX_PARAMS`` keys."""
    found: dict[str, Any] = {}
    try:
        items = list(params.items())
    except Exception:
        return found
    for key, value in items[:MAX_PARAMS]:
        found[f"{prefix}{key}"] = param_value(value)
    return found
