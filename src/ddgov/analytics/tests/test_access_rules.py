"""Who sees what: visibility, masking, aggregate-only mode and the minimum group size."""

# ruff: noqa: S608 - the tests write SQL over their own test tables

from __future__ import annotations

from decimal import Decimal

import pytest

from ddgov.analytics.access.principal import (
    principal_agency_viewer,
    principal_for_user,
    principal_public,
)
from ddgov.analytics.selectors.queries import query_sources
from ddgov.analytics.services.queries import QueryError, query_run
from ddgov.analytics.tests.access_support import (
    SMALL_PROVINCE,
    TARGET_ID,
    World,
    build_world,
    citizen_id,
)
from ddgov.audit.models import AuditRecord
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

HOUSEHOLDS = '"farmers"."households"'


@pytest.fixture
def world() -> World:
    return build_world()


def run(user, sql: str, **kwargs):
    return query_run(principal=principal_for_user(user=user), sql=sql, **kwargs)


def refused(user, sql: str) -> QueryError:
    with pytest.raises(QueryError) as caught:
        run(user, sql)
    return caught.value


# --- visibility --------------------------------------------------------------------------------


def test_open_data_is_readable_by_anyone(world: World) -> None:
    for principal in (principal_public(), principal_for_user(user=world.outsider)):
        outcome = query_run(
            principal=principal, sql='SELECT count(*) AS n FROM "crop-stats"."by-province"'
        )
        assert outcome.rows == [(12,)]
        assert outcome.sources[0].open is True
        assert outcome.sources[0].mode == "full"


def test_private_dataset_is_unknown_to_outsiders_and_other_agencies(world: World) -> None:
    for user in (world.outsider, world.other_steward):
        error = refused(user, f"SELECT count(*) FROM {HOUSEHOLDS}")
        assert error.code == "table"
        assert error.status == 404
        assert "Unknown table" in error.message
        assert "ไม่พบตาราง" in error.message
        assert error.position == (1, 22)
    # the same message as for a table that does not exist at all: existence is not revealed
    missing = refused(world.outsider, 'SELECT count(*) FROM "farmers"."no-such-table"')
    assert missing.message.replace("no-such-table", "households") == error.message


def test_agency_isolation_between_stewards(world: World) -> None:
    assert run(world.other_steward, 'SELECT count(*) FROM "other-private"."secrets"').rows == [
        (10,)
    ]
    error = refused(world.steward, 'SELECT count(*) FROM "other-private"."secrets"')
    assert error.code == "table"


def test_names_three_part_bare_uuid_and_case_insensitive(world: World) -> None:
    expected = [(40,)]
    for name in (
        '"dept-farm".farmers.households',
        '"dept-farm"."farmers"."households"',
        "FARMERS.Households",
        f'"{world.households.pk}"',
        f'farmers."{world.households.pk}"',
    ):
        assert run(world.steward, f"SELECT count(*) FROM {name}").rows == expected, name
    wrong_agency = refused(world.steward, 'SELECT count(*) FROM "dept-other".farmers.households')
    assert wrong_agency.code == "table"


def test_steward_with_rights_sees_rows(world: World) -> None:
    outcome = run(
        world.steward,
        f"SELECT citizen_id, name, bank_account FROM {HOUSEHOLDS} WHERE _id = {TARGET_ID}",
    )
    assert outcome.rows[0][0] == citizen_id(TARGET_ID)
    assert outcome.rows[0][2] == f"ACC-{TARGET_ID:05d}"
    assert outcome.sources[0].mode == "full"
    assert outcome.sources[0].masked == ()
    assert outcome.sources[0].open is False


def test_platform_admin_sees_everything(world: World) -> None:
    outcome = run(world.platform_admin, f"SELECT bank_account FROM {HOUSEHOLDS} WHERE _id = 1")
    assert outcome.rows == [("ACC-00001",)]


# --- masking and aggregate-only mode -----------------------------------------------------------


def test_masked_columns_follow_the_role_rank(world: World) -> None:
    viewer = query_sources(
        principal=principal_for_user(user=world.viewer), sql=f"SELECT 1 FROM {HOUSEHOLDS}"
    )
    assert viewer[0].masked == ("citizen_id", "name", "bank_account")
    assert viewer[0].mode == "aggregate"
    officer = query_sources(
        principal=principal_for_user(user=world.officer), sql=f"SELECT 1 FROM {HOUSEHOLDS}"
    )
    assert officer[0].masked == ("bank_account",)
    assert officer[0].mode == "aggregate"
    steward = query_sources(
        principal=principal_for_user(user=world.steward), sql=f"SELECT 1 FROM {HOUSEHOLDS}"
    )
    assert steward[0].masked == ()
    assert steward[0].mode == "full"
    agency = query_sources(
        principal=principal_agency_viewer(agency=world.agency), sql=f"SELECT 1 FROM {HOUSEHOLDS}"
    )
    assert agency == viewer


def test_security_column_masked_without_aggregate_only(world: World, settings) -> None:
    """A non-personal restricted column is only masked; the table stays row-level."""
    from ddgov.governance.models import ColumnClass

    ColumnClass.objects.filter(resource=world.households, category="personal").update(
        access_level="internal"
    )
    ColumnClass.objects.filter(resource=world.households, column="note").update(
        access_level="secret"
    )
    outcome = run(
        world.viewer, f"SELECT _id, note, province FROM {HOUSEHOLDS} ORDER BY _id LIMIT 2"
    )
    assert outcome.sources[0].mode == "full"
    assert outcome.sources[0].masked == ("note",)
    assert outcome.rows == [(1, None, "เชียงใหม่"), (2, None, "ขอนแก่น")]


def test_viewer_gets_aggregates_over_groups_of_at_least_k(world: World) -> None:
    outcome = run(
        world.viewer,
        f"SELECT province, count(*) AS n, sum(income) AS total FROM {HOUSEHOLDS}"
        " GROUP BY province ORDER BY province",
    )
    provinces = [row[0] for row in outcome.rows]
    assert SMALL_PROVINCE not in provinces  # 3 households < k = 5: suppressed
    assert sorted(provinces) == sorted(["เชียงใหม่", "ขอนแก่น", "สงขลา"])
    assert sum(row[1] for row in outcome.rows) == 37
    assert outcome.sources[0].mode == "aggregate"


def test_filter_on_a_masked_citizen_id_yields_no_group(world: World) -> None:
    outcome = run(
        world.viewer,
        f"SELECT count(*), avg(income) FROM {HOUSEHOLDS} WHERE citizen_id = '{citizen_id(TARGET_ID)}'",
    )
    assert outcome.rows == []


def test_narrowing_to_one_person_by_quasi_identifiers_is_suppressed(world: World) -> None:
    for where in (f"_id = {TARGET_ID}", f"province = '{SMALL_PROVINCE}'", "income = 17000"):
        outcome = run(world.viewer, f"SELECT sum(income) FROM {HOUSEHOLDS} WHERE {where}")
        assert outcome.rows == [], where
    # grouping by something unique per household suppresses every group
    assert run(world.viewer, f"SELECT _id, count(*) FROM {HOUSEHOLDS} GROUP BY _id").rows == []
    assert run(world.viewer, f"SELECT income, count(*) FROM {HOUSEHOLDS} GROUP BY ALL").rows == []


def test_existing_having_is_kept_and_anded(world: World, settings) -> None:
    settings.DDGOV_ANALYTICS_MIN_GROUP = 2
    outcome = run(
        world.viewer,
        f"SELECT province, count(*) AS n FROM {HOUSEHOLDS} GROUP BY 1 HAVING count(*) < 13 ORDER BY 1",
    )
    # k = 2 lets the small province (3) through; the user's HAVING drops the 13-household ones
    assert (SMALL_PROVINCE, 3) in outcome.rows
    assert all(n < 13 for _p, n in outcome.rows)


@pytest.mark.parametrize(
    ("sql", "fragment"),
    [
        (f"SELECT * FROM {HOUSEHOLDS}", "SELECT *"),
        (f"SELECT income FROM {HOUSEHOLDS}", '"income" must be inside an aggregate'),
        (f"SELECT province, income FROM {HOUSEHOLDS} GROUP BY province", '"income"'),
        (f"SELECT list(income) FROM {HOUSEHOLDS}", '"list"'),
        (f"SELECT province, min(income) FROM {HOUSEHOLDS} GROUP BY province", '"min"'),
        (f"SELECT max(income) FROM {HOUSEHOLDS}", '"max"'),
        (f"SELECT arg_max(name, income) FROM {HOUSEHOLDS}", '"arg_max"'),
        (f"SELECT string_agg(note, ',') FROM {HOUSEHOLDS}", "could reveal single records"),
        (f"SELECT first(income) FROM {HOUSEHOLDS}", '"first"'),
        (f"SELECT any_value(income) FROM {HOUSEHOLDS}", "could reveal"),
        (f"SELECT quantile_disc(income, 0.5) FROM {HOUSEHOLDS}", "could reveal"),
        (f"SELECT json_group_array(income) FROM {HOUSEHOLDS}", '"json_group_array"'),
        (f"SELECT income, row_number() OVER () FROM {HOUSEHOLDS}", "window"),
        (f"SELECT sum(income) OVER (PARTITION BY province) FROM {HOUSEHOLDS}", "window"),
        (f"SELECT sum(income) FILTER (WHERE _id = 7) FROM {HOUSEHOLDS}", "FILTER"),
        (f"SELECT sum(CASE WHEN _id = 7 THEN income END) FROM {HOUSEHOLDS}", "must take a column"),
        (f"SELECT sum(income * (_id = 7)::INT) FROM {HOUSEHOLDS}", "must take a column"),
        (f"SELECT count_if(_id = 7 AND income > 15000) FROM {HOUSEHOLDS}", "must take a column"),
        (f"SELECT (CASE WHEN _id = 7 THEN income END).sum() FROM {HOUSEHOLDS}", "method call"),
        (f"SELECT province, sum(income) FROM {HOUSEHOLDS} GROUP BY ROLLUP (province)", "ROLLUP"),
        (f"SELECT count(*) FROM {HOUSEHOLDS} UNION ALL SELECT 1", "UNION"),
        (f"WITH h AS (SELECT * FROM {HOUSEHOLDS}) SELECT count(*) FROM h", "directly"),
        (f"SELECT count(*) FROM (SELECT * FROM {HOUSEHOLDS}) AS h", "directly"),
        (f"SELECT count(*) FROM {HOUSEHOLDS} h, unnest([h.income]) AS u(v)", "FROM/JOIN may only"),
        (
            f"SELECT count(*) FROM {HOUSEHOLDS} h, LATERAL (SELECT h.income AS v) AS l",
            "FROM/JOIN may only",
        ),
        (
            f"SELECT province, (SELECT list(h.income)) FROM {HOUSEHOLDS} h GROUP BY province",
            "subqueries",
        ),
        (f"SELECT sum(COLUMNS(*)) FROM {HOUSEHOLDS}", "must take a column"),
        (
            f"SELECT count(*) FROM {HOUSEHOLDS} WHERE income > (SELECT max(income) FROM {HOUSEHOLDS})",
            "directly",
        ),
    ],
)
def test_aggregate_only_refusals(world: World, sql: str, fragment: str) -> None:
    error = refused(world.viewer, sql)
    assert error.code == "aggregate", error.message
    assert error.status == 400
    assert fragment in error.message
    assert "ข้อมูลส่วนบุคคล" in error.message  # bilingual


def test_allowed_aggregate_shapes(world: World) -> None:
    queries = [
        f"SELECT count(*), count(DISTINCT district), round(sum(income) / count(*), 2) FROM {HOUSEHOLDS}",
        f"SELECT province AS p, median(income), stddev(income), var_pop(income), mean(members) FROM {HOUSEHOLDS} GROUP BY p",
        f"SELECT upper(district) AS d, approx_count_distinct(province) FROM {HOUSEHOLDS} GROUP BY upper(district)",
        (
            f'SELECT h.province, count(*) FROM {HOUSEHOLDS} h JOIN "crop-stats"."by-province" c'
            " ON c.province = h.province AND c.year = 2560 GROUP BY 1"
        ),
        (
            f'WITH open_p AS (SELECT province FROM "crop-stats"."by-province" WHERE area_rai > 1100)'
            f" SELECT count(*) FROM {HOUSEHOLDS} h WHERE h.province IN (SELECT province FROM open_p)"
        ),
        f"SELECT sum(income::DOUBLE) FROM {HOUSEHOLDS}",
    ]
    for sql in queries:
        outcome = run(world.viewer, sql)
        assert outcome.rows, sql


def test_masked_values_never_come_out_of_allowed_aggregates(world: World) -> None:
    outcome = run(
        world.viewer,
        f"SELECT count(citizen_id), count(DISTINCT name), count(bank_account) FROM {HOUSEHOLDS}",
    )
    assert outcome.rows == [(0, 0, 0)]


def test_self_join_needs_k_on_both_sides(world: World) -> None:
    outcome = run(
        world.viewer,
        f"SELECT a.district, sum(b.income) FROM {HOUSEHOLDS} a JOIN {HOUSEHOLDS} b ON b._id = {TARGET_ID}"
        " GROUP BY a.district",
    )
    assert outcome.rows == []


def test_officer_also_aggregate_only_while_a_secret_personal_column_is_masked(world: World) -> None:
    error = refused(world.officer, f"SELECT name FROM {HOUSEHOLDS}")
    assert error.code == "aggregate"
    MembershipFactory(user=world.officer, agency=world.other, role=Role.ADMIN)  # not the owner
    assert refused(world.officer, f"SELECT name FROM {HOUSEHOLDS}").code == "aggregate"


# --- audit ------------------------------------------------------------------------------------


def test_runs_and_refusals_are_audited(world: World) -> None:
    before = AuditRecord.objects.filter(action="analytics.query").count()
    run(world.viewer, f"SELECT count(*) FROM {HOUSEHOLDS}", channel="workbench")
    refused(world.viewer, f"SELECT name FROM {HOUSEHOLDS}")
    refused(world.outsider, f"SELECT count(*) FROM {HOUSEHOLDS}")
    records = list(AuditRecord.objects.filter(action="analytics.query").order_by("seq")[before:])
    assert [r.outcome for r in records] == ["ok", "denied", "denied"]
    ok = records[0]
    assert ok.actor_label == "farm.viewer"
    assert ok.agency_code == "dept-farm"
    assert ok.detail["channel"] == "workbench"
    assert ok.detail["engine"] == "duckdb"
    assert ok.detail["rows"] == 1
    assert ok.detail["sql"].startswith("SELECT count(*)")
    assert len(ok.detail["sql_sha256"]) == 64
    assert ok.detail["sources"] == [
        {
            "resource_id": str(world.households.pk),
            "name": "dept-farm.farmers.households",
            "mode": "aggregate",
            "masked": ["citizen_id", "name", "bank_account"],
        }
    ]
    assert records[1].detail["error"]["code"] == "aggregate"
    assert records[2].actor_label == "outsider"
    assert records[2].detail["sources"] == []  # the invisible table is not named as a source


def test_synthetic_principals_are_audited_by_label(world: World) -> None:
    query_run(
        principal=principal_public(),
        sql='SELECT 1 FROM "crop-stats"."by-province" LIMIT 1',
        channel="dashboard",
    )
    record = AuditRecord.objects.filter(action="analytics.query").latest("seq")
    assert record.actor_id is None
    assert record.acting_for == "public"


def test_paging_wraps_the_query(world: World) -> None:
    sql = 'SELECT _id, province FROM "crop-stats"."by-province" ORDER BY _id'
    page = run(world.outsider, sql, offset=4, limit=3)
    assert [row[0] for row in page.rows] == [5, 6, 7]
    assert page.offset == 4
    last = run(world.outsider, sql, offset=10, limit=5)
    assert [row[0] for row in last.rows] == [11, 12]


def test_decimal_and_thai_values_come_back_typed(world: World) -> None:
    outcome = run(
        world.outsider, 'SELECT province, area_rai FROM "crop-stats"."by-province" WHERE _id = 1'
    )
    assert outcome.rows == [("เชียงใหม่", Decimal("1000.5"))]
    assert [c.name for c in outcome.columns] == ["province", "area_rai"]


def test_classification_matches_column_names_case_insensitively(world: World) -> None:
    from ddgov.governance.models import ColumnClass

    ColumnClass.objects.filter(resource=world.households, column="citizen_id").update(
        column="Citizen_ID"
    )
    uses = query_sources(
        principal=principal_for_user(user=world.viewer), sql=f"SELECT 1 FROM {HOUSEHOLDS}"
    )
    assert "citizen_id" in uses[0].masked


def test_columns_qualified_with_the_full_name_keep_working(world: World) -> None:
    outcome = run(
        world.steward,
        'SELECT farmers.households.province, "dept-farm".farmers.households._id'
        ' FROM "dept-farm".farmers.households WHERE farmers.households._id = 2',
    )
    assert outcome.rows == [("ขอนแก่น", 2)]


def test_a_prepared_query_can_be_rendered_again(world: World) -> None:
    from ddgov.analytics.access.prepare import sql_prepare, sql_rewrite

    prepared = sql_prepare(
        principal=principal_for_user(user=world.viewer),
        sql=f"SELECT province, count(*) FROM {HOUSEHOLDS} GROUP BY 1",
    )
    first = sql_rewrite(prepared=prepared, offset=0, limit=10)
    second = sql_rewrite(prepared=prepared, offset=10, limit=10)
    assert first.sql.replace("LIMIT 10", "LIMIT 10 OFFSET 10") == second.sql
    assert "farmers" not in first.sql  # only flat names reach the engine
    assert 'COUNT(DISTINCT "households"."_id") >= 5' in first.sql


def test_principals(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert principal_for_user(user=AnonymousUser()) == principal_public()
    assert principal_for_user(user=None) == principal_public()
    steward = principal_for_user(user=world.steward)
    assert steward.label == "user:farm.steward"
    assert steward.user == world.steward
    assert dict(steward.roles) == {world.agency.pk: "data_steward"}
    agency = principal_agency_viewer(agency=world.agency)
    assert agency.label == "agency:dept-farm"
    assert agency.user is None
    assert dict(agency.roles) == {world.agency.pk: "viewer"}
    assert principal_for_user(user=world.platform_admin).platform_admin is True
    world.steward.is_active = False
    world.steward.save(update_fields=["is_active"])
    inactive = principal_for_user(user=world.steward)
    assert dict(inactive.roles) == {}
    error = refused(world.steward, f"SELECT count(*) FROM {HOUSEHOLDS}")
    assert error.code == "table"


def test_inactive_agency_grants_nothing(world: World) -> None:
    world.agency.is_active = False
    world.agency.save(update_fields=["is_active"])
    assert refused(world.steward, f"SELECT count(*) FROM {HOUSEHOLDS}").code == "table"
