"""Patch framework entry points for the length of a tracked cell, invisibly.

A patched ``fit`` must return and raise exactly what the original does, with the
original traceback: none of our frames may appear in it (``%xmode Plain``, ``%tb``,
``traceback.format_exc()`` and ``%debug`` all show ``exc.__traceback__`` as it is).
A plain Python wrapper cannot promise that: an exception passing through its frame
gains a traceback entry for it. So the call goes through C only:

- a patched method is a descriptor whose ``__get__`` returns ``MethodType(call, obj)``
  (``__get__`` itself has no error path for a plain function, so it never shows);
- ``call`` is ``functools.partial(_Call, patch)``: calling it creates a ``_Call``;
  ``type.__call__`` runs ``_Call.__new__`` (our Python code), which calls the
  original and catches what it raises, so our frame *returns* instead of raising;
- on an error ``__new__`` returns a token (an instance of ``_Call``), and
  ``type.__call__`` then looks up the token's ``__init__``: a ``property`` whose getter,
  ``methodcaller``, calls ``partial(dead_generator.throw, exc)``. Throwing into a
  finished generator raises ``exc`` from C with the traceback we left on it: the
  original one, from which our ``__new__`` entry was cut.

The caller's own frame is then prepended as usual, so the traceback is the one an
unpatched ``fit`` gives. ``inspect.signature`` sees the original through
``__wrapped__`` (scikit-learn inspects ``fit`` signatures for ``sample_weight`` and
metadata routing), and class attribute access returns the original function.

Only outermost calls are reported: a fit called while another is in progress on the
same thread, or called by the frameworks' own code (the trees of a forest, the folds
of ``cross_val_score``, the steps of a pipeline), runs untouched.
"""

from __future__ import annotations

import functools
import operator
import sys
import threading
import time
import types
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

# Code of these packages fitting a model is not the user's fit: a forest fitting its
# trees, cross_val_score its folds, a pipeline its steps, xgboost's sklearn API train().
LIBRARIES = frozenset({"sklearn", "xgboost", "lightgbm", "joblib", "scipy", "numpy"})
OUR_PREFIX = "mm_jupyter."


@dataclass
class FitCall:
    """One outermost fit (or ``train()``) that returned: what a sink receives."""

    framework: str  # sklearn, xgboost or lightgbm
    method: str  # fit, fit_transform, partial_fit or train
    target: Any  # the estimator whose method ran (None for train())
    args: tuple[Any, ...]  # positional arguments after the estimator
    kwargs: dict[str, Any]
    result: Any
    duration_s: float
    extra: dict[str, Any] = field(default_factory=dict)  # what prepare() added


Sink = Callable[[FitCall], None]
# Before the call: (args, kwargs) -> (args, kwargs, extra); must never raise.
Prepare = Callable[[tuple[Any, ...], dict[str, Any]], tuple[tuple[Any, ...], dict[str, Any], dict[str, Any]]]


class Installable(Protocol):
    """What ``Patches`` puts in place for a cell and takes out after it."""

    def install(self) -> bool:
        """Put it in place; ``False`` when there was nothing to do."""
        ...

    def uninstall(self) -> None:
        """Restore what was there before."""
        ...


class _Depth(threading.local):
    depth = 0


class Patches:
    """The patches in place and the sinks that hear from them (one per process).

    Patches live on classes and modules, which are process-wide, so there is one set.
    ``activate`` pushes a sink and installs the patches (nested tracked cells push
    more sinks); ``deactivate`` pops it and restores every original when none is left.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.sinks: list[Sink] = []
        self.installed: list[Installable] = []
        self.local = _Depth()

    @property
    def active(self) -> bool:
        return bool(self.sinks)

    def activate(self, sink: Sink, patches: Iterable[Installable]) -> None:
        """Report outermost fits to ``sink`` and install ``patches`` not yet in place."""
        with self.lock:
            self.sinks.append(sink)
            for patch in patches:
                if patch not in self.installed and patch.install():
                    self.installed.append(patch)

    def deactivate(self, sink: Sink) -> None:
        """Stop reporting to ``sink``; restore the originals when no sink is left."""
        with self.lock:
            if sink in self.sinks:
                self.sinks.remove(sink)
            if not self.sinks:
                for patch in reversed(self.installed):
                    patch.uninstall()
                self.installed.clear()

    def add(self, patch: Installable) -> None:
        """Install one more patch while active (a class or framework loaded during the cell)."""
        with self.lock:
            if self.sinks and patch not in self.installed and patch.install():
                self.installed.append(patch)

    def report(self, call: FitCall) -> None:
        sinks = self.sinks
        if sinks:
            sinks[-1](call)

    def loggable(self, caller: Any) -> bool:
        """Whether a call made from frame ``caller`` is an outermost user fit."""
        if not self.sinks or self.local.depth:
            return False
        module = caller.f_globals.get("__name__", "") if caller is not None else ""
        return str(module).partition(".")[0] not in LIBRARIES


PATCHES = Patches()


def _finished_generator() -> Any:
    def never() -> Any:
        yield
    gen = never()
    gen.close()
    return gen


_FINISHED = _finished_generator()


class _Call:
    """Run a patched callable from C (see the module docstring); never instantiated
    for real: ``__new__`` returns the callable's result, or a token that raises."""

    __slots__ = ("_reraise",)

    def __new__(cls, patch: Patch, /, *args: Any, **kwargs: Any) -> Any:
        patches = patch.patches
        if not patches.loggable(sys._getframe(1)):
            try:
                return patch.original_call(*args, **kwargs)
            except BaseException as exc:
                return _raising(exc, cls)
        target, rest = patch.split(args)
        rest, kwargs2, extra = patch.prepare(rest, kwargs)
        local = patches.local
        # Until we have recorded it: fits made meanwhile (by the fit, or by a user
        # estimator's predict() that our training metrics call) are not outermost.
        local.depth += 1
        try:
            started = time.perf_counter()
            try:
                result = patch.original_call(*target, *rest, **kwargs2)
            except BaseException as exc:
                return _raising(exc, cls)
            duration = time.perf_counter() - started
            try:
                # The sink logs; its own failures are warnings (it catches Exception).
                # What reaches here is a KeyboardInterrupt while we logged: the user
                # stops the cell, as they would have after the fit returned.
                patches.report(FitCall(
                    patch.framework, patch.name, target[0] if target else None,
                    rest, kwargs2, result, duration, extra,
                ))
            except BaseException as exc:
                return _raising(exc, cls)
            return result
        finally:
            local.depth -= 1

    # type.__call__ runs __init__ only on the error token (an instance of _Call):
    # looking it up calls token._reraise() from C, which raises the saved exception.
    __init__ = property(operator.methodcaller("_reraise"))


def _raising(exc: BaseException, kind: type) -> Any:
    """Return the token that re-raises ``exc`` without our frames in its traceback:
    an instance of ``kind``, the class ``type.__call__`` is creating."""
    tb = exc.__traceback__
    while tb is not None and str(tb.tb_frame.f_globals.get("__name__", "")).startswith(
        OUR_PREFIX
    ):
        tb = tb.tb_next
    exc.__traceback__ = tb
    token: Any = object.__new__(kind)
    token._reraise = functools.partial(_FINISHED.throw, exc)
    return token


class Patch:
    """One patched callable: a method of a class or a function of a module.

    Kept between cells (``sklearn.class_patches`` caches them), so a cell that installs
    the same patch again reuses its replacement; the owner is held weakly so that a
    class redefined in the notebook can go away.
    """

    def __init__(
        self,
        owner: Any,
        name: str,
        framework: str,
        *,
        prepare: Prepare | None = None,
        patches: Patches = PATCHES,
    ) -> None:
        self._owner = weakref.ref(owner)
        self.name = name
        self.framework = framework
        self.prepare_hook = prepare
        self.patches = patches
        self.is_method = isinstance(owner, type)
        self.original: Any = None  # what owner.__dict__[name] held
        self.original_call: Any = None  # what the replacement calls
        self.replacement: Any = None  # what we put there (or the wrapped fn)
        self.in_place = False

    def split(self, args: tuple[Any, ...]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """Return ``((self,), rest)`` for a method, ``((), args)`` for a function."""
        if self.is_method and args:
            return args[:1], args[1:]
        return (), args

    def prepare(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any], dict[str, Any]]:
        if self.prepare_hook is None:
            return args, kwargs, {}
        try:
            return self.prepare_hook(args, kwargs)
        except Exception:  # the fit runs as the user called it
            return args, kwargs, {}

    def _callable(self, original: Any) -> Any:
        call = functools.partial(_Call, self)
        # inspect.signature() unwraps to the original; help() and repr() name it.
        call.__wrapped__ = original  # type: ignore[attr-defined]
        for attribute in ("__name__", "__qualname__", "__doc__", "__module__"):
            try:
                setattr(call, attribute, getattr(original, attribute))
            except Exception:
                pass
        return call

    def _build(self, current: Any) -> bool:
        """Make the replacement for ``current``; ``False`` if it is nothing we patch."""
        if self.is_method and isinstance(current, types.FunctionType):
            self.original = self.original_call = current
            self.replacement = _Method(self, self._callable(current))
        elif self.is_method and _is_available_if(current):
            # scikit-learn's available_if: the descriptor stays (its check makes
            # hasattr() false when the method is unavailable); what it binds is wrapped.
            self.original, self.original_call = current, current.fn
            self.replacement = self._callable(current.fn)
        elif not self.is_method and callable(current):
            self.original = self.original_call = current
            self.replacement = self._callable(current)
        else:
            return False
        return True

    def install(self) -> bool:
        """Put the replacement in place; ``False`` when there is nothing to patch."""
        owner = self._owner()
        if owner is None or self.in_place:
            return False
        current = vars(owner).get(self.name)
        if current is None:
            return False
        if current is not self.original and not self._build(current):
            return False  # changed since last time, into something we do not patch
        if self.is_method and current is self.original and not isinstance(
            current, types.FunctionType
        ):
            current.fn = self.replacement  # available_if
        else:
            setattr(owner, self.name, self.replacement)
        self.in_place = True
        return True

    def uninstall(self) -> None:
        """Restore the original, unless someone replaced our patch meanwhile."""
        owner = self._owner()
        if owner is None or not self.in_place:
            return
        self.in_place = False
        current = vars(owner).get(self.name)
        if current is self.replacement:
            setattr(owner, self.name, self.original)
        elif current is self.original and getattr(current, "fn", None) is self.replacement:
            current.fn = self.original_call  # available_if


def _is_available_if(obj: Any) -> bool:
    kind = type(obj)
    return kind.__name__ == "_AvailableIfDescriptor" and isinstance(
        getattr(obj, "fn", None), types.FunctionType
    )


class _Method:
    """The descriptor put on a class in place of a plain-function method."""

    __slots__ = ("call", "patch")

    def __init__(self, patch: Patch, call: Any) -> None:
        self.patch = patch
        self.call = call

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        original = self.patch.original
        patches = self.patch.patches
        if obj is None:
            return original  # class access: signatures, metadata routing, super()
        if not patches.sinks or patches.local.depth:
            return original.__get__(obj, owner)  # nested or outside a cell: untouched
        return types.MethodType(self.call, obj)


class _SubclassCall:
    """``__init_subclass__`` run from C, as ``_Call`` runs a fit (same token trick)."""

    __slots__ = ("_reraise",)

    def __new__(cls, hook: SubclassHook, klass: type, /, **kwargs: Any) -> Any:
        try:
            hook.original(klass, kwargs)
        except BaseException as exc:
            return _raising(exc, cls)
        try:
            hook.on_class(klass)
        except Exception:
            pass  # the class stands; only its fits go unlogged
        return None

    __init__ = property(operator.methodcaller("_reraise"))


class SubclassHook:
    """Patch the fits of estimator classes defined while a tracked cell runs.

    A cell that imports a module of the framework not imported before (``from
    sklearn.ensemble import RandomForestClassifier``) defines its classes after the
    patches went in; ``base.__init_subclass__`` (a classmethod over ``_SubclassCall``)
    hands each new subclass to ``on_class``.
    """

    def __init__(self, base: type, on_class: Callable[[type], None]) -> None:
        self.base = base
        self.on_class = on_class
        self.previous: Any = None  # what base.__dict__ held, None when nothing
        self.replacement: Any = None

    def original(self, klass: Any, kwargs: dict[str, Any]) -> None:
        if self.previous is None:
            super(self.base, klass).__init_subclass__(**kwargs)  # type: ignore[arg-type]
        else:
            self.previous.__get__(None, klass)(**kwargs)

    def install(self) -> bool:
        current = vars(self.base).get("__init_subclass__")
        if _is_subclass_hook(current):
            return False  # an enclosing tracked cell's hook is in place
        self.previous = current
        self.replacement = classmethod(functools.partial(_SubclassCall, self))
        self.base.__init_subclass__ = self.replacement  # type: ignore[method-assign]
        return True

    def uninstall(self) -> None:
        if vars(self.base).get("__init_subclass__") is not self.replacement:
            return
        if self.previous is None:
            delattr(self.base, "__init_subclass__")
        else:
            self.base.__init_subclass__ = self.previous  # type: ignore[method-assign]


def _is_subclass_hook(obj: Any) -> bool:
    function = getattr(obj, "__func__", None)
    return isinstance(function, functools.partial) and function.func is _SubclassCall
