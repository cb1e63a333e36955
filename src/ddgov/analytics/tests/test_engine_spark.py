"""The same pipeline on DuckDB and on Spark (local mode) gives the same results.

Marked ``spark``: each test process starts one JVM (~10 s). Skip locally with ``--no-spark`` or
``DDGOV_SKIP_SPARK=1``; CI always runs them.
"""

# ruff: noqa: S608, S108 - hostile SQL and /tmp targets are the point of these tests

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from pyspark import SparkContext

from ddgov.analytics.engine import TableSource, engine_get, spark_engine
from ddgov.analytics.tests.test_engine_duckdb import write_table
from ddgov.lake.sandbox import SandboxError, SandboxLimits
from ddgov.lake.storage import lake_root

pytestmark = pytest.mark.spark

LIMITS = SandboxLimits(timeout_s=120, memory_mb=512, threads=2, max_rows=10_000, max_temp_mb=512)

HOUSEHOLDS_SQL = """
SELECT range + 1 AS _id,
       printf('H%05d', range) AS household_id,
       printf('%013d', 3100000000000 + range * 7) AS citizen_id,
       (['เชียงใหม่', 'ขอนแก่น', 'ภูเก็ต', 'นครราชสีมา'])[range % 4 + 1] AS province,
       DATE '2023-01-15' + (range * 11)::INT AS registered,
       CASE WHEN range % 6 = 0 THEN NULL ELSE (10000 + range * 137.35)::DECIMAL(12, 2) END AS income,
       (range % 5 + 1)::INTEGER AS members
FROM range(120)
"""

PLOTS_SQL = """
SELECT range + 1 AS _id,
       printf('P%06d', range) AS plot_id,
       printf('H%05d', range % 110) AS household_id,
       (['ข้าวนาปี', 'มันสำปะหลัง', 'อ้อยโรงงาน', 'ยางพารา', 'ทุเรียน'])[range % 5 + 1] AS crop,
       (2560 + range % 4)::INTEGER AS crop_year,
       ((range % 17) * 1.25 + 1)::DECIMAL(10, 2) AS area_rai,
       CASE WHEN range % 9 = 0 THEN NULL ELSE (range % 23) * 41.5 END AS yield_kg
FROM range(400)
"""

STEP_1 = """
WITH ranked AS (
    SELECT household_id, plot_id, crop, crop_year, area_rai, yield_kg,
           row_number() OVER (PARTITION BY household_id ORDER BY area_rai DESC, plot_id) AS plot_rank,
           sum(area_rai) OVER (PARTITION BY household_id) AS household_rai
    FROM plots
)
SELECT h.household_id, h.citizen_id, h.province, h.registered,
       year(h.registered) AS registered_year,
       date_trunc('month', h.registered) AS registered_month,
       h.registered + INTERVAL 30 DAY AS review_due,
       h.income, h.members, r.plot_id, r.crop, r.crop_year, r.area_rai, r.yield_kg,
       r.plot_rank, r.household_rai,
       'จ.' || h.province || ' / ' || r.crop AS label,
       coalesce(r.yield_kg, 0) / r.area_rai AS yield_per_rai
FROM households AS h
JOIN ranked AS r ON r.household_id = h.household_id
LEFT JOIN (SELECT household_id FROM households WHERE members > 4) AS big
    ON big.household_id = h.household_id
WHERE big.household_id IS NULL OR h.income IS NOT NULL
"""

STEP_2 = """
WITH by_group AS (
    SELECT province, crop,
           count(*) AS plots,
           count(DISTINCT household_id) AS households,
           count(citizen_id) AS citizen_ids_seen,
           sum(area_rai) AS area_rai,
           round(avg(yield_kg), 4) AS avg_yield,
           count(*) FILTER (WHERE yield_kg IS NULL) AS yield_missing,
           sum(income) AS income,
           min(registered) AS first_registered,
           max(registered_month) AS last_month,
           max(label) AS label,
           sum(CASE WHEN plot_rank = 1 THEN 1 ELSE 0 END) AS main_plots,
           round(sum(yield_per_rai), 6) AS yield_per_rai
    FROM step1
    GROUP BY province, crop
)
SELECT *,
       rank() OVER (PARTITION BY province ORDER BY area_rai DESC, crop) AS area_rank,
       sum(plots) OVER (PARTITION BY province ORDER BY crop
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_plots,
       lag(crop) OVER (PARTITION BY province ORDER BY crop) AS previous_crop
FROM by_group
ORDER BY province, crop
"""


@pytest.fixture
def sources() -> dict[str, TableSource]:
    root = lake_root() / "tables"
    households = write_table(root / "households.parquet", HOUSEHOLDS_SQL)
    plots = write_table(root / "plots.parquet", PLOTS_SQL)
    return {
        "households": TableSource(households, masked=frozenset({"citizen_id"})),
        "plots": TableSource(plots),
    }


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-9)
    return bool(left == right) and type(left) is type(right)


def _assert_same_rows(first: list[tuple[Any, ...]], second: list[tuple[Any, ...]]) -> None:
    assert len(first) == len(second)
    for row_a, row_b in zip(first, second, strict=True):
        assert len(row_a) == len(row_b)
        for a, b in zip(row_a, row_b, strict=True):
            assert _same(a, b), (row_a, row_b)


def _pipeline(name: str, sources: dict[str, TableSource]) -> tuple[Path, Any]:
    engine = engine_get(name=name)
    step1 = lake_root() / "tables" / f"step1-{name}.parquet"
    written = engine.write_parquet(sql=STEP_1, tables=sources, target=step1, limits=LIMITS)
    assert written == pq.ParquetFile(step1).metadata.num_rows
    result = engine.execute(sql=STEP_2, tables={"step1": TableSource(step1)}, limits=LIMITS)
    assert result.engine == name
    return step1, result


def test_the_same_pipeline_gives_the_same_results_on_both_engines(sources) -> None:
    duck_step1, duck = _pipeline("duckdb", sources)
    spark_step1, spark = _pipeline("spark", sources)

    # step 1 (trusted writes): same schema and the same rows, masked column all NULL
    duck_table, spark_table = pq.read_table(duck_step1), pq.read_table(spark_step1)
    assert duck_table.column_names == spark_table.column_names
    con = duckdb.connect()
    try:
        schemas = [
            con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
            for path in (duck_step1, spark_step1)
        ]
        assert [row[:2] for row in schemas[0]] == [row[:2] for row in schemas[1]]
        ordered = "SELECT * FROM '{}' ORDER BY plot_id"
        _assert_same_rows(
            con.execute(ordered.format(duck_step1)).fetchall(),
            con.execute(ordered.format(spark_step1)).fetchall(),
        )
        assert con.execute(f"SELECT count(citizen_id) FROM '{spark_step1}'").fetchone() == (0,)
    finally:
        con.close()
    assert duck_table.num_rows > 300

    # step 2 (a query): same names, types and values, in the same order
    assert [(c.name, c.type) for c in duck.columns] == [(c.name, c.type) for c in spark.columns]
    _assert_same_rows(duck.rows, spark.rows)
    assert len(duck.rows) == 20
    assert {row[4] for row in spark.rows} == {0}  # citizen_id was masked on both engines
    assert spark.rows[0][0] == "ขอนแก่น"  # Thai text sorts the same way (by code point)


def test_masking_holds_on_spark(sources) -> None:
    spark = engine_get(name="spark")
    result = spark.execute(
        sql="SELECT citizen_id, province FROM households WHERE _id = 2",
        tables=sources,
        limits=LIMITS,
    )
    assert result.rows == [(None, "ขอนแก่น")]
    assert [c.type for c in result.columns] == ["VARCHAR", "VARCHAR"]
    found = spark.execute(
        sql="SELECT count(*) FROM households WHERE citizen_id = '3100000000014'",
        tables=sources,
        limits=LIMITS,
    )
    assert found.rows == [(0,)]


def test_spark_results_are_cut_at_max_rows(sources) -> None:
    limits = SandboxLimits(timeout_s=120, memory_mb=512, threads=2, max_rows=5, max_temp_mb=64)
    result = engine_get(name="spark").execute(
        sql="SELECT * FROM plots ORDER BY _id", tables=sources, limits=limits
    )
    assert [row[0] for row in result.rows] == [1, 2, 3, 4, 5]
    assert result.truncated is True


SLOW_SCAN = "SELECT sum(hash(range)) AS h FROM range(0, 100000000000)"
"""Long on both engines, and Spark's range scan stops as soon as its job is cancelled."""

SLOW_SQL = (
    "SELECT count(*) FROM plots a, plots b, plots c, plots d"
    " WHERE hash(a._id * 7 + b._id * 3 + c._id + d._id) = 42"
)
"""A cross join that multiplies one small input batch: Spark's cancel cannot reach its task."""


@pytest.mark.parametrize("name", ["duckdb", "spark"])
def test_a_query_over_the_time_limit_is_stopped_and_the_engine_stays_healthy(
    sources, name: str
) -> None:
    engine = engine_get(name=name)
    engine.execute(sql="SELECT 1", tables=sources, limits=LIMITS)  # warm (JVM start is not timed)
    limits = SandboxLimits(timeout_s=2, memory_mb=256, threads=1, max_rows=10, max_temp_mb=64)
    started = time.perf_counter()
    with pytest.raises(SandboxError) as caught:
        engine.execute(sql=SLOW_SCAN, tables=sources, limits=limits)
    assert caught.value.code == "timeout"
    assert "timed out after 2 s" in caught.value.message
    assert "คำสั่งใช้เวลาเกิน 2 วินาที" in caught.value.message
    assert time.perf_counter() - started < 30
    after = engine.execute(sql="SELECT count(*) AS n FROM plots", tables=sources, limits=LIMITS)
    assert after.rows == [(400,)]


HOSTILE = [
    ("SELECT * FROM read_csv('/etc/passwd')", "function"),
    ("SELECT * FROM '/etc/passwd'", "table"),
    ("SELECT * FROM parquet.`/etc/passwd`", "syntax"),
    ('SELECT * FROM "parquet"."/etc/hostname"', "table"),
    ("SELECT getenv('HOME')", "function"),
    ("COPY (SELECT 1) TO '/tmp/ddgov-engine-hostile.csv'", "statement"),
    ("ATTACH '/tmp/ddgov-engine-hostile.db' AS evil", "statement"),
    ("SET memory_limit = '64GB'", "statement"),
    ("SELECT 1; DROP TABLE plots", "statement"),
    ("SELECT * FROM households_secret", "table"),
    ("SELECT * FROM main.default.plots", "table"),
    ("SELECT reflect('java.lang.System', 'getenv', 'HOME')", "query"),
    ("SELECT java_method('java.lang.System', 'exit', 0)", "query"),
]


@pytest.mark.parametrize("name", ["duckdb", "spark"])
@pytest.mark.parametrize(("sql", "code"), HOSTILE)
def test_hostile_sql_is_refused_on_both_engines(sources, name: str, sql: str, code: str) -> None:
    engine = engine_get(name=name)
    with pytest.raises(SandboxError) as caught:
        engine.execute(sql=sql, tables=sources, limits=LIMITS)
    assert caught.value.code == code
    assert " / " in caught.value.message  # bilingual
    assert str(lake_root()) not in caught.value.message
    assert not Path("/tmp/ddgov-engine-hostile.csv").exists()


def test_spark_plan_names_tables_not_lake_paths(sources) -> None:
    plan = engine_get(name="spark").explain(
        sql="SELECT crop, sum(area_rai) FROM plots GROUP BY crop", tables=sources, limits=LIMITS
    )
    assert "HashAggregate" in plan
    assert str(lake_root()) not in plan


def test_spark_errors_are_query_errors_without_paths(sources) -> None:
    spark = engine_get(name="spark")
    with pytest.raises(SandboxError) as caught:
        spark.execute(sql="SELECT CAST(crop AS INTEGER) FROM plots", tables=sources, limits=LIMITS)
    assert caught.value.code == "query"
    assert str(lake_root()) not in caught.value.message
    # the binder (DuckDB) speaks first, so both engines name the same problem
    with pytest.raises(SandboxError) as caught:
        spark.execute(sql="SELECT no_such_column FROM plots", tables=sources, limits=LIMITS)
    assert "no_such_column" in caught.value.message


PORTABLE = [
    "SELECT x, x * 2 AS y FROM generate_series(1, 5) AS g(x) ORDER BY x",
    "SELECT * FROM range(10, 0, -3)",
    "SELECT count(*) AS n, sum(range) AS s FROM range(0)",
    "SELECT u FROM unnest([3, 1, 2]) AS t(u) ORDER BY u",
    "SELECT * EXCLUDE (area_rai, yield_kg) FROM plots ORDER BY _id LIMIT 3",
    (
        "SELECT crop, area_rai FROM plots QUALIFY row_number() OVER (PARTITION BY crop ORDER BY _id) = 1"
        " ORDER BY crop"
    ),
    (
        "SELECT median(area_rai) AS m, stddev_samp(yield_kg) AS s, approx_count_distinct(crop) AS c"
        " FROM plots"
    ),
    "SELECT yield_kg FROM plots ORDER BY yield_kg, _id LIMIT 3",
    "SELECT yield_kg FROM plots ORDER BY yield_kg DESC, _id LIMIT 3",
    (
        "SELECT strftime(registered, '%Y-%m') AS ym, length(province) AS l, upper(province) AS u,"
        " substr(province, 1, 3) AS s, province ILIKE '%แก่%' AS hit FROM households ORDER BY _id LIMIT 4"
    ),
    (
        "SELECT nullif(members, 3) AS m, coalesce(income, 0) AS i, greatest(members, 2) AS g"
        " FROM households ORDER BY _id LIMIT 6"
    ),
    "SELECT province, count(*) AS n FROM households GROUP BY ALL HAVING count(*) > 29 ORDER BY 1",
]


@pytest.mark.parametrize("sql", PORTABLE)
def test_portable_sql_gives_the_same_answer_on_both_engines(sources, sql: str) -> None:
    duck = engine_get(name="duckdb").execute(sql=sql, tables=sources, limits=LIMITS)
    spark = engine_get(name="spark").execute(sql=sql, tables=sources, limits=LIMITS)
    assert [(c.name, c.type) for c in duck.columns] == [(c.name, c.type) for c in spark.columns]
    _assert_same_rows(duck.rows, spark.rows)
    assert duck.rows or "range(0)" in sql


def test_a_local_jvm_whose_cancelled_tasks_keep_running_is_replaced(sources, monkeypatch) -> None:
    """A cross join inside one input batch ignores Spark's cancel; the JVM is restarted instead."""
    monkeypatch.setattr(spark_engine, "REAP_GRACE_S", 1.0)
    spark = engine_get(name="spark")
    spark.execute(sql="SELECT 1", tables=sources, limits=LIMITS)
    old_root = spark._root  # type: ignore[attr-defined]
    process = SparkContext._gateway.proc  # type: ignore[union-attr]
    limits = SandboxLimits(timeout_s=3, memory_mb=256, threads=1, max_rows=10, max_temp_mb=64)
    with pytest.raises(SandboxError) as caught:
        spark.execute(sql=SLOW_SQL, tables=sources, limits=limits)
    assert caught.value.code == "timeout"
    deadline = time.monotonic() + 60
    while spark._root is old_root and time.monotonic() < deadline:  # type: ignore[attr-defined]
        time.sleep(0.5)
    assert spark._root is not old_root  # type: ignore[attr-defined]
    assert process.poll() is not None  # the old JVM (and its runaway task) is gone
    after = spark.execute(sql="SELECT count(*) FROM plots", tables=sources, limits=LIMITS)
    assert after.rows == [(400,)]


def test_odd_column_names_and_masks_match_on_both_engines() -> None:
    path = write_table(
        lake_root() / "tables" / "odd.parquet",
        'SELECT range AS "รหัส ประชาชน", range * 2 AS "a`b", \'x\' || range AS "Mixed Case"'
        " FROM range(4)",
    )
    tables = {"t1": TableSource(path, masked=frozenset({"รหัส ประชาชน"}))}
    sql = 'SELECT *, "a`b" + 1 AS next FROM t1 ORDER BY "Mixed Case"'
    duck = engine_get(name="duckdb").execute(sql=sql, tables=tables, limits=LIMITS)
    spark = engine_get(name="spark").execute(sql=sql, tables=tables, limits=LIMITS)
    assert [c.name for c in spark.columns] == ["รหัส ประชาชน", "a`b", "Mixed Case", "next"]
    assert [(c.name, c.type) for c in duck.columns] == [(c.name, c.type) for c in spark.columns]
    _assert_same_rows(duck.rows, spark.rows)
    assert {row[0] for row in spark.rows} == {None}
