"""A run's model registered from the sidebar, and a grid search's candidates, in a real
browser.

A notebook run headlessly fits a GradientBoostingClassifier (``gbm``: autologging
stores its model) and a GridSearchCV over 6 candidates (``search``) in tracked cells.
The runs list shows the two top-level runs, ``search`` counting its candidates, and
lists the candidates too when "Show candidates" is checked. The ``gbm`` run view's
Register model button opens a dialog (name prefilled from the run); a refused name
shows the server's reason as text; a good one shows ``iris-gbm:1``, whose link opens
the model. The ``search`` run view lists its candidates best first; a row opens the
candidate, whose view links back to the search.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lab_helpers import execute_notebook, open_sidebar, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    "%load_ext mm_jupyter\n"
    "from sklearn.datasets import load_iris\n"
    "from sklearn.ensemble import GradientBoostingClassifier\n"
    "from sklearn.model_selection import GridSearchCV\n"
    "from sklearn.tree import DecisionTreeClassifier\n"
    "X, y = load_iris(return_X_y=True)",
    "%%mm_track --name gbm\n"
    "clf = GradientBoostingClassifier(n_estimators=5, max_depth=2, random_state=0).fit(X, y)",
    "%%mm_track --name search\n"
    "search = GridSearchCV(DecisionTreeClassifier(random_state=0),"
    " {'max_depth': [1, 2, 3], 'min_samples_leaf': [1, 40]}, cv=3).fit(X, y)",
]


def test_register_a_runs_model_and_browse_a_searchs_candidates(
    lab_factory: Any, page: Any, page_errors: list[str], artifacts_dir: Path
) -> None:
    # Given a run with an autologged model and a grid search with 6 candidates
    lab = lab_factory()
    notebook = lab.root_dir / "search.ipynb"
    write_notebook(notebook, CELLS)
    execute_notebook(notebook, lab.registry_dir)
    runs = {r["name"]: r["id"] for r in lab.api("mm-jupyter/api/runs")["runs"]}
    assert set(runs) == {"gbm", "search"}

    # When the sidebar opens, it lists the two top-level runs; search counts 6
    page.goto(lab.lab_url())
    panel = open_sidebar(page)
    rows = panel.locator("tr.jp-mm-RunsTable-row")
    panel.locator(f'tr[data-run-id="{runs["search"]}"]').wait_for()
    assert rows.count() == 2
    search_row = panel.locator(f'tr[data-run-id="{runs["search"]}"]')
    assert search_row.locator(".jp-mm-RunsTable-children").inner_text() == "+6"
    # and "Show candidates" lists the candidates too
    toggle = panel.locator(".jp-mm-RunsPanel-children input")
    toggle.check()
    page.wait_for_function(
        "() => document.querySelectorAll('#mm-jupyter-sidebar tr.jp-mm-RunsTable-row').length === 8"
    )
    toggle.uncheck()
    page.wait_for_function(
        "() => document.querySelectorAll('#mm-jupyter-sidebar tr.jp-mm-RunsTable-row').length === 2"
    )

    # When the gbm run opens, it offers Register model
    panel.locator(f'tr[data-run-id="{runs["gbm"]}"]').click()
    view = page.locator(f'[id="mm-jupyter-run-{runs["gbm"]}"]')
    button = view.locator(".jp-mm-RegisterModel-button")
    button.wait_for()

    # A name the registry refuses: the reason shows as text, nothing registered
    button.click()
    dialog = page.locator(".jp-Dialog")
    name = dialog.locator(".jp-mm-RegisterBody-name")
    assert name.input_value() == "gbm"  # prefilled from the run
    name.fill("<b>bad:name</b>")
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    error = view.locator(".jp-mm-RegisterModel-error")
    error.wait_for()
    assert "contains ':'" in error.inner_text()
    assert error.locator("b").count() == 0  # the name is text, not markup
    assert lab.api("mm-jupyter/api/models")["total"] == 0

    # A good one, with an alias and a stage: the new version is shown with a link
    button.click()
    assert dialog.locator(".jp-mm-RegisterBody-name").input_value() == "<b>bad:name</b>"
    dialog.locator(".jp-mm-RegisterBody-name").fill("iris-gbm")
    dialog.locator(".jp-mm-RegisterBody-alias").fill("champion")
    dialog.locator(".jp-mm-RegisterBody-stage").select_option("staging")
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    done = view.locator(".jp-mm-RegisterModel-done")
    done.wait_for()
    assert "iris-gbm:1" in done.inner_text()
    assert "(staging)" in done.inner_text() and "(alias champion)" in done.inner_text()
    version = lab.api("mm-jupyter/api/models/iris-gbm/versions/1")
    assert (version["stage"], version["aliases"]) == ("staging", ["champion"])
    assert version["run"]["id"] == runs["gbm"]
    view.locator(".jp-mm-RunActions").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "register-model.png"))
    # and the link opens the model
    done.locator(".jp-mm-RegisterModel-link").click()
    page.locator('[id="mm-jupyter-model-iris-gbm"] .jp-mm-ModelDetail').wait_for()

    # When the search run opens, its candidates are listed best first
    panel.locator(f'tr[data-run-id="{runs["search"]}"]').click()
    search_view = page.locator(f'[id="mm-jupyter-run-{runs["search"]}"]')
    section = search_view.locator(".jp-mm-Section-candidates")
    section.wait_for()
    assert "Candidates (6)" in section.locator(".jp-mm-Section-title").inner_text()
    headers = section.locator("thead th").all_inner_texts()
    assert headers[:4] == ["Rank", "max_depth", "min_samples_leaf", "mean_test_score"]
    candidate_rows = section.locator("tr.jp-mm-Candidates-row")
    assert candidate_rows.count() == 6
    ranks = [int(r.split("\t")[0]) for r in candidate_rows.all_inner_texts()]
    assert ranks == sorted(ranks) and ranks[0] == 1
    section.scroll_into_view_if_needed()
    page.wait_for_timeout(200)
    page.screenshot(path=str(artifacts_dir / "candidates.png"))

    # A row opens the candidate, whose view links back to the search
    best_id = candidate_rows.first.get_attribute("data-run-id")
    candidate_rows.first.click()
    child_view = page.locator(f'[id="mm-jupyter-run-{best_id}"]')
    back = child_view.locator(".jp-mm-RunParent-link")
    back.wait_for()
    assert "Candidate of search" in child_view.locator(".jp-mm-RunParent").inner_text()
    assert child_view.locator(".jp-mm-RegisterModel-button").count() == 0  # no model
    back.click()
    page.wait_for_function(
        f"() => document.querySelector('[id=\"mm-jupyter-run-{runs['search']}\"]')"
        "?.checkVisibility()"
    )
    assert not page_errors
