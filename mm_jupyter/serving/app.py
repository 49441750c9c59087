"""``mm-jupyter serve``: one registered model behind a small HTTP endpoint, monitored.

One tornado process, or with ``--workers N`` N pre-forked ones sharing the socket
(workers.py; docs/monitoring.md). This module is the HTTP layer of one process: routes,
handlers, body limits, error mapping (``RequestError`` → JSON with its status), request
metrics, startup and shutdown. The IOLoop parses requests and writes responses;
predictions run in micro-batches (model.py: every request that queued while a call ran
shares the next one), on the predictor thread, or on the IOLoop for a model fast enough
that handing it to a thread costs more than the call; monitoring writes run on the monitor thread
(buffer.py), which logs the buffered rows in batches big enough to measure drift.
SIGINT/SIGTERM flush what is buffered before the process exits.

There is no authentication: bind to loopback (the default) and put a reverse proxy in front
to expose it. On a loopback bind, requests must name a loopback ``Host`` (DNS rebinding),
and POST bodies must be ``application/json`` (a cross-site form cannot send that).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, NoReturn

import tornado.web
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from mm_jupyter.encoding import payload_dumps
from mm_jupyter.errors import MMError, NotFoundError, RegistryError
from mm_jupyter.monitoring import dispatch
from mm_jupyter.monitoring.drift import MIN_ROWS
from mm_jupyter.monitoring.exporter import CONTENT_TYPE, MonitoringCollector
from mm_jupyter.monitoring.monitor import Monitor
from mm_jupyter.serving.buffer import PredictionBuffer
from mm_jupyter.serving.model import (
    Predictor,
    RequestError,
    ServedModel,
    load_served_model,
    parse_inputs,
    parse_json,
)

if TYPE_CHECKING:
    from mm_jupyter.store import Registry

log = logging.getLogger("mm_jupyter")

MAX_BODY = 10 * 1024 * 1024
# An oversized body up to this size is read and dropped before the 413 (see _JSONPost).
DRAIN_BODY = 64 * 1024 * 1024
# Bodies larger than this are parsed off the IOLoop.
INLINE_PARSE = 64 * 1024
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
# --workers N: how long /labels looks for a batch another worker was asked to flush.
SIBLING_FLUSH_WAITS = (0.02, 0.05, 0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0, 1.0)
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                   2.5, 5.0, 10.0)


# -- process state ---------------------------------------------------------------


class ServeState:
    """Everything one ``serve`` process holds: model, predictor, buffer, metrics."""

    def __init__(self, registry: Registry, served: ServedModel, *, flush_seconds: float = 1.0,
                 flush_rows: int = 1000, min_batch_rows: int = MIN_ROWS,
                 max_wait_seconds: float = 60.0, loopback_only: bool = False,
                 worker: int | None = None) -> None:
        self.registry = registry
        self.worker = worker  # --workers N: this worker's index (X-MM-Worker); else None
        self.served = served
        self.metrics = CollectorRegistry(auto_describe=True)
        self.buffer = PredictionBuffer(
            Monitor(registry, served.ref), served.features, self.metrics,
            flush_seconds=flush_seconds, flush_rows=flush_rows,
            min_batch_rows=min_batch_rows, max_wait_seconds=max_wait_seconds)
        self.loopback_only = loopback_only
        self.started = time.monotonic()
        self.predictor = Predictor(served)
        self.io_pool = ThreadPoolExecutor(2, thread_name_prefix="mm-serve-io")
        self.closing = False
        self.requests = Counter("mm_serve_requests", "HTTP requests answered, by status code.",
                                ["code"], registry=self.metrics)
        self.seconds = Histogram("mm_serve_request_seconds", "Time to answer a request.",
                                 buckets=LATENCY_BUCKETS, registry=self.metrics)
        self._by_code: dict[int, Any] = {}
        # This model's monitoring families (every version), read from the registry per scrape.
        self.metrics.register(MonitoringCollector(registry, model=served.name))

    def count(self, status: int, seconds: float) -> None:
        child = self._by_code.get(status)
        if child is None:
            child = self._by_code[status] = self.requests.labels(str(status))
        child.inc()
        self.seconds.observe(seconds)

    async def exposition(self) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(
            self.io_pool, generate_latest, self.metrics)

    async def close(self) -> None:
        """Refuse new predictions, flush what is buffered, wait for every pending write."""
        self.closing = self.buffer.draining = True
        deadline = time.monotonic() + 10
        while (self.predictor.busy or self.predictor.pending) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # handlers whose predictions just came back buffer them
        await self.buffer.drain(timeout=60)
        await asyncio.get_running_loop().run_in_executor(self.io_pool, dispatch.wait, 10.0)
        self.predictor.close()
        self.buffer.close()
        self.io_pool.shutdown(wait=True)


# -- handlers --------------------------------------------------------------------


class _Base(tornado.web.RequestHandler):
    """JSON errors without tracebacks, request metrics, security headers."""

    state: ServeState

    def initialize(self, state: ServeState) -> None:
        self.state = state
        self.t0 = time.perf_counter()
        if state.worker is not None:
            self.set_header("X-MM-Worker", str(state.worker))

    def set_default_headers(self) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", "default-src 'none'")
        self.set_header("Cache-Control", "no-store")
        state = getattr(self, "state", None)  # set again after an error clears the headers
        if state is not None and state.worker is not None:
            self.set_header("X-MM-Worker", str(state.worker))

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
        batch_id, offsets = self.state.buffer.add(rows, predictions, latency_ms)
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
            result = await self._labels(batch_id, labels, rows)
        except NotFoundError as exc:
            raise RequestError(404, str(exc)) from None
        except (ValueError, TypeError) as exc:
            raise RequestError(400, str(exc)) from None
        except RegistryError:  # its message names the registry's path: not for clients
            raise RequestError(503, "the registry is busy or unwritable; try again") from None
        self.send_json({"batch_id": batch_id, "performance": result})

    async def _labels(self, batch_id: str, labels: list[Any],
                      rows: list[int] | None) -> dict[str, Any]:
        buffer = self.state.buffer
        try:
            return await buffer.labels(batch_id, labels, rows)
        except NotFoundError:
            if self.state.worker is None:
                raise
        # --workers N: the batch may still be in another worker's buffer. Have every
        # worker flush (through the parent), then look again while the write lands.
        from mm_jupyter.serving.workers import ask_siblings_to_flush

        ask_siblings_to_flush()
        for delay in SIBLING_FLUSH_WAITS[:-1]:
            await asyncio.sleep(delay)
            with contextlib.suppress(NotFoundError):
                return await buffer.labels(batch_id, labels, rows)
        await asyncio.sleep(SIBLING_FLUSH_WAITS[-1])
        return await buffer.labels(batch_id, labels, rows)


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
                        "buffered_rows": state.buffer.buffered_rows})


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
             flush_rows: int = 1000, min_batch_rows: int = MIN_ROWS,
             max_wait_seconds: float = 60.0,
             loopback_only: bool = False) -> tornado.web.Application:
    """Load ``ref`` and return the tornado application serving it (``settings["state"]``)."""
    served = load_served_model(registry, ref, trust=trust)
    return build_app(registry, served, flush_seconds=flush_seconds, flush_rows=flush_rows,
                     min_batch_rows=min_batch_rows, max_wait_seconds=max_wait_seconds,
                     loopback_only=loopback_only)


def build_app(registry: Registry, served: ServedModel, *, flush_seconds: float = 1.0,
              flush_rows: int = 1000, min_batch_rows: int = MIN_ROWS,
              max_wait_seconds: float = 60.0, loopback_only: bool = False,
              worker: int | None = None) -> tornado.web.Application:
    """The tornado application serving a loaded model (``settings["state"]``)."""
    state = ServeState(registry, served, flush_seconds=flush_seconds, flush_rows=flush_rows,
                       min_batch_rows=min_batch_rows, max_wait_seconds=max_wait_seconds,
                       loopback_only=loopback_only, worker=worker)
    args = {"state": state}
    return tornado.web.Application(
        [(r"/predict", PredictHandler, args), (r"/labels", LabelsHandler, args),
         (r"/metrics", MetricsHandler, args), (r"/health", HealthHandler, args)],
        default_handler_class=NotFoundHandler, default_handler_args=args, state=state,
        log_function=_log_request,
    )


def http_server(app: tornado.web.Application) -> HTTPServer:
    # The body limit is ours (413 with a message); tornado's own would answer a bare 400,
    # also for a chunk that merely declares a huge size. A chunk-size line is at most 62
    # hex digits (tornado reads 64 bytes), so 2**256 is never reached.
    return HTTPServer(app, max_body_size=2**256, idle_connection_timeout=300)


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the endpoint on this machine."""
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def run(registry: Registry, ref: str, *, host: str = "127.0.0.1", port: int = 8080,
        trust: bool = False, flush_seconds: float = 1.0, flush_rows: int = 1000,
        min_batch_rows: int = MIN_ROWS, max_wait_seconds: float = 60.0,
        announce: Callable[[str], Any] = print, workers: int = 1,
        reopen: Callable[[], Registry] | None = None) -> None:
    """Serve ``ref`` until SIGINT/SIGTERM, then flush the buffered rows and return.

    ``workers`` > 1 forks that many worker processes sharing the socket (workers.py);
    each opens its own registry with ``reopen`` (required then).
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers!r}")
    if workers == 1:
        app = make_app(registry, ref, trust=trust, flush_seconds=flush_seconds,
                       flush_rows=flush_rows, min_batch_rows=min_batch_rows,
                       max_wait_seconds=max_wait_seconds, loopback_only=is_loopback(host))
        asyncio.run(_serve(app, host, port, announce))
        return
    if reopen is None:
        raise ValueError("workers > 1 needs reopen: each worker opens its own registry")
    from mm_jupyter.serving import workers as prefork

    served = load_served_model(registry, ref, trust=trust)  # once, shared by the fork
    sockets = prefork.reserve_port(port, host)
    actual = sockets[0].getsockname()[1]
    registry.close()
    prefork.forget_connections()
    parent = os.getpid()

    def build(worker_registry: Registry, index: int) -> tornado.web.Application:
        return build_app(worker_registry, served, flush_seconds=flush_seconds,
                         flush_rows=flush_rows, min_batch_rows=min_batch_rows,
                         max_wait_seconds=max_wait_seconds, loopback_only=is_loopback(host),
                         worker=index)

    def start(index: int, ready: int) -> NoReturn:
        prefork.worker_main(index, actual, host, ready, build, reopen, parent)

    shown = f"[{host}]" if ":" in host else host
    supervisor = prefork.Supervisor(workers, sockets, start)
    code = supervisor.run(lambda: announce(
        f"Serving {served.ref} on http://{shown}:{actual} with {workers} workers"
        " (POST /predict, POST /labels, GET /metrics, GET /health); Ctrl-C to stop"))
    if code:
        raise MMError("mm-jupyter serve: a worker did not stop cleanly (see the log above);"
                      " rows it buffered may not have been logged")


async def _serve(app: tornado.web.Application, host: str, port: int,
                 announce: Callable[[str], Any]) -> None:
    state: ServeState = app.settings["state"]
    try:
        sockets = bind_sockets(port, host)
    except OSError as exc:
        await state.close()
        raise MMError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    server = http_server(app)
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


__all__ = ["ServeState", "build_app", "http_server", "is_loopback", "make_app", "run"]
