"""The model registry: register from a notebook, refs, stages, aliases, load, safety."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from IPython.core.error import UsageError

import mm_jupyter as mm
from mm_jupyter.errors import BlobCorruptedError, ConflictError, NotFoundError
from mm_jupyter.services.runs.session import get_session

sklearn = pytest.importorskip("sklearn")
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402


@pytest.fixture
def reg(registry_dir):
    get_session().reset_registry()
    yield mm.get_registry()
    get_session().reset_registry()


@pytest.fixture
def iris():
    return load_iris(return_X_y=True, as_frame=True)


def fit(iris, c=1.0):
    X, y = iris
    return LogisticRegression(C=c, max_iter=500).fit(X, y)


def count(reg, table):
    return reg.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_register_in_a_tracked_cell_records_where_it_came_from(ip, iris, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ip.user_ns["X"], ip.user_ns["y"] = iris
    ip.run_cell("import mm_jupyter as mm\nmm.log_artifact(X, name='iris-data', kind='dataset')")
    ip.run_cell(
        "%%mm_track --name fit-run\nfrom sklearn.linear_model import LogisticRegression\n"
        "data = mm.use_artifact('iris-data', load=True)\nC = 0.5\n"
        "model = LogisticRegression(C=C, max_iter=500).fit(X, y)\nacc = model.score(X, y)"
    )
    ip.run_line_magic("mm", "register model --name iris-clf --alias staging --tag team=ml"
                            " --description 'first model' --owner ml-team --reference-data X")
    v = mm.get_model("iris-clf@staging")
    assert v.ref == "iris-clf:1" and v.aliases == ["staging"] and v.flavor == "sklearn"
    assert v.run["name"] == "fit-run" and v.metrics["acc"] > 0.9
    assert v.config["C"] == 0.5
    assert v.signature["inputs"][0] == {"name": "sepal length (cm)", "dtype": "float64"}
    assert "scikit-learn" in v.requirements["packages"]
    # the logged frame, used explicitly and passed to fit(); autologging adds y's record
    assert v.inputs[0]["ref"] == "iris-data:v1"
    assert v.has_reference_profile
    from mm_jupyter.store.model_queries import reference_profile

    profile = reference_profile(mm.get_registry(), "iris-clf:1")
    assert profile["rows"] == 150 and profile["features"]["sepal length (cm)"]["count"] == 150
    # the model artifact is an output of the run: lineage run -> model
    graph = mm.lineage("iris-clf:v1")
    assert any(n["type"] == "run" and n["run"]["name"] == "fit-run" for n in graph.nodes)
    with pytest.raises(UsageError, match="no variable named 'nope'"):
        ip.run_line_magic("mm", "register nope --name x")
    with pytest.raises(UsageError, match="--name"):
        ip.run_line_magic("mm", "register model")
    assert "iris-clf" in repr(ip.run_line_magic("mm", "models"))
    assert "iris-clf:1" in repr(ip.run_line_magic("mm", "model iris-clf"))


def test_the_run_output_registers_with_the_producing_run(ip, iris, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ip.user_ns["X"], ip.user_ns["y"] = iris
    ip.run_cell("%%mm_track --name output-run\nfrom sklearn.linear_model import LogisticRegression\n"
                "clf = LogisticRegression(max_iter=500).fit(X, y)\nunfitted = LogisticRegression()")
    tracked = ip.magics_manager.registry["MMMagics"].tracked_cells
    assert list(tracked.last_models) == ["clf"]  # fitted models only
    run_id = mm.get_run("output-run").id
    # what the run output offers (and the lab extension posts to POST models)
    from mm_jupyter.display.run_output import RUN_MIME

    bundle = tracked.outputs.bundle(run_id, tracked.last_models, _Logged(ip.user_ns["clf"]), True)
    (offered,) = bundle[RUN_MIME]["models"]
    assert offered["variable"] == "clf" and offered["class"] == "LogisticRegression"
    from mm_jupyter.services.models.registration import register_stored_run_model

    register_stored_run_model(mm.get_registry(), run_id, "from-output", alias="candidate",
                              artifact=offered["artifact"], exact=True)
    assert mm.get_model("from-output@candidate").run["id"] == run_id


class _Logged:
    """What autologging returns for the model it kept (services/runs/autolog.py)."""

    def __init__(self, model):
        self.model, self.label = model, type(model).__name__


def test_identical_content_returns_the_existing_version(reg, iris):
    model = fit(iris)
    assert mm.register_model(model, "m").version == 1
    before = (count(reg, "model_versions"), count(reg, "artifact_versions"))
    assert mm.register_model(model, "m").version == 1
    assert (count(reg, "model_versions"), count(reg, "artifact_versions")) == before
    assert mm.register_model(fit(iris, 0.1), "m").version == 2


def test_references_stages_and_aliases(reg, iris):
    mm.register_model(fit(iris), "m", alias="champion")
    mm.register_model(fit(iris, 0.1), "m")
    assert mm.get_model("m").version == 2
    assert mm.get_model("m:1").version == 1
    assert mm.get_model("m@champion").version == 1
    mm.promote_model("m:2", "production", comment="better")
    assert mm.get_model("m@production").version == 2
    with pytest.raises(ConflictError, match="held by version 1"):
        mm.set_model_alias("m:2", "champion")
    assert mm.get_model("m@champion").version == 1  # nothing moved
    mm.set_model_alias("m:2", "champion", move=True)
    assert mm.get_model("m@champion").version == 2
    mm.register_model(fit(iris, 0.01), "m", stage="production")
    mm.promote_model("m:3", "production", archive_others=True)
    assert mm.get_model("m:2").stage == "archived"
    history = mm.model_history("m")
    assert [(h.version, h.kind, h.from_value, h.to_value) for h in history] == [
        (1, "alias", None, "1"), (2, "stage", "none", "production"), (2, "alias", "1", "2"),
        (3, "stage", "none", "production"), (2, "stage", "production", "archived"),
    ]
    assert history[1].comment == "better"
    kinds = [r[0] for r in reg.conn.execute("SELECT kind FROM registry_events ORDER BY id")]
    assert kinds.count("registered") == 3 and "stage_changed" in kinds and "alias_moved" in kinds
    for bad, error in [("m:9", "no version 9"), ("nope", "no registered model"),
                       ("m@nothing", "no version with alias or stage")]:
        with pytest.raises(NotFoundError, match=error):
            mm.get_model(bad)
    with pytest.raises(ValueError, match="stage must be one of"):
        mm.promote_model("m:1", "live")


def test_the_api_returns_records_whose_dicts_are_the_rest_payloads(reg, iris):
    from mm_jupyter.records import ModelSummary, ModelTransition, ModelVersion
    from mm_jupyter.services.models import catalog

    registered = mm.register_model(fit(iris), "m", alias="champion", stage="staging")
    mm.register_model(fit(iris, 0.1), "m")
    promoted = mm.promote_model("m:2", "production", comment="better")
    assert isinstance(registered, ModelVersion) and registered.history is None
    assert (registered.ref, promoted.ref, promoted.stage) == ("m:1", "m:2", "production")
    assert repr(promoted) == "<ModelVersion m:2 [production] sklearn no run>"
    # get_model carries the version's history; to_dict() is the REST payload, key order too
    version = mm.get_model("m@champion")
    assert [h.to_value for h in version.history] == ["staging", "1"]
    payload = catalog.version_detail(reg, "m@champion")
    assert list(version.to_dict()) == list(payload) and version.to_dict() == payload
    assert ModelVersion.from_store(payload) == version
    listed = mm.list_models()
    assert all(isinstance(m, ModelSummary) for m in listed)
    assert [m.to_dict() for m in listed] == catalog.list_models(reg)["models"]
    assert listed[0].latest.ref == "m:2" and listed[0].stages == {"production": [2], "staging": [1]}
    history = mm.model_history("m")
    assert all(isinstance(h, ModelTransition) for h in history)
    assert [h.to_dict() for h in history] == catalog.model_detail(reg, "m")["history"]
    assert "v2 stage: none -> production" in repr(history[-1])


def test_load_model_by_alias_gives_an_equal_model(reg, iris):
    model = fit(iris)
    mm.register_model(model, "m", alias="prod")
    loaded = mm.load_model("m@prod")
    X, _ = iris
    assert (loaded.predict(X) == model.predict(X)).all() and loaded.get_params() == model.get_params()


def test_load_model_verifies_the_digest_first(reg, iris):
    v = mm.register_model(fit(iris), "m")
    blob = reg.blobs.path_for(v.artifact["digest"])
    os.chmod(blob, 0o644)
    blob.write_bytes(blob.read_bytes()[:-10])
    with pytest.raises(BlobCorruptedError):
        mm.load_model("m")


def test_unregistrable_objects_are_clear_errors_and_write_nothing(reg):
    import threading

    class Holder:
        def __init__(self):
            self.lock = threading.Lock()

    with pytest.raises(TypeError, match="cannot be pickled"):
        mm.register_model(Holder(), "bad")
    with pytest.raises(ValueError, match="model name"):
        mm.register_model(object(), "")
    assert count(reg, "registered_models") == 0 and count(reg, "artifact_versions") == 0


CANARY_MODULE = '''
import os
def _make_canary(path):
    open(path, "w").write("pwned")
    return None
class Evil:
    def __init__(self, path):
        self.path = path
    def __reduce__(self):
        return (_make_canary, (self.path,))
'''


def test_listings_never_unpickle(reg, tmp_path, monkeypatch):
    (tmp_path / "evilmod.py").write_text(CANARY_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    import evilmod

    canary = tmp_path / "canary"
    mm.register_model(evilmod.Evil(str(canary)), "evil")
    assert not canary.exists()
    from mm_jupyter.store.model_queries import list_models, model_detail, version_detail

    list_models(reg), model_detail(reg, "evil"), version_detail(reg, "evil")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    for args in (["models", "list", "--json"], ["models", "show", "evil", "--json"],
                 ["artifacts", "show", "evil", "--json"]):
        done = subprocess.run([sys.executable, "-m", "mm_jupyter.cli.main", *args],
                              capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
    assert not canary.exists()
    mm.load_model("evil")  # only an explicit load deserialises
    assert canary.exists()


def test_cli_promote_alias_history(reg, iris):
    mm.register_model(fit(iris), "m")
    mm.register_model(fit(iris, 0.1), "m")

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "mm_jupyter.cli.main", "models", *args],
                              capture_output=True, text=True, timeout=60)

    promoted = json.loads(cli("promote", "m", "2", "--stage", "production", "-m", "ok", "--json").stdout)
    assert promoted["stage"] == "production"
    assert json.loads(cli("alias", "m", "1", "champion", "--json").stdout)["aliases"] == ["champion"]
    clash = cli("alias", "m", "2", "champion")
    assert clash.returncode == 1 and "held by version 1" in clash.stderr
    assert cli("alias", "m", "2", "champion", "--move").returncode == 0
    history = json.loads(cli("history", "m", "--json").stdout)
    assert [h["kind"] for h in history] == ["stage", "alias", "alias"]
    listed = json.loads(cli("list", "--json").stdout)
    assert listed[0]["stages"] == {"production": [2]} and listed[0]["aliases"] == {"champion": 2}
    assert "production" in cli("show", "m").stdout


def test_metrics_bound_before_registration_inside_the_cell_are_recorded(ip, iris, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ip.user_ns["X"], ip.user_ns["y"] = iris
    ip.run_cell(
        "%%mm_track --name mid\nimport mm_jupyter as mm\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "model = LogisticRegression(max_iter=500).fit(X, y)\nacc = model.score(X, y)\n"
        "mm.register_model(model, 'mid-clf')"
    )
    assert mm.get_model("mid-clf").metrics["acc"] > 0.9


@pytest.mark.parametrize("name", [" padded", "a\nb", "m@x", "m:2", "m:v3"])
def test_model_names_that_references_cannot_address_are_refused(reg, iris, name):
    with pytest.raises(ValueError, match="model name"):
        mm.register_model(fit(iris), name)
    assert count(reg, "registered_models") == 0


# -- the Register button (issue 10, item 20) ----------------------------------------


def test_register_is_offered_for_fitted_predictors_only(iris):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    from mm_jupyter.magics.model_candidates import fitted_models

    X, y = iris
    namespace = {
        "scaler": StandardScaler().fit(X),
        "poly": PolynomialFeatures(2).fit(X),
        "prep": make_pipeline(StandardScaler(), PolynomialFeatures()).fit(X),
        "pipe": make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y),
        "clf": fit(iris),
        "unfitted": LogisticRegression(),
    }
    assert list(fitted_models(namespace, list(namespace))) == ["pipe", "clf"]
    # every fitted estimator, for linking a later `%mm register scaler` to its run
    assert list(fitted_models(namespace, list(namespace), predictors_only=False)) == [
        "scaler", "poly", "prep", "pipe", "clf"
    ]


def test_the_run_output_offers_the_stored_predictor_of_several(ip, iris, tmp_path, monkeypatch):
    # Given a cell that fits two predictors: both are candidates, the stored one
    # (autologging keeps the last fit) is what the run output offers
    monkeypatch.chdir(tmp_path)
    ip.user_ns["X"], ip.user_ns["y"] = iris
    ip.run_line_magic("config", "MMMagics.show_summary = True")
    from IPython.utils.capture import capture_output

    from mm_jupyter.display.run_output import RUN_MIME

    try:
        with capture_output() as captured:
            ip.run_cell(
                "%%mm_track --name two\nfrom sklearn.pipeline import make_pipeline\n"
                "from sklearn.preprocessing import StandardScaler\n"
                "from sklearn.linear_model import LogisticRegression\n"
                "clf = LogisticRegression(max_iter=500).fit(X, y)\n"
                "pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y)"
            )
    finally:
        ip.run_line_magic("config", "MMMagics.show_summary = False")
    tracked = ip.magics_manager.registry["MMMagics"].tracked_cells
    assert list(tracked.last_models) == ["clf", "pipe"]
    (offered,) = captured.outputs[-1].data[RUN_MIME]["models"]
    assert offered == {"artifact": "two-model:v1", "variable": "pipe", "class": "Pipeline"}


# -- load_model and trust (issue 10, item 15) ---------------------------------------


def _set_origin(reg, ref, *, metadata_origin, created_by=None):
    """Rewrite who stored a version's bytes, as a shared registry would show it."""
    version = mm.get_model(ref)
    with reg.write() as conn:
        av = conn.execute(
            "SELECT av.id, av.metadata FROM artifact_versions av JOIN artifacts a"
            " ON a.id = av.artifact_id WHERE a.name = ? AND av.version = ?",
            (version.artifact["name"], version.artifact["version"]),
        ).fetchone()
        metadata = json.loads(av[1])
        if metadata_origin is None:
            metadata.pop("registered_by", None)
        else:
            metadata["registered_by"] = metadata_origin
        conn.execute("UPDATE artifact_versions SET metadata = ? WHERE id = ?",
                     (json.dumps(metadata), av[0]))
        if created_by is not None:
            conn.execute("UPDATE model_versions SET created_by = ?", (created_by,))


def test_a_model_this_user_registered_here_loads_without_trust(reg, iris):
    import socket

    from mm_jupyter.identity import current_user

    mm.register_model(fit(iris), "mine")
    origin = mm.get_artifact("mine:v1").metadata["registered_by"]
    assert origin == {"user": current_user(), "host": socket.gethostname()}
    assert type(mm.load_model("mine")).__name__ == "LogisticRegression"


@pytest.mark.parametrize(
    ("origin", "created_by", "named"),
    [
        ({"user": "alice", "host": "gpu-7"}, None, ["alice", "gpu-7"]),
        ("same-user-other-host", None, ["other-host"]),
        (None, "bob", ["bob", "unknown host"]),  # a version from before hosts were kept
    ],
)
def test_a_model_stored_by_someone_else_needs_trust(reg, iris, origin, created_by, named):
    from mm_jupyter.errors import TrustRequiredError
    from mm_jupyter.identity import current_user

    mm.register_model(fit(iris), "shared")
    if origin == "same-user-other-host":
        origin = {"user": current_user(), "host": "other-host"}
    _set_origin(reg, "shared", metadata_origin=origin, created_by=created_by)
    # When it is loaded without trust, the error says who stored it and what to do
    with pytest.raises(TrustRequiredError) as error:
        mm.load_model("shared:1")
    message = str(error.value)
    assert all(word in message for word in named), message
    assert "trust=True" in message and "pickle" in message
    # and with trust=True it loads
    assert type(mm.load_model("shared:1", trust=True)).__name__ == "LogisticRegression"


def test_an_old_version_by_this_user_still_loads(reg, iris):
    from mm_jupyter.identity import current_user

    mm.register_model(fit(iris), "legacy")
    _set_origin(reg, "legacy", metadata_origin=None, created_by=current_user())
    assert type(mm.load_model("legacy")).__name__ == "LogisticRegression"
