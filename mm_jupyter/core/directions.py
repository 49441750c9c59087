"""Whether lower or higher is better for a metric, guessed from its key (pure).

Diff, compare and model-trend colours need to know whether a change is good: a higher
``val_loss`` is worse, a higher ``acc`` better. Most keys say so in a word of their
name, so the default is inferred here; the user overrides it per key in the registry
(``metric_directions``, services/runs/directions.py).

A key is split into words on ``_ . - /``, spaces and camelCase humps (``val_loss``,
``train.loss``, ``valLoss``); whole words are compared, so ``glossary`` is not a loss.
"""

from __future__ import annotations

import re
from typing import Any, Literal

Direction = Literal["min", "max"]
DIRECTIONS: tuple[Direction, ...] = ("min", "max")

#: Words that make a metric lower-is-better wherever they stand in its key
#: (``loss_train``, ``test_rmse``, ``mean_squared_error``, ``brier_score``).
LOWER_IS_BETTER = frozenset({
    "loss", "losses", "logloss", "error", "errors", "err", "mae", "mse", "rmse", "msle",
    "rmsle", "mape", "smape", "nll", "perplexity", "ppl", "wer", "cer", "fpr", "fnr",
    "eer", "latency", "time", "duration", "runtime", "elapsed", "brier", "cost",
    "regret", "distance", "divergence", "kl", "deviance",
})
#: Units a key may end with after the word that matters (``fit_time_s``, ``latency_ms``).
UNITS = frozenset({
    "s", "sec", "secs", "seconds", "ms", "us", "ns", "m", "min", "mins", "minutes", "h",
    "hr", "hrs", "hours", "pct", "percent", "kb", "mb", "gb", "bytes",
})
#: A last word that turns a lower-is-better quantity into a gain
#: (``error_reduction``, ``time_saved``).
GAINS = frozenset({
    "reduction", "improvement", "gain", "gains", "saved", "savings", "speedup",
    "decrease", "drop",
})

_SEPARATORS = re.compile(r"[\s_.\-/]+")
_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def key_words(key: str) -> list[str]:
    """Return the lowercase words of a metric key (``'valLoss_ms'`` -> val, loss, ms)."""
    return [w.lower() for w in _SEPARATORS.split(_HUMP.sub("_", key)) if w]


def infer_direction(key: str) -> Direction:
    """Return ``'min'`` when lower is better for metric ``key`` by its name, else ``'max'``.

    Lower is better when a word of the key (or the whole key) is a loss, error, cost or
    time word (``LOWER_IS_BETTER``), unless the last word (units aside) is a gain
    (``error_reduction``) or the key is one of scikit-learn's negated scorers
    (``neg_mean_squared_error``: negated so that higher is better).
    """
    words = key_words(key)
    if not words:
        return "max"
    if words[0] == "neg":
        return "max"
    meaningful = words
    while len(meaningful) > 1 and meaningful[-1] in UNITS:
        meaningful = meaningful[:-1]
    if meaningful[-1] in GAINS:
        return "max"
    if key.lower() in LOWER_IS_BETTER or any(w in LOWER_IS_BETTER for w in meaningful):
        return "min"
    return "max"


def check_direction(direction: Any) -> Direction | None:
    """Return ``direction`` if it is ``'min'``, ``'max'`` or ``None``, else raise.

    ``ValueError`` names the bad value and the allowed ones.
    """
    if direction is None:
        return None
    if not isinstance(direction, str) or direction not in DIRECTIONS:
        raise ValueError(
            f"metric direction must be 'min' (lower is better), 'max' (higher is better)"
            f" or None to clear it, not {direction!r}"
        )
    return direction
