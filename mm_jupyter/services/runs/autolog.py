"""Record what framework autologging reports during a tracked cell.

``CellAutolog.start`` installs the patches of the enabled frameworks already imported
(``capture/autolog``) with itself as the sink; each outermost fit is described and
recorded as it returns: params (source ``autolog``, written once at the end), metrics
(``fit_time_s``, ``train.*``, evaluation series, ``best_*``) as points, the data it
was given as the run's inputs (``fit_inputs.py``, when present). ``finish`` removes
the patches and writes the rest: params, the candidates of a search as child runs, and
the model of the last fit as an artifact of kind ``model`` named ``<run>-model``
(content-addressed, so an identical refit adds no version and no bytes), from which
``register_model(run=...)`` registers without the kernel.

Nothing here raises into the user's cell: a failure warns once and the cell goes on.
"""

from __future__ import annotations

import atexit
import queue
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from mm_jupyter.capture.autolog import FRAMEWORKS, patches_for
from mm_jupyter.capture.autolog.fits import FitSummary, describe
from mm_jupyter.capture.autolog.patching import PATCHES, FitCall
from mm_jupyter.core.names import name_problem
from mm_jupyter.identity import current_user
from mm_jupyter.services.models import flavors
from mm_jupyter.services.runs.session import Session
from mm_jupyter.services.runs.spooling import write_for_run
from mm_jupyter.services.runs.state import ActiveRun
from mm_jupyter.store import artifacts as artifact_store
from mm_jupyter.store import runs as store_runs
from mm_jupyter.store.child_runs import ChildRun, add_child_runs

MODEL_MEDIA_TYPE = "application/octet-stream"
DEFAULT_MAX_CHILD_RUNS = 100


@dataclass(frozen=True)
class AutologSettings:
    """Which frameworks autologging covers and what it records (``mm.autolog``)."""

    sklearn: bool = True
    xgboost: bool = True
    lightgbm: bool = True
    training_metrics: bool = True  # train.* metrics (one prediction on the training data)
    log_models: bool = True  # the fitted model as an artifact of the run

    def frameworks(self) -> set[str]:
        return {name for name in FRAMEWORKS if getattr(self, name)}


_SETTINGS = AutologSettings()
_SETTINGS_LOCK = threading.Lock()


def configure(**changes: bool | None) -> AutologSettings:
    """Change the process's autolog settings (``None`` keeps a value); return them."""
    global _SETTINGS
    unknown = set(changes) - set(asdict(_SETTINGS))
    if unknown:
        raise TypeError(f"unknown autolog setting(s): {', '.join(sorted(unknown))}")
    given = {k: v for k, v in changes.items() if v is not None}
    for key, value in given.items():
        if not isinstance(value, bool):
            raise TypeError(f"autolog {key} must be True or False, not {value!r}")
    with _SETTINGS_LOCK:
        _SETTINGS = replace(_SETTINGS, **given)
        return _SETTINGS


def current_settings() -> AutologSettings:
    """Return the process's autolog settings."""
    return _SETTINGS


@dataclass
class LoggedModel:
    """The model a tracked cell's fits left (stored as ``<run>-model`` in the background)."""

    model: Any
    label: str  # the estimator's class name: what the Register button shows


class BackgroundWrites:
    """Model artifacts being stored after their cell ended, by one worker thread.

    One long-lived thread, not one per cell: starting a thread hands it the GIL, and
    the cell that started it would wait a switch interval (5 ms) for it back.
    ``wait`` returns once everything submitted is stored: registering a run's model
    waits for it, and so does the process's exit.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jobs: queue.Queue[Callable[[], Any]] = queue.Queue()
        self.thread: threading.Thread | None = None

    def submit(self, work: Callable[[], Any]) -> None:
        self.jobs.put(work)
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._work, name="mm-jupyter-autolog-model", daemon=True
                )
                self.thread.start()

    def _work(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                job()  # jobs catch their own errors (CellAutolog._guard)
            except BaseException:
                pass
            finally:
                self.jobs.task_done()

    def wait(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        with self.jobs.all_tasks_done:
            while self.jobs.unfinished_tasks:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self.jobs.all_tasks_done.wait(left)


WRITES = BackgroundWrites()
atexit.register(WRITES.wait)


def wait_for_writes(timeout: float = 60.0) -> None:
    """Return once the models autologged so far are stored (or ``timeout`` passed)."""
    WRITES.wait(timeout)


class CellAutolog:
    """Autologging for one tracked cell (one run)."""

    def __init__(
        self,
        session: Session,
        run: ActiveRun,
        *,
        max_child_runs: int = DEFAULT_MAX_CHILD_RUNS,
        max_model_bytes: int | None = None,
        namespace: Mapping[str, Any] | None = None,
        keep_params: set[str] | frozenset[str] = frozenset(),
        settings: AutologSettings | None = None,
    ) -> None:
        self.session = session
        self.run = run
        self.settings = settings or current_settings()
        self.max_child_runs = max(0, int(max_child_runs))
        self.max_model_bytes = max_model_bytes
        self.namespace = namespace
        self.keep_params = set(keep_params)  # explicit params autolog never replaces
        self.lock = threading.RLock()
        self.params: dict[str, Any] = {}
        self.children: list[ChildRun] = []
        self.last: FitSummary | None = None  # the fit whose model the run keeps
        self.n_fits = 0
        self.started = False

    # -- the cell -----------------------------------------------------------------

    def start(self) -> None:
        """Install the patches of the enabled frameworks that are already imported."""
        if self.run.id is None:
            return  # nothing would be recorded
        try:
            PATCHES.activate(self.on_fit, patches_for(self.settings.frameworks()))
            self.started = True
        except Exception as exc:
            PATCHES.deactivate(self.on_fit)
            self._warn(f"autologging is off for this cell ({type(exc).__name__}: {exc})")

    def stop(self) -> None:
        """Remove the patches (when no other tracked cell is running); never raises."""
        if self.started:
            self.started = False
            try:
                PATCHES.deactivate(self.on_fit)
            except Exception as exc:
                self._warn(f"patches not removed ({type(exc).__name__}: {exc})")

    def finish(self) -> LoggedModel | None:
        """Stop, then write params, child runs and the model; return the model kept."""
        self.stop()
        with self.lock:
            params, self.params = self.params, {}
            children, self.children = self.children, []
            last, self.last = self.last, None
        run_id = self.run.id
        if run_id is None or not (params or children or last):
            return None
        if params:
            rows = [(key, value, "autolog") for key, value in params.items()]
            self._guard("params", lambda: write_for_run(
                self.session, run_id, "params", store_runs.log_params, rows))
        registry = self._registry()
        if children and registry is not None:
            self._guard("child runs", lambda: add_child_runs(registry, run_id, children))
        if last is None or last.model is None:
            return None
        if self.settings.log_models and registry is not None:
            # Pickled now (the object may change after the cell), stored in the
            # background: a new model's blob is fsynced twice (tens of ms on some
            # disks), which the next cell need not wait for.
            model = self._guard("model", lambda: self._pickled(last))
            if model is not None:
                WRITES.submit(lambda: self._guard("model", lambda: self._store_model(registry, *model)))
        return LoggedModel(last.model, last.model_class)

    # -- fits -------------------------------------------------------------------

    def on_fit(self, call: FitCall) -> None:
        """The sink: describe and record one outermost fit; never raises ``Exception``."""
        try:
            self._on_fit(call)
        except Exception as exc:
            self._warn(f"a {call.framework} fit was not fully recorded ({type(exc).__name__}: {exc})")

    def _on_fit(self, call: FitCall) -> None:
        summary = describe(
            call,
            with_metrics=self.settings.training_metrics,
            max_candidates=self.max_child_runs,
        )
        for problem in summary.problems:
            self._warn(problem)
        session, run = self.session, self.run
        with self.lock:
            self.n_fits += 1
            for key, value in summary.params.items():
                if key not in self.keep_params:
                    self.params[key] = value
            for key, value in summary.metrics.items():
                session.add_point(run, key, run.next_step(key, None), float(value))
            for key, values in summary.series.items():
                for step, value in enumerate(values):
                    session.add_point(run, key, run.next_step(key, step), value)
            if summary.search is not None:
                self._add_search(summary)
            if summary.model is not None and _keeps(summary, self.last):
                self.last = summary
        inputs, summary.inputs = summary.inputs, {}  # the run keeps no data alive
        if inputs:
            self._record_inputs(inputs)

    def _add_search(self, summary: FitSummary) -> None:
        search = summary.search
        assert search is not None
        for key, value in search.best_params.items():
            self.params[f"best.{key}"] = value
        if search.n_candidates > len(search.candidates):
            self._warn(
                f"{search.n_candidates} search candidates: the best"
                f" {len(search.candidates)} are recorded as child runs"
                " (MMMagics.autolog_max_child_runs)"
            )
        width = len(str(max(search.n_candidates - 1, 0)))
        for candidate in search.candidates:
            self.children.append(ChildRun(
                name=f"{self.run.name}/candidate-{candidate.index:0{width}d}",
                params=[(k, v, "autolog") for k, v in candidate.params.items()],
                metrics=candidate.metrics,
                duration_s=candidate.fit_time_s,
                tags={"mm.search_index": str(candidate.index)},
            ))

    def _record_inputs(self, inputs: dict[str, Any]) -> None:
        """Hand the fit's data to fingerprinting (another module; skipped if absent)."""
        try:
            from mm_jupyter.services.runs.fit_inputs import record_fit_inputs
        except ImportError:
            return
        registry = self._registry()
        run_id = self.run.id
        if registry is None or run_id is None:
            return
        named = {self._variable(value, default): value for default, value in inputs.items()}
        try:
            record_fit_inputs(registry, run_id, named)
        except Exception as exc:
            self._warn(f"fit inputs not recorded ({type(exc).__name__}: {exc})", kind="fit-inputs")

    def _variable(self, value: Any, default: str) -> str:
        """The name the cell's namespace binds ``value`` to, else ``default``."""
        if self.namespace is not None:
            try:
                for name, bound in list(self.namespace.items()):
                    if bound is value and not name.startswith("_"):
                        return str(name)
            except Exception:
                pass
        return default

    # -- the model artifact -----------------------------------------------------

    def _pickled(self, summary: FitSummary) -> tuple[FitSummary, str, bytes, dict[str, Any]] | None:
        """Return what ``_store_model`` needs, read from the model now."""
        model = summary.model
        flavor = flavors.flavor_of(model)
        data = flavors.dump(model, flavor)
        if self.max_model_bytes is not None and len(data) > self.max_model_bytes:
            self._warn(
                f"model not logged: {len(data) / 1e6:.0f} MB is over MMMagics.autolog_max_mb",
                kind="autolog-model-size",
            )
            return None
        described = {
            "config": flavors.config_of(model),
            "signature": flavors.signature_of(model),
            "requirements": _requirements(model, flavor),
        }
        return summary, flavor, data, described

    def _store_model(
        self, registry: Any, summary: FitSummary, flavor: str, data: bytes,
        described: dict[str, Any],
    ) -> str:
        model = summary.model
        name = self._model_name(registry)
        digest = registry.blobs.put_bytes(data)
        metadata: dict[str, Any] = {
            "autolog": True,
            "class": f"{type(model).__module__}.{type(model).__qualname__}",
            "framework": summary.framework,
            **described,
            # who stored these bytes, from where: load_model trusts only its own
            "registered_by": {"user": current_user(), "host": socket.gethostname()},
        }
        if summary.importance:
            metadata["feature_importance"] = {
                "type": summary.importance_type, "values": summary.importance,
            }
        version_id, _ = artifact_store.add_version(
            registry,
            artifact_store.NewVersion(
                name=name, kind="model", digest=digest, size=len(data),
                media_type=MODEL_MEDIA_TYPE, format=flavor, file_name="model.joblib",
                metadata=metadata, run_id=self.run.id,
                blobs=[(digest, len(data), MODEL_MEDIA_TYPE)],
            ),
            user=current_user(),
        )
        return str(artifact_store.get_version(registry, version_id)["ref"])

    def _model_name(self, registry: Any) -> str:
        """``<run name>-model``, or ``run-<id>-model`` when that name is not free."""
        for name in (f"{self.run.name}-model", f"run-{self.run.id}-model"):
            if name_problem(name) is not None:
                continue
            try:
                artifact_store.check_artifact_name_free(registry, name, "model")
            except ValueError:
                continue
            return name
        raise ValueError(f"no free artifact name for the model of run {self.run.id}")

    # -- helpers ----------------------------------------------------------------

    def _registry(self) -> Any:
        session = self.session
        if self.run.id is None or self.run.id in session.journaled:
            return None  # a spooled run has no registry row to hang things on
        return session.registry()

    def _guard(self, what: str, work: Any) -> Any:
        try:
            return work()
        except Exception as exc:
            self._warn(f"autolog {what} not recorded ({type(exc).__name__}: {exc})")
            return None

    def _warn(self, message: str, *, kind: str = "autolog") -> None:
        self.session.warn_once(kind, message)


def _keeps(new: FitSummary, current: FitSummary | None) -> bool:
    """Whether the run keeps ``new``'s model over ``current``'s: the last fit, but a
    predictor is not replaced by a transformer fitted after it."""
    if current is None:
        return True
    return _predicts(new.model) or not _predicts(current.model)


def _predicts(model: Any) -> bool:
    try:
        return callable(getattr(model, "predict", None))
    except Exception:
        return False


# Package versions do not change while a kernel runs, and reading them costs
# milliseconds (importlib.metadata scans the installed distributions); requirements
# depend only on the model's top-level package and flavour.
_REQUIREMENTS: dict[tuple[str, str], dict[str, Any]] = {}


def _requirements(model: Any, flavor: str) -> dict[str, Any]:
    key = (str(type(model).__module__).partition(".")[0], flavor)
    if key not in _REQUIREMENTS:
        _REQUIREMENTS[key] = flavors.requirements_of(model, flavor)
    return dict(_REQUIREMENTS[key])
