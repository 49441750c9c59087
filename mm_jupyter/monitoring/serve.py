"""``mm-jupyter serve``: one registered model behind a small HTTP endpoint, monitored.

A single tornado process (docs/monitoring.md). The IOLoop only parses requests and writes
responses: predictions run on one predictor thread, which takes every request that queued
while it was busy as one micro-batch (one ``predict`` call); monitoring writes (SQLite,
drift maths) run on one monitor thread, in order, so a label never overtakes its batch.

Rows are buffered and flushed to ``Monitor.log(..., source="serve")`` every
``flush_seconds`` or ``flush_rows``. A buffer's batch id is chosen when it starts, so each
response can tell the client where its rows will be (``batch_id`` + row offsets) for
``POST /labels``. SIGINT/SIGTERM flush what is buffered before the process exits.

There is no authentication: bind to loopback (the default) and put a reverse proxy in front
to expose it. On a loopback bind, requests must name a loopback ``Host`` (DNS rebinding),
and POST bodies must be ``application/json`` (a cross-site form cannot send that).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import secrets
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import tornado.web
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from mm_jupyter.encoding import payload_dumps
from mm_jupyter.errors import MMError, NotFoundError, RegistryError
from mm_jupyter.monitoring.exporter import CONTENT_TYPE, MonitoringCollector
from mm_jupyter.monitoring.monitor import Monitor
from mm_jupyter.store import Registry

log = logging.getLogger("mm_jupyter")

MAX_BODY = 10 * 1024 * 1024
# An oversized body up to this size is read and dropped before the 413 (see _JSONPost).
DRAIN_BODY = 64 * 1024 * 1024
# Bodies larger than this are parsed off the IOLoop.
INLINE_PARSE = 64 * 1024
PICKLE_FLAVORS = ("sklearn", "joblib")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
# Buffers waiting for the monitor thread; beyond this a new buffer is dropped (warned).
MAX_QUEUED_FLUSHES = 32
FLUSH_RETRIES = 3
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                   2.5, 5.0, 10.0)


class TrustRequiredError(MMError):
    """Loading the model would unpickle it and ``--trust`` was not given."""


class RequestError(Exception):
    """A request the server refuses: HTTP ``status`` and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


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
    from mm_jupyter.artifacts.api import _materialize
    from mm_jupyter.models import flavors
    from mm_jupyter.store.artifacts import resolve_version
    from mm_jupyter.store.model_queries import model_version
    from mm_jupyter.store.models import resolve_model_version
    from mm_jupyter.store.monitoring import version_info

    _, version_id = resolve_model_version(registry, ref)
    with registry.read() as conn:
        info = model_version(conn, version_id)
    flavor = info["flavor"]
    if flavor in PICKLE_FLAVORS and not trust:
        raise TrustRequiredError(
            f"{info['ref']} is stored with pickle ({flavor}); loading it runs code from the"
            " model file. Pass --trust if you trust whoever registered it."
        )
    if flavor == "torch_state_dict":
        raise MMError(f"{info['ref']} stores only PyTorch weights (a state dict); serve needs"
                      " a model object with predict()")
    path = _materialize(registry, resolve_version(registry, info["artifact"]["ref"]))
    model = flavors.load(str(path), flavor)
    if not callable(getattr(model, "predict", None)):
        raise MMError(f"{info['ref']} ({type(model).__name__}) has no predict() method")
    profile = version_info(registry, version_id)[3]
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


# -- request bodies --------------------------------------------------------------

_SCALARS = (str, int, float, bool, type(None))
_NUMBERS = {int, float}


def parse_inputs(body: bytes, features: list[str] | None) -> list[list[Any]]:
    """Return the rows of a ``/predict`` body in feature order; ``RequestError`` (400) if bad."""
    payload = parse_json(body)
    if not isinstance(payload, dict):
        raise RequestError(400, "the body must be a JSON object with 'rows' or 'instances'")
    has_rows, has_instances = "rows" in payload, "instances" in payload
    if has_rows == has_instances:
        raise RequestError(400, "the body needs exactly one of 'rows' (objects by feature name)"
                                " or 'instances' (lists in feature order)")
    key = "rows" if has_rows else "instances"
    items = payload[key]
    if not isinstance(items, list) or not items:
        raise RequestError(400, f"'{key}' must be a non-empty list")
    out: list[list[Any]] = []
    if has_rows:
        if features is None:
            raise RequestError(400, "the model's feature names are unknown; send 'instances'"
                                    " (lists in feature order)")
        for i, row in enumerate(items):
            if not isinstance(row, dict):
                raise RequestError(400, f"row {i} is not an object of feature values")
            try:
                values = [row[f] for f in features]
            except KeyError as exc:
                raise RequestError(400, f"row {i} lacks feature {exc.args[0]!r}") from None
            _check_scalars(values, "row", i, features)
            out.append(values)
        return out
    width = len(features) if features is not None else None
    for i, inst in enumerate(items):
        if not isinstance(inst, list):
            raise RequestError(400, f"instance {i} is not a list of feature values")
        if width is None:
            width = len(inst)
        if len(inst) != width:
            takes = "the model takes" if features is not None else "instance 0 has"
            raise RequestError(400, f"instance {i} has {len(inst)} values; {takes} {width}")
        _check_scalars(inst, "instance", i, features)
        out.append(inst)
    return out


def _check_scalars(values: list[Any], what: str, index: int, features: list[str] | None) -> None:
    for j, value in enumerate(values):
        if not isinstance(value, _SCALARS):
            name = features[j] if features is not None else f"#{j}"
            raise RequestError(400, f"{what} {index} feature {name!r} is a"
                                    f" {type(value).__name__}, not a number, string or null")


def parse_json(body: bytes) -> Any:
    """Decode a JSON body; ``RequestError`` (400) naming what is wrong."""
    if not body:
        raise RequestError(400, "the body is empty; send a JSON object")
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise RequestError(400, "the body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise RequestError(400, f"malformed JSON: {exc.msg} at line {exc.lineno}"
                                f" column {exc.colno}") from None
    except RecursionError:
        raise RequestError(400, "malformed JSON: nested too deeply") from None


def _json_values(values: np.ndarray) -> list[Any]:
    """Predictions as JSON values: numpy scalars → Python, NaN/inf → null."""
    items = values.tolist()
    return [None if isinstance(v, float) and not math.isfinite(v) else v for v in items]


# -- prediction (micro-batched on one thread) --------------------------------------


class Predictor:
    """Run ``predict`` on one thread; requests queued meanwhile share the next call."""

    def __init__(self, served: ServedModel) -> None:
        self.served = served
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="mm-serve-predict")
        self.pending: list[tuple[list[list[Any]], asyncio.Future[list[Any]]]] = []
        self.busy = False
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
        batch, self.pending = self.pending, []
        self.busy = True
        done = self.pool.submit(self._run_batch, [rows for rows, _ in batch])
        done.add_done_callback(lambda f: loop.call_soon_threadsafe(self._finished, loop, batch, f))

    def _finished(self, loop: asyncio.AbstractEventLoop, batch: list[Any], done: Any) -> None:
        self.busy = False
        try:
            results = done.result()
        except Exception as exc:  # a bug outside predict(): fail these requests, not the loop
            log.warning("mm-jupyter serve: predicting a batch failed: %s: %s",
                        type(exc).__name__, exc)
            results = [RequestError(500, "internal error while predicting")] * len(batch)
        for (_, future), result in zip(batch, results):
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


# -- monitoring buffer -----------------------------------------------------------


@dataclass
class _Buffer:
    batch_id: str = field(default_factory=lambda: secrets.token_hex(8))
    started: float = field(default_factory=time.time)
    rows: list[list[Any]] = field(default_factory=list)
    predictions: list[Any] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)
    attempts: int = 0


class ServeState:
    """Everything one ``serve`` process holds: model, monitor, buffer, metrics."""

    def __init__(self, registry: Registry, served: ServedModel, *, flush_seconds: float = 1.0,
                 flush_rows: int = 1000, loopback_only: bool = False) -> None:
        if not (flush_seconds > 0 and math.isfinite(flush_seconds)):
            raise ValueError(f"flush_seconds must be a positive number, not {flush_seconds!r}")
        if flush_rows < 1:
            raise ValueError(f"flush_rows must be at least 1, not {flush_rows!r}")
        self.registry = registry
        self.served = served
        self.monitor = Monitor(registry, served.ref)
        self.flush_seconds = float(flush_seconds)
        self.flush_rows = int(flush_rows)
        self.loopback_only = loopback_only
        self.started = time.monotonic()
        self.predictor = Predictor(served)
        self.monitor_pool = ThreadPoolExecutor(1, thread_name_prefix="mm-serve-monitor")
        self.io_pool = ThreadPoolExecutor(2, thread_name_prefix="mm-serve-io")
        self.buffer: _Buffer | None = None
        self.closing = False
        self.queued = 0
        self.last_flush: asyncio.Future[None] | None = None
        self.metrics = CollectorRegistry(auto_describe=True)
        self.requests = Counter("mm_serve_requests", "HTTP requests answered, by status code.",
                                ["code"], registry=self.metrics)
        self.seconds = Histogram("mm_serve_request_seconds", "Time to answer a request.",
                                 buckets=LATENCY_BUCKETS, registry=self.metrics)
        self._by_code: dict[int, Any] = {}
        self.flush_errors = Counter("mm_serve_flush_errors",
                                    "Monitoring flushes that failed (rows retried or dropped).",
                                    registry=self.metrics)
        # This model's monitoring families (every version), read from the registry per scrape.
        self.metrics.register(MonitoringCollector(registry, model=served.name))

    def count(self, status: int, seconds: float) -> None:
        child = self._by_code.get(status)
        if child is None:
            child = self._by_code[status] = self.requests.labels(str(status))
        child.inc()
        self.seconds.observe(seconds)

    # buffering (IOLoop thread only)

    def add(self, rows: list[list[Any]], predictions: list[Any],
            latency_ms: float) -> tuple[str, list[int]]:
        """Buffer a request's rows; return the batch id and row offsets they will have."""
        if self.buffer is None:
            self.buffer = _Buffer()
            asyncio.get_running_loop().call_later(self.flush_seconds, self._flush_due,
                                                  self.buffer.batch_id)
        buf = self.buffer
        start = len(buf.rows)
        buf.rows.extend(rows)
        buf.predictions.extend(predictions)
        buf.latency_ms.extend([latency_ms] * len(rows))
        batch_id = buf.batch_id
        if len(buf.rows) >= self.flush_rows or self.closing:
            self.flush()
        return batch_id, list(range(start, start + len(rows)))

    def _flush_due(self, batch_id: str) -> None:
        if self.buffer is not None and self.buffer.batch_id == batch_id:
            self.flush()

    def flush(self) -> asyncio.Future[None] | None:
        """Hand the current buffer to the monitor thread; return the pending write."""
        buf, self.buffer = self.buffer, None
        if buf is not None and buf.rows:
            if self.queued >= MAX_QUEUED_FLUSHES:
                self.flush_errors.inc()
                log.warning("mm-jupyter serve: monitoring is %d flushes behind; dropped %d rows"
                            " of batch %s", self.queued, len(buf.rows), buf.batch_id)
                return self.last_flush
            self.queued += 1
            self.last_flush = asyncio.get_running_loop().run_in_executor(
                self.monitor_pool, self._write, buf)
            self.last_flush.add_done_callback(lambda _: setattr(self, "queued", self.queued - 1))
        return self.last_flush

    # monitor thread

    def _write(self, buf: _Buffer) -> None:
        columns = {name: [row[i] for row in buf.rows] for i, name in enumerate(self._names(buf))}
        while True:
            try:
                self.monitor.log(columns, predictions=buf.predictions, latency_ms=buf.latency_ms,
                                 timestamp=buf.started, batch_id=buf.batch_id, source="serve")
                return
            except RegistryError as exc:  # locked or busy: try again a little later
                buf.attempts += 1
                if buf.attempts >= FLUSH_RETRIES:
                    self._dropped(buf, exc)
                    return
                time.sleep(min(self.flush_seconds, 5.0))
            except Exception as exc:  # bad data or a bug: retrying cannot help
                self._dropped(buf, exc)
                return

    def _dropped(self, buf: _Buffer, exc: BaseException) -> None:
        self.flush_errors.inc()
        log.warning("mm-jupyter serve: could not log batch %s (%d rows): %s: %s",
                    buf.batch_id, len(buf.rows), type(exc).__name__, exc)

    def _names(self, buf: _Buffer) -> list[str]:
        if self.served.features is not None:
            return self.served.features
        return [f"x{i}" for i in range(len(buf.rows[0]))]

    async def labels(self, batch_id: str, labels: list[Any],
                     rows: list[int] | None) -> dict[str, Any]:
        """Attach labels to a batch (flushed first if it is still buffered)."""
        if self.buffer is not None and self.buffer.batch_id == batch_id:
            self.flush()  # the monitor thread writes the batch before the labels
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.monitor_pool, lambda: self.monitor.log_labels(batch_id, labels, rows=rows))

    async def exposition(self) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(
            self.io_pool, generate_latest, self.metrics)

    async def close(self) -> None:
        """Refuse new predictions, flush what is buffered, wait for every pending write."""
        self.closing = True
        deadline = time.monotonic() + 10
        while (self.predictor.busy or self.predictor.pending) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # handlers whose predictions just came back buffer them
        last = self.flush()  # the monitor thread is FIFO: the last write done = all done
        if last is not None:
            await asyncio.wait([last], timeout=60)
        from mm_jupyter.monitoring import dispatch

        await asyncio.get_running_loop().run_in_executor(self.io_pool, dispatch.wait, 10.0)
        self.predictor.close()
        self.monitor_pool.shutdown(wait=True)
        self.io_pool.shutdown(wait=True)


# -- handlers --------------------------------------------------------------------


class _Base(tornado.web.RequestHandler):
    """JSON errors without tracebacks, request metrics, security headers."""

    state: ServeState

    def initialize(self, state: ServeState) -> None:
        self.state = state
        self.t0 = time.perf_counter()

    def set_default_headers(self) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", "default-src 'none'")
        self.set_header("Cache-Control", "no-store")

    def prepare(self) -> None:
        if self.state.loopback_only:
            host = self.request.host_name.lower()
            if host not in LOOPBACK_HOSTS:
                raise RequestError(403, f"Host {host!r} is not a loopback name; this endpoint"
                                        " is bound to loopback (use a reverse proxy)")

    def send_json(self, value: Any) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(payload_dumps(value, separators=(",", ":")))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, RequestError):
            message = exc.message
        elif isinstance(exc, tornado.web.HTTPError) and exc.log_message:
            message = exc.log_message % exc.args if exc.args else exc.log_message
        else:
            message = self._reason
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message}))

    def send_error(self, status_code: int = 500, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, RequestError):
            status_code = exc.status
        super().send_error(status_code, **kwargs)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, (RequestError, tornado.web.HTTPError)):
            return  # the client's mistake, answered with a message
        super().log_exception(typ, value, tb)

    def on_finish(self) -> None:
        self.state.count(self.get_status(), time.perf_counter() - self.t0)


@tornado.web.stream_request_body
class _JSONPost(_Base):
    """A POST handler that streams its body, so an oversized one never sits in memory.

    A body announced over the limit is read and dropped up to ``DRAIN_BODY`` so that a
    simple client, still sending, gets to read the 413; beyond that the connection is
    closed at once.
    """

    SUPPORTED_METHODS = ("POST",)

    def prepare(self) -> None:
        super().prepare()
        self.chunks: list[bytes] = []
        self.size = 0
        self.too_large = False
        ctype = self.request.headers.get("Content-Type", "")
        if ctype.split(";")[0].strip().lower() != "application/json":
            raise RequestError(415, "send the body as JSON with Content-Type: application/json")
        length = self.request.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > MAX_BODY:
            if int(length) > DRAIN_BODY:
                raise RequestError(413, f"the body is {length} bytes; the limit is {MAX_BODY}")
            self.too_large = True

    def data_received(self, chunk: bytes) -> None:
        if self._finished:
            return
        self.size += len(chunk)
        if self.size > MAX_BODY:
            self.too_large, self.chunks = True, []
            if self.size > DRAIN_BODY:
                self.send_error(413, exc_info=(RequestError, RequestError(413, self._limit()), None))
        elif not self.too_large:
            self.chunks.append(chunk)

    def _limit(self) -> str:
        return f"the body is over the limit of {MAX_BODY} bytes"

    async def body_json(self, parse: Callable[[bytes], Any]) -> Any:
        if self.too_large:
            raise RequestError(413, self._limit())
        body = b"".join(self.chunks)
        if len(body) <= INLINE_PARSE:
            return parse(body)
        return await asyncio.get_running_loop().run_in_executor(self.state.io_pool, parse, body)


class PredictHandler(_JSONPost):
    async def post(self) -> None:
        if self._finished:  # refused while the body streamed in (413)
            return
        served = self.state.served
        if self.state.closing:
            raise RequestError(503, "the server is shutting down")
        rows = await self.body_json(lambda b: parse_inputs(b, served.features))
        predictions = await self.state.predictor.predict(rows)
        latency_ms = (time.perf_counter() - self.t0) * 1000
        batch_id, offsets = self.state.add(rows, predictions, latency_ms)
        self.set_header("Content-Type", "application/json")
        # predictions are JSON values already (non-finite → null); str() for exotic types
        self.finish(json.dumps({"predictions": predictions, "model": served.name,
                                "version": served.version, "batch_id": batch_id,
                                "rows": offsets}, separators=(",", ":"), default=str))


class LabelsHandler(_JSONPost):
    async def post(self) -> None:
        if self._finished:
            return
        payload = await self.body_json(parse_json)
        if not isinstance(payload, dict):
            raise RequestError(400, "the body must be a JSON object with 'batch_id' and 'labels'")
        batch_id, labels, rows = payload.get("batch_id"), payload.get("labels"), payload.get("rows")
        if not isinstance(batch_id, str) or not batch_id:
            raise RequestError(400, "'batch_id' must be the batch id /predict returned")
        if not isinstance(labels, list) or not labels:
            raise RequestError(400, "'labels' must be a non-empty list")
        if rows is not None and (not isinstance(rows, list) or not all(
                isinstance(r, int) and not isinstance(r, bool) for r in rows)):
            raise RequestError(400, "'rows' must be a list of row offsets (integers)")
        try:
            result = await self.state.labels(batch_id, labels, rows)
        except NotFoundError as exc:
            raise RequestError(404, str(exc)) from None
        except (ValueError, TypeError) as exc:
            raise RequestError(400, str(exc)) from None
        except RegistryError:  # its message names the registry's path: not for clients
            raise RequestError(503, "the registry is busy or unwritable; try again") from None
        self.send_json({"batch_id": batch_id, "performance": result})


class MetricsHandler(_Base):
    SUPPORTED_METHODS = ("GET",)

    async def get(self) -> None:
        body = await self.state.exposition()
        self.set_header("Content-Type", CONTENT_TYPE)
        self.finish(body)


class HealthHandler(_Base):
    SUPPORTED_METHODS = ("GET",)

    def get(self) -> None:
        served, state = self.state.served, self.state
        self.send_json({"status": "ok", "model": served.name, "version": served.version,
                        "ref": served.ref, "uptime_s": round(time.monotonic() - state.started, 3),
                        "buffered_rows": len(state.buffer.rows) if state.buffer else 0})


class NotFoundHandler(_Base):
    def prepare(self) -> None:
        super().prepare()
        raise RequestError(404, f"no route {self.request.method} {self.request.path}; try"
                                " POST /predict, POST /labels, GET /metrics, GET /health")


def _log_request(handler: tornado.web.RequestHandler) -> None:
    # No access log (a proxy in front keeps one); only server faults, never client mistakes
    # or the 503s of a shutdown.
    if handler.get_status() >= 500 and handler.get_status() != 503:
        log.error("mm-jupyter serve: %d %s %s", handler.get_status(), handler.request.method,
                  handler.request.path)


def make_app(registry: Registry, ref: str, *, trust: bool = False, flush_seconds: float = 1.0,
             flush_rows: int = 1000, loopback_only: bool = False) -> tornado.web.Application:
    """Load ``ref`` and return the tornado application serving it (``settings["state"]``)."""
    served = load_served_model(registry, ref, trust=trust)
    state = ServeState(registry, served, flush_seconds=flush_seconds, flush_rows=flush_rows,
                       loopback_only=loopback_only)
    args = {"state": state}
    return tornado.web.Application(
        [(r"/predict", PredictHandler, args), (r"/labels", LabelsHandler, args),
         (r"/metrics", MetricsHandler, args), (r"/health", HealthHandler, args)],
        default_handler_class=NotFoundHandler, default_handler_args=args, state=state,
        log_function=_log_request,
    )


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the endpoint on this machine."""
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def run(registry: Registry, ref: str, *, host: str = "127.0.0.1", port: int = 8080,
        trust: bool = False, flush_seconds: float = 1.0, flush_rows: int = 1000,
        announce: Callable[[str], Any] = print) -> None:
    """Serve ``ref`` until SIGINT/SIGTERM, then flush the buffered rows and return."""
    app = make_app(registry, ref, trust=trust, flush_seconds=flush_seconds,
                   flush_rows=flush_rows, loopback_only=is_loopback(host))
    asyncio.run(_serve(app, host, port, announce))


async def _serve(app: tornado.web.Application, host: str, port: int,
                 announce: Callable[[str], Any]) -> None:
    state: ServeState = app.settings["state"]
    try:
        sockets = bind_sockets(port, host)
    except OSError as exc:
        await state.close()
        raise MMError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    # The body limit is ours (413 with a message); tornado's own would answer 400.
    server = HTTPServer(app, max_body_size=2**40, idle_connection_timeout=300)
    server.add_sockets(sockets)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    actual = sockets[0].getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    announce(f"Serving {state.served.ref} on http://{shown}:{actual}"
             " (POST /predict, POST /labels, GET /metrics, GET /health); Ctrl-C to stop")
    await stop.wait()
    for sig in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C stops without flushing
        loop.remove_signal_handler(sig)
    server.stop()
    await state.close()
    await server.close_all_connections()


__all__ = ["Predictor", "RequestError", "ServeState", "ServedModel", "TrustRequiredError",
           "feature_order", "load_served_model", "make_app", "parse_inputs", "run"]
