"""Strict dataset metadata through the CKAN API: booleans, Thai GD-Catalog labels, languages,
licences, bounding boxes, English title/description, and download links of unready versions."""

import json

import pytest
from django.conf import settings

from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import Dataset, ResourceVersion
from ddgov.catalog.services import CatalogValidationError, dataset_create
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory, dataset_clean_data
from ddgov.catalog.vocab import CHOICE_CLASSES, LICENSES, THAI_LABELS, bool_parse, choice_code
from ddgov.identity.models import Role
from ddgov.identity.services import api_token_create
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward():
    return MembershipFactory(role=Role.DATA_STEWARD)


@pytest.fixture
def token(steward):
    return api_token_create(actor=None, user=steward.user)


def call(client, name, data=None, token=None):
    extra = {"HTTP_AUTHORIZATION": token} if token else {}
    return client.post(
        f"/api/action/{name}", data=json.dumps(data or {}), content_type="application/json", **extra
    )


def private_dataset(steward):
    """A private dataset of public category: only ``private`` keeps it out of open data."""
    return DatasetFactory(owner_org=steward.agency, name="draft-stats", private=True)


def bilingual(message):
    """An error message with an English half and a Thai half."""
    english, _sep, thai = message.partition(" / ")
    return bool(english) and any("\u0e00" <= ch <= "\u0e7f" for ch in thai)


# --- 1. strict booleans --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["maybe", "ya", "2", "truee", "-", "ไม่แน่ใจ", 5])
def test_an_unknown_boolean_is_refused_and_the_private_dataset_stays_private(
    client, steward, token, value
):
    dataset = private_dataset(steward)
    response = call(client, "package_patch", {"id": dataset.name, "private": value}, token)
    assert response.status_code == 409, response.json()
    error = response.json()["error"]
    assert error["__type"] == "Validation Error"
    assert bilingual(error["private"][0]), error["private"]
    dataset.refresh_from_db()
    assert dataset.private is True
    assert not AuditRecord.objects.filter(action="dataset.update").exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Y", True),
        ("t", True),
        ("ใช่", True),
        ("True ", True),
        (" ON", True),
        ("จริง", True),
        ("N", False),
        ("f", False),
        ("ไม่ใช่", False),
        ("เท็จ", False),
        ("Off", False),
        ("0", False),
    ],
)
def test_ckan_and_thai_boolean_words_are_understood(client, steward, token, value, expected):
    dataset = DatasetFactory(owner_org=steward.agency, private=not expected)
    response = call(client, "package_patch", {"id": dataset.name, "private": value}, token)
    assert response.status_code == 200, response.json()
    assert response.json()["result"]["private"] is expected
    dataset.refresh_from_db()
    assert dataset.private is expected


@pytest.mark.parametrize(
    "field", ["high_value_dataset", "official_statistics", "reference_data", "allow_harvest"]
)
def test_every_boolean_field_is_strict(client, steward, token, field):
    dataset = DatasetFactory(owner_org=steward.agency, **{field: True})
    bad = call(client, "package_patch", {"id": dataset.name, field: "nope"}, token)
    assert bad.status_code == 409
    assert field in bad.json()["error"]
    dataset.refresh_from_db()
    assert getattr(dataset, field) is True
    good = call(client, "package_patch", {"id": dataset.name, field: "ไม่ใช่"}, token)
    assert good.status_code == 200, good.json()
    assert good.json()["result"][field] is False


def test_an_empty_boolean_counts_as_not_given(client, steward, token):
    dataset = private_dataset(steward)
    response = call(client, "package_patch", {"id": dataset.name, "private": ""}, token)
    assert response.status_code == 200, response.json()
    assert response.json()["result"]["private"] is True


def test_bool_parse_has_no_third_meaning():
    for word in ("yes", "no", "ใช่", "ไม่ใช่", True, False, 1, 0):
        assert isinstance(bool_parse(word), bool)
    for word in ("", "yess", "null", None, 2, "1.0"):
        assert bool_parse(word) is None


# --- 2. Thai GD-Catalog labels -------------------------------------------------------------


def test_package_create_accepts_thai_gdc_labels_and_stores_codes(client, steward, token):
    payload = dataset_clean_data(
        owner_org=steward.agency.code,
        data_type="ข้อมูลสถิติ",
        update_frequency_unit="ปี",
        geo_coverage="จังหวัด",
        objective=["ยุทธศาสตร์ชาติ", "พันธกิจหน่วยงาน"],
        data_category="ข้อมูลสาธารณะ",
        data_classification="เปิดเผย",
    )
    response = call(client, "package_create", payload, token)
    assert response.status_code == 200, response.json()
    pkg = response.json()["result"]
    assert pkg["data_type"] == "statistical"
    assert pkg["update_frequency_unit"] == "yearly"
    assert pkg["geo_coverage"] == "province"
    assert pkg["objective"] == ["national_strategy", "agency_mission"]
    assert pkg["data_category"] == "public"
    assert pkg["data_classification"] == "public"
    stored = Dataset.objects.get(name=payload["name"])
    assert (stored.data_type, stored.geo_coverage) == ("statistical", "province")
    shown = client.get("/api/3/action/package_show", {"id": stored.name}).json()["result"]
    assert shown["data_type"] == "statistical"


@pytest.mark.parametrize("field", sorted(THAI_LABELS))
def test_every_thai_label_maps_to_a_valid_code(field):
    for label, code in THAI_LABELS[field].items():
        assert choice_code(field, label) == code
        assert code in CHOICE_CLASSES[field].values


def test_thai_internal_use_category_is_never_open(steward):
    data = dataset_clean_data(owner_org=steward.agency.code, data_category="ข้อมูลใช้ภายใน")
    with pytest.raises(CatalogValidationError) as info:
        dataset_create(actor=steward.user, data=data)
    assert "private" in info.value.field_errors
    dataset = dataset_create(actor=steward.user, data={**data, "private": "ใช่"})
    assert (dataset.data_category, dataset.data_classification) == ("public", "internal")


def test_an_unknown_label_lists_the_codes_and_thai_labels(client, steward, token):
    payload = dataset_clean_data(owner_org=steward.agency.code, geo_coverage="ดาวอังคาร")
    error = call(client, "package_create", payload, token).json()["error"]
    message = error["geo_coverage"][0]
    assert "province (จังหวัด)" in message
    assert "'ดาวอังคาร'" in message
    assert bilingual(message)
    assert not Dataset.objects.exists()


# --- 5. languages, bounding box, licence -----------------------------------------------------


def test_data_language_takes_iso_codes_and_thai_names(client, steward, token):
    payload = dataset_clean_data(
        owner_org=steward.agency.code, data_language=["ไทย", "อังกฤษ", "vi", "TH", "อื่นๆ"]
    )
    response = call(client, "package_create", payload, token)
    assert response.status_code == 200, response.json()
    assert response.json()["result"]["data_language"] == ["th", "en", "vi", "other"]


def test_an_unknown_language_is_refused(client, steward, token):
    payload = dataset_clean_data(owner_org=steward.agency.code, data_language=["th", "klingon"])
    response = call(client, "package_create", payload, token)
    assert response.status_code == 409
    message = response.json()["error"]["data_language"][0]
    assert "'klingon'" in message
    assert bilingual(message)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("west_bound_longitude", "abc"),
        ("east_bound_longitude", "181"),
        ("north_bound_latitude", "-90.5"),
        ("south_bound_latitude", "nan"),
        ("west_bound_longitude", True),
    ],
)
def test_bounding_box_values_must_be_numbers_in_range(client, steward, token, field, value):
    payload = dataset_clean_data(owner_org=steward.agency.code, **{field: value})
    response = call(client, "package_create", payload, token)
    assert response.status_code == 409, response.json()
    assert bilingual(response.json()["error"][field][0])


def test_bounding_box_sent_as_extras_is_checked_too(client, steward, token):
    payload = dataset_clean_data(
        owner_org=steward.agency.code,
        extras=[{"key": "north_bound_latitude", "value": "north"}],
    )
    response = call(client, "package_create", payload, token)
    assert response.status_code == 409
    assert "north_bound_latitude" in response.json()["error"]


def test_a_valid_bounding_box_is_kept(client, steward, token):
    box = {
        "west_bound_longitude": " 97.34",
        "east_bound_longitude": 105.64,
        "south_bound_latitude": "5.61",
        "north_bound_latitude": "-20",
    }
    payload = dataset_clean_data(owner_org=steward.agency.code, **box)
    pkg = call(client, "package_create", payload, token).json()["result"]
    assert pkg["west_bound_longitude"] == "97.34"
    assert pkg["east_bound_longitude"] == 105.64
    assert pkg["north_bound_latitude"] == "-20"


def test_an_unknown_licence_is_refused(client, steward, token):
    payload = dataset_clean_data(owner_org=steward.agency.code, license_id="my-own-licence")
    response = call(client, "package_create", payload, token)
    assert response.status_code == 409
    message = response.json()["error"]["license_id"][0]
    assert "license_list" in message
    assert bilingual(message)


@pytest.mark.parametrize(
    ("given", "stored"),
    [("cc-by", "cc-by"), ("CC-BY-4.0", "cc-by"), ("Open Data Common", "Open-D")],
)
def test_licence_ids_titles_and_aliases_are_stored_as_ids(client, steward, token, given, stored):
    payload = dataset_clean_data(owner_org=steward.agency.code, license_id=given)
    response = call(client, "package_create", payload, token)
    assert response.status_code == 200, response.json()
    assert response.json()["result"]["license_id"] == stored


def test_license_list_answers_in_ckan_shape(client):
    response = client.get("/api/3/action/license_list")
    assert response.status_code == 200
    licences = response.json()["result"]
    assert [lic["id"] for lic in licences] == list(LICENSES)
    by_id = {lic["id"]: lic for lic in licences}
    assert by_id["cc-by"]["title"] == LICENSES["cc-by"][0]
    assert by_id["cc-by"]["url"] == LICENSES["cc-by"][1]
    assert by_id["cc-by"]["od_conformance"] == "approved"
    assert by_id["other-closed"]["od_conformance"] == "not reviewed"
    assert by_id["notspecified"]["is_generic"] is True
    for lic in licences:
        assert {"id", "title", "url", "status", "domain_data", "od_conformance"} <= set(lic)


# --- 6. English title and description -------------------------------------------------------


def test_title_en_and_notes_en_are_kept_and_returned(client, steward, token):
    payload = dataset_clean_data(
        owner_org=steward.agency.code,
        title_en="Elderly population by province",
        notes_en="Registered elderly people per province.",
    )
    pkg = call(client, "package_create", payload, token).json()["result"]
    assert pkg["title_en"] == "Elderly population by province"
    assert pkg["notes_en"] == "Registered elderly people per province."
    assert pkg["extras"] == []
    stored = Dataset.objects.get(name=payload["name"])
    assert stored.extras["title_en"] == "Elderly population by province"
    patched = call(
        client, "package_patch", {"id": stored.name, "title_en": "Older people"}, token
    ).json()["result"]
    assert patched["title_en"] == "Older people"
    assert patched["notes_en"] == "Registered elderly people per province."


def test_title_en_must_be_text_of_bounded_length(client, steward, token):
    payload = dataset_clean_data(owner_org=steward.agency.code, title_en="x" * 501)
    response = call(client, "package_create", payload, token)
    assert response.status_code == 409
    assert "title_en" in response.json()["error"]


def page(client, dataset, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/dataset/{dataset.name}/")
    assert response.status_code == 200
    return response.content.decode()


def test_dataset_page_shows_english_title_in_english_falls_back_to_thai(client, steward):
    dataset = DatasetFactory(
        owner_org=steward.agency,
        title="จำนวนผู้สูงอายุ",
        notes="คำอธิบายภาษาไทย",
        extras={"title_en": "Elderly people", "notes_en": "English description"},
    )
    english = page(client, dataset, "en")
    assert "<h1>Elderly people</h1>" in english
    assert "English description" in english
    assert "คำอธิบายภาษาไทย" not in english
    thai = page(client, dataset, "th")
    assert "<h1>จำนวนผู้สูงอายุ</h1>" in thai
    assert "คำอธิบายภาษาไทย" in thai
    assert "Elderly people" not in thai
    plain = DatasetFactory(owner_org=steward.agency, title="ไม่มีชื่ออังกฤษ", notes="ไทยล้วน")
    fallback = page(client, plain, "en")
    assert "<h1>ไม่มีชื่ออังกฤษ</h1>" in fallback
    assert "ไทยล้วน" in fallback


# --- 7. download links only for ready versions -------------------------------------------


@pytest.mark.parametrize("status", ["queued", "running", "failed"])
def test_resource_show_lists_downloads_only_for_succeeded_versions(client, steward, status):
    resource = ResourceFactory(dataset=DatasetFactory(owner_org=steward.agency), url_type="upload")
    good = ResourceVersion.objects.create(
        resource=resource,
        number=1,
        status="succeeded",
        original_filename="a.csv",
        original_path="raw/a.csv",
        parquet_path="tables/a.parquet",
        source_format="CSV",
    )
    resource.current_version = good
    resource.save()
    ResourceVersion.objects.create(
        resource=resource,
        number=2,
        status=status,
        original_filename="b.csv",
        original_path="raw/b.csv",
    )
    res = client.get("/api/3/action/resource_show", {"id": str(resource.pk)}).json()["result"]
    versions = {v["number"]: v for v in res["versions"]}
    assert versions[2]["download_urls"] == {}
    assert set(versions[1]["download_urls"]) == {"original", "csv", "parquet"}
    assert set(res["download_urls"]) == {"original", "csv", "parquet"}


# --- 8. one error for one problem ----------------------------------------------------------


def test_a_missing_category_reports_only_the_missing_field(client, steward, token):
    payload = dataset_clean_data(owner_org=steward.agency.code)
    del payload["data_category"]
    error = call(client, "package_create", payload, token).json()["error"]
    assert error["data_category"] == ["Missing value / กรุณากรอกข้อมูล"]
    assert "private" not in error


def test_a_wrong_category_reports_only_the_wrong_value(client, steward, token):
    payload = dataset_clean_data(owner_org=steward.agency.code, data_category="secretish")
    error = call(client, "package_create", payload, token).json()["error"]
    assert "data_category" in error
    assert "private" not in error
