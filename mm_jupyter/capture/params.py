"""Find params and metrics in a cell's code with the ``ast`` module.

Params: literal top-level assignments (``lr = 0.1``, ``lr, depth = 0.1, 5``) and
scalar values the cell reads from the namespace before assigning them. Metrics:
top-level names that look like metrics (``acc``, ``val_loss``, ``f1_score``) bound to
real scalars after the cell ran.
"""

from __future__ import annotations

import ast
import builtins
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_METRIC_PATTERN = (
    r"(^|_)(acc|accuracy|loss|error|err|f1|auc|roc_auc|pr_auc|precision|recall|"
    r"rmse|mse|mae|mape|r2|score|logloss|perplexity|bleu|rouge|iou|map|ndcg)(_|$|\d)"
)
MAX_PARAM_STR = 1_000


@dataclass
class CellPlan:
    """What the code of a cell says before it runs."""

    literals: dict[str, Any] = field(default_factory=dict)
    reads: list[str] = field(default_factory=list)
    assigned: list[str] = field(default_factory=list)


def _targets(target: ast.expr) -> list[ast.expr]:
    if isinstance(target, ast.Tuple | ast.List):
        return [t for elt in target.elts for t in _targets(elt)]
    return [target]


def _literal_pairs(node: ast.Assign | ast.AnnAssign) -> list[tuple[str, Any]]:
    """Return ``(name, value)`` for literal assignments, unpacking tuples."""
    if node.value is None:
        return []
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    try:
        value = ast.literal_eval(node.value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return []
    pairs = []
    for target in targets:
        if isinstance(target, ast.Name):
            pairs.append((target.id, value))
        elif isinstance(target, ast.Tuple | ast.List) and isinstance(value, tuple | list):
            if len(target.elts) == len(value) and all(
                isinstance(t, ast.Name) for t in target.elts
            ):
                pairs += [(t.id, v) for t, v in zip(target.elts, value, strict=True)]
    return pairs


class _ReadsVisitor(ast.NodeVisitor):
    """Collect names loaded before the cell itself binds them (in source order)."""

    def __init__(self) -> None:
        self.bound: set[str] = set()
        self.reads: dict[str, None] = {}

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            if node.id not in self.bound:
                self.reads.setdefault(node.id)
        else:
            self.bound.add(node.id)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)  # the right side is read before the targets bind
        for target in node.targets:
            self.visit(target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        if isinstance(node.target, ast.Name):
            if node.target.id not in self.bound:  # x += 1 reads x first
                self.reads.setdefault(node.target.id)
            self.bound.add(node.target.id)
        else:
            self.visit(node.target)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        # A function's free names are inputs too; its arguments and locals are not.
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.visit(default)
        args = node.args
        names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
        names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
        outer = set(self.bound)
        self.bound |= names
        body = node.body if isinstance(node.body, list) else [node.body]
        for stmt in body:
            self.visit(stmt)
        self.bound = outer

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.bound.add(node.name)
        self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.bound.add(node.name)
        self._function(node)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._function(node)

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> None:
        outer = set(self.bound)
        for gen in node.generators:
            self.visit(gen.iter)
            self.bound |= {
                t.id for t in ast.walk(gen.target) if isinstance(t, ast.Name)
            }
            for cond in gen.ifs:
                self.visit(cond)
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for part in parts:
            self.visit(part)
        self.bound = outer

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.bound.add(node.name)
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.bound.add((alias.asname or alias.name).split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            self.bound.add(alias.asname or alias.name)


def plan_cell(source: str) -> CellPlan:
    """Analyse a cell's (transformed) source; a syntax error gives an empty plan."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return CellPlan()
    plan = CellPlan()
    assigned: dict[str, None] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            for name, value in _literal_pairs(node):
                plan.literals[name] = value
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for t in _targets(target):
                    if isinstance(t, ast.Name):
                        assigned.setdefault(t.id)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            assigned.setdefault(node.target.id)
    visitor = _ReadsVisitor()
    visitor.visit(tree)
    plan.reads = [n for n in visitor.reads if not hasattr(builtins, n)]
    plan.assigned = list(assigned)
    return plan


def is_scalar(value: Any) -> bool:
    """Return whether ``value`` is a param-worthy scalar (number, short str, bool, None)."""
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, str):
        return len(value) <= MAX_PARAM_STR
    return isinstance(value, numbers.Number) and not isinstance(value, complex)


def as_metric_value(value: Any) -> float | None:
    """Return ``value`` as a float if it is a real scalar (not bool), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):
        try:
            return float(value)
        except (TypeError, ValueError, OverflowError):
            return None
    # 0-d / one-element numpy arrays and tensors expose .item()
    if callable(getattr(value, "item", None)) and not isinstance(value, str | bytes):
        try:
            item = value.item()
        except Exception:
            return None
        return None if item is value else as_metric_value(item)
    return None


class MetricMatcher:
    """Decide which names look like metrics (configurable regular expression)."""

    def __init__(self, pattern: str = DEFAULT_METRIC_PATTERN) -> None:
        self.regex = re.compile(pattern, re.IGNORECASE)

    def __call__(self, name: str) -> bool:
        return bool(self.regex.search(name))


def namespace_params(
    plan: CellPlan, namespace: Mapping[str, Any], skip: Iterable[str] = ()
) -> dict[str, Any]:
    """Return the scalar namespace values the cell reads (before it runs)."""
    skipped = set(skip)
    found = {}
    for name in plan.reads:
        if name.startswith("_") or name in skipped or name in ("In", "Out"):
            continue
        if name in namespace and is_scalar(namespace[name]):
            value = namespace[name]
            if isinstance(value, float) and math.isnan(value):
                continue
            found[name] = value
    return found
