"""A run's lifecycle around the user's code: start, capture, finish.

``RunRecorder`` never raises on the user's behalf: if the registry fails, it warns
once and the user's code runs and returns exactly as it would untracked.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
import time
import traceback
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

from mm_jupyter.capture.environment import collect_environment_apart
from mm_jupyter.capture.objects import custom_objects
from mm_jupyter.capture.outputs import OutputCapture
from mm_jupyter.errors import MMError, RegistryError
from mm_jupyter.identity import current_user
from mm_jupyter.services.runs import spooling
from mm_jupyter.services.runs.session import Session
from mm_jupyter.services.runs.state import ActiveRun
from mm_jupyter.store import runs as store_runs
from mm_jupyter.store.objects import CodeObject, record_run_objects

MAX_ERROR_CHARS = 20_000
# Set by monitoring's notebook trigger for the kernel it starts (see monitoring/triggers.py).
TRIGGER_ENV = "MM_JUPYTER_TRIGGERED_BY"
TRIGGER_TAG = "mm.triggered_by"
# Set by services/runs/rerun.py for the kernel that re-executes a run: the new run
# names its original, so the re-run report can find it.
RERUN_ENV = "MM_JUPYTER_RERUN_OF"
RERUN_TAG = "rerun_of"
# sqlite3.DatabaseError: a damaged file must never stop the cell (store/db.py
# translates it, this is the belt to those braces).
_RECOVERABLE = (RegistryError, MMError, OSError, ValueError, TypeError, sqlite3.DatabaseError)



def status_of(error: BaseException | None) -> str:
    """The status a run ends with when its code raised ``error`` (or nothing)."""
    if error is None:
        return "finished"
    return "interrupted" if isinstance(error, KeyboardInterrupt) else "failed"


def format_error(exc: BaseException) -> str:
    """Return a bounded traceback text; never raises (even for a hostile ``__str__``)."""
    tb = exc.__traceback__
    # Skip the frames of the tracking machinery: show the user's code first.
    while tb is not None and tb.tb_next is not None and (
        tb.tb_frame.f_globals.get("__name__", "").startswith(("mm_jupyter", "IPython"))
    ):
        tb = tb.tb_next
    try:
        text = "".join(traceback.format_exception(type(exc), exc, tb))
    except BaseException:
        text = f"{type(exc).__qualname__} (its message could not be formatted)"
    if len(text) > MAX_ERROR_CHARS:
        text = text[:2000] + "\n...\n" + text[-(MAX_ERROR_CHARS - 2000) :]
    return text


class RunRecorder:
    """Record one run: a tracked cell or a ``with mm.track():`` block."""

    def __init__(
        self,
        session: Session,
        *,
        name: str | None,
        experiment: str | None,
        tags: dict[str, str] | None = None,
        params: Sequence[tuple[str, Any, str]] = (),
        code: str | None = None,
        history: Sequence[tuple[int, str]] | None = None,
        notebook_path: str | None = None,
        cell_id: str | None = None,
        notebook: tuple[str | None, str | None] = (None, None),
        shell: Any = None,
        capture_outputs: bool = True,
        reproducibility: dict[str, Any] | None = None,
    ) -> None:
        self.session = session
        self.name = name
        self.experiment = experiment or session.experiment or "default"
        self.tags = dict(tags or {})
        # A notebook run headlessly by a monitoring trigger: its runs name the alert,
        # so the alert can link the retraining run (monitoring/dispatch.py).
        triggered_by = os.environ.get(TRIGGER_ENV)
        if triggered_by:
            self.tags.setdefault(TRIGGER_TAG, triggered_by[:200])
        rerun_of = os.environ.get(RERUN_ENV)
        if rerun_of:
            self.tags.setdefault(RERUN_TAG, rerun_of[:200])
        self.params = list(params)
        self.code = code
        self.history = history
        self.notebook_path = notebook_path
        self.cell_id = cell_id
        self.notebook = notebook
        self.reproducibility = reproducibility
        self.shell = shell
        self.capture = OutputCapture(shell) if capture_outputs else None
        self.run = ActiveRun(None, name or "", self.experiment)
        self._t0 = 0.0
        self._figures_before: dict[int | str, int] = {}
        self.error_text: str | None = None
        self._stale_figures: set[int] = set()

    # -- start ------------------------------------------------------------------

    def start(self) -> ActiveRun:
        """Create the run row and begin capturing; a registry failure only warns."""
        self._t0 = time.perf_counter()
        session = self.session
        session.start_environment(collect_environment_apart)
        run_id = store_runs.new_run_id()
        self.run.name = self.name or f"run-{run_id[:6]}"
        text, digest = self.notebook
        try:
            # Stored, or journaled when the registry refuses (mm_jupyter/spooling.py).
            recorded = spooling.record_start(
                session,
                store_runs.NewRun(
                    id=run_id,
                    name=self.run.name,
                    experiment=self.experiment,
                    started_at=store_runs.iso_now(),
                    user=current_user(),
                    host=socket.gethostname(),
                    pid=os.getpid(),
                    notebook_path=self.notebook_path,
                    tags=self.tags,
                    params=self.params,
                    cell_source=self.code,
                    history=self.history,
                    notebook_text=text,
                    notebook_digest=digest,
                    heartbeat_ts=time.time(),
                    history_kernel=session.kernel_key,
                    cell_id=self.cell_id,
                    reproducibility=self.reproducibility,
                ),
            )
            if recorded:
                self.run.id = run_id
                session.ensure_flusher()
        except _RECOVERABLE as exc:
            session.warn_once("start", f"run not recorded ({exc})")
        session.active.append(self.run)
        self._figures_before = _figures()
        if self.capture is not None:
            try:
                self.capture.__enter__()
            except Exception as exc:  # capture is optional; the cell is not
                self.capture = None
                session.warn_once("capture", f"outputs not captured ({exc})")
        return self.run

    def note_stale_figures(self) -> None:
        """Remember which figures the body changed, before an interactive backend
        redraws them at ``post_execute`` (which clears their ``stale`` flag)."""
        self._stale_figures |= _stale_figures()

    # -- finish -----------------------------------------------------------------

    def finish(
        self,
        status: str,
        *,
        exc: BaseException | None = None,
        auto_metrics: dict[str, float] | None = None,
        error_text: str | None = None,
    ) -> None:
        """End capture and write the run's end state; never raises.

        ``error_text`` is the error of a failure without an exception of its own
        (a result whose repr raised: the kernel reports the cell failed).
        """
        self.error_text = error_text
        duration = time.perf_counter() - self._t0
        if self.capture is not None:
            self.capture.__exit__(None, None, None)
            # Figures a non-inline backend never showed (the inline backend's PNGs
            # were captured as displayed; rendering them again costs ~40 ms each).
            try:
                for png in _new_figure_pngs(self._figures_before, self._stale_figures):
                    self.capture.add_figure(png)
            except Exception as error:  # a figure is the user's to see, not ours
                self.session.warn_once("figures", f"figures not recorded ({error})")
        if self.run in self.session.active:
            self.session.active.remove(self.run)
        if self.run.id is None:
            return
        # Before the end: the end moves the change cursor the sidebar polls.
        self._write_objects(self._custom_objects())
        try:
            self._write_end(status, duration, exc, auto_metrics or {})
        except Exception as error:
            self.session.warn_once("finish", f"run end not recorded ({error})")

    def _custom_objects(self) -> list[CodeObject]:
        """The user-defined functions and classes the cell used (capture/objects.py)."""
        namespace = getattr(self.shell, "user_ns", None)
        if self.code is None or not isinstance(namespace, Mapping):
            return []  # a `with mm.track():` block: no cell to read names from
        try:
            return custom_objects(self.code, namespace)
        except Exception as error:  # our bug or a truly odd namespace: the cell goes on
            self.session.warn_once("objects", f"custom objects not recorded ({error})")
            return []

    def _write_objects(self, objects: list[CodeObject]) -> None:
        session, run_id = self.session, self.run.id
        # A journaled run has no registry row to link them to yet.
        if not objects or run_id is None or run_id in session.journaled:
            return
        registry = session.registry()
        if registry is None:
            return
        try:
            record_run_objects(registry, run_id, objects)
        except Exception as error:  # a failing registry never fails the cell
            session.warn_once("objects", f"custom objects not recorded ({error})")

    def _write_end(
        self,
        status: str,
        duration: float,
        exc: BaseException | None,
        auto_metrics: dict[str, float],
    ) -> None:
        session, run = self.session, self.run
        for key, value in auto_metrics.items():
            session.add_point(run, key, run.next_step(key, None), value)
        capture = self.capture
        session.flush()
        # Retried, then spooled to the journal if the registry keeps refusing.
        spooling.record_end(
            session,
            run.id or "",
            status=status,
            duration_s=duration,
            error=self.error_text if exc is None else format_error(exc),
            capture=capture,
        )


def _figures() -> dict[int | str, int]:
    """Return ``{figure number: id(figure)}`` of open pyplot figures (no import)."""
    if "matplotlib.pyplot" not in sys.modules:
        return {}
    from matplotlib._pylab_helpers import Gcf

    return {m.num: id(m.canvas.figure) for m in Gcf.get_all_fig_managers()}


# PNG digest of each figure as last recorded: a figure left open (non-inline
# backends) is recorded again only when its picture changed.
_RECORDED_FIGURES: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def _stale_figures() -> set[int]:
    """Return ``id(figure)`` of open pyplot figures changed since last drawn."""
    if "matplotlib.pyplot" not in sys.modules:
        return set()
    from matplotlib._pylab_helpers import Gcf

    return {id(m.canvas.figure) for m in Gcf.get_all_fig_managers() if m.canvas.figure.stale}


def _new_figure_pngs(before: dict[int | str, int], stale: set[int]) -> list[bytes]:
    """Return PNGs of figures created or changed (``stale``) since ``before``."""
    if "matplotlib.pyplot" not in sys.modules:
        return []
    import matplotlib

    if "inline" in str(matplotlib.get_backend()):
        return []  # the inline backend showed (and captured) every figure itself
    import hashlib
    import io

    from matplotlib._pylab_helpers import Gcf

    pngs = []
    for manager in Gcf.get_all_fig_managers():
        fig = manager.canvas.figure
        if before.get(manager.num) == id(fig) and not fig.stale and id(fig) not in stale:
            continue
        buffer = io.BytesIO()
        try:
            fig.savefig(buffer, format="png", bbox_inches="tight")
        except Exception:
            continue  # a figure that cannot render is the user's to see, not ours
        png = buffer.getvalue()
        digest = hashlib.sha256(png).hexdigest()
        if _RECORDED_FIGURES.get(fig) == digest:
            continue
        _RECORDED_FIGURES[fig] = digest
        pngs.append(png)
    return pngs
