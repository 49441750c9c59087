"""Which global names a piece of Python reads and which it binds (pure, ``ast``).

Hidden-state analysis and re-runs need, for each executed cell, the names it takes
from the kernel's namespace (``reads``) and the names it leaves there (``writes``).
``symtable`` knows scopes but not order, and order matters in a cell: ``x = 1;
print(x)`` reads nothing from earlier cells, ``print(x); x = 1`` does. So module-level
statements are walked in order (into ``for``/``if``/``with``/``try`` bodies), and each
nested scope (function, lambda, class, comprehension) contributes the free names it
loads:

- names a function body loads are read when it is *called*, which may be after the
  cell bound them (``def f(): return df`` then ``df = ...``): they count as reads only
  if the cell binds them nowhere;
- comprehensions, lambdas' defaults and class bodies run where they stand.

A name whose item or attribute is assigned (``df["y"] = ...``, ``del cfg.x``) is both
read and written: the cell changed the object the name holds. Method calls that
mutate (``model.fit(X)``) are reads only: whether a call mutates cannot be seen.

It is an approximation on purpose: ``exec``, ``globals()[...]`` and magics that bind
names (``%run``, ``%store -r``) are invisible to it. Callers report such names as of
unknown origin rather than guess.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import cast

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_TRIES = tuple(t for t in (ast.Try, getattr(ast, "TryStar", None)) if t is not None)


@dataclass(frozen=True)
class CodeNames:
    """The global names one piece of code reads and binds."""

    #: Names read before the code binds them (or read by its functions, never bound).
    reads: frozenset[str]
    #: Names the code binds, deletes or changes an item/attribute of, at module level.
    writes: frozenset[str]
    #: ``from m import *``: any name may have been bound.
    star_import: bool = False
    #: Why the code could not be parsed (then reads and writes are empty).
    error: str | None = None


EMPTY = CodeNames(frozenset(), frozenset())


def code_names(source: str) -> CodeNames:
    """Return the names ``source`` (plain Python, magics already transformed) reads
    from and binds in the module namespace."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError) as exc:
        return CodeNames(frozenset(), frozenset(), error=f"{type(exc).__name__}: {exc}")
    module = _Module()
    try:
        module.block(tree.body)
    except RecursionError as exc:  # absurdly deep nesting: say so, do not guess
        return CodeNames(frozenset(), frozenset(), error=f"RecursionError: {exc}")
    return CodeNames(
        reads=frozenset(module.reads | (module.deferred - module.bound)),
        writes=frozenset(module.bound),
        star_import=module.star_import,
    )


class _Module:
    """Module-level statements in order, with what is bound so far."""

    def __init__(self) -> None:
        self.bound: set[str] = set()
        self.reads: set[str] = set()
        self.deferred: set[str] = set()  # loaded by function bodies: read at call time
        self.star_import = False

    def block(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self.statement(statement)

    def part(self, node: ast.AST | None) -> None:
        """One evaluated part of a statement: its loads are reads unless bound earlier."""
        if node is None:
            return
        found = _Names(self)
        found.visit(node)
        self.reads |= found.loads - self.bound
        self.bound |= found.stores

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, (ast.For, ast.AsyncFor)):
            self.part(node.iter)
            self.part(node.target)
            self.block(node.body)
            self.block(node.orelse)
        elif isinstance(node, (ast.While, ast.If)):
            self.part(node.test)
            self.block(node.body)
            self.block(node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self.part(item.context_expr)
                self.part(item.optional_vars)
            self.block(node.body)
        elif isinstance(node, _TRIES):
            node = cast(ast.Try, node)  # TryStar (3.11) has the same fields
            self.block(node.body)
            for handler in node.handlers:
                self.part(handler.type)
                if handler.name:
                    self.bound.add(handler.name)
                self.block(handler.body)
            self.block(node.orelse)
            self.block(node.finalbody)
        elif isinstance(node, ast.Match):
            self.part(node.subject)
            for case in node.cases:
                self.part(case.pattern)
                self.part(case.guard)
                self.block(case.body)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            # The value is evaluated before the targets are bound: `x = x + 1` reads x.
            self.part(node.value)
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                self.part(target)
        elif isinstance(node, ast.AugAssign):
            if isinstance(node.target, ast.Name):  # `x += 1` reads x first
                self.reads |= {node.target.id} - self.bound
            self.part(node.value)
            self.part(node.target)
        else:
            self.part(node)


@dataclass
class _Names(ast.NodeVisitor):
    """Loads and stores of one evaluated part, nested scopes folded in."""

    module: _Module
    loads: set[str] = field(default_factory=set)
    stores: set[str] = field(default_factory=set)

    def visit_Name(self, node: ast.Name) -> None:
        (self.loads if isinstance(node.ctx, ast.Load) else self.stores).add(node.id)

    def _changed(self, node: ast.Attribute | ast.Subscript) -> None:
        """``a.x = 1`` / ``a[0] = 1`` / ``del a[0]``: ``a`` is read and changed."""
        if not isinstance(node.ctx, ast.Load):
            base: ast.AST = node
            while isinstance(base, (ast.Attribute, ast.Subscript)):
                base = base.value
            if isinstance(base, ast.Name):
                self.loads.add(base.id)
                self.stores.add(base.id)
        self.generic_visit(node)

    visit_Attribute = _changed
    visit_Subscript = _changed

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                self.module.star_import = True
            else:
                self.stores.add(alias.asname or alias.name.split(".", 1)[0])

    visit_ImportFrom = visit_Import

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self.stores.add(node.target.id)

    def _pattern_name(self, node: ast.MatchAs | ast.MatchStar) -> None:
        if node.name:
            self.stores.add(node.name)
        self.generic_visit(node)

    visit_MatchAs = _pattern_name
    visit_MatchStar = _pattern_name

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self.stores.add(node.rest)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        return  # at module level a no-op

    def _definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        # Decorators, defaults, bases and annotations run now; the body later.
        for part in (*node.decorator_list, *_header(node)):
            self.visit(part)
        self.stores.add(node.name)
        scope = _Scope.of(node)
        if isinstance(node, ast.ClassDef):
            self.loads |= scope.free  # a class body runs at once
        else:
            self.module.deferred |= scope.free
        self.stores |= scope.global_stores

    visit_FunctionDef = _definition
    visit_AsyncFunctionDef = _definition
    visit_ClassDef = _definition

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for default in (*node.args.defaults, *(d for d in node.args.kw_defaults if d)):
            self.visit(default)
        scope = _Scope.of(node)
        self.module.deferred |= scope.free

    def _comprehension(self, node: ast.AST) -> None:
        # The first iterable is evaluated outside; the rest runs in its own scope, now.
        self.visit(node.generators[0].iter)  # type: ignore[attr-defined]
        scope = _Scope.of(node)
        self.loads |= scope.free
        self.stores |= scope.global_stores

    visit_ListComp = _comprehension
    visit_SetComp = _comprehension
    visit_DictComp = _comprehension
    visit_GeneratorExp = _comprehension


def _header(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> list[ast.AST]:
    """The parts of a ``def``/``class`` statement evaluated when it runs."""
    if isinstance(node, ast.ClassDef):
        return [*node.bases, *(k.value for k in node.keywords)]
    args = node.args
    parts: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d)]
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
        if arg is not None and arg.annotation is not None:
            parts.append(arg.annotation)
    if node.returns is not None:
        parts.append(node.returns)
    return parts


@dataclass
class _Scope:
    """A nested scope: what it binds itself, what it loads, what it binds globally."""

    local: set[str] = field(default_factory=set)
    declared_global: set[str] = field(default_factory=set)
    loads: set[str] = field(default_factory=set)
    global_stores: set[str] = field(default_factory=set)

    @property
    def free(self) -> set[str]:
        """Names loaded from outside (enclosing functions or the module)."""
        return (self.loads - self.local - {"__class__"}) | (self.loads & self.declared_global)

    @classmethod
    def of(cls, node: ast.AST) -> _Scope:
        scope = cls()
        if isinstance(node, (*_FUNCTIONS, ast.Lambda)):
            args = node.args
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg,
                        args.kwarg):
                if arg is not None:
                    scope.local.add(arg.arg)
        body: list[ast.AST]
        if isinstance(node, ast.Lambda):
            body = [node.body]
        elif isinstance(node, _COMPREHENSIONS):
            body = []
            for index, generator in enumerate(node.generators):
                if index:
                    body.append(generator.iter)
                body.append(generator.target)
                body.extend(generator.ifs)
            body.extend([node.key, node.value] if isinstance(node, ast.DictComp)
                        else [node.elt])
        else:
            body = list(getattr(node, "body", []))
        # `global x` applies to the whole function wherever it stands.
        for child in body:
            for inner in ast.walk(child):
                if isinstance(inner, ast.Global):
                    scope.declared_global.update(inner.names)
        for child in body:
            scope.walk(child)
        return scope

    def walk(self, node: ast.AST) -> None:
        if isinstance(node, ast.Global):
            return
        if isinstance(node, ast.Nonlocal):
            self.local.update(node.names)  # bound in an enclosing function
            return
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                self.loads.add(node.id)
            elif node.id in self.declared_global:
                self.global_stores.add(node.id)
            else:
                self.local.add(node.id)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = alias.asname or alias.name.split(".", 1)[0]
                if alias.name == "*":
                    continue
                if name in self.declared_global:
                    self.global_stores.add(name)
                else:
                    self.local.add(name)
            return
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef, ast.Lambda, *_COMPREHENSIONS)):
            if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
                self.local.add(node.name)
                for part in (*node.decorator_list, *_header(node)):
                    self.walk(part)
            elif isinstance(node, _COMPREHENSIONS):
                self.walk(node.generators[0].iter)
            inner = _Scope.of(node)
            self.loads |= inner.free
            self.global_stores |= inner.global_stores
            return
        if isinstance(node, ast.ExceptHandler) and node.name:
            self.local.add(node.name)
        if isinstance(node, ast.NamedExpr):
            self.local.add(node.target.id)
        for child in ast.iter_child_nodes(node):
            self.walk(child)
