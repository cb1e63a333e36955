"""Dashboards in a browser: a public dashboard with server-rendered SVG charts and the map of
Thailand, its embeddable view framed by another page, a non-public dashboard hidden from the
public, and a staff member building a chart through the editor.

The agency's open crop statistics and a private household register are written into the lake
(``test_dashboards_support``); dashboards are built through the services and refreshed as the
worker would. Each step saves a full-page screenshot under test-results/dashboards/.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from ddgov.analytics.charts.svg import NO_DATA
from ddgov.analytics.models import Chart, Dashboard
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
from ddgov.identity.tests.factories import TEST_PASSWORD

from .support import sign_in, tr
from .test_accessibility import _AX_JS, CONTROLS, _unnamed_controls

if TYPE_CHECKING:
    from .conftest import Traffic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "dashboards"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("async () => { await document.fonts.ready; }")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def world() -> World:
    world = build_world()
    public = dashboard_create(
        actor=world.officer,
        agency=world.agency,
        slug="crops",
        title="พื้นที่เพาะปลูกรายจังหวัด",
        title_en="Planted area by province",
        description="ข้อมูลเปิดจากสถิติการเพาะปลูก",
        public=True,
    )
    by_province = world.query(AREA_BY_PROVINCE_SQL)
    by_year = world.query(AREA_BY_YEAR_SQL)
    for query, title, kind, options, width in (
        (
            by_province,
            "แผนที่พื้นที่เพาะปลูก",
            "choropleth",
            {"province": "province", "value": "area_rai"},
            6,
        ),
        (by_province, "พื้นที่รายจังหวัด", "bar", {"x": "province", "y": ["area_rai"]}, 6),
        (by_year, "แนวโน้มรายปี", "line", {"x": "year", "y": ["area_rai"], "series": "province"}, 8),
        (by_province, "ตารางพื้นที่", "table", {}, 4),
    ):
        chart = chart_create(
            actor=world.officer, query=query, title=title, kind=kind, options=options
        )
        dashboard_item_add(actor=world.officer, dashboard=public, chart=chart, width=width)
    dashboard_refresh(dashboard=public)

    internal = dashboard_create(
        actor=world.officer, agency=world.agency, slug="households", title="ครัวเรือนเกษตรกร"
    )
    chart = chart_create(
        actor=world.officer,
        query=world.query(HOUSEHOLDS_BY_PROVINCE_SQL),
        title="ครัวเรือนรายจังหวัด",
        kind="bar",
        options={"x": "province", "y": ["households"]},
    )
    dashboard_item_add(actor=world.officer, dashboard=internal, chart=chart)
    dashboard_refresh(dashboard=internal)
    return world


def test_public_dashboard_shows_svg_charts_and_the_map(
    page: Page, world: World, traffic: Traffic
) -> None:
    page.goto("/analytics/dashboards/")
    page.get_by_role("link", name="พื้นที่เพาะปลูกรายจังหวัด").click()
    expect(page).to_have_url(re.compile(r"/analytics/d/crops/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("พื้นที่เพาะปลูกรายจังหวัด")
    expect(page.locator("svg.chart-svg:visible")).to_have_count(3)

    # The map: all 77 provinces drawn, the ones with data shaded, each named for screen readers.
    map_svg = page.locator("svg.chart-map")
    expect(map_svg).to_have_attribute("role", "img")
    expect(map_svg.locator("path.province")).to_have_count(77)
    khon_kaen = map_svg.locator("path[data-code='40']")
    expect(khon_kaen).to_have_attribute("data-name", "ขอนแก่น")
    assert khon_kaen.get_attribute("fill") != NO_DATA
    assert map_svg.locator("path[data-code='83']").get_attribute("fill") == NO_DATA  # Phuket: none
    expect(map_svg.locator("title").first).to_have_text("แผนที่พื้นที่เพาะปลูก")
    box = map_svg.bounding_box()
    assert box is not None
    assert box["height"] > 300

    # Bars: the longest bar is the largest province.
    bars = page.locator("svg.chart-bar:visible rect.bar")
    expect(bars).to_have_count(5)
    boxes = {b.get_attribute("data-value"): b.bounding_box() for b in bars.all()}
    areas = {value: box["width"] * box["height"] for value, box in boxes.items()}  # same thickness
    assert max(areas, key=areas.get) == "5100.0"
    assert min(areas, key=areas.get) == "10.0"

    # Lines: one per province, in the legend too.
    expect(page.locator("svg.chart-line:visible g.chart-series")).to_have_count(5)

    # The fallback table of the map opens; the table chart is a table outright.
    figure = page.locator("figure[data-kind=choropleth]")
    figure.get_by_text(tr("Show the data as a table")).click()
    expect(figure.locator("table.chart-table tbody tr")).to_have_count(5)
    expect(figure.locator("table.chart-table")).to_contain_text("5,100")
    expect(page.locator("figure[data-kind=table] table.chart-table tbody tr")).to_have_count(5)
    expect(page.get_by_test_id("public-badge")).to_be_visible()
    shot(page, "public-dashboard")

    found = page.evaluate(_AX_JS, CONTROLS)
    assert found["dangling"] == []
    assert _unnamed_controls(page) == []
    assert traffic.off_loopback() == []

    # On a phone the narrow drawings replace the wide ones, so their text stays readable.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator(".chart-wide")).to_have_count(2)
    expect(page.locator(".chart-wide:visible")).to_have_count(0)
    expect(page.locator(".chart-narrow svg:visible")).to_have_count(2)
    label = page.locator(".chart-narrow svg.chart-bar text").first.bounding_box()
    assert label is not None
    assert label["height"] >= 9  # px: legible
    shot(page, "public-dashboard-phone")

    page.goto("/analytics/d/crops/data.json")
    assert '"public": true' in page.content()


@pytest.fixture
def other_site(live_server) -> Iterator[str]:
    """Another web site (its own origin on loopback) whose page frames the embeddable view."""
    html = (
        '<!doctype html><meta charset="utf-8"><title>เว็บไซต์อื่น</title><h1>เว็บไซต์อื่น</h1>'
        f'<iframe id="dash" src="{live_server.url}/analytics/d/crops/embed/" width="1000" '
        'height="1600" title="แดชบอร์ด"></iframe>'
    ).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_embed_works_in_another_pages_frame(
    page: Page, world: World, live_server, other_site: str
) -> None:
    page.goto(other_site)
    frame = page.frame_locator("#dash")
    expect(frame.locator("h1")).to_have_text("พื้นที่เพาะปลูกรายจังหวัด")
    expect(frame.locator("svg.chart-map path.province")).to_have_count(77)
    expect(frame.locator("svg.chart-svg:visible")).to_have_count(3)
    expect(frame.locator(".site-header")).to_have_count(0)
    shot(page, "embedded")

    # The full page refuses to be framed; a non-public dashboard has no embed at all.
    response = page.request.get(f"{live_server.url}/analytics/d/crops/")
    assert response.headers["x-frame-options"] == "DENY"
    assert page.request.get(f"{live_server.url}/analytics/d/households/embed/").status == 404


def test_non_public_dashboard_is_404_to_anonymous_and_shown_to_staff(
    page: Page, world: World
) -> None:
    response = page.goto("/analytics/d/households/")
    assert response is not None
    assert response.status == 404
    page.goto("/analytics/dashboards/")
    expect(page.get_by_role("link", name="ครัวเรือนเกษตรกร")).to_have_count(0)

    page.goto("/accounts/login/?next=/analytics/d/households/")
    sign_in(page, world.viewer.username, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/analytics/d/households/$"))
    expect(page.get_by_test_id("internal-badge")).to_be_visible()
    expect(page.locator("svg.chart-bar:visible rect.bar")).to_have_count(3)
    shot(page, "internal-dashboard")


def test_officer_builds_a_map_in_the_editor(page: Page, world: World) -> None:
    query = world.query(AREA_BY_PROVINCE_SQL)
    query.title = "พื้นที่รวมรายจังหวัด"
    query.save()
    page.goto("/accounts/login/?next=/analytics/dashboards/new/")
    sign_in(page, world.officer.username, TEST_PASSWORD)
    page.get_by_label(tr("Address")).fill("new-map")
    page.get_by_label(tr("Title (Thai)")).fill("แผนที่ใหม่")
    page.get_by_label(tr("Public: anyone may see and embed it")).check()
    page.get_by_role("button", name=tr("Create dashboard")).click()
    expect(page).to_have_url(re.compile(r"/analytics/d/new-map/edit/$"))
    shot(page, "editor-empty")

    page.get_by_label(tr("From the saved query")).select_option(label="พื้นที่รวมรายจังหวัด")
    page.get_by_role("button", name=tr("Choose the chart type")).click()
    page.get_by_label(tr("Chart title")).fill("แผนที่พื้นที่")
    page.get_by_label(tr("Chart type")).select_option("choropleth")
    page.get_by_label(tr("Province (name or code)")).select_option("province")
    page.get_by_label(tr("Value shaded on the map")).select_option("area_rai")
    page.get_by_label(tr("Width on the page")).select_option("12")
    assert _unnamed_controls(page) == []
    shot(page, "chart-form")
    page.get_by_role("button", name=tr("Add chart")).click()
    expect(page).to_have_url(re.compile(r"/analytics/d/new-map/edit/$"))
    chart = Chart.objects.get(title="แผนที่พื้นที่")
    assert chart.options["province"] == "province"

    page.get_by_role("link", name=tr("View dashboard")).click()
    expect(page.locator("svg.chart-map path.province")).to_have_count(77)
    expect(page.get_by_test_id("public-badge")).to_be_visible()
    assert Dashboard.objects.get(slug="new-map").public
    shot(page, "new-dashboard")
