"""Dashboard services: who may change what, option checks, refreshing as the least-privileged
audience, the public rule, and the scheduled refresh."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ddgov.analytics.models import Chart, ChartSnapshot, Dashboard
from ddgov.analytics.selectors.dashboards import (
    NotFound,
    dashboard_get_for_viewer,
    dashboard_is_public,
    dashboards_visible,
)
from ddgov.analytics.services.dashboards import (
    REFRESH_JOB,
    DashboardError,
    chart_create,
    chart_update,
    dashboard_chart_add,
    dashboard_create,
    dashboard_item_add,
    dashboard_item_move,
    dashboard_item_remove,
    dashboard_refresh,
    dashboard_update,
    dashboards_refresh_due,
    json_cell,
)
from ddgov.analytics.tests.factories import ChartFactory, DashboardFactory, DashboardItemFactory
from ddgov.analytics.tests.test_dashboards_support import (
    AREA_BY_PROVINCE_SQL,
    HOUSEHOLD_ROWS_SQL,
    HOUSEHOLDS_BY_PROVINCE_SQL,
    World,
    build_world,
)
from ddgov.audit.models import AuditRecord
from ddgov.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def make_dashboard(world: World, *, public: bool, slug: str = "crops") -> Dashboard:
    return dashboard_create(
        actor=world.officer, agency=world.agency, slug=slug, title="พื้นที่เพาะปลูก", public=public
    )


def place(world: World, dashboard: Dashboard, sql: str, *, kind: str = "table", **options) -> Chart:
    chart = chart_create(
        actor=world.officer, query=world.query(sql), title="แผนภูมิ", kind=kind, options=options
    )
    dashboard_item_add(actor=world.officer, dashboard=dashboard, chart=chart)
    return chart


# --- who may change what ---------------------------------------------------------------------


def test_officer_creates_a_dashboard_and_it_is_audited(world):
    dashboard = make_dashboard(world, public=False)
    assert dashboard.owner == world.officer
    record = AuditRecord.objects.get(action="analytics.dashboard.create")
    assert record.actor_id == world.officer.pk
    assert record.agency_code == "dept-farm"
    assert record.target_id == str(dashboard.pk)


@pytest.mark.parametrize("who", ["viewer", "other_officer"])
def test_viewers_and_other_agencies_may_not_create_and_the_refusal_is_audited(world, who):
    with pytest.raises(PermissionDenied):
        dashboard_create(actor=getattr(world, who), agency=world.agency, slug="x", title="x")
    assert not Dashboard.objects.exists()
    assert AuditRecord.objects.filter(
        action="analytics.dashboard.create", outcome=AuditRecord.Outcome.DENIED
    ).exists()


def test_platform_admin_edits_any_agencys_dashboard(world):
    dashboard = make_dashboard(world, public=False)
    dashboard_update(actor=world.platform_admin, dashboard=dashboard, title="ใหม่")
    dashboard.refresh_from_db()
    assert dashboard.title == "ใหม่"


def test_other_agency_may_not_update(world):
    dashboard = make_dashboard(world, public=False)
    with pytest.raises(PermissionDenied):
        dashboard_update(actor=world.other_officer, dashboard=dashboard, title="hijacked")
    dashboard.refresh_from_db()
    assert dashboard.title == "พื้นที่เพาะปลูก"


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "new"}, "slug"),
        ({"title": "  "}, "title"),
        ({"refresh_minutes": 1}, "refresh_minutes"),
        ({"refresh_minutes": 10**6}, "refresh_minutes"),
        ({"colour": "red"}, "__all__"),
    ],
)
def test_bad_dashboard_fields_are_refused_with_bilingual_messages(world, fields, key):
    dashboard = make_dashboard(world, public=False)
    with pytest.raises(DashboardError) as caught:
        dashboard_update(actor=world.officer, dashboard=dashboard, **fields)
    message = caught.value.field_errors[key][0]
    assert " / " in message  # English / ไทย


def test_slug_must_be_unique(world):
    make_dashboard(world, public=False, slug="taken")
    with pytest.raises(DashboardError) as caught:
        make_dashboard(world, public=False, slug="taken")
    assert "slug" in caught.value.field_errors


@pytest.mark.parametrize(
    ("kind", "options", "problem"),
    [
        ("bar", {"y": ["area_rai"]}, "x"),
        ("bar", {"x": "province"}, "(y)"),
        ("line", {"x": "year", "y": ["a", "b"], "series": "province"}, "series"),
        ("choropleth", {"value": "area_rai"}, "province"),
        ("choropleth", {"province": "province", "value": "area_rai", "classes": 12}, "classes"),
        ("pie", {}, "pie"),
    ],
)
def test_chart_options_are_checked_against_the_kind(world, kind, options, problem):
    query = world.query(AREA_BY_PROVINCE_SQL)
    with pytest.raises(DashboardError) as caught:
        chart_create(actor=world.officer, query=query, title="t", kind=kind, options=options)
    text = " ".join(m for ms in caught.value.field_errors.values() for m in ms)
    assert problem in text
    assert not Chart.objects.exists()


def test_chart_options_are_normalised(world):
    query = world.query(AREA_BY_PROVINCE_SQL)
    chart = chart_create(
        actor=world.officer,
        query=query,
        title="t",
        kind="bar",
        options={"x": "province", "y": "area_rai"},
    )
    assert chart.options == {"x": "province", "y": ["area_rai"]}
    chart_update(
        actor=world.officer,
        chart=chart,
        kind="choropleth",
        options={"province": "province", "value": "area_rai"},
    )
    chart.refresh_from_db()
    assert chart.kind == "choropleth"
    assert AuditRecord.objects.filter(action="analytics.chart.update").count() == 1


def test_a_private_saved_query_of_someone_else_cannot_be_charted(world):
    query = world.query(AREA_BY_PROVINCE_SQL, owner=world.steward, shared=False)
    with pytest.raises(PermissionDenied):
        chart_create(actor=world.officer, query=query, title="t", kind="table", options={})
    assert AuditRecord.objects.filter(
        action="analytics.chart.create", outcome=AuditRecord.Outcome.DENIED
    ).exists()


def test_a_chart_of_another_agency_cannot_be_placed(world):
    dashboard = make_dashboard(world, public=False)
    foreign = ChartFactory(query__agency=world.other)
    with pytest.raises(DashboardError) as caught:
        dashboard_item_add(actor=world.officer, dashboard=dashboard, chart=foreign)
    assert "chart" in caught.value.field_errors


def test_a_chart_that_cannot_be_placed_is_not_kept(world):
    foreign = DashboardFactory(agency=world.other)
    with pytest.raises(PermissionDenied):
        dashboard_chart_add(
            actor=world.officer,
            dashboard=foreign,
            query=world.query(AREA_BY_PROVINCE_SQL),
            title="แผนภูมิ",
            kind="table",
        )
    assert not Chart.objects.exists()


def test_items_are_added_moved_and_removed_in_order(world):
    dashboard = make_dashboard(world, public=False)
    charts = [ChartFactory(query=world.query("SELECT 1 AS one"), title=f"c{i}") for i in range(3)]
    for chart in charts:
        dashboard_item_add(actor=world.officer, dashboard=dashboard, chart=chart)

    def order() -> list[str]:
        return [i.chart.title for i in dashboard.items.order_by("position")]

    assert order() == ["c0", "c1", "c2"]
    dashboard_item_move(actor=world.officer, item=dashboard.items.get(chart=charts[2]), position=0)
    assert order() == ["c2", "c0", "c1"]
    dashboard_item_remove(actor=world.officer, item=dashboard.items.get(chart=charts[0]))
    assert order() == ["c2", "c1"]
    assert list(dashboard.items.order_by("position").values_list("position", flat=True)) == [0, 1]
    with pytest.raises(DashboardError):
        dashboard_item_add(actor=world.officer, dashboard=dashboard, chart=charts[1])
    with pytest.raises(DashboardError):
        dashboard_item_add(actor=world.officer, dashboard=dashboard, chart=charts[0], width=5)


# --- refresh ---------------------------------------------------------------------------------


def test_public_dashboard_over_open_data_is_public_after_refresh(world):
    dashboard = make_dashboard(world, public=True)
    chart = place(
        world,
        dashboard,
        AREA_BY_PROVINCE_SQL,
        kind="choropleth",
        province="province",
        value="area_rai",
    )
    assert not dashboard_is_public(dashboard=dashboard)  # not computed yet
    dashboard_refresh(dashboard=dashboard)
    snapshot = ChartSnapshot.objects.get(chart=chart)
    assert snapshot.error == ""
    assert snapshot.run_as == "public"
    assert snapshot.all_sources_open is True
    assert snapshot.columns[0]["name"] == "province"
    assert snapshot.rows[0] == ["ขอนแก่น", 5100]  # DECIMAL sums stored as JSON numbers
    assert snapshot.sources[0]["dataset"] == "crop-stats"
    assert dashboard_is_public(dashboard=dashboard)
    assert dashboard_get_for_viewer(viewer=None, slug="crops") == dashboard
    dashboard.refresh_from_db()
    assert dashboard.refreshed_at is not None
    # The query ran as the public, audited by the access layer; the refresh is audited too.
    ran = AuditRecord.objects.filter(action="analytics.query").last()
    assert ran.detail["channel"] == "dashboard"
    assert ran.detail["principal"] == "public"
    assert AuditRecord.objects.filter(action="analytics.dashboard.refresh").exists()


def test_public_dashboard_over_private_data_stores_the_error_and_stays_internal(world):
    dashboard = make_dashboard(world, public=True)
    chart = place(world, dashboard, HOUSEHOLDS_BY_PROVINCE_SQL)
    dashboard_refresh(dashboard=dashboard)  # must not raise
    snapshot = ChartSnapshot.objects.get(chart=chart)
    assert snapshot.rows == []
    assert "/" in snapshot.error  # the access layer's bilingual "unknown table"
    assert snapshot.all_sources_open is False
    assert not dashboard_is_public(dashboard=dashboard)
    with pytest.raises(NotFound):
        dashboard_get_for_viewer(viewer=None, slug="crops")
    assert dashboard_get_for_viewer(viewer=world.viewer, slug="crops") == dashboard


def test_internal_dashboard_runs_as_any_staff_member_not_as_its_author(world):
    """The steward who could read citizen IDs makes the chart; the viewer role cannot."""
    dashboard = dashboard_create(
        actor=world.steward, agency=world.agency, slug="hh", title="ครัวเรือน"
    )
    rows_chart = chart_create(
        actor=world.steward,
        query=world.query(HOUSEHOLD_ROWS_SQL, owner=world.steward),
        title="rows",
        kind="table",
    )
    counts_chart = chart_create(
        actor=world.steward,
        query=world.query(HOUSEHOLDS_BY_PROVINCE_SQL, owner=world.steward),
        title="counts",
        kind="bar",
        options={"x": "province", "y": ["households"]},
    )
    for chart in (rows_chart, counts_chart):
        dashboard_item_add(actor=world.steward, dashboard=dashboard, chart=chart)
    dashboard_refresh(dashboard=dashboard)

    rows = ChartSnapshot.objects.get(chart=rows_chart)
    assert rows.run_as == "agency:dept-farm"
    assert rows.rows == []  # row-level personal data is refused for the viewer role
    assert rows.error
    counts = ChartSnapshot.objects.get(chart=counts_chart)
    assert counts.error == ""
    assert sorted(r[1] for r in counts.rows) == [10, 10, 10]
    assert counts.sources[0]["mode"] == "aggregate"
    assert counts.all_sources_open is False
    assert not dashboard_is_public(dashboard=dashboard)


def test_turning_public_on_recomputes_for_the_public(world, django_capture_on_commit_callbacks):
    dashboard = make_dashboard(world, public=False)
    chart = place(world, dashboard, AREA_BY_PROVINCE_SQL)
    dashboard_refresh(dashboard=dashboard)
    assert ChartSnapshot.objects.get(chart=chart).run_as == "agency:dept-farm"
    with django_capture_on_commit_callbacks(execute=True):
        dashboard_update(actor=world.officer, dashboard=dashboard, public=True)
    assert ChartSnapshot.objects.get(chart=chart).run_as == "public"
    assert dashboard_is_public(dashboard=dashboard)


def test_a_failing_query_never_raises(world, monkeypatch):
    dashboard = make_dashboard(world, public=True)
    chart = place(world, dashboard, AREA_BY_PROVINCE_SQL)

    def boom(**_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("ddgov.analytics.services.dashboards.query_run", boom)
    dashboard_refresh(dashboard=dashboard)
    snapshot = ChartSnapshot.objects.get(chart=chart)
    assert "disk on fire" not in snapshot.error
    assert "/" in snapshot.error
    assert not dashboard_is_public(dashboard=dashboard)


def test_adding_a_chart_queues_its_refresh(world, django_capture_on_commit_callbacks):
    dashboard = make_dashboard(world, public=True)
    with django_capture_on_commit_callbacks(execute=True):
        chart = place(world, dashboard, AREA_BY_PROVINCE_SQL)
    job = Job.objects.get(kind=REFRESH_JOB)
    assert job.payload == {"dashboard_id": str(dashboard.pk), "chart_ids": [str(chart.pk)]}
    assert job.status == Job.Status.SUCCEEDED  # eager in tests
    assert ChartSnapshot.objects.get(chart=chart).error == ""


def test_refresh_due_queues_only_dashboards_past_their_interval(world):
    now = timezone.now()
    due = DashboardFactory(
        agency=world.agency, refresh_minutes=60, refreshed_at=now - dt.timedelta(minutes=61)
    )
    fresh = DashboardFactory(
        agency=world.agency, refresh_minutes=60, refreshed_at=now - dt.timedelta(minutes=10)
    )
    never = DashboardFactory(agency=world.agency, refreshed_at=None)
    DashboardFactory(agency=world.agency, refreshed_at=None)  # no charts: nothing to refresh
    for dashboard in (due, fresh, never):
        DashboardItemFactory(dashboard=dashboard, chart__query=world.query("SELECT 1 AS one"))

    assert dashboards_refresh_due(now=now) == 2
    queued = {j.payload["dashboard_id"] for j in Job.objects.filter(kind=REFRESH_JOB)}
    assert queued == {str(due.pk), str(never.pk)}
    # Already queued (the worker has not run them yet): not queued twice.
    assert dashboards_refresh_due(now=now) == 0
    assert dashboards_refresh_due(now=now + dt.timedelta(minutes=51)) == 1  # fresh is due now


def test_visibility_lists(world):
    public = make_dashboard(world, public=True, slug="open")
    place(world, public, AREA_BY_PROVINCE_SQL)
    dashboard_refresh(dashboard=public)
    internal = make_dashboard(world, public=False, slug="internal")
    assert list(dashboards_visible(viewer=None)) == [public]
    assert set(dashboards_visible(viewer=world.viewer)) == {public, internal}
    assert list(dashboards_visible(viewer=world.other_officer)) == [public]
    assert set(dashboards_visible(viewer=world.platform_admin)) == {public, internal}


def test_json_cell_keeps_numbers_and_dates():
    from decimal import Decimal

    assert json_cell(Decimal("12.50")) == 12.5
    assert json_cell(Decimal(3)) == 3
    assert json_cell(dt.date(2024, 1, 2)) == "2024-01-02"
    assert json_cell(float("nan")) is None
    assert json_cell([Decimal(1), None]) == [1, None]
