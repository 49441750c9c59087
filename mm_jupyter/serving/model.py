"""The model side of ``mm-jupyter serve``: load it, read request rows, predict in batches.

Kept apart from the HTTP layer (app.py) and the monitoring buffer (buffer.py)
because none of it needs tornado or the monitor: it takes a registered model reference
and request bodies, and gives back predictions or a ``RequestError`` (HTTP status plus
a message for the client). Tests drive the ``Predictor`` directly, without a server.

Every request that queues while a ``predict`` call is running shares the next call (one
micro-batch), so a burst of single-row requests costs a few ``predict`` calls, not one
each. Where a call runs: on the predictor thread, so that a slow model never stalls the
IOLoop; but a fast one (its recent calls took under ``INLINE_SECONDS`` of CPU, and the
batch is at most ``INLINE_MAX_ROWS`` rows) runs on the IOLoop itself, after the requests
read in the same loop iteration have joined the batch. Under one GIL a thread does not
make a fast predict faster, and handing every batch to it and back cost more than the
call: profiled at 16 connections, the IOLoop spent a fifth of its samples in
``executor.submit`` and the thread as many in ``call_soon_threadsafe``, waiting for the
GIL (the monitor writes took 2%).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

# One error for notebook and server: serve always asks for --trust with pickle.
from mm_jupyter.errors import MMError, TrustRequiredError
from mm_jupyter.monitoring import queries
from mm_jupyter.services.artifacts.materialize import materialize
from mm_jupyter.services.models import flavors, lookup
from mm_jupyter.services.models.flavors import PICKLE_FLAVORS
from mm_jupyter.serving.standalone import RequestError, parse_inputs, parse_json

if TYPE_CHECKING:
    from mm_jupyter.store import Registry

log = logging.getLogger("mm_jupyter")


# -- the model ------------------------------------------------------------------


@dataclass
class ServedModel:
    """The loaded model and how requests become its input."""

    model: Any
    name: str
    version: int
    flavor: str
    features: list[str] | None  # input order; None: unknown, only ``instances`` work
    use_frame: bool  # fitted on a DataFrame: give it one with these column names
    float_frame: bool = False  # ... whose columns were all float64: one float block

    @property
    def ref(self) -> str:
        return f"{self.name}:{self.version}"


def load_served_model(registry: Registry, ref: str, *, trust: bool = False) -> ServedModel:
    """Resolve ``ref`` and load its model; pickle-based flavours need ``trust=True``."""
    _, version_id = lookup.resolve_model_version(registry, ref)
    info = lookup.model_version(registry, version_id)
    flavor = info["flavor"]
    if flavor in PICKLE_FLAVORS and not trust:
        raise TrustRequiredError(
            f"{info['ref']} is stored with pickle ({flavor}); loading it runs code from the"
            " model file. Pass --trust if you trust whoever registered it."
        )
    if flavor == "torch_state_dict":
        raise MMError(f"{info['ref']} stores only PyTorch weights (a state dict); serve needs"
                      " a model object with predict()")
    path = materialize(registry, lookup.model_artifact(registry, info))
    model = flavors.load(str(path), flavor)
    if not callable(getattr(model, "predict", None)):
        raise MMError(f"{info['ref']} ({type(model).__name__}) has no predict() method")
    profile = queries.version_info(registry, version_id).profile
    features, use_frame = feature_order(model, info.get("signature"), profile)
    return ServedModel(model=model, name=info["name"], version=int(info["version"]),
                       flavor=flavor, features=features, use_frame=use_frame,
                       float_frame=use_frame and _all_float(info.get("signature"), features))


def _all_float(signature: Any, features: list[str] | None) -> bool:
    """Whether the training frame's columns (the signature) were exactly ``features``, all
    float64: then numeric rows can become one float array, much cheaper than letting
    pandas infer each column, with the same dtypes the model was fitted on."""
    inputs = signature.get("inputs") if isinstance(signature, dict) else None
    if not isinstance(inputs, list) or features is None:
        return False
    return ([i.get("name") for i in inputs if isinstance(i, dict)] == features
            and all(isinstance(i, dict) and i.get("dtype") == "float64" for i in inputs))


def feature_order(model: Any, signature: Any, profile: Any) -> tuple[list[str] | None, bool]:
    """The model's input columns: fitted names, else the signature's, else the profile's."""
    fitted = getattr(model, "feature_names_in_", None)
    if fitted is not None:
        try:
            import pandas  # noqa: F401
        except ImportError:
            return [str(n) for n in fitted], False
        return [str(n) for n in fitted], True
    n = getattr(model, "n_features_in_", None)
    names = None
    if isinstance(signature, dict) and isinstance(signature.get("inputs"), list):
        names = [str(i.get("name")) for i in signature["inputs"] if isinstance(i, dict)]
    elif isinstance(profile, dict) and profile.get("features"):
        names = [str(f) for f in profile["features"]]
    if isinstance(n, int) and (names is None or len(names) != n):
        names = [f"x{i}" for i in range(n)]
    return names or None, False


# Request bodies: one parser (standalone.py) for `mm-jupyter serve` and a package's serve.py.
_NUMBERS = {int, float}


def _json_values(values: np.ndarray) -> list[Any]:
    """Predictions as JSON values: numpy scalars → Python, NaN/inf → null."""
    items = values.tolist()
    return [None if isinstance(v, float) and not math.isfinite(v) else v for v in items]


# -- prediction (micro-batched on one thread) --------------------------------------


# A predict call this fast (CPU seconds, recent average) runs on the IOLoop ...
INLINE_SECONDS = 0.002
# ... if its batch has at most this many rows; otherwise on the predictor thread.
INLINE_MAX_ROWS = 256


class Predictor:
    """Run ``predict`` in micro-batches: requests queued meanwhile share the next call."""

    def __init__(self, served: ServedModel) -> None:
        self.served = served
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="mm-serve-predict")
        self.pending: list[tuple[list[list[Any]], asyncio.Future[list[Any]]]] = []
        self.busy = False
        # CPU seconds of recent small calls (moving average); unknown until the first,
        # which therefore runs on the thread.
        self.call_seconds = math.inf
        if served.use_frame:
            import pandas

            self._frame = pandas.DataFrame

    async def predict(self, rows: list[list[Any]]) -> list[Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Any]] = loop.create_future()
        self.pending.append((rows, future))
        if not self.busy:
            self._start(loop)
        return await future

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        self.busy = True
        if self.call_seconds < INLINE_SECONDS:
            loop.call_soon(self._dispatch, loop)  # requests read meanwhile join the batch
        else:
            self._dispatch(loop)

    def _dispatch(self, loop: asyncio.AbstractEventLoop) -> None:
        batch, self.pending = self.pending, []
        requests = [rows for rows, _ in batch]
        if (self.call_seconds < INLINE_SECONDS
                and sum(len(rows) for rows in requests) <= INLINE_MAX_ROWS):
            done: concurrent.futures.Future[list[Any]] = concurrent.futures.Future()
            try:
                done.set_result(self._timed(requests))
            except Exception as exc:
                done.set_exception(exc)
            self._finished(loop, batch, done)
            return
        future = self.pool.submit(self._timed, requests)
        future.add_done_callback(
            lambda f: loop.call_soon_threadsafe(self._finished, loop, batch, f))

    def _timed(self, requests: list[list[list[Any]]]) -> list[Any]:
        start = time.thread_time()
        try:
            return self._run_batch(requests)
        finally:
            if sum(len(rows) for rows in requests) <= INLINE_MAX_ROWS:
                spent = time.thread_time() - start
                self.call_seconds = (spent if self.call_seconds == math.inf
                                     else 0.8 * self.call_seconds + 0.2 * spent)

    def _finished(self, loop: asyncio.AbstractEventLoop, batch: list[Any], done: Any) -> None:
        self.busy = False
        try:
            results = done.result()
        except Exception as exc:  # a bug outside predict(): fail these requests, not the loop
            log.warning("mm-jupyter serve: predicting a batch failed: %s: %s",
                        type(exc).__name__, exc)
            results = [RequestError(500, "internal error while predicting")] * len(batch)
        for (_, future), result in zip(batch, results, strict=False):
            if future.done():  # the client went away
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
        if self.pending:
            self._start(loop)

    def _run_batch(self, requests: list[list[list[Any]]]) -> list[Any]:
        """Predict all requests in one call; on failure, one by one to blame the right one."""
        if len(requests) > 1:
            try:
                preds = self._predict([row for rows in requests for row in rows])
            except Exception:
                pass
            else:
                out, start = [], 0
                for rows in requests:
                    out.append(preds[start:start + len(rows)])
                    start += len(rows)
                return out
        results: list[Any] = []
        for rows in requests:
            try:
                results.append(self._predict(rows))
            except Exception as exc:  # the model raised: the client's problem, 422
                text = f"{type(exc).__name__}: {exc}"
                results.append(RequestError(422, f"prediction failed: {text[:1000]}"))
        return results

    def _predict(self, rows: list[list[Any]]) -> list[Any]:
        served = self.served
        if served.float_frame and {type(v) for row in rows for v in row} <= _NUMBERS:
            X: Any = self._frame(np.asarray(rows, dtype=float), columns=served.features)
        elif served.use_frame:
            X = self._frame(rows, columns=served.features)
        else:
            try:
                X = np.asarray(rows, dtype=float)
            except (TypeError, ValueError):
                X = np.asarray(rows, dtype=object)
        preds = served.model.predict(X)
        values = _json_values(np.asarray(preds))
        if len(values) != len(rows):
            raise ValueError(f"the model returned {len(values)} predictions for {len(rows)} rows")
        return values

    def close(self) -> None:
        self.pool.shutdown(wait=True)


__all__ = ["PICKLE_FLAVORS", "Predictor", "RequestError", "ServedModel",
           "TrustRequiredError", "feature_order", "load_served_model", "parse_inputs",
           "parse_json"]
