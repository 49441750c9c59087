"""Dataset profiles, fingerprint-only versions and the dataset diff in a real browser.

A notebook run headlessly logs ``churn.csv`` twice (the second time with a new column
and shifted ages) and fits a scikit-learn model on arrays it never logged (run
``fit``): autologging records them as fingerprint-only versions. The artifact page of
``features`` says so (no Download button, a note) and shows its profile; ``churn.csv``
v2 compares with v1 (schema and profile changes); the lineage of ``features`` draws the
fit edge dashed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from lab_helpers import execute_notebook, open_sidebar, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    "%load_ext mm_jupyter\n%config MMMagics.show_summary = False\nimport mm_jupyter as mm\n"
    "import numpy as np, pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n"
    "rng = np.random.default_rng(0)\n"
    "df = pd.DataFrame({'age': rng.integers(18, 90, 400), 'plan': rng.choice(['basic', 'pro'], 400),\n"
    "                   'churned': rng.integers(0, 2, 400)})\n"
    "df.to_csv('churn.csv', index=False)\n"
    "mm.log_artifact('churn.csv', name='churn.csv', kind='dataset')\n"
    "df.assign(age=df['age'] + 5, score=rng.random(400)).to_csv('churn.csv', index=False)\n"
    "mm.log_artifact('churn.csv', name='churn.csv', kind='dataset')",
    "%%mm_track --name fit\n"
    "features = rng.random((300, 3)); labels = (features[:, 0] > 0.5).astype(int)\n"
    "model = LogisticRegression().fit(features, labels)",
]


def test_profiles_fingerprint_only_versions_and_the_dataset_diff(
    lab_factory: Any, page: Any, page_errors: list[str], artifacts_dir: Path
) -> None:
    # Given data logged twice and arrays a tracked fit used without logging them
    lab = lab_factory()
    notebook = lab.root_dir / "datasets.ipynb"
    write_notebook(notebook, CELLS)
    execute_notebook(notebook, lab.registry_dir)
    fit_run = lab.api("mm-jupyter/api/runs?q=fit")["runs"][0]["id"]

    # When the fingerprint-only version of `features` opens
    page.goto(lab.lab_url())
    panel = open_sidebar(page)
    panel.get_by_role("tab", name="Artifacts").click()
    panel.locator('[data-artifact-name="features"]').click()
    view = page.locator('[id="mm-jupyter-artifact-features"]')
    card = view.locator('.jp-mm-VersionCard[data-version="1"]')
    card.wait_for()

    # Then it says "fingerprint only", offers no download, and shows its profile
    assert card.locator(".jp-mm-VersionCard-fingerprintOnly").inner_text() == "fingerprint only"
    assert "its bytes were not stored" in card.locator(".jp-mm-VersionCard-note").inner_text()
    assert card.get_by_role("button", name=re.compile("^Download")).count() == 0
    assert card.locator(".jp-mm-VersionCard-consumers", has_text="fit").count() == 1
    profile = card.locator(".jp-mm-ProfileTable")
    assert profile.locator("tbody tr").count() == 3
    assert "300 rows" in card.locator(".jp-mm-Profile-note").inner_text()
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "dataset-fingerprint-only.png"))

    # When churn.csv v2 is compared with v1
    panel.locator('[data-artifact-name="churn.csv"]').click()
    csv_view = page.locator('[id="mm-jupyter-artifact-churn.csv"]')
    v2 = csv_view.locator('.jp-mm-VersionCard[data-version="2"]')
    v2.wait_for()
    assert v2.locator('.jp-mm-ProfileTable [data-column="plan"]').count() == 1
    v2.get_by_role("button", name="Compare with v1").click()

    # Then the schema and profile changes show above the versions
    diff = csv_view.locator(".jp-mm-DatasetDiff")
    diff.wait_for()
    assert diff.get_attribute("data-diff-a") == "churn.csv:v1"
    assert diff.locator('.jp-mm-DatasetDiff-schema [data-column="score"]').inner_text() \
        == "+ score float64"
    age = diff.locator('.jp-mm-DatasetDiff-columns [data-column="age"]').inner_text()
    assert "mean:" in age and "(+5)" in age
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "dataset-diff.png"))

    # And the lineage of `features` draws the fit edge dashed, labelled
    page.locator('[id="mm-jupyter-artifact-features"]').wait_for(state="attached")
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="features").click()
    card.get_by_role("button", name="Lineage").click()
    graph = page.locator('[id="mm-jupyter-lineage-version%3Afeatures%3Av1"] svg.jp-mm-LineageGraph')
    edge = graph.locator(f'[data-edge="version:features:v1->run:{fit_run}"]')
    edge.wait_for(state="attached")  # a straight edge has no height: never "visible"
    assert edge.get_attribute("data-edge-via") == "fit"
    assert edge.get_attribute("stroke-dasharray") == "5 3"

    assert page_errors == []
