"""The public catalog pages: search with facets, dataset, resource (preview, chart), lists."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.utils import translation

from ddgov.catalog.models import ResourceVersion
from ddgov.catalog.tests.views_support import DISTRICTS, ROWS, SUMS, Catalog, build_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog() -> Catalog:
    return build_catalog()


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(response.content.decode())


def th(message: str) -> str:
    with translation.override("th"):
        return translation.gettext(message)


# --- search -------------------------------------------------------------------------------


def test_thai_word_inside_unsegmented_title_is_found(client: Client, catalog: Catalog) -> None:
    response = client.get("/dataset/", {"q": "ผู้สูงอายุ"})
    assert response.status_code == 200
    html = _text(response)
    assert "จำนวนผู้สูงอายุรายจังหวัด" in html
    assert "ระดับน้ำในอ่างเก็บน้ำ" not in html
    assert 'href="/dataset/elderly-by-province/"' in html


def test_search_lists_open_data_only_for_anonymous(client: Client, catalog: Catalog) -> None:
    html = _text(client.get("/dataset/"))
    assert "จำนวนผู้สูงอายุรายจังหวัด" in html
    assert "ระดับน้ำในอ่างเก็บน้ำ" in html
    assert "งบประมาณภายในหน่วยงาน" not in html


def test_search_shows_private_datasets_to_their_agency(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.steward)
    html = _text(client.get("/dataset/"))
    assert "งบประมาณภายในหน่วยงาน" in html
    client.force_login(catalog.outsider)
    assert "งบประมาณภายในหน่วยงาน" not in _text(client.get("/dataset/"))


def test_facet_links_filter_and_can_be_removed(client: Client, catalog: Catalog) -> None:
    html = _text(client.get("/dataset/"))
    # The organisation facet offers both agencies by name, each a link adding an fq term.
    assert "กรมน้ำทดสอบ" in html
    assert 'href="?organization=dept-water"' in html
    filtered = _text(client.get("/dataset/", {"organization": "dept-water"}))
    assert "ระดับน้ำในอ่างเก็บน้ำ" in filtered
    assert "จำนวนผู้สูงอายุรายจังหวัด" not in filtered
    # The chosen filter is shown with a link that removes it.
    assert re.search(r'<a class="chip" href="\?">[^<]*กรมน้ำทดสอบ', filtered)


def test_licence_and_group_facets(client: Client, catalog: Catalog) -> None:
    by_licence = _text(client.get("/dataset/", {"license_id": "cc-by"}))
    assert "ระดับน้ำในอ่างเก็บน้ำ" in by_licence
    assert "จำนวนผู้สูงอายุรายจังหวัด" not in by_licence
    by_group = _text(client.get("/dataset/", {"groups": "health"}))
    assert "จำนวนผู้สูงอายุรายจังหวัด" in by_group
    assert "ระดับน้ำในอ่างเก็บน้ำ" not in by_group


def test_facets_combine_with_the_query(client: Client, catalog: Catalog) -> None:
    html = _text(client.get("/dataset/", {"q": "ผู้สูงอายุ", "organization": "dept-water"}))
    assert "จำนวนผู้สูงอายุรายจังหวัด" not in html
    assert "ระดับน้ำในอ่างเก็บน้ำ" not in html


def test_bad_query_shows_the_search_error(client: Client, catalog: Catalog) -> None:
    response = client.get("/dataset/", {"q": 'title:"unclosed'})
    assert response.status_code == 200
    html = _text(response)
    assert 'role="alert"' in html
    assert " / " in re.search(r'<p class="alert" role="alert">([^<]*)</p>', html).group(1)


def test_sort_by_title(client: Client, catalog: Catalog) -> None:
    html = _text(client.get("/dataset/", {"sort": "title_string desc"}))
    assert html.index("ระดับน้ำในอ่างเก็บน้ำ") < html.index("จำนวนผู้สูงอายุรายจังหวัด")
    html = _text(client.get("/dataset/", {"sort": "title_string asc"}))
    assert html.index("จำนวนผู้สูงอายุรายจังหวัด") < html.index("ระดับน้ำในอ่างเก็บน้ำ")


def test_search_pages(client: Client, catalog: Catalog) -> None:
    from ddgov.catalog.services.search_index import dataset_index
    from ddgov.catalog.tests.factories import DatasetFactory

    for i in range(25):
        dataset_index(dataset_id=DatasetFactory(owner_org=catalog.other, name=f"extra-{i:02d}").pk)
    first = _text(client.get("/dataset/"))
    assert 'aria-current="page">1</a>' in first
    assert "page=2" in first
    second = _text(client.get("/dataset/", {"page": "2"}))
    assert second.count('class="result"') == 27 - 20  # 25 + 2 open datasets


# --- dataset page -------------------------------------------------------------------------


def test_dataset_page_shows_thai_gd_catalog_metadata(client: Client, catalog: Catalog) -> None:
    html = _text(client.get("/dataset/elderly-by-province/"))
    assert "<h1>จำนวนผู้สูงอายุรายจังหวัด</h1>" in html
    with translation.override("th"):
        from ddgov.catalog.vocab import DataCategory, DataType, GeoCoverage

        for label in (
            DataType.STATISTICAL.label,
            GeoCoverage.PROVINCE.label,
            DataCategory.PUBLIC.label,
        ):
            assert str(label) in html
        assert f'<th scope="row">{th("Data source")}</th><td>กรมการปกครอง</td>' in html
    assert "กรมสถิติทดสอบ" in html
    assert 'data-slot="quality"' in html
    # API examples and the open-standard documents.
    assert "curl 'http://testserver/api/3/action/package_show?id=elderly-by-province'" in html
    assert f"datastore_search?resource_id={catalog.resource.pk}" in html
    for suffix in (".ttl", ".jsonld", ".rdf", "/datapackage.json"):
        assert f'href="/dataset/elderly-by-province{suffix}"' in html
    # The resource, its status and its version's downloads.
    assert f'href="/dataset/elderly-by-province/resource/{catalog.resource.pk}/"' in html
    assert "badge-ok" in html
    assert ".parquet?version=1" in html
    assert "/original?version=1" in html
    # Anonymous readers get no edit button.
    assert "/dataset/elderly-by-province/edit/" not in html


def test_dataset_page_in_english(client: Client, catalog: Catalog) -> None:
    client.cookies["django_language"] = "en"
    html = _text(client.get("/dataset/elderly-by-province/"))
    assert '<html lang="en">' in html
    assert "Statistical data" in html
    assert "Test Statistics Dept" in html
    assert '<th scope="row">Data source</th>' in html


def test_steward_sees_the_edit_button(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.steward)
    html = _text(client.get("/dataset/elderly-by-province/"))
    assert 'href="/dataset/elderly-by-province/edit/"' in html
    assert 'href="/dataset/elderly-by-province/resource/new/"' in html
    client.force_login(catalog.outsider)
    assert "/dataset/elderly-by-province/edit/" not in _text(
        client.get("/dataset/elderly-by-province/")
    )


def test_private_dataset_is_not_found_for_others(client: Client, catalog: Catalog) -> None:
    assert client.get("/dataset/internal-budget/").status_code == 404
    client.force_login(catalog.outsider)
    assert client.get("/dataset/internal-budget/").status_code == 404
    client.force_login(catalog.steward)
    assert client.get("/dataset/internal-budget/").status_code == 200


def test_failed_ingest_shows_its_reason(client: Client, catalog: Catalog) -> None:
    ResourceVersion.objects.create(
        resource=catalog.resource,
        number=2,
        status=ResourceVersion.Status.FAILED,
        message="Ragged row 7: expected 5 fields, found 3 / แถวที่ 7 มี 3 ช่อง ต้องมี 5 ช่อง",
        original_filename="broken.csv",
        original_path="raw/x/broken.csv",
    )
    html = _text(client.get("/dataset/elderly-by-province/"))
    assert "Ragged row 7: expected 5 fields, found 3 / แถวที่ 7 มี 3 ช่อง ต้องมี 5 ช่อง" in html
    resource_html = _text(
        client.get(f"/dataset/elderly-by-province/resource/{catalog.resource.pk}/")
    )
    assert "Ragged row 7" in resource_html
    # Version 1 is still the one in use: its preview is there.
    assert "ตำบล 0" in resource_html


# --- resource page ------------------------------------------------------------------------


def _resource_url(catalog: Catalog) -> str:
    return f"/dataset/elderly-by-province/resource/{catalog.resource.pk}/"


def test_resource_page_schema_and_first_preview_page(client: Client, catalog: Catalog) -> None:
    html = _text(client.get(_resource_url(catalog)))
    assert '<th scope="row">population</th><td><code>integer</code>' in html
    rows = re.findall(r'<tr><th scope="row" class="rownum">(\d+)</th>', html)
    assert rows == [str(n) for n in range(1, 51)]
    assert "ตำบล 49" in html
    assert "ตำบล 50" not in html
    assert "page=2" in html


def test_resource_preview_second_page(client: Client, catalog: Catalog) -> None:
    html = _text(client.get(_resource_url(catalog), {"page": "2"}))
    rows = re.findall(r'<tr><th scope="row" class="rownum">(\d+)</th>', html)
    assert rows == [str(n) for n in range(51, 61)]
    assert "ตำบล 59" in html
    assert ">ตำบล 3<" not in html


def test_resource_chart_sums_a_number_by_a_text_column(client: Client, catalog: Catalog) -> None:
    html = _text(client.get(_resource_url(catalog)))
    svg = re.search(r"<svg.*?</svg>", html, re.DOTALL).group(0)
    assert 'role="img"' in svg
    labels = re.findall(r'<text class="bar-label"[^>]*>([^<]+)</text>', svg)
    values = re.findall(r'<text class="bar-value"[^>]*>([^<]+)</text>', svg)
    expected = sorted(SUMS.items(), key=lambda kv: -kv[1])
    assert labels == [d for d, _s in expected]
    assert values == [f"{s:,}" for _d, s in expected]
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths == sorted(widths, reverse=True)
    assert set(labels) == set(DISTRICTS)


def test_resource_chart_columns_come_from_the_query(client: Client, catalog: Catalog) -> None:
    html = _text(client.get(_resource_url(catalog), {"x": "subdistrict", "y": "population"}))
    labels = re.findall(r'<text class="bar-label"[^>]*>([^<]+)</text>', html)
    assert labels[0] == "ตำบล 59"  # the largest population
    assert len(labels) == 15
    # An unknown column falls back to the default rather than reaching SQL.
    html = _text(client.get(_resource_url(catalog), {"x": 'x" ; DROP', "y": "population"}))
    assert re.findall(r'<text class="bar-label"[^>]*>([^<]+)</text>', html)[0] in DISTRICTS


def test_resource_page_without_table(client: Client, catalog: Catalog) -> None:
    from ddgov.catalog.tests.factories import ResourceFactory

    link = ResourceFactory(dataset=catalog.open_dataset, name="ลิงก์", url="https://example.go.th/x")
    response = client.get(f"/dataset/elderly-by-province/resource/{link.pk}/")
    assert response.status_code == 200
    assert "<svg" not in _text(response)


def test_resource_of_another_dataset_is_not_found(client: Client, catalog: Catalog) -> None:
    assert (
        client.get(f"/dataset/reservoir-levels/resource/{catalog.resource.pk}/").status_code == 404
    )


def test_status_json(client: Client, catalog: Catalog) -> None:
    version = ResourceVersion.objects.create(
        resource=catalog.resource,
        number=2,
        status=ResourceVersion.Status.RUNNING,
        progress=0.42,
        message="rows 42,000",
        original_filename="big.csv",
        original_path="raw/x/big.csv",
    )
    data = client.get(_resource_url(catalog) + "status.json").json()
    assert data["version"] == 2
    assert data["status"] == "running"
    assert data["progress"] == pytest.approx(0.42)
    assert data["done"] is False
    version.status, version.progress = ResourceVersion.Status.SUCCEEDED, 1.0
    version.save()
    data = client.get(_resource_url(catalog) + "status.json").json()
    assert data["done"] is True
    assert data["status_label"] == th("Ready")


def test_resource_page_polls_while_ingesting(client: Client, catalog: Catalog) -> None:
    ResourceVersion.objects.create(
        resource=catalog.resource,
        number=2,
        status=ResourceVersion.Status.QUEUED,
        original_filename="big.csv",
        original_path="raw/x/big.csv",
    )
    html = _text(client.get(_resource_url(catalog)))
    assert f'data-status-url="{_resource_url(catalog)}status.json"' in html
    assert "<progress" in html


def test_status_json_hidden_for_private_dataset(client: Client, catalog: Catalog) -> None:
    from ddgov.catalog.tests.views_support import ready_resource

    hidden = ready_resource(catalog.private_dataset)
    assert (
        client.get(f"/dataset/internal-budget/resource/{hidden.pk}/status.json").status_code == 404
    )


# --- organisations and groups --------------------------------------------------------------


def test_organization_pages(client: Client, catalog: Catalog) -> None:
    html = _text(client.get("/organization/"))
    assert 'href="/organization/dept-stat/"' in html
    assert 'href="/organization/dept-water/"' in html
    page = _text(client.get("/organization/dept-water/"))
    assert "<h1>กรมน้ำทดสอบ</h1>" in page
    assert "ระดับน้ำในอ่างเก็บน้ำ" in page
    assert "จำนวนผู้สูงอายุรายจังหวัด" not in page
    assert client.get("/organization/no-such-agency/").status_code == 404


def test_group_pages(client: Client, catalog: Catalog) -> None:
    html = _text(client.get("/group/"))
    assert 'href="/group/health/"' in html
    page = _text(client.get("/group/health/"))
    assert "<h1>สาธารณสุข</h1>" in page
    assert "จำนวนผู้สูงอายุรายจังหวัด" in page
    assert "ระดับน้ำในอ่างเก็บน้ำ" not in page
    assert client.get("/group/no-such-group/").status_code == 404


# --- page hygiene --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/dataset/", "/dataset/elderly-by-province/", "/organization/", "/group/", "/group/health/"],
)
def test_pages_have_no_inline_script_or_style(client: Client, catalog: Catalog, path: str) -> None:
    html = _text(client.get(path))
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html
    assert "<main" in html
    assert html.count("<h1") == 1


def test_resource_page_has_no_inline_script_or_style(client: Client, catalog: Catalog) -> None:
    html = _text(client.get(_resource_url(catalog)))
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html
    assert len(ROWS) == 60


def test_download_links_on_the_resource_page_work(client: Client, catalog: Catalog) -> None:
    html = _text(client.get(_resource_url(catalog)))
    parquet = re.search(r'href="([^"]+\.parquet\?version=1)"', html).group(1)
    csv = re.search(r'href="([^"]+\.csv\?version=1)"', html).group(1)
    assert re.search(r'href="[^"]+/original\?version=1"', html)  # the fixture keeps no raw upload
    for link in (parquet, csv):
        response = client.get(link)
        assert response.status_code == 200, link
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert "ตำบล 0".encode() in body
