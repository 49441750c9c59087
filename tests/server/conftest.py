"""Fixtures of the REST tests: a seeded registry behind a real Jupyter server.

pytest only honours ``pytest_plugins`` in the root conftest, which enables
``pytest_jupyter.jupyter_server``; these fixtures build on its ``jp_*`` ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from server_helpers import (
    HTML_BYTES,
    MODEL_BYTES,
    SVG_BYTES,
    Seeder,
)
from traitlets.config import Config

from mm_jupyter.store import Registry, open_registry


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
