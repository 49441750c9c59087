"""Issue 17's done criterion: a package runs in a fresh virtualenv made from its
``requirements.txt`` alone, and its ``serve.py`` predicts what the model predicts
in-process for the input example.

Slow (a virtualenv and a pip install of the pins; pip's cache and configured indexes
make it minutes at most): marked ``package_venv`` so it can be selected or left out
(``-m "not package_venv"``); ``make test`` runs it once, in the SQLite pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from package_helpers import PackageProcess, build_quickstart_package

pd = pytest.importorskip("pandas")
pytest.importorskip("sklearn")

pytestmark = pytest.mark.package_venv


def test_package_serves_in_a_fresh_virtualenv_from_its_requirements(tmp_path, monkeypatch):
    folder, quickstart = build_quickstart_package(tmp_path, monkeypatch)
    # A fresh virtualenv without system site packages, then the pins alone
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = str(venv / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r",
         str(folder / "requirements.txt")], capture_output=True, text=True, timeout=1800)
    assert install.returncode == 0, install.stderr[-3000:]
    # Nothing of mm-jupyter (nor of this environment) is importable there: run from
    # another folder (not this checkout) and without PYTHONPATH
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = subprocess.run([python, "-c", "import mm_jupyter"], capture_output=True,
                           cwd=tmp_path, env=env)
    assert probe.returncode != 0
    frozen = subprocess.run([python, "-m", "pip", "freeze"], capture_output=True, text=True,
                            check=True).stdout.split()
    pins = (folder / "requirements.txt").read_text().split()
    assert sorted(p.lower() for p in frozen) == sorted(p.lower() for p in pins)
    # serve.py from the package, in that virtualenv, from another working folder
    server = PackageProcess([python, str(folder / "serve.py"), "--port", "0"], timeout=120,
                            cwd=tmp_path)
    try:
        example = json.loads((folder / "input_example.json").read_text())
        status, body = server.call("POST", "/predict", example)
        assert status == 200, body
        frame = pd.DataFrame(example["rows"])[list(quickstart.X_test.columns)]
        assert body["predictions"] == quickstart.model.predict(frame).tolist()
        assert body["model"] == "cancer-clf" and body["version"] == 1
        status, health = server.call("GET", "/health")
        assert status == 200 and health["ref"] == "cancer-clf:1"
    finally:
        assert server.stop() == 0
