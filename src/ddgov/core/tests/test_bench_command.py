"""``ddgov bench``: the stable way to run the benchmarks (issue #3 names ``ddgov bench catalog``)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from ddgov.core.management.commands.bench import CHECKOUT


def test_list_names_every_catalog_benchmark() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ddgov", "bench", "--list"],
        capture_output=True,
        text=True,
        check=True,
        cwd=CHECKOUT,
    )
    names = result.stdout.split()
    for expected in ("catalog-ingest", "catalog-datastore", "catalog-search"):
        assert expected in names


def test_groups_expand_to_their_members() -> None:
    sys.path.insert(0, str(CHECKOUT))
    try:
        from bench.__main__ import select
    finally:
        sys.path.remove(str(CHECKOUT))
    catalog = select(["catalog"])
    assert catalog is not None
    assert "catalog-search" in catalog
    assert all(name.startswith("catalog-") for name in catalog)
    assert select(["no-such-bench"]) is None


def test_an_unknown_benchmark_fails_with_a_bilingual_error() -> None:
    with pytest.raises(CommandError, match="การวัดประสิทธิภาพล้มเหลว"):
        call_command("bench", "no-such-bench")
