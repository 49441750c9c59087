"""``mm.compare_runs``: the same comparison as ``GET compare``, by ids or names."""

from __future__ import annotations

import pytest

import mm_jupyter as mm
from mm_jupyter.errors import NotFoundError
from mm_jupyter.services.runs.session import get_session


@pytest.fixture
def reg(registry_dir):
    get_session().reset_registry()
    yield mm.get_registry()
    get_session().reset_registry()


def test_compare_runs_by_name_and_prefix(reg):
    ids = []
    for name, lr in (("base", 0.1), ("tuned", 0.05), ("wide", 0.1)):
        with mm.track(name) as run:
            mm.log_params({"lr": lr, "depth": 5})
            for step, loss in enumerate((0.9, 0.5 * lr * 10)):
                mm.log_metric("val_loss", loss, step=step)
        ids.append(run.id)
    out = mm.compare_runs(["base", ids[1][:8], ids[2]])
    assert [r["id"] for r in out["runs"]] == ids
    assert out["differing_params"] == ["lr"]
    assert out["directions"]["val_loss"] == "min"
    assert [p["value"] for p in out["series"]["val_loss"][ids[1]]["points"]] == [0.9, 0.25]


def test_bad_lists_say_what_is_wrong(reg):
    with mm.track("only") as run:
        mm.log_metric("acc", 1.0)
    with pytest.raises(ValueError, match="compare takes 2 to 50 runs, not 1"):
        mm.compare_runs([run.id])
    with pytest.raises(ValueError, match="listed twice"):
        mm.compare_runs([run.id, "only"])  # two names of one run
    with pytest.raises(TypeError, match="list of runs"):
        mm.compare_runs(run.id)
    with pytest.raises(NotFoundError):
        mm.compare_runs([run.id, "nope"])
