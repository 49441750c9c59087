"""IPython cell text as the re-run and checkout programs need it (pure, no IPython).

A kernel's history holds what the user typed: magics, shell escapes, ``%%mm_track``
lines. Two views of that text are needed outside a kernel, where IPython's own
transformer cannot be imported (services and the server never load IPython):

- ``as_python``: plain Python with the same global names, for ``code_names``. Line
  magics and shell escapes become ``pass`` (``x = !ls`` / ``x = %time f()`` bind
  ``x``, so they become ``x = None``); the body of a cell magic that runs Python
  (``%%time``, ``%%capture``, ``%%mm_track``) is kept, any other cell magic's body is
  not Python and reads or binds nothing we can see.
- ``program_source``: the text to execute again. It drops what must not run twice or
  would change the machine rather than the namespace: ``%load_ext mm_jupyter`` (the
  program loads it once, first), ``%mm ...`` (registrations and reports of the
  original session), shell escapes and ``%pip``/``%conda`` (a re-run uses the
  environment as it is, and reports package differences instead of installing), and
  the ``%%mm_track`` line of a dependency cell (only the re-run cell records a run).
"""

from __future__ import annotations

import ast
import re

TRACK_MAGIC = "%%mm_track"
#: Cell magics whose body is Python run in the user namespace.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "mm_track"})
_ASSIGNED_MAGIC = re.compile(r"^(\s*)([A-Za-z_][\w.,\s\[\]()*]*?)\s*=\s*[%!]")
_DROPPED_LINE = re.compile(
    r"^\s*(?:%(?:re)?load_ext\s+mm_jupyter\s*$|%mm(?:\s|$)|!|%pip(?:\s|$)|%conda(?:\s|$))"
)


def _first_line(lines: list[str]) -> int:
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def split_tracked(source: str) -> tuple[str | None, str]:
    """Return ``(the %%mm_track line or None, the body)`` of a cell."""
    lines = source.splitlines(keepends=True)
    first = _first_line(lines)
    if first < len(lines) and lines[first].startswith(TRACK_MAGIC):
        rest = lines[first][len(TRACK_MAGIC):]
        if not rest.strip() or rest[0].isspace():
            return lines[first].rstrip("\r\n"), "".join(lines[first + 1:])
    return None, source


def as_python(source: str) -> str:
    """Plain Python binding and reading the same global names as the cell ``source``."""
    lines = source.splitlines()
    first = _first_line(lines)
    if first < len(lines) and lines[first].startswith("%%"):
        words = lines[first][2:].split()
        name = words[0] if words else ""
        if name not in PYTHON_CELL_MAGICS:
            return ""
        body = lines[first + 1:]
        # `%%capture out` binds `out` (its options start with --).
        bound = [w for w in words[1:] if not w.startswith("-")] if name == "capture" else []
        if bound and bound[0].isidentifier():
            body.insert(0, f"{bound[0]} = None")
        lines = body
    out = []
    for line in lines:
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith(("%", "!")):
            out.append(f"{indent}pass")
        elif (m := _ASSIGNED_MAGIC.match(line)) is not None:
            out.append(f"{m[1]}{m[2]} = None")
        elif stripped.endswith("?") and not stripped.startswith("#"):
            out.append(f"{indent}pass")  # obj? / obj?? is help, not code
        else:
            out.append(line)
    return "\n".join(out)


def program_source(source: str, *, tracked: bool = False) -> str:
    """The text of a history entry to execute again (see the module docstring); a
    ``tracked`` cell keeps its ``%%mm_track`` line. Empty when nothing is left."""
    if not tracked:
        source = split_tracked(source)[1]
    out = []
    for line in source.splitlines():
        if _DROPPED_LINE.match(line):
            indent = line[: len(line) - len(line.lstrip())]
            if indent:  # inside a block: keep the block valid
                out.append(f"{indent}pass")
            continue
        out.append(line)
    text = "\n".join(out).strip("\n")
    return text if text.strip() else ""


def called_names(python: str) -> frozenset[str]:
    """Names whose methods the code calls as statements of their own (``model.fit(X)``,
    ``df.dropna(inplace=True)``): calls that may change the object without binding it,
    which ``code_names`` cannot see as writes. Function bodies are not looked into."""
    try:
        tree = ast.parse(python)
    except (SyntaxError, ValueError, RecursionError):
        return frozenset()
    found: set[str] = set()

    def block(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.Expr) and isinstance(node.value, (ast.Call, ast.Await)):
                call = node.value.value if isinstance(node.value, ast.Await) else node.value
                func = call.func if isinstance(call, ast.Call) else None
                while isinstance(func, (ast.Attribute, ast.Subscript, ast.Call)):
                    func = func.func if isinstance(func, ast.Call) else func.value
                    if isinstance(func, ast.Name):
                        found.add(func.id)
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(node, field, None)
                if isinstance(inner, list) and not isinstance(
                    node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
                ):
                    block(inner)
            for handler in getattr(node, "handlers", []):
                block(handler.body)

    block(tree.body)
    return frozenset(found)


def tracking_aliases(python: str) -> frozenset[str]:
    """Names the code binds to mm-jupyter itself (``import mm_jupyter as mm``): calls
    on them log and register, they never change what the program computes, so they
    do not make a cell part of a program (``mm.log_metric(...)`` in another run's cell)."""
    try:
        tree = ast.parse(python)
    except (SyntaxError, ValueError, RecursionError):
        return frozenset()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.asname or a.name for a in node.names
                      if a.name.split(".", 1)[0] == "mm_jupyter"}
    return frozenset(found)
