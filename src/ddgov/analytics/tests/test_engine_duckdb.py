"""The engine layer on DuckDB: the contract, column masking, plans, trusted writes and limits."""

from __future__ import annotations

import decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from ddgov.analytics.engine import (
    EngineResult,
    TableSource,
    engine_get,
    engine_info,
    engine_names,
)
from ddgov.lake import sandbox
from ddgov.lake.sandbox import SandboxError, SandboxLimits, sandbox_describe, sandbox_reset
from ddgov.lake.storage import lake_root, tmp_dir

LIMITS = SandboxLimits(timeout_s=20, memory_mb=256, threads=1, max_rows=1000, max_temp_mb=256)


def write_table(path: Path, select_sql: str) -> Path:
    """Write ``select_sql``'s result as Parquet (the way ingest stores lake tables)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"COPY ({select_sql}) TO '{path}' (FORMAT parquet)")
    finally:
        con.close()
    return path


PEOPLE_SQL = (
    "SELECT range + 1 AS _id, printf('%013d', 1100000000000 + range) AS citizen_id,"
    " (['สมชาย', 'สมหญิง', 'บุญมี'])[range % 3 + 1] || ' ' || range AS name,"
    " (['เชียงใหม่', 'ขอนแก่น', 'ภูเก็ต'])[range % 3 + 1] AS province,"
    " CASE WHEN range % 5 = 0 THEN NULL ELSE (range * 1000.25)::DECIMAL(12, 2) END AS income,"
    " DATE '2023-01-01' + range::INT AS registered FROM range(30)"
)


@pytest.fixture(autouse=True)
def _empty_pool():
    sandbox_reset()
    yield
    sandbox_reset()


@pytest.fixture
def people() -> Path:
    return write_table(lake_root() / "tables" / "people" / "v1.parquet", PEOPLE_SQL)


@pytest.fixture
def duck():
    return engine_get(name="duckdb")


def test_engine_registry_names_and_unknown_engine(settings) -> None:
    assert engine_names() == ("duckdb", "spark")
    settings.DDGOV_ENGINE = "duckdb"
    assert engine_get().name == "duckdb"
    assert engine_get(name="DuckDB") is engine_get(name="duckdb")
    with pytest.raises(SandboxError) as caught:
        engine_get(name="presto")
    assert caught.value.code == "engine"
    assert "presto" in caught.value.message
    assert "ไม่รู้จักเอนจิน" in caught.value.message


def test_engine_info_describes_both_engines_without_starting_spark(settings) -> None:
    settings.DDGOV_ENGINE = "spark"
    settings.DDGOV_SPARK_MASTER = "local[1]"
    settings.DDGOV_SANDBOX_MEMORY_MB = 333
    info = engine_info()
    assert info["default"] == "spark"
    assert info["limits"]["memory_mb"] == 333
    assert info["engines"]["duckdb"]["version"] == duckdb.__version__
    assert info["engines"]["spark"]["master"] == "local[1]"
    assert info["engines"]["spark"]["pyspark_version"]


def test_execute_returns_typed_rows(duck, people: Path) -> None:
    result = duck.execute(
        sql="SELECT province, count(*) AS n, sum(income) AS total FROM t1"
        " GROUP BY province ORDER BY province",
        tables={"t1": TableSource(path=people)},
        limits=LIMITS,
    )
    assert isinstance(result, EngineResult)
    assert result.engine == "duckdb"
    assert [c.name for c in result.columns] == ["province", "n", "total"]
    assert [c.type for c in result.columns] == ["VARCHAR", "BIGINT", "DECIMAL(38,2)"]
    assert result.rows[0] == ("ขอนแก่น", 10, decimal.Decimal("110027.50"))
    assert result.truncated is False


def test_masked_columns_are_typed_nulls_everywhere(duck, people: Path) -> None:
    tables = {"t1": TableSource(path=people, masked=frozenset({"CITIZEN_ID", "income"}))}
    result = duck.execute(
        sql="SELECT citizen_id, income, province FROM t1 ORDER BY _id LIMIT 2",
        tables=tables,
        limits=LIMITS,
    )
    assert result.rows == [(None, None, "เชียงใหม่"), (None, None, "ขอนแก่น")]
    assert [c.type for c in result.columns] == ["VARCHAR", "DECIMAL(12,2)", "VARCHAR"]
    # filters, joins and aggregates see only NULL, so they single nobody out
    found = duck.execute(
        sql="SELECT count(*) FROM t1 WHERE citizen_id = '1100000000003'",
        tables=tables,
        limits=LIMITS,
    )
    assert found.rows == [(0,)]
    agg = duck.execute(
        sql="SELECT count(citizen_id), max(income), count(DISTINCT name) FROM t1",
        tables=tables,
        limits=LIMITS,
    )
    assert agg.rows == [(0, None, 30)]
    star = duck.execute(sql="SELECT * FROM t1 WHERE _id = 4", tables=tables, limits=LIMITS)
    assert [c.name for c in star.columns][:3] == ["_id", "citizen_id", "name"]
    assert star.rows[0][1] is None


def test_unmasked_and_masked_views_of_one_file_do_not_share_a_connection(duck, people) -> None:
    sql = "SELECT citizen_id FROM t1 WHERE _id = 2"
    masked = {"t1": TableSource(path=people, masked=frozenset({"citizen_id"}))}
    assert duck.execute(sql=sql, tables=masked, limits=LIMITS).rows == [(None,)]
    full = {"t1": TableSource(path=people)}
    assert duck.execute(sql=sql, tables=full, limits=LIMITS).rows == [("1100000000001",)]
    assert duck.execute(sql=sql, tables=masked, limits=LIMITS).rows == [(None,)]
    assert len(sandbox._pool) == 2


def test_masking_a_column_the_file_lacks_changes_nothing(duck, people: Path) -> None:
    tables = {"t1": TableSource(path=people, masked=frozenset({"no_such_column"}))}
    result = duck.execute(sql="SELECT count(*) FROM t1", tables=tables, limits=LIMITS)
    assert result.rows == [(30,)]


def test_max_rows_truncates(duck, people: Path) -> None:
    limits = SandboxLimits(timeout_s=20, memory_mb=256, threads=1, max_rows=7, max_temp_mb=64)
    result = duck.execute(sql="SELECT * FROM t1", tables={"t1": TableSource(people)}, limits=limits)
    assert len(result.rows) == 7
    assert result.truncated is True


def test_table_names_must_be_flat_and_known(duck, people: Path) -> None:
    with pytest.raises(SandboxError) as caught:
        duck.execute(sql="SELECT 1", tables={"a.b": TableSource(people)}, limits=LIMITS)
    assert caught.value.code == "table"
    with pytest.raises(SandboxError) as caught:
        duck.execute(sql="SELECT * FROM t2", tables={"t1": TableSource(people)}, limits=LIMITS)
    assert caught.value.code == "table"
    assert "ไม่พบตาราง" in caught.value.message


def test_explain_returns_the_plan_without_lake_paths(duck, people: Path) -> None:
    plan = duck.explain(
        sql="SELECT province, sum(income) FROM t1 GROUP BY province -- a comment",
        tables={"t1": TableSource(people)},
        limits=LIMITS,
    )
    assert "READ_PARQUET" in plan.upper()
    assert "GROUP BY" in plan.upper()
    assert str(lake_root()) not in plan


def test_explain_is_refused_for_what_execute_refuses(duck, people: Path) -> None:
    for sql in ("DELETE FROM t1", "SELECT 1; SELECT 2", "SELECT * FROM read_csv('/etc/passwd')"):
        with pytest.raises(SandboxError):
            duck.explain(sql=sql, tables={"t1": TableSource(people)}, limits=LIMITS)


def test_sandbox_describe_binds_without_running(people: Path) -> None:
    columns = sandbox_describe(
        sql="SELECT province, avg(income), count(*) AS n FROM p GROUP BY ALL",
        tables={("main", "p"): TableSource(people, masked=frozenset({"income"}))},
        limits=SandboxLimits(timeout_s=0.001),
    )
    assert [(c.name, c.type) for c in columns] == [
        ("province", "VARCHAR"),
        ("avg(income)", "DOUBLE"),
        ("n", "BIGINT"),
    ]
    with pytest.raises(SandboxError) as caught:
        sandbox_describe(sql="SELECT nope FROM p", tables={("main", "p"): people})
    assert caught.value.code == "query"
    assert "nope" in caught.value.message


def test_write_parquet_writes_the_whole_result_atomically(duck, people: Path) -> None:
    target = lake_root() / "tables" / "out" / "v1.parquet"
    rows = duck.write_parquet(
        sql="SELECT province, citizen_id, count(*) AS n FROM t1 GROUP BY ALL -- trailing comment",
        tables={"t1": TableSource(people, masked=frozenset({"citizen_id"}))},
        target=target,
        limits=SandboxLimits(timeout_s=20, memory_mb=256, threads=1, max_rows=1, max_temp_mb=64),
    )
    assert rows == 3  # max_rows does not cut a pipeline output
    table = pq.read_table(target)
    assert table.num_rows == 3
    assert set(table.column("citizen_id").to_pylist()) == {None}
    assert sorted(table.column("n").to_pylist()) == [10, 10, 10]
    assert not [p for p in tmp_dir().iterdir() if p.name.startswith("engine-")]


def test_a_failed_write_leaves_no_file(duck, people: Path) -> None:
    target = lake_root() / "tables" / "out" / "broken.parquet"
    with pytest.raises(SandboxError) as caught:
        duck.write_parquet(
            sql="SELECT CAST(name AS INTEGER) FROM t1",
            tables={"t1": TableSource(people)},
            target=target,
            limits=LIMITS,
        )
    assert caught.value.code == "query"
    assert str(people) not in caught.value.message
    assert not target.exists()


def test_write_parquet_refuses_what_the_sandbox_refuses(duck, people: Path) -> None:
    target = lake_root() / "x.parquet"
    for sql in ("SELECT * FROM read_text('/etc/hostname')", "SELECT * FROM other"):
        with pytest.raises(SandboxError):
            duck.write_parquet(
                sql=sql, tables={"t1": TableSource(people)}, target=target, limits=LIMITS
            )
    assert not target.exists()


SLOW_SQL = "SELECT count(*) FROM t1 a, t1 b, t1 c WHERE hash(a._id * 7 + b._id * 3 + c._id) = 42"


def test_timeout_stops_the_query_and_the_next_one_runs(duck, people: Path) -> None:
    limits = SandboxLimits(timeout_s=0.5, memory_mb=256, threads=1, max_rows=10, max_temp_mb=64)
    tables = {"t1": TableSource(people)}
    big = write_table(
        lake_root() / "tables" / "big.parquet", "SELECT range AS _id FROM range(3000)"
    )
    with pytest.raises(SandboxError) as caught:
        duck.execute(sql=SLOW_SQL, tables={"t1": TableSource(big)}, limits=limits)
    assert caught.value.code == "timeout"
    assert "0.5 s" in caught.value.message
    assert "วินาที" in caught.value.message
    assert duck.execute(sql="SELECT count(*) FROM t1", tables=tables, limits=limits).rows == [(30,)]
    target = lake_root() / "slow.parquet"
    with pytest.raises(SandboxError) as caught:
        duck.write_parquet(
            sql=SLOW_SQL, tables={"t1": TableSource(big)}, target=target, limits=limits
        )
    assert caught.value.code == "timeout"
    assert not target.exists()


def test_memory_limit_is_reported_in_both_languages(duck, people: Path) -> None:
    limits = SandboxLimits(timeout_s=30, memory_mb=32, threads=1, max_rows=10, max_temp_mb=1)
    with pytest.raises(SandboxError) as caught:
        duck.execute(
            sql="SELECT a.range, md5(a.range::VARCHAR) AS h FROM range(3000000) a ORDER BY h",
            tables={"t1": TableSource(people)},
            limits=limits,
        )
    assert caught.value.code == "memory"
    assert "32 MB" in caught.value.message
    assert "หน่วยความจำ" in caught.value.message
