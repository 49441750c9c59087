"""How a tracked cell is run: by IPython itself, observed from its hooks.

Each test fails on a design where the magic runs the body (issue 10, items 16-19).
"""

from __future__ import annotations

import threading

import pytest

import mm_jupyter as mm
from mm_jupyter.store.details import run_detail


def detail(ref):
    return run_detail(mm.get_registry(), ref)


@pytest.fixture
def rich(ip):
    """The shell formats HTML and PNG as a Jupyter kernel does (a terminal does not)."""
    formatters = ip.display_formatter.formatters
    before = {m: formatters[m].enabled for m in ("text/html", "image/png")}
    for mime in before:
        formatters[mime].enabled = True
    yield ip
    for mime, enabled in before.items():
        formatters[mime].enabled = enabled


def test_the_result_is_formatted_once_by_ipython(rich):
    ip = rich
    ip.run_cell(
        "class Counted:\n"
        "    calls = 0\n"
        "    def _repr_html_(self):\n"
        "        Counted.calls += 1\n"
        "        return f'<b>{Counted.calls}</b>'\n"
    )
    ip.run_cell("%%mm_track --name once\nCounted()", store_history=True)
    assert ip.user_ns["Counted"].calls == 1
    result = detail("once")["outputs"][-1]
    assert result["output_type"] == "execute_result"
    assert result["data"]["text/html"] == "<b>1</b>"


def test_a_repr_that_raises_is_shown_as_without_tracking(ip, capsys):
    ip.run_cell(
        "class Boom:\n"
        "    def __repr__(self):\n"
        "        raise RuntimeError('repr boom')\n"
    )
    capsys.readouterr()
    plain = ip.run_cell("Boom()", store_history=True)
    shown_plain = capsys.readouterr()
    tracked = ip.run_cell("%%mm_track --name boom\nBoom()", store_history=True)
    shown_tracked = capsys.readouterr()
    assert shown_tracked.out.count("repr boom") == shown_plain.out.count("repr boom") >= 1
    assert (plain.error_in_exec is None) == (tracked.error_in_exec is None)


def test_inline_figures_are_captured_from_their_display_not_rendered_again(rich, monkeypatch):
    ip = rich
    pytest.importorskip("matplotlib_inline")
    from matplotlib.backend_bases import FigureCanvasBase

    ip.run_cell("%matplotlib inline")
    renders = []
    original = FigureCanvasBase.print_figure

    def counting(self, *args, **kwargs):
        renders.append(kwargs.get("format"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FigureCanvasBase, "print_figure", counting)
    try:
        ip.run_cell("%%mm_track --name inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 3, 2]);",
                    store_history=True)
    finally:  # leave no inline hook behind for the other tests of this shell
        from matplotlib_inline.backend_inline import flush_figures

        ip.run_cell("import matplotlib; matplotlib.use('Agg')")
        if flush_figures in ip.events.callbacks["post_execute"]:
            ip.events.unregister("post_execute", flush_figures)
    assert len(renders) == 1  # the inline backend's own PNG, nothing more
    d = detail("inline")
    figures = [o for o in d["outputs"] if o["output_type"] == "figure"]
    assert len(figures) == 1 and d["run"]["n_figures"] == 1
    png = mm.get_registry().blobs.get_bytes(figures[0]["blobs"]["image/png"]["digest"])
    assert png.startswith(b"\x89PNG")


def test_track_line_under_another_cell_magic_is_still_a_run(ip, capsys):
    ip.run_cell("%%time\n%%mm_track --name timed\ntimed_value = 6 * 7", store_history=True)
    assert ip.user_ns["timed_value"] == 42
    assert "Wall time" in capsys.readouterr().out
    assert detail("timed")["run"]["status"] == "finished"


def test_run_cell_magic_called_directly_still_tracks(ip):
    ip.run_cell_magic("mm_track", "--name direct", "direct_value = 1")
    assert ip.user_ns["direct_value"] == 1
    assert detail("direct")["run"]["status"] == "finished"


def test_cell_without_magic_prefix_match_is_untouched(ip):
    result = ip.run_cell("%%mm_trackx\n1", store_history=True)
    assert "mm_trackx" in str(result.error_in_exec or result.error_before_exec)


def test_the_first_cell_does_not_wait_for_the_environment_probe(ip, monkeypatch):
    """The package scan runs beside the cell; the run gets it when it is ready."""
    from mm_jupyter.capture import environment
    from mm_jupyter.services.runs.session import get_session

    release = threading.Event()
    real = environment.collect_environment_apart

    def slow_probe():
        release.wait(30)
        return real()

    monkeypatch.setattr(environment, "collect_environment_apart", slow_probe)
    session = get_session()
    monkeypatch.setattr(session, "_env_thread", None)
    monkeypatch.setattr(session, "_env", None)
    monkeypatch.setattr(session, "_env_done", False)
    monkeypatch.setattr(session, "environment_digest", None)
    session.start_environment(environment.collect_environment_apart)
    probe = session._env_thread
    ip.run_cell("%%mm_track --name early\nx = 1", store_history=True)
    # The cell ended while the probe was still blocked.
    assert probe.is_alive()
    assert detail("early")["run"]["status"] == "finished"
    assert detail("early")["environment"] is None
    release.set()
    probe.join(30)
    assert detail("early")["environment"]["python"]


def test_literal_param_limits_are_configurable(ip):
    ip.run_cell("%config MMMagics.auto_param_max_items = 2")
    try:
        ip.run_cell("%%mm_track --name limits\nshort = [1, 2]\nlong = [1, 2, 3]", store_history=True)
    finally:
        ip.run_cell("%config MMMagics.auto_param_max_items = 10")
    assert detail("limits")["run"]["params"] == {"short": [1, 2]}


def test_a_deep_expression_runs_tracked_as_untracked(ip):
    deep = "x = " + "+".join(["1"] * 900)
    plain = ip.run_cell(deep, store_history=True)
    tracked = ip.run_cell(f"%%mm_track --name deep\n{deep}", store_history=True)
    assert plain.success and tracked.success and ip.user_ns["x"] == 900
    assert detail("deep")["run"]["status"] == "finished"


def test_failed_param_analysis_warns_once_and_the_cell_runs(ip, monkeypatch):
    from mm_jupyter.capture.params import CellPlan
    from mm_jupyter.magics import tracked_cell

    monkeypatch.setattr(tracked_cell, "plan_cell", lambda *a, **k: CellPlan(error="boom"))
    with pytest.warns(UserWarning, match="no auto params.*boom") as caught:
        for name in ("w1", "w2"):
            result = ip.run_cell(f"%%mm_track --name {name}\nlr = 0.1\nlr * 2", store_history=True)
            assert result.result == 0.2
    assert len([w for w in caught if "mm-jupyter" in str(w.message)]) == 1
    assert detail("w2")["run"]["status"] == "finished"
    assert detail("w2")["run"]["params"] == {}


def test_top_level_await_works_in_a_tracked_cell(ip):
    result = ip.run_cell(
        "%%mm_track --name awaited\nimport asyncio\nawait asyncio.sleep(0)\n6 * 7",
        store_history=True,
    )
    assert result.success and result.result == 42
    assert detail("awaited")["run"]["status"] == "finished"


def test_a_fitted_transformer_is_linked_to_its_run_but_offers_no_button(ip):
    pytest.importorskip("sklearn")
    ip.run_cell(
        "%%mm_track --name scale\nimport numpy as np\nfrom sklearn.preprocessing import StandardScaler\n"
        "scaler = StandardScaler().fit(np.arange(10.0).reshape(5, 2))",
        store_history=True,
    )
    tracked = ip.magics_manager.registry["MMMagics"].tracked_cells
    assert tracked.last_models == {}
    version = mm.register_model(ip.user_ns["scaler"], "the-scaler")
    assert version.run["name"] == "scale"


def test_a_metric_beyond_float_range_says_so(ip):
    result = ip.run_cell(
        "%%mm_track --name bigmetric\nimport mm_jupyter as mm\nmm.log_metric('k', 10**400)",
        store_history=True,
    )
    assert isinstance(result.error_in_exec, ValueError)
    assert "beyond float range" in str(result.error_in_exec)
    assert "mm.log_param" in str(result.error_in_exec)


def test_load_ext_opens_the_registry_in_the_background(registry_dir):
    """The first tracked cell finds the registry open and the modules imported."""
    import time

    from IPython.testing.globalipapp import get_ipython

    from mm_jupyter.services.runs.session import get_session

    shell, session = get_ipython(), get_session()
    session.reset_registry()
    shell.run_line_magic("load_ext", "mm_jupyter")
    try:
        deadline = time.monotonic() + 30
        while session.opened is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert session.opened is not None
        assert session.opened.root == registry_dir
    finally:
        shell.run_line_magic("unload_ext", "mm_jupyter")
        session.reset_registry()


def test_the_environment_is_probed_in_a_child_process_with_the_kernels_path():
    from mm_jupyter.capture.environment import collect_environment, collect_environment_apart

    apart, here = collect_environment_apart(), collect_environment()
    assert apart["packages"] == here["packages"]
    assert any(name.lower() == "ipython" for name in apart["packages"])
    assert apart["python"] == here["python"] and apart["executable"] == here["executable"]
