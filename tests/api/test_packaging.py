"""``mm.package_model`` and ``mm-jupyter models package``: the quickstart model as a
deployable folder, deterministic, digest-checked, and refused where it cannot be made."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner
from quickstart_model import register_quickstart

from mm_jupyter.cli.main import main
from mm_jupyter.errors import MMError
from mm_jupyter.services.models import card as card_service
from mm_jupyter.services.models.packaging import FORMAT, verify_package
from mm_jupyter.serving import standalone

pytest.importorskip("sklearn")
pytest.importorskip("pandas")

FILES = {"Dockerfile", "MODEL_CARD.md", "input_example.json", "mm-package.json",
         "model.joblib", "requirements.txt", "serve.py", "signature.json"}


@pytest.fixture
def mm(registry_dir):
    import mm_jupyter
    from mm_jupyter.services.runs.session import get_session

    get_session().reset_registry()
    yield mm_jupyter
    get_session().reset_registry()
    get_session().active.clear()


@pytest.fixture
def quickstart(mm):
    return register_quickstart(mm)


def tree(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_package_holds_the_model_pins_card_and_server(mm, quickstart, tmp_path):
    # Given the quickstart model, registered, promoted and monitored
    # When it is packaged
    found = mm.package_model("cancer-clf@production", tmp_path / "build" / "cancer")
    folder = tmp_path / "build" / "cancer"
    # Then the folder holds exactly the package's files, each listed with its digest
    assert {p.name for p in folder.iterdir()} == FILES
    assert found["path"] == str(folder) and found["ref"] == "cancer-clf:1"
    for name, entry in found["files"].items():
        data = (folder / name).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    manifest = verify_package(folder)
    assert manifest["format"] == FORMAT == standalone.FORMAT
    assert manifest["artifact"]["digest"] == quickstart.version.artifact["digest"]
    assert hashlib.sha256((folder / "model.joblib").read_bytes()).hexdigest() == \
        manifest["artifact"]["digest"]
    # requirements: exact pins of the flavour's library and its dependencies, sorted,
    # the versions the registration recorded, not the whole environment
    lines = (folder / "requirements.txt").read_text().splitlines()
    names = [line.split("==")[0].lower() for line in lines]
    assert names == sorted(names) and all("==" in line for line in lines)
    recorded = quickstart.version.requirements["packages"]
    for package in ("scikit-learn", "numpy", "scipy", "joblib"):
        assert f"{package}=={recorded[package]}" in lines
    assert {"threadpoolctl", "pandas"} <= set(names)  # transitive; a DataFrame model
    assert not {"ipython", "jupyterlab", "mm-jupyter", "matplotlib", "tornado"} & set(names)
    assert found["requirements"] == lines
    # signature and input example: the training frame's columns
    signature = json.loads((folder / "signature.json").read_text())
    columns = list(quickstart.X_test.columns)
    assert [i["name"] for i in signature["inputs"]] == columns
    assert {i["dtype"] for i in signature["inputs"]} == {"float64"}
    assert signature["output"]["classes"] == ["0", "1"]
    example = json.loads((folder / "input_example.json").read_text())
    assert len(example["rows"]) == 3 and set(example["rows"][0]) == set(columns)
    # the Dockerfile: slim image of the recorded Python, pins, non-root, serve.py
    docker = (folder / "Dockerfile").read_text()
    minor = ".".join(quickstart.version.requirements["python"].split(".")[:2])
    assert f"FROM python:{minor}-slim" in docker
    assert "pip install --no-cache-dir -r requirements.txt" in docker
    assert "USER model" in docker and "EXPOSE 8080" in docker
    assert 'CMD ["python", "serve.py", "--host", "0.0.0.0", "--port", "8080"]' in docker
    assert (folder / "serve.py").read_text() == open(standalone.__file__).read()


def test_model_card_names_history_run_data_reports_and_monitoring(quickstart, mm, tmp_path):
    mm.package_model("cancer-clf:1", tmp_path / "pkg")
    card = (tmp_path / "pkg" / "MODEL_CARD.md").read_text()
    assert card.startswith("# Model card: cancer-clf version 1\n")
    for expected in ("| Stage | production |", "| Aliases | champion |", "| Owner | ana |",
                     "team=risk", "GBM on the breast cancer data",
                     "| stage | - | none | production |", "best accuracy so far",
                     "| Run | tuned (", "| Experiment | quickstart |",
                     "cancer-train:v1", "cancer-test:v1",
                     "Reference profile: 426 rows, 30 features", "| acc |",
                     "**test** (binary, tuned-test-report:v1): accuracy",
                     "## Monitoring", "| Batches | 1 |", "| Rows | 143 |", "Drift share",
                     "## Reproducibility", "## Promotion policy and approvals",
                     "No promotion policy applies to this model.", "No approvals yet."):
        assert expected in card, expected
    digests = {v["ref"]: v["digest"] for v in mm.get_model("cancer-clf:1").inputs}
    assert digests["cancer-train:v1"] in card


def test_card_sections_hook_adds_a_section_and_replaces_the_placeholder(quickstart, registry):
    section = card_service.CardSection(
        key="policy", title="Promotion policy and approvals",
        build=lambda registry, version: {"approvals": 1, "ref": version["ref"]},
        render=lambda data: f"{data['approvals']} approval of {data['ref']}.")
    built_in = list(card_service.card_sections)  # the policy section: replaced here
    card_service.card_sections[:] = [section]
    try:
        from mm_jupyter.display.model_card import card_markdown

        card = card_service.model_card(registry, "cancer-clf:1")
    finally:
        card_service.card_sections[:] = built_in
    assert card["sections"] == [{"key": "policy", "title": "Promotion policy and approvals",
                                 "data": {"approvals": 1, "ref": "cancer-clf:1"},
                                 "markdown": "1 approval of cancer-clf:1."}]
    markdown = card_markdown(card)
    assert "## Promotion policy and approvals\n\n1 approval of cancer-clf:1.\n" in markdown
    assert "None recorded" not in markdown


def test_packaging_twice_gives_byte_identical_files(quickstart, mm, tmp_path):
    mm.package_model("cancer-clf@champion", tmp_path / "a")
    mm.package_model("cancer-clf:1", tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


@pytest.mark.parametrize("target", ["model.joblib", "requirements.txt", "serve.py"])
def test_a_changed_file_is_refused_by_verify_and_by_the_server(quickstart, mm, tmp_path, target):
    folder = tmp_path / "pkg"
    mm.package_model("cancer-clf:1", folder)
    data = bytearray((folder / target).read_bytes())
    data[len(data) // 2] ^= 0x01
    (folder / target).write_bytes(bytes(data))
    with pytest.raises(MMError, match=f"{target} does not match mm-package.json"):
        verify_package(folder)
    with pytest.raises(standalone.PackageError, match=f"{target} does not match"):
        standalone.load_package(folder)


def test_a_missing_file_or_manifest_is_refused(quickstart, mm, tmp_path):
    folder = tmp_path / "pkg"
    mm.package_model("cancer-clf:1", folder)
    (folder / "signature.json").unlink()
    with pytest.raises(MMError, match=r"signature\.json is missing"):
        verify_package(folder)
    with pytest.raises(MMError, match=r"has no mm-package\.json"):
        verify_package(tmp_path)


def test_out_must_be_new_or_empty_and_failures_leave_nothing(quickstart, mm, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(MMError, match="is not empty"):
        mm.package_model("cancer-clf:1", tmp_path / "full")
    (tmp_path / "file").write_text("x")
    with pytest.raises(MMError, match="exists and is not a folder"):
        mm.package_model("cancer-clf:1", tmp_path / "file")
    (tmp_path / "empty").mkdir()
    mm.package_model("cancer-clf:1", tmp_path / "empty")  # an empty folder is fine
    assert {p.name for p in (tmp_path / "empty").iterdir()} == FILES
    # A version that cannot be packaged (no signature, no profile): nothing is left
    mm.register_model({"weights": [1, 2]}, "plain")
    with pytest.raises(MMError, match="records no input columns"):
        mm.package_model("plain", tmp_path / "plain")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "file", "full", "registry"]
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"


def test_cli_packages_with_a_json_summary_and_refuses_a_bad_out(quickstart, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["models", "package", "cancer-clf@production",
                                  "--out", str(tmp_path / "pkg"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["ref"] == "cancer-clf:1" and set(summary["files"]) == FILES
    assert summary["files"]["model.joblib"]["sha256"] == \
        hashlib.sha256((tmp_path / "pkg" / "model.joblib").read_bytes()).hexdigest()
    text = runner.invoke(main, ["models", "package", "cancer-clf", "-o", str(tmp_path / "p2")])
    assert text.exit_code == 0 and text.output.startswith("packaged cancer-clf:1 in ")
    again = runner.invoke(main, ["models", "package", "cancer-clf", "--out", str(tmp_path / "pkg")])
    assert again.exit_code == 1 and "is not empty" in str(again.exception)
    unknown = runner.invoke(main, ["models", "package", "nope", "--out", str(tmp_path / "p3")])
    assert unknown.exit_code == 1 and "nope" in str(unknown.exception)
    assert not (tmp_path / "p3").exists()


def test_a_weights_only_version_is_refused_naming_its_flavor(quickstart, mm, registry,
                                                             tmp_path):
    # Given a version stored as a PyTorch state_dict (torch is not installed here: the
    # record says so, as registering an nn.Module writes it)
    with registry.write() as conn:
        conn.execute("UPDATE model_versions SET flavor = 'torch_state_dict'")
    # When it is packaged, then it is refused before anything is written
    with pytest.raises(MMError, match=r"cancer-clf:1 is stored as torch_state_dict"
                                      r" \(weights only\)"):
        mm.package_model("cancer-clf:1", tmp_path / "pkg")
    assert not (tmp_path / "pkg").exists()
