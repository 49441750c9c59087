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
# Defaults of plan_cell's literal limits (issue 10, item 21): config looks like
# `lr = 0.1`, `name = "gbm"`, `layers = [64, 32]`; data looks like a 239-character
# list of dicts or a population dict. MMMagics.auto_param_max_items/max_str set them.
LITERAL_MAX_ITEMS = 10
LITERAL_MAX_STR = 200
# Methods that change a list in place: `errors = []` then `errors.append(e)` is an
# accumulator, whose starting value is not a param.
_MUTATORS = frozenset(
    {"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"}
)


@dataclass
class CellPlan:
    """What the code of a cell says before it runs.

    ``error`` is set when the analysis failed (the plan is then empty): the caller
    records no auto params and warns once; the cell itself runs as usual.
    """

    literals: dict[str, Any] = field(default_factory=dict)
    reads: list[str] = field(default_factory=list)
    assigned: list[str] = field(default_factory=list)
    error: str | None = None


def _targets(target: ast.expr) -> list[ast.expr]:
    found, stack = [], [target]
    while stack:  # iterative: a target can nest as deep as the parser allows
        node = stack.pop()
        if isinstance(node, ast.Tuple | ast.List):
            stack.extend(reversed(node.elts))
        else:
            found.append(node)
    return found


def _scalar(node: ast.expr, max_str: int) -> tuple[bool, Any]:
    """Return ``(True, value)`` for a scalar constant (``-1e-3`` included)."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
        if not (isinstance(node, ast.Constant) and type(node.value) in (int, float)):
            return False, None
    if not isinstance(node, ast.Constant):
        return False, None
    value = node.value
    if isinstance(value, str):
        return len(value) <= max_str, value
    if value is None or isinstance(value, bool):
        return True, value
    if isinstance(value, int | float):
        return True, value if sign == 1 else -value
    return False, None  # bytes, complex, Ellipsis: not a param


def _literal(node: ast.expr, max_items: int, max_str: int) -> tuple[bool, Any]:
    """Return ``(True, value)`` for a scalar or a short flat list/tuple of scalars.

    Checked on the tree, not with ``ast.literal_eval``: nothing deep is evaluated,
    dict and set literals (data, mostly) and empty containers are never params.
    """
    if isinstance(node, ast.List | ast.Tuple):
        if not 0 < len(node.elts) <= max_items:
            return False, None
        values = []
        for elt in node.elts:
            ok, value = _scalar(elt, max_str)
            if not ok:
                return False, None
            values.append(value)
        return True, values if isinstance(node, ast.List) else tuple(values)
    return _scalar(node, max_str)


def _literal_pairs(
    node: ast.Assign | ast.AnnAssign, max_items: int, max_str: int
) -> list[tuple[str, Any]]:
    """Return ``(name, value)`` for literal assignments, unpacking tuples."""
    if node.value is None:
        return []
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    pairs = []
    for target in targets:
        if isinstance(target, ast.Name):
            ok, value = _literal(node.value, max_items, max_str)
            if ok:
                pairs.append((target.id, value))
        elif (
            isinstance(target, ast.Tuple | ast.List)
            and isinstance(node.value, ast.Tuple | ast.List)
            and len(target.elts) == len(node.value.elts)
            and all(isinstance(t, ast.Name) for t in target.elts)
        ):
            for t, elt in zip(target.elts, node.value.elts, strict=True):
                ok, value = _literal(elt, max_items, max_str)
                if ok and isinstance(t, ast.Name):
                    pairs.append((t.id, value))
    return pairs


def _changed_names(statement: ast.stmt) -> set[str]:
    """Return names a statement rebinds or mutates in place, at any depth."""
    changed = set()
    for node in ast.walk(statement):  # ast.walk is iterative (a deque)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            changed.add(node.id)
        elif isinstance(node, ast.Subscript | ast.Attribute) and isinstance(
            node.ctx, ast.Store | ast.Del
        ):
            if isinstance(node.value, ast.Name):  # errors[0] = 1, del d[k]
                changed.add(node.value.id)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _MUTATORS
            and isinstance(node.func.value, ast.Name)
        ):
            changed.add(node.func.value.id)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            changed.add(node.target.id)
    return changed
def _scan_reads(tree: ast.Module) -> list[str]:
    """Return names loaded before the cell itself binds them (in source order).

    An explicit stack instead of ``ast.NodeVisitor``: a 900-term ``1+1+...`` is
    900 nested nodes, and recursion would hit Python's limit (issue 10, item 2).
    Work items are nodes, or ``(op, arg)`` tuples run when popped.
    """
    bound: set[str] = set()
    reads: dict[str, None] = {}
    scopes: list[set[str]] = []
    stack: list[Any] = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            op, arg = item
            if op == "bind":
                bound |= arg
            elif op == "enter":  # a function or comprehension: its names stay inside
                scopes.append(set(bound))
                bound |= arg
            elif op == "leave":
                bound = scopes.pop()
            elif op == "augtarget":  # x += 1 reads x first
                if arg not in bound:
                    reads.setdefault(arg)
                bound.add(arg)
            continue
        node = item
        # Children are pushed in reverse so they pop in source order.
        todo: list[Any]
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                if node.id not in bound:
                    reads.setdefault(node.id)
            else:
                bound.add(node.id)
            continue
        if isinstance(node, ast.Assign):  # the right side is read before binding
            todo = [node.value, *node.targets]
        elif isinstance(node, ast.AugAssign):
            target = node.target
            todo = [node.value]
            todo.append(("augtarget", target.id) if isinstance(target, ast.Name) else target)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            # A function's free names are inputs too; its arguments and locals are not.
            args = node.args
            names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
            names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
            todo = [d for d in [*args.defaults, *args.kw_defaults] if d is not None]
            if not isinstance(node, ast.Lambda):
                bound.add(node.name)
            body = node.body if isinstance(node.body, list) else [node.body]
            todo += [("enter", names), *body, ("leave", None)]
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            todo = [("enter", set())]
            for gen in node.generators:
                names = {t.id for t in ast.walk(gen.target) if isinstance(t, ast.Name)}
                todo += [gen.iter, ("bind", names), *gen.ifs]
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            todo += [*parts, ("leave", None)]
        elif isinstance(node, ast.ClassDef):
            bound.add(node.name)
            todo = list(ast.iter_child_nodes(node))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                name = alias.asname or alias.name
                bound.add(name.split(".")[0] if isinstance(node, ast.Import) else name)
            continue
        else:
            todo = list(ast.iter_child_nodes(node))
        stack.extend(reversed(todo))
    return [n for n in reads if not hasattr(builtins, n)]


def plan_cell(
    source: str,
    *,
    max_items: int = LITERAL_MAX_ITEMS,
    max_str: int = LITERAL_MAX_STR,
) -> CellPlan:
    """Analyse a cell's (transformed) source; never raises.

    Parameters
    ----------
    source
        The cell as Python (IPython syntax already transformed).
    max_items
        Longest list or tuple literal recorded as a param (default 10).
    max_str
        Longest string literal recorded, alone or inside a list (default 200).

    A literal top-level assignment is a param when its value is a scalar, a short
    string or a short flat list/tuple of those, and no later statement of the cell
    rebinds or mutates the name (``errors = []`` then ``errors.append(e)`` is not a
    param). Dict and set literals are never params: in notebooks they are mostly
    data; log a config dict with ``mm.log_params(cfg)``. A syntax error gives an
    empty plan; any other failure an empty plan whose ``error`` says why.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return CellPlan()  # the cell fails the same way when it runs
    except Exception as exc:  # MemoryError, RecursionError: we are deeper in the stack
        return CellPlan(error=f"the cell is too deep to analyse ({type(exc).__name__})")
    try:
        return _plan(tree, max_items, max_str)
    except Exception as exc:  # capture is a courtesy: never the cell's problem
        return CellPlan(error=f"{type(exc).__name__}: {exc}"[:300])


def _plan(tree: ast.Module, max_items: int, max_str: int) -> CellPlan:
    plan = CellPlan()
    assigned: dict[str, None] = {}
    changed_after: dict[str, int] = {}  # name -> last statement that changes it
    for index, node in enumerate(tree.body):
        for name in _changed_names(node):
            changed_after[name] = index
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            for name, value in _literal_pairs(node, max_items, max_str):
                if changed_after.get(name, index) <= index:
                    plan.literals[name] = value
                else:  # an accumulator's starting value, or overwritten later
                    plan.literals.pop(name, None)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for t in _targets(target):
                    if isinstance(t, ast.Name):
                        assigned.setdefault(t.id)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            assigned.setdefault(node.target.id)
    plan.reads = _scan_reads(tree)
    plan.assigned = list(assigned)
    return plan


def is_scalar(value: Any, max_str: int = MAX_PARAM_STR) -> bool:
    """Return whether ``value`` is a param-worthy scalar (number, short str, bool, None).

    Never raises: an object whose ``__class__`` or ``__len__`` raises is no scalar.
    """
    try:
        if value is None or isinstance(value, bool):
            return True
        if isinstance(value, str):
            return len(str.__str__(value)) <= max_str
        return isinstance(value, numbers.Number) and not isinstance(value, complex)
    except Exception:
        return False


def as_metric_value(value: Any) -> float | None:
    """Return ``value`` as a float if it is a real scalar (not bool), else ``None``.

    Never raises (a hostile ``__float__`` or ``item`` gives ``None``); an int beyond
    float range is no metric value (``None``): a float could not hold it.
    """
    for _ in range(3):  # 0-d arrays and tensors unwrap with .item(), boundedly
        try:
            if isinstance(value, bool):
                return None
            if isinstance(value, numbers.Real):
                return float(value)
            if isinstance(value, str | bytes) or not callable(
                getattr(value, "item", None)
            ):
                return None
            item = value.item()
        except Exception:
            return None
        if item is value:
            return None
        value = item
    return None


class MetricMatcher:
    """Decide which names look like metrics (configurable regular expression)."""

    def __init__(self, pattern: str = DEFAULT_METRIC_PATTERN) -> None:
        self.regex = re.compile(pattern, re.IGNORECASE)

    def __call__(self, name: str) -> bool:
        return bool(self.regex.search(name))


def namespace_params(
    plan: CellPlan,
    namespace: Mapping[str, Any],
    skip: Iterable[str] = (),
    *,
    max_str: int = MAX_PARAM_STR,
) -> dict[str, Any]:
    """Return the scalar namespace values the cell reads (before it runs).

    Never raises: a namespace value that cannot even be inspected is left out.
    """
    skipped = set(skip)
    found = {}
    for name in plan.reads:
        if name.startswith("_") or name in skipped or name in ("In", "Out"):
            continue
        try:
            if name not in namespace:
                continue
            value = namespace[name]
            if not is_scalar(value, max_str):
                continue
            if isinstance(value, float) and math.isnan(value):
                continue
        except Exception:
            continue
        found[name] = value
    return found
