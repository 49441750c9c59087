"""A tracked cell shows exactly what the untracked cell shows, in a real kernel.

The same notebook runs twice in fresh kernels: plain, and with ``%%mm_track`` on every
code cell. Tracebacks (every ``%xmode``, runtime errors, ``SyntaxError``,
``IndentationError``), results, ``Out``/``_``, ``%tb`` and reprs that raise must be
the same text, and the run of each cell must have the status Jupyter shows.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# ipykernel names a cell's code file by a hash of the raw cell, which includes the
# %%mm_track line: a different cell text, so a different (never shown) file name.
CELL_FILE = re.compile(r"\b\d{6,}\.py\b")
ADDRESS = re.compile(r"0x[0-9a-f]{6,}")  # object addresses differ between kernels

FAILING = [
    "def inner(x):\n    return 1 / x\n\ndef outer():\n    return inner(0)\n\nouter()",
    "values = [1, 2]\nvalues[5]",
    "if True:\n    x = (1,\n",  # SyntaxError: never closed
    "def f():\nreturn 1",  # IndentationError
    "x = 1 +* 2",  # SyntaxError
    "undefined_name + 1",
    "raise ValueError('exact message')",
    "import json\njson.loads('{bad')",
]

CELLS = [
    "import sys\nsys.tracebacklimit = None",
    "1 + 1",
    "_ * 21",
    "Out[2] + 1",
    "class ReprBoom:\n    def __repr__(self):\n        raise RuntimeError('repr boom')\n"
    "    def _repr_html_(self):\n        raise RuntimeError('html boom')\n\nReprBoom()",
    "print('before'); 7;",
    *[
        cell
        for mode in ("Context", "Plain", "Verbose", "Minimal", "Docs")
        for cell in [f"%xmode {mode}", *FAILING, "%tb"]
    ],
]


def kernel_env(registry):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MM_JUPYTER")}
    return {**env, "MM_JUPYTER_HOME": str(registry)}


def run(cells, registry, cwd, tracked):
    nb = nbformat.v4.new_notebook()
    first = "%load_ext mm_jupyter\n%config MMMagics.show_summary = False" if tracked else "pass"
    nb.cells = [nbformat.v4.new_code_cell(first)] + [
        nbformat.v4.new_code_cell(("%%mm_track\n" if tracked else "") + c) for c in cells
    ]
    env_cwd = {"metadata": {"path": str(cwd)}}
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", allow_errors=True, resources=env_cwd
    )
    client.execute(env=kernel_env(registry))
    return nb.cells[1:]


def shown(cell):
    """What the user sees of a cell: every output as text, colours removed."""
    out = []
    for o in cell.outputs:
        if o.output_type == "error":
            text = ADDRESS.sub("0x…", ANSI.sub("", "\n".join(o.traceback)))
            out.append(("error", o.ename, CELL_FILE.sub("<cell>.py", o.evalue),
                        CELL_FILE.sub("<cell>.py", text)))
        elif o.output_type == "stream":
            out.append(("stream", o.name, o.text))
        else:
            data = {k: v for k, v in o.get("data", {}).items()}
            out.append((o.output_type, json.dumps(data, sort_keys=True)))
    return out


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    base = tmp_path_factory.mktemp("tracebacks")
    (base / "plain").mkdir()
    (base / "tracked").mkdir()
    plain = run(CELLS, base / "reg-plain", base / "plain", tracked=False)
    tracked = run(CELLS, base / "reg", base / "tracked", tracked=True)
    return plain, tracked, base / "reg"


@pytest.mark.parametrize("index", range(len(CELLS)))
def test_tracked_cell_shows_what_the_plain_cell_shows(executed, index):
    plain, tracked, _ = executed
    assert shown(tracked[index]) == shown(plain[index]), CELLS[index]
    assert tracked[index].execution_count == plain[index].execution_count


def test_each_tracked_cell_is_one_run_with_the_status_jupyter_shows(executed):
    plain, _, registry = executed
    done = subprocess.run(
        [sys.executable, "-m", "mm_jupyter.cli.main", "runs", "list", "-n", "500", "--json"],
        env=kernel_env(registry),
        capture_output=True, text=True, check=True,
    )
    runs = sorted(json.loads(done.stdout), key=lambda r: r["started_at"])
    assert len(runs) == len(CELLS)
    for cell, source, run in zip(plain, CELLS, runs, strict=True):
        # %tb shows the last error again; the kernel replies "ok" to it.
        failed = any(o.output_type == "error" for o in cell.outputs) and source != "%tb"
        assert run["status"] == ("failed" if failed else "finished"), source
