"""Serialise models by flavour and describe them (config, signature, requirements).

scikit-learn estimators and any picklable object go through joblib; a PyTorch
``nn.Module`` is stored as its ``state_dict`` (``torch.save``) when torch is installed.
The flavour is recorded so ``load_model`` uses the same one. Only ``load_model``
deserialises, after the digest was verified; listings never do.
"""

from __future__ import annotations

import io
import platform
import sys
from importlib import metadata
from typing import Any

from mm_jupyter.encoding import to_jsonable

FLAVORS = ("sklearn", "joblib", "torch_state_dict")
# Loading these unpickles: code in the file runs (RELIABILITY.md test 38).
PICKLE_FLAVORS = ("sklearn", "joblib")


def is_torch_module(obj: Any) -> bool:
    """Return whether ``obj`` is a ``torch.nn.Module`` (without importing torch)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.nn.Module)


def is_sklearn_estimator(obj: Any) -> bool:
    """Return whether ``obj`` looks like a scikit-learn estimator."""
    return hasattr(obj, "get_params") and hasattr(obj, "fit") and not isinstance(obj, type)


def is_fitted(obj: Any) -> bool:
    """Return whether a scikit-learn-style estimator has been fitted."""
    if not is_sklearn_estimator(obj):
        return False
    check = getattr(obj, "__sklearn_is_fitted__", None)
    if callable(check):
        try:
            return bool(check())
        except Exception:
            return False
    try:
        return any(k.endswith("_") and not k.startswith("__") for k in vars(obj))
    except TypeError:
        return False


def flavor_of(obj: Any) -> str:
    """Return the flavour a model is stored with."""
    if is_torch_module(obj):
        return "torch_state_dict"
    if is_sklearn_estimator(obj):
        return "sklearn"
    return "joblib"


def dump(obj: Any, flavor: str) -> bytes:
    """Return the bytes of ``obj`` in ``flavor``; ``TypeError`` names what cannot be stored."""
    buffer = io.BytesIO()
    if flavor == "torch_state_dict":
        import torch

        torch.save(obj.state_dict(), buffer)
        return buffer.getvalue()
    import joblib

    try:
        joblib.dump(obj, buffer)
    except Exception as exc:  # pickling fails in many ways (lambdas, locks, sockets)
        raise TypeError(
            f"cannot register a {type(obj).__module__}.{type(obj).__qualname__}: it cannot be"
            f" pickled ({type(exc).__name__}: {exc})"
        ) from None
    return buffer.getvalue()


def load(data_path: str, flavor: str, *, model: Any = None) -> Any:
    """Load a model stored in ``flavor`` from a verified file."""
    if flavor == "torch_state_dict":
        import torch

        state = torch.load(data_path, weights_only=True)
        if model is None:
            return state
        model.load_state_dict(state)
        return model
    if flavor not in FLAVORS:
        raise ValueError(f"unknown model flavour {flavor!r}")
    import joblib

    return joblib.load(data_path)


def config_of(obj: Any) -> dict[str, Any]:
    """Return the model's configuration (``get_params()`` for scikit-learn)."""
    if is_sklearn_estimator(obj):
        try:
            params = obj.get_params(deep=False)
        except Exception:
            return {}
        return {str(k): to_jsonable(v) for k, v in params.items()}
    return {}


def signature_of(obj: Any, data: Any = None) -> dict[str, Any] | None:
    """Return input feature names and dtypes, from the data or the fitted model."""
    if data is not None and hasattr(data, "dtypes") and hasattr(data, "columns"):
        return {"inputs": [{"name": str(c), "dtype": str(t)} for c, t in data.dtypes.items()]}
    names = getattr(obj, "feature_names_in_", None)
    if names is not None:
        return {"inputs": [{"name": str(n), "dtype": None} for n in list(names)]}
    n = getattr(obj, "n_features_in_", None)
    if isinstance(n, int):
        return {"inputs": [{"name": f"x{i}", "dtype": None} for i in range(n)]}
    return None


def requirements_of(obj: Any, flavor: str) -> dict[str, Any]:
    """Return the Python version and the library versions needed to load the model."""
    wanted = {"joblib", "numpy", "scipy"}
    root = type(obj).__module__.split(".")[0]
    wanted |= {"scikit-learn"} if root == "sklearn" or flavor == "sklearn" else set()
    wanted |= {"torch"} if flavor == "torch_state_dict" else set()
    wanted |= {root} if root not in ("builtins", "__main__", "sklearn") else set()
    packages = {}
    for name in sorted(wanted):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {"python": platform.python_version(), "packages": packages}
