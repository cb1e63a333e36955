"""The open-data catalog in a browser: a citizen searches in Thai, a data steward publishes.

Each step saves a full-page screenshot under test-results/catalog/ (gitignored) so the layout can
be looked at in Thai and English.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.tests.views_support import Catalog, build_catalog
from ddgov.identity.tests.factories import TEST_PASSWORD

from .support import expect_language, language_switch, sign_in, tr

if TYPE_CHECKING:
    from .conftest import Traffic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURE_CSV = Path(__file__).parent / "fixtures" / "population_subdistrict_2566_head.csv"
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "catalog"

_DANGLING_JS = """
() => {
  const bad = [];
  for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby]")) {
    for (const attr of ["aria-describedby", "aria-labelledby"]) {
      for (const id of (el.getAttribute(attr) || "").split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) bad.push(`${el.tagName} ${attr}=${id}`);
      }
    }
  }
  for (const label of document.querySelectorAll("label[for]")) {
    if (!document.getElementById(label.htmlFor)) bad.push(`label for=${label.htmlFor}`);
  }
  return bad;
}
"""


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot of the current page, and check its ARIA references."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("async () => { await document.fonts.ready; }")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert page.evaluate(_DANGLING_JS) == []


def field(page: Page, label: str, context: str = "", language: str = "th") -> Locator:
    """A form control by its visible label (which may end with the "required" marker)."""
    required = re.escape(tr("required", language))
    with translation.override(language):
        text = translation.pgettext(context, label) if context else translation.gettext(label)
    return page.locator("main").get_by_label(re.compile(rf"^{re.escape(text)}(\s+{required})?$"))


@pytest.fixture
def catalog() -> Catalog:
    return build_catalog()


def _search_and_filter(page: Page) -> Locator:
    """From the front page to a Thai search, then one organisation facet; return the results."""
    page.goto("/")
    page.locator("header").get_by_role("link", name=tr("Open data"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/dataset/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Open government data"))

    # A word inside unsegmented Thai text is found.
    page.get_by_role("searchbox", name=tr("Search datasets")).fill("ผู้สูงอายุ")
    with page.expect_navigation():
        page.get_by_role("search").get_by_role("button", name=tr("Search"), exact=True).click()
    results = page.locator("ol.result-list > li")
    expect(results).to_have_count(1)
    expect(results.first.get_by_role("link")).to_have_text("จำนวนผู้สูงอายุรายจังหวัด")
    shot(page, "01-search-th")

    # A facet narrows the results (and shows as a removable chosen filter).
    facet = page.get_by_role("complementary").locator(
        "section", has=page.get_by_role("heading", name=tr("Organisations"))
    )
    with page.expect_navigation():
        facet.get_by_role("link", name=re.compile("กรมสถิติทดสอบ")).click()
    expect(page).to_have_url(re.compile(r"organization=dept-stat"))
    expect(page.get_by_role("searchbox", name=tr("Search datasets"))).to_have_value("ผู้สูงอายุ")
    expect(results).to_have_count(1)
    expect(page.locator("a.chip")).to_contain_text("กรมสถิติทดสอบ")
    shot(page, "02-search-facet-th")
    return results


def _dataset_and_resource(page: Page, results: Locator) -> None:
    """The dataset page (Thai metadata, API examples), then the resource's preview and chart."""
    with page.expect_navigation():
        results.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("จำนวนผู้สูงอายุรายจังหวัด")
    metadata = page.get_by_role("table", name=tr("Thai Government Data Catalog metadata"))
    expect(metadata.get_by_role("row", name=re.compile(tr("Data source")))).to_contain_text(
        "กรมการปกครอง"
    )
    expect(page.locator("[data-slot=quality]")).to_have_count(1)
    expect(page.locator(".api pre").first).to_contain_text("package_show?id=elderly-by-province")
    shot(page, "03-dataset-th")

    with page.expect_navigation():
        page.get_by_role("link", name="ประชากรรายตำบล").click()
    preview = page.locator("table.preview")
    expect(preview.locator("tbody tr")).to_have_count(50)
    chart = page.locator("figure.chart svg")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(3)
    shot(page, "04-resource-th")
    with page.expect_navigation():
        page.get_by_role("navigation", name=tr("Pages")).get_by_role(
            "link", name=tr("Next"), exact=False
        ).click()
    expect(preview.locator("tbody tr")).to_have_count(10)
    expect(preview.locator("caption")).to_contain_text("51")


def test_citizen_searches_in_thai_filters_and_previews(
    page: Page, catalog: Catalog, traffic: Traffic
) -> None:
    results = _search_and_filter(page)
    _dataset_and_resource(page, results)

    # Switch to English: the same pages in English.
    language_switch(page, "en")
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    expect(page.locator("figure.chart svg")).to_be_visible()
    shot(page, "05-resource-en")
    page.get_by_role("link", name="จำนวนผู้สูงอายุรายจังหวัด").first.click()
    expect_language(page, "en")
    expect(page.get_by_role("table", name="Thai Government Data Catalog metadata")).to_contain_text(
        "Statistical data"
    )
    shot(page, "06-dataset-en")
    page.goto("/dataset/?q=ผู้สูงอายุ")
    expect(page.get_by_role("heading", name="Datasets found: 1")).to_be_visible()
    shot(page, "07-search-en")
    assert traffic.off_loopback() == []


def _fill_dataset_form_without_data_source(page: Page) -> None:
    field(page, "Title", "dataset").fill("ประชากรรายตำบล พ.ศ. 2566")
    field(page, "URL name").fill("population-subdistrict-2566")
    field(page, "Description").fill("จำนวนประชากรและบ้านตามทะเบียนราษฎร รายตำบล")
    field(page, "Keywords").fill("ประชากร, ตำบล")
    page.get_by_role("group", name=tr("Focus areas")).get_by_label("สาธารณสุข").check()
    field(page, "Data type").select_option("statistical")
    field(page, "Contact person or unit").fill("สำนักบริหารการทะเบียน")
    field(page, "Contact e-mail").fill("bora@example.go.th")
    objective = page.get_by_role("group", name=re.compile(tr("Objective")))
    objective.get_by_role("checkbox").first.check()
    field(page, "Update frequency").select_option("yearly")
    field(page, "Geographic coverage").select_option("subdistrict")
    field(page, "Data format").fill("CSV")
    field(page, "Data category").select_option("public")
    field(page, "Licence").select_option("Open-D")


def _create_dataset_after_one_error(page: Page) -> None:
    """Sign in, fill the form but the data source, see the error, fix it, create the dataset."""
    page.goto("/accounts/login/?next=/dataset/")
    sign_in(page, "somchai.steward", TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dataset/$"))
    with page.expect_navigation():
        page.get_by_role("link", name=tr("New dataset"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("New dataset"))
    _fill_dataset_form_without_data_source(page)
    with page.expect_navigation():
        page.get_by_role("button", name=tr("Create dataset")).click()

    # The error is shown in both languages next to the field, and in the summary; nothing saved.
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    source = field(page, "Data source")
    expect(source).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_data_source_error")).to_have_text(
        re.compile("Missing value / กรุณากรอกข้อมูล")
    )
    expect(field(page, "Title", "dataset")).to_have_value("ประชากรรายตำบล พ.ศ. 2566")
    assert not Dataset.objects.filter(name="population-subdistrict-2566").exists()
    shot(page, "10-new-dataset-error-th")

    source.fill("กรมการปกครอง")
    with page.expect_navigation():
        page.get_by_role("button", name=tr("Create dataset")).click()
    expect(page).to_have_url(re.compile(r"/dataset/population-subdistrict-2566/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ประชากรรายตำบล พ.ศ. 2566")
    shot(page, "11-dataset-created-th")


def _upload_until_ready(page: Page) -> Locator:
    """Upload the CSV slice; the upload and then the ingest progress show until "ready"."""
    with page.expect_navigation():
        page.get_by_role("link", name=tr("Upload a file"), exact=True).click()
    page.get_by_label(re.compile(rf"^{re.escape(tr('File'))}")).set_input_files(str(FIXTURE_CSV))
    field(page, "Name", "resource").fill("ประชากรรายตำบล 2566 (ตัวอย่าง)")
    page.locator("main form").get_by_role("button", name=tr("Upload"), exact=True).click()
    expect(page.locator("#upload-bar")).to_be_visible()
    expect(page.locator(".ingest-status-text")).to_have_text(tr("Ready"), timeout=30_000)
    expect(page.locator("#ingest-bar")).to_have_js_property("value", 1)
    open_link = page.get_by_role("link", name=tr("Open the resource and its preview"))
    expect(open_link).to_be_visible()
    shot(page, "12-upload-ready-th")

    resource = Resource.objects.get(name="ประชากรรายตำบล 2566 (ตัวอย่าง)")
    version = resource.versions.get()
    assert version.status == ResourceVersion.Status.SUCCEEDED, version.message
    assert version.row_count == 40
    return open_link


def test_steward_creates_a_dataset_uploads_a_csv_and_sees_the_preview(
    page: Page, catalog: Catalog, traffic: Traffic
) -> None:
    _create_dataset_after_one_error(page)
    open_link = _upload_until_ready(page)

    with page.expect_navigation():
        open_link.click()
    preview = page.locator("table.preview")
    expect(preview.locator("tbody tr")).to_have_count(40)
    expect(preview).to_contain_text("พระบรมมหาราชวัง")
    expect(page.locator("figure.chart svg rect").first).to_be_visible()
    shot(page, "13-resource-uploaded-th")

    # The inferred types can be corrected: the numbers were read as whole numbers.
    with page.expect_navigation():
        page.get_by_role("link", name=tr("Correct column types")).click()
    expect(page.get_by_role("combobox", name="total", exact=True)).to_have_value("integer")
    expect(page.get_by_role("combobox", name="province-name", exact=True)).to_have_value("string")
    shot(page, "15-schema-th")
    page.go_back()

    language_switch(page, "en")
    expect(page.get_by_role("heading", name="Columns")).to_be_visible()
    shot(page, "14-resource-uploaded-en")
    assert traffic.off_loopback() == []
