"""Where a cell's code reaches: the names it mentions, the globals a function reads,
and which modules are the user's (capture/objects.py walks from these).
"""

from __future__ import annotations

import ast
import dis
import os
import re
import site
import sys
import sysconfig
import weakref
from collections import OrderedDict
from types import ModuleType
from typing import Any

_GLOBAL_OPS = frozenset({"LOAD_GLOBAL", "LOAD_NAME"})
_ATTR_OPS = frozenset({"LOAD_ATTR", "LOAD_METHOD", "LOAD_SUPER_ATTR"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAGIC_LINE = re.compile(r"^(\s*)[%!].*$", re.MULTILINE)


# -- the cell's names -------------------------------------------------------------

_CELL_NAMES: OrderedDict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]] = (
    OrderedDict())
MAX_CELLS_CACHED = 64


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _parse_cell(code: str) -> tuple[ast.Module | None, list[str]]:
    """The cell's tree, and the identifiers on lines only IPython understands."""
    tree = _parse(code)
    if tree is not None:
        return tree, []
    # %magic and !shell lines: Python for the rest, their words as names.
    magic = [m.group(0) for m in _MAGIC_LINE.finditer(code)]
    tree = _parse(_MAGIC_LINE.sub(r"\1pass", code)) if magic else None
    return tree, _NAME.findall("\n".join(magic))


def _chain(node: ast.Attribute) -> tuple[str, ...] | None:
    parts: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    parts.append(current.id)
    return tuple(reversed(parts))


def cell_names(code: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Return the names ``code`` mentions and its dotted chains (``mod.fn``).

    Names are read, bound, defined or imported anywhere in the cell, in order of
    appearance; code IPython alone can parse falls back to its identifiers.
    """
    hit = _CELL_NAMES.get(code)
    if hit is not None:
        _CELL_NAMES.move_to_end(code)
        return hit
    tree, words = _parse_cell(code)
    names: dict[str, None] = dict.fromkeys(words)
    chains: dict[tuple[str, ...], None] = {}
    if tree is None:
        names.update(dict.fromkeys(_NAME.findall(code)))
    else:
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                names[node.id] = None
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names[node.name] = None
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name != "*":
                        names[alias.asname or alias.name.split(".")[0]] = None
            elif isinstance(node, ast.Attribute):
                chain = _chain(node)
                if chain is not None:
                    chains[chain] = None
    result = (tuple(names), tuple(chains))
    _CELL_NAMES[code] = result
    if len(_CELL_NAMES) > MAX_CELLS_CACHED:
        _CELL_NAMES.popitem(last=False)
    return result


# -- which modules are the user's --------------------------------------------------


def _library_roots() -> tuple[str, ...]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    try:
        roots.update(site.getsitepackages())
        roots.add(site.getusersitepackages())
    except Exception:  # a virtualenv's old site.py may lack them
        pass
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(path)
    own = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # mm_jupyter/
    roots.add(own)
    return tuple(os.path.realpath(r) + os.sep for r in roots if r)


class Locality:
    """Whether a module is the user's; cached per module name and working directory."""

    def __init__(self) -> None:
        self.cwd: str | None = None
        self.prefix = ""
        self.known: dict[str, bool] = {}
        self.libraries: tuple[str, ...] | None = None

    def __call__(self, name: Any) -> bool:
        if name == "__main__":
            return True
        if type(name) is not str:
            return False
        cwd = os.getcwd()
        if cwd != self.cwd:
            self.cwd, self.prefix, self.known = cwd, os.path.realpath(cwd) + os.sep, {}
        hit = self.known.get(name)
        if hit is None:
            hit = self.known[name] = self._compute(name)
        return hit

    def _compute(self, name: str) -> bool:
        if name.split(".")[0] == "mm_jupyter":
            return False
        module = sys.modules.get(name)
        if not isinstance(module, ModuleType):
            return False
        path = vars(module).get("__file__")
        if not isinstance(path, str):
            return False
        path = os.path.realpath(path)
        if not path.startswith(self.prefix):
            return False
        if self.libraries is None:
            self.libraries = _library_roots()
        parts = path.split(os.sep)
        if "site-packages" in parts or "dist-packages" in parts:
            return False
        return not path.startswith(self.libraries)


#: Whether a module (by name) is the user's: ``__main__`` or a file under the working
#: directory outside the Python installation and site-packages.
is_user_module = Locality()


# -- bytecode ----------------------------------------------------------------------


class IdentityCache:
    """Values computed for an object, valid while it lives and its ``stamp`` holds.

    Keyed by ``id`` (objects may define odd ``__hash__``/``__eq__``), with a weak
    reference to tell a reused id apart.
    """

    def __init__(self) -> None:
        self.entries: dict[int, tuple[Any, Any, Any]] = {}

    def get(self, obj: Any, stamp: Any = None) -> Any:
        hit = self.entries.get(id(obj))
        if hit is not None and hit[0]() is obj and hit[1] is stamp:
            return hit[2]
        return None

    def put(self, obj: Any, value: Any, stamp: Any = None) -> None:
        key, entries = id(obj), self.entries

        def forget(ref: Any) -> None:
            current = entries.get(key)
            if current is not None and current[0] is ref:
                del entries[key]

        try:
            ref = weakref.ref(obj, forget)
        except TypeError:  # not weakly referenceable: computed again next time
            return
        entries[key] = (ref, stamp, value)


_REFERENCES = IdentityCache()  # code object -> (global names, attribute names)


def code_references(code: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The global names and attribute names a code object (and its nested code) reads."""
    hit = _REFERENCES.get(code)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    globals_: dict[str, None] = {}
    attrs: dict[str, None] = {}
    todo = [code]
    while todo:
        current = todo.pop()
        for ins in dis.get_instructions(current):
            if ins.opname in _GLOBAL_OPS:
                globals_[ins.argval] = None
            elif ins.opname in _ATTR_OPS:
                attrs[ins.argval] = None
        todo.extend(c for c in current.co_consts if type(c) is type(code))
    result = (tuple(globals_), tuple(attrs))
    _REFERENCES.put(code, result)
    return result
