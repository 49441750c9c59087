"""Real kernels: the example notebook, identical outputs, kill and interrupt."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def execute(nb, cwd, **kw):
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}, **kw
    )
    client.execute()
    return nb


def query(registry_dir, sql, *params):
    """Rows of ``sql``, read through the registry interface (SQLite or PostgreSQL)."""
    from mm_jupyter.store import open_registry

    with open_registry(registry_dir) as registry, registry.read() as conn:
        return conn.execute(sql, params).fetchall()


def test_quickstart_example_runs_and_records_two_runs(registry_dir, tmp_path):
    nb = nbformat.read(ROOT / "examples" / "quickstart.ipynb", as_version=4)
    execute(nb, ROOT / "examples")
    from mm_jupyter.store import open_registry
    from mm_jupyter.store.details import run_detail

    registry = open_registry(registry_dir)
    baseline = run_detail(registry, "baseline")
    assert baseline["run"]["status"] == "finished"
    params = baseline["run"]["params"]
    assert {k: params[k] for k in ("n_estimators", "learning_rate", "max_depth")} == {
        "n_estimators": 60, "learning_rate": 0.1, "max_depth": 2}
    # the fit's params are autologged too (the model's value of a literal's key wins)
    assert params["subsample"] == 1.0 and baseline["param_sources"]["subsample"] == "autolog"
    assert 0.8 < baseline["run"]["metrics"]["acc"] <= 1.0
    assert len(baseline["metrics"]["val_loss"]) == 60
    assert baseline["run"]["n_figures"] == 1
    assert "precision" in baseline["outputs"][0]["text"]
    assert baseline["environment"]["packages"]["scikit-learn"]
    tuned = run_detail(registry, "tuned")
    assert tuned["run"]["status"] == "finished"
    # the summary is displayed below the tracked cell
    summaries = [o for o in nb.cells[5].outputs if "mm-run-summary" in o.get("data", {}).get("text/html", "")]
    assert len(summaries) == 1
    # data prep feeds training: lineage links the runs through the dataset versions
    prep = run_detail(registry, "prep")
    assert prep["run"]["params"] == {"test_size": 0.25, "seed": 0}
    assert [v["ref"] for v in prep["artifacts"]["outputs"]] == ["cancer-test:v1", "cancer-train:v1"]
    assert [v["ref"] for v in baseline["artifacts"]["inputs"]] == ["cancer-test:v1", "cancer-train:v1"]
    # the tuned model is registered from the notebook and promoted
    from mm_jupyter.store.model_queries import version_detail

    clf = version_detail(registry, "cancer-clf@production")
    assert clf["ref"] == "cancer-clf:1" and clf["aliases"] == ["champion"]
    assert clf["run"]["name"] == "tuned" and clf["config"]["n_estimators"] == 150
    assert [h["to"] for h in clf["history"]] == ["1", "production"]
    assert nb.cells[15].outputs[0]["data"]["text/plain"] == str(tuned["run"]["metrics"]["acc"])
    diff_html = nb.cells[-1].outputs[0]["data"]["text/html"]
    assert "learning_rate" in diff_html and 'data-diff-op="insert"' in diff_html
    lineage_svg = nb.cells[12].outputs[0]["data"]["text/html"]
    assert "cancer-train:v1" in lineage_svg and "baseline" in lineage_svg and "prep" in lineage_svg


BODIES = [
    "print('out'); import sys; print('err', file=sys.stderr)\n21 * 2",
    "from IPython.display import HTML, display\ndisplay(HTML('<b>x</b>'))\nvalue = [1, 2]\nvalue",
    "5;",
    "import matplotlib.pyplot as plt\nplt.plot([3, 1, 2])",
    "raise ValueError('same error')",
    "for i in range(3):\n    print(i)",
    "def f():\n    return undefined_name\nf()",
]


def _comparable(outputs):
    """Outputs minus what differs between any two runs (object addresses)."""
    result = []
    for o in outputs:
        if o.output_type == "error":
            result.append(("error", o.ename, o.evalue))
        elif o.output_type == "stream":
            result.append(("stream", o.name, o.text))
        else:
            result.append((o.output_type, dict(o.data)))
    return json.loads(re.sub(r"0x[0-9a-f]+", "0x?", json.dumps(result)))


def test_outputs_are_identical_with_and_without_tracking(registry_dir, tmp_path):
    # Given each body as a plain cell and as a tracked cell
    cells = [nbformat.v4.new_code_cell("%load_ext mm_jupyter\n%config MMMagics.show_summary = False")]
    for body in BODIES:
        cells.append(nbformat.v4.new_code_cell(body))
        cells.append(nbformat.v4.new_code_cell("%%mm_track\n" + body))
    nb = nbformat.v4.new_notebook(cells=cells)
    execute(nb, tmp_path, allow_errors=True)
    # Then every pair shows exactly the same outputs
    for i, body in enumerate(BODIES):
        plain, tracked = nb.cells[1 + 2 * i], nb.cells[2 + 2 * i]
        assert _comparable(tracked.outputs) == _comparable(plain.outputs), body
    statuses = [r[0] for r in query(registry_dir, "SELECT status FROM runs ORDER BY started_at")]
    assert statuses == ["finished", "finished", "finished", "finished", "failed", "finished", "failed"]


def test_notebook_file_is_snapshotted_when_its_path_is_known(registry_dir, tmp_path, monkeypatch):
    path = tmp_path / "snap.ipynb"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("%load_ext mm_jupyter"),
        nbformat.v4.new_code_cell("%%mm_track --name snap\nx = 1"),
        nbformat.v4.new_code_cell("%%mm_track --name snap2\nx = 2"),
    ])
    nbformat.write(nb, path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))  # what jupyter_server sets
    execute(nb, tmp_path)
    rows = query(
        registry_dir,
        "SELECT r.name, r.notebook_path, r.experiment_id, c.content FROM runs r"
        " JOIN code_snapshots c ON c.digest = r.notebook_digest ORDER BY r.started_at",
    )
    assert [r[0] for r in rows] == ["snap", "snap2"]
    assert rows[0][1] == str(path)
    assert "".join(json.loads(rows[0][3])["cells"][1]["source"]).startswith("%%mm_track")
    # unchanged file: one snapshot shared by both runs
    assert query(registry_dir, "SELECT count(*) FROM code_snapshots WHERE kind='notebook'") == [(1,)]
    experiment = query(registry_dir, "SELECT name FROM experiments")[0][0]
    assert experiment == "snap"  # default experiment: the notebook's name


def test_killed_kernel_run_is_marked_killed_and_keeps_flushed_metrics(registry_dir, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("%load_ext mm_jupyter"),
        nbformat.v4.new_code_cell(
            "%%mm_track --name doomed\nimport mm_jupyter as mm, os, signal, time\n"
            "for i in range(5): mm.log_metric('m', i)\n"
            "time.sleep(1.5)\nos.kill(os.getpid(), signal.SIGKILL)"
        ),
    ])
    with pytest.raises(DeadKernelError):
        execute(nb, tmp_path)
    time.sleep(0.5)
    from mm_jupyter.store import open_registry
    from mm_jupyter.store.details import run_detail

    with open_registry(registry_dir) as registry:  # opening reaps the dead run
        detail = run_detail(registry, "doomed")
        assert detail["run"]["status"] == "killed"
        assert [p["value"] for p in detail["metrics"]["m"]] == [0, 1, 2, 3, 4]
        if registry.backend == "sqlite":  # the file survived the kill (PostgreSQL: a server)
            assert registry.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_interrupted_kernel_marks_the_run_interrupted(registry_dir, tmp_path):
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env={**os.environ})
    try:
        kc.execute_interactive("%load_ext mm_jupyter", timeout=60)
        msg_id = kc.execute("%%mm_track --name stopped\nimport time\ntime.sleep(30)")
        deadline = time.monotonic() + 30  # interrupt only once the run has started
        while time.monotonic() < deadline:
            if query(registry_dir, "SELECT 1 FROM runs WHERE name='stopped'"):
                break
            time.sleep(0.1)
        time.sleep(0.3)
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=30)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=30)
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert query(registry_dir, "SELECT status FROM runs WHERE name='stopped'") == [("interrupted",)]


def test_monitoring_example_serves_drifts_alerts_and_retrains(registry_dir, tmp_path):
    import shutil

    for name in ("monitoring.ipynb", "retrain.ipynb"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    nb = nbformat.read(tmp_path / "monitoring.ipynb", as_version=4)
    execute(nb, tmp_path)
    from mm_jupyter.monitoring.queries import alerts
    from mm_jupyter.store import open_registry
    from mm_jupyter.store.model_queries import model_detail

    registry = open_registry(registry_dir)
    firing = alerts(registry, "cancer-clf:1", state="firing")["alerts"]
    series = {a["series"] for a in firing}
    assert "drift.share" in series and any(s.startswith("drift.psi.mean radius") for s in series)
    (retrain,) = [a for a in firing if a["series"] == "drift.share"]
    (action,) = retrain["actions"]
    assert action["kind"] == "notebook" and action["status"] == "ok" and action["run_id"]
    # the retraining notebook ran headlessly, was tracked, and registered a staging version
    versions = model_detail(registry, "cancer-clf")["versions"]
    assert [v["stage"] for v in sorted(versions, key=lambda v: v["version"])] == ["production", "staging"]
    summary = [
        o for o in nb.cells[14].outputs
        if "data:image/png;base64" in o.get("data", {}).get("text/html", "")
    ]
    assert len(summary) == 1
    scraped = "".join(o.get("text", "") for o in nb.cells[16].outputs)
    assert "mm_serve_requests_total" in scraped and 'mm_alert_firing{model="cancer-clf"' in scraped
