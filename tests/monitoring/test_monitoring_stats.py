"""The numeric core of monitoring: columns, profiles, drift and performance statistics.

Statistics are checked against known distributions and against scipy / scikit-learn as
oracles; every report must survive ``json.dumps(..., allow_nan=False)``.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from mm_jupyter.monitoring.columns import to_columns, to_vector
from mm_jupyter.monitoring.drift import (
    MIN_ROWS,
    NO_PROFILE,
    batch_report,
    series_from_report,
)
from mm_jupyter.monitoring.drift_stats import ks_pvalue
from mm_jupyter.monitoring.performance import performance, performance_series
from mm_jupyter.monitoring.profile import PROFILE_VERSION, profile_data

stats = pytest.importorskip("scipy.stats")
distance = pytest.importorskip("scipy.spatial.distance")
special = pytest.importorskip("scipy.special")
pd = pytest.importorskip("pandas")

REF_N = 20_000
BATCH_N = 2_000


def strict_json(obj):
    """Fails on NaN/inf anywhere, which is what the store and REST layer require."""
    return json.loads(json.dumps(obj, allow_nan=False))


@pytest.fixture(scope="module")
def reference():
    rng = np.random.default_rng(7)
    return {
        "num": rng.normal(0, 1, REF_N),
        "cat": rng.choice(["a", "b", "c"], size=REF_N, p=[0.5, 0.3, 0.2]).astype(
            object
        ),
    }


@pytest.fixture(scope="module")
def profile(reference):
    return profile_data(reference)


def report_for(profile, **columns):
    report = batch_report({k: np.asarray(v) for k, v in columns.items()}, profile)
    strict_json(report)
    return report


# -- to_columns / to_vector ------------------------------------------------------


def test_dataframe_columns_keep_names_as_text_and_normalise_dtypes():
    frame = pd.DataFrame(
        {
            "age": [31, 40, None],
            7: ["x", None, "y"],
            "flag": [True, False, True],
            "n": pd.array([1, None, 3], dtype="Int64"),
        }
    )
    cols = to_columns(frame)
    assert list(cols) == ["age", "7", "flag", "n"]
    assert cols["age"].dtype == np.float64 and np.isnan(cols["age"][2])
    assert cols["7"].dtype == object and cols["7"][1] is None
    assert cols["flag"].dtype == object and cols["flag"].tolist() == [True, False, True]
    assert cols["n"].dtype == np.float64 and np.isnan(cols["n"][1])


@pytest.mark.parametrize(
    ("data", "names", "expected"),
    [
        (
            np.arange(6).reshape(3, 2),
            ["a", "b"],
            {"a": [0.0, 2.0, 4.0], "b": [1.0, 3.0, 5.0]},
        ),
        (
            np.arange(6).reshape(3, 2),
            ["a", "b", "c"],
            {"x0": [0.0, 2.0, 4.0], "x1": [1.0, 3.0, 5.0]},
        ),
        ([[1, "u"], [None, "v"]], None, {"x0": [1.0, None], "x1": ["u", "v"]}),
        (
            [{"a": 1, "b": "x"}, {"b": None, "c": 2.5}],
            None,
            {"a": [1.0, None], "b": ["x", None], "c": [None, 2.5]},
        ),
        (
            {"a": [1, 2], "b": np.array(["x", "y"])},
            None,
            {"a": [1.0, 2.0], "b": ["x", "y"]},
        ),
        (np.array([1.5, np.nan]), ["only"], {"only": [1.5, None]}),
        ([1, 2, None], None, {"x0": [1.0, 2.0, None]}),
        (["p", None], ["a", "b"], {"x0": ["p", None]}),  # 1 column but 2 names: unnamed
        ([], None, {}),
    ],
)
def test_to_columns_accepts_every_shape(data, names, expected):
    cols = to_columns(data, names)
    got = {
        k: [None if isinstance(v, float) and math.isnan(v) else v for v in c.tolist()]
        for k, c in cols.items()
    }
    assert got == expected
    for column in cols.values():
        assert column.ndim == 1 and column.dtype in (np.float64, object)


def test_to_columns_series_and_large_frames_are_fast_paths():
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(10_000, 20))
    frame = pd.DataFrame(matrix, columns=[f"f{i}" for i in range(20)])
    cols = to_columns(frame)
    assert len(cols) == 20 and np.array_equal(cols["f3"], matrix[:, 3])
    cols = to_columns(matrix)
    assert cols["x19"].flags["C_CONTIGUOUS"] and np.array_equal(
        cols["x19"], matrix[:, 19]
    )
    assert list(to_columns(pd.Series([1, 2]), ["age"])) == ["age"]


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        ("abc", TypeError, "not str"),
        (5, TypeError, "not int"),
        (None, TypeError, "not NoneType"),
        ({"a": [1, 2], "b": [1]}, ValueError, "'a' has 2, 'b' has 1"),
        ({"a": 1}, ValueError, "column 'a' must be a list"),
        ([[1, 2], [1]], ValueError, "same length"),
        ([[1, 2], 3], TypeError, "only lists"),
        ([{"a": 1}, [1]], TypeError, "only dicts"),
        (np.zeros((2, 2, 2)), ValueError, "shape"),
        (
            pd.DataFrame([[1, 2]], columns=["a", "a"]),
            ValueError,
            "two columns named 'a'",
        ),
    ],
)
def test_to_columns_errors_name_the_problem(data, error, message):
    with pytest.raises(error, match=message):
        to_columns(data)


def test_to_columns_message_says_what_the_data_is():
    message = (
        "prediction data must be a DataFrame, an array, a list of rows or a dict of "
        "columns, not str"
    )
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
        to_columns("x")


def test_to_vector_keeps_class_labels_and_squeezes_one_column():
    assert to_vector([1, 0, 1]).dtype.kind == "i"
    assert to_vector([True, False]).dtype == bool
    assert to_vector(["a", None]).tolist() == ["a", None]
    assert to_vector([1.0, None]).dtype == np.float64
    assert to_vector(np.array([[1.0], [2.0]])).tolist() == [1.0, 2.0]
    assert to_vector(pd.Series([1, None], dtype="Int64")).dtype == np.float64
    assert to_vector(pd.DataFrame({"p": [1, 2]})).tolist() == [1, 2]
    assert to_vector(np.array([1, None, 0], dtype=object)).dtype == np.float64
    with pytest.raises(ValueError, match="one value per row"):
        to_vector(np.zeros((3, 2)))
    with pytest.raises(TypeError, match="not str"):
        to_vector("abc")


# -- profile ---------------------------------------------------------------------


def test_numeric_profile_matches_numpy(reference, profile):
    x = reference["num"]
    feat = strict_json(profile)["features"]["num"]
    assert profile["version"] == PROFILE_VERSION and profile["rows"] == REF_N
    assert (
        feat["count"] == REF_N and feat["missing"] == 0 and feat["missing_rate"] == 0.0
    )
    assert np.allclose(feat["percentiles"], np.percentile(x, np.arange(101)))
    assert np.allclose(
        feat["quantiles"], np.quantile(x, [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1])
    )
    counts, edges = np.histogram(x, bins=10)
    assert feat["histogram"]["counts"] == counts.tolist()
    assert np.allclose(feat["histogram"]["edges"], edges)
    bins = feat["psi_bins"]
    assert len(bins["edges"]) == 9 and len(bins["props"]) == 10
    assert math.isclose(sum(bins["props"]), 1.0) and all(
        0.09 < p < 0.11 for p in bins["props"]
    )
    assert math.isclose(feat["mean"], x.mean()) and math.isclose(feat["std"], x.std())


def test_categorical_profile_lists_top_100_and_says_whether_complete():
    values = np.array(
        [f"c{i:03d}" for i in range(150)] * 2 + ["c000"] * 10 + [None] * 5, dtype=object
    )
    feat = profile_data({"c": values})["features"]["c"]
    assert (
        feat["type"] == "categorical" and feat["count"] == 310 and feat["missing"] == 5
    )
    assert len(feat["categories"]) == 100 and next(iter(feat["categories"])) == "c000"
    assert feat["other"] == 310 - sum(feat["categories"].values()) == 100
    assert feat["complete"] is False and len(feat["top"]) == 50
    small = profile_data({"c": ["a", "b", "a"]})["features"]["c"]
    assert small["complete"] is True and small["categories"] == {"a": 2, "b": 1}


def test_profile_edge_columns_are_json_safe():
    prof = profile_data(
        {
            "empty": np.full(40, np.nan),
            "const": np.full(40, 3.0),
            "flag": np.array([True, False] * 20),
            "inf": np.array([np.inf, 1.0] * 20),
        }
    )
    strict_json(prof)
    empty = prof["features"]["empty"]
    assert empty["count"] == 0 and empty["missing"] == 40 and empty["mean"] is None
    assert not {"quantiles", "percentiles", "histogram", "psi_bins"} & set(empty)
    const = prof["features"]["const"]
    assert const["psi_bins"] == {"edges": [3.0], "props": [1.0, 0.0]}
    assert const["histogram"]["edges"][0] == 2.5 and const["std"] == 0.0
    assert prof["features"]["flag"]["categories"] == {"False": 20, "True": 20}
    assert prof["features"]["inf"]["missing"] == 20


@pytest.mark.parametrize(
    ("predictions", "task"),
    [
        (np.array([0, 1, 1, 0]), "classification"),
        (np.array([0.0, 2.0, 1.0]), "classification"),
        (np.array(["yes", "no"], dtype=object), "classification"),
        (np.array([True, False]), "classification"),
        (np.arange(100), "regression"),
        (np.array([0.5, 1.2, 3.3]), "regression"),
    ],
)
def test_profile_task_comes_from_predictions(predictions, task):
    prof = profile_data({"x": np.arange(predictions.size)}, predictions=predictions)
    assert prof["task"] == task and prof["prediction"]["count"] == predictions.size
    assert profile_data({"x": [1, 2]})["task"] is None


def test_profile_rejects_predictions_of_another_length():
    with pytest.raises(
        ValueError, match="predictions has 2 values but the data has 3 rows"
    ):
        profile_data({"x": [1, 2, 3]}, predictions=[0, 1])


def test_profile_keeps_the_v1_keys_and_names_bad_input():
    from mm_jupyter.monitoring.profile import profile_data as reference_profile

    frame = pd.DataFrame({"a": np.arange(50.0), "b": ["u", "v"] * 25})
    prof = reference_profile(frame)
    assert prof["rows"] == 50
    assert {"count", "missing", "mean", "std", "quantiles", "histogram"} <= set(
        prof["features"]["a"]
    )
    assert len(prof["features"]["a"]["quantiles"]) == 7
    assert prof["features"]["b"]["top"] == {"u": 25, "v": 25}
    with pytest.raises(TypeError, match="reference data must be"):
        reference_profile("not data")


# -- drift: numeric --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "loc", "scale", "drifts"),
    [
        ("same", 0.0, 1.0, False),
        ("shifted", 0.5, 1.0, True),
        ("scaled", 0.0, 2.0, True),
    ],
)
def test_numeric_drift_agrees_with_scipy(reference, profile, name, loc, scale, drifts):
    batch = np.random.default_rng(11).normal(loc, scale, BATCH_N)
    feat = report_for(profile, num=batch)["features"]["num"]
    oracle = stats.ks_2samp(batch, reference["num"])
    assert feat["status"] == "ok" and feat["reason"] is None
    assert abs(feat["ks"] - oracle.statistic) < 0.02
    assert math.isclose(feat["mean"], batch.mean())
    if drifts:
        assert feat["psi"] > 0.2 and feat["ks_pvalue"] < 1e-6
    else:
        assert feat["psi"] < 0.05 and feat["ks"] < 0.05 and feat["ks_pvalue"] > 0.01


def test_ks_pvalue_is_the_kolmogorov_distribution():
    n = m = 10**9  # the small-sample correction vanishes: λ ≈ √n_e·D
    for lam in (0.3, 0.8, 1.0, 1.2, 1.5, 2.5):
        d = lam / math.sqrt(n * m / (n + m))
        assert math.isclose(ks_pvalue(d, n, m), special.kolmogorov(lam), abs_tol=1e-4)
    assert ks_pvalue(0.0, 10, 10) == 1.0 and ks_pvalue(1.0, 2000, 20000) == 0.0


def test_constant_and_discrete_features_use_the_step_cdf():
    rng = np.random.default_rng(3)
    ref_ints = rng.integers(0, 5, REF_N).astype(float)
    prof = profile_data({"const": np.full(REF_N, 3.0), "ints": ref_ints})
    same = report_for(prof, const=np.full(100, 3.0), ints=rng.integers(0, 5, BATCH_N))
    assert (
        same["features"]["const"]["psi"] == 0.0
        and same["features"]["const"]["ks"] == 0.0
    )
    assert same["features"]["const"]["ks_pvalue"] == 1.0
    moved_ints = rng.integers(1, 6, BATCH_N).astype(float)
    moved = report_for(prof, const=np.full(100, 4.0), ints=moved_ints)
    assert (
        moved["features"]["const"]["ks"] == 1.0
        and moved["features"]["const"]["psi"] > 5
    )
    oracle = stats.ks_2samp(moved_ints, ref_ints).statistic
    assert abs(moved["features"]["ints"]["ks"] - oracle) < 0.02


def test_nan_values_are_missing_not_drift(profile):
    batch = np.random.default_rng(5).normal(0, 1, 200)
    batch[:50] = np.nan
    feat = report_for(profile, num=batch)["features"]["num"]
    assert (
        feat["missing"] == 50
        and feat["missing_rate"] == 0.25
        and feat["status"] == "ok"
    )


def test_v1_profiles_still_work(reference):
    # The v1 profile format (before version 2), as older registries hold it.
    x = reference["num"]
    counts, edges = np.histogram(x, bins=10)
    v1 = {
        "rows": REF_N,
        "features": {
            "num": {
                "type": "numeric",
                "count": REF_N,
                "missing": 0,
                "mean": float(x.mean()),
                "std": float(x.std()),
                "quantiles": np.quantile(
                    x, [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]
                ).tolist(),
                "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
            },
            "cat": {
                "type": "categorical",
                "count": REF_N,
                "top": {"a": 10_000, "b": 6_000, "c": 4_000},
            },
            "empty": {"type": "numeric", "count": 0},
        },
    }
    rng = np.random.default_rng(9)
    same = report_for(
        v1,
        num=rng.normal(0, 1, BATCH_N),
        cat=np.array(["a", "b"] * 50, dtype=object),
        empty=rng.normal(size=100),
    )
    assert (
        same["features"]["num"]["status"] == "ok"
        and same["features"]["num"]["psi"] < 0.05
    )
    assert (
        same["features"]["cat"]["status"] == "ok"
        and same["features"]["cat"]["unknown_rate"] is None
    )
    assert same["features"]["empty"]["status"] == "insufficient_data"
    shifted = report_for(v1, num=rng.normal(0.5, 1, BATCH_N))["features"]["num"]
    assert shifted["psi"] > 0.2 and shifted["ks"] > 0.1


# -- drift: categorical ------------------------------------------------------------


def test_categorical_drift_matches_scipy_jensen_shannon(profile):
    batch = np.array(
        ["a"] * 200 + ["b"] * 200 + ["c"] * 500 + ["zzz"] * 100, dtype=object
    )
    feat = report_for(profile, cat=batch)["features"]["cat"]
    ref = profile["features"]["cat"]["categories"]
    p_ref = np.array([ref["a"], ref["b"], ref["c"], 0.0]) / REF_N
    p_batch = np.array([200, 200, 500, 100]) / 1000
    assert math.isclose(
        feat["js"], distance.jensenshannon(p_batch, p_ref, base=2), rel_tol=1e-9
    )
    floored_b, floored_r = np.maximum(p_batch, 1e-4), np.maximum(p_ref, 1e-4)
    expected_psi = np.sum((floored_b - floored_r) * np.log(floored_b / floored_r))
    assert math.isclose(feat["psi"], expected_psi, rel_tol=1e-9) and feat["psi"] > 0.2
    assert feat["unknown_rate"] == 0.1 and feat["ks"] is None and feat["status"] == "ok"


def test_same_categorical_distribution_is_stable(profile):
    batch = np.random.default_rng(4).choice(
        ["a", "b", "c"], size=BATCH_N, p=[0.5, 0.3, 0.2]
    )
    feat = report_for(profile, cat=batch.astype(object))["features"]["cat"]
    assert feat["psi"] < 0.05 and feat["js"] < 0.05 and feat["unknown_rate"] == 0.0


def test_type_mismatches_compare_as_text_or_skip():
    prof = profile_data(
        {"code": np.array(["1", "2"] * 50, dtype=object), "num": np.arange(100.0)}
    )
    report = report_for(
        prof, code=np.array([1.0, 2.0] * 50), num=np.array(["x"] * 100, dtype=object)
    )
    assert (
        report["features"]["code"]["status"] == "ok"
        and report["features"]["code"]["psi"] < 1e-9
    )
    assert report["features"]["num"]["status"] == "skipped"
    assert "non-numeric" in report["features"]["num"]["reason"]


# -- drift: batch level --------------------------------------------------------------


def test_empty_batch_is_insufficient_not_an_error(profile):
    for columns in (
        {},
        {"num": np.array([], dtype=float), "cat": np.array([], dtype=object)},
    ):
        report = report_for(profile, **columns)
        assert (
            report["status"] == "insufficient_data"
            and report["reason"] == "empty batch"
        )
        assert report["rows"] == 0
        assert series_from_report(report) == {"volume.rows": 0.0}


def test_small_batch_reports_how_many_values_it_had(profile):
    report = report_for(
        profile, num=np.arange(5.0), cat=np.array(["a"] * 5, dtype=object)
    )
    assert report["status"] == "insufficient_data"
    assert report["reason"] == f"5 rows; drift needs at least {MIN_ROWS}"
    feat = report["features"]["num"]
    assert feat["status"] == "insufficient_data"
    assert feat["reason"] == "5 non-missing values; drift needs at least 30"
    assert feat["psi"] is None and feat["mean"] == 2.0
    assert report["features"]["cat"]["unknown_rate"] == 0.0  # a rate needs no minimum
    series = series_from_report(report)
    assert "drift.share" not in series and series["missing.rate.num"] == 0.0
    assert not any(k.startswith("drift.") for k in series)


def test_all_nan_column_and_min_rows(profile):
    report = report_for(
        profile, num=np.full(100, np.nan), cat=np.array(["a"] * 100, dtype=object)
    )
    feat = report["features"]["num"]
    assert feat["status"] == "insufficient_data" and feat["missing_rate"] == 1.0
    assert feat["reason"].startswith("0 non-missing values") and feat["mean"] is None
    assert report["status"] == "ok"  # the other feature could be compared
    lenient = batch_report({"num": np.arange(10.0)}, profile, min_rows=5)
    assert lenient["features"]["num"]["status"] == "ok"


def test_missing_and_extra_features(profile):
    rng = np.random.default_rng(2)
    report = report_for(
        profile, num=rng.normal(size=100), surprise=rng.normal(size=100)
    )
    assert report["missing_features"] == ["cat"] and report["extra_features"] == [
        "surprise"
    ]
    assert report["features"]["surprise"]["status"] == "skipped"
    series = series_from_report(report)
    assert series["missing.rate.cat"] == 1.0  # a dropped column is fully missing
    assert "drift.psi.surprise" not in series and series["missing.rate.surprise"] == 0.0


def test_no_profile_still_reports_missing_rates():
    report = report_for(None, a=np.array([1.0, np.nan, 3.0, 4.0]))
    assert report["status"] == "insufficient_data" and report["reason"] == NO_PROFILE
    assert report["missing_features"] == [] and report["extra_features"] == []
    feat = report["features"]["a"]
    assert feat["status"] == "insufficient_data" and feat["reason"] == NO_PROFILE
    assert feat["missing_rate"] == 0.25 and feat["mean"] == pytest.approx(8 / 3)
    assert series_from_report(report) == {"volume.rows": 4.0, "missing.rate.a": 0.25}


def test_prediction_drift_numeric_and_categorical():
    rng = np.random.default_rng(8)
    x = rng.normal(size=REF_N)
    reg = profile_data({"x": x}, predictions=2 * x)
    report = batch_report({"x": x[:500]}, reg, predictions=2 * x[:500] + 3)
    strict_json(report)
    assert report["prediction"]["ks"] > 0.5 and report["prediction"]["psi"] > 1
    labels = np.where(x > 0, "yes", "no").astype(object)
    clf = profile_data({"x": x}, predictions=labels)
    assert (
        clf["task"] == "classification" and clf["prediction"]["type"] == "categorical"
    )
    flipped = batch_report(
        {"x": x[:500]}, clf, predictions=np.array(["yes"] * 500, dtype=object)
    )
    assert flipped["prediction"]["js"] > 0.5 and flipped["prediction"]["ks"] is None
    series = series_from_report(flipped)
    assert "drift.prediction.js" in series and "drift.prediction.psi" in series
    without = batch_report({"x": x[:500]}, profile_data({"x": x}), predictions=x[:500])
    assert without["prediction"]["status"] == "insufficient_data"
    assert "no predictions" in without["prediction"]["reason"]


def test_series_keys_and_drift_share(profile):
    rng = np.random.default_rng(12)
    batch = {
        "num": rng.normal(1.0, 1, 500),
        "cat": rng.choice(["a", "b", "c"], size=500, p=[0.5, 0.3, 0.2]).astype(object),
    }
    series = series_from_report(report_for(profile, **batch))
    assert series["volume.rows"] == 500.0 and series["drift.share"] == 0.5
    assert set(series) == {
        "volume.rows",
        "missing.rate.num",
        "missing.rate.cat",
        "unknown.rate.cat",
        "drift.psi.num",
        "drift.ks.num",
        "drift.psi.cat",
        "drift.js.cat",
        "drift.share",
    }
    assert all(isinstance(v, float) and math.isfinite(v) for v in series.values())


def test_extreme_values_never_leak_nan_or_inf(profile):
    huge = np.array([1e308, -1e308, np.inf, -np.inf, np.nan] * 20)
    prof = profile_data({"num": huge})
    strict_json(prof)
    report = report_for(prof, num=huge)
    strict_json(series_from_report(report))
    strict_json(report_for(profile, num=huge))


# -- performance ---------------------------------------------------------------------


def sk_classification(y_true, y_pred, average):
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    p, r, f, _ = precision_recall_fscore_support(
        y_true, y_pred, average=average, zero_division=0
    )
    return {
        "accuracy": accuracy_score(y_true, y_pred),
        "precision": p,
        "recall": r,
        "f1": f,
    }


@pytest.mark.parametrize(
    ("y_true", "y_pred", "average"),
    [
        ([0, 1, 1, 0, 1, 1, 0, 0, 1, 1], [0, 1, 0, 0, 1, 1, 1, 0, 1, 0], "binary"),
        ([True, False, True, True], [True, True, False, True], "binary"),
        ([0, 1, 2, 2, 1, 0, 2], [0, 2, 2, 2, 1, 1, 0], "macro"),
        (["cat", "dog", "dog", "cat"], ["cat", "cat", "dog", "dog"], "macro"),
        (
            [0, 1, 1, 0],
            [0, 2, 1, 0],
            "macro",
        ),  # class 2 only predicted: precision 0, no error
        ([1, 1, 1], [1, 1, 1], "macro"),  # a single-class window
    ],
)
def test_classification_matches_sklearn(y_true, y_pred, average):
    pytest.importorskip("sklearn")
    result = strict_json(performance(y_true, y_pred, task="classification"))
    assert result["status"] == "ok" and result["n"] == len(y_true)
    expected = sk_classification(y_true, y_pred, average)
    for name, value in expected.items():
        assert math.isclose(result["metrics"][name], value), name


def test_unlabelled_rows_are_skipped_like_the_monitor_passes_them():
    y_true = np.array([1, None, 0, 1, None], dtype=object)
    y_pred = np.array([1, 0, 0, 0, 1], dtype=object)
    result = performance(y_true, y_pred)
    assert result["task"] == "classification" and result["n"] == 3
    assert result["metrics"]["accuracy"] == pytest.approx(2 / 3)
    assert performance_series(result)["performance.labelled"] == 3.0
    none = performance([None] * 3, [1, 0, 1])
    assert (
        none["status"] == "insufficient_data" and none["reason"] == "no labelled rows"
    )
    assert performance_series(none) == {"performance.labelled": 0.0}


def test_regression_matches_sklearn():
    pytest.importorskip("sklearn")
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    rng = np.random.default_rng(6)
    y_true = rng.normal(size=300)
    y_pred = y_true + rng.normal(scale=0.3, size=300)
    result = strict_json(performance(y_true, y_pred))
    assert result["task"] == "regression" and result["reason"] is None
    assert math.isclose(result["metrics"]["mae"], mean_absolute_error(y_true, y_pred))
    assert math.isclose(
        result["metrics"]["rmse"], math.sqrt(mean_squared_error(y_true, y_pred))
    )
    assert math.isclose(result["metrics"]["r2"], r2_score(y_true, y_pred))
    series = performance_series(result)
    assert set(series) == {
        "performance.mae",
        "performance.rmse",
        "performance.r2",
        "performance.labelled",
    }


def test_regression_r2_needs_variance():
    constant = performance([2.0, 2.0, 2.0], [1.5, 2.5, 2.0], task="regression")
    assert constant["metrics"]["r2"] is None and "same value" in constant["reason"]
    assert constant["metrics"]["mae"] == pytest.approx(1 / 3)
    single = performance([2.0], [1.0], task="regression")
    assert single["metrics"]["r2"] is None and "at least 2" in single["reason"]
    assert "performance.r2" not in performance_series(single)


def test_performance_errors():
    with pytest.raises(
        ValueError, match="y_true has 9 values but the batch has 10 predictions"
    ):
        performance(np.zeros(9), np.zeros(10))
    with pytest.raises(ValueError, match="task must be one of"):
        performance([1], [1], task="ranking")
