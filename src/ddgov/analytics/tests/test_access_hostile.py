"""Hostile SQL against the access layer: files, catalog internals, name and quoting tricks.

Extends the lake sandbox's hostile-query tests (``lake/tests``) to what analytics adds: three-part
names, flat engine names, CTEs that shadow tables, and the aggregate-only rewrite. Each test
checks both that the query is refused (or harmless) and that no private value comes out.
"""

# ruff: noqa: S608 - the tests write hostile SQL on purpose

from __future__ import annotations

import pytest

from ddgov.analytics.access.principal import principal_for_user
from ddgov.analytics.services.queries import QueryError, query_run
from ddgov.analytics.tests.access_support import TARGET_ID, World, build_world, citizen_id
from ddgov.lake.sandbox import MAX_SQL_LENGTH
from ddgov.lake.storage import absolute

pytestmark = pytest.mark.django_db

SECRET = citizen_id(TARGET_ID)


@pytest.fixture
def world() -> World:
    return build_world()


def attempt(user, sql: str):
    """Run ``sql``; return the outcome or the QueryError, asserting no private value leaked."""
    try:
        outcome = query_run(principal=principal_for_user(user=user), sql=sql)
    except QueryError as exc:
        error = exc
    else:
        error = None
    if error is not None:
        assert SECRET not in error.message
        assert "ACC-" not in error.message
        return error
    text = repr(outcome.rows)
    assert SECRET not in text
    assert "ACC-" not in text
    assert "สมชาย" not in text
    return outcome


def refused(user, sql: str, code: str | tuple[str, ...]) -> QueryError:
    result = attempt(user, sql)
    assert isinstance(result, QueryError), f"not refused: {sql}"
    codes = (code,) if isinstance(code, str) else code
    assert result.code in codes, (sql, result.code, result.message)
    return result


# --- files and the engine's own catalog ---------------------------------------------------------


def test_file_reads_are_refused(world: World) -> None:
    lake_file = str(absolute(world.households.current_version.parquet_path))
    for sql in (
        "SELECT * FROM read_parquet('/etc/passwd')",
        f"SELECT * FROM read_parquet('{lake_file}')",
        "SELECT * FROM read_csv_auto('/etc/passwd')",
        "SELECT * FROM parquet_scan('/etc/passwd')",
        "SELECT * FROM glob('/*')",
        "SELECT read_text('/etc/passwd')",
        "SELECT * FROM read_blob('/etc/hostname')",
        "SELECT * FROM sniff_csv('/etc/passwd')",
    ):
        refused(world.viewer, sql, "function")


def test_file_path_as_table_name_is_an_unknown_table(world: World) -> None:
    lake_file = str(absolute(world.households.current_version.parquet_path))
    for sql in (
        f"SELECT * FROM '{lake_file}'",
        f'SELECT * FROM "{lake_file}"',
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM 'https://example.org/x.parquet'",
    ):
        refused(world.viewer, sql, "table")


def test_statements_other_than_select_are_refused(world: World) -> None:
    for sql in (
        "COPY (SELECT 1) TO '/tmp/x.csv'",
        "ATTACH '/tmp/x.db' AS x",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "PRAGMA version",
        "CREATE TABLE x AS SELECT 1",
        "CREATE MACRO m(x) AS x",
        "EXPORT DATABASE '/tmp/x'",
        "DESCRIBE SELECT 1",
        "SUMMARIZE SELECT 1",
        "SELECT 1; SELECT 2",
        "SELECT 1 /* ; */ ; DROP TABLE x",
        "PREPARE p AS SELECT 1",
        "CALL pragma_version()",
    ):
        refused(world.steward, sql, ("statement", "syntax"))


def test_catalog_and_settings_functions_are_refused(world: World) -> None:
    for sql in (
        "SELECT * FROM duckdb_tables()",
        "SELECT * FROM duckdb_views()",
        "SELECT * FROM duckdb_settings()",
        "SELECT current_setting('allowed_paths')",
        "SELECT getenv('HOME')",
        "SELECT * FROM pragma_table_info('t1')",
        "SELECT * FROM query('SELECT * FROM t1')",
        "SELECT * FROM query_table('t1')",
        "SELECT * FROM which_secret('s3://x', 's3')",
        "SELECT current_database()",
    ):
        refused(world.steward, sql, "function")


def test_flat_engine_names_and_system_schemas_are_not_reachable(world: World) -> None:
    for sql in (
        "SELECT * FROM t1",
        "SELECT * FROM main.t1",
        "SELECT * FROM memory.main.t1",
        "SELECT * FROM system.main.duckdb_tables",
        "SELECT * FROM information_schema.tables",
        "SELECT * FROM pg_catalog.pg_tables",
        "SELECT * FROM temp.main.t1",
        'SELECT * FROM "farmers.households"',
    ):
        refused(world.steward, sql, "table")


# --- three-part names ----------------------------------------------------------------------------


def test_three_part_name_must_match_the_owning_agency(world: World) -> None:
    for sql in (
        'SELECT count(*) FROM "dept-other".farmers.households',
        'SELECT count(*) FROM "dept-other"."other-private".nope',
        'SELECT count(*) FROM "dept-farm"."other-private".secrets',
        'SELECT count(*) FROM x."dept-farm".farmers.households',
    ):
        refused(world.steward, sql, "table")
    # another agency's steward cannot reach it by any spelling
    for name in (
        '"dept-farm".farmers.households',
        "farmers.households",
        f'"{world.households.pk}"',
        f'farmers."{world.households.pk}"',
        f'"{world.farmers.pk}".households',
    ):
        refused(world.other_steward, f"SELECT count(*) FROM {name}", "table")


def test_every_spelling_of_a_protected_table_stays_aggregate_only(world: World) -> None:
    for name in (
        "farmers.households",
        "FARMERS.HOUSEHOLDS",
        '"dept-farm".farmers.households',
        '"DEPT-FARM"."Farmers"."Households"',
        f'"{world.households.pk}"',
        f'"{str(world.households.pk).upper()}"',
        f'"{world.farmers.pk}".households',
    ):
        refused(world.viewer, f"SELECT citizen_id, name FROM {name}", "aggregate")


# --- CTEs, quoting and comments -----------------------------------------------------------------


def test_cte_shadowing_a_table_name_reads_the_cte_not_the_table(world: World) -> None:
    uid = world.households.pk
    outcome = attempt(
        world.outsider, f'WITH "{uid}" AS (SELECT \'fake\' AS name) SELECT name FROM "{uid}"'
    )
    assert outcome.rows == [("fake",)]
    outcome = attempt(
        world.viewer, "WITH households AS (SELECT 'fake' AS name) SELECT name FROM households"
    )
    assert outcome.rows == [("fake",)]


def test_cte_used_outside_its_scope_does_not_reach_the_table(world: World) -> None:
    uid = world.households.pk
    result = attempt(
        world.outsider,
        f'SELECT * FROM (WITH "{uid}" AS (SELECT 1 AS a) SELECT * FROM "{uid}") AS q, "{uid}"',
    )
    assert isinstance(result, QueryError)


def test_cte_named_like_the_engine_flat_name_cannot_swap_tables(world: World) -> None:
    outcome = attempt(
        world.viewer,
        "WITH t1 AS (SELECT 1 AS x) SELECT count(*) AS n FROM t1, farmers.households AS h",
    )
    assert outcome.rows == [(40,)]
    refused(
        world.viewer,
        "WITH t1 AS (SELECT 1 AS x) SELECT h.name FROM t1, farmers.households AS h",
        "aggregate",
    )
    refused(
        world.viewer, "WITH t1 AS (SELECT * FROM farmers.households) SELECT * FROM t1", "aggregate"
    )


def test_quoting_tricks(world: World) -> None:
    for sql in (
        'SELECT count(*) FROM "farmers"."households"""',
        'SELECT count(*) FROM "farmers"."households\u200b"',
        'SELECT count(*) FROM "farmers"."house""holds"',
    ):
        result = attempt(world.steward, sql)
        assert isinstance(result, QueryError), sql
        assert result.code in {"table", "syntax"}, (sql, result.message)
    # a single-quoted name part is read as a name: the same table, under the same rules
    refused(world.viewer, "SELECT name FROM \"farmers\".'households'", "aggregate")
    # an alias or column quoted to look like the flat name changes nothing
    refused(world.viewer, 'SELECT "t1".name FROM farmers.households AS "t1"', "aggregate")


def test_comment_tricks(world: World) -> None:
    # commented-out text is not a table reference, and the rewrite drops comments
    outcome = attempt(
        world.viewer,
        "SELECT count(*) FROM farmers.households -- */ UNION ALL SELECT name FROM t1 /*\n",
    )
    assert outcome.rows == [(40,)]
    refused(world.viewer, "SELECT name /* count(*) */ FROM farmers.households", "aggregate")
    refused(world.viewer, "SELECT count(*) FROM /* farmers.households */ t1", "table")
    outcome = attempt(world.steward, "SELECT count(*) FROM farmers/**/./**/households")
    assert outcome.rows == [(40,)]


def test_huge_and_deep_sql_is_refused_without_harm(world: World) -> None:
    long = "SELECT " + " + ".join(["1"] * (MAX_SQL_LENGTH // 4)) + " AS x"
    assert refused(world.steward, long, "statement").status == 400
    deep = "SELECT " + "(" * 5000 + "1" + ")" * 5000
    refused(world.steward, deep, ("syntax", "statement"))
    # the layer still answers afterwards
    assert attempt(world.steward, "SELECT count(*) FROM farmers.households").rows == [(40,)]


def test_set_operations_cannot_smuggle_rows_past_the_aggregate_guard(world: World) -> None:
    for sql in (
        "SELECT count(*) FROM farmers.households UNION SELECT name FROM farmers.households",
        "SELECT name FROM farmers.households INTERSECT SELECT name FROM farmers.households",
        "(SELECT count(*) FROM farmers.households) EXCEPT (SELECT 0)",
    ):
        refused(world.viewer, sql, "aggregate")


def test_correlated_and_where_subqueries_cannot_reveal_values(world: World) -> None:
    # a filter that only matches one person: the group is too small, nothing comes out
    outcome = attempt(
        world.viewer,
        "SELECT count(*) FROM farmers.households h WHERE EXISTS "
        f'(SELECT 1 FROM "crop-stats"."by-province" c WHERE h._id = {TARGET_ID})',
    )
    assert outcome.rows == []
    refused(
        world.viewer,
        "SELECT count(*) FROM farmers.households h WHERE h.income > "
        "(SELECT max(x.income) FROM farmers.households x)",
        "aggregate",
    )
