"""Fingerprints of real pandas, numpy and scipy objects: equal content, equal digest;
a changed value, column, dtype or shape, another digest; odd objects, None."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from mm_jupyter.capture.fingerprint import BLOCKS, ROW_CAP, fingerprint, row_ranges


def frame(n=1000, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "age": rng.integers(18, 90, n),
        "income": rng.normal(50_000, 10_000, n),
        "city": rng.choice(["Paris", "Lyon", "Nice"], n),
        "churned": rng.integers(0, 2, n).astype(bool),
    })


def test_equal_content_has_an_equal_fingerprint_whatever_the_object():
    df = frame()
    copy = df.copy(deep=True)
    reread = pd.DataFrame({c: list(df[c]) for c in df.columns})  # rebuilt from Python values
    assert fingerprint(df).digest == fingerprint(copy).digest == fingerprint(reread).digest
    # The index is not content: scikit-learn ignores it.
    assert fingerprint(df.set_axis(range(5, 1005))).digest == fingerprint(df).digest


@pytest.mark.parametrize("change", [
    lambda df: df.assign(income=df["income"].where(df.index != 500, 0.0)),  # one value
    lambda df: df.rename(columns={"city": "town"}),  # a column name
    lambda df: df.astype({"age": "int32"}),  # a dtype
    lambda df: df.iloc[:-1],  # a row fewer
    lambda df: df[["income", "age", "city", "churned"]],  # the column order
    lambda df: df.assign(city=df["city"].where(df.index != 7, None)),  # a missing string
])
def test_any_change_of_a_small_frame_changes_its_fingerprint(change):
    df = frame()
    assert fingerprint(change(df)).digest != fingerprint(df).digest


def test_columns_keep_their_digest_in_a_subset_a_series_and_a_1d_array():
    df = frame()
    full = fingerprint(df)
    X = fingerprint(df.drop(columns=["churned"]))
    y = fingerprint(df["churned"])
    assert set(X.column_digests.values()) <= set(full.column_digests.values())
    assert y.column_digests["churned"] == full.column_digests["churned"]
    assert fingerprint(df["income"].to_numpy()).column_digests[""] == full.column_digests["income"]


def test_one_dtype_frames_read_as_one_array_give_the_same_column_digests():
    rng = np.random.default_rng(3)
    small = pd.DataFrame(rng.random((500, 4)), columns=list("abcd"))  # read as one array
    consolidated = pd.concat([small[["a", "b"]], small[["c", "d"]]], axis=1)  # two blocks
    digests = fingerprint(small).column_digests
    assert fingerprint(consolidated).column_digests == digests
    assert fingerprint(small["c"]).column_digests["c"] == digests["c"]
    assert fingerprint(small).digest == fingerprint(small.copy()).digest


def test_large_frames_are_sampled_at_the_same_rows_for_every_column():
    n = ROW_CAP * 3
    df = pd.DataFrame({"a": np.arange(n, dtype=np.float64), "b": np.arange(n) % 7})
    fp = fingerprint(df)
    assert fp.sampled and fp.rows == n
    assert fingerprint(df[["b"]]).column_digests["b"] == fp.column_digests["b"]
    sampled_row = row_ranges(n)[1][0]
    changed = df.copy()
    changed.loc[sampled_row, "a"] = -1.0
    assert fingerprint(changed).digest != fp.digest
    # A row between blocks is not read: documented, and what keeps it under 50 ms.
    gap = row_ranges(n)[0][1] + 1
    assert gap < row_ranges(n)[1][0]
    changed = df.copy()
    changed.loc[gap, "a"] = -1.0
    assert fingerprint(changed).digest == fp.digest


def test_row_ranges_cover_everything_up_to_the_cap_then_evenly_spaced_blocks():
    assert row_ranges(10) == [(0, 10)]
    ranges = row_ranges(10 * ROW_CAP)
    assert len(ranges) == BLOCKS and ranges[0][0] == 0 and ranges[-1][1] == 10 * ROW_CAP
    assert sum(b - a for a, b in ranges) == ROW_CAP


def test_arrays_depend_on_values_not_layout_and_change_with_them():
    rng = np.random.default_rng(1)
    c_order = rng.random((3000, 40))
    f_order = np.asfortranarray(c_order)
    assert fingerprint(c_order).digest == fingerprint(f_order).digest
    big = rng.random((ROW_CAP * 2, 20))
    assert fingerprint(big).digest == fingerprint(np.asfortranarray(big)).digest
    assert fingerprint(big).sampled
    other = c_order.copy()
    other[1234, 5] += 1
    assert fingerprint(other).digest != fingerprint(c_order).digest
    assert fingerprint(c_order.astype(np.float32)).digest != fingerprint(c_order).digest
    assert fingerprint(c_order.reshape(6000, 20)).digest != fingerprint(c_order).digest


def test_sparse_matrices_and_lists():
    m = sp.random(500, 300, density=0.02, format="csr", random_state=0)
    fp = fingerprint(m)
    assert fp.type == "sparse" and fp.shape == (500, 300)
    assert fingerprint(m.copy()).digest == fp.digest
    assert fingerprint(m.tolil()).digest == fp.digest  # converted to CSR first
    changed = m.copy()
    changed.data[0] += 1
    assert fingerprint(changed).digest != fp.digest
    assert fingerprint(m.tocoo()).type == "sparse"
    assert fingerprint([1, 2, 3]).digest == fingerprint([1, 2, 3]).digest
    assert fingerprint([1, 2, 3]).digest != fingerprint([1, 2, 4]).digest
    assert fingerprint([[1, 2], [3]]) is not None  # ragged: by value
    assert fingerprint(["a", None, {"k": [1]}]) is not None


def test_object_columns_strings_categories_and_nullable_values():
    df = pd.DataFrame({
        "s": pd.array(["a", None, "c"], dtype="string"),
        "cat": pd.Categorical(["u", "v", "u"]),
        "n": pd.array([1, None, 3], dtype="Int64"),
        "t": pd.date_range("2020-01-01", periods=3, tz="UTC"),
        "o": [[1], {"a": 2}, None],
    })
    fp = fingerprint(df)
    assert fp is not None and len(fp.column_digests) == 5
    assert fingerprint(df.copy()).digest == fp.digest
    assert fingerprint(df.assign(o=[[1], {"a": 3}, None])).digest != fp.digest


class Hostile:
    def __repr__(self):
        raise RuntimeError("no repr")

    def __len__(self):
        raise RuntimeError("no len")


@pytest.mark.parametrize("odd", [None, 3, "text", {"a": 1}, object(), Hostile(), b"bytes",
                                 iter([1, 2]), np.float64(1.0)])
def test_odd_objects_have_no_fingerprint_and_never_raise(odd):
    assert fingerprint(odd) is None


def test_an_object_column_that_cannot_be_read_gives_none_not_an_error():
    df = pd.DataFrame({"h": [Hostile(), Hostile()]})
    assert fingerprint(df) is None


def test_metadata_is_plain_json():
    import json

    meta = fingerprint(frame()).metadata()
    assert json.loads(json.dumps(meta, allow_nan=False)) == meta
    assert meta["rows"] == 1000 and meta["columns"]["city"] in ("str", "object")
    assert len(meta["fingerprint"]) == 64 and set(meta["column_digests"]) == set(meta["columns"])
