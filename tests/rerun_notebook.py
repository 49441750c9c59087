"""One notebook executed through a real kernel (nbclient) whose runs the re-run and
checkout tests share: a seeded fit on a logged CSV, an unseeded metric, a run that
reads a pinned artifact, and one that needs a file no cell of its program makes."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import nbformat
from nbclient import NotebookClient

CELLS = [
    "%load_ext mm_jupyter\n%config MMMagics.show_summary = False\nimport mm_jupyter as mm\n"
    "import numpy as np, pandas as pd\nfrom sklearn.linear_model import LogisticRegression",
    # The CSV is written by a cell the clean run does not need: only the restored
    # input can give the re-run its data.
    "rng = np.random.default_rng(0)\n"
    "frame = pd.DataFrame({'a': rng.normal(size=200), 'b': rng.normal(size=200)})\n"
    "frame['y'] = (frame.a + frame.b > 0).astype(int)\n"
    "frame.to_csv('data.csv', index=False)\n"
    "v = mm.log_artifact('data.csv', name='data.csv', kind='dataset')",
    "unrelated = 1 / 0 if False else 3",
    "%%mm_track --name clean\n"
    "df = pd.read_csv('data.csv')\n"
    "model = LogisticRegression(random_state=0, C=0.5).fit(df[['a', 'b']], df.y)\n"
    "acc = model.score(df[['a', 'b']], df.y)\n"
    "mm.log_metric('coef', float(model.coef_[0][0]))\n"
    "print('rows', len(df))",
    "%%mm_track --name noisy\nnoise = np.random.rand()\nmm.log_metric('noise', noise)",
    "t1 = mm.log_artifact('first', name='notes', format='text')",
    "%%mm_track --name pinned\n"
    "text = open(mm.use_artifact('notes')).read()\n"
    "mm.log_metric('chars', len(text))",
    "t2 = mm.log_artifact('the second version', name='notes', format='text')",
    "open('side.txt', 'w').write('made by hand')",
    "%%mm_track --name fragile\nside = open('side.txt').read()\nmm.log_metric('side', len(side))",
]


def run_notebook(folder: Path, registry: Path) -> SimpleNamespace:
    """Execute ``CELLS`` in ``folder`` against ``registry``; return the run ids by name."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    env = {**os.environ, "MM_JUPYTER_HOME": str(registry)}
    for name in ("MM_JUPYTER_RERUN_OF", "MM_JUPYTER_PINNED_INPUTS", "JPY_SESSION_NAME"):
        env.pop(name, None)
    client = NotebookClient(nb, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    client.execute(env=env)
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    from mm_jupyter.store import open_registry

    with open_registry(registry) as reg, reg.read() as conn:
        ids = {name: run_id for run_id, name in conn.execute("SELECT id, name FROM runs")}
    return SimpleNamespace(**ids)
