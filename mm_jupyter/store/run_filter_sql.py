"""The runs filter's syntax tree (core/run_filter.py) as a SQL condition on ``runs r``.

Values always travel as parameters, never inside the SQL text. The SQL is the store's
common dialect (store/dialect.py turns ``LIKE`` into ``ILIKE`` and the finite-number
range into PostgreSQL's), so both backends return the same runs.

Metrics and params are ``EXISTS`` sub-queries on the ``(run_id, key)`` primary keys:
a list walks its sort index and checks each run, stopping after one page, and the
count checks every run once (about 65 ms for two tests at 100,000 runs on SQLite).
A test on a value a run lacks is false, so that ``not`` keeps those runs: each leaf
is ``x IS NOT NULL AND x op ?`` (never SQL NULL), and ``is null`` asks for them.
"""

from __future__ import annotations

import json
from typing import Any

from mm_jupyter.core.run_filter import (
    And,
    Compare,
    InList,
    IsNull,
    Like,
    Literal,
    Node,
    Not,
    Or,
    parse_filter,
)

# A number, not NULL nor the text 'NaN' (SQLite stores NaN metrics as that text).
FINITE = "BETWEEN -9e999 AND 9e999"
_SQL_OP = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_COLUMNS = {
    "id": "r.id",
    "name": "r.name",
    "status": "r.status",
    "user": "r.user",
    "host": "r.host",
    "notebook_path": "r.notebook_path",
    "started_at": "r.started_at",
    "finished_at": "r.finished_at",
    "duration_s": "r.duration_s",
    "parent": "r.parent_run_id",
    "cell_id": "r.cell_id",
    "reproducibility": "r.repro_status",
}
LIKE_ESCAPE = " ESCAPE '\\'"


def filter_sql(node: Node | str) -> tuple[str, list[Any]]:
    """Return ``(condition, args)`` selecting the runs ``node`` (or filter text) keeps.

    The condition refers to the runs table as ``r``; filter text is parsed first
    (``FilterError`` if bad).
    """
    if isinstance(node, str):
        node = parse_filter(node)
    args: list[Any] = []
    return _node(node, args), args


def _node(node: Node, args: list[Any]) -> str:
    if isinstance(node, And | Or):
        joiner = " AND " if isinstance(node, And) else " OR "
        return "(" + joiner.join(_node(item, args) for item in node.items) + ")"
    if isinstance(node, Not):
        return f"NOT ({_node(node.item, args)})"
    field = node.field
    if field.kind == "metric":
        return _metric(node, args)
    if field.kind == "param":
        return _param(node, args)
    if field.kind == "tag":
        expression, expression_args = _tag_expression(field.key)
        return _text(node, expression, expression_args, args)
    return _attribute(node, args)


def _metric(node: Node, args: list[Any]) -> str:
    key = node.field.key  # type: ignore[union-attr]
    args.append(key)
    exists = "EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_id = r.id AND m.key = ?"
    if isinstance(node, IsNull):
        return f"{'' if node.negated else 'NOT '}{exists})"
    if isinstance(node, Compare):
        args.append(node.value.value)
        return f"{exists} AND m.value {FINITE} AND m.value {_SQL_OP[node.op]} ?)"
    assert isinstance(node, InList)  # the parser allows no like on metrics
    args.extend(v.value for v in node.values)
    return (f"{exists} AND m.value {FINITE} AND m.value"
            f" {'NOT IN' if node.negated else 'IN'} ({_marks(node.values)}))")


def _param(node: Node, args: list[Any]) -> str:
    """A param is JSON text (``value``) with its number (``value_num``): numbers compare
    as numbers, strings with the decoded text of string params, booleans as JSON."""
    args.append(node.field.key)  # type: ignore[union-attr]
    exists = "EXISTS (SELECT 1 FROM params p WHERE p.run_id = r.id AND p.key = ?"
    text = "json_extract(p.value, '$')"
    is_string = "substr(p.value, 1, 1) = '\"'"
    if isinstance(node, IsNull):
        return f"{'' if node.negated else 'NOT '}{exists})"
    if isinstance(node, Like):
        args.append(node.pattern)
        return (f"{exists} AND {is_string} AND {text}"
                f" {'NOT LIKE' if node.negated else 'LIKE'} ?{LIKE_ESCAPE})")
    if isinstance(node, Compare):
        value = node.value.value
        if isinstance(value, float):
            args.append(value)
            return f"{exists} AND p.value_num {_SQL_OP[node.op]} ?)"
        if node.op in ("=", "!="):
            args.append(json.dumps(value))  # as the store encodes params
            return f"{exists} AND p.value {_SQL_OP[node.op]} ?)"
        args.append(value)
        return f"{exists} AND {is_string} AND {text} {_SQL_OP[node.op]} ?)"
    assert isinstance(node, InList)
    numbers = [v.value for v in node.values if isinstance(v.value, float)]
    others = [json.dumps(v.value) for v in node.values if not isinstance(v.value, float)]
    arms = []
    if numbers:
        args.extend(numbers)
        arms.append(f"p.value_num IN ({', '.join('?' * len(numbers))})")
    if others:
        args.extend(others)
        arms.append(f"p.value IN ({', '.join('?' * len(others))})")
    either = " OR ".join(arms)
    if node.negated:
        # value_num IN (...) is NULL for a string param: CASE counts that as "not in".
        return f"{exists} AND CASE WHEN {either} THEN 1 ELSE 0 END = 0)"
    return f"{exists} AND ({either}))"


def _tag_expression(key: str) -> tuple[str, list[Any]]:
    if '"' in key:
        raise ValueError(f"filter: a tag key cannot hold a double quote: {key!r}")
    return "json_extract(r.tags, ?)", [f'$."{key}"']


def _text(node: Node, expression: str, expression_args: list[Any], args: list[Any]) -> str:
    """A test of a text ``expression`` (with its own arguments), never SQL NULL."""
    if isinstance(node, IsNull):
        args.extend(expression_args)
        return f"{expression} IS {'NOT ' if node.negated else ''}NULL"
    # The guard repeats the expression, and so its arguments.
    args.extend(expression_args + expression_args)
    guard = f"{expression} IS NOT NULL AND "
    if isinstance(node, Like):
        args.append(node.pattern)
        return f"({guard}{expression} {'NOT LIKE' if node.negated else 'LIKE'} ?{LIKE_ESCAPE})"
    if isinstance(node, Compare):
        args.append(_as_text(node.value))
        return f"({guard}{expression} {_SQL_OP[node.op]} ?)"
    assert isinstance(node, InList)
    args.extend(_as_text(v) for v in node.values)
    return (f"({guard}{expression} {'NOT IN' if node.negated else 'IN'}"
            f" ({_marks(node.values)}))")


def _as_text(literal: Literal) -> str:
    """A literal compared with text: strings as they are, numbers as written."""
    return literal.value if isinstance(literal.value, str) else literal.text


def _attribute(node: Node, args: list[Any]) -> str:
    name = node.field.key  # type: ignore[union-attr]
    if name in ("starred", "archived"):
        assert isinstance(node, Compare | InList)  # the parser allows only these
        values = node.values if isinstance(node, InList) else (node.value,)
        wanted = {bool(v.value) for v in values}
        if (node.op == "!=") if isinstance(node, Compare) else node.negated:
            wanted = {True, False} - wanted
        yes, no = (("r.starred = 1", "r.starred = 0") if name == "starred"
                   else ("r.archived_at IS NOT NULL", "r.archived_at IS NULL"))
        return yes if wanted == {True} else no if wanted == {False} else \
            "1 = 1" if wanted else "1 = 0"
    if name == "experiment":
        # Through the experiments' names: no join needed by the callers.
        if isinstance(node, IsNull):  # every run has one
            return "1 = 0" if not node.negated else "1 = 1"
        inner = _text(node, "e2.name", [], args)
        return f"r.experiment_id IN (SELECT e2.id FROM experiments e2 WHERE {inner})"
    if name == "duration_s":
        return _number_column(node, "r.duration_s", args)
    return _text(node, _COLUMNS[name], [], args)


def _number_column(node: Node, column: str, args: list[Any]) -> str:
    if isinstance(node, IsNull):
        return f"{column} IS {'NOT ' if node.negated else ''}NULL"
    guard = f"{column} IS NOT NULL AND "
    if isinstance(node, Compare):
        args.append(node.value.value)
        return f"({guard}{column} {_SQL_OP[node.op]} ?)"
    assert isinstance(node, InList)
    args.extend(v.value for v in node.values)
    return f"({guard}{column} {'NOT IN' if node.negated else 'IN'} ({_marks(node.values)}))"


def _marks(values: tuple[Literal, ...]) -> str:
    return ", ".join("?" * len(values))


def drivers(node: Node) -> list[tuple[Node, str, list[Any]]]:
    """The tests of a top-level ``and`` that an index on (key, value) can answer alone:
    ``(test, sub-query of its run ids, args)`` each, a superset of the runs ``node``
    keeps.

    A count over a selective filter runs faster from the smallest of these (the runs
    it names, in id order) than by checking every run (docs/filter.md, Performance).
    """
    items = node.items if isinstance(node, And) else (node,)
    found: list[tuple[Node, str, list[Any]]] = []
    for item in items:
        if not isinstance(item, Compare) or not isinstance(item.value.value, float) \
                or item.op == "!=":
            continue
        op = _SQL_OP[item.op]
        if item.field.kind == "metric":
            found.append((item, "SELECT run_id FROM latest_metrics WHERE key = ?"
                          f" AND value {FINITE} AND value {op} ?",
                          [item.field.key, item.value.value]))
        elif item.field.kind == "param":
            found.append((item, f"SELECT run_id FROM params WHERE key = ? AND value_num {op} ?",
                          [item.field.key, item.value.value]))
    return found


def without(node: Node, test: Node) -> Node | None:
    """``node`` less one test of its top-level ``and`` (``None`` if nothing is left)."""
    items = node.items if isinstance(node, And) else (node,)
    rest = tuple(item for item in items if item is not test)
    return None if not rest else rest[0] if len(rest) == 1 else And(rest)
