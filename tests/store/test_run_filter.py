"""The runs filter language: the parser (pure), and its SQL on SQLite and PostgreSQL
through query_runs, the archived option, the column statistics and the export reader."""

from __future__ import annotations

import pytest

from mm_jupyter.core.run_filter import (
    And,
    Field,
    FilterError,
    InList,
    IsNull,
    Like,
    Not,
    Or,
    parse_filter,
)
from mm_jupyter.store import (
    export_rows,
    frame_parts,
    queries,
    run_columns,
    run_selection,
    runs,
    runs_export,
)

# -- parser ------------------------------------------------------------------------------


def test_the_issue_example_parses_into_one_and():
    node = parse_filter("metrics.acc > 0.9 and params.lr <= 0.1 and tags.team = 'risk'"
                        " and status = 'finished' and user = 'alice'")
    assert isinstance(node, And)
    assert [(c.field, c.op, c.value.value) for c in node.items] == [
        (Field("metric", "acc"), ">", 0.9),
        (Field("param", "lr"), "<=", 0.1),
        (Field("tag", "team"), "=", "risk"),
        (Field("attribute", "status"), "=", "finished"),
        (Field("attribute", "user"), "=", "alice"),
    ]


def test_precedence_not_and_or_and_parentheses():
    node = parse_filter("NOT starred = true or metrics.a < -1e-3 AND (user = 'x' or host = 'y')")
    assert isinstance(node, Or)
    assert isinstance(node.items[0], Not)
    right = node.items[1]
    assert isinstance(right, And) and isinstance(right.items[1], Or)
    assert right.items[0].value.value == -0.001


@pytest.mark.parametrize(("text", "field"), [
    ('metrics."val.loss" < 1', Field("metric", "val.loss")),
    ("metrics.`f1 score` < 1", Field("metric", "f1 score")),
    ("metrics.train.loss < 1", Field("metric", "train.loss")),
    ('params."max-depth" = 3', Field("param", "max-depth")),
    ("tags.`it``s` = 'a'", Field("tag", "it`s")),
    ("attributes.STATUS = 'finished'", Field("attribute", "status")),
])
def test_keys_bare_dotted_or_quoted(text, field):
    assert parse_filter(text).field == field


def test_lists_like_and_null_tests():
    assert parse_filter("params.opt in ('adam', 1, true)") == InList(
        Field("param", "opt"), tuple(parse_filter("params.opt in ('adam', 1, true)").values))
    node = parse_filter("params.opt not in ('adam', \"sgd\")")
    assert isinstance(node, InList) and node.negated
    assert [v.value for v in node.values] == ["adam", "sgd"]
    like = parse_filter("name like '%Base%'")
    assert like == Like(Field("attribute", "name"), "%Base%")
    assert parse_filter("name not like 'x'").negated
    assert parse_filter("metrics.acc is null") == IsNull(Field("metric", "acc"))
    assert parse_filter("tags.team is not null") == IsNull(Field("tag", "team"), True)
    assert parse_filter("name = 'it''s'").value.value == "it's"
    assert parse_filter("duration_s <> 5").op == "!="


@pytest.mark.parametrize(("text", "column", "token", "expected"), [
    ("metrics.acc 0.9", 13, "0.9", "expected an operator after 'metrics.acc'"),
    ("metrics.acc > ", 15, "", "expected a value"),
    ("acc > 1", 1, "acc", "expected metrics.KEY, params.KEY, tags.KEY or an attribute"),
    ("metrics.acc > 1 and", 20, "", "expected a field"),
    ("metrics.acc > 1 or or x", 20, "or", "expected a field"),
    ("(status = 'a'", 14, "", "expected ')'"),
    ("status = 'a", 10, "'a", "expected a closing ' for this string"),
    ("metrics.acc = 'x'", 15, "'x'", "expected a number to compare metrics.acc"),
    ("metrics.acc like '%a'", 13, "like", "metrics.acc is not text"),
    ("starred > true", 11, "true", "expected '=' or '!='"),
    ("starred is null", 12, "null", "never null"),
    ("status = null", 10, "null", "write 'status is null'"),
    ("tags. = 1", 6, " ", "expected a key after 'tags.'"),
    ("status = 'a' status = 'b'", 14, "status", "expected 'and', 'or'"),
    ("name in 'a'", 9, "'a'", "expected '(' after 'in'"),
    ("name in ('a' 'b')", 14, "'b'", "expected ',' or ')'"),
    ("name is 3", 9, "3", "expected 'null' after 'is'"),
    ("metrics.acc ! 3", 13, "!", "expected a field, a value, an operator"),
    ("", 1, "", "the filter is empty"),
])
def test_errors_point_at_the_bad_token(text, column, token, expected):
    with pytest.raises(FilterError) as info:
        parse_filter(text)
    error = info.value
    assert isinstance(error, ValueError)
    assert (error.column, error.token) == (column, token)
    message = str(error)
    assert message.startswith("filter: ") and expected in message
    assert f"at column {column}" in message
    # The caret line stands under the token of the echoed filter.
    _, echoed, caret = message.split("\n")
    assert echoed == "  " + text and caret == "  " + " " * (column - 1) + "^"


def test_limits_bound_what_one_filter_builds():
    with pytest.raises(FilterError, match="at most 100 comparisons"):
        parse_filter(" or ".join(["status = 'a'"] * 101))
    with pytest.raises(FilterError, match="nested"):
        parse_filter("(" * 40 + "status = 'a'" + ")" * 40)
    with pytest.raises(FilterError, match="at most 4000 characters"):
        parse_filter("name = '" + "x" * 4000 + "'")


# -- SQL on both backends --------------------------------------------------------------


def make(registry, name, *, experiment="exp", status="finished", params=None,
         metrics=None, tags=None, user="alice", parent=None):
    run = runs.NewRun(
        id=runs.new_run_id(), name=name, experiment=experiment, started_at=runs.iso_now(),
        user=user, tags=tags or {}, params=[(k, v, "explicit") for k, v in (params or {}).items()],
    )
    runs.create_run(registry, run)
    if parent:  # a search's candidate
        with registry.write() as conn:
            conn.execute("UPDATE runs SET parent_run_id = ? WHERE id = ?", (parent, run.id))
    runs.write_metric_points(registry, [
        (run.id, key, 0, value, 1764171425.0) for key, value in (metrics or {}).items()])
    if status != "running":
        runs.finish_run(registry, run.id, status=status, finished_at=runs.iso_now(),
                        duration_s=float(len(name)))
    return run.id


@pytest.fixture
def zoo(registry):
    """Six runs that differ in every kind of field."""
    ids = {
        "a": make(registry, "alpha", params={"lr": 0.1, "opt": "adam", "deep": True},
                  metrics={"acc": 0.95, "val.loss": 0.2}, tags={"team": "risk"}),
        "b": make(registry, "beta", params={"lr": 0.01, "opt": "sgd"},
                  metrics={"acc": 0.85, "val.loss": 0.3}, tags={"team": "growth"},
                  user="bob"),
        "c": make(registry, "Gamma", params={"lr": 1, "opt": "Adam"},
                  metrics={"acc": float("nan")}, status="failed", experiment="other"),
        "d": make(registry, "delta", params={"lr": "0.1", "n": 2**70}, metrics={"acc": 0.99},
                  tags={"team": "risk", "it's": "x"}),
        "e": make(registry, "epsilon", metrics={"acc": float("inf")}),
    }
    ids["child"] = make(registry, "alpha-child", metrics={"acc": 0.97}, parent=ids["a"])
    return ids


def names(registry, text, **options):
    page = queries.query_runs(registry, filter=text, limit=500, **options)
    found = sorted(r["name"] for r in page["runs"])
    assert page["total"] == len(found)
    return found


@pytest.mark.parametrize(("text", "expected"), [
    ("metrics.acc > 0.9", ["alpha", "delta", "epsilon"]),  # inf is a number; NaN is not
    ("metrics.acc > 0.9 and params.lr <= 0.1", ["alpha"]),  # d's lr is the text '0.1'
    ("params.lr = '0.1'", ["delta"]),
    ("params.lr = 1", ["Gamma"]),
    ("params.opt = 'adam'", ["alpha"]),
    ("params.opt like 'ADAM'", ["Gamma", "alpha"]),  # like ignores case
    ("params.opt > 'b'", ["beta"]),  # text order, string params only
    ("params.opt in ('sgd', 'Adam')", ["Gamma", "beta"]),
    ("params.opt not in ('sgd')", ["Gamma", "alpha"]),  # runs without opt: not listed
    ("not params.opt in ('sgd')", ["Gamma", "alpha", "delta", "epsilon"]),
    ("params.deep = true", ["alpha"]),
    ("params.n > 1e21", ["delta"]),  # a big int compares by its number
    ("params.opt is null", ["delta", "epsilon"]),
    ('metrics."val.loss" < 0.25', ["alpha"]),
    ("metrics.`val.loss` is not null", ["alpha", "beta"]),
    ("metrics.f1 is null and experiment = 'exp'", ["alpha", "beta", "delta", "epsilon"]),
    ("tags.team = 'risk'", ["alpha", "delta"]),
    ("tags.team != 'risk'", ["beta"]),  # a missing tag is no value, not a different one
    ("not tags.team = 'risk'", ["Gamma", "beta", "epsilon"]),
    ("tags.`it's` = 'x'", ["delta"]),
    ("tags.team like 'GR%'", ["beta"]),
    ("status = 'failed' or user = 'bob'", ["Gamma", "beta"]),
    ("name like '%ta' and not (name = 'beta')", ["delta"]),
    ("experiment in ('other')", ["Gamma"]),
    ("experiment like 'ex%'", ["alpha", "beta", "delta", "epsilon"]),
    ("duration_s >= 5", ["Gamma", "alpha", "delta", "epsilon"]),
    ("starred = false and archived = false", ["Gamma", "alpha", "beta", "delta", "epsilon"]),
    ("parent is null and cell_id is null", ["Gamma", "alpha", "beta", "delta", "epsilon"]),
    ("name = 'it''s' or name = '%'", []),  # values are parameters, never SQL
])
def test_filters_select_the_same_runs_on_both_backends(registry, zoo, text, expected):
    assert names(registry, text) == expected


def test_filter_composes_with_the_other_options(registry, zoo):
    assert names(registry, "metrics.acc > 0.9", children=True) == [
        "alpha", "alpha-child", "delta", "epsilon"]
    assert names(registry, "metrics.acc > 0.9", user="alice", q="elt") == ["delta"]
    assert names(registry, "metrics.acc >= 0", experiment="exp", status="finished") == [
        "alpha", "beta", "delta", "epsilon"]
    page = queries.query_runs(registry, filter="metrics.acc > 0", sort="metric:acc",
                              order="asc", limit=2, offset=1)
    assert page["total"] == 4
    assert [r["name"] for r in page["runs"]] == ["alpha", "delta"]  # 0.85, .95, .99, inf
    page = queries.query_runs(registry, filter="params.lr > 0", sort="param:lr", limit=2)
    assert [r["name"] for r in page["runs"]] == ["Gamma", "alpha"]


def test_a_bad_filter_raises_before_reading(registry):
    with pytest.raises(FilterError, match="column 13"):
        queries.query_runs(registry, filter="metrics.acc 0.9")
    with pytest.raises(ValueError, match="archived must be one of"):
        queries.query_runs(registry, archived="yes")


def test_archived_and_deleted_runs(registry, zoo):
    with registry.write() as conn:
        conn.execute("UPDATE runs SET archived_at = ? WHERE id = ?", (runs.iso_now(), zoo["a"]))
        conn.execute("UPDATE runs SET deleted_at = ? WHERE id = ?", (runs.iso_now(), zoo["b"]))
        conn.execute("UPDATE runs SET starred = 1, note = ?, cell_id = 'c1' WHERE id = ?",
                     ("n" * 300, zoo["d"]))
    assert names(registry, None) == ["Gamma", "delta", "epsilon"]
    assert names(registry, None, archived="include") == ["Gamma", "alpha", "delta", "epsilon"]
    assert names(registry, None, archived="only") == ["alpha"]
    # The counts subtract hidden runs and child runs (migration 0010's partial index),
    # hidden child runs once: each total is the number of runs listed (names() checks).
    assert names(registry, None, children=True) == ["Gamma", "alpha-child", "delta", "epsilon"]
    with registry.write() as conn:
        conn.execute("UPDATE runs SET archived_at = ? WHERE id = ?",
                     (runs.iso_now(), zoo["child"]))
    assert names(registry, None) == ["Gamma", "delta", "epsilon"]
    assert names(registry, None, children=True) == ["Gamma", "delta", "epsilon"]
    assert names(registry, None, archived="only", children=True) == ["alpha", "alpha-child"]
    assert names(registry, None, archived="include", children=True) == [
        "Gamma", "alpha", "alpha-child", "delta", "epsilon"]
    assert names(registry, None, archived="include", experiment="exp", status="finished") == [
        "alpha", "delta", "epsilon"]
    assert names(registry, "archived = true", archived="include") == ["alpha"]
    assert names(registry, "starred = true") == ["delta"]
    page = queries.query_runs(registry, filter="starred = true")
    summary = page["runs"][0]
    assert summary["starred"] is True and summary["cell_id"] == "c1"
    assert summary["note"] == "n" * queries.NOTE_PREVIEW and summary["archived_at"] is None
    # Found by id all the same, to be restored.
    assert queries.resolve_run(registry, zoo["b"]) == zoo["b"]
    assert queries.get_run_summary(registry, zoo["a"])["archived_at"] is not None
    assert zoo["b"] not in runs_export.matching_ids(registry, archived="include")


def test_many_matches_count_and_page_through_the_sort_index(registry):
    # Over SPARSE_MAX matches: counted, then the page walks the sort index.
    n = run_selection.SPARSE_MAX + 20
    rows = range(n)
    bulk_runs(registry, n)
    page = queries.query_runs(registry, filter="metrics.acc >= 0.01 and params.lr <= 0.1",
                              sort="metric:acc", limit=3)
    assert page["total"] == len([i for i in rows if i / n >= 0.01])
    assert [r["metrics"]["acc"] for r in page["runs"]] == [519 / n, 518 / n, 517 / n]
    page = queries.query_runs(registry, filter=f"metrics.acc < {5 / n}", limit=50)
    assert page["total"] == 5 and len(page["runs"]) == 5


def test_keys_give_column_statistics(registry, zoo):
    keys = run_columns.keys(registry)
    assert keys["metric_counts"] == {"acc": 5, "val.loss": 2}  # top-level runs only
    assert keys["varying_params"] == ["lr", "opt"]  # deep and n: one run each
    assert keys["tag_keys"] == ["it's", "team"]
    assert keys["params"] == ["deep", "lr", "n", "opt"]


def test_export_reads_every_match_in_list_order(registry, zoo):
    ids = runs_export.matching_ids(registry, sort="metric:acc", order="desc")
    assert [queries.get_run_summary(registry, i)["name"] for i in ids] == [
        "epsilon", "delta", "alpha", "beta", "Gamma"]  # inf first, NaN with the rest
    batches = list(runs_export.object_batches(registry, ids, size=2))
    assert [run[0] for b in batches for run in b.runs] == ids  # the list's order
    delta = batches[0]
    assert delta.params[zoo["d"]] == {"lr": "0.1", "n": 2**70}  # the big int exact
    assert delta.tags[zoo["d"]] == {"team": "risk", "it's": "x"}
    assert delta.metrics[zoo["e"]] == {"acc": "Infinity"}  # spelled, as 'NaN' is
    export_rows.catch_up(registry)
    parts = frame_parts.read(registry, ids)
    assert sorted(parts.columns[0]) == sorted(ids)  # all of them
    at = parts.columns[0].index(zoo["d"])
    (group,) = [g for g in parts.params if at in g.positions]
    values = dict(zip(group.keys, group.rows[group.positions.index(at)], strict=True))
    assert values == {"lr": "0.1", "n": 2**70}  # the big int exact, the text a text
    assert runs_export.keys_in_use(registry, ids) == (
        ["deep", "lr", "n", "opt"], ["acc", "val.loss"], ["it's", "team"])


def bulk_runs(registry, n):
    """``n`` top-level runs with acc = i / n and lr = 0.1, inserted in one transaction."""
    rows = [(f"{i:012x}", i) for i in range(n)]
    with registry.write() as conn:
        conn.execute("INSERT INTO experiments (id, name, created_at) VALUES (1, 'x', 't')")
        conn.executemany(
            "INSERT INTO runs (id, name, experiment_id, status, started_at)"
            " VALUES (?, ?, 1, 'finished', ?)",
            [(rid, f"r{i}", f"2026-01-01T00:00:{i:05d}") for rid, i in rows])
        conn.executemany(
            "INSERT INTO latest_metrics (run_id, key, value, step, timestamp_ts)"
            " VALUES (?, 'acc', ?, 0, 0)", [(rid, i / n) for rid, i in rows])
        conn.executemany(
            "INSERT INTO params (run_id, key, value, value_num, source)"
            " VALUES (?, 'lr', '0.1', 0.1, 'auto')", [(rid,) for rid, _ in rows])


@pytest.mark.sqlite_only("EXPLAIN QUERY PLAN is SQLite's")
def test_sqlite_plans_use_the_key_value_indexes(registry):
    bulk_runs(registry, 600)
    statements: list[str] = []

    def traced(text):
        statements.clear()
        registry.conn.set_trace_callback(statements.append)
        try:
            return queries.query_runs(registry, filter=text, sort="metric:acc", limit=3)
        finally:
            registry.conn.set_trace_callback(None)

    def plan(marker):
        (sql,) = [s for s in statements if marker in s]  # the bound values are inline
        return " | ".join(row[3] for row in registry.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))

    # A selective test drives the count through latest_metrics (key, value): 59 runs.
    page = traced("metrics.acc > 0.9 and params.lr <= 0.1")
    assert page["total"] == 59 and [r["name"] for r in page["runs"]] == ["r599", "r598", "r597"]
    assert "latest_metrics_sort (key=? AND value>?" in plan("IN (SELECT run_id FROM latest")
    # ... in place of its own EXISTS, also when it is the filter's only test.
    (count,) = [s for s in statements if "IN (SELECT run_id FROM latest" in s]
    assert count.count("FROM latest_metrics") == 1
    assert traced("metrics.acc > 0.95")["total"] == 29
    # Many matches: the page walks the metric's sort index, checking each run by key.
    page = traced("metrics.acc > 0.1 and params.lr <= 0.1")
    assert page["total"] == 539 and [r["name"] for r in page["runs"]] == ["r599", "r598", "r597"]
    paged = plan("ORDER BY v.value DESC")
    assert "SEARCH v USING COVERING INDEX latest_metrics_sort" in paged
    assert "SEARCH m USING PRIMARY KEY (run_id=? AND key=?)" in paged
    assert "sqlite_autoindex_params_1 (run_id=? AND key=?)" in paged
    assert "SCAN r" not in paged


def test_counts_from_a_driving_test_with_many_candidates(registry):
    # acc > 0.78 names 527 of 2,400 runs (over SPARSE_MAX, under a quarter): counted
    # first; the name test keeps 100 of them, then listed by id.
    bulk_runs(registry, 2400)
    page = queries.query_runs(registry, filter="metrics.acc > 0.78 and name like 'r23%'",
                              sort="metric:acc", limit=2)
    assert page["total"] == 100
    assert [r["name"] for r in page["runs"]] == ["r2399", "r2398"]
    page = queries.query_runs(registry, filter="metrics.acc > 0.78", limit=2, offset=526)
    assert page["total"] == 527 and [r["name"] for r in page["runs"]] == ["r1873"]
