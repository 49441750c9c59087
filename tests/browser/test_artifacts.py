"""Artifacts and lineage in the sidebar and the main area, in a real browser.

A notebook run headlessly logs a raw dataset (run ``prep``), cleans it (run
``clean``: uses ``churn-raw``, logs ``churn-clean``) and trains on it (run
``train``: a model directory in two versions with the ``prod`` alias, and a
report). The sidebar's Artifacts tab lists them; an artifact's view lists its
versions; its lineage shows ``churn-raw:v1 → clean → churn-clean:v1``; the run
node opens the run, whose Artifacts section lists its input and output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lab_helpers import (
    SIDEBAR,
    SIDEBAR_TAB,
    execute_notebook,
    open_sidebar,
    write_notebook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    '%load_ext mm_jupyter\nimport mm_jupyter as mm, pathlib\n'
    'pathlib.Path("raw.csv").write_text("a,b\\n1,2\\n3,4\\n")',
    '%%mm_track --name prep\nmm.log_artifact("raw.csv", name="churn-raw", kind="dataset")',
    '%%mm_track --name clean\nraw = mm.use_artifact("churn-raw")\ntext = open(raw).read().upper()\n'
    'mm.log_artifact(text.encode(), name="churn-clean", kind="dataset")',
    # Downstream of churn-clean, for a fuller picture: a model directory in two
    # versions (the alias moves), a report, and an alias on the clean data.
    "%%mm_track --name train\n"
    "import json\n"
    'clean = mm.use_artifact("churn-clean")\n'
    'model = pathlib.Path("model")\n'
    "model.mkdir(exist_ok=True)\n"
    'for depth in (3, 5):\n'
    '    (model / "weights.bin").write_bytes(bytes(range(256)) * depth * 4)\n'
    '    (model / "config.json").write_text(json.dumps({"depth": depth}))\n'
    '    mm.log_artifact(model, name="churn-model", kind="model", aliases=["prod"],\n'
    '                    description="Gradient-boosted churn classifier")\n'
    'mm.log_artifact("<h1>Churn report</h1>", name="churn-report", kind="report", format="text")\n'
    'mm.set_alias("churn-clean:v1", "golden")',
]

LATE_ARTIFACT = """
import mm_jupyter as mm
mm.log_artifact(b"late", name="late-arrival", kind="file")
"""

RAW = "version:churn-raw:v1"
CLEAN = "version:churn-clean:v1"


def artifact_names(panel: Any) -> list[str]:
    """Artifact names in the sidebar list, top to bottom."""
    return panel.locator("[data-artifact-name]").evaluate_all(
        "rows => rows.map(r => r.dataset.artifactName)"
    )


def main_tab(page: Any, label: str) -> Any:
    """The main-area tab whose label is exactly ``label``."""
    return page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab").filter(
        has=page.locator(".lm-TabBar-tabLabel", has_text=re.compile(f"^{re.escape(label)}$"))
    )


def node_title(node: Any) -> str:
    """The first line of a lineage node's label."""
    return node.locator(".jp-mm-LineageNode-title").text_content() or ""


def center_x(locator: Any) -> float:
    """Horizontal centre of an element on the page."""
    box = locator.bounding_box()
    assert box
    return box["x"] + box["width"] / 2


def test_artifacts_versions_and_lineage(
    lab_factory: Any,
    page: Any,
    page_errors: list[str],
    artifacts_dir: Path,
    tmp_path: Path,
) -> None:
    # Given a registry with runs that logged and used artifacts
    lab = lab_factory()
    notebook = lab.root_dir / "lineage.ipynb"
    write_notebook(notebook, CELLS)
    execute_notebook(notebook, lab.registry_dir)
    clean_run = lab.api("mm-jupyter/api/runs?q=clean")["runs"][0]["id"]

    # When the sidebar's Artifacts tab opens
    page.goto(lab.lab_url())
    panel = open_sidebar(page)
    panel.get_by_role("tab", name="Artifacts").click()

    # Then it lists every artifact with kind, latest version and aliases
    panel.locator('[data-artifact-name="churn-clean"]').wait_for()
    panel.locator(".jp-mm-Pager-range", has_text="1–4 of 4").wait_for()
    assert sorted(artifact_names(panel)) == [
        "churn-clean",
        "churn-model",
        "churn-raw",
        "churn-report",
    ]
    model_row = panel.locator('[data-artifact-name="churn-model"]')
    model_text = model_row.inner_text()
    assert "v2" in model_text
    assert "2 versions" in model_text
    assert model_row.locator('[data-kind="model"]').count() == 1
    assert model_row.locator('[data-alias="prod"]').count() == 1

    # And the keyboard moves through it: one row in the tab order, arrows, Home, End
    rows = panel.locator(".jp-mm-ArtifactsList-row")
    assert [r.get_attribute("tabindex") for r in rows.all()] == ["0", "-1", "-1", "-1"]
    names = artifact_names(panel)

    def expect_focus(name: str) -> None:
        # focus moves when React has re-rendered the list: wait for it, don't sample
        page.wait_for_function(
            "n => document.activeElement?.dataset?.artifactName === n", arg=name, timeout=15000
        )

    rows.nth(0).focus()
    expect_focus(names[0])  # focused before the first key (a loaded CI machine is slow)
    page.keyboard.press("ArrowDown")
    expect_focus(names[1])
    page.keyboard.press("End")
    expect_focus(names[3])
    page.keyboard.press("ArrowUp")
    expect_focus(names[2])
    page.keyboard.press("Home")
    expect_focus(names[0])
    assert [r.get_attribute("tabindex") for r in rows.all()] == ["0", "-1", "-1", "-1"]

    # And it filters by kind and by text
    panel.get_by_label("Kind").select_option("model")
    panel.locator(".jp-mm-Pager-range", has_text="1–1 of 1").wait_for()
    assert artifact_names(panel) == ["churn-model"]
    panel.get_by_label("Kind").select_option("")
    # Wait for the unfiltered page first: the pager still reads "1–1 of 1" from the
    # kind filter, so waiting for that text after typing would not wait at all.
    panel.locator(".jp-mm-Pager-range", has_text="1–4 of 4").wait_for()
    panel.get_by_label("Search artifacts").fill("raw")
    panel.locator(".jp-mm-Pager-range", has_text="1–1 of 1").wait_for()
    assert artifact_names(panel) == ["churn-raw"]
    panel.get_by_label("Search artifacts").fill("")
    panel.locator(".jp-mm-Pager-range", has_text="1–4 of 4").wait_for()

    # And an artifact logged while the list is open shows up (change polling)
    subprocess.run(
        [sys.executable, "-c", LATE_ARTIFACT],
        cwd=tmp_path,
        env={**os.environ, "MM_JUPYTER_HOME": str(lab.registry_dir)},
        check=True,
        timeout=120,
    )
    panel.locator('[data-artifact-name="late-arrival"]').wait_for(timeout=10_000)

    # When churn-clean opens
    panel.locator('[data-artifact-name="churn-clean"]').click()
    view = page.locator('[id="mm-jupyter-artifact-churn-clean"]')
    card = view.locator('.jp-mm-VersionCard[data-version="1"]')
    card.wait_for()

    # Then its version shows digest, producer, consumers and alias
    assert card.locator(".jp-mm-RunLink", has_text="clean").count() == 1
    consumers = card.locator(".jp-mm-VersionCard-consumers .jp-mm-Link-text")
    assert consumers.all_inner_texts() == ["train"]
    assert card.locator('[data-alias="golden"]').count() == 1
    assert view.locator(".jp-mm-AliasHistory", has_text="golden").count() == 1
    digest = lab.api("mm-jupyter/api/artifacts/churn-clean/versions")["versions"][0][
        "digest"
    ]
    assert card.locator(".jp-mm-VersionCard-digest code").inner_text() == digest[:12]

    # And its content downloads with the server's auth
    with page.expect_download() as download_info:
        card.get_by_role("button", name="Download churn-clean").click()
    download = download_info.value
    assert download.suggested_filename == "churn-clean"
    assert Path(download.path()).read_bytes() == b"A,B\n1,2\n3,4\n"

    page.wait_for_timeout(300)  # let the layout and fonts settle
    page.screenshot(path=str(artifacts_dir / "artifacts.png"))

    # And the model's directory files are listed
    panel.locator('[data-artifact-name="churn-model"]').click()
    model_view = page.locator('[id="mm-jupyter-artifact-churn-model"]')
    model_card = model_view.locator('.jp-mm-VersionCard[data-version="2"]')
    model_card.wait_for()
    model_card.locator(".jp-mm-Files > summary").click()
    assert model_card.locator('[data-file="weights.bin"]').is_visible()
    assert model_view.locator(".jp-mm-AliasHistory tbody tr").count() == 2
    page.screenshot(path=str(artifacts_dir / "artifact-model.png"))

    # When churn-clean's lineage opens
    main_tab(page, "churn-clean").click()
    card.get_by_role("button", name="Lineage").click()
    lineage = page.locator('[id="mm-jupyter-lineage-version%3Achurn-clean%3Av1"]')
    graph = lineage.locator("svg.jp-mm-LineageGraph")
    graph.wait_for()

    # Then it shows churn-raw:v1 → clean → churn-clean:v1, left to right
    raw_node = graph.locator(f'[data-node-id="{RAW}"]')
    run_node = graph.locator(f'[data-node-id="run:{clean_run}"]')
    clean_node = graph.locator(f'[data-node-id="{CLEAN}"]')
    for node in (raw_node, run_node, clean_node):
        node.wait_for()
    assert node_title(raw_node) == "churn-raw:v1"
    assert node_title(run_node) == "clean"
    assert node_title(clean_node) == "churn-clean:v1"
    assert graph.locator(f'[data-edge="{RAW}->run:{clean_run}"]').count() == 1
    assert graph.locator(f'[data-edge="run:{clean_run}->{CLEAN}"]').count() == 1
    assert center_x(raw_node) < center_x(run_node) < center_x(clean_node)
    # And the rest of the flow, upstream and downstream
    edges = graph.locator("[data-edge]").evaluate_all(
        "paths => paths.map(p => p.dataset.edge)"
    )
    assert f"run:{clean_run}->{CLEAN}" in edges
    assert any(e.startswith(f"{CLEAN}->run:") for e in edges)  # train uses it
    assert any(e.endswith(f"->{RAW}") for e in edges)  # prep logged it
    assert "jp-mm-mod-root" in (clean_node.get_attribute("class") or "")
    assert lineage.locator(".jp-mm-Lineage-truncated").count() == 0

    # And the graph is scaled to the width of the view
    assert "jp-mm-mod-fit" in (graph.get_attribute("class") or "")
    view_box = lineage.locator(".jp-mm-Lineage-canvas").bounding_box()
    graph_box = graph.bounding_box()
    assert view_box and graph_box
    assert graph_box["x"] + graph_box["width"] <= view_box["x"] + view_box["width"] + 1

    # Collapse the sidebar for the picture: the graph gets the whole width
    page.locator(SIDEBAR_TAB).click()
    page.locator(SIDEBAR).wait_for(state="hidden")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "lineage.png"))

    # When a version node is clicked, the graph re-roots on it; Back returns
    page.locator(SIDEBAR_TAB).click()
    raw_node.click()
    lineage = page.locator('[id="mm-jupyter-lineage-version%3Achurn-raw%3Av1"]')
    lineage.locator(".jp-mm-Lineage-root", has_text="churn-raw:v1").wait_for()
    lineage.get_by_role("button", name="Back").click()
    lineage = page.locator('[id="mm-jupyter-lineage-version%3Achurn-clean%3Av1"]')
    lineage.locator(".jp-mm-Lineage-root", has_text="churn-clean:v1").wait_for()

    # When the clean run node is clicked, its detail opens with its artifacts
    lineage.locator(f'[data-node-id="run:{clean_run}"]').click()
    run_view = page.locator(f"#mm-jupyter-run-{clean_run}")
    section = run_view.locator(".jp-mm-Section-artifacts")
    section.wait_for()
    inputs = section.locator(".jp-mm-RunArtifacts-inputs")
    outputs = section.locator(".jp-mm-RunArtifacts-outputs")
    assert inputs.locator('[data-version-ref="churn-raw:v1"]').count() == 1
    assert outputs.locator('[data-version-ref="churn-clean:v1"]').count() == 1
    assert "Inputs (1)" in (inputs.locator("h3").text_content() or "")
    assert "Outputs (1)" in (outputs.locator("h3").text_content() or "")
    page.screenshot(path=str(artifacts_dir / "run-artifacts.png"))

    # And its Lineage button opens the graph rooted at the run
    section.get_by_role("button", name="Lineage").click()
    run_lineage = page.locator(f'[id="mm-jupyter-lineage-run%3A{clean_run}"]')
    run_lineage.locator(f'[data-node-id="run:{clean_run}"]').wait_for()
    assert run_lineage.locator(".jp-mm-Lineage-root").inner_text() == "clean"

    # And an input link opens that artifact
    main_tab(page, "clean").click()
    inputs.get_by_role("button", name="churn-raw:v1").click()
    page.locator('[id="mm-jupyter-artifact-churn-raw"] .jp-mm-VersionCard').wait_for()

    assert page_errors == []

