"""Dashboard pages: the list, a dashboard, embed, JSON, and the staff editor's forms."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ddgov.analytics.models import Chart, ChartSnapshot, Dashboard, DashboardItem
from ddgov.analytics.services.dashboards import (
    chart_create,
    dashboard_create,
    dashboard_item_add,
    dashboard_refresh,
)
from ddgov.analytics.tests.test_dashboards_support import (
    AREA_BY_PROVINCE_SQL,
    AREA_BY_YEAR_SQL,
    HOUSEHOLDS_BY_PROVINCE_SQL,
    World,
    build_world,
)
from ddgov.audit.models import AuditRecord
from ddgov.identity.tests.factories import TEST_PASSWORD
from ddgov.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def public_dashboard(world: World, slug: str = "crops") -> Dashboard:
    """A public dashboard over open data with a map, a bar chart, a line chart and a table."""
    dashboard = dashboard_create(
        actor=world.officer,
        agency=world.agency,
        slug=slug,
        title="พื้นที่เพาะปลูก",
        title_en="Planted area",
        public=True,
    )
    by_province = world.query(AREA_BY_PROVINCE_SQL)
    by_year = world.query(AREA_BY_YEAR_SQL)
    specs = [
        (by_province, "แผนที่พื้นที่", "choropleth", {"province": "province", "value": "area_rai"}),
        (by_province, "พื้นที่รายจังหวัด", "bar", {"x": "province", "y": ["area_rai"]}),
        (by_year, "แนวโน้ม", "line", {"x": "year", "y": ["area_rai"], "series": "province"}),
        (by_province, "ตาราง", "table", {}),
    ]
    for query, title, kind, options in specs:
        chart = chart_create(
            actor=world.officer, query=query, title=title, kind=kind, options=options
        )
        dashboard_item_add(actor=world.officer, dashboard=dashboard, chart=chart)
    dashboard_refresh(dashboard=dashboard)
    return dashboard


def internal_dashboard(world: World) -> Dashboard:
    dashboard = dashboard_create(
        actor=world.officer, agency=world.agency, slug="hh", title="ครัวเรือน"
    )
    chart = chart_create(
        actor=world.officer,
        query=world.query(HOUSEHOLDS_BY_PROVINCE_SQL),
        title="ครัวเรือนรายจังหวัด",
        kind="bar",
        options={"x": "province", "y": ["households"]},
    )
    dashboard_item_add(actor=world.officer, dashboard=dashboard, chart=chart)
    dashboard_refresh(dashboard=dashboard)
    return dashboard


def test_public_dashboard_page_shows_server_rendered_charts(world, client):
    public_dashboard(world)
    response = client.get(reverse("analytics:dashboard", kwargs={"slug": "crops"}))
    assert response.status_code == 200
    html = response.content.decode()
    # The map, and bar and line charts each drawn wide and narrow (for phones); the table is a table.
    assert html.count("<svg") == 5
    assert html.count('class="chart-wide"') == 2
    assert html.count('class="chart-narrow"') == 2
    assert 'class="chart-svg chart-map"' in html
    assert 'data-code="40"' in html
    assert 'data-name="ขอนแก่น"' in html
    assert "<title" in html
    assert "<desc" in html
    assert "5,100" in html  # Khon Kaen's area, grouped the Thai way
    assert "<script" not in html.split("<main", 1)[1]  # no chart library
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)  # nothing from another host
    assert reverse("catalog:dataset", args=["crop-stats"]) in html  # source linked
    assert reverse("analytics:dashboard_embed", kwargs={"slug": "crops"}) in html


def test_english_reader_gets_the_english_title_and_names(world, client):
    public_dashboard(world)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("analytics:dashboard", kwargs={"slug": "crops"})).content.decode()
    assert "Planted area" in html
    assert 'data-name="Khon Kaen"' in html


def test_non_public_dashboard_is_404_to_outsiders_and_shown_to_its_staff(world, client):
    internal_dashboard(world)
    url = reverse("analytics:dashboard", kwargs={"slug": "hh"})
    assert client.get(url).status_code == 404
    assert signed_in(world.other_officer).get(url).status_code == 404
    assert client.get(reverse("analytics:dashboard_data", kwargs={"slug": "hh"})).status_code == 404
    response = signed_in(world.viewer).get(url)
    assert response.status_code == 200
    assert "<svg" in response.content.decode()


def test_embed_only_for_public_dashboards_and_frameable(world, client):
    public_dashboard(world)
    internal_dashboard(world)
    response = client.get(reverse("analytics:dashboard_embed", kwargs={"slug": "crops"}))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "site-header" not in response.content.decode()
    page = client.get(reverse("analytics:dashboard", kwargs={"slug": "crops"}))
    assert page.headers["X-Frame-Options"] == "DENY"
    for who in (client, signed_in(world.officer)):  # not even its own staff can embed it
        assert (
            who.get(reverse("analytics:dashboard_embed", kwargs={"slug": "hh"})).status_code == 404
        )


def test_dashboard_stops_being_public_when_a_source_is_not_open(world, client):
    dashboard = public_dashboard(world)
    world.crops.private = True
    world.crops.save()
    dashboard_refresh(dashboard=dashboard)
    assert client.get(reverse("analytics:dashboard", kwargs={"slug": "crops"})).status_code == 404
    assert (
        client.get(reverse("analytics:dashboard_embed", kwargs={"slug": "crops"})).status_code
        == 404
    )
    html = (
        signed_in(world.officer)
        .get(reverse("analytics:dashboard", kwargs={"slug": "crops"}))
        .content.decode()
    )
    assert 'data-testid="internal-badge"' in html
    assert 'data-testid="chart-error"' in html


def test_data_json(world, client):
    public_dashboard(world)
    response = client.get(reverse("analytics:dashboard_data", kwargs={"slug": "crops"}))
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["public"] is True
    assert [c["kind"] for c in data["charts"]] == ["choropleth", "bar", "line", "table"]
    assert data["charts"][0]["rows"][0] == ["ขอนแก่น", 5100]
    assert data["charts"][0]["sources"][0]["open"] is True


def test_list_shows_public_dashboards_and_the_agencys_own(world, client):
    public_dashboard(world)
    internal_dashboard(world)
    url = reverse("analytics:dashboards")
    html = client.get(url).content.decode()
    assert "พื้นที่เพาะปลูก" in html
    assert "ครัวเรือน<" not in html
    assert reverse("analytics:dashboard_new") not in html
    staff = signed_in(world.officer).get(url).content.decode()
    assert "พื้นที่เพาะปลูก" in staff
    assert reverse("analytics:dashboard", kwargs={"slug": "hh"}) in staff
    assert reverse("analytics:dashboard_new") in staff


def test_staff_create_a_dashboard_and_add_a_chart_through_the_forms(
    world, django_capture_on_commit_callbacks
):
    officer = signed_in(world.officer)
    response = officer.post(
        reverse("analytics:dashboard_new"),
        {
            "agency": world.agency.pk,
            "slug": "area",
            "title": "พื้นที่",
            "public": "on",
            "refresh_minutes": "60",
        },
    )
    assert response.status_code == 302
    dashboard = Dashboard.objects.get(slug="area")
    assert dashboard.public
    assert dashboard.refresh_minutes == 60
    query = world.query(AREA_BY_PROVINCE_SQL)
    new_chart = reverse("analytics:dashboard_chart_new", kwargs={"slug": "area"})
    page = officer.get(new_chart, {"query": query.pk})
    assert page.status_code == 200
    assert 'value="area_rai"' in page.content.decode()  # the query's columns, read as the public
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            new_chart,
            {
                "save": "1",
                "query": query.pk,
                "title": "แผนที่",
                "kind": "choropleth",
                "width": "12",
                "province": "province",
                "value": "area_rai",
                "classes": "4",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    chart = Chart.objects.get(title="แผนที่")
    assert chart.options == {"province": "province", "value": "area_rai", "classes": 4}
    assert DashboardItem.objects.get(chart=chart).width == 12
    assert ChartSnapshot.objects.get(chart=chart).run_as == "public"  # refresh ran (eager)


def test_chart_form_errors_are_shown(world):
    dashboard_create(actor=world.officer, agency=world.agency, slug="area", title="พื้นที่")
    query = world.query(AREA_BY_PROVINCE_SQL)
    response = signed_in(world.officer).post(
        reverse("analytics:dashboard_chart_new", kwargs={"slug": "area"}),
        {"save": "1", "query": query.pk, "title": "x", "kind": "bar", "width": "6"},
    )
    assert response.status_code == 400
    assert 'data-testid="form-errors"' in response.content.decode()
    assert not Chart.objects.exists()


def test_viewer_may_look_but_not_edit(world):
    internal_dashboard(world)
    viewer = signed_in(world.viewer)
    assert viewer.get(reverse("analytics:dashboard_edit", kwargs={"slug": "hh"})).status_code == 403
    response = viewer.post(reverse("analytics:dashboard_refresh", kwargs={"slug": "hh"}))
    assert response.status_code == 403
    assert AuditRecord.objects.filter(
        action="analytics.dashboard.edit", outcome=AuditRecord.Outcome.DENIED
    ).exists()


def test_reorder_resize_remove_and_refresh_from_the_editor(
    world, django_capture_on_commit_callbacks
):
    dashboard = public_dashboard(world)
    officer = signed_in(world.officer)
    items = list(dashboard.items.order_by("position"))
    url = reverse("analytics:dashboard_item", kwargs={"slug": "crops", "item_id": items[1].pk})
    assert officer.post(url, {"action": "up"}).status_code == 302
    assert dashboard.items.order_by("position").first() == items[1]
    assert officer.post(url, {"action": "width", "width": "12"}).status_code == 302
    items[1].refresh_from_db()
    assert items[1].width == 12
    assert officer.post(url, {"action": "remove"}).status_code == 302
    assert dashboard.items.count() == 3
    assert officer.post(url, {"action": "explode"}).status_code == 404  # gone now
    Job.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(reverse("analytics:dashboard_refresh", kwargs={"slug": "crops"}))
    assert response.status_code == 302
    assert Job.objects.get().status == Job.Status.SUCCEEDED
    html = officer.get(
        reverse("analytics:dashboard_edit", kwargs={"slug": "crops"})
    ).content.decode()
    assert html.count("<li data-chart=") == 3


def test_editor_requires_csrf(world):
    internal_dashboard(world)
    client = Client(enforce_csrf_checks=True)
    client.login(username=world.officer.username, password=TEST_PASSWORD)
    response = client.post(reverse("analytics:dashboard_refresh", kwargs={"slug": "hh"}))
    assert response.status_code == 403


def test_change_a_chart_in_the_editor(world):
    dashboard = public_dashboard(world)
    chart = dashboard.items.get(chart__kind="table").chart
    officer = signed_in(world.officer)
    url = reverse("analytics:dashboard_chart_edit", kwargs={"slug": "crops", "chart_id": chart.pk})
    page = officer.get(url)
    assert page.status_code == 200
    assert 'value="area_rai"' in page.content.decode()
    response = officer.post(
        url,
        {
            "query": chart.query_id,
            "title": "พื้นที่ (แท่ง)",
            "kind": "bar",
            "x": "province",
            "y": ["area_rai"],
            "sort": "desc",
        },
    )
    assert response.status_code == 302
    chart.refresh_from_db()
    assert chart.kind == "bar"
    assert chart.options == {"x": "province", "y": ["area_rai"], "sort": "desc"}
    html = (
        signed_in(world.viewer)
        .get(reverse("analytics:dashboard", kwargs={"slug": "crops"}))
        .content.decode()
    )
    assert html.count('class="chart-svg chart-bar"') == 4  # two bar charts, wide and narrow
