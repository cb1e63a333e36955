"""Errors people see: positions in the SQL they wrote, no engine internals, limits that stop a query."""

from __future__ import annotations

import pytest

from ddgov.analytics.access.principal import principal_for_user
from ddgov.analytics.selectors.queries import query_sources, query_validate
from ddgov.analytics.services.queries import QueryError, query_run
from ddgov.analytics.tests.access_support import World, build_world
from ddgov.audit.models import AuditRecord
from ddgov.lake.sandbox import SandboxLimits
from ddgov.lake.storage import lake_root

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def failure(user, sql: str, **kwargs) -> QueryError:
    with pytest.raises(QueryError) as caught:
        query_run(principal=principal_for_user(user=user), sql=sql, **kwargs)
    return caught.value


def assert_no_internals(error: QueryError) -> None:
    assert str(lake_root()) not in error.message
    assert "t1" not in error.message
    assert "read_parquet" not in error.message.lower()
    assert "LINE 1" not in error.message


def test_syntax_error_points_at_the_bad_token(world: World) -> None:
    error = failure(world.steward, "SELECT province,\n  count(*\nFROM farmers.households")
    assert error.code == "syntax"
    assert error.status == 400
    assert error.position == (3, 1)
    assert "line 3, column 1" in error.message
    assert "บรรทัด 3" in error.message


def test_unknown_column_points_at_the_original_text(world: World) -> None:
    error = failure(world.steward, "SELECT province,\n       nosuch\nFROM farmers.households AS h")
    assert error.code == "query"
    assert error.status == 422
    assert error.position == (2, 8)
    assert '"nosuch"' in error.message
    assert error.message.endswith("/ สืบค้นไม่สำเร็จ")
    assert_no_internals(error)


def test_column_of_an_unaliased_table_is_reported_under_its_written_name(world: World) -> None:
    error = failure(world.steward, "SELECT farmers.households.nosuch FROM farmers.households")
    assert error.code == "query"
    assert_no_internals(error)
    assert error.position is not None


def test_conversion_error_points_at_the_literal(world: World) -> None:
    error = failure(world.steward, "SELECT count(*)\nFROM farmers.households\nWHERE income = 'abc'")
    assert error.code == "query"
    assert error.position == (3, 16)
    assert_no_internals(error)


def test_unknown_table_position_and_status(world: World) -> None:
    error = failure(
        world.steward, 'SELECT 1\nFROM "crop-stats"."by-province" c\nJOIN farmers.nope n ON true'
    )
    assert error.code == "table"
    assert error.status == 404
    assert error.position == (3, 6)
    assert "farmers.nope" in error.message


def test_refused_function_position(world: World) -> None:
    error = failure(world.steward, "SELECT 1,\n  getenv('HOME')")
    assert error.code == "function"
    assert error.position == (2, 3)


def test_aggregate_refusal_position(world: World) -> None:
    error = failure(
        world.viewer, "SELECT province,\n  max(income)\nFROM farmers.households GROUP BY 1"
    )
    assert error.code == "aggregate"
    assert error.position == (2, 3)


def test_query_over_the_time_limit_is_stopped_and_the_next_one_works(world: World) -> None:
    limits = SandboxLimits(timeout_s=0.5, memory_mb=256, threads=1, max_rows=100, max_temp_mb=64)
    heavy = 'SELECT count(*) FROM "crop-stats"."by-province" c, range(1000000000000) r'
    error = failure(world.steward, heavy, limits=limits)
    assert error.code == "timeout"
    assert error.status == 408
    assert "timed out" in error.message
    assert "เกิน" in error.message
    record = AuditRecord.objects.filter(action="analytics.query").latest("seq")
    assert record.outcome == "failed"
    assert record.detail["error"]["code"] == "timeout"
    outcome = query_run(
        principal=principal_for_user(user=world.steward),
        sql="SELECT count(*) FROM farmers.households",
        limits=limits,
    )
    assert outcome.rows == [(40,)]


def test_rows_are_capped_at_max_rows(world: World) -> None:
    limits = SandboxLimits(timeout_s=10, memory_mb=256, threads=1, max_rows=5, max_temp_mb=64)
    outcome = query_run(
        principal=principal_for_user(user=world.steward),
        sql="SELECT _id FROM farmers.households ORDER BY _id",
        limits=limits,
    )
    assert [r[0] for r in outcome.rows] == [1, 2, 3, 4, 5]
    assert outcome.truncated is True


def test_explain_returns_a_plan_without_internals(world: World) -> None:
    outcome = query_run(
        principal=principal_for_user(user=world.viewer),
        sql="SELECT province, count(*) FROM farmers.households GROUP BY 1",
        explain=True,
    )
    assert outcome.plan
    assert str(lake_root()) not in outcome.plan
    assert "count(DISTINCT _id) >= 5" in outcome.plan  # the guard is visible in the plan
    plain = query_run(
        principal=principal_for_user(user=world.viewer),
        sql="SELECT province, count(*) FROM farmers.households GROUP BY 1",
    )
    assert plain.plan is None


def test_unknown_engine_and_bad_paging(world: World) -> None:
    error = failure(world.steward, "SELECT 1", engine="oracle")
    assert error.code == "engine"
    assert error.status == 400
    assert "oracle" in error.message
    assert failure(world.steward, "SELECT 1", offset=-1).status == 400


def test_query_validate_checks_policy_only(world: World) -> None:
    query_validate(sql='SELECT count(*) FROM "any-agency"."any-dataset"."any-table"')
    query_validate(sql="SELECT name FROM farmers.households")  # rules apply when it runs
    with pytest.raises(QueryError) as caught:
        query_validate(sql="SELECT 1;\nDROP TABLE x")
    assert caught.value.code == "statement"
    with pytest.raises(QueryError) as caught:
        query_validate(sql="SELECT *\nFROM read_csv('/etc/passwd')")
    assert caught.value.code == "function"
    assert caught.value.position == (2, 6)
    with pytest.raises(QueryError) as caught:
        query_validate(sql="SELECT * FROM a.b.c.d")
    assert caught.value.code == "table"


def test_query_sources_resolves_without_running_or_auditing(world: World) -> None:
    before = AuditRecord.objects.count()
    uses = query_sources(
        principal=principal_for_user(user=world.viewer),
        sql='SELECT 1 FROM farmers.households h JOIN "crop-stats"."by-province" c ON true',
    )
    assert [(u.dataset, u.resource, u.open, u.mode) for u in uses] == [
        ("farmers", "households", False, "aggregate"),
        ("crop-stats", "by-province", True, "full"),
    ]
    assert AuditRecord.objects.count() == before
    with pytest.raises(QueryError):
        query_sources(
            principal=principal_for_user(user=world.outsider),
            sql="SELECT 1 FROM farmers.households",
        )
