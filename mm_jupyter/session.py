"""Process-wide tracking state: the registry, the current experiment, active runs.

One ``Session`` per process (kernel or script) owns the registry connection and the
metric buffer. ``mm.log_metric`` appends to a lock-free deque (about a microsecond);
a daemon thread writes the buffer to SQLite at least every ``FLUSH_EVERY_S`` and
heartbeats the active runs, so a killed kernel loses at most the last second.
"""

from __future__ import annotations

import atexit
import collections
import threading
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.errors import MMError, RegistryError

FLUSH_EVERY_S = 0.5
MAX_SPOOL = 2_000_000  # points kept in memory while the registry is unwritable


class RegistryWarning(UserWarning):
    """The registry failed; the user's work goes on without being recorded."""


def warn(message: str) -> None:
    """Show a one-line warning that points at the user's code, not ours."""
    warnings.warn(f"mm-jupyter: {message}", RegistryWarning, stacklevel=3)


@dataclass
class ActiveRun:
    """A run in progress in this process. ``id`` is ``None`` when not recorded."""

    id: str | None
    name: str
    experiment: str
    steps: dict[str, int] = field(default_factory=dict)
    # Files this run logged or used explicitly: auto-logging skips them.
    logged_paths: set[str] = field(default_factory=set)
    # Metrics the run will record when it ends (a tracked cell's metric-like names);
    # registering a model mid-cell records them with the version.
    pending_metrics: Any = None

    def next_step(self, key: str, step: int | None) -> int:
        """Return the step of the next point of ``key`` (explicit, else +1)."""
        if step is None:
            step = self.steps.get(key, -1) + 1
        self.steps[key] = max(step, self.steps.get(key, step))
        return step


class Session:
    """The tracking state of one process."""

    def __init__(self) -> None:
        self._registry: Any = None
        self._registry_failed = False
        self.experiment: str | None = None
        self.active: list[ActiveRun] = []
        self.points: collections.deque[tuple[str, str, int, float, float]] = (
            collections.deque()
        )
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._warned: set[str] = set()
        self.environment_digest: str | None = None
        self._env_thread: threading.Thread | None = None
        self._env: dict[str, Any] | None = None
        # id(model) -> (weak reference, run id) of models bound by tracked cells
        self._model_runs: dict[int, tuple[Any, str]] = {}

    # -- registry ---------------------------------------------------------------

    def registry(self) -> Any:
        """Return the open registry, or ``None`` (warned once) if it cannot open."""
        if self._registry is None and not self._registry_failed:
            from mm_jupyter.store import open_registry

            try:
                self._registry = open_registry()
            except (RegistryError, OSError) as exc:
                self._registry_failed = True
                self.warn_once("open", f"{exc}; runs are not recorded")
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
        if self._registry is not None:
            self._registry.close()
        self._registry = None
        self._registry_failed = False
        self._warned.clear()
        self.environment_digest = None  # stored per registry

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
        if run.id is not None:
            self.points.append((run.id, key, step, value, time.time()))

    def ensure_flusher(self) -> None:
        """Start the background flusher (once); called when a recorded run starts."""
        if self._thread is None:
            self._start_flusher()

    def flush(self) -> None:
        """Write buffered points now (and heartbeat active runs); never raises."""
        registry = self._registry
        if registry is None:
            self.points.clear()
            return
        with self._flush_lock:
            n = len(self.points)
            batch = [self.points.popleft() for _ in range(n)]
            alive = [r.id for r in self.active if r.id is not None]
            if not batch and not alive:
                return
            from mm_jupyter.store.runs import write_metric_points

            try:
                write_metric_points(registry, batch, heartbeat=alive)
            except (RegistryError, MMError, OSError) as exc:
                if len(self.points) + len(batch) <= MAX_SPOOL:
                    self.points.extendleft(reversed(batch))  # retry next flush
                self.warn_once("flush", f"metrics not saved yet ({exc}); will retry")

    def _start_flusher(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._flush_loop, name="mm-jupyter-flush", daemon=True
        )
        self._thread.start()

    def _flush_loop(self) -> None:
        from mm_jupyter.store.liveness import HEARTBEAT_EVERY_S

        last_beat = time.monotonic()
        while not self._stop.wait(FLUSH_EVERY_S):
            beat_due = self.active and time.monotonic() - last_beat >= HEARTBEAT_EVERY_S
            if self.points or beat_due:
                self.flush()
                last_beat = time.monotonic()

    def stop(self) -> None:
        """Stop the flusher thread after a last flush."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.flush()

    # -- environment ------------------------------------------------------------

    def start_environment(self) -> None:
        """Compute the environment once per process, in the background."""
        if self._env_thread is None:
            from mm_jupyter.capture.environment import collect_environment

            def work() -> None:
                try:
                    self._env = collect_environment()
                except Exception as exc:  # never let a probe break tracking
                    self._env = None
                    self.warn_once("env", f"environment not recorded ({exc})")

            self._env_thread = threading.Thread(target=work, daemon=True)
            self._env_thread.start()

    def environment(self, registry: Any, timeout: float = 30.0) -> str | None:
        """Return the stored environment's digest, storing it on first use."""
        if self.environment_digest is None and self._env_thread is not None:
            self._env_thread.join(timeout)
            if self._env is not None:
                from mm_jupyter.store.runs import put_environment

                self.environment_digest = put_environment(registry, self._env)
        return self.environment_digest


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
