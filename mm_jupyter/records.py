"""Typed records returned by the Python API."""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any

from mm_jupyter.encoding import to_jsonable


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

    @property
    def ref(self) -> str:
        """``name:vN``."""
        return f"{self.name}:v{self.version}"

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
        return f"<ArtifactVersion {self.ref} {self.kind} {self.size} B sha256:{self.digest[:12]} ({new})>"
