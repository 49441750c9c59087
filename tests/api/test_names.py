"""One name rule for artifacts and models; old names stay readable; clashes are explained."""

from __future__ import annotations

import pytest

import mm_jupyter as mm
from mm_jupyter.core.names import check_name, name_problem
from mm_jupyter.errors import ConflictError, NotFoundError


@pytest.fixture
def reg(registry):
    from mm_jupyter.services.runs.session import get_session

    session = get_session()
    session.reset_registry()
    yield registry
    session.reset_registry()


@pytest.mark.parametrize(
    "name",
    [
        "thing:3", "name@alias", "name:v3", "a\nb", " x", "x ", ".", "..", "a/../b",
        "./a", "a/", "/a", "a//b", "nul\x00", "tab\there", "rlo\u202eevil",
        "zero\u200bwidth", "lone\udc80", "x" * 251, "", 3,
    ],
)
def test_bad_names_are_refused_with_one_message_for_both_kinds(name, reg):
    # Given a name a reference could not address, or a file system could not hold
    # When an artifact or a model is stored under it
    with pytest.raises(ValueError, match="a name is 1-250 characters") as artifact_error:
        mm.log_artifact(b"content", name=name)
    with pytest.raises(ValueError, match="a name is 1-250 characters") as model_error:
        mm.register_model({"weights": [1, 2]}, name)
    # Then both say the same thing, and nothing was written
    assert str(artifact_error.value).replace("artifact", "model", 1) == str(model_error.value)
    assert mm.list_artifacts() == [] and mm.list_models() == []


@pytest.mark.parametrize(
    "name",
    ["data/train.csv", "models/v2/model.joblib", "...", "churn-clf", "é", "日本語",
     "👨\u200d👩\u200d👧", "a.b_c-d e", "x" * 250, "3"],
)
def test_path_like_and_unicode_names_are_accepted(name, reg):
    assert name_problem(name) is None and check_name(name) == name
    version = mm.log_artifact(b"content", name=name)
    assert mm.get_artifact(name).digest == version.digest
    assert mm.get_artifact(f"{name}:v1").version == 1


def test_use_artifact_of_a_bad_dot_name_never_replaces_the_cache_folder(reg, tmp_path):
    # Given a folder logged by a relative path such as ".." (its name is the folder's)
    folder = tmp_path / "work" / "sub"
    folder.mkdir(parents=True)
    (folder.parent / "f.txt").write_text("1")
    version = mm.log_artifact(folder / "..", name="work")
    # When it is used, the copy is a folder inside the cache, named after the folder
    path = mm.use_artifact("work")
    assert path.name == "work" and (path / "f.txt").read_text() == "1"
    assert (reg.root / "cache").is_dir() and version.version == 1


def _legacy(reg, name, digest_of):
    """Store an artifact the way an older mm-jupyter did: no name check."""
    with reg.write() as conn:
        cur = conn.execute(
            "INSERT INTO artifacts (name, kind, description, tags, created_at, change_seq)"
            " VALUES (?, 'file', NULL, '{}', '2024-01-01T00:00:00Z', 1)", (name,)
        )
        conn.execute(
            "INSERT INTO artifact_versions (artifact_id, version, digest, size, media_type,"
            " format, is_dir, file_name, metadata, run_id, created_at)"
            " VALUES (?, 1, ?, 7, 'application/octet-stream', 'bytes', 0, ?, '{}', NULL,"
            " '2024-01-01T00:00:00Z')",
            (cur.lastrowid, digest_of.digest, ".."),
        )


def test_old_names_that_break_the_rule_stay_readable(reg):
    # Given names stored before the rule (one of them shadowing a real reference)
    content = mm.log_artifact(b"content", name="thing")
    for version in range(2, 4):
        mm.log_artifact(f"thing v{version}".encode(), name="thing")
    for name in ("thing:3", "old@prod", " spaced ", "dots"):
        _legacy(reg, name, content)
    # Then each is readable by its exact name, or name:vN
    assert mm.get_artifact("old@prod").name == "old@prod"
    assert mm.get_artifact(" spaced ").name == " spaced "
    assert mm.get_artifact(" spaced :v1").name == " spaced "
    assert mm.get_artifact("thing:3:v1").name == "thing:3"
    assert mm.use_artifact("dots").read_bytes() == b"content"  # file name ".." is not used
    # and a reference that names two versions is refused, saying which two
    with pytest.raises(ConflictError, match=r"ambiguous.*version 3 of artifact 'thing'"):
        mm.use_artifact("thing:3")
    assert mm.get_artifact("thing:v3").name == "thing"
    with pytest.raises(NotFoundError):
        mm.get_artifact("lone\udc80")


def test_a_model_name_held_by_a_dataset_says_what_clashes_and_writes_nothing(reg):
    # Given a dataset artifact named X
    mm.log_artifact(b"rows", name="X", kind="dataset")
    blobs = sorted(p.name for p in (reg.root / "blobs").rglob("*") if p.is_file())
    # When a model is registered as X
    with pytest.raises(ValueError) as error:
        mm.register_model({"weights": [1]}, "X")
    # Then the message names the clash and why, and nothing was stored
    message = str(error.value)
    assert "cannot register model 'X'" in message and "is a dataset" in message
    assert "share one namespace" in message
    assert sorted(p.name for p in (reg.root / "blobs").rglob("*") if p.is_file()) == blobs
    assert mm.list_models() == []


def test_an_artifact_cannot_take_a_registered_models_name(reg):
    mm.register_model({"weights": [1]}, "clf")
    with pytest.raises(ValueError, match=r"'clf' is a registered model.*register_model"):
        mm.log_artifact(b"other", name="clf")
    assert mm.get_model("clf").version == 1
