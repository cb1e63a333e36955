"""The SQL sandbox: what it runs, what it refuses (a hostile corpus), and its limits."""

# ruff: noqa: S608, S108 - hostile SQL and /tmp targets are the point of these tests

from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path

import duckdb
import pytest
from django.conf import settings

from ddgov.lake import sandbox
from ddgov.lake.sandbox import (
    SandboxError,
    SandboxLimits,
    _open_locked,
    sandbox_query,
    sandbox_reset,
    sandbox_tables_referenced,
)
from ddgov.lake.selectors import lake_query
from ddgov.lake.storage import lake_root, tmp_dir


def _write_parquet(path: Path, select_sql: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"COPY ({select_sql}) TO '{path}' (FORMAT parquet)")
    finally:
        con.close()
    return path


@pytest.fixture(autouse=True)
def _empty_pool():
    sandbox_reset()
    yield
    sandbox_reset()


@pytest.fixture
def lake_tables() -> dict[str, Path]:
    """Two lake tables: one the caller is given, one (a "secret") it is not."""
    root = lake_root() / "tables"
    given = _write_parquet(
        root / "ds" / "res" / "v1.parquet",
        "SELECT range + 1 AS _id, (['เชียงใหม่', 'ขอนแก่น', 'ภูเก็ต'])[range % 3 + 1] AS province,"
        " (range * 10)::DECIMAL(10, 2) AS amount, DATE '2023-01-01' + range::INT AS recorded_on"
        " FROM range(100)",
    )
    secret = _write_parquet(root / "other" / "res" / "v1.parquet", "SELECT 'top secret' AS secret")
    return {"given": given, "secret": secret}


@pytest.fixture
def tables(lake_tables: dict[str, Path]) -> dict[tuple[str, str], Path]:
    return {
        ("main", "3f2c0a1e-0000-4000-8000-000000000001"): lake_tables["given"],
        ("elderly", "by-province"): lake_tables["given"],
    }


FAST = SandboxLimits(timeout_s=2, memory_mb=256, threads=1, max_rows=50, max_temp_mb=64)


def test_select_over_a_resource_id_table(tables: dict[tuple[str, str], Path]) -> None:
    result = sandbox_query(
        sql='SELECT province, count(*) AS n, sum(amount) AS total FROM "3f2c0a1e-0000-4000-8000-000000000001"'
        " GROUP BY province ORDER BY province",
        tables=tables,
        limits=FAST,
    )
    assert [c.name for c in result.columns] == ["province", "n", "total"]
    assert [c.type for c in result.columns][:2] == ["VARCHAR", "BIGINT"]
    assert result.rows[0] == ("ขอนแก่น", 33, decimal.Decimal("16170.00"))
    assert result.truncated is False
    assert result.elapsed_ms > 0


def test_two_part_names_ctes_unions_and_params(tables: dict[tuple[str, str], Path]) -> None:
    result = lake_query(
        sql='WITH north AS (SELECT * FROM elderly."by-province" WHERE province = ?)'
        " SELECT max(recorded_on) FROM north UNION ALL SELECT DATE '2000-01-01' FROM range(1)",
        tables=tables,
        params=["เชียงใหม่"],
        limits=FAST,
    )
    assert result.rows == [(dt.date(2023, 4, 10),), (dt.date(2000, 1, 1),)]


def test_identifiers_are_case_insensitive_like_duckdb(tables: dict[tuple[str, str], Path]) -> None:
    result = sandbox_query(
        sql='SELECT count(*) FROM ELDERLY."BY-PROVINCE"', tables=tables, limits=FAST
    )
    assert result.rows == [(100,)]


def test_references_are_reported_without_ctes() -> None:
    refs = sandbox_tables_referenced(
        sql='WITH x AS (SELECT 1) SELECT * FROM x, "abc" JOIN s.t USING (id), range(3)'
    )
    assert sorted((r.schema, r.name) for r in refs) == [("main", "abc"), ("s", "t")]


def test_huge_result_is_truncated(tables: dict[tuple[str, str], Path]) -> None:
    result = sandbox_query(sql="SELECT * FROM range(1000000000)", tables=tables, limits=FAST)
    assert len(result.rows) == FAST.max_rows
    assert result.truncated is True


def test_exact_max_rows_is_not_truncated(tables: dict[tuple[str, str], Path]) -> None:
    result = sandbox_query(sql="SELECT * FROM range(50)", tables=tables, limits=FAST)
    assert len(result.rows) == 50
    assert result.truncated is False


HOSTILE = [
    ("copy-to", "COPY (SELECT 1) TO '/tmp/ddgov-sandbox-out.csv'", "statement"),
    ("copy-table", "COPY elderly.\"by-province\" TO '/tmp/ddgov-out.parquet'", "statement"),
    ("attach", "ATTACH '/tmp/ddgov-evil.db' AS evil", "statement"),
    ("detach", "DETACH memory", "statement"),
    ("read-csv", "SELECT * FROM read_csv('/etc/passwd')", "function"),
    ("read-csv-auto", "SELECT * FROM read_csv_auto('/etc/passwd', header=false)", "function"),
    ("read-text", "SELECT * FROM read_text('/etc/passwd')", "function"),
    ("read-blob", "SELECT content FROM read_blob('/etc/hostname')", "function"),
    (
        "read-text-scalar-subquery",
        "SELECT (SELECT content FROM read_text('/etc/passwd'))",
        "function",
    ),
    ("glob", "SELECT * FROM glob('/*')", "function"),
    ("file-as-table", "SELECT * FROM '/etc/passwd'", "table"),
    ("quoted-file-as-table", 'SELECT * FROM "/etc/hostname"', "table"),
    ("install", "INSTALL httpfs", "statement"),
    ("force-install", "FORCE INSTALL httpfs", "statement"),
    ("load", "LOAD httpfs", "statement"),
    ("pragma", "PRAGMA database_list", "statement"),
    ("pragma-fn", "SELECT * FROM pragma_database_list()", "function"),
    ("set", "SET enable_external_access = true", "statement"),
    ("reset", "RESET lock_configuration", "statement"),
    ("call", "CALL pragma_version()", "statement"),
    ("export", "EXPORT DATABASE '/tmp/ddgov-export'", "statement"),
    ("import", "IMPORT DATABASE '/tmp/ddgov-export'", "statement"),
    ("create-table", "CREATE TABLE t AS SELECT 1", "statement"),
    ("create-macro", "CREATE MACRO m(x) AS x", "statement"),
    ("insert", "INSERT INTO t VALUES (1)", "statement"),
    ("update", "UPDATE elderly.\"by-province\" SET province = 'x'", "statement"),
    ("delete", 'DELETE FROM elderly."by-province"', "statement"),
    ("drop", 'DROP VIEW elderly."by-province"', "statement"),
    ("chained", "SELECT 1; SELECT * FROM read_csv('/etc/passwd')", "statement"),
    ("chained-ddl", "SELECT 1; DROP TABLE x", "statement"),
    (
        "chained-after-comment",
        "SELECT 1 -- harmless\n; COPY (SELECT 1) TO '/tmp/x.csv'",
        "statement",
    ),
    ("comment-hides-nothing", "/* SELECT 1 */ ATTACH '/tmp/x.db'", "statement"),
    ("describe", "DESCRIBE SELECT 1", "statement"),
    ("show", "SHOW TABLES", "statement"),
    ("summarize", 'SUMMARIZE elderly."by-province"', "statement"),
    ("explain", "EXPLAIN ANALYZE SELECT 1", "statement"),
    ("getenv", "SELECT getenv('HOME')", "function"),
    ("current-setting", "SELECT current_setting('allowed_paths')", "function"),
    ("settings", "SELECT * FROM duckdb_settings()", "function"),
    ("views-leak-paths", "SELECT sql FROM duckdb_views()", "function"),
    ("information-schema", "SELECT * FROM information_schema.tables", "table"),
    ("query-fn", "SELECT * FROM query('SELECT 1')", "function"),
    ("query-table-fn", "SELECT * FROM query_table('x')", "function"),
    ("parquet-metadata", "SELECT * FROM parquet_metadata('/etc/passwd')", "function"),
    ("three-part-name", "SELECT * FROM system.main.duckdb_settings", "table"),
    ("unknown-table", "SELECT * FROM not_given", "table"),
    ("transaction", "BEGIN TRANSACTION", "statement"),
    ("use", "USE memory", "statement"),
    ("vacuum", "VACUUM", "statement"),
    ("checkpoint", "CHECKPOINT", "statement"),
    ("empty", "   ", "statement"),
    ("only-comment", "-- nothing here", "statement"),
]


@pytest.mark.parametrize(
    ("sql", "code"), [(s, c) for _n, s, c in HOSTILE], ids=[n for n, _s, _c in HOSTILE]
)
def test_hostile_corpus_is_refused(
    tables: dict[tuple[str, str], Path], sql: str, code: str
) -> None:
    with pytest.raises(SandboxError) as caught:
        sandbox_query(sql=sql, tables=tables, limits=FAST)
    assert caught.value.code == code
    assert " / " in caught.value.message  # English / ไทย
    assert not Path("/tmp/ddgov-sandbox-out.csv").exists()


def test_a_lake_file_the_caller_was_not_given_is_unreachable(
    tables: dict[tuple[str, str], Path], lake_tables: dict[str, Path]
) -> None:
    secret = lake_tables["secret"]
    for sql in (
        f"SELECT * FROM read_parquet('{secret}')",
        f"SELECT * FROM parquet_scan('{secret}')",
        f"SELECT * FROM '{secret}'",
        f'SELECT * FROM "{secret}"',
    ):
        with pytest.raises(SandboxError) as caught:
            sandbox_query(sql=sql, tables=tables, limits=FAST)
        assert caught.value.code in {"function", "table"}


def test_syntax_errors_report_line_and_column(tables: dict[tuple[str, str], Path]) -> None:
    with pytest.raises(SandboxError) as caught:
        sandbox_query(sql="SELECT province,\n  count(* FROM x", tables=tables, limits=FAST)
    assert caught.value.code == "syntax"
    assert caught.value.position is not None
    assert caught.value.position[0] == 2
    assert "line 2" in caught.value.message
    assert "บรรทัด 2" in caught.value.message


def test_runtime_errors_are_bilingual_and_do_not_leak_lake_paths(
    tables: dict[tuple[str, str], Path],
) -> None:
    with pytest.raises(SandboxError) as caught:
        sandbox_query(
            sql='SELECT no_such_column FROM elderly."by-province"', tables=tables, limits=FAST
        )
    assert caught.value.code == "query"
    assert "no_such_column" in caught.value.message
    assert "สืบค้นไม่สำเร็จ" in caught.value.message
    assert str(settings.LAKE_DIR) not in caught.value.message


def test_giant_cross_join_is_stopped_and_the_process_stays_healthy(
    tables: dict[tuple[str, str], Path],
) -> None:
    limits = SandboxLimits(timeout_s=1, memory_mb=256, threads=1, max_rows=10, max_temp_mb=64)
    with pytest.raises(SandboxError) as caught:
        sandbox_query(
            sql="SELECT count(*) FROM range(1000000) a, range(1000000) b, range(1000000) c",
            tables=tables,
            limits=limits,
        )
    assert caught.value.code == "timeout"
    assert "timed out after 1 s" in caught.value.message
    assert "คำสั่งใช้เวลาเกิน 1 วินาที" in caught.value.message
    follow_up = sandbox_query(
        sql='SELECT count(*) FROM elderly."by-province"', tables=tables, limits=limits
    )
    assert follow_up.rows == [(100,)]


def test_memory_hungry_join_is_stopped_by_the_memory_limit(
    tables: dict[tuple[str, str], Path],
) -> None:
    limits = SandboxLimits(timeout_s=60, memory_mb=64, threads=1, max_rows=10, max_temp_mb=16)
    with pytest.raises(SandboxError) as caught:
        sandbox_query(
            sql="SELECT a.range, md5(a.range::VARCHAR) AS h FROM range(3000000) a ORDER BY h",
            tables=tables,
            limits=limits,
        )
    assert caught.value.code == "memory"
    assert "64 MB" in caught.value.message
    assert sandbox_query(sql="SELECT 42", tables=tables, limits=limits).rows == [(42,)]


def _spill_folders() -> list[str]:
    return [p.name for p in tmp_dir().iterdir() if p.name.startswith("sandbox-")]


def test_connections_are_reused_per_table_set_and_spill_folders_removed(
    tables: dict[tuple[str, str], Path], lake_tables: dict[str, Path]
) -> None:
    sandbox_query(sql="SELECT 1", tables=tables, limits=FAST)
    sandbox_query(sql='SELECT count(*) FROM elderly."by-province"', tables=tables, limits=FAST)
    assert len(sandbox._pool) == 1
    sandbox_query(sql="SELECT 1", tables={("main", "only"): lake_tables["given"]}, limits=FAST)
    assert len(sandbox._pool) == 2
    assert len(_spill_folders()) == 2
    sandbox_reset()
    assert sandbox._pool == {}
    assert _spill_folders() == []


def test_a_timed_out_connection_is_not_reused(tables: dict[tuple[str, str], Path]) -> None:
    limits = SandboxLimits(timeout_s=0.5, memory_mb=256, threads=1, max_rows=10, max_temp_mb=64)
    sandbox_query(sql="SELECT 1", tables=tables, limits=limits)
    first = next(iter(sandbox._pool.values()))
    with pytest.raises(SandboxError):
        sandbox_query(
            sql="SELECT count(*) FROM range(100000000) a, range(100000000) b",
            tables=tables,
            limits=limits,
        )
    assert first not in sandbox._pool.values()
    assert _spill_folders() == []
    assert sandbox_query(sql="SELECT 2", tables=tables, limits=limits).rows == [(2,)]


def test_a_changed_file_gets_a_new_connection(
    tables: dict[tuple[str, str], Path], lake_tables: dict[str, Path]
) -> None:
    only = {("main", "t"): lake_tables["secret"]}
    assert sandbox_query(sql="SELECT * FROM t", tables=only, limits=FAST).rows == [("top secret",)]
    _write_parquet(lake_tables["secret"], "SELECT 'changed' AS secret, 2 AS n")
    assert sandbox_query(sql="SELECT * FROM t", tables=only, limits=FAST).rows == [("changed", 2)]


def test_a_missing_table_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SandboxError) as caught:
        sandbox_query(
            sql="SELECT * FROM t", tables={("main", "t"): tmp_path / "gone.parquet"}, limits=FAST
        )
    assert caught.value.code == "table"


def test_reserved_schema_names_cannot_be_exposed(lake_tables: dict[str, Path]) -> None:
    with pytest.raises(SandboxError) as caught:
        sandbox_query(sql="SELECT 1", tables={("system", "x"): lake_tables["given"]}, limits=FAST)
    assert caught.value.code == "table"


def test_limits_default_from_settings(settings: pytest.FixtureRequest) -> None:
    settings.DDGOV_SANDBOX_TIMEOUT_S = 3  # type: ignore[attr-defined]
    settings.DDGOV_SANDBOX_MAX_ROWS = 7  # type: ignore[attr-defined]
    limits = SandboxLimits.from_settings()
    assert limits.timeout_s == 3
    assert limits.max_rows == 7


# --- wall 2 alone: even SQL the policy would refuse cannot escape the locked connection ---------

ENGINE_HOSTILE = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM glob('/*')",
    "COPY (SELECT 1) TO '/tmp/ddgov-engine-out.csv'",
    "ATTACH '/tmp/ddgov-engine.db' AS evil",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "SET memory_limit = '64GB'",
    "SELECT * FROM '/etc/passwd'",
]


@pytest.mark.parametrize("sql", ENGINE_HOSTILE)
def test_locked_connection_refuses_what_the_parser_would_have_caught(
    tables: dict[tuple[str, str], Path], lake_tables: dict[str, Path], sql: str
) -> None:
    spill = tmp_dir() / "engine-test"
    spill.mkdir()
    con = _open_locked({(s.lower(), t.lower()): p for (s, t), p in tables.items()}, FAST, spill)
    try:
        with pytest.raises(duckdb.Error):
            con.execute(sql).fetchall()
        with pytest.raises(duckdb.Error):
            con.execute(f"SELECT * FROM read_parquet('{lake_tables['secret']}')").fetchall()
        assert con.execute('SELECT count(*) FROM elderly."by-province"').fetchall() == [(100,)]
    finally:
        con.close()
    assert not Path("/tmp/ddgov-engine-out.csv").exists()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1 AS x /* ; DROP TABLE t; ATTACH '/tmp/x.db' */",
        "SELECT 1 AS x -- ; COPY (SELECT 1) TO '/tmp/x.csv'",
        "/* INSTALL httpfs; */ SELECT 1 AS x",
        "SELECT 1 AS x;",
    ],
)
def test_statements_inside_comments_are_only_comments(
    tables: dict[tuple[str, str], Path], sql: str
) -> None:
    result = sandbox_query(sql=sql, tables=tables, limits=FAST)
    assert result.rows == [(1,)]
    assert not Path("/tmp/x.csv").exists()
