"""Autolog a framework the tracked cell itself imports for the first time.

``patches_for`` patches only frameworks already imported (we never import one), so a
first cell such as ``from sklearn.tree import DecisionTreeClassifier`` followed by a
fit would go unlogged. While a tracked cell runs, ``ImportWatch`` sits on
``sys.meta_path``: when ``sklearn.base`` (or ``xgboost``, ``lightgbm``) finishes
loading, the patches that now have something to patch go in. It finds nothing itself
(``find_spec`` asks the standard ``PathFinder`` and only wraps the loader of those few
modules), and it is removed with the other patches when the cell ends.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

# module whose loading makes a framework patchable -> the framework
WATCHED = {"sklearn.base": "sklearn", "xgboost": "xgboost", "lightgbm": "lightgbm"}


class _NotifyingLoader(importlib.abc.Loader):
    """The module's own loader, then ``loaded(name)`` once the module is executed."""

    def __init__(self, loader: Any, loaded: Callable[[str], None]) -> None:
        self.loader = loader
        self.loaded = loaded

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        create = getattr(self.loader, "create_module", None)
        return None if create is None else create(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        try:
            self.loaded(module.__name__)
        except Exception:
            pass  # the import succeeded; only the framework's fits go unlogged

    def __getattr__(self, name: str) -> Any:  # get_resource_reader, is_package, ...
        return getattr(self.loader, name)


class ImportWatch(importlib.abc.MetaPathFinder):
    """Call ``on_framework(framework)`` when a watched framework loads during a cell.

    Installed like a patch: ``install()`` / ``uninstall()`` (``patching.Patches``).
    """

    def __init__(self, frameworks: Sequence[str], on_framework: Callable[[str], None]) -> None:
        self.modules = {m for m, f in WATCHED.items() if f in frameworks}
        self.on_framework = on_framework

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.modules or fullname in sys.modules:
            return None
        try:
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        except Exception:
            return None  # the other finders decide, as without us
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return None
        spec.loader = _NotifyingLoader(spec.loader, lambda name: self.on_framework(WATCHED[name]))
        return spec

    def install(self) -> bool:
        # A membership test per watched module, not a set of sys.modules (a thousand
        # names and more: this runs at the start of every tracked cell).
        modules = sys.modules
        if all(m in modules for m in self.modules) or self in sys.meta_path:
            return False  # everything watched is loaded already
        sys.meta_path.insert(0, self)
        return True

    def uninstall(self) -> None:
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass
