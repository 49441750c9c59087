"""Process-wide tracking state: the registry, the current experiment, active runs.

One ``Session`` per process (kernel or script) owns the registry connection and the
metric buffer. ``mm.log_metric`` appends to a lock-free column-wise buffer
(``metric_buffer.py``, well under a microsecond); a daemon thread writes it to the
registry at least every ``FLUSH_EVERY_S``, and sooner when ``FLUSH_POINTS`` are
waiting, and heartbeats the active runs, so a killed kernel loses at most the last
second. Past ``MAX_BUFFERED`` points the logging thread writes them itself. The
thread survives any exception. What the registry cannot take is retried (as
``(run_id, key, step, value, ts)`` tuples in ``points``), then spooled to a journal
(``spooling.py``, ``store/journal.py``).
"""

from __future__ import annotations

import atexit
import collections
import os
import secrets
import socket
import sqlite3
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

from mm_jupyter.errors import MMError, RegistryError, RegistryWarning
from mm_jupyter.services.runs import metric_buffer, spooling
from mm_jupyter.services.runs.metric_buffer import (
    MetricBuffer,
    MetricSeries,
    Taken,
    as_tuples,
    drop,
    piece,
)
from mm_jupyter.services.runs.state import INT64, REGISTRY_ERRORS, ActiveRun, storable

FLUSH_EVERY_S = 0.5
POLL_S = 0.05  # how often the flusher looks at the buffer's size
FLUSH_CHUNK = 25_000  # points per write transaction
MAX_SPOOL = 2_000_000  # points kept in memory while the registry is unwritable
REOPEN_AFTER_S = 10.0  # a registry that failed to open is tried again after this

__all__ = ["ActiveRun", "RegistryWarning", "Session", "get_session", "warn"]


def warn(message: str) -> None:
    """Show a one-line warning that points at the user's code, not ours."""
    warnings.warn(f"mm-jupyter: {message}", RegistryWarning, stacklevel=3)


class Session:
    """The tracking state of one process."""

    def __init__(self) -> None:
        self._registry: Any = None
        self._open_failed_at: float | None = None
        self.open_error: BaseException | None = None
        # Names this process's history in the registry (store/history.py).
        self.kernel_key = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.journal: Any = None  # store.journal.JournalWriter, made on first spool
        self.journaled: set[str] = set()  # runs whose records go to the journal
        self.journal_pending = False
        self.experiment: str | None = None
        self.active: list[ActiveRun] = []
        # Points to retry (the registry refused them) or that bypassed the buffer.
        self.points: collections.deque[tuple[str, str, int, float, float]] = (
            collections.deque()
        )
        self.flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()  # the buffer is full enough to write now
        self._main_thread = threading.main_thread().ident
        self.metrics = MetricBuffer(
            wake=self._wake.set, write_now=self.flush, active_ids=self._active_ids
        )
        self._thread: threading.Thread | None = None
        self._warned: set[str] = set()
        self.environment_digest: str | None = None
        self._env_thread: threading.Thread | None = None
        self._env: dict[str, Any] | None = None
        self._open_lock = threading.RLock()
        self._env_done = False
        self._env_stored_in: tuple[int, int] | None = None
        self._env_lock = threading.Lock()
        self._env_waiting: list[str] = []  # runs that ended before it was known
        # id(model) -> (weak reference, run id) of models bound by tracked cells
        self._model_runs: dict[int, tuple[Any, str]] = {}

    # -- registry ---------------------------------------------------------------

    def registry(self) -> Any:
        """Return the open registry, or ``None`` (warned once) if it cannot open.

        A failed open is tried again after ``REOPEN_AFTER_S``: the disk may come back.
        """
        if self._registry is None:
            with self._open_lock:  # the warm-up thread may be opening it right now
                return self._open_registry()
        return self._registry

    def _open_registry(self) -> Any:
        if self._registry is None:
            failed = self._open_failed_at
            if failed is not None and time.monotonic() - failed < REOPEN_AFTER_S:
                return None
            from mm_jupyter.store import open_registry

            try:
                self._registry = open_registry()
                self._open_failed_at = self.open_error = None
            except (RegistryError, OSError, sqlite3.DatabaseError) as exc:
                self._open_failed_at = time.monotonic()
                self.open_error = exc
                self.warn_once("registry", f"{exc}; runs are not recorded in the registry")
        return self._registry

    def require_registry(self) -> Any:
        """Return the registry or raise ``RegistryError`` (for reads the user asked)."""
        registry = self.registry()
        if registry is None:
            from mm_jupyter.store import open_registry

            return open_registry()  # raises the real error
        return registry

    def reset_registry(self) -> None:
        """Forget the open registry (the location changed, e.g. in tests)."""
        self.flush()
        with self._open_lock:  # after a warm-up open in progress, not during it
            if self._registry is not None:
                self._registry.close()
            self._registry = None
            self._open_failed_at = self.open_error = None
        self.journal = None
        self.journaled.clear()
        self.journal_pending = False
        self._warned.clear()
        self.environment_digest = None  # stored per registry

    @property
    def opened(self) -> Any:
        """Return the registry if this session has it open (never opens it)."""
        return self._registry

    @property
    def environment_data(self) -> dict[str, Any] | None:
        """Return the environment computed for this process, if ready."""
        return self._env

    def forget_warning(self, kind: str) -> None:
        """Let ``kind`` warn again (the problem went away)."""
        self._warned.discard(kind)

    def warn_once(self, kind: str, message: str) -> None:
        """Warn about ``kind`` of failure once per session."""
        if kind not in self._warned:
            self._warned.add(kind)
            warn(message)

    # -- runs -------------------------------------------------------------------

    def current(self) -> ActiveRun:
        """Return the innermost active run or raise a clear error."""
        if not self.active:
            raise MMError(
                "no active run: log inside a %%mm_track cell or a `with mm.track():` block"
            )
        return self.active[-1]

    def remember_model(self, model: Any, run_id: str) -> None:
        """Remember that the tracked run ``run_id`` bound ``model``."""
        import weakref

        try:
            ref = weakref.ref(model)
        except TypeError:
            return  # no weak references: registering it later needs run=
        self._model_runs[id(model)] = (ref, run_id)

    def model_run(self, model: Any) -> str | None:
        """Return the run that bound ``model``, if this process tracked it."""
        found = self._model_runs.get(id(model))
        if found is None or found[0]() is not model:
            return None
        return str(found[1])

    # -- metrics ----------------------------------------------------------------

    def add_point(self, run: ActiveRun, key: str, step: int, value: float) -> None:
        """Buffer one metric point of ``run`` (dropped if the run is not recorded)."""
        if run.id is None:
            return
        series = run.series.get(key) if isinstance(run, ActiveRun) else None
        if (
            series is None or not self.owns_buffer() or series.run_id != run.id or type(step) is not int
            or not INT64[0] <= step <= INT64[1] or not isinstance(value, float)
        ):  # not what the API checked: the flush drops it if SQLite cannot store it
            self.points.append((run.id, key, step, value, time.time()))
            return
        if series.buffer is None:
            series.buffer = self.metrics
        series.add(step, value, time.time())

    def owns_buffer(self) -> bool:
        """Return whether this thread may append to the column buffer.

        One thread appends to the columns (step, value and time are three appends:
        two threads could pair one's step with the other's value); the main thread,
        where kernels and scripts log. Other threads' points go to ``points`` as
        tuples, one atomic append each.
        """
        return threading.get_ident() == self._main_thread

    def check_series(self, series: MetricSeries) -> None:
        """Count ``series``' new points against the buffer's bounds (they may write)."""
        if series.buffer is None:
            series.buffer = self.metrics
        self.metrics.check(series)

    @property
    def buffered(self) -> int:
        """Return how many metric points wait to be written."""
        return len(self.points) + self.metrics.count()

    def _active_ids(self) -> set[str]:
        return {r.id for r in list(self.active) if r.id is not None}

    def ensure_flusher(self) -> None:
        """Start the background flusher (once); called when a recorded run starts."""
        if self._thread is None:
            self._start_flusher()

    def flush(self) -> None:
        """Write buffered points now (and heartbeat active runs); never raises.

        Points of runs being journaled go to the journal; points the registry
        refuses are kept for the next flush (spooled when too many).
        """
        try:
            with self.flush_lock:
                self._wake.clear()
                self._flush_locked()
                self.metrics.prune()
        except Exception as exc:  # the flusher must outlive anything
            self.warn_once("flusher", f"metric flush failed ({type(exc).__name__}: {exc})")

    def _flush_locked(self) -> None:
        # What is buffered now, not what the logging thread adds meanwhile: a flush
        # never chases a producer.
        left = len(self.points)
        snapshot = self.metrics.snapshot()
        alive = [
            r.id for r in self.active if r.id is not None and r.id not in self.journaled
        ]
        registry = self._registry
        # In transactions of at most FLUSH_CHUNK points: a big backlog becomes
        # visible (and durable) piece by piece, not after one long write.
        while left > 0:
            take = min(left, FLUSH_CHUNK)
            left -= take
            batch = self._spool_journaled(
                registry, [self.points.popleft() for _ in range(take)]
            )
            if registry is not None and (batch or alive):
                if not self._write_points(registry, batch, [], alive):
                    self._keep(snapshot)
                    return  # refused: the rest waits for the next flush
                alive = []  # heartbeat once per flush
        done = self._write_series(registry, snapshot, alive)
        if done and registry is not None and self.journal_pending:
            spooling.after_success(self, registry)  # import once writable

    def _write_series(
        self, registry: Any, snapshot: list[tuple[MetricSeries, int]], alive: list[str]
    ) -> bool:
        """Write the snapshot's points, forgetting each piece once written (or
        journaled); keep what is refused, as tuples, to retry."""
        left = [n for _, n in snapshot]  # points of each series still to write
        total = sum(left)
        txn: list[tuple[MetricSeries, int]] = []
        size = 0
        for index, (series, n) in enumerate(snapshot):
            while n > 0:
                k = min(n, FLUSH_CHUNK - size)
                txn.append((series, k))  # a series' pieces go in order, from its start
                size += k
                total -= k
                n -= k
                left[index] = n
                if size < FLUSH_CHUNK and total > 0:
                    continue
                pieces = self._spool_journaled_series(
                    registry, [piece(s, 0, m) for s, m in txn]
                )
                if registry is not None and (pieces or alive):
                    if not self._write_points(registry, [], pieces, alive):
                        for s, m in txn:
                            drop(s, m)  # _write_points kept them as tuples
                        rest = zip(snapshot[index:], left[index:], strict=True)
                        self._keep([(s, m) for (s, _), m in rest if m])
                        return False
                    alive = []
                for s, m in txn:
                    drop(s, m)
                txn, size = [], 0
                if self.metrics.count() >= metric_buffer.MAX_BUFFERED:
                    self.metrics.cool(list(self.active))  # the logger waits for us
        if alive and registry is not None:  # nothing to write: still a heartbeat
            return self._write_points(registry, [], [], alive)
        return True

    def _keep(self, snapshot: list[tuple[MetricSeries, int]]) -> None:
        """Keep refused buffered points to retry, as tuples after the ones before."""
        points = as_tuples([piece(s, 0, n) for s, n in snapshot])
        for series, n in snapshot:
            drop(series, n)
        if len(self.points) + len(points) <= MAX_SPOOL:
            self.points.extend(points)
        else:
            spooling.spool_points(self, points)

    def _spool_journaled(self, registry: Any, batch: list[Any]) -> list[Any]:
        """Journal the points of journaled runs (all of them without a registry)."""
        if registry is not None and not self.journaled:
            return batch
        spooled = [p for p in batch if registry is None or p[0] in self.journaled]
        if spooled:
            spooling.spool_points(self, spooled)
            batch = [p for p in batch if registry is not None and p[0] not in self.journaled]
        return batch

    def _spool_journaled_series(self, registry: Any, txn: list[Taken]) -> list[Taken]:
        if registry is not None and not self.journaled:
            return txn
        spooled = [t for t in txn if registry is None or t[0] in self.journaled]
        if spooled:
            spooling.spool_points(self, as_tuples(spooled))
            txn = [t for t in txn if registry is not None and t[0] not in self.journaled]
        return txn

    def _write_points(
        self, registry: Any, batch: list[Any], taken: list[Taken], alive: list[str]
    ) -> bool:
        """Write ``batch`` (tuples) or ``taken`` (series); return whether the registry
        took them (else they wait, as tuples, or spool)."""
        from mm_jupyter.store import metric_points
        from mm_jupyter.store.runs import write_metric_points

        try:
            if batch:
                write_metric_points(registry, batch, heartbeat=alive)
            else:
                metric_points.write_metric_series(registry, taken, heartbeat=alive)
        except REGISTRY_ERRORS as exc:
            refused = batch or as_tuples(taken)
            if len(self.points) + len(refused) <= MAX_SPOOL:
                if batch:
                    self.points.extendleft(reversed(batch))  # retry next flush
                else:  # after the tuples kept before this flush's buffer
                    self.points.extend(refused)
            else:
                spooling.spool_points(self, refused, exc)
            self.warn_once("registry", f"metrics not saved yet ({exc}); will retry")
            return False
        except Exception as exc:  # a point SQLite cannot store slipped past the API
            tried = batch or as_tuples(taken)
            good = [p for p in tried if storable(p)]
            self.warn_once(
                "bad-points",
                f"{len(tried) - len(good)} metric point(s) dropped: {type(exc).__name__}:"
                f" {exc}",
            )
            if len(good) == len(tried):
                raise
            if batch:
                self.points.extendleft(reversed(good))  # the good ones, next flush
            else:
                self.points.extend(good)
            return False
        return True

    def _start_flusher(self) -> None:
        self._stop.clear()
        self._wake.clear()
        self._thread = threading.Thread(
            target=self._flush_loop, name="mm-jupyter-flush", daemon=True
        )
        self._thread.start()

    def _flush_loop(self) -> None:
        from mm_jupyter.store.liveness import HEARTBEAT_EVERY_S

        last_beat = last_flush = time.monotonic()
        while not self._stop.is_set():
            # Woken early by a full buffer (or stop); polls the buffer's size, which
            # log_metric's fast path does not count.
            self._wake.wait(min(POLL_S, FLUSH_EVERY_S))
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                now = time.monotonic()
                buffered = self.metrics.count()
                if buffered >= metric_buffer.MAX_BUFFERED:
                    self.metrics.cool(list(self.active))
                beat_due = self.active and now - last_beat >= HEARTBEAT_EVERY_S
                due = now - last_flush >= FLUSH_EVERY_S
                if buffered >= metric_buffer.FLUSH_POINTS or (due and (self.points or buffered or beat_due)):
                    # Every FLUSH_EVERY_S from one flush's start to the next: a long
                    # flush (a busy logging thread slows it) does not stretch the gap.
                    last_beat = last_flush = now
                    self.flush()
            except Exception as exc:  # log once, keep flushing: heartbeats must go on
                self.warn_once("flusher", f"metric flush failed ({exc})")

    def stop(self) -> None:
        """Stop the flusher thread after a last flush."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.flush()
        if self.buffered:  # the registry still refuses them: keep them in the journal
            with self.flush_lock:
                left = [self.points.popleft() for _ in range(len(self.points))]
                snapshot = self.metrics.snapshot()
                left += as_tuples([piece(series, 0, n) for series, n in snapshot])
                for series, n in snapshot:
                    drop(series, n)
            spooling.spool_points(self, left)
        if self._env_waiting and self._env_thread is not None:
            # A short script's runs ended before the probe did: let it finish.
            self._env_thread.join(timeout=10)

    # -- environment ------------------------------------------------------------

    def start_environment(self, probe: Callable[[], dict[str, Any]]) -> None:
        """Compute the environment once per process with ``probe``, in the background.

        The probe is passed in (``capture.environment.collect_environment_apart``):
        the session holds state and knows nothing of how a kernel is described.
        """
        if self._env_thread is None:

            def work() -> None:
                try:
                    env = probe()
                except Exception as exc:  # never let a probe break tracking
                    env = None
                    self.warn_once("env", f"environment not recorded ({exc})")
                with self._env_lock:
                    self._env = env
                    self._env_done = True
                    waiting, self._env_waiting = self._env_waiting, []
                self._attach_environment(waiting)

            self._env_thread = threading.Thread(target=work, daemon=True)
            self._env_thread.start()

    def environment(self, registry: Any) -> str | None:
        """Return the stored environment's digest, or ``None`` while it is computed.

        Never waits: the first tracked cell of a kernel would otherwise pay for the
        package scan (0.3-0.6 s). ``attach_environment_later`` fills it in.
        """
        key = (id(registry), getattr(registry, "generation", 0))
        if self._env_stored_in != key:  # stored per registry file
            self.environment_digest = None
        if self.environment_digest is None and self._env is not None:
            from mm_jupyter.store.runs import put_environment

            self.environment_digest = put_environment(registry, self._env)
            self._env_stored_in = key
        return self.environment_digest

    def open_quietly(self) -> None:
        """Open the registry now if nobody has tried yet; a failure is left for the
        next ``registry()`` call to meet and warn about where the user looks."""
        from mm_jupyter.store import open_registry

        try:
            with self._open_lock:
                if self._registry is None and self._open_failed_at is None:
                    self._registry = open_registry()
        except Exception:
            pass

    def attach_environment_later(self, run_id: str) -> None:
        """Record the environment on ``run_id`` once it is known (from its thread)."""
        with self._env_lock:
            if not self._env_done:
                self._env_waiting.append(run_id)
                return
        self._attach_environment([run_id])

    def _attach_environment(self, run_ids: list[str]) -> None:
        registry = self._registry
        if not run_ids or registry is None:
            return
        try:
            digest = self.environment(registry)
            if digest is not None:
                from mm_jupyter.store.runs import set_environment

                set_environment(registry, run_ids, digest)
        except REGISTRY_ERRORS as exc:  # one warning per registry problem
            self.warn_once("registry", f"environment not recorded ({exc})")
        except Exception as exc:  # the runs stand without it
            self.warn_once("env", f"environment not recorded ({exc})")


_SESSION: Session | None = None
_SESSION_LOCK = threading.Lock()


def get_session() -> Session:
    """Return this process's session, creating it on first use."""
    global _SESSION
    if _SESSION is None:
        with _SESSION_LOCK:
            if _SESSION is None:
                _SESSION = Session()
                atexit.register(_SESSION.stop)
    return _SESSION
