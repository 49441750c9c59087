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


# The layers, lowest first. A unit (a package under mm_jupyter/) may import itself, the
# vocabulary modules, and the units listed for it; docs/design.md draws the same picture.
VOCABULARY = {"errors", "encoding", "identity", "records", "mm_jupyter"}
ADAPTER = {"core", "display", "capture", "monitoring", "services", "schemas"}
ALLOWED = {
    "core": set(),
    # Presentation only: HTML and text of plain values, no registry and no I/O, so a
    # record's _repr_html_ and mon.summary() can draw with it from any layer.
    "display": {"core"},
    "store": {"core"},
    "capture": {"core", "store"},
    "monitoring": {"core", "store", "display"},
    "services": {"core", "store", "capture", "monitoring", "display"},
    "schemas": set(),
    # Adapters: the faces of the same services. They never reach into the store.
    "api": ADAPTER,
    "server": ADAPTER,
    "serving": ADAPTER,
    # `mm-jupyter serve` starts the serving app.
    "cli": ADAPTER | {"serving"},
    # The tracked cell hands the cell's result to the public API, as a user would.
    "magics": ADAPTER | {"api"},
}
# Third-party layers a unit must never load: the store and the services run in scripts,
# `mm-jupyter serve` and the server without IPython; only magics and display need it.
NO_IPYTHON = ("core", "store", "services", "monitoring", "server", "serving", "cli", "schemas")


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PKG.parent).with_suffix("").parts).removesuffix(".__init__")


def test_every_package_has_a_layer():
    packages = {p.name for p in PKG.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(ALLOWED)


@pytest.mark.parametrize("unit", sorted(ALLOWED))
def test_units_import_only_the_layers_below(unit):
    bad = set()
    for path in (PKG / unit).rglob("*.py"):
        # A type named only for the checker (`if TYPE_CHECKING:`) is not a dependency.
        for name in runtime_imports_of(path):
            if not name.startswith("mm_jupyter."):
                continue
            target = unit_of(name)
            if target not in VOCABULARY | ALLOWED[unit] | {unit}:
                bad.add(f"{path.relative_to(PKG)} imports {name}")
    assert not bad, "\n".join(sorted(bad))


@pytest.mark.parametrize("unit", NO_IPYTHON)
def test_layers_below_the_notebook_never_load_ipython(unit):
    bad = {f"{p.relative_to(PKG)} imports {n}" for p in (PKG / unit).rglob("*.py")
           for n in imports_of(p) if n.split(".")[0] in ("IPython", "ipywidgets", "ipykernel")}
    assert not bad, "\n".join(sorted(bad))


def test_vocabulary_imports_only_vocabulary():
    for stem in ("errors", "encoding", "identity"):
        ours = {n for n in imports_of(PKG / f"{stem}.py") if n.startswith("mm_jupyter")}
        assert ours <= {"mm_jupyter.errors", "mm_jupyter.encoding"}, stem
    # A record's _repr_html_ is drawn by display (imported when the notebook asks for it).
    ours = {n for n in imports_of(PKG / "records.py") if n.startswith("mm_jupyter")}
    assert ours <= {"mm_jupyter.encoding", "mm_jupyter.display.runs",
                    "mm_jupyter.display.artifacts"}, ours


def test_no_private_name_is_imported_across_modules():
    bad = set()
    for path in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mm_jupyter"):
                private = [a.name for a in node.names
                           if a.name.startswith("_") and not a.name.endswith("__")]
                if private and node.module != module_name(path):
                    bad.add(f"{path.relative_to(PKG)}: from {node.module} import {private}")
    assert not bad, "\n".join(sorted(bad))


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




def test_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == {frozenset({"a", "b", "c"})}
    assert cycles({"a": {"b"}, "b": set()}) == set()


def test_no_import_cycles_between_packages():
    assert cycles(package_graph()) == set()


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

