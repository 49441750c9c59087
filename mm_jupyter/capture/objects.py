"""The custom objects a tracked cell used: user-defined functions and classes.

"User-defined" means defined in the notebook or the kernel (``__module__ ==
"__main__"``) or in a module whose file lies under the working directory, outside
``sys.prefix`` and any ``site-packages``. "Used" means reachable from the names the
cell's code mentions (read or bound), after the cell ran:

- directly: a name bound to such a function or class;
- through values: an instance's class, its attributes, an estimator's
  ``get_params(deep=True)`` (a custom transformer inside a ``Pipeline``), the items
  of lists, tuples and dicts, a ``functools.partial``'s function and arguments;
- transitively: the globals a function reads (from its bytecode), attributes it
  reads of a local module, its closure and defaults, a class's bases and metaclass,
  and what its methods read.

Everything is bounded (``Limits``, docs/objects.md), never calls the user's code
except an estimator's ``get_params``, and is cached by object identity plus code
object, so a repeated cell costs little. Nothing here raises on an odd object: it is
skipped.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import FunctionType, MethodType, ModuleType
from typing import Any

from mm_jupyter.capture.object_scope import cell_names, code_references, is_user_module
from mm_jupyter.capture.object_source import record_of
from mm_jupyter.store.objects import CodeObject


@dataclass(frozen=True)
class Limits:
    """How far one cell's capture goes (docs/objects.md)."""

    max_objects: int = 100  # objects recorded per run
    max_source_bytes: int = 64 * 1024  # one object's source; a larger one gets a note
    max_total_bytes: int = 1024 * 1024  # all sources of a run; later ones get a note
    max_visits: int = 5_000  # values looked at per cell
    max_items: int = 64  # items of a container or attributes of an instance looked at
    max_depth: int = 3  # hops from a name the cell uses through attributes and items
    max_per_type: int = 8  # library instances of one type expanded per cell
    max_seconds: float = 0.05  # the walk stops there, with what it found so far


LIMITS = Limits()

# Values that never lead to code: skipped before any other test.
_ATOMS = frozenset({
    type(None), bool, int, float, complex, str, bytes, bytearray, range, slice,
    memoryview, type(Ellipsis), type(NotImplemented), ModuleType,
    type(len), type("".join), type(str.join), type(object.__init__),
})
_SEQUENCES = (list, tuple, set, frozenset)


def _module_of(obj: Any) -> Any:
    try:
        module = obj.__module__
    except Exception:
        return None
    if module is None and type(obj) is FunctionType:
        module = obj.__globals__.get("__name__")
    return module


# -- the walk ---------------------------------------------------------------------


def _class_attr(cls: type, name: str) -> Any:
    """``name`` from the class dicts along ``cls``'s MRO, without calling any code."""
    for klass in cls.__mro__:
        found = vars(klass).get(name)
        if found is not None:
            return found
    return None


def _instance_dict(value: Any) -> dict[str, Any] | None:
    try:
        found = object.__getattribute__(value, "__dict__")
    except Exception:
        return None
    return found if type(found) is dict else None


class _Walk:
    """One cell's breadth-first walk from its names to the code they reach."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.found: dict[int, CodeObject] = {}
        self.seen: set[int] = set()
        self.keep: list[Any] = []  # visited values stay alive: their ids stay unique
        self.queue: deque[tuple[Any, int]] = deque()
        self.per_type: dict[type, int] = {}
        self.total_bytes = 0
        self.visits = 0

    def run(self, roots: Iterable[Any]) -> list[CodeObject]:
        for value in roots:
            self.push(value, 0)
        limits = self.limits
        deadline = time.perf_counter() + limits.max_seconds
        while self.queue and len(self.found) < limits.max_objects:
            self.visits += 1
            if self.visits > limits.max_visits:
                break
            if self.visits % 64 == 0 and time.perf_counter() > deadline:
                break
            value, depth = self.queue.popleft()
            try:
                self.visit(value, depth)
            except Exception:  # an odd object: skip it, keep the rest
                continue
        return list(self.found.values())

    def push(self, value: Any, depth: int) -> None:
        if type(value) in _ATOMS or id(value) in self.seen:
            return
        self.seen.add(id(value))
        self.keep.append(value)
        self.queue.append((value, depth))

    def visit(self, value: Any, depth: int) -> None:
        kind = type(value)
        if kind is FunctionType:
            self.function(value)
        elif issubclass(kind, type):
            self.klass(value)
        elif kind is MethodType:
            self.push(value.__func__, depth)
            self.push(value.__self__, depth + 1)
        elif kind is functools.partial:
            self.push(value.func, depth)
            self.items(itertools.chain(value.args, value.keywords.values()), depth)
        elif issubclass(kind, dict):
            self.items(dict.values(value), depth)
        elif issubclass(kind, _SEQUENCES):
            base = next(b for b in _SEQUENCES if issubclass(kind, b))
            self.items(base.__iter__(value), depth)
        else:
            self.instance(value, kind, depth)

    def items(self, values: Iterable[Any], depth: int) -> None:
        if depth < self.limits.max_depth:
            for item in itertools.islice(values, self.limits.max_items):
                self.push(item, depth + 1)

    def record(self, obj: Any, kind: str, module: str) -> None:
        limits = self.limits
        record = record_of(obj, kind, module)
        size = record.size
        note = None
        if size > limits.max_source_bytes:
            digest = hashlib.sha256(record.source.encode("utf-8")).hexdigest()
            note = (f"# source not stored: {size} bytes, over the limit of"
                    f" {limits.max_source_bytes} per object (sha256 {digest})\n")
        elif self.total_bytes + size > limits.max_total_bytes:
            note = (f"# source not stored: this run's objects reached the limit of"
                    f" {limits.max_total_bytes} bytes\n")
        if note is not None:
            record = CodeObject.of(name=record.name, kind=kind, module=module, source=note)
        self.total_bytes += record.size
        self.found[id(obj)] = record

    def function(self, fn: FunctionType) -> None:
        # The module whose globals the code runs in: functools.wraps copies a wrapped
        # function's __module__ onto a library's wrapper.
        module = fn.__globals__.get("__name__")
        if not is_user_module(module):
            for inner in _unwrap_chain(fn)[1:]:  # a library decorator on the user's code
                self.push(inner, 0)
            return
        owner = _owner_class(fn)
        if owner is not None:  # a method taken from its class: the class is the code
            self.push(owner, 0)
            return
        self.record(fn, "function", str(module))
        self.code_of(fn)

    def code_of(self, fn: FunctionType) -> None:
        """What function ``fn`` reaches: globals, local modules' attributes, closure."""
        names, attrs = code_references(fn.__code__)
        scope = fn.__globals__
        for name in names:
            value = scope.get(name)
            if type(value) is ModuleType:
                if is_user_module(value.__name__):
                    members = vars(value)
                    for attr in attrs:
                        self.push(members.get(attr), 0)
            elif value is not None:
                self.push(value, 0)
        for cell in fn.__closure__ or ():
            try:
                self.push(cell.cell_contents, 0)
            except ValueError:  # an empty cell
                continue
        self.items(itertools.chain(fn.__defaults__ or (), (fn.__kwdefaults__ or {}).values()),
                   0)
        wrapped = vars(fn).get("__wrapped__")
        if wrapped is not None:
            self.push(wrapped, 0)

    def klass(self, cls: type) -> None:
        module = _module_of(cls)
        if not is_user_module(module):
            return
        self.record(cls, "class", str(module))
        for base in cls.__bases__:
            self.push(base, 0)
        if type(cls) is not type:
            self.push(type(cls), 0)  # a metaclass of the user's
        self.members(cls, 0)

    def members(self, cls: type, nesting: int) -> None:
        """Walk what the body of ``cls`` reaches; its own code is in its source."""
        prefix = cls.__qualname__ + "."
        for value in list(vars(cls).values())[:256]:
            functions = _functions_of(value)
            # The class's own code: defined in its body, or decorated there (what a
            # wrapper wraps may be generated code, such as a dataclass's __repr__).
            own = len(functions) > 1 or any(
                getattr(f, "__qualname__", "").startswith(prefix) for f in functions
                if type(f) is FunctionType or isinstance(f, type))
            for fn in functions:
                if not own:
                    self.push(fn, 1)  # another object the class refers to
                elif type(fn) is FunctionType:
                    if is_user_module(fn.__globals__.get("__name__")):
                        self.code_of(fn)
                elif isinstance(fn, type) and nesting < 4:
                    self.members(fn, nesting + 1)

    def instance(self, value: Any, kind: type, depth: int) -> None:
        user = is_user_module(_module_of(kind))
        if user:
            self.push(kind, 0)
        if depth >= self.limits.max_depth:
            return
        get_params = _class_attr(kind, "get_params")
        if not user:
            # A library object's attributes only near the cell, and a few of each type.
            if depth > 0 and get_params is None:
                return
            count = self.per_type.get(kind, 0)
            if count >= self.limits.max_per_type:
                return
            self.per_type[kind] = count + 1
        if type(get_params) is FunctionType:
            try:
                params = get_params(value, deep=True)
            except Exception:  # an estimator that cannot say: its attributes still can
                params = None
            if type(params) is dict:
                self.items(dict.values(params), depth)
        attributes = _instance_dict(value)
        if attributes is not None and (user or get_params is None or depth == 0):
            self.items(dict.values(attributes), depth)


def _unwrap_chain(fn: Any) -> list[Any]:
    """``fn`` and what it wraps (``functools.wraps``' ``__wrapped__``), a few deep."""
    chain = [fn]
    for _ in range(8):
        attributes = _instance_dict(chain[-1])
        inner = None if attributes is None else attributes.get("__wrapped__")
        if inner is None or any(inner is c for c in chain):
            break
        chain.append(inner)
    return chain


def _functions_of(member: Any) -> list[Any]:
    """The code behind a class member: methods, static/class methods, properties."""
    if isinstance(member, (staticmethod, classmethod)):
        members: tuple[Any, ...] = (member.__func__,)
    elif isinstance(member, property):
        members = (member.fget, member.fset, member.fdel)
    else:
        members = (member,)
    return [fn for m in members if m is not None for fn in _unwrap_chain(m)]


def _owner_class(fn: FunctionType) -> type | None:
    """The class whose body defines ``fn`` (``C.m``), when it is still reachable."""
    path = fn.__qualname__.split(".")
    if len(path) < 2 or "<locals>" in path:
        return None
    owner = fn.__globals__.get(path[0])
    for part in path[1:-1]:
        owner = vars(owner).get(part) if isinstance(owner, type) else None
    if not isinstance(owner, type):
        return None
    member = vars(owner).get(path[-1])
    return owner if any(f is fn for f in _functions_of(member)) else None


def _roots(code: str, namespace: Mapping[str, Any]) -> list[Any]:
    names, chains = cell_names(code)
    roots = []
    for name in names:
        value = namespace.get(name)
        if value is not None:
            roots.append(value)
    for chain in chains:
        value = namespace.get(chain[0])
        for attr in chain[1:]:
            if type(value) is not ModuleType:
                break
            value = vars(value).get(attr)  # no module __getattr__: nothing imported
        else:
            if value is not None:
                roots.append(value)
    return roots


def custom_objects(code: str, namespace: Mapping[str, Any], *,
                   limits: Limits = LIMITS) -> list[CodeObject]:
    """Return the user-defined functions and classes cell ``code`` used, with source.

    ``namespace`` is where the cell ran (the kernel's ``user_ns``), read after it ran.
    Deduplicated by content; at most ``limits.max_objects``, in the order found.
    """
    found = _Walk(limits).run(_roots(code, namespace))
    return list({o.digest: o for o in found}.values())
