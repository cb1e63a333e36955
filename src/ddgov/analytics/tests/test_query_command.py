"""``ddgov query``: the stable command outside checks use (JSON/CSV output, rights, exit codes)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ddgov.analytics.management.commands.query import csv_value, json_text
from ddgov.analytics.tests.access_support import SMALL_PROVINCE, World, build_world
from ddgov.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def ddgov_query(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("query", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_output_is_exactly_columns_and_rows(world: World) -> None:
    out, _err = ddgov_query(
        "--user",
        "farm.steward",
        "--sql",
        "SELECT province, year, area_rai, NULL AS nothing, DATE '2024-01-31' AS day"
        ' FROM "crop-stats"."by-province" WHERE _id <= 2 ORDER BY _id',
    )
    assert out.endswith("\n")
    assert out.count("\n") == 1
    data = json.loads(out, parse_float=Decimal)
    assert list(data) == ["columns", "rows"]
    assert data["columns"] == ["province", "year", "area_rai", "nothing", "day"]
    assert data["rows"] == [
        ["เชียงใหม่", 2560, Decimal("1000.5"), None, "2024-01-31"],
        ["ขอนแก่น", 2560, Decimal("1037.5"), None, "2024-01-31"],
    ]
    assert "เชียงใหม่" in out  # UTF-8, not \u escapes
    assert '1000.5, null, "2024-01-31"' in out  # decimals are JSON numbers


def test_csv_output_has_a_header(world: World) -> None:
    out, _err = ddgov_query(
        "--user",
        "outsider",
        "--format",
        "csv",
        "--sql",
        'SELECT province, area_rai, NULL AS nothing FROM "crop-stats"."by-province" WHERE _id = 1',
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [["province", "area_rai", "nothing"], ["เชียงใหม่", "1000.5", ""]]


def test_runs_with_the_users_rights(world: World) -> None:
    sql = (
        "SELECT province, count(*) AS n FROM farmers.households GROUP BY province ORDER BY province"
    )
    out, _err = ddgov_query("--user", "farm.viewer", "--sql", sql)
    viewer = json.loads(out)["rows"]
    assert SMALL_PROVINCE not in [row[0] for row in viewer]  # below the minimum group
    out, _err = ddgov_query("--user", "farm.steward", "--sql", sql)
    steward = json.loads(out)["rows"]
    assert [SMALL_PROVINCE, 3] in steward
    record = AuditRecord.objects.filter(action="analytics.query").latest("seq")
    assert record.actor_label == "farm.steward"
    assert record.detail["channel"] == "cli"


def test_refusal_is_a_bilingual_error_with_exit_1(world: World) -> None:
    with pytest.raises(CommandError) as caught:
        ddgov_query("--user", "farm.viewer", "--sql", "SELECT\n  name FROM farmers.households")
    assert caught.value.returncode == 1
    message = str(caught.value)
    assert "aggregate" in message
    assert "ข้อมูลส่วนบุคคล" in message
    assert "line 2, column 3" in message
    with pytest.raises(CommandError) as caught:
        ddgov_query("--user", "outsider", "--sql", "SELECT count(*) FROM farmers.households")
    assert caught.value.returncode == 1
    assert "Unknown table" in str(caught.value)


def test_bad_arguments_exit_2(world: World) -> None:
    with pytest.raises(CommandError) as caught:
        ddgov_query("--user", "nobody", "--sql", "SELECT 1")
    assert caught.value.returncode == 2
    assert "nobody" in str(caught.value)
    with pytest.raises(CommandError) as caught:
        ddgov_query("--user", "farm.steward", "--sql", "SELECT 1", "--max-rows", "0")
    assert caught.value.returncode == 2


def test_max_rows_caps_the_output(world: World) -> None:
    out, err = ddgov_query(
        "--user",
        "farm.steward",
        "--max-rows",
        "3",
        "--sql",
        "SELECT _id FROM farmers.households ORDER BY 1",
    )
    assert json.loads(out)["rows"] == [[1], [2], [3]]
    assert "3" in err


def test_sql_from_stdin(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.StringIO('SELECT count(*) AS n FROM "crop-stats"."by-province"')
    )
    out, _err = ddgov_query("--user", "outsider", "--sql", "-")
    assert json.loads(out) == {"columns": ["n"], "rows": [[12]]}


def test_value_rendering() -> None:
    assert json_text(Decimal("12.50")) == "12.5"
    assert json_text(Decimal("-0.00")) == "0"
    assert json_text(Decimal("1E+3")) == "1000"
    assert json_text(Decimal("12345678901234567890.123456789")) == "12345678901234567890.123456789"
    assert json_text(float("nan")) == "null"
    assert json_text([1, None, {"a": Decimal("1.0")}]) == '[1, null, {"a": 1}]'
    assert csv_value(True) == "true"
    assert csv_value([1, 2]) == "[1, 2]"


def test_the_installed_command_refuses_a_bad_format_with_exit_2() -> None:
    ddgov = Path(sys.executable).parent / "ddgov"
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [str(ddgov), "query", "--user", "x", "--sql", "SELECT 1", "--format", "xml"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "invalid choice" in done.stderr


@pytest.mark.spark
def test_spark_engine_gives_the_same_json(world: World, settings) -> None:
    settings.DDGOV_SANDBOX_TIMEOUT_S = 300  # local Spark on a shared two-core machine is slow
    sql = (
        "SELECT province, count(*) AS n, sum(income) AS total FROM farmers.households"
        " GROUP BY province ORDER BY province"
    )
    duck, _err = ddgov_query("--user", "farm.viewer", "--engine", "duckdb", "--sql", sql)
    spark, _err = ddgov_query("--user", "farm.viewer", "--engine", "spark", "--sql", sql)
    assert json.loads(spark) == json.loads(duck)
    assert SMALL_PROVINCE not in duck
