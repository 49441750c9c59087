"""IPython magics: ``%%mm_track`` and ``%mm <verb>``. Thin adapters over ``api``.

Parsing is all a magic does on its own; bad arguments raise ``UsageError`` naming
the bad token before the cell body runs or anything is written. Every ``%mm`` verb
declares its arguments with ``verb_args.verb``; ``%%mm_track`` uses IPython's
``magic_arguments``.
"""

from __future__ import annotations

import ast
import shlex
from argparse import Namespace
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import (
    Magics,
    cell_magic,
    line_magic,
    magics_class,
)
from IPython.core.magic_arguments import argument, magic_arguments
from traitlets import Bool, Enum, Int, List, Unicode, observe

from mm_jupyter.capture.params import (
    DEFAULT_METRIC_PATTERN,
    LITERAL_MAX_ITEMS,
    LITERAL_MAX_STR,
)
from mm_jupyter.capture.written_files import DEFAULT_EXCLUDE, DEFAULT_INCLUDE
from mm_jupyter.core.paging import MAX_LIMIT
from mm_jupyter.magics.artifacts import ArtifactVerbs
from mm_jupyter.magics.models import ModelVerbs
from mm_jupyter.magics.monitoring import MonitorVerbs
from mm_jupyter.magics.sync import SyncVerbs
from mm_jupyter.magics.verb_args import arg, bounded_int, non_empty, verb
from mm_jupyter.services.runs.session import get_session

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
  %mm push REMOTE [-e EXP] [--run RUN] [--dry-run]   send new work to a team registry
  %mm pull REMOTE --model NAME [--run RUN] [--dry-run]   bring a team model here, with lineage
  %mm help                    this help
  %mm VERB --help             the arguments of one verb

%%mm_track [--name N] [--experiment E] [--tag k=v]... [--param k=v]...
           [--no-capture-outputs]
  runs the cell as usual and records it as a run: code, params, metrics,
  outputs, figures, environment, and what scikit-learn, XGBoost and LightGBM
  fits tell (%config MMMagics.autolog = False to stop that; mm.autolog() picks
  frameworks). Log more with mm.log_metric(key, value, step).
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
class MMMagics(ArtifactVerbs, ModelVerbs, MonitorVerbs, SyncVerbs, Magics):
    """The mm-jupyter magics; configure with ``%config MMMagics.<option> = ...``."""

    show_summary = Bool(True, help="Show a run summary below each tracked cell.").tag(
        config=True
    )
    auto_params = Bool(
        True, help="Record literal assignments and scalar inputs as params."
    ).tag(config=True)
    auto_param_max_items = Int(
        LITERAL_MAX_ITEMS, help="Longest list/tuple literal recorded as an auto param."
    ).tag(config=True)
    auto_param_max_str = Int(
        LITERAL_MAX_STR, help="Longest string literal recorded as an auto param."
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
    autolog_watch = Bool(
        True,
        help="Find the files tracked cells write by watching the working directory"
        " (Linux inotify) rather than scanning it after each cell.",
    ).tag(config=True)
    autolog_include = List(
        Unicode(), list(DEFAULT_INCLUDE), help="Globs of files to auto-log."
    ).tag(config=True)
    autolog_exclude = List(
        Unicode(), list(DEFAULT_EXCLUDE), help="Globs of files never auto-logged."
    ).tag(config=True)
    register_button = Bool(
        True, help="Offer Register in a tracked cell's run output for the model it stored."
    ).tag(config=True)
    autolog_max_mb = Int(1024, help="Files larger than this are not auto-logged.").tag(
        config=True
    )
    autolog = Bool(
        True,
        help="Log framework fits in tracked cells (scikit-learn, XGBoost, LightGBM):"
        " params, fit time, training metrics, the model; mm.autolog() picks frameworks.",
    ).tag(config=True)
    autolog_max_child_runs = Int(
        100, help="Most candidates of a hyper-parameter search recorded as child runs."
    ).tag(config=True)
    autolog_datasets = Enum(
        ["fingerprint", "store"],
        "fingerprint",
        help="Data passed to fit(): record its fingerprint only, or store its bytes too.",
    ).tag(config=True)

    @observe("autolog_datasets")
    def _dataset_mode_changed(self, change: dict[str, Any]) -> None:
        try:
            from mm_jupyter.services.runs.fit_inputs import set_dataset_mode
        except ImportError:  # fingerprinting not installed: nothing to tell
            return
        set_dataset_mode(change["new"])

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        # Set by load_ipython_extension: the hooks that record tracked cells.
        self.tracked_cells: Any = None
        from mm_jupyter.capture.notebook import NotebookSnapshots

        self.notebooks = NotebookSnapshots()

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
    @cell_magic
    def mm_track(self, line: str, cell: str) -> Any:
        """Run the cell and record it as a run (see ``%mm help``).

        A cell starting with ``%%mm_track`` never reaches this function: the input
        transformer of ``capture/tracked_cell.py`` removes the line and IPython runs
        the body itself. This entry point stays for ``%%mm_track?`` and for code that
        calls ``run_cell_magic("mm_track", ...)``: it runs the cell the same way.
        """
        self.parse_track(line)
        result = self.shell.run_cell(f"%%mm_track {line}\n{cell}", store_history=False)
        return None if result is None else result.result

    def parse_track(self, line: str) -> Any:
        """Parse ``%%mm_track`` arguments; ``UsageError`` names the bad token."""
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

    @verb("experiment", "NAME", arg("name", metavar="NAME", type=non_empty,
                                     help="the experiment of the runs started next"),
          description="Set the experiment of the next runs.")
    def _verb_experiment(self, args: Namespace) -> None:
        from mm_jupyter.api import runs as api

        try:
            api.set_experiment(args.name)
        except ValueError as exc:
            raise UsageError(f"%mm experiment: {exc}") from None
        print(f"experiment: {args.name}")

    @verb("runs", "[-e EXP] [-n N]",
          arg("-e", "--experiment", metavar="EXP", type=non_empty,
              help="only the runs of this experiment"),
          arg("-n", "--limit", metavar="N", type=bounded_int(1, MAX_LIMIT), default=20,
              help=f"how many runs, newest first (1..{MAX_LIMIT}, default 20)"),
          description="Show a table of recent runs.")
    def _verb_runs(self, args: Namespace) -> Any:
        from mm_jupyter.api import runs as api
        from mm_jupyter.display.runs import RunsTable

        return RunsTable(api.list_runs(args.experiment, limit=args.limit))

    @verb("show", "RUN", arg("run", metavar="RUN", help="a run id, id prefix or name"),
          description="Show one run.")
    def _verb_show(self, args: Namespace) -> Any:
        from mm_jupyter.api import runs as api
        from mm_jupyter.display.runs import RunSummary
        from mm_jupyter.errors import NotFoundError

        try:
            return RunSummary(api.get_run(args.run))
        except NotFoundError as exc:
            raise UsageError(str(exc)) from None

    @verb("diff", "RUN_A [RUN_B] [--volatile]",
          arg("run_a", metavar="RUN_A", help="a run id, id prefix or name"),
          arg("run_b", metavar="RUN_B", nargs="?",
              help="the other run (default: the notebook as it is now on disk)"),
          arg("--volatile", action="store_true",
              help="also compare execution counts, cell ids and volatile metadata"),
          description="Show what changed between two runs.")
    def _verb_diff(self, args: Namespace) -> Any:
        from mm_jupyter.api.diff import diff
        from mm_jupyter.capture.notebook import notebook_path
        from mm_jupyter.errors import NotFoundError

        try:
            if args.run_b is not None:
                return diff(args.run_a, args.run_b, volatile=args.volatile)
            return diff(args.run_a, volatile=args.volatile,
                        notebook_path=notebook_path(self.shell.user_ns))
        except (NotFoundError, ValueError, OSError) as exc:
            raise UsageError(f"%mm diff: {exc}") from None


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics and the tracked-cell hooks; probe the environment."""
    from mm_jupyter.capture.environment import collect_environment_apart
    from mm_jupyter.magics.tracked_cell import TrackedCells

    magics = MMMagics(shell=ipython)
    ipython.register_magics(magics)
    magics.tracked_cells = TrackedCells(ipython, magics)
    magics.tracked_cells.install()
    get_session().start_environment(collect_environment_apart)
    magics.tracked_cells.warm_up()


def unload_ipython_extension(ipython: Any) -> None:
    """Remove the magics and hooks and flush what is buffered."""
    manager = ipython.magics_manager
    instance = manager.registry.pop("MMMagics", None)
    manager.magics["cell"].pop("mm_track", None)
    manager.magics["line"].pop("mm", None)
    tracked = getattr(instance, "tracked_cells", None)
    if tracked is not None:
        tracked.uninstall()
    get_session().stop()
