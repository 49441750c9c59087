"""The model registry in the sidebar and the main area, in a real browser.

A notebook run headlessly fits two scikit-learn models in tracked cells and
registers them as ``iris-clf`` v1 (alias ``staging``) and v2. The sidebar's Models
tab lists the model; its view promotes v2 to production through the UI (with a
confirmation and a comment), sets the alias ``champion`` on v1, then on v2: the
server refuses with 409, the view offers to move the alias, and v2 gets it. The
history lists every step; the version details show config, signature and
requirements; the links open the producing run, the artifact and its lineage.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from lab_helpers import execute_notebook, open_sidebar, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    "%load_ext mm_jupyter\n"
    "import mm_jupyter as mm\n"
    "from sklearn.datasets import load_iris\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "X, y = load_iris(return_X_y=True, as_frame=True)",
    "%%mm_track --name fit-1\n"
    "C = 1.0\n"
    "model = LogisticRegression(C=C, max_iter=500).fit(X, y)\n"
    "acc = model.score(X, y)\n"
    'mm.register_model(model, name="iris-clf", alias="staging")',
    "%%mm_track --name fit-2\n"
    "C = 0.1\n"
    "model = LogisticRegression(C=C, max_iter=500).fit(X, y)\n"
    "acc = model.score(X, y)\n"
    'mm.register_model(model, name="iris-clf")',
]

MODEL = "iris-clf"
VIEW_ID = f"mm-jupyter-model-{quote(MODEL, safe='')}"


def version_rows(view: Any, version: int) -> Any:
    """The ``<tbody>`` of one version in the versions table."""
    return view.locator(f'tbody.jp-mm-ModelVersion[data-version="{version}"]')


def dialog_titled(page: Any, title: str) -> Any:
    """The JupyterLab dialog whose header reads ``title``."""
    return page.locator(
        ".jp-Dialog", has=page.locator(".jp-Dialog-header", has_text=title)
    )


def confirm(page: Any, title: str, accept: str, comment: str | None = None) -> None:
    """Answer the JupyterLab confirmation dialog titled ``title``.

    Waits for that dialog (not any dialog) to close: a second one may follow at once.
    """
    dialog = dialog_titled(page, title)
    dialog.wait_for()
    if comment is not None:
        dialog.get_by_label("Comment").fill(comment)
    dialog.get_by_role("button", name=accept, exact=True).click()
    dialog.wait_for(state="detached")


def set_alias(page: Any, view: Any, version: int, alias: str) -> None:
    """Open the inline alias form of a version, type ``alias`` and submit it."""
    rows = version_rows(view, version)
    rows.locator('[data-action="alias"]').click()
    form = rows.locator("form.jp-mm-AliasForm")
    form.get_by_label("Alias", exact=True).fill(alias)
    form.get_by_role("button", name="Set alias").click()


def test_model_registry_promote_alias_conflict(
    lab_factory: Any,
    page: Any,
    page_errors: list[str],
    artifacts_dir: Path,
) -> None:
    # Given a registry with iris-clf v1 (alias staging, from run fit-1) and v2 (fit-2)
    lab = lab_factory()
    notebook = lab.root_dir / "iris.ipynb"
    write_notebook(notebook, CELLS)
    execute_notebook(notebook, lab.registry_dir, timeout_s=300)
    detail = lab.api(f"mm-jupyter/api/models/{MODEL}")
    assert [v["version"] for v in detail["versions"]] == [2, 1]
    fit2 = detail["versions"][0]["run"]
    assert fit2 and fit2["name"] == "fit-2"
    artifact_ref = detail["versions"][0]["artifact"]["ref"]

    # When the sidebar's Models tab opens
    page.goto(lab.lab_url())
    panel = open_sidebar(page)
    panel.get_by_role("tab", name="Models").click()

    # Then it lists iris-clf with its versions, alias and latest key metric
    row = panel.locator(f'[data-model-name="{MODEL}"]')
    row.wait_for()
    panel.locator(".jp-mm-Pager-range", has_text="1–1 of 1").wait_for()
    assert "2 versions" in row.inner_text()
    assert row.locator('[data-alias="staging"]').inner_text() == "staging → :1"
    if "acc" in detail["versions"][0]["metrics"]:
        assert row.locator('[data-metric="acc"]').count() == 1

    # And the filter narrows the list
    panel.get_by_label("Search models").fill("nothing-like-it")
    panel.locator(".jp-mm-Empty", has_text="No models match").wait_for()
    panel.get_by_label("Search models").fill("iris")
    row.wait_for()

    # When the model opens
    row.click()
    view = page.locator(f'[id="{VIEW_ID}"]')
    v1 = version_rows(view, 1)
    v2 = version_rows(view, 2)
    v2.wait_for()
    assert view.locator(".jp-mm-RunHeader-name").inner_text() == MODEL
    assert v2.locator(".jp-mm-ModelVersion-stage").inner_text() == "none"
    assert v1.locator('[data-alias="staging"]').count() == 1
    assert v2.locator(".jp-mm-ModelVersion-flavor").inner_text() == detail["versions"][0]["flavor"]

    # And v2 is promoted to production through the UI, with a comment
    v2.locator('[data-action="production"]').click()
    confirm(page, "Promote iris-clf:2 to production?", "Promote", "smaller C generalises")

    # Then v2's stage badge says production, and the history lists the change
    view.locator('tbody.jp-mm-ModelVersion[data-version="2"][data-stage="production"]').wait_for()
    assert v2.locator(".jp-mm-ModelVersion-stage").inner_text() == "production"
    assert v2.locator('[data-action="production"]').count() == 0
    history = view.locator(".jp-mm-Section-history")
    entry = history.locator(
        '.jp-mm-ModelHistory-entry[data-version="2"][data-kind="stage"][data-to="production"]'
    )
    entry.wait_for()
    assert "smaller C generalises" in entry.inner_text()
    assert view.locator('[data-notice="success"]').inner_text().startswith(
        "iris-clf:2 is now in production"
    )
    # And the sidebar shows the new stage (change cursor)
    row.locator('.jp-mm-StageBadge[data-stage="production"][data-version="2"]').wait_for(
        timeout=10_000
    )

    # When the alias champion is set on v1
    set_alias(page, view, 1, "champion")
    confirm(page, "Set alias champion on iris-clf:1?", "Set alias")
    v1.locator('[data-alias="champion"]').wait_for()

    # And then on v2: the server refuses (409) and the view offers to move it
    set_alias(page, view, 2, "champion")
    confirm(page, "Set alias champion on iris-clf:2?", "Set alias")
    dialog = dialog_titled(page, "Alias champion is held by iris-clf:1")
    dialog.wait_for()
    server_says = dialog.locator(".jp-mm-ConfirmBody-detail").inner_text()
    assert "champion" in server_says and "1" in server_says
    confirm(page, "Alias champion is held by iris-clf:1", "Move it here")

    # Then v2 holds champion and v1 no longer does
    v2.locator('[data-alias="champion"]').wait_for()
    v1.locator('[data-alias="champion"]').wait_for(state="detached")
    assert lab.api(f"mm-jupyter/api/models/{MODEL}")["model"]["aliases"] == {
        "champion": 2,
        "staging": 1,
    }
    moved = history.locator('.jp-mm-ModelHistory-entry[data-kind="alias"][data-to="2"]')
    moved.wait_for()
    assert "champion" in moved.inner_text() and ":1" in moved.inner_text()

    # A picture of the sidebar list and the model view: stages, aliases, history
    panel.get_by_label("Search models").fill("")
    panel.locator(".jp-mm-Pager-range", has_text="1–1 of 1").wait_for()
    view.locator(".jp-mm-ModelNotice-dismiss").click()
    page.mouse.move(0, 0)
    page.wait_for_timeout(400)  # let the layout and fonts settle
    page.screenshot(path=str(artifacts_dir / "models.png"))

    # When v2's details open
    v2.get_by_role("button", name="Details of iris-clf:2").click()
    details = v2.locator(".jp-mm-VersionDetails")
    details.wait_for()

    # Then they show its config, signature and requirements
    assert details.locator('.jp-mm-Pane-config [data-param="C"]').inner_text().split() == ["C", "0.1"]
    signature = details.locator(".jp-mm-Pane-signature")
    assert signature.locator('[data-feature="sepal length (cm)"]').count() == 1
    assert details.locator('.jp-mm-Pane-requirements [data-package="scikit-learn"]').count() == 1
    transitions = details.locator(".jp-mm-Pane-transitions .jp-mm-ModelHistory-entry")
    assert transitions.count() >= 2  # production, champion

    # And the metric trend plots one point per version
    trend = view.locator(".jp-mm-ModelTrend")
    if detail["metric_trend"]:
        assert trend.locator("circle.jp-mm-MetricChart-dot").count() == 2
        assert trend.locator('circle.jp-mm-stage-production[data-x="2"]').count() == 1

    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "model-version.png"))

    # The producing run, the artifact and its lineage open from the version row
    v2.locator(".jp-mm-ModelVersion-run .jp-mm-RunLink").click()
    page.locator(f'[id="mm-jupyter-run-{fit2["id"]}"] .jp-mm-RunDetail').wait_for()
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=MODEL).first.click()
    v2.locator(".jp-mm-ArtifactLink").click()
    artifact_name = artifact_ref.rsplit(":", 1)[0]
    page.locator(
        f'[id="mm-jupyter-artifact-{quote(artifact_name, safe="")}"] '
        f'.jp-mm-VersionCard[data-version-ref="{artifact_ref}"]'
    ).wait_for()
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=MODEL).first.click()
    v2.get_by_role("button", name=f"Lineage of {artifact_ref}").click()
    lineage_id = f"mm-jupyter-lineage-{quote('version:' + artifact_ref, safe='')}"
    page.locator(f'[id="{lineage_id}"] [data-node-id="version:{artifact_ref}"]').wait_for()
    page.locator(f'[id="{lineage_id}"] [data-node-id="run:{fit2["id"]}"]').wait_for()

    assert page_errors == []


def test_transition_post_needs_xsrf_with_a_cookie_session(
    lab_factory: Any, page: Any
) -> None:
    """A browser session (cookie) cannot POST a transition without the XSRF token.

    A request with the ``Authorization: token`` header is not checked for XSRF by
    Jupyter Server (token-authenticated requests cannot be forged cross-site); the
    server's own tests cover the handler's body checks.
    """
    lab = lab_factory()
    notebook = lab.root_dir / "one.ipynb"
    write_notebook(notebook, CELLS[:2])
    execute_notebook(notebook, lab.registry_dir, timeout_s=300)
    page.goto(lab.lab_url())
    open_sidebar(page)
    url = f"{lab.url}/mm-jupyter/api/models/{MODEL}/versions/1/transition"
    body = json.dumps({"stage": "production"})

    # Without the XSRF header: refused, nothing changes
    refused = page.request.post(url, data=body, headers={"Content-Type": "application/json"})
    assert refused.status == 403
    assert lab.api(f"mm-jupyter/api/models/{MODEL}")["versions"][0]["stage"] == "none"

    # With the header matching the _xsrf cookie (as ServerConnection sends it): done
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert "_xsrf" in cookies
    accepted = page.request.post(
        url,
        data=body,
        headers={"Content-Type": "application/json", "X-XSRFToken": cookies["_xsrf"]},
    )
    assert accepted.status == 200, accepted.text()
    assert accepted.json()["stage"] == "production"
    assert re.match(r"^iris-clf:1$", accepted.json()["ref"])


TREND_CELLS = [
    CELLS[0],
    # Only the metrics the runs log themselves: the trend and columns are about them
    "%config MMMagics.autolog = False",
    *(
        f"%%mm_track --name fit-C{c}\n"
        f"model = LogisticRegression(C={c}, max_iter=500).fit(X, y)\n"
        'mm.log_metric("acc", model.score(X, y))\n'
        'mm.log_metric("n_iter", int(model.n_iter_[0]))\n'
        f'mm.register_model(model, name="iris-trend"{stage})'
        for c, stage in (
            (1.0, ', stage="staging"'),
            (0.1, ', stage="production"'),
            (0.01, ""),
        )
    ),
]


def test_metric_trend_and_open_model_command(
    lab_factory: Any, page: Any, page_errors: list[str], artifacts_dir: Path
) -> None:
    # Given three versions registered with the metrics their runs logged first
    lab = lab_factory("--LabApp.expose_app_in_browser=True")
    notebook = lab.root_dir / "trend.ipynb"
    write_notebook(notebook, TREND_CELLS)
    execute_notebook(notebook, lab.registry_dir, timeout_s=300)
    detail = lab.api("mm-jupyter/api/models/iris-trend")
    assert sorted(detail["metric_trend"]) == ["acc", "n_iter"]

    # When the model opens through its command, on version 2
    page.goto(lab.lab_url())
    page.wait_for_function(
        "() => window.jupyterapp?.commands.hasCommand('mm-jupyter:open-model')"
    )
    page.evaluate(
        "() => window.jupyterapp.commands.execute("
        "'mm-jupyter:open-model', {name: 'iris-trend', version: 2})"
    )
    view = page.locator('[id="mm-jupyter-model-iris-trend"]')
    v2 = version_rows(view, 2)
    v2.wait_for()

    # Then version 2 is highlighted with its details open
    assert "jp-mm-mod-focused" in (v2.get_attribute("class") or "")
    v2.locator(".jp-mm-VersionDetails").wait_for()
    assert v2.locator('.jp-mm-Pane-metrics [data-metric="acc"]').count() == 1

    # And the table has a column per key metric
    heads = view.locator(".jp-mm-ModelVersions-metric").all_inner_texts()
    assert heads == ["acc", "n_iter"]

    # And the trend plots one point per version, coloured by stage
    trend = view.locator(".jp-mm-ModelTrend")
    dots = trend.locator("circle.jp-mm-MetricChart-dot")
    assert dots.count() == 3
    assert trend.locator('circle.jp-mm-stage-production[data-x="2"]').count() == 1
    assert trend.locator('circle.jp-mm-stage-staging[data-x="1"]').count() == 1
    assert trend.locator(".jp-mm-MetricChart-tick").all_text_contents()[-3:] == [":1", ":2", ":3"]

    # When another metric is picked, the chart follows
    trend.get_by_label("Trend metric").select_option("n_iter")
    trend.locator(".jp-mm-MetricChart-name", has_text="n_iter").wait_for()
    trend.get_by_label("Trend metric").select_option("acc")

    view.locator(".jp-mm-ModelWidget").evaluate("node => { node.scrollTop = 0; }")
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "model-trend.png"))
    assert page_errors == []
