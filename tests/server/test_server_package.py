"""``GET models/{name}/versions/{v}/card`` and ``.../package.zip`` through a real server."""

from __future__ import annotations

import io
import tempfile
import zipfile

import pytest
from quickstart_model import register_quickstart
from server_helpers import strict_loads
from test_contract import assert_valid

ROOT = "mm-jupyter/api/models/"

pytest.importorskip("sklearn")


@pytest.fixture
def quickstart(mm):
    return register_quickstart(mm)


async def test_card_is_the_markdown_and_structure_of_the_package_card(
        raw_fetch, quickstart, mm, tmp_path):
    response = await raw_fetch(f"{ROOT}cancer-clf/versions/1/card")
    assert response.code == 200
    payload = strict_loads(response.body)
    assert_valid("model_card", payload)
    card = payload["card"]
    assert card["model"]["ref"] == "cancer-clf:1" and card["model"]["stage"] == "production"
    assert card["run"]["name"] == "tuned" and card["monitoring"]["rows"] == 143
    assert [r["name"] for r in card["evaluation"]] == ["test"]
    mm.package_model("cancer-clf:1", tmp_path / "pkg")
    assert payload["markdown"] == (tmp_path / "pkg" / "MODEL_CARD.md").read_text()


async def test_package_zip_is_the_package_deterministic_and_an_attachment(
        raw_fetch, quickstart, mm, tmp_path):
    response = await raw_fetch(f"{ROOT}cancer-clf/versions/1/package.zip")
    assert response.code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="cancer-clf-1.zip"'
    assert "sandbox" in response.headers["Content-Security-Policy"]
    archive = zipfile.ZipFile(io.BytesIO(response.body))
    mm.package_model("cancer-clf:1", tmp_path / "pkg")
    expected = {f"cancer-clf-1/{p.name}": p.read_bytes() for p in (tmp_path / "pkg").iterdir()}
    assert {i.filename: archive.read(i) for i in archive.infolist()} == expected
    assert [i.filename for i in archive.infolist()] == sorted(expected)
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    again = await raw_fetch(f"{ROOT}cancer-clf/versions/1/package.zip")
    assert again.body == response.body


async def test_unknown_model_or_version_is_404_and_a_bad_version_400(raw_fetch, quickstart):
    for path, code in (("nope/versions/1/card", 404), ("nope/versions/1/package.zip", 404),
                       ("cancer-clf/versions/9/card", 404),
                       ("cancer-clf/versions/9/package.zip", 404),
                       ("cancer-clf/versions/x/package.zip", 400)):
        response = await raw_fetch(ROOT + path)
        assert response.code == code, path
        assert "message" in strict_loads(response.body)


async def test_without_credentials_both_are_403(raw_fetch, quickstart):
    for path in ("cancer-clf/versions/1/card", "cancer-clf/versions/1/package.zip"):
        response = await raw_fetch(ROOT + path, headers={"Authorization": ""})
        assert response.code == 403, path
        assert b"PK" not in response.body[:2]


async def test_a_package_over_the_cap_is_413_naming_it(raw_fetch, quickstart, monkeypatch):
    # The cap holds for the model file (checked before building) and for the zip.
    model = quickstart.version.artifact["size"]
    monkeypatch.setenv("MM_JUPYTER_PACKAGE_MAX_MB", str(model / 2 / 2**20))
    response = await raw_fetch(f"{ROOT}cancer-clf/versions/1/package.zip")
    assert response.code == 413
    message = strict_loads(response.body)["message"]
    assert "model file alone" in message and "MM_JUPYTER_PACKAGE_MAX_MB" in message
    monkeypatch.setenv("MM_JUPYTER_PACKAGE_MAX_MB", str(model * 4 / 2**20))
    response = await raw_fetch(f"{ROOT}cancer-clf/versions/1/package.zip")
    assert response.code == 200


async def test_a_zip_over_the_cap_is_413_and_leaves_no_temporary_folder(
        raw_fetch, mm, monkeypatch, tmp_path):
    # Given a model file of a few hundred bytes under a cap its package's zip is over
    # (serve.py, the card and the pins come on top)
    pd = pytest.importorskip("pandas")
    from sklearn.linear_model import LogisticRegression

    X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": [1.0, 0.0, 1.0, 0.0]})
    tiny = mm.register_model(LogisticRegression().fit(X, [0, 0, 1, 1]), "tiny",
                             reference_data=X)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    tempfile.tempdir = None  # read TMPDIR again
    try:
        whole = await raw_fetch(f"{ROOT}tiny/versions/1/package.zip")
        assert whole.code == 200
        zip_size = len(whole.body)
        assert zip_size > tiny.artifact["size"]
        monkeypatch.setenv("MM_JUPYTER_PACKAGE_MAX_MB", str((zip_size - 1) / 2**20))
        # When the package is asked for
        response = await raw_fetch(f"{ROOT}tiny/versions/1/package.zip")
    finally:
        tempfile.tempdir = None
    # Then 413 names the package and its size, and the folder it was built in is gone
    assert response.code == 413
    message = strict_loads(response.body)["message"]
    assert f"({zip_size} bytes) is over" in message and "MM_JUPYTER_PACKAGE_MAX_MB" in message
    assert not list(tmp_path.glob("mm-jupyter-package-*"))


async def test_a_version_that_cannot_be_packaged_is_409(raw_fetch, mm):
    mm.register_model({"weights": [1, 2]}, "plain")
    response = await raw_fetch(f"{ROOT}plain/versions/1/package.zip")
    assert response.code == 409
    assert "records no input columns" in strict_loads(response.body)["message"]
