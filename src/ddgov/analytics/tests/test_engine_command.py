"""``ddgov engine info``: what is configured, in text and JSON, and ``--check`` on Spark."""

from __future__ import annotations

import io
import json

import duckdb
import pytest
from django.core.management import call_command

from ddgov.analytics.engine import engine_get


def _info(*args: str) -> str:
    out = io.StringIO()
    call_command("engine", "info", *args, stdout=out)
    return out.getvalue()


def test_text_output_names_the_engine_limits_and_versions(settings) -> None:
    settings.DDGOV_ENGINE = "duckdb"
    settings.DDGOV_SANDBOX_TIMEOUT_S = 7.5
    settings.DDGOV_SANDBOX_MAX_ROWS = 1234
    settings.DDGOV_SPARK_MASTER = "spark://cluster.example:7077"
    text = _info()
    assert "default engine: duckdb" in text
    assert "timeout 7.5 s" in text
    assert "max rows 1234" in text
    assert f"duckdb: version {duckdb.__version__}" in text
    assert "master spark://cluster.example:7077" in text


def test_json_output_is_machine_readable_and_starts_no_jvm(settings) -> None:
    settings.DDGOV_ENGINE = "spark"
    settings.DDGOV_SPARK_DRIVER_MEMORY = "3g"
    spark = engine_get(name="spark")
    was_running = spark.started  # type: ignore[attr-defined]
    info = json.loads(_info("--format", "json"))
    assert info["default"] == "spark"
    assert info["engines"]["spark"]["driver_memory"] == "3g"
    assert info["engines"]["spark"]["session_time_zone"] == "Asia/Bangkok"
    assert set(info["limits"]) == {"timeout_s", "memory_mb", "threads", "max_rows", "max_temp_mb"}
    assert "check" not in info["engines"]["spark"]
    assert spark.started == was_running  # type: ignore[attr-defined]


@pytest.mark.spark
def test_check_starts_spark_and_runs_select_1() -> None:
    info = json.loads(_info("--format", "json", "--check"))
    check = info["engines"]["spark"]["check"]
    assert check["ok"] is True
    assert check["spark_version"].startswith("4.")
    assert info["engines"]["spark"]["running"] is True
