"""Steward pages: create and edit datasets with per-field errors, refusals, uploads and schemas."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.tests.views_support import Catalog, build_catalog

pytestmark = pytest.mark.django_db

MISSING = "Missing value / กรุณากรอกข้อมูล"


@pytest.fixture
def catalog() -> Catalog:
    return build_catalog()


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(response.content.decode())


def _form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "owner_org": "dept-stat",
        "title": "Elderly population by subdistrict",
        "name": "",
        "notes": "จำนวนผู้สูงอายุรายตำบล",
        "data_type": "statistical",
        "tag_string": "ผู้สูงอายุ, ประชากร",
        "groups": ["health"],
        "maintainer": "กองสถิติ",
        "maintainer_email": "stat@example.go.th",
        "objective": ["agency_mission", "public_service"],
        "update_frequency_unit": "yearly",
        "update_frequency_interval": "1",
        "geo_coverage": "subdistrict",
        "data_source": "กรมการปกครอง",
        "data_format": "CSV",
        "data_category": "public",
        "data_classification": "public",
        "license_id": "Open-D",
        "data_language": ["th"],
        "allow_harvest": "on",
        "state": "active",
        "unit_of_measure": "คน",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _error_of(html: str, field_id: str) -> list[str]:
    block = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', html, re.DOTALL)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


# --- who may ------------------------------------------------------------------------------


def test_new_dataset_needs_sign_in(client: Client, catalog: Catalog) -> None:
    response = client.get("/dataset/new/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] or "login" in response["Location"]


def test_staff_without_steward_role_are_refused(client: Client, catalog: Catalog) -> None:
    from ddgov.identity.models import Role
    from ddgov.identity.tests.factories import MembershipFactory

    officer = MembershipFactory(agency=catalog.agency, role=Role.OFFICER).user
    client.force_login(officer)
    response = client.get("/dataset/new/")
    assert response.status_code == 403
    assert "Only data stewards of an agency can create datasets." in _text(response)


def test_form_offers_only_the_stewards_agencies(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.steward)
    html = _text(client.get("/dataset/new/"))
    options = re.findall(
        r'<option value="([^"]*)"',
        re.search(r'<select name="owner_org".*?</select>', html, re.DOTALL).group(0),
    )
    assert options == ["", "dept-stat"]
    assert 'name="csrfmiddlewaretoken"' in html
    # Every thai_gdc required field is marked.
    with translation.override("th"):
        required = translation.gettext("required")
    assert html.count(f'<span class="required">{required}</span>') == 14
    # The optional statistical and geospatial sections start folded.
    assert html.count('<details class="panel section">') == 2


def test_edit_by_a_steward_of_another_agency_is_refused_and_audited(
    client: Client, catalog: Catalog
) -> None:
    client.force_login(catalog.outsider)
    before = AuditRecord.objects.filter(outcome="denied").count()
    response = client.get("/dataset/elderly-by-province/edit/")
    assert response.status_code == 403
    assert "คุณไม่มีสิทธิ์" in _text(response)
    assert AuditRecord.objects.filter(outcome="denied").count() == before + 1
    response = client.post("/dataset/elderly-by-province/edit/", _form(title="hijacked"))
    assert response.status_code == 403
    assert Dataset.objects.get(name="elderly-by-province").title == "จำนวนผู้สูงอายุรายจังหวัด"


def test_upload_by_an_outsider_is_refused(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.outsider)
    upload = SimpleUploadedFile("x.csv", b"a,b\n1,2\n", content_type="text/csv")
    response = client.post("/dataset/elderly-by-province/resource/new/", {"upload": upload})
    assert response.status_code == 403
    assert Resource.objects.filter(dataset=catalog.open_dataset).count() == 1


# --- creating and editing -------------------------------------------------------------------


def test_missing_required_fields_are_shown_per_field_and_nothing_is_saved(
    client: Client, catalog: Catalog
) -> None:
    client.force_login(catalog.steward)
    records = AuditRecord.objects.count()
    response = client.post("/dataset/new/", _form(data_source="", tag_string="", objective=None))
    assert response.status_code == 400
    html = _text(response)
    assert _error_of(html, "id_data_source") == [MISSING]
    assert _error_of(html, "id_tag_string") == [MISSING]
    assert _error_of(html, "id_objective") == [MISSING]
    assert _error_of(html, "id_title") == []
    # The error summary links to the fields; the typed values are kept.
    assert 'href="#id_data_source"' in html
    assert 'value="Elderly population by subdistrict"' in html
    assert 'aria-invalid="true"' in html
    assert Dataset.objects.count() == 3
    assert AuditRecord.objects.count() == records


def test_type_errors_are_bilingual(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.steward)
    response = client.post(
        "/dataset/new/", _form(maintainer_email="not-an-email", update_frequency_interval="x")
    )
    html = _text(response)
    assert _error_of(html, "id_maintainer_email") == [
        "Enter a valid e-mail address. / กรุณากรอกอีเมลให้ถูกต้อง"
    ]
    assert _error_of(html, "id_update_frequency_interval") == [
        "Enter a whole number of 1 or more. / กรุณากรอกจำนวนเต็มตั้งแต่ 1 ขึ้นไป"
    ]
    assert Dataset.objects.count() == 3


def test_personal_data_cannot_be_published(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.steward)
    response = client.post("/dataset/new/", _form(data_category="personal"))
    assert response.status_code == 400
    errors = _error_of(_text(response), "id_private")
    assert errors
    assert "cannot be published as open data" in errors[0]
    assert Dataset.objects.count() == 3


def test_create_a_dataset(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.steward)
    response = client.post("/dataset/new/", _form())
    assert response.status_code == 302
    dataset = Dataset.objects.get(title="Elderly population by subdistrict")
    assert response["Location"] == f"/dataset/{dataset.name}/"
    assert dataset.name == "elderly-population-by-subdistrict"
    assert dataset.owner_org == catalog.agency
    assert dataset.objective == ["agency_mission", "public_service"]
    assert sorted(dataset.tags.values_list("name", flat=True)) == ["ประชากร", "ผู้สูงอายุ"]
    assert list(dataset.groups.values_list("name", flat=True)) == ["health"]
    assert dataset.extras == {"unit_of_measure": "คน"}
    assert dataset.data_language == ["th"]
    assert dataset.allow_harvest is True
    assert dataset.private is False
    assert AuditRecord.objects.filter(action="dataset.create", target_id=str(dataset.pk)).exists()
    page = _text(client.get(response["Location"]))
    assert "สร้างชุดข้อมูลแล้ว" in page


def test_a_thai_title_gets_a_generated_url_name(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.steward)
    response = client.post("/dataset/new/", _form(title="ผู้สูงอายุรายตำบล"))
    assert response.status_code == 302
    dataset = Dataset.objects.get(title="ผู้สูงอายุรายตำบล")
    assert re.fullmatch(r"dataset-[0-9a-f]{8}", dataset.name)


def test_another_agencys_code_is_not_accepted(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.steward)
    response = client.post("/dataset/new/", _form(owner_org="dept-water"))
    assert response.status_code == 400
    assert _error_of(_text(response), "id_owner_org") == [
        "Choose one of the listed values. / กรุณาเลือกจากรายการ"
    ]
    assert not Dataset.objects.filter(
        owner_org=catalog.other, title="Elderly population by subdistrict"
    ).exists()


def test_duplicate_url_name(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.steward)
    response = client.post("/dataset/new/", _form(name="reservoir-levels"))
    assert response.status_code == 400
    assert _error_of(_text(response), "id_name") == ["That URL is already in use. / ชื่อนี้ถูกใช้แล้ว"]


def test_edit_form_is_prefilled_and_saves(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.steward)
    dataset = catalog.open_dataset
    dataset.extras = {"unit_of_measure": "คน", "harvested_from": "data.go.th"}
    dataset.save()
    dataset.tags.set([])
    html = _text(client.get("/dataset/elderly-by-province/edit/"))
    assert 'value="จำนวนผู้สูงอายุรายจังหวัด"' in html
    assert 'value="คน"' in html
    assert html.count('<details class="panel section" open>') == 1  # statistical: has a value
    assert re.search(r'<option value="statistical" selected>', html)
    response = client.post(
        "/dataset/elderly-by-province/edit/",
        _form(name="elderly-by-province", title="ผู้สูงอายุ (ปรับปรุง)", unit_of_measure="พันคน"),
    )
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.title == "ผู้สูงอายุ (ปรับปรุง)"
    assert dataset.extras == {"unit_of_measure": "พันคน", "harvested_from": "data.go.th"}
    assert AuditRecord.objects.filter(action="dataset.update", target_id=str(dataset.pk)).exists()


def test_the_english_title_and_description_are_edited_on_the_form(
    client: Client, catalog: Catalog
) -> None:
    client.force_login(catalog.steward)
    dataset = catalog.open_dataset
    dataset.extras = {"title_en": "Elderly by province", "harvested_from": "data.go.th"}
    dataset.save()
    html = _text(client.get("/dataset/elderly-by-province/edit/"))
    assert 'value="Elderly by province"' in html
    response = client.post(
        "/dataset/elderly-by-province/edit/",
        _form(
            name="elderly-by-province",
            title_en="Older people by province",
            notes_en="Counts from the civil registry.",
        ),
    )
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.extras["title_en"] == "Older people by province"
    assert dataset.extras["notes_en"] == "Counts from the civil registry."
    assert dataset.extras["harvested_from"] == "data.go.th"
    # Emptied on the form: gone, not kept from before.
    client.post("/dataset/elderly-by-province/edit/", _form(name="elderly-by-province"))
    dataset.refresh_from_db()
    assert "title_en" not in dataset.extras
    assert "notes_en" not in dataset.extras
    assert dataset.extras["harvested_from"] == "data.go.th"


def test_edit_with_errors_keeps_the_dataset(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.steward)
    response = client.post(
        "/dataset/elderly-by-province/edit/",
        _form(name="elderly-by-province", title="", license_id=""),
    )
    assert response.status_code == 400
    html = _text(response)
    assert _error_of(html, "id_title") == [MISSING]
    assert _error_of(html, "id_license_id") == [MISSING]
    catalog.open_dataset.refresh_from_db()
    assert catalog.open_dataset.title == "จำนวนผู้สูงอายุรายจังหวัด"


# --- uploads and schema --------------------------------------------------------------------

CSV = 'อำเภอ,ตำบล,ประชากร\nพระนคร,พระบรมมหาราชวัง,"2,896"\nพระนคร,วังบูรพาภิรมย์,"8,489"\nดุสิต,ดุสิต,"10,000"\n'


def test_upload_form_renders_with_progress_elements(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.steward)
    html = _text(client.get("/dataset/elderly-by-province/resource/new/"))
    assert 'enctype="multipart/form-data"' in html
    assert "data-upload" in html
    assert '<progress id="upload-bar"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_upload_without_a_file(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.steward)
    response = client.post("/dataset/elderly-by-province/resource/new/", {"name": "x"})
    assert response.status_code == 400
    assert _error_of(_text(response), "id_upload") == [
        "Choose a file to upload. / กรุณาเลือกไฟล์ที่จะอัปโหลด"
    ]
    response = client.post(
        "/dataset/elderly-by-province/resource/new/",
        {"name": "x"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"]["upload"] == [
        "Choose a file to upload. / กรุณาเลือกไฟล์ที่จะอัปโหลด"
    ]
    assert Resource.objects.filter(dataset=catalog.open_dataset).count() == 1


def test_upload_an_empty_file(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.steward)
    upload = SimpleUploadedFile("empty.csv", b"", content_type="text/csv")
    response = client.post("/dataset/elderly-by-province/resource/new/", {"upload": upload})
    assert response.status_code == 400
    assert _error_of(_text(response), "id_upload") == [
        "The file is empty (0 bytes). / ไฟล์ว่างเปล่า (0 ไบต์)"
    ]
    assert Resource.objects.filter(dataset=catalog.open_dataset).count() == 1


def test_upload_a_csv_is_ingested(
    client: Client, catalog: Catalog, django_capture_on_commit_callbacks
) -> None:
    client.force_login(catalog.steward)
    upload = SimpleUploadedFile("ประชากร.csv", CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/dataset/elderly-by-province/resource/new/",
            {"upload": upload, "name": "ประชากรรายตำบล 2566", "description": "ทดสอบ"},
        )
    assert response.status_code == 302
    resource = Resource.objects.get(name="ประชากรรายตำบล 2566")
    assert response["Location"] == f"/dataset/elderly-by-province/resource/{resource.pk}/"
    version = resource.versions.get()
    assert version.status == ResourceVersion.Status.SUCCEEDED, version.message
    assert version.row_count == 3
    html = _text(client.get(response["Location"]))
    assert "พระบรมมหาราชวัง" in html
    assert "<svg" in html
    status = client.get(response["Location"] + "status.json").json()
    assert status["status"] == "succeeded"
    assert status["done"] is True


def test_upload_by_script_gets_json(
    client: Client, catalog: Catalog, django_capture_on_commit_callbacks
) -> None:
    client.force_login(catalog.steward)
    upload = SimpleUploadedFile("data.csv", CSV.encode(), content_type="text/csv")
    response = client.post(
        "/dataset/elderly-by-province/resource/new/",
        {"upload": upload},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    data = response.json()
    resource = Resource.objects.get(name="data.csv")
    assert data["resource_url"] == f"/dataset/elderly-by-province/resource/{resource.pk}/"
    assert data["status_url"] == data["resource_url"] + "status.json"


def test_upload_a_new_version_keeps_the_old_one(
    client: Client, catalog: Catalog, django_capture_on_commit_callbacks
) -> None:
    client.force_login(catalog.steward)
    url = f"/dataset/elderly-by-province/resource/{catalog.resource.pk}/upload/"
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("v2.csv", CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"upload": upload})
    assert response.status_code == 302
    catalog.resource.refresh_from_db()
    numbers = sorted(catalog.resource.versions.values_list("number", flat=True))
    assert numbers == [1, 2]
    assert catalog.resource.current_version.number == 2
    html = _text(client.get(f"/dataset/elderly-by-province/resource/{catalog.resource.pk}/"))
    assert ".parquet?version=1" in html
    assert ".parquet?version=2" in html


def test_schema_page_lists_columns_and_reingests(
    client: Client, catalog: Catalog, django_capture_on_commit_callbacks
) -> None:
    client.force_login(catalog.steward)
    upload = SimpleUploadedFile("data.csv", CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/dataset/elderly-by-province/resource/new/", {"upload": upload, "name": "pop"})
    resource = Resource.objects.get(name="pop")
    url = f"/dataset/elderly-by-province/resource/{resource.pk}/schema/"
    html = _text(client.get(url))
    fields = resource.current_version.table_schema["fields"]
    columns = [f["name"] for f in fields if f["name"] != "_id"]
    assert columns == ["อำเภอ", "ตำบล", "ประชากร"]
    types = {f["name"]: f["type"] for f in fields}
    assert types["ประชากร"] == "integer"
    for column in columns:
        assert f">{column}</label>" in html
    # Make the population text: the table is ingested again with that type.
    index = [f["name"] for f in fields].index("ประชากร")
    post = {f"type_{i}": f["type"] for i, f in enumerate(fields) if f["name"] != "_id"}
    post[f"type_{index}"] = "string"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, post)
    assert response.status_code == 302
    resource.refresh_from_db()
    latest = resource.versions.order_by("-number").first()
    assert latest.schema_overrides.get("ประชากร") in ("string", {"type": "string"})
    assert latest.status == ResourceVersion.Status.SUCCEEDED, latest.message
    new_types = {f["name"]: f["type"] for f in resource.current_version.table_schema["fields"]}
    assert new_types["ประชากร"] == "string"


def test_schema_page_refuses_outsiders(client: Client, catalog: Catalog) -> None:
    client.force_login(catalog.outsider)
    assert (
        client.get(
            f"/dataset/elderly-by-province/resource/{catalog.resource.pk}/schema/"
        ).status_code
        == 403
    )


def test_schema_refusal_is_shown_next_to_its_column(
    client: Client, catalog: Catalog, django_capture_on_commit_callbacks
) -> None:
    client.force_login(catalog.steward)
    upload = SimpleUploadedFile("data.csv", CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/dataset/elderly-by-province/resource/new/", {"upload": upload, "name": "pop"})
    resource = Resource.objects.get(name="pop")
    fields = resource.current_version.table_schema["fields"]
    index = [f["name"] for f in fields].index("ประชากร")
    post = {f"type_{i}": f["type"] for i, f in enumerate(fields)}
    post[f"type_{index}"] = "year"
    post[f"format_{index}"] = "mdy"  # a year has no day order
    url = f"/dataset/elderly-by-province/resource/{resource.pk}/schema/"
    response = client.post(url, post)
    assert response.status_code == 400
    errors = _error_of(_text(response), f"id_type_{index}")
    assert len(errors) == 1
    assert "mdy" in errors[0]
    assert resource.versions.count() == 1
    # Nothing changed: the service says so, as a form-wide error.
    post[f"type_{index}"] = fields[index]["type"]
    response = client.post(url, {k: v for k, v in post.items() if not k.startswith("format_")})
    assert response.status_code == 400
    assert "No column type was given." in _text(response)
    assert resource.versions.count() == 1
