"""Execute a cell body the way IPython's ``%%time`` does.

The body is transformed (IPython syntax such as ``!ls`` and ``%magic`` lines) and
AST-transformed like any cell, compiled under a cached name so tracebacks show the
cell's own lines (``Cell In[n], line k``), and run in the user namespace. Exceptions
propagate unchanged; the last expression's value is returned, so the magic's caller
displays it as ``Out[n]`` exactly as without the magic.
"""

from __future__ import annotations

import ast
from typing import Any

from IPython.core.displayhook import DisplayHook


def transform(shell: Any, cell: str) -> str:
    """Return the cell as Python source, IPython syntax transformed."""
    return str(shell.transform_cell(cell))


def is_silenced(source: str) -> bool:
    """Return whether the cell ends in ``;`` (its result is not displayed)."""
    return bool(DisplayHook.semicolon_at_end_of_expression(source))


def run_body(shell: Any, source: str, raw: str) -> Any:
    """Run transformed ``source``; return the value of a trailing expression."""
    __tracebackhide__ = True  # noqa: F841 - IPython hides this frame in tracebacks
    number = getattr(shell, "execution_count", 0)
    filename = shell.compile.cache(source, number, raw_code=raw)
    tree = shell.compile.ast_parse(source, filename=filename)
    tree = shell.transform_ast(tree)
    if tree is None:  # an AST transformer rejected the cell
        return None
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    namespace = shell.user_ns
    if tree.body:
        exec(shell.compile(tree, filename, "exec"), namespace)
    if last is not None:
        return eval(shell.compile(last, filename, "eval"), namespace)
    return None
