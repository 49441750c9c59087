"""Metric directions: inferred from the key's words, overridden in the registry."""

from __future__ import annotations

import pytest

from mm_jupyter.core.directions import check_direction, infer_direction
from mm_jupyter.services.runs.directions import directions_for, list_directions, set_direction
from mm_jupyter.store.metric_directions import stored_directions


@pytest.mark.parametrize("key", [
    "loss", "val_loss", "train.loss", "test_rmse", "fit_time_s", "log_loss", "logloss",
    "mean_squared_error", "valLoss", "eval/mae", "latency_ms", "brier_score",
    "loss_train", "wer", "inference-time", "KL", "Error",
])
def test_lower_is_better_by_a_word_of_the_key(key):
    assert infer_direction(key) == "min"


@pytest.mark.parametrize("key", [
    "acc", "accuracy", "val_acc", "glossary", "f1", "r2", "auc", "timestamp_count",
    "neg_mean_squared_error", "error_reduction", "time_saved_s", "errand", "", "precision",
])
def test_higher_is_better_otherwise(key):
    assert infer_direction(key) == "max"


@pytest.mark.parametrize("bad", ["up", "MIN", "", 1, True, ["min"]])
def test_a_bad_direction_is_named(bad):
    with pytest.raises(ValueError, match="'min' \\(lower is better\\)") as info:
        check_direction(bad)
    assert repr(bad) in str(info.value)


def test_stored_override_wins_and_clearing_restores_the_name(registry):
    # Given a metric whose name says higher is better
    assert directions_for(registry, ["acc", "val_loss"]) == {"acc": "max", "val_loss": "min"}
    seq = registry.change_seq()

    # When the user says lower is better for it
    result = set_direction(registry, "acc", "min", user="alice")

    # Then the override is stored with who set it, and the change cursor moved
    assert result == {"key": "acc", "direction": "min", "source": "set", "changed": True}
    assert directions_for(registry, ["acc", "val_loss"]) == {"acc": "min", "val_loss": "min"}
    assert registry.change_seq() > seq
    [row] = [r for r in list_directions(registry, ["val_loss"]) if r["key"] == "acc"]
    assert row["set_by"] == "alice" and row["set_at"].endswith("Z")
    assert set_direction(registry, "acc", "min", user="bob")["changed"] is False

    # When it is cleared, the name decides again
    cleared = set_direction(registry, "acc", None, user="alice")
    assert cleared == {"key": "acc", "direction": "max", "source": "inferred", "changed": True}
    assert stored_directions(registry) == {}
    assert [r["source"] for r in list_directions(registry, ["acc"])] == ["inferred"]


def test_many_keys_are_answered_in_chunks(registry):
    keys = [f"m{i}_loss" for i in range(1200)]
    set_direction(registry, "m1199_loss", "max", user=None)
    got = directions_for(registry, keys)
    assert len(got) == 1200 and got["m0_loss"] == "min" and got["m1199_loss"] == "max"


@pytest.mark.parametrize("key, message", [
    ("", "non-empty string"), ("  ", "non-empty string"), (3, "non-empty string"),
    ("x" * 251, "251 characters"), ("a\ud800", "lone surrogate"),
])
def test_a_bad_key_is_refused(registry, key, message):
    with pytest.raises(ValueError, match=message):
        set_direction(registry, key, "min")
