"""``ddgov quality check`` on a Parquet file, and bad rules exiting with status 2."""

# ruff: noqa: S608 - the tests write SQL over their own temporary files

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import duckdb
import pytest
from django.core.management import CommandError, call_command


@pytest.fixture
def parquet(tmp_path: Path) -> Path:
    path = tmp_path / "t.parquet"
    duckdb.sql(
        f"COPY (SELECT range + 1 AS _id, CASE WHEN range = 1 THEN NULL ELSE 'a' END AS name FROM range(5)) TO '{path}'"
    )
    return path


def test_check_prints_json_results(parquet: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - check: not_null\n    column: name\n", encoding="utf-8")
    out = StringIO()
    call_command(
        "quality", "check", str(parquet), "--rules", str(rules), "--format", "json", stdout=out
    )
    body = json.loads(out.getvalue())
    assert body["scores"] == {"completeness": 80.0}
    assert body["results"][0]["samples"] == [{"_id": 2, "name": None}]


def test_check_refuses_a_missing_column_with_status_2(parquet: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: [{check: not_null, column: ghost}, {check: nope}]", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("quality", "check", str(parquet), "--rules", str(rules))
    assert caught.value.returncode == 2
    assert "unknown check 'nope'" in str(caught.value)
    rules.write_text("rules: [{check: not_null, column: ghost}]", encoding="utf-8")
    with pytest.raises(CommandError, match="no column 'ghost'"):
        call_command("quality", "check", str(parquet), "--rules", str(rules))
