"""IPython magics: ``%%mm_track`` and ``%mm <verb>``. Thin adapters over ``api``.

Parsing is all a magic does on its own; bad arguments raise ``UsageError`` naming
the bad token before the cell body runs or anything is written.
"""

from __future__ import annotations

import ast
import shlex
import time
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import (
    Magics,
    cell_magic,
    line_magic,
    magics_class,
    output_can_be_silenced,
)
from IPython.core.magic_arguments import argument, magic_arguments
from traitlets import Bool, Int, List, Unicode

from mm_jupyter.artifacts.autolog import DEFAULT_EXCLUDE, DEFAULT_INCLUDE
from mm_jupyter.artifacts.verbs import ArtifactVerbs
from mm_jupyter.capture.params import (
    DEFAULT_METRIC_PATTERN,
    MetricMatcher,
    as_metric_value,
    namespace_params,
    plan_cell,
)
from mm_jupyter.models.verbs import ModelVerbs
from mm_jupyter.monitoring.verbs import MonitorVerbs
from mm_jupyter.session import get_session

HELP = """\
%mm <verb> — model management in the notebook

  %mm experiment NAME         set the experiment of the next runs
  %mm runs [-e EXP] [-n N]    table of recent runs
  %mm show RUN                one run (id, id prefix or name)
  %mm artifacts               table of artifacts
  %mm artifact NAME           the versions of an artifact
  %mm lineage NAME[:vN]|RUN   lineage graph (what produced and used it)
  %mm register VAR --name N [--alias A] [--stage S] [--tag k=v] [--description D]
               [--owner O] [--reference-data VAR]   register a fitted model
  %mm models                  table of registered models
  %mm diff RUN_A [RUN_B]      what changed between two runs (or RUN_A vs the notebook now)
  %mm model NAME              the versions of a model, with stages and aliases
  %mm monitor NAME[@alias]    monitoring summary: latest values, alerts, charts
  %mm alerts [NAME] [firing|resolved]   monitoring alerts with their actions
  %mm help                    this help

%%mm_track [--name N] [--experiment E] [--tag k=v]... [--param k=v]...
           [--no-capture-outputs]
  runs the cell as usual and records it as a run: code, params, metrics,
  outputs, figures, environment. Log more with mm.log_metric(key, value, step).
"""


def _pairs(values: list[str] | None, flag: str) -> dict[str, str]:
    pairs = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{flag} expects KEY=VALUE, got {item!r}")
        pairs[key.strip()] = value
    return pairs


def _param_value(text: str) -> Any:
    """Return ``text`` as a Python literal when it is one (``0.1``, ``[1, 2]``)."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


@magics_class
class MMMagics(ArtifactVerbs, ModelVerbs, MonitorVerbs, Magics):
    """The mm-jupyter magics; configure with ``%config MMMagics.<option> = ...``."""

    show_summary = Bool(True, help="Show a run summary below each tracked cell.").tag(
        config=True
    )
    auto_params = Bool(
        True, help="Record literal assignments and scalar inputs as params."
    ).tag(config=True)
    auto_metrics = Bool(
        True, help="Record scalar results with metric-like names as metrics."
    ).tag(config=True)
    metric_pattern = Unicode(
        DEFAULT_METRIC_PATTERN, help="Regular expression of metric-like names."
    ).tag(config=True)
    autolog_files = Bool(
        True, help="Log files a tracked cell wrote under the working directory."
    ).tag(config=True)
    autolog_include = List(
        Unicode(), list(DEFAULT_INCLUDE), help="Globs of files to auto-log."
    ).tag(config=True)
    autolog_exclude = List(
        Unicode(), list(DEFAULT_EXCLUDE), help="Globs of files never auto-logged."
    ).tag(config=True)
    register_button = Bool(
        True, help="Offer a Register button for fitted models below a tracked cell."
    ).tag(config=True)
    autolog_max_mb = Int(1024, help="Files larger than this are not auto-logged.").tag(
        config=True
    )

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        from mm_jupyter.capture.notebook import NotebookSnapshots

        self.notebooks = NotebookSnapshots()
        self._pending_summary: Any = None
        self._pending_models: dict[str, Any] = {}

    # -- %%mm_track -------------------------------------------------------------

    @magic_arguments()
    @argument("--name", "-n", help="Run name (default: run-<id>).")
    @argument("--experiment", "-e", help="Experiment name (default: the current one).")
    @argument("--tag", "-t", action="append", metavar="KEY=VALUE", help="A tag; repeat.")
    @argument("--param", "-p", action="append", metavar="KEY=VALUE", help="A param; repeat.")
    @argument(
        "--no-capture-outputs",
        action="store_true",
        help="Do not record stdout/stderr, display outputs or figures.",
    )
    @output_can_be_silenced
    @cell_magic
    def mm_track(self, line: str, cell: str) -> Any:
        """Run the cell and record it as a run (see ``%mm help``)."""
        __tracebackhide__ = True  # noqa: F841 - hide this frame in user tracebacks
        args = self._parse_track(line)
        from mm_jupyter.capture.execution import is_silenced, run_body, transform

        shell = self.shell
        source = transform(shell, cell)
        recorder = self._recorder(args, cell, source)
        recorder.run.pending_metrics = lambda: self._auto_metrics(source)
        # mtimes come from a coarse kernel clock: allow a few ticks of slack
        self._started_ns = time.time_ns() - 10_000_000
        recorder.start()
        try:
            result = run_body(shell, source, cell)
        except KeyboardInterrupt as exc:
            recorder.finish("interrupted", exc=exc)
            self._schedule_summary(recorder)
            raise
        except BaseException as exc:
            recorder.finish("failed", exc=exc)
            self._schedule_summary(recorder)
            raise
        if self.autolog_files and recorder.run.id is not None:
            self._autolog(recorder)
        self._remember_models(recorder, source)
        recorder.finish(
            "finished",
            result=None if is_silenced(cell) else result,
            auto_metrics=self._auto_metrics(source),
        )
        self._schedule_summary(recorder)
        return result

    def _parse_track(self, line: str) -> Any:
        # shlex in POSIX mode, so --name "my run" loses its quotes (IPython's
        # arg_split keeps them on Linux); the parser raises UsageError itself.
        try:
            argv = shlex.split(line)
        except ValueError as exc:  # unbalanced quotes
            raise UsageError(f"%%mm_track {line!r}: {exc}") from None
        args = self.mm_track.parser.parse_args(argv)
        args.tags = _pairs(args.tag, "--tag")
        args.params = {k: _param_value(v) for k, v in _pairs(args.param, "--param").items()}
        for flag in ("name", "experiment"):
            value = getattr(args, flag)
            if value is not None and not value.strip():
                raise UsageError(f"--{flag} must not be empty")
        return args

    def _recorder(self, args: Any, cell: str, source: str) -> Any:
        from mm_jupyter.capture.notebook import notebook_path
        from mm_jupyter.capture.recorder import RunRecorder

        shell, session = self.shell, get_session()
        namespace = shell.user_ns
        is_metric = MetricMatcher(self.metric_pattern)
        rows: dict[str, tuple[str, Any, str]] = {}
        if self.auto_params:
            plan = plan_cell(source)
            for key, value in namespace_params(plan, namespace).items():
                rows[key] = (key, value, "namespace")
            for key, value in plan.literals.items():
                if not is_metric(key):
                    rows[key] = (key, value, "auto")
        for key, value in args.params.items():
            rows[key] = (key, value, "explicit")
        path = notebook_path(namespace)
        experiment = args.experiment or session.experiment
        if experiment is None and path:
            experiment = path.rsplit("/", 1)[-1].removesuffix(".ipynb")
        # What the user typed (%magics included), not the transformed Python in `In`.
        history = getattr(shell.history_manager, "input_hist_raw", None)
        return RunRecorder(
            session,
            name=args.name,
            experiment=experiment,
            tags=args.tags,
            params=list(rows.values()),
            code=cell,
            history=list(enumerate(history))[1:] if isinstance(history, list) else None,
            notebook_path=path,
            notebook=self.notebooks.snapshot(path) if path else (None, None),
            shell=shell,
            capture_outputs=not args.no_capture_outputs,
        )

    def _autolog(self, recorder: Any) -> None:
        """Log files the cell wrote (never failing the cell)."""
        from pathlib import Path

        from mm_jupyter.artifacts.api import log_artifact
        from mm_jupyter.artifacts.autolog import written_files

        session = get_session()
        try:
            root = Path.cwd()
            registry_root = str(session.registry().root)
            for path in written_files(
                root,
                self._started_ns,
                include=self.autolog_include,
                exclude=self.autolog_exclude,
                max_bytes=self.autolog_max_mb * 1024 * 1024,
                skip=recorder.run.logged_paths,
            ):
                if str(path).startswith(registry_root):
                    continue
                log_artifact(path, name=path.relative_to(root).as_posix())
        except Exception as exc:  # auto-logging is a courtesy; the cell's work stands
            session.warn_once("autolog", f"written files not logged ({exc})")

    def _remember_models(self, recorder: Any, source: str) -> None:
        """Note fitted models the cell bound: registering them later links this run."""
        if recorder.run.id is None:
            return
        from mm_jupyter.models.widgets import fitted_models

        try:
            found = fitted_models(self.shell.user_ns, plan_cell(source).assigned)
        except Exception:  # an odd object must not break the cell
            return
        session = get_session()
        for model in found.values():
            session.remember_model(model, recorder.run.id)
        self._pending_models = found

    def _auto_metrics(self, source: str) -> dict[str, float]:
        if not self.auto_metrics:
            return {}
        is_metric = MetricMatcher(self.metric_pattern)
        namespace = self.shell.user_ns
        found = {}
        for name in plan_cell(source).assigned:
            if is_metric(name) and name in namespace:
                number = as_metric_value(namespace[name])
                if number is not None:
                    found[name] = number
        return found

    def _schedule_summary(self, recorder: Any) -> None:
        # Shown from post_run_cell so it lands below the cell's Out[n] and figures.
        if not self.show_summary or recorder.run.id is None:
            return
        self._pending_summary = recorder.run.id
        if recorder.run.id is None or not self._pending_models:
            self._pending_models = {}
        events = self.shell.events
        if self._show_summary not in events.callbacks["post_run_cell"]:
            events.register("post_run_cell", self._show_summary)

    def _show_summary(self, *_: Any) -> None:
        run_id, self._pending_summary = self._pending_summary, None
        if run_id is None:
            return
        from IPython.display import display

        from mm_jupyter import api
        from mm_jupyter.display import RunSummary

        models, self._pending_models = self._pending_models, {}
        try:
            display(RunSummary(api.get_run(run_id)))
            if models and self.register_button:
                from mm_jupyter.models.widgets import register_panel

                display(register_panel(models, run_id))
        except Exception as exc:  # a summary is a courtesy, never an error
            get_session().warn_once("summary", f"summary not shown ({exc})")

    # -- %mm --------------------------------------------------------------------

    @line_magic
    def mm(self, line: str) -> Any:
        """Model management verbs; ``%mm help`` lists them."""
        try:
            words = shlex.split(line)
        except ValueError as exc:
            raise UsageError(f"%mm {line!r}: {exc}") from None
        if not words or words[0] in ("help", "-h", "--help"):
            print(HELP)
            return None
        verb, rest = words[0], words[1:]
        handler = getattr(self, f"_verb_{verb}", None)
        if handler is None:
            verbs = ", ".join(n[6:] for n in dir(self) if n.startswith("_verb_"))
            raise UsageError(f"unknown %mm verb {verb!r}; verbs: {verbs}, help")
        return handler(rest)

    def _verb_experiment(self, rest: list[str]) -> None:
        from mm_jupyter import api

        if len(rest) != 1:
            raise UsageError("usage: %mm experiment NAME")
        api.set_experiment(rest[0])
        print(f"experiment: {rest[0]}")

    def _verb_runs(self, rest: list[str]) -> Any:
        from mm_jupyter import api
        from mm_jupyter.display import RunsTable

        experiment, limit = None, 20
        it = iter(rest)
        for word in it:
            if word in ("-e", "--experiment"):
                experiment = next(it, None)
            elif word in ("-n", "--limit"):
                value = next(it, "")
                if not value.isdigit() or not 1 <= int(value) <= 500:
                    raise UsageError(f"{word} expects a number 1..500, got {value!r}")
                limit = int(value)
            else:
                raise UsageError(f"%mm runs: unexpected {word!r}")
            if experiment == "":
                raise UsageError("--experiment expects a name")
        return RunsTable(api.list_runs(experiment, limit=limit))

    def _verb_show(self, rest: list[str]) -> Any:
        from mm_jupyter import api
        from mm_jupyter.display import RunSummary
        from mm_jupyter.errors import NotFoundError

        if len(rest) != 1:
            raise UsageError("usage: %mm show RUN")
        try:
            return RunSummary(api.get_run(rest[0]))
        except NotFoundError as exc:
            raise UsageError(str(exc)) from None


    def _verb_diff(self, rest: list[str]) -> Any:
        from mm_jupyter.capture.notebook import notebook_path
        from mm_jupyter.diffing.api import diff
        from mm_jupyter.errors import NotFoundError

        volatile = "--volatile" in rest
        refs = [r for r in rest if r != "--volatile"]
        if not 1 <= len(refs) <= 2 or any(r.startswith("-") for r in refs):
            raise UsageError("usage: %mm diff RUN_A [RUN_B] [--volatile]")
        try:
            if len(refs) == 2:
                return diff(refs[0], refs[1], volatile=volatile)
            return diff(refs[0], volatile=volatile,
                        notebook_path=notebook_path(self.shell.user_ns))
        except (NotFoundError, ValueError, OSError) as exc:
            raise UsageError(f"%mm diff: {exc}") from None


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics and start the environment probe in the background."""
    ipython.register_magics(MMMagics)
    get_session().start_environment()


def unload_ipython_extension(ipython: Any) -> None:
    """Remove the magics and flush what is buffered."""
    manager = ipython.magics_manager
    instance = manager.registry.pop("MMMagics", None)
    manager.magics["cell"].pop("mm_track", None)
    manager.magics["line"].pop("mm", None)
    if instance is not None:
        try:
            ipython.events.unregister("post_run_cell", instance._show_summary)
        except ValueError:
            pass
    get_session().stop()
