"""Sizes and durations read the same in the CLI, the notebook and the sidebar."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mm_jupyter.core.units import format_bytes, format_duration
from mm_jupyter.display.artifacts import size_text
from mm_jupyter.display.runs import fmt_duration

# The same cases labextension/src/__tests__/format.test.ts checks formatBytes and
# formatDuration against.
CASES = json.loads((Path(__file__).parent / "data" / "units.json").read_text())


@pytest.mark.parametrize(("n", "text"), CASES["bytes"])
def test_sizes_are_si(n, text):
    assert format_bytes(n) == text
    assert size_text(n) == text  # the CLI's and the notebook's artifact tables


@pytest.mark.parametrize(("seconds", "text"), CASES["durations"])
def test_one_duration_format(seconds, text):
    assert format_duration(seconds) == text
    assert fmt_duration(seconds) == text  # run summaries, tables, the run output


def test_missing_durations_are_a_dash():
    assert fmt_duration(None) == "-" and format_duration(float("nan")) == "-"
