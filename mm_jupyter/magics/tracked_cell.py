"""Track ``%%mm_track`` cells while IPython itself runs them.

Why not a cell magic that runs the body (as ``%%time`` does): the body would be
compiled and run inside the magic's frames, so tracebacks gain our frames (IPython's
``SyntaxError`` display and ``%xmode Plain`` ignore ``__tracebackhide__``), the result
would be formatted by us as well as by the displayhook, and ``Out[n]``, ``_``,
``%tb`` and ``%debug`` would see the magic rather than the cell. Instead:

- a cleanup input transformer removes the ``%%mm_track`` line, parsing its arguments
  there so bad ones are a ``UsageError`` before anything runs or is written;
- IPython compiles, runs and displays the body like any other cell;
- ``pre_run_cell`` starts the run (params are read before the body runs) and
  ``post_run_cell`` ends it from IPython's own ``ExecutionResult``, after the inline
  backend has shown the cell's figures.

A ``%%mm_track`` line nested under another cell magic (``%%time``, ``%%capture``)
reaches the transformer while an untracked cell executes; the run then starts there.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.capture.params import (
    CellPlan,
    MetricMatcher,
    as_metric_value,
    namespace_params,
    plan_cell,
)
from mm_jupyter.magics.file_autolog import FileAutolog
from mm_jupyter.magics.provenance import CellProvenance
from mm_jupyter.magics.run_output import RunOutputs
from mm_jupyter.services.runs.recorder import status_of
from mm_jupyter.services.runs.session import get_session

MAGIC = "%%mm_track"
LEADING_SPACE = re.compile(r"\s*")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def split_track_cell(lines: list[str]) -> tuple[str, list[str]] | None:
    """Return ``(argument line, body lines)`` if ``lines`` is a tracked cell.

    ``lines`` start at the first non-blank line, as IPython's cell-magic rule has it.
    """
    if not lines or not lines[0].startswith(MAGIC):
        return None
    rest = lines[0][len(MAGIC):]
    if rest and not rest[0].isspace():
        return None  # another magic whose name starts with mm_track
    return rest.strip(), lines[1:]


def _lines(cell: str) -> list[str]:
    """The cell's lines from its first non-blank one (IPython's leading_empty_lines)."""
    lines = cell.splitlines(keepends=True)
    while lines and not lines[0].strip():
        lines.pop(0)
    return lines


@dataclass
class _Cell:
    """One ``run_cell`` in progress (they nest: a cell may call ``run_cell``)."""

    tracked: bool  # the cell itself starts with %%mm_track
    recorder: Any = None
    assigned: list[str] = field(default_factory=list)  # top-level names the body binds
    started_ns: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    watched: bool = False  # the folder watch saw the whole cell (magics/file_autolog.py)
    autolog: Any = None  # services.runs.autolog.CellAutolog while framework fits are logged
    scoring: list[str] | None = None  # the scoring call the body ends with, if any
    raw: str | None = None  # the cell as sent (a headless kernel finds its notebook by it)
    cell_id: str | None = None  # the frontend's id of the cell (JupyterLab's cellId)


class _StripTrackLine:
    """The cleanup transformer: ``%%mm_track ARGS`` line out, arguments checked."""

    # IPython's check_complete skips transformers with side effects; parsing raises.
    has_side_effects = True

    def __init__(self, cells: TrackedCells) -> None:
        self.cells = cells

    def __call__(self, lines: list[str]) -> list[str]:
        found = split_track_cell(lines)
        if found is None:
            return lines
        line, body = found
        args = self.cells.parse(line)  # UsageError: IPython shows it, nothing runs
        self.cells.nested_start(args, "".join(body))
        return body


class TrackedCells:
    """Start and end a run around each tracked cell; configured by ``MMMagics``."""

    def __init__(self, shell: Any, magics: Any) -> None:
        self.shell = shell
        self.magics = magics  # the traitlets config (auto_params, show_summary, ...)
        self.transformer = _StripTrackLine(self)
        self._cells: list[_Cell] = []
        self._last_parse: tuple[str, Any] | None = None
        self.outputs = RunOutputs(shell)
        self.provenance = CellProvenance()  # hidden-state analysis (docs/reproducibility.md)
        self.files = FileAutolog(magics)  # the files tracked cells write
        # Fitted predictors the last tracked cell bound (what its run output offers).
        self.last_models: dict[str, Any] = {}

    # -- installation -------------------------------------------------------------

    def install(self) -> None:
        """Add the transformer and the run-cell hooks to the shell."""
        cleanup = self.shell.input_transformers_cleanup
        names = [getattr(t, "__name__", "") for t in cleanup]
        # After leading_empty_lines: a cell magic is the first non-blank line.
        at = names.index("leading_empty_lines") + 1 if "leading_empty_lines" in names else 0
        cleanup.insert(at, self.transformer)
        self.shell.events.register("pre_run_cell", self.pre_run_cell)
        self.shell.events.register("post_run_cell", self.post_run_cell)
        # First of the post_execute hooks: see which figures the body changed before
        # an interactive matplotlib backend redraws them there.
        self.shell.events.callbacks["post_execute"].insert(0, self.post_execute)

    def warm_up(self) -> None:
        """Import what a tracked cell needs and open the registry, in the background.

        Called by ``%load_ext``: the first tracked cell would otherwise pay for the
        imports and the first open (~0.1-0.2 s) while the user waits. The working
        folder's watch starts walking it now too, for the same reason.
        """
        if self.magics.autolog_files:
            self.files.start_watch()

        def work() -> None:
            try:
                # What the end of a tracked cell imports: auto-logged files, the
                # run output (and the run read behind it), the model candidates.
                import mm_jupyter.api.artifacts
                import mm_jupyter.api.runs
                import mm_jupyter.display.run_output
                import mm_jupyter.magics.model_candidates
                import mm_jupyter.services.runs.queries  # noqa: F401
            except Exception:  # the cell imports them again and meets the problem
                pass
            get_session().open_quietly()

        threading.Thread(target=work, name="mm-jupyter-warm-up", daemon=True).start()

    def uninstall(self) -> None:
        """Remove what ``install`` added."""
        cleanup = self.shell.input_transformers_cleanup
        if self.transformer in cleanup:
            cleanup.remove(self.transformer)
        self.files.close()
        for cell in self._cells:  # unloaded mid-cell: take the fit patches out now
            if cell.autolog is not None:
                cell.autolog.stop()
        if "mm_jupyter.services.runs.autolog" in sys.modules:
            from mm_jupyter.services.runs.autolog import wait_for_writes

            wait_for_writes(10.0)  # models still being stored, before the registry closes
        for event, hook in (("pre_run_cell", self.pre_run_cell),
                            ("post_run_cell", self.post_run_cell),
                            ("post_execute", self.post_execute)):
            try:
                self.shell.events.unregister(event, hook)
            except ValueError:
                pass

    def parse(self, line: str) -> Any:
        """Parse the ``%%mm_track`` arguments (``UsageError`` on bad ones).

        The transformer and ``pre_run_cell`` both parse a cell's line: the second parse
        of the same line reuses the first (argparse costs ~0.1 ms; nothing mutates it).
        """
        last = self._last_parse
        if last is not None and last[0] == line:
            return last[1]
        args = self.magics.parse_track(line)
        self._last_parse = (line, args)
        return args

    # -- hooks ------------------------------------------------------------------

    def pre_run_cell(self, info: Any) -> None:
        """Start the run of a tracked cell (before its body runs)."""
        raw = info.raw_cell or ""
        # Cheap test first: this hook runs before every cell, however big.
        start = LEADING_SPACE.match(raw).end()  # type: ignore[union-attr]
        found = split_track_cell(_lines(raw)) if raw.startswith(MAGIC, start) else None
        cell = _Cell(tracked=found is not None, raw=raw,
                     cell_id=getattr(info, "cell_id", None) or None)
        self._cells.append(cell)
        number = self._number() if info.store_history else None
        if number is not None:
            self.provenance.note_cell(number, cell.cell_id)
        if found is None:
            return
        line, body = found
        try:
            args = self.parse(line)
        except Exception:  # the transformer reports it; the body does not run
            return
        transformed = getattr(info, "transformed_cell", None)
        if not transformed or transformed.lstrip().startswith(MAGIC):
            transformed = None  # IPython 8 transforms after this hook
        # The history as it will be once IPython stores this cell (after this hook).
        current = (number, info.raw_cell) if number is not None else None
        self._start(cell, args, "".join(body), transformed, current)

    def _number(self) -> int | None:
        """The execution number the running cell's history entry gets: the length of
        the raw input history before IPython stores it (IPython 9 increments
        ``execution_count`` before ``pre_run_cell``, IPython 8 after)."""
        raw = getattr(self.shell.history_manager, "input_hist_raw", None)
        return len(raw) if isinstance(raw, list) else None

    def post_execute(self) -> None:
        """Note the figures a tracked body changed (see ``install``)."""
        if self._cells and self._cells[-1].recorder is not None:
            self._guard("figures", self._cells[-1].recorder.note_stale_figures, None)

    def nested_start(self, args: Any, body: str) -> None:
        """Start a run for a ``%%mm_track`` body met inside an untracked cell."""
        if self._cells and not self._cells[-1].tracked and self._cells[-1].recorder is None:
            self._start(self._cells[-1], args, body, None)

    def post_run_cell(self, result: Any) -> None:
        """End the run from IPython's result, then show the summary."""
        if not self._cells:
            return
        cell = self._cells.pop()
        recorder = cell.recorder
        if recorder is None:
            return
        error = result.error_before_exec or result.error_in_exec
        # ipykernel replies "error" when formatting the result raised, though
        # IPython's result says success: the run says what Jupyter shows.
        shown = getattr(self.shell, "_last_traceback_during_displayhook", False)
        status, error_text = status_of(error), None
        if error is None and shown is True:
            status = "failed"
            error_text = ANSI.sub("", "\n".join(self.shell._last_traceback or []))
        metrics: dict[str, float] = {}
        models: dict[str, Any] = {}
        session = get_session()
        run_id = recorder.run.id
        # A run spooled to the journal (registry unwritable) has no registry row yet.
        in_registry = run_id is not None and run_id not in session.journaled
        # The fits happened whatever the cell did after them: they are recorded.
        logged = None
        if cell.autolog is not None:
            logged = self._guard("autolog", cell.autolog.finish, None)
        if status == "finished":
            metrics = self._guard("metrics", lambda: self.auto_metrics(cell.assigned), {})
            if cell.scoring is not None:
                metrics.update(self._guard("metrics", lambda: self._score(cell, result), {}))
            if self.magics.autolog_files and in_registry and session.opened is not None:
                self._guard("autolog", lambda: self.files.log_written(
                    recorder.run, cell.started_ns, cell.watched), None)
            models = self._guard("models", lambda: self._remember_models(cell, logged), {})
        self.last_models = models
        recorder.finish(status, exc=error, auto_metrics=metrics, error_text=error_text)
        if self.magics.show_summary and run_id is not None and run_id not in session.journaled:
            self.outputs.show(run_id, models, logged, self.magics.register_button)

    # -- the run ------------------------------------------------------------------

    def _start(
        self,
        cell: _Cell,
        args: Any,
        body: str,
        source: str | None,
        current: tuple[int, str] | None = None,
    ) -> None:
        session = get_session()
        try:
            if source is None:
                source = self._python(body)
            config = self.magics
            # One analysis of the body serves params, metrics and models alike.
            plan = plan_cell(
                source, max_items=config.auto_param_max_items, max_str=config.auto_param_max_str
            )
            cell.assigned = plan.assigned
            cell.recorder = self._recorder(args, body, plan, current, cell)
            cell.recorder.run.pending_metrics = lambda: self.auto_metrics(cell.assigned)
            # mtimes come from a coarse kernel clock: allow a few ticks of slack
            cell.started_ns = time.time_ns() - 10_000_000
            cell.watched = self._guard("autolog", self.files.cell_started, False)
            cell.recorder.start()
        except Exception as exc:  # tracking is a courtesy: the cell runs regardless
            cell.recorder = None
            session.warn_once("start", f"run not recorded ({type(exc).__name__}: {exc})")
            return
        if self.magics.autolog:
            self._guard("autolog", lambda: self._start_autolog(cell, source), None)

    def _start_autolog(self, cell: _Cell, source: str) -> None:
        """Log framework fits while the body runs, and note a scoring call ending it."""
        from mm_jupyter.capture.autolog.scoring import scoring_call
        from mm_jupyter.services.runs.autolog import CellAutolog

        config, recorder = self.magics, cell.recorder
        cell.scoring = scoring_call(source)
        cell.autolog = CellAutolog(
            get_session(),
            recorder.run,
            max_child_runs=config.autolog_max_child_runs,
            max_model_bytes=config.autolog_max_mb * 1024 * 1024,
            namespace=self.shell.user_ns,
            keep_params={key for key, _, origin in recorder.params if origin == "explicit"},
        )
        cell.autolog.start()

    def _python(self, body: str) -> str:
        try:
            return str(self.shell.transform_cell(body))
        except Exception:
            return body

    def _recorder(
        self, args: Any, body: str, plan: CellPlan, current: tuple[int, str] | None,
        cell: _Cell,
    ) -> Any:
        from mm_jupyter.services.runs.recorder import RunRecorder

        shell, session, config = self.shell, get_session(), self.magics
        namespace = shell.user_ns
        rows: dict[str, tuple[str, Any, str]] = {}
        if config.auto_params:
            is_metric = MetricMatcher(config.metric_pattern)
            if plan.error:
                session.warn_once("params", f"no auto params for this cell ({plan.error})")
            for key, value in namespace_params(plan, namespace).items():
                rows[key] = (key, value, "namespace")
            for key, value in plan.literals.items():
                if not is_metric(key):
                    rows[key] = (key, value, "auto")
        for key, value in args.params.items():
            rows[key] = (key, value, "explicit")
        path, cell_id = self.outputs.locate(cell.raw, cell.cell_id)
        experiment = args.experiment or session.experiment
        if experiment is None and path:
            experiment = path.rsplit("/", 1)[-1].removesuffix(".ipynb")
        # What the user typed (%magics included), not the transformed Python in `In`.
        raw = getattr(shell.history_manager, "input_hist_raw", None)
        history = list(enumerate(raw))[1:] if isinstance(raw, list) else None
        if history is not None and current is not None and current[0] > len(history):
            history.append(current)
        notebook = config.notebooks.snapshot(path) if path else (None, None)
        reproducibility = None
        if current is not None:
            reproducibility = self._guard("reproducibility", lambda: self.provenance.analyse(
                history, current, cell_id, config.notebooks.cells(path) if path else None,
                namespace, shell.user_ns_hidden), None)
        return RunRecorder(
            session,
            name=args.name,
            experiment=experiment,
            tags=args.tags,
            params=list(rows.values()),
            code=body,
            history=history,
            notebook_path=path,
            cell_id=cell_id,
            notebook=notebook,
            shell=shell,
            capture_outputs=not args.no_capture_outputs,
            reproducibility=reproducibility,
        )

    def auto_metrics(self, assigned: list[str]) -> dict[str, float]:
        """Scalars bound to the metric-like names among ``assigned``, now."""
        if not self.magics.auto_metrics:
            return {}
        is_metric = MetricMatcher(self.magics.metric_pattern)
        namespace = self.shell.user_ns
        found = {}
        for name in assigned:
            if is_metric(name) and name in namespace:
                number = as_metric_value(namespace[name])
                if number is not None:
                    found[name] = number
        return found

    def _score(self, cell: _Cell, result: Any) -> dict[str, float]:
        """The metric of a scoring call ending the cell (``accuracy_score``, ``score``),
        read from the value IPython displayed: nothing is called again."""
        from mm_jupyter.capture.autolog.scoring import scored_metric

        if cell.scoring is None:
            return {}
        return scored_metric(cell.scoring, getattr(result, "result", None), self.shell.user_ns)

    def _remember_models(self, cell: _Cell, logged: Any) -> dict[str, Any]:
        # Imported here, as the warm-up does: it loads the model flavors.
        from mm_jupyter.magics.model_candidates import remember_models

        return remember_models(get_session(), self.shell.user_ns, cell.assigned,
                               cell.recorder.run.id, logged)

    @staticmethod
    def _guard(kind: str, work: Any, default: Any) -> Any:
        """Run one capture step; an odd object or a failing registry only warns."""
        try:
            return work()
        except Exception as exc:
            get_session().warn_once(kind, f"{kind} not recorded ({type(exc).__name__}: {exc})")
            return default
