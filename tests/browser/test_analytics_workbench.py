"""The SQL workbench in a browser: a data steward runs queries, pages, sees an error's line,
saves a query and opens it again; every control is named and nothing leaves 127.0.0.1.

The tables are those of the workbench's unit tests (``test_workbench_support``): a private
farm registry of the steward's agency and another agency's open statistics.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from ddgov.analytics.models import SavedQuery
from ddgov.analytics.tests.test_workbench_support import PLOTS, STATS, World, world_build
from ddgov.identity.tests.factories import TEST_PASSWORD

from .support import expect_language, sign_in, tr
from .test_accessibility import _AX_JS, CONTROLS, _unnamed_controls

if TYPE_CHECKING:
    from .conftest import Traffic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "analytics-workbench"


@pytest.fixture
def world() -> World:
    """Two agencies, their staff and their tables."""
    return world_build()


def _saved_query_label(message: str) -> str:
    """A label the page translates in the "saved query" context."""
    with translation.override("th"):
        return translation.pgettext("saved query", message)


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _run(page: Page) -> None:
    """Run the editor's SQL with Ctrl+Enter and wait for the API's answer."""
    with page.expect_response(re.compile(r"/analytics/api/query$")):
        page.locator("#wb-sql").press("Control+Enter")


def test_steward_runs_pages_fixes_saves_and_reopens(  # noqa: PLR0915 - one story, step by step
    page: Page, world: World, traffic: Traffic
) -> None:
    page.goto("/analytics/workbench/")
    sign_in(page, "steward", TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/analytics/workbench/$"))
    expect_language(page, "th")
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("SQL workbench"))
    browser_panel = page.locator(".wb-browser")
    expect(browser_panel).to_contain_text(PLOTS)
    expect(browser_panel).to_contain_text(STATS)

    # Run a grouped query with Ctrl+Enter: five provinces, the engine and the time are shown.
    editor = page.get_by_label("SQL", exact=True)
    editor.fill(
        f"SELECT province, count(*) AS n\nFROM {STATS}\nGROUP BY province\nORDER BY province"
    )
    _run(page)
    rows = page.locator("#wb-result-table tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("#wb-result-table thead")).to_contain_text("province")
    expect(page.locator("#wb-status")).to_contain_text("duckdb")
    expect(page.locator("#wb-status")).to_contain_text("ms")
    _shot(page, "1-result")

    # Page through 120 rows, 50 at a time, without reloading the page.
    page.get_by_label(tr("Rows per page"), exact=True).select_option("50")
    editor.fill("SELECT range AS n FROM range(120) ORDER BY n")
    _run(page)
    expect(rows).to_have_count(50)
    expect(rows.first).to_have_text("0")
    with page.expect_response(re.compile(r"/analytics/api/query$")):
        page.get_by_role("button", name=tr("Next page"), exact=True).click()
    expect(rows.first).to_have_text("50")
    with page.expect_response(re.compile(r"/analytics/api/query$")):
        page.get_by_role("button", name=tr("Next page"), exact=True).click()
    expect(rows).to_have_count(20)
    expect(page.get_by_role("button", name=tr("Next page"), exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name=tr("Previous page"), exact=True)).to_be_visible()

    # An unknown column: the message names the line and column, and line 2 is marked.
    editor.fill(f"SELECT province,\n  rainfall\nFROM {STATS}")
    _run(page)
    alert = page.locator("#wb-error")
    expect(alert).to_be_visible()
    where = tr("Line %(line)s, column %(column)s") % {"line": 2, "column": 3}
    expect(alert).to_contain_text(where)
    expect(alert).to_contain_text("rainfall")
    expect(page.locator("#wb-gutter span.is-error")).to_have_text("2")
    expect(editor).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#wb-highlight")).to_be_visible()
    _shot(page, "2-error")

    # Fix it and save it, shared with the agency; the page comes back with the query open.
    sql = (
        f"SELECT province, sum(area_rai) AS rai\nFROM {PLOTS}\nGROUP BY province\nORDER BY province"
    )
    editor.fill(sql)
    _run(page)
    expect(alert).to_be_hidden()
    expect(rows).to_have_count(4)
    page.locator("#wb-save summary").click()
    page.get_by_label(_saved_query_label("Title"), exact=True).fill("พื้นที่เพาะปลูกรายจังหวัด")
    page.get_by_label(tr("Share with my agency"), exact=True).check()
    with page.expect_navigation():
        page.locator("#wb-save-button").click()
    saved = SavedQuery.objects.get()
    assert saved.shared is True
    assert saved.owner == world.steward
    expect(page).to_have_url(re.compile(rf"\?open={saved.pk}$"))
    expect(page.locator(".messages")).to_contain_text(tr("Query saved."))
    _shot(page, "3-saved")

    # Reopen it from a fresh page through the saved-queries list and run it again.
    page.goto("/analytics/workbench/")
    expect(editor).to_have_value("")
    listing = page.get_by_role(
        "table", name=tr("Your saved queries and those shared in your agencies")
    )
    with page.expect_navigation():
        listing.get_by_role("link", name="พื้นที่เพาะปลูกรายจังหวัด").click()
    expect(editor).to_have_value(sql)
    _run(page)
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("ขอนแก่น")

    # Every control is named; no ARIA reference dangles; nothing went off the machine.
    found = page.evaluate(_AX_JS, CONTROLS)
    assert found["dangling"] == []
    assert _unnamed_controls(page) == []
    assert traffic.off_loopback() == []
