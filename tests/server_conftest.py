"""Fixtures shared by the server tests (imported by name from the test modules).

pytest only honours ``pytest_plugins`` in the root conftest, which enables
``pytest_jupyter.jupyter_server``; these fixtures build on its ``jp_*`` ones.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from traitlets.config import Config

from mm_jupyter.store import Registry, open_registry
from mm_jupyter.store.runs import (
    NewRun,
    OutputRecord,
    create_run,
    finish_run,
    new_run_id,
    put_environment,
    write_metric_points,
)

API = ("mm-jupyter", "api")
DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")


def raise_on_constant(name: str) -> Any:
    """``parse_constant`` hook: strict JSON has no NaN/Infinity literals."""
    raise AssertionError(f"non-strict JSON constant {name!r} in a response")


def strict_loads(body: bytes | str) -> Any:
    """Parse a response body, failing on ``NaN``/``Infinity`` literals."""
    return json.loads(body, parse_constant=raise_on_constant)


@pytest.fixture
def extra_server_config() -> dict[str, Any]:
    """Per-test additions to the ``ServerApp`` config (override in a test module)."""
    return {}


@pytest.fixture
def jp_server_config(
    registry_dir: Path, extra_server_config: dict[str, Any]
) -> Config:
    """Enable mm_jupyter; refuse unauthenticated access (as the template does)."""
    server = {
        "jpserver_extensions": {"mm_jupyter": True},
        "allow_unauthenticated_access": False,
        **extra_server_config,
    }
    return Config({"ServerApp": server})


@pytest.fixture
def store(registry_dir: Path) -> Iterator[Registry]:
    """A second connection to the server's registry, as a kernel would hold one."""
    registry = open_registry(registry_dir)
    yield registry
    registry.close()


class Seeder:
    """Write complete runs through the store's own writers."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.count = 0

    def blob(self, data: bytes, media_type: str) -> tuple[str, int, str]:
        """Store bytes in the blob store; return the ``(digest, size, type)`` row."""
        digest = self.registry.blobs.put_bytes(data)
        return digest, len(data), media_type

    def run(
        self,
        name: str = "run",
        *,
        experiment: str = "default",
        status: str = "finished",
        params: dict[str, Any] | None = None,
        metrics: dict[str, float | list[float]] | None = None,
        tags: dict[str, str] | None = None,
        outputs: list[OutputRecord] | None = None,
        blobs: list[tuple[str, int, str]] | None = None,
        environment: dict[str, Any] | None = None,
        error: str | None = None,
        cell: str | None = "x = 1\n",
        history: list[tuple[int, str]] | None = None,
        notebook: str | None = None,
        run_id: str | None = None,
    ) -> str:
        """Create one run, log its metrics and finish it (unless ``running``)."""
        self.count += 1
        n = self.count
        run_id = run_id or new_run_id()
        create_run(
            self.registry,
            NewRun(
                id=run_id,
                name=name,
                experiment=experiment,
                started_at=f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}.000Z",
                user="tester",
                host="box",
                pid=None,
                notebook_path="/abs/nb.ipynb" if notebook else None,
                tags=tags or {},
                params=[(k, v, "explicit") for k, v in (params or {}).items()],
                cell_source=cell,
                history=history if history is not None else [(1, "import mm_jupyter")],
                notebook_text=notebook,
            ),
        )
        points = []
        for key, value in (metrics or {}).items():
            values = value if isinstance(value, list) else [value]
            points += [
                (run_id, key, step, float(v), 1764171425.0 + step)
                for step, v in enumerate(values)
            ]
        write_metric_points(self.registry, points)
        if status != "running":
            env_digest = (
                put_environment(self.registry, environment) if environment else None
            )
            finish_run(
                self.registry,
                run_id,
                status=status,
                finished_at=f"2026-01-01T01:{n // 60:02d}:{n % 60:02d}.000Z",
                duration_s=float(n),
                error=error,
                outputs=outputs or [],
                environment_digest=env_digest,
                blobs=blobs or [],
            )
        return run_id


@pytest.fixture
def seed(store: Registry) -> Seeder:
    """A factory of runs in the server's registry (like jupyterlab-git's repos)."""
    return Seeder(store)


@pytest.fixture
def mm(registry_dir: Path) -> Iterator[Any]:
    """The public Python API (``import mm_jupyter as mm``) writing to the server's
    registry, as a kernel next to the server would."""
    import mm_jupyter
    from mm_jupyter.services.runs.session import get_session

    session = get_session()
    session.reset_registry()  # forget a registry another test opened
    session.experiment = None
    yield mm_jupyter
    session.reset_registry()
    session.active.clear()


MODEL_BYTES = b"\x80\x04\x95 not really a pickle \x00\xff" * 3
HTML_BYTES = b"<html><script>alert(document.cookie)</script></html>"
SVG_BYTES = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


@pytest.fixture
def chain(mm: Any, tmp_path: Path) -> SimpleNamespace:
    """A lineage chain through the public API, with every kind of version content.

    ``churn-raw`` v1 (bytes, no producer) → run ``prep`` → ``churn-clean`` v1 (a
    DataFrame) → run ``train`` → ``models/model.pkl`` v1 (a file) and
    ``report bündel ✓`` v1 (a directory with HTML, SVG and CSV members).
    ``churn-raw`` gets a v2 and its alias ``prod`` moves from v1 to v2.
    """
    import pandas as pd

    made = SimpleNamespace()
    made.raw = mm.log_artifact(
        b"age,churn\n31,0\n47,1\n",
        "churn-raw",
        kind="dataset",
        description="raw customer export",
        tags={"source": "crm"},
        aliases=["prod"],
    )
    with mm.track("prep", experiment="churn") as prep:
        mm.use_artifact("churn-raw:v1")
        made.frame = pd.DataFrame({"age": [31, 47], "churn": [0, 1]})
        made.clean = mm.log_artifact(made.frame, "churn-clean")
    model_file = tmp_path / "work" / "model.pkl"
    model_file.parent.mkdir()
    model_file.write_bytes(MODEL_BYTES)
    bundle = tmp_path / "work" / "bundle"
    (bundle / "data").mkdir(parents=True)
    made.members = {
        "index.html": HTML_BYTES,
        "figure.svg": SVG_BYTES,
        "data/x.csv": b"a,b\n1,2\n",
    }
    for rel, data in made.members.items():
        (bundle / rel).write_bytes(data)
    with mm.track("train", experiment="churn") as train:
        mm.use_artifact("churn-clean:v1")
        made.model = mm.log_artifact(model_file, "models/model.pkl")
        made.bundle = mm.log_artifact(bundle, "report bündel ✓", kind="report")
    made.raw2 = mm.log_artifact(
        b"age,churn\n31,0\n47,1\n52,0\n", "churn-raw", kind="dataset"
    )
    mm.set_alias("churn-raw:v2", "prod")
    made.prep, made.train = prep.id, train.id
    return made


@pytest.fixture
def raw_fetch(
    http_server_client: Any, jp_auth_header: dict[str, str], jp_base_url: str
) -> Callable[..., Any]:
    """Fetch an already-encoded path (``jp_fetch`` would escape ``%`` again)."""

    def fetch(
        path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> Any:
        merged = {**jp_auth_header, **(headers or {})}
        return http_server_client.fetch(
            jp_base_url + path, headers=merged, raise_error=False, **kwargs
        )

    return fetch


def extension_routes(web_app: Any) -> list[str]:
    """Return the URL patterns the mm_jupyter extension registered on ``web_app``."""
    patterns: list[str] = []

    def walk(router: Any) -> None:
        for rule in getattr(router, "rules", []):
            target = rule.target
            if hasattr(target, "rules"):
                walk(target)
                continue
            regex = getattr(rule.matcher, "regex", None)
            if regex is not None and "/mm-jupyter/" in regex.pattern:
                patterns.append(regex.pattern)

    walk(web_app.default_router)
    walk(web_app.wildcard_router)
    return sorted(set(patterns))


def sample_path(pattern: str, base_url: str, values: dict[str, str]) -> str:
    """Turn a route regex into a concrete path, filling each group from ``values``."""
    path = pattern.rstrip("$")
    for group, value in values.items():
        path = path.replace(group, value)
    assert "(" not in path, f"no sample value for a group in {pattern}"
    assert path.startswith(base_url)
    return path[len(base_url) :]


def sha256(data: bytes) -> str:
    """Return the hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def zoo(mm: Any) -> SimpleNamespace:
    """Registered models through the public API: scikit-learn fitted on iris.

    ``iris/clf`` (a name with "/"): v1 from run ``train`` (input dataset ``iris-data``,
    metric ``acc``, alias ``champion``, stage ``staging``, a reference profile); v2 from
    run ``train-2`` (``acc`` and a NaN ``loss``), in ``production``; v3 without a run.
    ``churn ✓ model``: one version in ``production``, owner ``risk-team``, description
    "gradient boosting baseline", tag ``team: risk``.
    """
    import warnings

    import pandas as pd
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    made = SimpleNamespace()
    frame = load_iris(as_frame=True)
    X, y = frame.data, frame.target
    mm.log_artifact(pd.concat([X, y], axis=1), "iris-data", kind="dataset")

    def fit(c: float) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return LogisticRegression(C=c, max_iter=300).fit(X, y)

    with mm.track("train", experiment="iris") as run:
        mm.use_artifact("iris-data:v1")
        model = fit(1.0)
        mm.log_metric("acc", 0.9)
        made.v1 = mm.register_model(
            model,
            "iris/clf",
            alias="champion",
            stage="staging",
            description="iris classifier",
            owner="ml-team",
            tags={"data": "iris"},
            reference_data=X,
        )
    made.train = run.id
    with mm.track("train-2", experiment="iris") as run:
        model = fit(0.5)
        mm.log_metric("acc", 0.95)
        mm.log_metric("loss", float("nan"))
        made.v2 = mm.register_model(model, "iris/clf", stage="production")
    made.train2 = run.id
    made.v3 = mm.register_model(fit(0.1), "iris/clf")
    made.churn = mm.register_model(
        fit(2.0),
        "churn ✓ model",
        stage="production",
        owner="risk-team",
        description="gradient boosting baseline",
        tags={"team": "risk"},
    )
    return made


PNG_A = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PNG_B = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def notebook_json(cells: list[dict[str, Any]]) -> str:
    """Return nbformat 4 JSON text holding ``cells``."""
    return json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    )


def code_cell(
    source: str, outputs: list[dict[str, Any]] | None = None, count: int | None = 1
) -> dict[str, Any]:
    """Return an nbformat code cell."""
    return {
        "cell_type": "code",
        "execution_count": count,
        "id": hashlib.sha1(source.encode()).hexdigest()[:8],
        "metadata": {},
        "outputs": outputs or [],
        "source": source,
    }


def stream(text: str) -> dict[str, Any]:
    """Return a stdout stream output."""
    return {"output_type": "stream", "name": "stdout", "text": text}


def image(png_b64: str) -> dict[str, Any]:
    """Return a display_data output carrying a base64 PNG."""
    return {
        "output_type": "display_data",
        "data": {"image/png": png_b64, "text/plain": "<Figure>"},
        "metadata": {},
    }


def seed_diff_pair(seed: Seeder) -> SimpleNamespace:
    """Two finished runs whose params, metrics, notebooks and environments differ.

    Notebook a → b: the ``helper`` cell moves to the top, ``x = load()`` is edited,
    ``plot(x)`` keeps its source but its PNG changes, ``del cache`` is deleted,
    ``report()`` is inserted; ``import numpy`` only changes its execution count.
    """
    title = {"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# Title"}
    helper = code_cell("def helper():\n    return 42", count=6)
    nb_a = notebook_json([
        title,
        code_cell("import numpy as np", [stream("ok\n")], count=1),
        code_cell("x = load()\nx.shape", [stream("(3, 4)\n")], count=2),
        code_cell("plot(x)", [image(PNG_A)], count=3),
        code_cell("del cache", count=4),
        helper,
    ])
    nb_b = notebook_json([
        helper,
        title,
        code_cell("import numpy as np", [stream("ok\n")], count=7),
        code_cell("x = load()\nx.shape\nprint(x)", [stream("(3, 4)\n")], count=2),
        code_cell("plot(x)", [image(PNG_B)], count=3),
        code_cell("report()", count=5),
    ])  # fmt: skip
    env_a = {
        "python": "3.11.7", "platform": "Linux-x86_64",
        "packages": {"numpy": "1.26.4", "pandas": "2.1.0", "oldpkg": "1.0"},
        "git": {"commit": "a" * 40, "dirty": False},
    }  # fmt: skip
    env_b = {
        "python": "3.12.1", "platform": "Linux-x86_64",
        "packages": {"numpy": "2.0.0", "pandas": "2.1.0", "newpkg": "0.1"},
        "git": None,
    }  # fmt: skip
    a = seed.run(
        "diff-a",
        params={"lr": 0.1, "depth": 5, "old": 1},
        metrics={"acc": [0.5, 0.91], "loss": 0.3},
        notebook=nb_a,
        environment=env_a,
        cell="fit(lr=0.1)\n",
    )
    b = seed.run(
        "diff-b",
        params={"lr": 0.05, "depth": 5, "new": "x"},
        metrics={"acc": [0.6, 0.87]},
        notebook=nb_b,
        environment=env_b,
        cell="fit(lr=0.05)\n",
    )
    return SimpleNamespace(a=a, b=b)
