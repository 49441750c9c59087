"""``%mm`` verbs to share work with a team registry: ``push`` and ``pull``."""

from __future__ import annotations

from argparse import Namespace

from IPython.core.error import UsageError

from mm_jupyter.errors import MMError
from mm_jupyter.magics.verb_args import arg, non_empty, verb


class SyncVerbs:
    """Mixed into ``MMMagics``: each ``_verb_X`` is ``%mm X``."""

    # services.sync is imported on use: it loads the store, which %load_ext must not
    # wait for.

    @verb("push", "REMOTE [-e EXP] [--run RUN]... [--dry-run]",
          arg("remote", metavar="REMOTE", type=non_empty, help="a remote (mm-jupyter remote add)"),
          arg("-e", "--experiment", metavar="EXP", type=non_empty,
              help="only the runs of this experiment"),
          arg("--run", dest="runs", action="append", default=[], metavar="RUN",
              help="only this run (id, id prefix or name); repeat for more"),
          arg("--dry-run", action="store_true", help="say what would move, move nothing"),
          description="Send this registry's new runs, artifacts and models to a team registry.")
    def _verb_push(self, args: Namespace) -> None:
        from mm_jupyter.api.sync import push
        from mm_jupyter.display.sync import sync_report_text

        try:
            report = push(args.remote, experiment=args.experiment, runs=args.runs,
                          dry_run=args.dry_run)
        except (MMError, ValueError) as exc:
            raise UsageError(f"%mm push: {exc}") from None
        print(sync_report_text(report))

    @verb("pull", "REMOTE --model NAME... [--run RUN]... [--dry-run]",
          arg("remote", metavar="REMOTE", type=non_empty, help="a remote (mm-jupyter remote add)"),
          arg("--model", dest="models", action="append", default=[], metavar="NAME",
              help="a registered model, every version with its lineage; repeat for more"),
          arg("--run", dest="runs", action="append", default=[], metavar="RUN",
              help="a run of the remote, with its lineage; repeat for more"),
          arg("--dry-run", action="store_true", help="say what would move, move nothing"),
          description="Bring team models (and runs) here, with their lineage.")
    def _verb_pull(self, args: Namespace) -> None:
        from mm_jupyter.api.sync import pull
        from mm_jupyter.display.sync import sync_report_text

        try:
            report = pull(args.remote, models=args.models, runs=args.runs, dry_run=args.dry_run)
        except (MMError, ValueError) as exc:
            raise UsageError(f"%mm pull: {exc}") from None
        print(sync_report_text(report))
