"""Exact pins of what loading and predicting a packaged model needs (``requirements.txt``).

Not the whole environment: the flavour's library (scikit-learn, joblib), the packages
the version recorded at registration (``requirements``: numpy, scipy, the model's own
library), pandas when the model takes a DataFrame, and, walking ``importlib.metadata``,
everything those require (markers evaluated for Linux and the version's Python, since
the package is built into a Linux image of that Python; extras are not followed).

Versions come from what the version recorded, else from its producing run's recorded
environment, else from this environment (``source`` says which). Which packages a
dependency requires is read from the installed distribution of that name, so the walk
needs them installed here; one that is not is pinned without its dependencies, and
``missing`` says so. ``packaging`` (a jupyter-server dependency) parses the metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata

# The libraries a flavour's loader and ``predict`` need before any recorded package.
FLAVOR_ROOTS = {"sklearn": ("scikit-learn", "joblib", "numpy"), "joblib": ("joblib", "numpy")}


@dataclass(frozen=True)
class Pin:
    """One ``name==version`` line: ``source`` is ``version``, ``run`` or ``local``."""

    name: str
    version: str
    source: str

    @property
    def line(self) -> str:
        return f"{self.name}=={self.version}"


def canonical(name: str) -> str:
    """Return the PEP 503 normalised form of a distribution name (``Scikit_Learn`` -> ``scikit-learn``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pin_requirements(
    roots: list[str],
    *,
    recorded: dict[str, str],
    environment: dict[str, str] | None,
    python: str,
) -> tuple[list[Pin], list[str]]:
    """Return the pins of ``roots`` and their dependencies, sorted by name, and the
    names that could be pinned but not walked (not installed here).

    ``recorded``: the version's ``requirements["packages"]``; ``environment``: the
    producing run's ``packages``; ``python``: the version's Python (``3.11.7``).
    ``ValueError`` names a package no source has a version of.
    """
    sources = [("version", _by_canonical(recorded)), ("run", _by_canonical(environment or {}))]
    marker_env = _marker_environment(python)
    pins: dict[str, Pin] = {}
    unwalked: list[str] = []
    queue = sorted({canonical(r) for r in roots})
    while queue:
        key = queue.pop(0)
        if key in pins:
            continue
        pins[key] = _pin(key, sources)
        try:
            requires = metadata.requires(pins[key].name) or []
        except metadata.PackageNotFoundError:
            unwalked.append(pins[key].name)
            continue
        for dependency in _needed(requires, marker_env):
            if dependency not in pins:
                queue.append(dependency)
    ordered = sorted(pins.values(), key=lambda p: canonical(p.name))
    return ordered, sorted(unwalked, key=canonical)


def _by_canonical(packages: dict[str, str]) -> dict[str, tuple[str, str]]:
    return {canonical(name): (name, str(version)) for name, version in packages.items()}


def _pin(key: str, sources: list[tuple[str, dict[str, tuple[str, str]]]]) -> Pin:
    for source, packages in sources:
        if key in packages:
            name, version = packages[key]
            return Pin(name, version, source)
    try:
        local = metadata.distribution(key)
    except metadata.PackageNotFoundError:
        raise ValueError(
            f"cannot pin {key}: neither the model version nor its run recorded a version"
            " of it, and it is not installed here"
        ) from None
    return Pin(str(local.metadata["Name"] or key), str(local.version), "local")


def _marker_environment(python: str) -> dict[str, str]:
    from packaging.markers import default_environment

    env: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
    parts = [*python.split("."), "0", "0"][:3]
    # The image is Linux (Dockerfile) running the version's Python, whatever packs it.
    env.update(python_version=".".join(parts[:2]), python_full_version=".".join(parts),
               sys_platform="linux", platform_system="Linux", os_name="posix")
    return env


def _needed(requires: list[str], env: dict[str, str]) -> list[str]:
    from packaging.requirements import InvalidRequirement, Requirement

    needed = []
    for text in requires:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue  # a broken metadata line: pip would refuse it as well
        # extra "" : a dependency only an extra asks for is not installed by pip.
        if requirement.marker is None or requirement.marker.evaluate({**env, "extra": ""}):
            needed.append(canonical(requirement.name))
    return needed


__all__ = ["FLAVOR_ROOTS", "Pin", "canonical", "pin_requirements"]
