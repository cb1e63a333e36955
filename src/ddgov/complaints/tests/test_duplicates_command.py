"""``ddgov complaints duplicates-evaluate``: figures from the committed labelled pairs."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ddgov.complaints.duplicates.services import duplicates_evaluate


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("complaints", "duplicates-evaluate", *args, stdout=out)
    return out.getvalue()


def test_prints_the_same_figures_as_the_function() -> None:
    expected = duplicates_evaluate(threshold=0.6)
    text = run("--threshold", "0.6")
    line = re.search(
        r"threshold 0\.60: precision ([0-9.]+)\s+recall ([0-9.]+)\s+F1 ([0-9.]+)", text
    )
    assert line, text
    assert float(line.group(1)) == pytest.approx(expected.overall.precision, abs=5e-4)
    assert float(line.group(2)) == pytest.approx(expected.overall.recall, abs=5e-4)


def test_threshold_out_of_range_is_refused() -> None:
    with pytest.raises(CommandError, match="between 0 and 1"):
        run("--threshold", "1.5")
