"""Data lineage from fit() through a real kernel (nbclient): autologging hands the data
of a scikit-learn fit to fingerprinting; a CSV logged earlier and read back with pandas
is the run's input, unlogged data becomes a fingerprint-only dataset version (or a
stored one with MMMagics.autolog_datasets = "store"), and a model registered from the
run reaches the CSV in its lineage."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

CELLS = [
    "%load_ext mm_jupyter\n%config MMMagics.show_summary = False\nimport mm_jupyter as mm\n"
    "import numpy as np, pandas as pd\nfrom sklearn.linear_model import LogisticRegression",
    "rng = np.random.default_rng(0)\n"
    "pd.DataFrame({'age': rng.integers(18, 90, 300), 'income': rng.normal(5e4, 1e4, 300),\n"
    "              'churned': rng.integers(0, 2, 300)}).to_csv('churn.csv', index=False)\n"
    "v = mm.log_artifact('churn.csv', name='churn.csv', kind='dataset')\nv.ref",
    "df = pd.read_csv('churn.csv')",
    "%%mm_track --name train\n"
    "X, y = df.drop(columns='churned'), df['churned']\n"
    "clf = LogisticRegression(max_iter=500).fit(X, y)\n"
    "clf.n_features_in_",
    "%%mm_track --name arrays\n"
    "features = rng.random((200, 4)); labels = (features[:, 0] > 0.5).astype(int)\n"
    "LogisticRegression().fit(features, labels).classes_.tolist()",
    "%config MMMagics.autolog_datasets = 'store'",
    "%%mm_track --name stored\n"
    "frame = pd.DataFrame(rng.random((50, 2)), columns=['a', 'b']); target = frame['a'] > 0.5\n"
    "LogisticRegression().fit(frame, target).n_features_in_",
    "version = mm.register_model(clf, 'churn-clf')\n"
    "sorted(n['id'] for n in mm.lineage(f'churn-clf:v{version.version}').graph['nodes'])",
    "mm.get_artifact('features')",
]


def test_fit_inputs_through_a_real_kernel(registry_dir, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    result = [c.outputs[-1]["data"]["text/plain"] if c.outputs else None for c in nb.cells]
    # The tracked cells' results are what they are without tracking.
    assert result[3] == "2" and result[4] == "[0, 1]" and result[6] == "2"
    lineage_nodes = result[7]
    assert "'version:churn.csv:v1'" in lineage_nodes and "'version:churn-clf:v1'" in lineage_nodes
    # The notebook shows a fit input with its profile.
    html = nb.cells[8].outputs[-1]["data"]["text/html"]
    assert "fingerprint only" in html and "200 rows" in html

    from mm_jupyter.services.artifacts import catalog
    from mm_jupyter.store import open_registry

    with open_registry(registry_dir) as registry:
        def input_edges(name):
            with registry.read() as conn:
                run_id = conn.execute("SELECT id FROM runs WHERE name = ?", (name,)).fetchone()[0]
            graph = catalog.lineage_graph(registry, run=run_id, depth=1)
            return {e["source"]: e["via"] for e in graph["edges"] if e["kind"] == "input"}

        # X and y are columns of the logged CSV: one input, the CSV itself
        assert input_edges("train") == {"version:churn.csv:v1": "fit"}
        # unlogged arrays: fingerprint-only versions named after the variables
        assert input_edges("arrays") == {"version:features:v1": "fit", "version:labels:v1": "fit"}
        features = catalog.get_version(registry, "features")
        assert features["stored"] is False and features["metadata"]["shape"] == [200, 4]
        # store mode: the bytes are kept
        assert input_edges("stored") == {"version:frame:v1": "fit", "version:target:v1": "fit"}
        assert catalog.get_version(registry, "frame")["stored"] is True
