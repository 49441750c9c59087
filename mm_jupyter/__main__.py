"""``python -m mm_jupyter ...``: the CLI, for when the ``mm-jupyter`` script is not on PATH
(a notebook starting ``serve`` with its own interpreter, for instance)."""

from mm_jupyter.cli.main import run

run()
