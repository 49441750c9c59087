"""Find the source text of a user-defined function or class, notebook cells included.

``inspect.getsource`` finds functions defined in notebook cells (IPython and
ipykernel put each cell's text in ``linecache`` under the name its code was compiled
with: ``<ipython-input-N-…>`` or ``/tmp/ipykernel_PID/HASH.py``), but not classes:
it looks for them in their module's file, and ``__main__`` in a kernel has none. A
class is found instead through the code of its methods (file and first line, then
the enclosing ``class`` statement) or, for a class without methods, by its name in
the cells kept in ``linecache``, newest first. ``record_of`` caches what it found
per object (and code object), so a repeated cell does not look again.
"""

from __future__ import annotations

import ast
import inspect
import linecache
from collections import OrderedDict
from types import FunctionType
from typing import Any

from mm_jupyter.capture.object_scope import IdentityCache
from mm_jupyter.store.objects import CodeObject

_Def = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
# Parsed texts: (file name, id(lines), len(lines)) -> (lines, tree, functions by first
# line). The lines list is kept so its id is not reused while the entry lives.
_PARSED: OrderedDict[tuple[str, int, int],
                     tuple[list[str], ast.Module | None, dict[int, _Def]]] = OrderedDict()
MAX_PARSED = 256
# Cells looked at for a class without methods, newest first.
MAX_CELLS_SCANNED = 500
_RECORDS = IdentityCache()  # function or class -> CodeObject (its full source)


def function_source(fn: Any) -> str | None:
    """Return the source of function ``fn``, or ``None`` when it cannot be found.

    The ``def`` that starts at the code's first line, from the parsed text (one parse
    per cell or file); ``inspect.getsource`` for the rest (lambdas), which tokenizes
    each time.
    """
    code = fn.__code__
    filename = code.co_filename
    if not filename.startswith("<"):
        linecache.checkcache(filename)  # a local module edited since: read it again
    lines = linecache.getlines(filename)
    if lines:
        node = _parsed(filename, lines)[1].get(code.co_firstlineno)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == code.co_name:
            return _segment(lines, node)
    try:
        return inspect.getsource(fn)
    except Exception:  # OSError, TypeError; inspect has raised others on odd code
        return None


def class_source(cls: type) -> str | None:
    """Return the source of class ``cls`` (decorators included), or ``None``."""
    found = _from_methods(cls)
    if found is None:
        try:
            found = inspect.getsource(cls)
        except Exception:  # no file (a kernel's __main__), or the class is not in it
            found = None
    if found is None:
        found = _from_cells(cls)
    return found


def _parsed(filename: str, lines: list[str]) -> tuple[ast.Module | None, dict[int, _Def]]:
    """The tree of a text, and its definitions by first line (decorators included)."""
    key = (filename, id(lines), len(lines))
    hit = _PARSED.get(key)
    if hit is not None and hit[0] is lines:
        _PARSED.move_to_end(key)
        return hit[1], hit[2]
    try:
        tree: ast.Module | None = ast.parse("".join(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    defs: dict[int, _Def] = {}
    for node in () if tree is None else ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs.setdefault(_start(node), node)
    _PARSED[key] = (lines, tree, defs)
    if len(_PARSED) > MAX_PARSED:
        _PARSED.popitem(last=False)
    return tree, defs


def _start(node: _Def) -> int:
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


def _segment(lines: list[str], node: _Def) -> str:
    end = node.end_lineno or node.lineno
    text = "".join(lines[_start(node) - 1:end])
    return text if text.endswith("\n") else text + "\n"


def _members(cls: type) -> list[FunctionType]:
    """Functions defined in the body of ``cls`` (methods, static, class, properties)."""
    found = []
    prefix = cls.__qualname__ + "."
    for value in list(vars(cls).values())[:256]:
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        elif isinstance(value, property):
            value = value.fget
        try:
            value = inspect.unwrap(value)
        except Exception:  # a __wrapped__ cycle
            continue
        if type(value) is FunctionType and value.__qualname__.startswith(prefix):
            found.append(value)
    return found


def _from_methods(cls: type) -> str | None:
    """The ``class`` statement that encloses the code of one of ``cls``'s methods."""
    for method in _members(cls):
        code = method.__code__
        lines = linecache.getlines(code.co_filename)
        if not lines:
            continue
        tree = _parsed(code.co_filename, lines)[0]
        if tree is None:
            continue
        line = code.co_firstlineno
        best: ast.ClassDef | None = None
        for node in ast.walk(tree):
            if (isinstance(node, ast.ClassDef) and node.name == cls.__name__
                    and _start(node) <= line <= (node.end_lineno or node.lineno)
                    and (best is None or _start(node) >= _start(best))):
                best = node  # the innermost one
        if best is not None:
            return _segment(lines, best)
    return None


def _body_names(node: ast.ClassDef) -> set[str]:
    """Names a class body binds that end up in the class ``__dict__``."""
    names: set[str] = set()
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif (isinstance(stmt, ast.AnnAssign) and stmt.value is not None
              and isinstance(stmt.target, ast.Name)):
            names.add(stmt.target.id)
    return names


def _by_path(tree: ast.Module, path: list[str]) -> ast.ClassDef | None:
    """The class ``A.B`` (``path``) among the statements of ``tree``; the last wins."""
    body: list[ast.stmt] = tree.body
    node: ast.ClassDef | None = None
    for part in path:
        matches = [s for s in body if isinstance(s, ast.ClassDef) and s.name == part]
        if not matches:
            return None
        node = matches[-1]
        body = node.body
    return node


def _from_cells(cls: type) -> str | None:
    """``cls`` by name in the in-memory sources (notebook cells), newest first.

    Only for classes without methods of their own: the body's names must all be in
    the class, so a namesake with other members is not taken for it.
    """
    path = cls.__qualname__.split(".")
    if "<locals>" in path:
        return None
    members = set(vars(cls))
    names = list(linecache.cache)[-MAX_CELLS_SCANNED:]
    for filename in reversed(names):
        entry = linecache.cache.get(filename)
        # (size, mtime, lines, name); mtime None: text that lives in memory only.
        if not isinstance(entry, tuple) or len(entry) != 4 or entry[1] is not None:
            continue
        lines = entry[2]
        if not isinstance(lines, list):
            continue
        tree = _parsed(filename, lines)[0]
        node = None if tree is None else _by_path(tree, path)
        if node is not None and _body_names(node) <= members:
            return _segment(lines, node)
    return None


def _not_available(what: str) -> str:
    return f"# source not available: {what}\n"


def record_of(obj: Any, kind: str, module: str) -> CodeObject:
    """The object with its full source (cached), or with a note when none is found."""
    stamp = obj.__code__ if kind == "function" else None
    hit = _RECORDS.get(obj, stamp)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    source = function_source(obj) if kind == "function" else class_source(obj)
    if source is None:
        source = _not_available("not defined in a file or a notebook cell")
    # SQLite and JSON take no lone surrogates.
    source = source.encode("utf-8", "replace").decode("utf-8")
    record = CodeObject.of(name=str(obj.__qualname__), kind=kind, module=module,
                           source=source)
    _RECORDS.put(obj, record, stamp)
    return record
