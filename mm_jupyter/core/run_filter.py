"""The runs filter language: text -> a small syntax tree (pure; no I/O).

One grammar serves ``GET runs?filter=``, ``mm.list_runs(filter=...)``,
``mm-jupyter runs list --filter`` and the sidebar's filter box (docs/filter.md)::

    metrics.acc > 0.9 and params.lr <= 0.1 and tags.team = 'risk' and status = 'finished'

    expr    := or
    or      := and ("or" and)*
    and     := unary ("and" unary)*
    unary   := "not" unary | "(" expr ")" | test
    test    := field op literal | field ["not"] "in" "(" literal ("," literal)* ")"
             | field ["not"] "like" string | field "is" ["not"] "null"
    field   := (metrics|params|tags) "." key | attribute
    key     := [A-Za-z0-9_.]+ | `...` | "..."

Keywords and attribute names are case-insensitive. :func:`parse_filter` raises
:class:`FilterError` (a ``ValueError``) that names the bad token, its column and what
was expected, with a caret line under it. The store turns the tree into SQL
(store/run_filter_sql.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Longest filter accepted, and most tests in one: bounds the SQL a request can build.
MAX_FILTER_CHARS = 4000
MAX_TESTS = 100
MAX_DEPTH = 32

#: Attributes by their filter name: the type their literals must have.
ATTRIBUTES: dict[str, str] = {
    "id": "text",
    "name": "text",
    "experiment": "text",
    "status": "text",
    "user": "text",
    "host": "text",
    "notebook_path": "text",
    "started_at": "text",
    "finished_at": "text",
    "duration_s": "number",
    "parent": "text",
    "cell_id": "text",
    "reproducibility": "text",  # clean, warnings, unknown (hidden-state analysis)
    "starred": "bool",
    "archived": "bool",
}
#: The prefixes of keyed fields, and what each names.
PREFIXES = {
    "metrics": "metric", "metric": "metric",
    "params": "param", "param": "param",
    "tags": "tag", "tag": "tag",
    "attributes": "attribute", "attribute": "attribute", "attr": "attribute",
}
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
KEYWORDS = frozenset({"and", "or", "not", "in", "like", "is", "null", "true", "false"})


class FilterError(ValueError):
    """A filter that does not parse; the message points at the bad token.

    ``column`` is 1-based (``None`` at the end of the text); ``token`` the text found
    there; ``expected`` what the grammar wanted instead.
    """

    def __init__(self, text: str, position: int, token: str, expected: str) -> None:
        self.text = text
        self.position = position
        self.column = position + 1
        self.token = token
        self.expected = expected
        found = f"found {token!r}" if token else "found the end of the filter"
        # The text again with a caret under the token (tabs and newlines as spaces,
        # so that the caret lines up in a terminal and in the sidebar's <pre>).
        one_line = re.sub(r"\s", " ", text)
        super().__init__(f"filter: {expected} at column {self.column} ({found})\n"
                         f"  {one_line}\n  {' ' * position}^")


# -- syntax tree -----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """``kind`` is ``metric``, ``param``, ``tag`` or ``attribute``; ``key`` its name."""

    kind: str
    key: str

    def __str__(self) -> str:
        return self.key if self.kind == "attribute" else f"{self.kind}s.{self.key}"


Value = float | str | bool


@dataclass(frozen=True)
class Literal:
    """A literal: ``value`` is a float, a str or a bool; ``text`` as written."""

    value: Value
    text: str


@dataclass(frozen=True)
class Compare:
    """``field op value`` (op one of ``COMPARISONS``)."""

    field: Field
    op: str
    value: Literal


@dataclass(frozen=True)
class InList:
    """``field [not] in (v, ...)``."""

    field: Field
    values: tuple[Literal, ...]
    negated: bool = False


@dataclass(frozen=True)
class Like:
    """``field [not] like 'pattern'`` (``%`` any text, ``_`` one character; any case)."""

    field: Field
    pattern: str
    negated: bool = False


@dataclass(frozen=True)
class IsNull:
    """``field is [not] null``: the run has (not) a value for the field."""

    field: Field
    negated: bool = False


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Compare | InList | Like | IsNull | And | Or | Not


# -- tokens ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # word | field | string | number | op | ( | ) | , | end
    text: str  # as written
    pos: int
    value: object = None  # a number's float, a string's text, a field's Field


_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_.]+")
_OPS = ("<=", ">=", "!=", "<>", "==", "=", "<", ">")


def _quoted(text: str, pos: int, what: str) -> tuple[str, int]:
    """Read a quoted run at ``pos`` (the quote doubled inside stands for itself)."""
    quote, out, i = text[pos], [], pos + 1
    while i < len(text):
        if text[i] == quote:
            if text[i + 1:i + 2] == quote:
                out.append(quote)
                i += 2
                continue
            return "".join(out), i + 1
        out.append(text[i])
        i += 1
    raise FilterError(text, pos, text[pos:pos + 20], f"expected a closing {quote} for this {what}")


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; raise ``FilterError`` at a character none starts with."""
    tokens, i = [], 0
    while i < len(text):
        space = _SPACE.match(text, i)
        if space:
            i = space.end()
            continue
        ch = text[i]
        if ch in "'\"":
            value, end = _quoted(text, i, "string")
            tokens.append(Token("string", text[i:end], i, value))
            i = end
            continue
        number = _NUMBER.match(text, i)
        if number and (ch != "-" or not tokens or tokens[-1].kind in ("op", "(", ",")):
            tokens.append(Token("number", number.group(), i, float(number.group())))
            i = number.end()
            continue
        if ch in "(),":
            tokens.append(Token(ch, ch, i))
            i += 1
            continue
        op = next((o for o in _OPS if text.startswith(o, i)), None)
        if op:
            # "<>" and "==" are spelled as SQL and Python users expect.
            canonical = {"<>": "!=", "==": "="}.get(op, op)
            tokens.append(Token("op", op, i, canonical))
            i += len(op)
            continue
        word = _WORD.match(text, i)
        if word:
            end = word.end()
            prefix = PREFIXES.get(word.group().lower())
            if prefix and text[end:end + 1] == ".":
                key, end = _key(text, end + 1, word.group())
                tokens.append(Token("field", text[i:end], i, Field(prefix, key)))
            else:
                tokens.append(Token("word", word.group(), i))
            i = end
            continue
        raise FilterError(text, i, ch, "expected a field, a value, an operator or a parenthesis")
    tokens.append(Token("end", "", len(text)))
    return tokens


def _key(text: str, pos: int, prefix: str) -> tuple[str, int]:
    """Read the key after ``prefix.``: bare, or quoted with backticks or double quotes."""
    if text[pos:pos + 1] in ("`", '"'):
        key, end = _quoted(text, pos, "key")
    else:
        bare = _BARE_KEY.match(text, pos)
        if not bare:
            found = text[pos:pos + 1]
            raise FilterError(text, pos, found, f"expected a key after '{prefix}.'"
                              " (quote it with `backticks` if it holds other characters)")
        key, end = bare.group(), bare.end()
    if not key:
        raise FilterError(text, pos, text[pos:end], f"expected a key after '{prefix}.'")
    return key, end


# -- parser ------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.tests = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def next(self) -> Token:
        token = self.tokens[self.i]
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return token

    def fail(self, token: Token, expected: str) -> FilterError:
        return FilterError(self.text, token.pos, token.text, expected)

    def is_word(self, token: Token, word: str) -> bool:
        return token.kind == "word" and token.text.lower() == word

    def parse(self) -> Node:
        node = self.parse_or(0)
        end = self.peek()
        if end.kind != "end":
            raise self.fail(end, "expected 'and', 'or' or the end of the filter")
        return node

    def parse_or(self, depth: int) -> Node:
        items = [self.parse_and(depth)]
        while self.is_word(self.peek(), "or"):
            self.next()
            items.append(self.parse_and(depth))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self, depth: int) -> Node:
        items = [self.parse_unary(depth)]
        while self.is_word(self.peek(), "and"):
            self.next()
            items.append(self.parse_unary(depth))
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self, depth: int) -> Node:
        token = self.peek()
        if depth > MAX_DEPTH:
            raise self.fail(token, f"expected at most {MAX_DEPTH} nested parentheses or 'not's")
        if self.is_word(token, "not"):
            self.next()
            return Not(self.parse_unary(depth + 1))
        if token.kind == "(":
            self.next()
            node = self.parse_or(depth + 1)
            close = self.next()
            if close.kind != ")":
                raise self.fail(close, "expected ')' or 'and'/'or'")
            return node
        return self.parse_test()

    def parse_field(self) -> tuple[Field, Token]:
        token = self.next()
        if token.kind == "field":
            field = token.value
            assert isinstance(field, Field)
            if field.kind == "attribute":
                name = field.key.lower()
                if name not in ATTRIBUTES:
                    raise self.fail(token, _attribute_expected())
                field = Field("attribute", name)
            return field, token
        if token.kind == "word" and token.text.lower() in ATTRIBUTES:
            return Field("attribute", token.text.lower()), token
        if token.kind == "word" and token.text.lower() not in KEYWORDS:
            raise self.fail(token, "expected metrics.KEY, params.KEY, tags.KEY or "
                            + _attribute_expected().removeprefix("expected "))
        raise self.fail(token, "expected a field (metrics.KEY, params.KEY, tags.KEY,"
                        " status, user, ...)")

    def parse_test(self) -> Node:
        field, field_token = self.parse_field()
        self.tests += 1
        if self.tests > MAX_TESTS:
            raise self.fail(field_token, f"expected at most {MAX_TESTS} comparisons")
        token = self.next()
        after = f"after '{field_token.text}'"
        negated = False
        if self.is_word(token, "not"):
            negated, token = True, self.next()
            if not (self.is_word(token, "in") or self.is_word(token, "like")):
                raise self.fail(token, f"expected 'in' or 'like' after '{field_token.text} not'")
        if token.kind == "op":
            value = self.parse_literal(field, str(token.value))
            return Compare(field, str(token.value), value)
        if self.is_word(token, "in"):
            return InList(field, self.parse_list(field), negated)
        if self.is_word(token, "like"):
            pattern = self.next()
            if pattern.kind != "string":
                raise self.fail(pattern, "expected a quoted pattern after 'like'")
            if field.kind == "metric" or (
                    field.kind == "attribute" and ATTRIBUTES[field.key] != "text"):
                raise self.fail(token, f"expected a comparison: {field} is not text")
            return Like(field, str(pattern.value), negated)
        if self.is_word(token, "is"):
            nxt = self.next()
            is_not = self.is_word(nxt, "not")
            if is_not:
                nxt = self.next()
            if not self.is_word(nxt, "null"):
                raise self.fail(nxt, "expected 'null' after 'is'" if not is_not
                                else "expected 'null' after 'is not'")
            if field.kind == "attribute" and ATTRIBUTES[field.key] == "bool":
                raise self.fail(nxt, f"expected true or false: {field} is never null")
            return IsNull(field, is_not)
        raise self.fail(token, f"expected an operator {after}"
                        " (=, !=, <, <=, >, >=, in, like or is null)")

    def parse_list(self, field: Field) -> tuple[Literal, ...]:
        token = self.next()
        if token.kind != "(":
            raise self.fail(token, "expected '(' after 'in'")
        values = [self.parse_literal(field, "in")]
        while True:
            token = self.next()
            if token.kind == ")":
                return tuple(values)
            if token.kind != ",":
                raise self.fail(token, "expected ',' or ')' in the list")
            values.append(self.parse_literal(field, "in"))

    def parse_literal(self, field: Field, op: str) -> Literal:
        token = self.next()
        literal: Literal
        if token.kind == "number":
            assert isinstance(token.value, float)
            literal = Literal(token.value, token.text)
        elif token.kind == "string":
            literal = Literal(str(token.value), token.text)
        elif self.is_word(token, "true") or self.is_word(token, "false"):
            literal = Literal(token.text.lower() == "true", token.text.lower())
        elif self.is_word(token, "null"):
            raise self.fail(token, f"expected a value: write '{field} is null' to test for no value")
        else:
            raise self.fail(token, "expected a value (a number, a 'quoted string', true or false)")
        kind = "number" if field.kind == "metric" else ATTRIBUTES.get(field.key, "any") \
            if field.kind == "attribute" else "any"
        if kind == "number" and not isinstance(literal.value, float):
            raise self.fail(token, f"expected a number to compare {field} with")
        if kind == "bool":
            if not isinstance(literal.value, bool):
                raise self.fail(token, f"expected true or false for {field}")
            if op not in ("=", "!=", "in"):
                raise self.fail(token, f"expected '=' or '!=' with {field}")
        if kind in ("text", "any") and isinstance(literal.value, bool) \
                and (field.kind != "param" or op not in ("=", "!=", "in")):
            # true/false are param values (JSON booleans); tags and text attributes
            # hold text, and booleans have no order.
            what = "'=' or '!=' with true or false" if field.kind == "param" \
                else f"a 'quoted string' for {field}"
            raise self.fail(token, f"expected {what}")
        return literal


def _attribute_expected() -> str:
    return "expected an attribute (" + ", ".join(ATTRIBUTES) + ")"


def parse_filter(text: str) -> Node:
    """Parse a filter expression into its syntax tree; ``FilterError`` if it is bad."""
    if not isinstance(text, str):
        raise TypeError(f"filter must be a string, not {type(text).__name__}")
    if len(text) > MAX_FILTER_CHARS:
        raise FilterError(text[:60] + "...", 60, "", f"expected at most {MAX_FILTER_CHARS}"
                          " characters")
    if not text.strip():
        raise FilterError(text, len(text), "", "expected a field (the filter is empty)")
    return _Parser(text).parse()


def fields_of(node: Node) -> list[Field]:
    """Every field ``node`` tests, in order (with repeats)."""
    if isinstance(node, And | Or):
        return [f for item in node.items for f in fields_of(item)]
    if isinstance(node, Not):
        return fields_of(node.item)
    return [node.field]
