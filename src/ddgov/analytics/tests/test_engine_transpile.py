"""DuckDB SQL for Spark: the second policy check, the rewrites and the type names (no JVM)."""

from __future__ import annotations

import pytest
from pyspark.sql import types as t

from ddgov.analytics.engine.spark_engine import (
    _first_lines,
    reported_type,
    spark_cast_target,
    spark_type_name,
)
from ddgov.analytics.engine.transpile import sql_to_spark
from ddgov.lake.sandbox import SandboxError


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT reflect('java.lang.Runtime', 'getRuntime')",
        "SELECT java_method('java.lang.System', 'exit', 0)",
        "SELECT try_reflect('java.lang.System', 'getenv', 'HOME')",
        "SELECT xpath_string('<a/>', '/a')",
        "SELECT from_xml('<a>1</a>', 'a INT')",
        "SELECT input_file_name() FROM t1",
        "SELECT current_user()",
        "SELECT identifier('t1') FROM t1",
        "SELECT a FROM t1 WHERE a IN (SELECT reflect('x', 'y'))",
    ],
)
def test_spark_only_dangers_are_refused(sql: str) -> None:
    with pytest.raises(SandboxError) as caught:
        sql_to_spark(sql=sql)
    assert caught.value.code == "function"
    assert "Spark" in caught.value.message
    assert "ไม่อนุญาต" in caught.value.message


def test_ordinary_sql_is_rewritten_for_spark() -> None:
    spark = sql_to_spark(
        sql='SELECT "ชื่อ จังหวัด", count(DISTINCT a) AS n FROM t1 GROUP BY ALL ORDER BY n DESC, 1'
    )
    assert "`ชื่อ จังหวัด`" in spark
    assert "ORDER BY n DESC, 1 NULLS LAST" in spark  # DuckDB sorts NULLs last, Spark first


def test_avg_is_computed_in_double_as_duckdb_does() -> None:
    spark = sql_to_spark(sql="SELECT avg(x), avg(DISTINCT y) FROM t1")
    assert "AVG(CAST(x AS DOUBLE))" in spark
    assert "AVG(DISTINCT CAST(y AS DOUBLE))" in spark


def test_table_functions_stay_within_the_allowed_ones() -> None:
    assert "FROM RANGE(1, 3 + 1)" in sql_to_spark(sql="SELECT * FROM generate_series(1, 3)")
    with pytest.raises(SandboxError):
        sql_to_spark(sql="SELECT * FROM t1 JOIN sql_keywords() ON true")


@pytest.mark.parametrize(
    ("spark_type", "name"),
    [
        (t.LongType(), "BIGINT"),
        (t.IntegerType(), "INTEGER"),
        (t.DoubleType(), "DOUBLE"),
        (t.StringType(), "VARCHAR"),
        (t.DecimalType(12, 2), "DECIMAL(12,2)"),
        (t.DateType(), "DATE"),
        (t.TimestampNTZType(), "TIMESTAMP"),
        (t.TimestampType(), "TIMESTAMP WITH TIME ZONE"),
        (t.BooleanType(), "BOOLEAN"),
        (t.ArrayType(t.StringType()), "VARCHAR[]"),
        (t.MapType(t.StringType(), t.LongType()), "MAP(VARCHAR, BIGINT)"),
        (t.StructType([t.StructField("a", t.IntegerType())]), 'STRUCT("a" INTEGER)'),
    ],
)
def test_spark_types_get_duckdb_names(spark_type: t.DataType, name: str) -> None:
    assert spark_type_name(spark_type) == name


def test_cast_targets_and_reported_types() -> None:
    assert spark_cast_target("DECIMAL(38,2)") == "decimal(38,2)"
    assert spark_cast_target("TIMESTAMP") == "timestamp_ntz"
    assert spark_cast_target("VARCHAR[]") is None
    assert reported_type(spark_type="BIGINT", duckdb_type="HUGEINT") == "HUGEINT"
    assert reported_type(spark_type="DOUBLE", duckdb_type="HUGEINT") == "DOUBLE"
    assert reported_type(spark_type="BIGINT", duckdb_type=None) == "BIGINT"


def test_spark_error_text_keeps_the_message_not_the_stack() -> None:
    text = (
        "org.apache.spark.sql.AnalysisException: [DIVIDE_BY_ZERO] Division by zero.\n"
        "== SQL (line 1, position 8) ==\nSELECT 1/0\n\tat org.apache.spark.Foo(Foo.scala:1)"
    )
    assert _first_lines(text) == "[DIVIDE_BY_ZERO] Division by zero."


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM range(3)", "(SELECT id AS `range` FROM RANGE(0, 3)) AS `range`"),
        ("SELECT * FROM range(10, 0, -3)", "FROM RANGE(10, 0, -3)"),
        (
            "SELECT x FROM generate_series(1, 3) AS g(x)",
            "(SELECT id AS `x` FROM RANGE(1, 3 + 1)) AS `g`",
        ),
        ("SELECT * FROM generate_series(5, 1, -2)", "FROM RANGE(5, 1 - 1, -2)"),
    ],
)
def test_series_in_from_keep_duckdb_names_and_ends(sql: str, expected: str) -> None:
    assert expected in sql_to_spark(sql=sql)
