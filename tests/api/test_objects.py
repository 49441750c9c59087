"""Custom objects: the user-defined functions and classes a tracked cell used.

A real IPython shell (the ``ip`` fixture) runs the cells; the run's objects are read
back through the services the REST handler, the CLI and the diff use.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import warnings

import pytest

from mm_jupyter.capture.objects import Limits, custom_objects
from mm_jupyter.display.diff import to_html, to_text
from mm_jupyter.errors import RegistryWarning
from mm_jupyter.services.diff.comparison import compare_runs
from mm_jupyter.services.runs.queries import run_detail
from mm_jupyter.services.runs.session import get_session


def run(ip, code):
    result = ip.run_cell(code)
    assert result.success, result.error_in_exec or result.error_before_exec
    return result


def objects_of(name):
    return {o["name"]: o for o in run_detail(get_session().require_registry(), name)["objects"]}


def count(sql):
    with get_session().require_registry().read() as conn:
        return conn.execute(sql).fetchone()[0]


def test_functions_and_classes_the_cell_uses_are_recorded_with_their_source(ip):
    # Given a function, a decorated class without methods and a class, defined in cells
    run(ip, "def add_one(x):\n    return x + 1\n")
    run(ip, "from dataclasses import dataclass\n\n@dataclass\nclass Config:\n"
            "    depth: int = 3\n    rate: float = 0.1\n")
    run(ip, "class Scaler:\n    def __init__(self, k):\n        self.k = k\n\n"
            "    def apply(self, x):\n        return x * self.k\n")
    run(ip, "def unused():\n    return 0\n")
    # When a tracked cell uses them
    run(ip, "%%mm_track --name direct\ncfg = Config()\ny = Scaler(2).apply(add_one(cfg.depth))")
    # Then each is recorded once, with its exact source and kind, as the notebook's code
    found = objects_of("direct")
    assert set(found) == {"add_one", "Config", "Scaler"}
    assert found["add_one"]["source"] == "def add_one(x):\n    return x + 1\n"
    assert found["add_one"]["kind"] == "function"
    assert found["Config"]["source"] == (
        "@dataclass\nclass Config:\n    depth: int = 3\n    rate: float = 0.1\n")
    assert found["Scaler"]["kind"] == "class" and "def apply(self, x):" in found["Scaler"]["source"]
    assert {o["module"] for o in found.values()} == {"__main__"}
    assert all(len(o["digest"]) == 64 for o in found.values())


def test_custom_transformer_inside_a_pipeline_is_found_through_get_params(ip):
    # Given a custom transformer built into a pipeline in an untracked cell
    run(ip, textwrap.dedent("""
        import numpy as np
        from sklearn.base import BaseEstimator, TransformerMixin
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        def squash(X):
            return np.tanh(X)

        class MyFeatures(BaseEstimator, TransformerMixin):
            def __init__(self, k=3):
                self.k = k

            def fit(self, X, y=None):
                return self

            def transform(self, X):
                return squash(X[:, : self.k])

        rng = np.random.default_rng(0)
        X = rng.normal(size=(60, 4))
        y = (X[:, 0] > 0).astype(int)
        clf = make_pipeline(StandardScaler(), MyFeatures(k=2), LogisticRegression())
        """))
    # When the tracked cell only fits the pipeline
    run(ip, "%%mm_track --name pipe\nclf.fit(X, y)")
    # Then the transformer (inside the pipeline) and what its method calls are recorded,
    # and nothing of scikit-learn or numpy
    found = objects_of("pipe")
    assert set(found) == {"MyFeatures", "squash"}
    assert found["MyFeatures"]["source"].startswith("class MyFeatures(BaseEstimator, TransformerMixin):")


def test_functions_passed_as_arguments_are_found(ip):
    # Given a metric wrapped by make_scorer, a FunctionTransformer's function and a partial
    run(ip, textwrap.dedent("""
        import functools
        import numpy as np
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import make_scorer
        from sklearn.model_selection import cross_val_score
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import FunctionTransformer

        def my_metric(y_true, y_pred):
            return float((y_true == y_pred).mean())

        def double(X):
            return X * 2

        def weighted(x, w):
            return x * w

        scorer = make_scorer(my_metric)
        X = np.arange(40.0).reshape(20, 2)
        y = np.arange(20) % 2
        """))
    # When the tracked cell passes them as arguments to library code
    run(ip, textwrap.dedent("""\
        %%mm_track --name args
        model = make_pipeline(FunctionTransformer(double), LogisticRegression())
        scores = cross_val_score(model, X, y, scoring=scorer, cv=2)
        half = functools.partial(weighted, w=0.5)
        """))
    # Then each user function is recorded
    assert {"my_metric", "double", "weighted"} <= set(objects_of("args"))


def test_what_the_used_code_references_is_recorded_transitively(ip):
    # Given code that reaches other code through globals, base classes, methods,
    # closures and defaults
    run(ip, textwrap.dedent("""
        SCALE = 3

        def helper(x):
            return x * SCALE

        def default_fn(x):
            return -x

        class Base:
            def describe(self):
                return "base"

        class Child(Base):
            def run(self, x):
                return helper(x)

        def make_adder(n):
            def add(x):
                return x + n + helper(0)
            return add

        def outer(x, post=default_fn):
            return post(Child().run(x))

        adder = make_adder(2)

        def untouched():
            return helper(1)
        """))
    # When the tracked cell calls only `outer` and `adder`
    run(ip, "%%mm_track --name transitive\nvalue = outer(1) + adder(1)")
    # Then everything they reach is recorded, and nothing else
    found = objects_of("transitive")
    assert set(found) == {"outer", "Child", "Base", "helper", "default_fn",
                          "make_adder.<locals>.add"}
    assert "return x + n + helper(0)" in found["make_adder.<locals>.add"]["source"]


def test_code_of_a_local_module_under_the_working_directory(ip, tmp_path, monkeypatch):
    # Given a module in the working directory (not site-packages)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "features_local.py").write_text(textwrap.dedent("""\
        import numpy as np


        def clean(x):
            return np.nan_to_num(x)


        class Cleaner:
            def apply(self, x):
                return clean(x)
        """))
    try:
        # When a tracked cell imports and uses it
        run(ip, "%%mm_track --name local\nimport features_local as fl\nimport numpy as np\n"
                "out = fl.Cleaner().apply(np.array([1.0])) + np.mean([1.0])")
        # Then the module's functions and classes are recorded under its name
        found = objects_of("local")
        assert set(found) == {"Cleaner", "clean"}
        assert {o["module"] for o in found.values()} == {"features_local"}
        assert found["clean"]["source"] == "def clean(x):\n    return np.nan_to_num(x)\n"
    finally:
        sys.modules.pop("features_local", None)


def test_objects_are_stored_once_per_content(ip):
    # Given a function used by two runs, then defined again with the same text
    run(ip, "def feat(x):\n    return x + 1\n")
    run(ip, "%%mm_track --name first\nfeat(1)")
    run(ip, "%%mm_track --name second\nfeat(2)")
    run(ip, "def feat(x):\n    return x + 1\n")
    run(ip, "%%mm_track --name third\nfeat(3)")
    # Then one stored object serves the three runs
    digests = {objects_of(n)["feat"]["digest"] for n in ("first", "second", "third")}
    assert len(digests) == 1
    assert count("SELECT count(*) FROM code_objects") == 1
    assert count("SELECT count(*) FROM run_objects") == 3


def test_bounds_on_count_size_and_total(ip):
    # Given a chain of 12 functions, each calling the next
    lines = [f"def f{i}(x):\n    return f{i + 1}(x)\n" for i in range(11)]
    run(ip, "".join(lines) + "def f11(x):\n    return x\n")
    ns = ip.user_ns
    # Then at most max_objects are recorded, the nearest first
    found = custom_objects("f0(1)", ns, limits=Limits(max_objects=3))
    assert [o.name for o in found] == ["f0", "f1", "f2"]
    # and a source over the per-object limit is replaced by a note with its digest
    found = custom_objects("f0(1)", ns, limits=Limits(max_source_bytes=10))
    assert len(found) == 12
    assert all(o.source.startswith("# source not stored:") and "sha256" in o.source
               for o in found)
    # and sources past the run's total are notes, the first ones kept whole
    found = custom_objects("f0(1)", ns, limits=Limits(max_total_bytes=100))
    assert found[0].source == "def f0(x):\n    return f1(x)\n"
    assert found[-1].source.startswith("# source not stored: this run's objects reached")
    # and a container is looked at up to max_items
    run(ip, "fns = [f11] * 3 + [f5]")
    assert [o.name for o in custom_objects("fns", ns, limits=Limits(max_items=3))] == ["f11"]


def test_source_that_cannot_be_found_is_recorded_by_name_with_a_note(ip, recwarn):
    # Given a function made by exec (no file, no cell of its own) and a namedtuple
    run(ip, "exec('def made(x):\\n    return x', globals())\n"
            "from collections import namedtuple\nPoint = namedtuple('Point', 'x y')")
    # When a tracked cell uses them
    run(ip, "%%mm_track --name nosource\np = Point(made(1), 2)")
    # Then they are recorded by name with a note, and nothing is warned
    found = objects_of("nosource")
    assert found["made"]["source"].startswith("# source not available")
    assert found["Point"]["kind"] == "class"
    assert not [w for w in recwarn if issubclass(w.category, RegistryWarning)]


def test_hostile_objects_never_change_the_cell(ip, recwarn):
    # Given objects whose attribute access, get_params, hash and repr all raise
    run(ip, textwrap.dedent("""
        class Hostile:
            def __getattr__(self, name):
                raise RuntimeError("no attributes")
            def __getattribute__(self, name):
                if name == "__dict__":
                    raise RuntimeError("no dict")
                return object.__getattribute__(self, name)
            def __hash__(self):
                raise RuntimeError("no hash")
            def __eq__(self, other):
                raise RuntimeError("no eq")
            def __repr__(self):
                raise RuntimeError("no repr")
            def get_params(self, deep=True):
                raise RuntimeError("no params")

        class Meta(type):
            def __getattribute__(cls, name):
                if name in ("__module__", "__qualname__"):
                    raise RuntimeError("meta says no")
                return super().__getattribute__(name)

        class Odd(metaclass=Meta):
            pass

        def fine():
            return 42
        """))
    # When a tracked cell uses them with a normal function
    result = ip.run_cell("%%mm_track --name hostile\nh = Hostile()\nodd = Odd\nfine()")
    # Then the cell's result is the same and the normal function is still recorded
    assert result.success and result.result == 42
    assert "fine" in objects_of("hostile")
    assert not [w for w in recwarn if issubclass(w.category, RegistryWarning)]


def test_a_changed_function_between_two_runs_shows_in_the_diff(ip):
    # Given two runs: the second changed one function, added one and dropped one
    run(ip, "def feat(x):\n    return x + 1\n\ndef old(x):\n    return x\n\n"
            "class Keep:\n    pass\n")
    run(ip, "%%mm_track --name before\nKeep(); feat(1) + old(1)")
    run(ip, "def feat(x):\n    return x + 2\n\ndef new(x):\n    return -x\n")
    run(ip, "%%mm_track --name after\nKeep(); feat(1) + new(1)")
    # When the runs are compared
    diff = compare_runs(get_session().require_registry(), "before", "after")
    objects = diff["objects"]
    # Then the change is a line diff of the source, with what was added and removed
    (changed,) = objects["changed"]
    assert changed["name"] == "feat" and changed["kind"] == "function"
    assert changed["digest"]["a"] != changed["digest"]["b"]
    assert {"op": "replace", "a": ["    return x + 1"], "b": ["    return x + 2"]} in changed["source"]
    assert [o["name"] for o in objects["added"]] == ["new"]
    assert [o["name"] for o in objects["removed"]] == ["old"]
    assert [o["name"] for o in objects["unchanged"]] == ["Keep"]
    assert diff["summary"]["objects_changed"] == 3
    # And the text (mm-jupyter diff) and notebook presenters show it, escaped
    text = to_text(diff, color=False)
    assert "custom objects\n+ function __main__.new\n- function __main__.old\n" \
           "~ function __main__.feat\n" in text
    assert "- " + "    return x + 1" in text and "+ " + "    return x + 2" in text
    page = to_html(diff)
    assert "<h4>Custom objects</h4>" in page and "__main__.feat" in page


def test_runs_show_lists_the_objects(ip, registry_dir):
    run(ip, "class MyFeatures:\n    def fit(self):\n        return self\n")
    run(ip, "%%mm_track --name shown\nMyFeatures().fit()")
    get_session().flush()
    cli = [sys.executable, "-m", "mm_jupyter.cli.main", "runs", "show", "shown"]
    shown = json.loads(subprocess.run([*cli, "--json"], capture_output=True, text=True,
                                      check=True).stdout)
    (obj,) = shown["objects"]
    assert obj == {"name": "MyFeatures", "kind": "class", "module": "__main__",
                   "digest": obj["digest"],
                   "source": "class MyFeatures:\n    def fit(self):\n        return self\n"}
    text = subprocess.run(cli, capture_output=True, text=True, check=True).stdout
    assert "  objects:\n    MyFeatures (class, __main__)\n" in text


@pytest.mark.parametrize("code", ["%time f0(1)", "!echo hi\nf0(1)", "f0(1"])
def test_cells_python_cannot_parse_still_find_their_names(ip, code):
    run(ip, "def f0(x):\n    return x\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [o.name for o in custom_objects(code, ip.user_ns)] == ["f0"]
