"""Typed records returned by the Python API.

Each has ``to_dict()``: the JSON shape the CLI's ``--json`` and the REST API give for
the same thing (docs/rest.md), so a record and a payload never disagree.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from mm_jupyter.encoding import spell_non_finite, to_jsonable


@dataclass
class Run:
    """A run as the API, the CLI's ``--json`` and ``%mm show`` present it."""

    id: str
    name: str
    experiment: str
    status: str
    started_at: str
    duration_s: float | None
    params: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float | None] = field(default_factory=dict)
    tags: dict[str, Any] = field(default_factory=dict)
    finished_at: str | None = None
    user: str | None = None
    host: str | None = None
    notebook_path: str | None = None
    n_outputs: int = 0
    n_figures: int = 0
    parent_run_id: str | None = None  # the search run this candidate belongs to
    n_children: int = 0  # child runs: the candidates of a search this run made
    # Housekeeping (docs/housekeeping.md): a star, a markdown note, archive and soft
    # delete; and the notebook cell the run ran in (JupyterLab's cell id).
    starred: bool = False
    note: str | None = None
    archived_at: str | None = None
    deleted_at: str | None = None
    cell_id: str | None = None
    # The hidden-state analysis of the tracked cell (docs/reproducibility.md):
    # {"status": "clean"|"warnings"|"unknown", "issues": [...]}, None before it existed.
    reproducibility: dict[str, Any] | None = None

    @classmethod
    def from_summary(cls, summary: dict[str, Any]) -> Run:
        """Build a record from a store summary dict."""
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in summary.items() if k in names})

    def to_dict(self) -> dict[str, Any]:
        """Return the stable JSON shape (non-finite floats as strings)."""
        data: dict[str, Any] = to_jsonable(asdict(self))
        return data

    def _repr_html_(self) -> str:
        from mm_jupyter.display.runs import run_html

        return run_html(self)


@dataclass
class ActiveRunHandle:
    """What ``mm.track()`` yields and ``mm.active_run()`` returns."""

    id: str | None
    name: str
    experiment: str

    @property
    def recorded(self) -> bool:
        """Whether the run is being written to the registry."""
        return self.id is not None

    def __str__(self) -> str:
        return f"{self.name} ({self.id or 'not recorded'})"

    def _repr_html_(self) -> str:
        return f"<code>{html.escape(str(self))}</code>"


@dataclass
class ArtifactVersion:
    """One version of an artifact, as ``mm.log_artifact`` and ``mm.get_artifact`` return it."""

    name: str
    version: int
    kind: str
    digest: str
    size: int
    format: str
    media_type: str
    file_name: str
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    run_id: str | None = None
    created: bool = False  # whether this call made a new version
    stored: bool = True  # False: a fingerprint-only dataset version (no bytes)

    @property
    def ref(self) -> str:
        """``name:vN``."""
        return f"{self.name}:v{self.version}"

    @property
    def profile(self) -> dict[str, Any] | None:
        """The dataset profile (per column statistics), if the version has one."""
        found = self.metadata.get("profile")
        return found if isinstance(found, dict) else None

    def _repr_html_(self) -> str:
        from mm_jupyter.display.artifacts import version_html

        return version_html(self.to_dict())

    @classmethod
    def from_store(cls, row: dict[str, Any], *, created: bool = False) -> ArtifactVersion:
        """Build from a store version dict."""
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in row.items() if k in names}, created=created)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (with ``ref``)."""
        data: dict[str, Any] = to_jsonable({**asdict(self), "ref": self.ref})
        return data

    def __repr__(self) -> str:
        new = "new" if self.created else "existing"
        if not self.stored:
            return f"<ArtifactVersion {self.ref} {self.kind} fingerprint only {self.digest[:12]} ({new})>"
        return f"<ArtifactVersion {self.ref} {self.kind} {self.size} B sha256:{self.digest[:12]} ({new})>"


def _shallow(record: Any) -> dict[str, Any]:
    """Return a record's fields in order, nested records left as they are."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


@dataclass
class ArtifactSummary:
    """An artifact with its latest version, as ``mm.list_artifacts`` lists it."""

    name: str
    kind: str
    description: str | None = None
    tags: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    n_versions: int = 0
    aliases: dict[str, int] = field(default_factory=dict)  # alias -> version number
    # The latest version as the REST list gives it: the version's fields plus its
    # aliases, producer and consumers (``ArtifactVersion`` has none of those).
    latest: dict[str, Any] | None = None

    @classmethod
    def from_store(cls, item: dict[str, Any]) -> ArtifactSummary:
        """Build from an item of the store's artifact list."""
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in item.items() if k in names})

    def to_dict(self) -> dict[str, Any]:
        """Return the ``ArtifactSummary`` payload of docs/rest.md."""
        data: dict[str, Any] = spell_non_finite(_shallow(self))
        return data

    def __repr__(self) -> str:
        latest = f"latest v{self.latest['version']}" if self.latest else "no versions"
        return f"<ArtifactSummary {self.name} {self.kind} {self.n_versions} versions, {latest}>"


@dataclass
class ModelTransition:
    """One stage change or alias move of a model version, as ``mm.model_history`` lists it."""

    version: int
    kind: str  # "stage" or "alias"
    alias: str | None  # the alias moved (kind "alias")
    from_value: str | None  # the stage, or the version number that held the alias
    to_value: str | None
    user: str | None
    comment: str | None
    at: str
    # A move forced past failing promotion-policy rules, and those rules (docs/deploy.md).
    forced: bool = False
    overridden: list[str] | None = None

    @classmethod
    def from_store(cls, row: dict[str, Any]) -> ModelTransition:
        """Build from a store history entry (keys ``from`` and ``to``)."""
        return cls(version=row["version"], kind=row["kind"], alias=row["alias"],
                   from_value=row["from"], to_value=row["to"], user=row["user"],
                   comment=row["comment"], at=row["at"], forced=bool(row.get("forced")),
                   overridden=row.get("overridden"))

    def to_dict(self) -> dict[str, Any]:
        """Return the history entry of docs/rest.md (``from`` and ``to``)."""
        return {"version": self.version, "kind": self.kind, "alias": self.alias,
                "from": self.from_value, "to": self.to_value, "user": self.user,
                "comment": self.comment, "at": self.at, "forced": self.forced,
                "overridden": self.overridden}

    def __repr__(self) -> str:
        what = f"alias {self.alias}" if self.kind == "alias" else "stage"
        return (f"<ModelTransition v{self.version} {what}: {self.from_value or '-'} ->"
                f" {self.to_value or '-'} by {self.user or '?'} at {self.at[:19]}>")


@dataclass
class ModelVersion:
    """One version of a registered model, as ``mm.get_model`` and ``mm.register_model`` return it.

    ``artifact`` is the reference of the artifact version holding the bytes, ``run`` the
    producing run (``id``, ``name``, ``status``, ``experiment``) and ``inputs`` that
    run's input versions; ``history`` is filled by ``mm.get_model`` only.
    """

    name: str
    version: int
    stage: str = "none"
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    created_at: str | None = None
    created_by: str | None = None
    flavor: str = ""
    artifact: dict[str, Any] = field(default_factory=dict)
    run: dict[str, Any] | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    signature: dict[str, Any] | None = None
    requirements: dict[str, Any] = field(default_factory=dict)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    has_reference_profile: bool = False
    history: list[ModelTransition] | None = None
    # The producing run's hidden-state verdict when registered: {"status", "warnings",
    # "confirmed_by"}, or None (docs/reproducibility.md).
    reproducibility: dict[str, Any] | None = None
    # Reviews: {"user", "comment", "at", "counts", "why_not"} (docs/deploy.md).
    approvals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ref(self) -> str:
        """``name:N``."""
        return f"{self.name}:{self.version}"

    @classmethod
    def from_store(cls, payload: dict[str, Any]) -> ModelVersion:
        """Build from a store ``ModelVersion`` payload (with or without ``history``)."""
        names = set(cls.__dataclass_fields__) - {"history"}
        history = payload.get("history")
        return cls(
            **{k: v for k, v in payload.items() if k in names},
            history=None if history is None else [ModelTransition.from_store(h) for h in history],
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the ``ModelVersion`` payload of docs/rest.md (``history`` if it has one)."""
        data = _shallow(self)
        history = data.pop("history")
        data = {"name": self.name, "version": self.version, "ref": self.ref, **data}
        if history is not None:
            data["history"] = [h.to_dict() for h in history]
        payload: dict[str, Any] = spell_non_finite(data)
        return payload

    def __repr__(self) -> str:
        labels = ", ".join([self.stage, *self.aliases])
        run = f"from {self.run['name']}" if self.run else "no run"
        return f"<ModelVersion {self.ref} [{labels}] {self.flavor} {run}>"


@dataclass
class ModelSummary:
    """A registered model with its latest version, as ``mm.list_models`` lists it."""

    name: str
    description: str | None = None
    owner: str | None = None
    tags: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    updated_at: str | None = None
    n_versions: int = 0
    latest: ModelVersion | None = None
    stages: dict[str, list[int]] = field(default_factory=dict)  # stage -> versions in it
    aliases: dict[str, int] = field(default_factory=dict)  # alias -> version number

    @classmethod
    def from_store(cls, item: dict[str, Any]) -> ModelSummary:
        """Build from an item of the store's model list."""
        names = cls.__dataclass_fields__
        latest = item.get("latest")
        return cls(**{k: v for k, v in item.items() if k in names and k != "latest"},
                   latest=None if latest is None else ModelVersion.from_store(latest))

    def to_dict(self) -> dict[str, Any]:
        """Return the ``ModelSummary`` payload of docs/rest.md."""
        data = _shallow(self)
        data["latest"] = None if self.latest is None else self.latest.to_dict()
        payload: dict[str, Any] = spell_non_finite(data)
        return payload

    def __repr__(self) -> str:
        stages = ", ".join(f"{s}: v{','.join(map(str, vs))}" for s, vs in self.stages.items())
        return f"<ModelSummary {self.name} {self.n_versions} versions [{stages or 'none'}]>"


@dataclass
class PolicyCheck:
    """A model version judged against a stage's promotion policy (``mm.check_model``).

    Truthy when every rule passes. ``rules`` holds each rule's ``status`` (pass, fail,
    n/a), ``actual`` value and ``message``; ``failed`` the rules that fail.
    """

    ref: str
    stage: str
    passed: bool
    rules: list[dict[str, Any]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    policy: dict[str, Any] = field(default_factory=dict)
    can_override: bool = False
    current_stage: str = "none"
    user: str | None = None

    @classmethod
    def from_store(cls, report: dict[str, Any]) -> PolicyCheck:
        """Build from a ``check_report`` payload (docs/rest.md)."""
        return cls(**{k: v for k, v in report.items() if k in cls.__dataclass_fields__})

    def __bool__(self) -> bool:
        return self.passed

    def to_dict(self) -> dict[str, Any]:
        """Return the ``check_report`` payload of docs/rest.md."""
        name, _, number = self.ref.rpartition(":")
        return {"ref": self.ref, "model": name, "version": int(number), "stage": self.stage,
                "current_stage": self.current_stage, "passed": self.passed,
                "policy": self.policy, "rules": self.rules, "failed": self.failed,
                "can_override": self.can_override, "user": self.user}

    def __repr__(self) -> str:
        lines = [f"<PolicyCheck {self.ref} -> {self.stage}: "
                 + ("passes" if self.passed else f"{len(self.failed)} rule(s) fail")]
        lines += [f"  [{r['status']}] {r['rule']}: {r['message']}" for r in self.rules]
        return "\n".join(lines) + ">"
