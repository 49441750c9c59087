"""Custom objects in a real kernel (ipykernel through nbclient): ipykernel compiles each
cell under its own file name (``/tmp/ipykernel_PID/HASH.py``) and keeps the text only
in ``linecache``, where ``inspect.getsource`` finds no class. The run must still
record every function's and class's exact source."""

from __future__ import annotations

import textwrap

import nbformat
import pytest
from nbclient import NotebookClient

from mm_jupyter.services.diff.comparison import compare_runs
from mm_jupyter.services.runs.queries import run_detail
from mm_jupyter.store import open_registry

pytestmark = pytest.mark.slow

CELLS = [
    "%load_ext mm_jupyter\n%config MMMagics.show_summary = False",
    textwrap.dedent("""\
        import numpy as np
        from sklearn.base import BaseEstimator, TransformerMixin
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        def squash(X):
            return np.tanh(X)"""),
    textwrap.dedent("""\
        class MyFeatures(BaseEstimator, TransformerMixin):
            def __init__(self, k=2):
                self.k = k

            def fit(self, X, y=None):
                return self

            def transform(self, X):
                return squash(X[:, : self.k])"""),
    "class Settings:\n    seed = 0",
    textwrap.dedent("""\
        X = np.random.default_rng(0).normal(size=(40, 3))
        y = (X[:, 0] > 0).astype(int)
        clf = make_pipeline(MyFeatures(k=2), LogisticRegression())"""),
    "%%mm_track --name first\nimport helpers_local\nclf.fit(X, y)\n"
    "helpers_local.shift(Settings.seed)",
    "def squash(X):\n    return np.clip(X, -1, 1)",
    "%%mm_track --name second\nimport helpers_local\nclf.fit(X, y)\n"
    "helpers_local.shift(Settings.seed)",
]


def test_a_real_kernel_records_exact_sources_and_the_diff_sees_a_change(registry_dir, tmp_path):
    # Given a notebook whose folder holds a local module
    (tmp_path / "helpers_local.py").write_text("def shift(x):\n    return x + 1\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    # When a real kernel runs it
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    # Then the tracked cells showed their result and nothing of ours
    for cell in (nb.cells[5], nb.cells[7]):
        assert [o.get("data", {}).get("text/plain") for o in cell.outputs] == ["1"]
    with open_registry(registry_dir) as registry:
        first = {o["name"]: o for o in run_detail(registry, "first")["objects"]}
        # and the first run recorded every object with its exact source, from the
        # notebook's cells and from the local module
        assert set(first) == {"MyFeatures", "squash", "Settings", "shift"}
        assert first["MyFeatures"]["source"] == CELLS[2] + "\n"
        assert first["Settings"]["source"] == CELLS[3] + "\n"
        assert first["squash"]["source"] == "def squash(X):\n    return np.tanh(X)\n"
        assert (first["shift"]["module"], first["MyFeatures"]["module"]) == (
            "helpers_local", "__main__")
        # and the diff of the two runs names the one function redefined between them
        objects = compare_runs(registry, "first", "second")["objects"]
    (changed,) = objects["changed"]
    assert changed["name"] == "squash"
    assert {"op": "replace", "a": ["    return np.tanh(X)"],
            "b": ["    return np.clip(X, -1, 1)"]} in changed["source"]
    assert objects["added"] == objects["removed"] == []
