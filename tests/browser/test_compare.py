"""Comparing three runs, and direction-aware colours of the diff, in a real browser.

Three runs are recorded through the Python API (no kernel: the compare view is
about what the registry holds): differing params ``lr``/``opt``, a ``val_loss``
series of 60 steps each, ``acc``, and ``margin`` with negative values. In the
sidebar two checked runs offer Diff and Compare; the diff colours the newer run's
higher ``val_loss`` as a regression (red) and its higher ``acc`` as a gain
(green). With the third checked, Compare opens one tab: the overlay chart draws
three series, hovering reads out all three, the log scale toggles (and is
disabled, with the reason, for ``margin``), drag zooms and double-click resets;
parallel coordinates draw three lines and the scatter three dots; group-by shows
the groups. Screenshots in light and dark.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lab_helpers import open_sidebar

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEED = """
import math, sys
import mm_jupyter as mm
mm.set_experiment("compare-e2e")
specs = [("cmp-a", 0.1, "adam", 0.30, 0.80), ("cmp-b", 0.05, "sgd", 0.42, 0.86),
         ("cmp-c", 0.01, "adam", 0.25, 0.90)]
for name, lr, opt, floor, acc in specs:
    with mm.track(name) as run:
        mm.log_params({"lr": lr, "opt": opt, "depth": 4})
        for step in range(60):
            mm.log_metric("val_loss", floor + math.exp(-step / (5 + 80 * lr)), step=step)
            mm.log_metric("margin", math.sin(step / 7) - 0.2, step=step)
        mm.log_metric("acc", acc)
    print(name, run.id)
"""


def seed_runs(registry_dir: Path) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-c", SEED],
        env={**os.environ, "MM_JUPYTER_HOME": str(registry_dir)},
        check=True, capture_output=True, text=True, timeout=120,
    ).stdout
    return dict(line.split() for line in out.splitlines() if line.startswith("cmp-"))


def use_theme(page: Any, theme: str) -> None:
    """Switch the JupyterLab theme through the Settings menu."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Theme").first.hover()
    page.locator(".lm-Menu-itemLabel", has_text=theme).first.click()
    light = "true" if "Light" in theme else "false"
    page.wait_for_selector(f'body[data-jp-theme-light="{light}"]', state="attached")
    page.wait_for_timeout(400)


def test_compare_three_runs_and_diff_colours(
    lab: Any, page: Any, page_errors: list[str], artifacts_dir: Path
) -> None:
    # Given three runs with differing params and series
    ids = seed_runs(lab.registry_dir)
    a, b, c = ids["cmp-a"], ids["cmp-b"], ids["cmp-c"]
    page.goto(lab.lab_url())
    panel = open_sidebar(page)
    panel.locator(f'tr[data-run-id="{c}"]').wait_for()

    # When two runs are checked, the bar offers Diff and Compare
    for run_id in (a, b):
        panel.locator(f'tr[data-run-id="{run_id}"] .jp-mm-RunsTable-select').check()
    bar = panel.locator(".jp-mm-CompareBar")
    bar.get_by_role("button", name="Compare 2").wait_for()
    bar.get_by_role("button", name="Diff").click()

    # Then the diff colours b's higher val_loss red and its higher acc green
    diff = page.locator(f'[id="mm-jupyter-diff-{a}-{b}"]')
    loss = diff.locator('.jp-mm-DiffMetrics tr[data-metric="val_loss"]')
    loss.wait_for()
    assert loss.get_attribute("data-direction") == "min"
    assert loss.get_attribute("data-quality") == "worse"
    delta = loss.locator(".jp-mm-DiffDelta")
    assert "jp-mm-mod-worse" in (delta.get_attribute("class") or "")
    assert delta.inner_text().startswith("+0.11")
    acc = diff.locator('.jp-mm-DiffMetrics tr[data-metric="acc"] .jp-mm-DiffDelta')
    assert "jp-mm-mod-better" in (acc.get_attribute("class") or "")
    red = delta.evaluate("e => getComputedStyle(e).color")
    green = acc.evaluate("e => getComputedStyle(e).color")
    plain = loss.locator("td").nth(1).evaluate("e => getComputedStyle(e).color")
    assert len({red, green, plain}) == 3, (red, green, plain)
    # No notebook snapshot (recorded from a script): said, not "0 cells changed"
    summary = diff.locator('[data-summary="cells_changed"]').inner_text()
    assert "no notebook snapshot on either run" in summary
    diff.locator(".jp-mm-DiffMetrics").screenshot(path=str(artifacts_dir / "compare-diff.png"))
    # And the diff's chart labels its value axis with whole, unclipped numbers
    pair = diff.locator('.jp-mm-DiffChart[data-metric="val_loss"]')
    ticks = pair.locator(".jp-mm-SeriesChart-ytick")
    assert 4 <= ticks.count() <= 7
    svg_box = pair.locator("svg").bounding_box()
    assert svg_box
    for i in range(ticks.count()):
        label = ticks.nth(i)
        assert (label.text_content() or "")[:1].isdigit()  # "0.40", not ".40"
        assert (label.bounding_box() or {"x": -1})["x"] >= svg_box["x"] - 0.5
    pair.screenshot(path=str(artifacts_dir / "compare-diff-chart.png"))

    # When a third run is checked, only Compare is offered (3..50)
    panel.locator(f'tr[data-run-id="{c}"] .jp-mm-RunsTable-select').check()
    assert bar.get_by_role("button", name="Diff").count() == 0
    bar.get_by_role("button", name="Compare 3").click()

    # Then one tab compares the three runs: val_loss overlaid, three series
    view = page.locator(f'[id="mm-jupyter-compare-{a}-{b}-{c}"]')
    overlay = view.locator(".jp-mm-CompareOverlay")
    overlay.wait_for()
    overlay.get_by_label("Metric").select_option("val_loss")
    series = overlay.locator("g.jp-mm-SeriesChart-series")
    assert series.count() == 3
    assert overlay.locator("polyline.jp-mm-SeriesChart-line").count() == 3
    colours = {series.nth(i).evaluate("e => getComputedStyle(e).getPropertyValue('--jp-mm-series')")
               for i in range(3)}
    assert len(colours) == 3  # one colour per run

    # And hovering reads out each run's value at that step
    plot = overlay.locator(".jp-mm-SeriesChart-plot")
    box = plot.bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    readout = overlay.locator(".jp-mm-SeriesChart-value")
    readout.nth(2).wait_for()
    assert readout.count() == 3
    assert all(readout.nth(i).locator("b").inner_text() != "—" for i in range(3))
    assert "step" in overlay.locator(".jp-mm-SeriesChart-at").inner_text()

    # And the log scale toggles; drag zooms, double-click resets
    chart = overlay.locator(".jp-mm-SeriesChart")
    overlay.get_by_label("log scale").check()
    page.wait_for_function(
        "() => document.querySelector('.jp-mm-CompareOverlay .jp-mm-SeriesChart')"
        ".dataset.log === 'true'"
    )
    y = box["y"] + box["height"] * 0.4
    page.mouse.move(box["x"] + box["width"] * 0.3, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=6)
    page.mouse.up()
    assert chart.get_attribute("data-zoomed") == "true"
    view.screenshot(path=str(artifacts_dir / "compare-zoomed.png"))
    plot.dblclick()
    assert chart.get_attribute("data-zoomed") == "false"

    # And smoothing draws the smoothed lines over faint raw ones
    overlay.get_by_label("Smoothing").fill("0.9")
    overlay.locator("polyline.jp-mm-mod-smoothed").nth(2).wait_for()
    assert overlay.locator("polyline.jp-mm-mod-raw").count() == 3
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    overlay.locator(".jp-mm-SeriesChart-value", has_text="raw").nth(2).wait_for()
    overlay.get_by_label("Smoothing").fill("0")

    # And a metric with values <= 0 cannot go log: the toggle says why
    overlay.get_by_label("Metric").select_option("margin")
    log = overlay.get_by_label("log scale")
    assert log.is_disabled()
    title = overlay.locator(".jp-mm-ChartControls-log").get_attribute("title") or ""
    assert "≤ 0" in title
    overlay.get_by_label("Metric").select_option("val_loss")

    # And the params table highlights lr and opt, not depth
    table = view.locator(".jp-mm-CompareTable")
    assert table.locator('tr[data-param="lr"]').get_attribute("class") == "jp-mm-mod-differs"
    assert table.locator('tr[data-param="depth"]').count() == 0  # only differences
    table.get_by_label("only differences").uncheck()
    table.locator('tr[data-param="depth"]').wait_for()

    # And parallel coordinates draw three lines; the scatter three dots
    parallel = view.locator(".jp-mm-ParallelCoords")
    assert parallel.locator(".jp-mm-ParallelCoords-run").count() == 3
    assert parallel.locator(".jp-mm-ParallelCoords-axis").count() >= 3  # lr, opt, a metric
    scatter = view.locator(".jp-mm-Scatter")
    scatter.get_by_label("Scatter x").select_option("param:lr")
    scatter.get_by_label("Scatter y").select_option("acc")
    dots = scatter.locator("circle.jp-mm-Scatter-dot")
    assert dots.count() == 3
    dots.first.hover()
    scatter.locator(".jp-mm-Scatter-hover", has_text="cmp-").wait_for()

    # And group-by opt makes two groups: adam (2 runs) and sgd (1)
    group = view.locator(".jp-mm-GroupBy")
    group.get_by_label("Group by").select_option("param:opt")
    adam = group.locator('tr[data-group="adam"]')
    assert adam.locator("td").nth(1).inner_text() == "2"
    assert group.locator('tr[data-group="sgd"] td').nth(1).inner_text() == "1"

    parallel.screenshot(path=str(artifacts_dir / "compare-parallel.png"))
    scatter.screenshot(path=str(artifacts_dir / "compare-scatter.png"))

    def top_shot(name: str) -> None:
        view.locator(".jp-mm-CompareWidget").evaluate("e => { e.scrollTop = 0; }")
        hover_box = plot.bounding_box()
        assert hover_box
        page.mouse.move(hover_box["x"] + hover_box["width"] * 0.7,
                        hover_box["y"] + hover_box["height"] * 0.5)
        overlay.locator(".jp-mm-SeriesChart-value").nth(2).wait_for()
        view.screenshot(path=str(artifacts_dir / name))

    top_shot("compare.png")
    use_theme(page, "JupyterLab Dark")
    top_shot("compare-dark.png")
    parallel.screenshot(path=str(artifacts_dir / "compare-parallel-dark.png"))
    dark_colours = {series.nth(i).evaluate(
        "e => getComputedStyle(e).getPropertyValue('--jp-mm-series')") for i in range(3)}
    assert dark_colours.isdisjoint(colours)  # the palette follows the theme
    page.locator(f'[id="mm-jupyter-diff-{a}-{b}"]').evaluate("e => e.id")  # still open
    page.get_by_role("tab", name="cmp-a ↔ cmp-b").click()
    diff.locator(".jp-mm-DiffMetrics").screenshot(path=str(artifacts_dir / "compare-diff-dark.png"))
    use_theme(page, "JupyterLab Light")
    assert not page_errors
