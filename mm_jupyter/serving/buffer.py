"""The monitoring side of ``mm-jupyter serve``: buffer answered rows, log them in batches.

Kept apart from the HTTP layer (app.py) and the model (model.py) because it is
the one place that decides *when* predictions reach ``Monitor.log`` and keeps those
writes off the request path: rows are buffered on the IOLoop and written, in order, by
one monitor thread (SQLite, drift maths), so a label never overtakes its batch.

A buffer's batch id is chosen when it opens, so each response can tell the client
where its rows will be (``batch_id`` + row offsets) for ``POST /labels``.

When a buffer is flushed (docs/monitoring.md, "``mm-jupyter serve``"):

- at once when it reaches ``flush_rows``, when ``/labels`` names it, and while the
  server is draining (shutdown);
- otherwise it is checked every ``flush_seconds`` and flushed if it holds at least
  ``min_batch_rows`` rows (fewer give "insufficient data" instead of drift: a quiet
  endpoint would never measure drift) or its oldest row has waited
  ``max_wait_seconds`` (so rows and latency still reach the registry when traffic is
  too thin to fill a batch).
"""

from __future__ import annotations

import asyncio
import logging
import math
import secrets
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter

from mm_jupyter.errors import RegistryError
from mm_jupyter.monitoring.drift import MIN_ROWS
from mm_jupyter.monitoring.monitor import Monitor

log = logging.getLogger("mm_jupyter")

# Buffers waiting for the monitor thread; beyond this a new buffer is dropped (warned).
MAX_QUEUED_FLUSHES = 32
FLUSH_RETRIES = 3
# call_later may fire a hair before its deadline: a buffer this close to its maximum
# wait counts as due, rather than scheduling one more tick for a microsecond.
_DEADLINE_SLACK = 0.001


@dataclass
class _Buffer:
    batch_id: str = field(default_factory=lambda: secrets.token_hex(8))
    started: float = field(default_factory=time.time)  # the batch's timestamp
    opened: float = field(default_factory=time.monotonic)  # for the maximum wait
    rows: list[list[Any]] = field(default_factory=list)
    predictions: list[Any] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)
    attempts: int = 0


class PredictionBuffer:
    """Answered rows on their way to ``monitor.log(..., source="serve")``.

    ``add``, ``flush`` and ``labels`` run on the IOLoop thread; the writes run on the
    buffer's own monitor thread, one at a time, in the order they were flushed.

    Parameters
    ----------
    monitor
        The served version's monitor.
    features
        Column names for the logged rows; ``None``: ``x0``, ``x1``, ...
    metrics
        Where ``mm_serve_flush_errors`` is registered.
    flush_seconds
        How often the open buffer is checked.
    flush_rows
        A buffer this large is flushed at once.
    min_batch_rows
        At a check, flush only a buffer at least this large ...
    max_wait_seconds
        ... or whose oldest row has waited this long.
    """

    def __init__(self, monitor: Monitor, features: Sequence[str] | None,
                 metrics: CollectorRegistry, *, flush_seconds: float = 1.0,
                 flush_rows: int = 1000, min_batch_rows: int = MIN_ROWS,
                 max_wait_seconds: float = 60.0) -> None:
        for label, seconds in (("flush_seconds", flush_seconds),
                               ("max_wait_seconds", max_wait_seconds)):
            if not (seconds > 0 and math.isfinite(seconds)):
                raise ValueError(f"{label} must be a positive number, not {seconds!r}")
        for label, count in (("flush_rows", flush_rows), ("min_batch_rows", min_batch_rows)):
            if count < 1:
                raise ValueError(f"{label} must be at least 1, not {count!r}")
        self.monitor = monitor
        self.features = list(features) if features is not None else None
        self.flush_seconds = float(flush_seconds)
        self.flush_rows = int(flush_rows)
        self.min_batch_rows = int(min_batch_rows)
        self.max_wait_seconds = float(max_wait_seconds)
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="mm-serve-monitor")
        self.buffer: _Buffer | None = None
        self.draining = False  # shutting down: every add is flushed at once
        self.queued = 0
        self.last_flush: asyncio.Future[None] | None = None
        self.flush_errors = Counter("mm_serve_flush_errors",
                                    "Monitoring flushes that failed (rows retried or dropped).",
                                    registry=metrics)

    @property
    def buffered_rows(self) -> int:
        """Rows answered but not yet handed to the monitor thread."""
        return len(self.buffer.rows) if self.buffer is not None else 0

    # IOLoop thread

    def add(self, rows: list[list[Any]], predictions: list[Any],
            latency_ms: float) -> tuple[str, list[int]]:
        """Buffer a request's rows; return the batch id and row offsets they will have."""
        if self.buffer is None:
            self.buffer = _Buffer()
            self._check_later(self.buffer, self.flush_seconds)
        buf = self.buffer
        start = len(buf.rows)
        buf.rows.extend(rows)
        buf.predictions.extend(predictions)
        buf.latency_ms.extend([latency_ms] * len(rows))
        batch_id = buf.batch_id
        if len(buf.rows) >= self.flush_rows or self.draining:
            self.flush()
        return batch_id, list(range(start, start + len(rows)))

    def _check_later(self, buf: _Buffer, delay: float) -> None:
        # The last check lands on the maximum wait, not up to flush_seconds after it.
        left = self.max_wait_seconds - (time.monotonic() - buf.opened)
        asyncio.get_running_loop().call_later(max(0.0, min(delay, left)), self._check,
                                              buf.batch_id)

    def _check(self, batch_id: str) -> None:
        buf = self.buffer
        if buf is None or buf.batch_id != batch_id:
            return  # flushed meanwhile (flush_rows, /labels); a new buffer has its own check
        waited = time.monotonic() - buf.opened
        if (len(buf.rows) >= self.min_batch_rows
                or waited + _DEADLINE_SLACK >= self.max_wait_seconds):
            self.flush()
        else:
            self._check_later(buf, self.flush_seconds)

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
                self.pool, self._write, buf)
            self.last_flush.add_done_callback(lambda _: setattr(self, "queued", self.queued - 1))
        return self.last_flush

    async def labels(self, batch_id: str, labels: list[Any],
                     rows: list[int] | None) -> dict[str, Any]:
        """Attach labels to a batch (flushed first if it is still buffered)."""
        if self.buffer is not None and self.buffer.batch_id == batch_id:
            self.flush()  # the monitor thread writes the batch before the labels
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.pool, lambda: self.monitor.log_labels(batch_id, labels, rows=rows))

    async def drain(self, timeout: float = 60.0) -> None:
        """Flush what is buffered and wait for every write flushed before it."""
        last = self.flush()  # the monitor thread is FIFO: the last write done = all done
        if last is not None:
            await asyncio.wait([last], timeout=timeout)

    def close(self) -> None:
        """Stop the monitor thread once its queued writes are done."""
        self.pool.shutdown(wait=True)

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
        if self.features is not None:
            return self.features
        return [f"x{i}" for i in range(len(buf.rows[0]))]


__all__ = ["FLUSH_RETRIES", "MAX_QUEUED_FLUSHES", "PredictionBuffer"]
