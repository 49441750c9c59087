"""%%mm_track and %mm through a real IPython InteractiveShell."""

from __future__ import annotations

import sqlite3

import pytest
from IPython.core.error import UsageError

import mm_jupyter as mm
from mm_jupyter.errors import MMError
from mm_jupyter.store.details import run_detail


def runs_in():
    """How many runs the registry holds, read through the public API (either backend)."""
    return len(mm.list_runs(limit=1000))


def detail(ref):
    return run_detail(mm.get_registry(), ref)


def test_result_and_namespace_are_those_of_the_untracked_cell(ip):
    plain = ip.run_cell("x = 2\nx * 21")
    tracked = ip.run_cell("%%mm_track --name t\ny = 2\ny * 21")
    assert tracked.result == plain.result == 42
    assert ip.user_ns["y"] == 2 and ip.user_ns["_"] == 42
    d = detail("t")
    assert d["run"]["status"] == "finished"
    assert d["outputs"][-1]["output_type"] == "execute_result"
    assert d["outputs"][-1]["data"]["text/plain"] == "42"


def test_trailing_semicolon_silences_the_result(ip):
    # store_history as in a kernel: IPython reads the `;` from the stored input.
    plain = ip.run_cell("4;", store_history=True)
    result = ip.run_cell("%%mm_track --name quiet\n5;", store_history=True)
    assert result.result is None and plain.result is None
    assert detail("quiet")["outputs"] == []


def test_exception_propagates_unchanged_and_run_fails(ip):
    result = ip.run_cell('%%mm_track --name bad\nclass Boom(Exception): pass\nraise Boom("exact message")')
    assert type(result.error_in_exec).__name__ == "Boom"
    assert str(result.error_in_exec) == "exact message"
    d = detail("bad")
    assert d["run"]["status"] == "failed"
    assert "Boom: exact message" in d["error"]
    assert 'raise Boom("exact message")' in d["error"]


def test_exception_with_failing_str_is_still_recorded(ip):
    ip.run_cell(
        "%%mm_track --name nasty\n"
        "class E(Exception):\n    def __str__(self): raise RuntimeError('no')\n"
        "raise E()"
    )
    assert detail("nasty")["run"]["status"] == "failed"


def test_keyboard_interrupt_marks_the_run_interrupted(ip):
    result = ip.run_cell("%%mm_track --name stop\nraise KeyboardInterrupt")
    assert isinstance(result.error_in_exec, KeyboardInterrupt)
    assert detail("stop")["run"]["status"] == "interrupted"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("--bogus", "--bogus"),
        ("--tag notapair", "notapair"),
        ("--param =3", "=3"),
        ("--name", "--name"),
        ("--name 'unbalanced", "closing quotation"),
        ("--name ''", "--name must not be empty"),
    ],
)
def test_bad_arguments_raise_usage_error_and_run_nothing(ip, line, message):
    result = ip.run_cell(f"%%mm_track {line}\nexecuted = True")
    # Raised by the input transformer, as IPython reports any bad cell magic line.
    assert isinstance(result.error_before_exec, UsageError)
    assert message in str(result.error_before_exec)
    assert "executed" not in ip.user_ns
    assert runs_in() == 0


def test_params_auto_namespace_and_explicit(ip):
    ip.user_ns["n_trees"] = 300
    ip.user_ns["model_obj"] = object()
    ip.run_cell(
        "%%mm_track --name p --param lr=0.5 --param layers=[64,32] --param note=hello\n"
        "lr = 0.1; depth = 5\nacc = 0.91\nz = n_trees + 1\nm = model_obj"
    )
    d = detail("p")
    assert d["run"]["params"] == {
        "lr": 0.5, "depth": 5, "n_trees": 300, "layers": [64, 32], "note": "hello"
    }
    assert d["param_sources"] == {
        "lr": "explicit", "depth": "auto", "n_trees": "namespace",
        "layers": "explicit", "note": "explicit",
    }
    assert d["run"]["metrics"] == {"acc": 0.91}


def test_explicit_metrics_with_steps_and_auto_metrics(ip):
    ip.run_cell(
        "%%mm_track --name m\nimport mm_jupyter as mm\n"
        "for epoch in range(3): mm.log_metric('loss', 1/(epoch+1), step=epoch)\n"
        "mm.log_metrics({'a': 1, 'b': 2.5})\nval_accuracy = 0.8"
    )
    d = detail("m")
    assert [p["value"] for p in d["metrics"]["loss"]] == [1.0, 0.5, 1 / 3]
    assert d["run"]["metrics"] == {"loss": 1 / 3, "a": 1.0, "b": 2.5, "val_accuracy": 0.8}


def test_metric_pattern_is_configurable(ip):
    ip.run_line_magic("config", "MMMagics.metric_pattern = '^gain$'")
    ip.run_cell("%%mm_track --name cfg\ngain = 3.0\nacc = 0.5")
    assert detail("cfg")["run"]["metrics"] == {"gain": 3.0}
    assert detail("cfg")["run"]["params"] == {"acc": 0.5}
    ip.run_line_magic("config", f"MMMagics.metric_pattern = {mm.capture.params.DEFAULT_METRIC_PATTERN!r}")


def test_log_metric_outside_a_run_and_bad_values_are_clear_errors(ip):
    with pytest.raises(MMError, match="no active run"):
        mm.log_metric("x", 1)
    result = ip.run_cell("%%mm_track --name v\nimport mm_jupyter as mm\nmm.log_metric('x', 'abc')")
    assert isinstance(result.error_in_exec, TypeError)
    assert "'x'" in str(result.error_in_exec)
    assert detail("v")["metrics"] == {}


def test_stdout_stderr_and_display_outputs_are_teed(ip, capsys):
    ip.run_cell(
        "%%mm_track --name out\nimport sys\nfrom IPython.display import display\n"
        "print('to stdout')\nprint('to stderr', file=sys.stderr)\n"
        "display({'text/html': '<b>hi</b>', 'text/plain': 'hi'}, raw=True)"
    )
    seen = capsys.readouterr()
    assert "to stdout" in seen.out and "to stderr" in seen.err
    outputs = detail("out")["outputs"]
    assert [(o["output_type"], o["name"]) for o in outputs] == [
        ("stream", "stdout"), ("stream", "stderr"), ("display_data", None)
    ]
    assert outputs[0]["text"] == "to stdout\n"
    assert outputs[2]["data"]["text/html"] == "<b>hi</b>"


def test_no_capture_outputs_records_none(ip, capsys):
    ip.run_cell("%%mm_track --name nc --no-capture-outputs\nprint('seen')")
    assert "seen" in capsys.readouterr().out
    assert detail("nc")["outputs"] == []


def test_huge_stdout_is_capped_inline_and_spilled_to_a_blob(ip, capsys):
    ip.run_cell("%%mm_track --name big\nprint('x' * 3_000_000)")
    capsys.readouterr()
    out = detail("big")["outputs"][0]
    assert len(out["text"]) <= 256 * 1024 and out["truncated_bytes"] > 2_000_000
    blob = out["blobs"]["text/plain"]
    assert mm.get_registry().blobs.get_bytes(blob["digest"]) == b"x" * 3_000_000 + b"\n"


def test_matplotlib_figures_are_stored_as_png_blobs(ip):
    import matplotlib

    matplotlib.use("Agg")
    ip.run_cell("%%mm_track --name fig\nimport matplotlib.pyplot as plt\nplt.plot([1, 2, 3]);")
    d = detail("fig")
    figures = [o for o in d["outputs"] if o["output_type"] == "figure"]
    assert len(figures) == 1 and d["run"]["n_figures"] == 1
    png = mm.get_registry().blobs.get_bytes(figures[0]["blobs"]["image/png"]["digest"])
    assert png.startswith(b"\x89PNG")
    ip.run_cell("plt.close('all')")


def test_metrics_reach_the_database_during_a_long_cell(ip):
    # The cell itself looks at the database from another connection (a second registry
    # object: its own SQLite connection, or another pooled PostgreSQL one) after 1.2 s.
    ip.run_cell(
        "%%mm_track --name long\nimport mm_jupyter as mm, time\n"
        "from mm_jupyter.store import open_registry\n"
        "mm.log_metric('progress', 1)\ntime.sleep(1.2)\n"
        "with open_registry() as other, other.read() as conn:\n"
        "    seen = conn.execute(\"SELECT count(*) FROM metrics WHERE key='progress'\")"
        ".fetchone()[0]"
    )
    assert ip.user_ns["seen"] == 1


def test_threads_log_to_the_run_that_is_active(ip):
    ip.run_cell(
        "%%mm_track --name threads\nimport threading, mm_jupyter as mm\n"
        "def work(i):\n    for s in range(500): mm.log_metric(f't{i}', s, step=s)\n"
        "ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]\n"
        "[t.start() for t in ts]; [t.join() for t in ts];"
    )
    metrics = detail("threads")["metrics"]
    assert sorted(metrics) == ["t0", "t1", "t2", "t3"]
    assert all(len(series) == 500 for series in metrics.values())


@pytest.mark.sqlite_only("a registry folder that cannot be created stops only the embedded"
                         " file; a team database that is down: tests/api/test_team_backend.py")
def test_unwritable_registry_warns_once_and_keeps_the_cell(ip, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MM_JUPYTER_HOME", str(blocker / "registry"))
    from mm_jupyter.services.runs.session import get_session

    get_session().reset_registry()
    with pytest.warns(UserWarning, match="mm-jupyter: .*runs are not recorded"):
        result = ip.run_cell("%%mm_track --name w\nimport mm_jupyter as mm\nmm.log_metric('a', 1)\n6 * 7",
                            store_history=True)
    assert result.result == 42 and result.error_in_exec is None


@pytest.mark.sqlite_only("holds SQLite's file lock (BEGIN IMMEDIATE); PostgreSQL writers"
                         " wait on an advisory lock: tests/store/test_postgres.py")
def test_locked_registry_warns_and_keeps_the_cell(ip, registry_dir, monkeypatch):
    mm.get_registry()  # created
    monkeypatch.setenv("MM_JUPYTER_BUSY_TIMEOUT", "0.2")
    from mm_jupyter.services.runs.session import get_session

    get_session().reset_registry()
    mm.get_registry()
    holder = sqlite3.connect(registry_dir / "registry.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.warns(UserWarning, match="locked"):
            result = ip.run_cell("%%mm_track --name locked\n'still' + ' works'",
                                store_history=True)
    finally:
        holder.execute("ROLLBACK")
    assert result.result == "still works"


def test_nested_track_block_gets_its_own_run(ip):
    ip.run_cell(
        "%%mm_track --name outer\nimport mm_jupyter as mm\n"
        "with mm.track('inner'):\n    mm.log_metric('inner_m', 1)\n"
        "mm.log_metric('outer_m', 2)"
    )
    assert detail("outer")["run"]["metrics"] == {"outer_m": 2.0}
    assert detail("inner")["run"]["metrics"] == {"inner_m": 1.0}


def test_mm_verbs(ip, capsys):
    ip.run_line_magic("mm", "")
    assert "%mm experiment NAME" in capsys.readouterr().out
    ip.run_line_magic("mm", "experiment churn")
    ip.run_cell("%%mm_track --name in-churn\nacc = 0.5")
    assert mm.get_run("in-churn").experiment == "churn"
    table = ip.run_line_magic("mm", "runs -e churn")
    assert "in-churn" in repr(table) and "in-churn" in table._repr_html_()
    shown = ip.run_line_magic("mm", "show in-churn")
    assert "acc=0.5" in repr(shown)
    with pytest.raises(UsageError, match="unknown %mm verb 'nope'"):
        ip.run_line_magic("mm", "nope")
    with pytest.raises(UsageError, match="no run"):
        ip.run_line_magic("mm", "show missing")


def test_names_are_escaped_in_html(ip):
    ip.run_cell("%%mm_track --name '<img src=x onerror=alert(1)>'\nacc = 1.0")
    html = ip.run_line_magic("mm", "runs")._repr_html_()
    assert "<img" not in html and "&lt;img" in html


def test_unload_removes_the_magics(ip):
    ip.run_line_magic("unload_ext", "mm_jupyter")
    assert "mm_track" not in ip.magics_manager.magics["cell"]
    ip.run_line_magic("load_ext", "mm_jupyter")
    ip.run_line_magic("config", "MMMagics.show_summary = False")


def test_history_keeps_what_the_user_typed(ip):
    ip.run_cell("%config MMMagics.auto_metrics = True", store_history=True)
    ip.run_cell("%%mm_track --name hist\nx = 1", store_history=True)
    history = detail("hist")["code"]["history"]
    assert history[-2]["source"] == "%config MMMagics.auto_metrics = True"
    assert history[-1]["source"] == "%%mm_track --name hist\nx = 1"


def test_figure_left_open_is_not_recorded_again(ip):
    import matplotlib

    matplotlib.use("Agg")
    ip.run_cell("%%mm_track --name fa\nimport matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()")
    ip.run_cell("%%mm_track --name fb\nx = 1")
    ip.run_cell("%%mm_track --name fc\nplt.plot([2, 1]);")
    assert detail("fa")["run"]["n_figures"] == 1
    assert detail("fb")["run"]["n_figures"] == 0
    assert detail("fc")["run"]["n_figures"] == 1  # changed: recorded again
    ip.run_cell("plt.close('all')")
