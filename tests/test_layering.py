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


def unit_of(module: str) -> str:
    """The package (or top-level module) a module belongs to: ``mm_jupyter.store.db`` -> store."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "mm_jupyter"


def runtime_imports_of(path: Path) -> set[str]:
    """Like ``imports_of``, without ``if TYPE_CHECKING:`` blocks (never run)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PKG.rglob("*.py"):
        module = ".".join(path.relative_to(PKG.parent).with_suffix("").parts)
        source = unit_of(module.removesuffix(".__init__"))
        for name in runtime_imports_of(path):
            target = unit_of(name) if name.startswith("mm_jupyter") else None
            if target not in (None, source, "mm_jupyter"):
                graph.setdefault(source, set()).add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """Strongly connected groups of more than one package (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                top = stack.pop()
                group.add(top)
                if top == node:
                    break
            if len(group) > 1:
                found.add(frozenset(group))

    for node in list(graph):
        if node not in index:
            visit(node)
    return found


# The cycle still to untangle (issue 11): register_model orchestrates monitoring (profile,
# events) from inside models/, whose flavors serve loads.
KNOWN_CYCLES = {frozenset({"models", "monitoring", "services"})}


def test_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == {frozenset({"a", "b", "c"})}
    assert cycles({"a": {"b"}, "b": set()}) == set()


def test_no_new_import_cycles_between_packages():
    assert cycles(package_graph()) <= KNOWN_CYCLES


def test_import_is_lazy():
    code = (
        "import sys, mm_jupyter; "
        "heavy = [m for m in ('IPython', 'sqlite_utils', 'matplotlib', 'tornado', 'click') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_module_shadows_a_public_name():
    """``import mm_jupyter.x`` sets ``mm_jupyter.x``: a module named like a public
    function (``active_run``) would replace that function for everyone."""
    import mm_jupyter

    modules = {p.stem for p in PKG.glob("*.py")} | {p.name for p in PKG.iterdir() if p.is_dir()}
    assert not modules & (set(mm_jupyter.__all__) - {"triggers"})

