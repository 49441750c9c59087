"""Import boundaries from DESIGN.md, and a fast `import mm_jupyter`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "mm_jupyter"


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [("store", ("IPython", "tornado", "jupyter_server", "mm_jupyter.capture",
                "mm_jupyter.server", "mm_jupyter.magics", "mm_jupyter.api")),
     ("server", ("IPython", "mm_jupyter.magics", "mm_jupyter.capture")),
     ("diffing", ("IPython", "tornado", "jupyter_server", "mm_jupyter.server",
                  "mm_jupyter.magics")),
     # serve.py is its own tornado app: monitoring never needs the notebook or Jupyter server.
     ("monitoring", ("IPython", "jupyter_server", "mm_jupyter.server", "mm_jupyter.magics",
                     "mm_jupyter.capture"))],
)
def test_layers_do_not_import_upwards(folder, forbidden):
    for path in (PKG / folder).glob("*.py"):
        if path.name == "verbs.py":  # the %mm verbs are the notebook's face of a layer
            continue
        bad = {n for n in imports_of(path) if n.startswith(forbidden)}
        assert not bad, f"{path.name} imports {bad}"


def ours(folder: str) -> set[tuple[str, str]]:
    """``(file, module)`` of every import of our package in ``folder`` (local ones too)."""
    return {
        (path.name, name)
        for path in (PKG / folder).glob("*.py")
        for name in imports_of(path)
        if name.startswith("mm_jupyter") and not name.startswith(f"mm_jupyter.{folder}")
    }


def test_core_imports_nothing_of_ours():
    assert ours("core") == set()


def test_store_imports_only_core_errors_and_encoding():
    allowed = ("mm_jupyter.core", "mm_jupyter.errors", "mm_jupyter.encoding")
    bad = {(f, m) for f, m in ours("store") if not m.startswith(allowed)}
    assert not bad, f"store imports {sorted(bad)}"


def test_import_is_lazy():
    code = (
        "import sys, mm_jupyter; "
        "heavy = [m for m in ('IPython', 'sqlite_utils', 'matplotlib', 'tornado', 'click') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
