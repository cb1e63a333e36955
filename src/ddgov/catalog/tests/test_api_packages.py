"""CKAN Action API contract for packages: list, show, create, update, patch, delete."""

import datetime as dt
import json

import pytest

from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import Dataset, Resource
from ddgov.catalog.tests.factories import DatasetFactory, GroupFactory, dataset_clean_data
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


def ckan_payload(org: str, **overrides):
    """A package as a CKAN client sends it: tags as dicts, groups as dicts, extras as pairs."""
    data = dataset_clean_data(owner_org=org)
    data["tags"] = [{"name": t} for t in data["tags"]]
    data.update(overrides)
    return data


# --- create --------------------------------------------------------------------------------


def test_package_create_returns_the_package_with_thai_gdc_fields_flat(client, steward, token):
    GroupFactory(name="welfare")
    payload = ckan_payload(
        steward.agency.code,
        groups=[{"name": "welfare"}],
        extras=[
            {"key": "unit_of_measure", "value": "คน"},
            {"key": "source_system", "value": "DOPA"},
        ],
        data_language=["th", "en"],
        created_date="2566-10-01",
        high_value_dataset=True,
    )
    response = call(client, "package_create", payload, token)
    assert response.status_code == 200, response.json()
    pkg = response.json()["result"]
    assert pkg["name"] == "elderly-by-province"
    assert pkg["type"] == "dataset"
    assert pkg["owner_org"] == str(steward.agency.pk)
    assert pkg["organization"]["name"] == steward.agency.code
    assert pkg["organization"]["title"] == steward.agency.name_th
    assert [t["name"] for t in pkg["tags"]] == ["ประชากร", "ผู้สูงอายุ"]
    assert pkg["tags"][0]["display_name"] == "ประชากร"
    assert pkg["num_tags"] == 2
    assert [g["name"] for g in pkg["groups"]] == ["welfare"]
    for field in (
        "data_type",
        "objective",
        "update_frequency_unit",
        "geo_coverage",
        "data_category",
        "license_id",
    ):
        assert pkg[field] == dataset_clean_data()[field]
    assert pkg["update_frequency_interval"] == 1
    assert pkg["data_language"] == ["th", "en"]
    assert pkg["created_date"] == "2023-10-01"  # Buddhist-era year converted
    assert pkg["high_value_dataset"] is True
    assert pkg["unit_of_measure"] == "คน"  # a thai_gdc statistical field, shown flat
    assert pkg["extras"] == [{"key": "source_system", "value": "DOPA"}]
    assert pkg["license_title"] == "Open Data Common"
    assert pkg["isopen"] is True
    assert pkg["resources"] == []
    assert dt.datetime.fromisoformat(pkg["metadata_created"])
    assert AuditRecord.objects.filter(action="dataset.create", outcome="ok").count() == 1


def test_tag_string_and_owner_org_by_id_are_accepted(client, steward, token):
    payload = dataset_clean_data(owner_org=str(steward.agency.pk))
    del payload["tags"]
    payload["tag_string"] = "ผู้สูงอายุ, สถิติ"
    pkg = call(client, "package_create", payload, token).json()["result"]
    assert [t["name"] for t in pkg["tags"]] == ["ผู้สูงอายุ", "สถิติ"]
    assert pkg["organization"]["name"] == steward.agency.code


def test_thai_gdc_fields_sent_as_extras_are_lifted(client, steward, token):
    payload = dataset_clean_data(owner_org=steward.agency.code)
    category = payload.pop("data_category")
    payload["extras"] = [{"key": "data_category", "value": category}]
    pkg = call(client, "package_create", payload, token).json()["result"]
    assert pkg["data_category"] == "public"
    assert pkg["extras"] == []


@pytest.mark.parametrize(
    "field", ["data_category", "objective", "maintainer_email", "update_frequency_unit", "tags"]
)
def test_a_missing_required_thai_gdc_field_is_a_validation_error_naming_it(
    client, steward, token, field
):
    payload = dataset_clean_data(owner_org=steward.agency.code)
    del payload[field]
    response = call(client, "package_create", payload, token)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["__type"] == "Validation Error"
    key = "tag_string" if field == "tags" else field
    assert error[key] == ["Missing value / กรุณากรอกข้อมูล"]
    assert not Dataset.objects.exists()


def test_name_is_required(client, steward, token):
    payload = dataset_clean_data(owner_org=steward.agency.code)
    del payload["name"]
    response = call(client, "package_create", payload, token)
    assert response.status_code == 409
    assert "name" in response.json()["error"]


def test_type_errors_are_reported_per_field(client, steward, token):
    payload = dataset_clean_data(
        owner_org=steward.agency.code,
        update_frequency_interval="often",
        maintainer_email="not-an-email",
        created_date="31/12/2566",
        state="archived",
    )
    error = call(client, "package_create", payload, token).json()["error"]
    assert {"update_frequency_interval", "maintainer_email", "created_date", "state"} <= set(error)
    assert not Dataset.objects.exists()


def test_bad_choice_is_a_validation_error(client, steward, token):
    response = call(
        client,
        "package_create",
        dataset_clean_data(owner_org=steward.agency.code, data_type="x"),
        token,
    )
    assert response.status_code == 409
    assert "data_type" in response.json()["error"]


def test_duplicate_name_is_a_validation_error(client, steward, token):
    call(client, "package_create", dataset_clean_data(owner_org=steward.agency.code), token)
    response = call(
        client, "package_create", dataset_clean_data(owner_org=steward.agency.code), token
    )
    assert response.status_code == 409
    assert "name" in response.json()["error"]
    assert Dataset.objects.count() == 1


def test_unknown_organisation_is_a_validation_error(client, token):
    response = call(client, "package_create", dataset_clean_data(owner_org="no-such-org"), token)
    assert response.status_code == 409
    assert "owner_org" in response.json()["error"]


def test_personal_data_cannot_be_created_public(client, steward, token):
    payload = dataset_clean_data(owner_org=steward.agency.code, data_category="personal")
    response = call(client, "package_create", payload, token)
    assert response.status_code == 409
    assert "private" in response.json()["error"]
    ok = call(client, "package_create", {**payload, "private": True}, token)
    assert ok.status_code == 200
    assert ok.json()["result"]["private"] is True


def test_multipart_form_fields_with_json_values_are_parsed(client, steward, token):
    form = {
        k: v for k, v in dataset_clean_data(owner_org=steward.agency.code).items() if k != "tags"
    }
    form["tags"] = json.dumps([{"name": "ผู้สูงอายุ"}])
    form["objective"] = json.dumps(["agency_mission", "public_service"])
    form["update_frequency_interval"] = "3"
    form["private"] = "false"
    response = client.post("/api/action/package_create", data=form, HTTP_AUTHORIZATION=token)
    assert response.status_code == 200, response.json()
    pkg = response.json()["result"]
    assert [t["name"] for t in pkg["tags"]] == ["ผู้สูงอายุ"]
    assert pkg["objective"] == ["agency_mission", "public_service"]
    assert pkg["update_frequency_interval"] == 3
    assert pkg["private"] is False


def test_package_create_with_link_resources_is_all_or_nothing(client, steward, token):
    payload = dataset_clean_data(
        owner_org=steward.agency.code,
        resources=[{"name": "ข้อมูล", "url": "https://data.example.go.th/a.csv", "format": "csv"}],
    )
    pkg = call(client, "package_create", payload, token).json()["result"]
    assert [(r["name"], r["url"], r["format"]) for r in pkg["resources"]] == [
        ("ข้อมูล", "https://data.example.go.th/a.csv", "CSV")
    ]
    bad = dataset_clean_data(
        owner_org=steward.agency.code, name="second", resources=[{"description": "x"}]
    )
    response = call(client, "package_create", bad, token)
    assert response.status_code == 409
    assert response.json()["error"]["resources"] == [{"name": ["Missing value / กรุณากรอกข้อมูล"]}]
    assert not Dataset.objects.filter(name="second").exists()


# --- show and list -------------------------------------------------------------------------


def test_package_show_by_name_or_id(client, steward):
    dataset = DatasetFactory(owner_org=steward.agency)
    by_name = client.get("/api/3/action/package_show", {"id": dataset.name}).json()["result"]
    by_id = call(client, "package_show", {"id": str(dataset.pk)}).json()["result"]
    assert by_name == by_id
    assert by_name["title"] == dataset.title


def test_package_show_ignores_parameters_ckanapi_adds(client, steward):
    dataset = DatasetFactory(owner_org=steward.agency)
    response = call(
        client,
        "package_show",
        {
            "id": dataset.name,
            "include_datasets": False,
            "include_password_hash": True,
            "include_users": False,
        },
    )
    assert response.status_code == 200


@pytest.mark.parametrize("state", ["private", "draft", "deleted", "missing"])
def test_invisible_packages_are_not_found_for_anonymous(client, steward, state):
    if state == "missing":
        name = "never-was"
    else:
        kwargs = {"private": True} if state == "private" else {"state": state}
        name = DatasetFactory(owner_org=steward.agency, **kwargs).name
    response = client.get("/api/3/action/package_show", {"id": name})
    assert response.status_code == 404
    assert response.json()["error"]["__type"] == "Not Found Error"


def test_package_show_without_id_is_a_validation_error(client):
    response = client.get("/api/3/action/package_show")
    assert response.status_code == 409
    assert response.json()["error"]["id"]


def test_package_list_shows_public_active_datasets_and_pages(client, steward, token):
    for n in range(3):
        DatasetFactory(owner_org=steward.agency, name=f"open-{n}")
    DatasetFactory(owner_org=steward.agency, name="hidden", private=True)
    DatasetFactory(owner_org=steward.agency, name="drafty", state="draft")
    DatasetFactory(owner_org=steward.agency, name="gone", state="deleted")
    assert client.get("/api/3/action/package_list").json()["result"] == [
        "open-0",
        "open-1",
        "open-2",
    ]
    assert client.get("/api/3/action/package_list", {"limit": 2, "offset": 1}).json()["result"] == [
        "open-1",
        "open-2",
    ]
    mine = call(
        client, "package_list", {"include_private": True, "include_drafts": True}, token
    ).json()["result"]
    assert mine == ["drafty", "hidden", "open-0", "open-1", "open-2"]
    stranger = call(client, "package_list", {"include_private": True}).json()["result"]
    assert "hidden" not in stranger


def test_bad_paging_values_are_validation_errors(client):
    response = client.get("/api/3/action/package_list", {"limit": "ten"})
    assert response.status_code == 409
    assert "limit" in response.json()["error"]


def test_current_package_list_with_resources(client, steward):
    DatasetFactory(owner_org=steward.agency, name="a-one")
    result = client.get("/api/3/action/current_package_list_with_resources").json()["result"]
    assert [p["name"] for p in result] == ["a-one"]
    assert "resources" in result[0]


# --- update, patch, delete -----------------------------------------------------------------


def test_package_update_replaces_metadata(client, steward, token):
    pkg = call(
        client, "package_create", dataset_clean_data(owner_org=steward.agency.code), token
    ).json()["result"]
    pkg["title"] = "ผู้สูงอายุ ปรับปรุง"
    pkg["tags"] = [{"name": "ใหม่"}]
    response = call(client, "package_update", pkg, token)
    assert response.status_code == 200, response.json()
    updated = response.json()["result"]
    assert updated["title"] == "ผู้สูงอายุ ปรับปรุง"
    assert [t["name"] for t in updated["tags"]] == ["ใหม่"]
    assert AuditRecord.objects.filter(action="dataset.update").count() == 1


def test_package_update_requires_the_required_fields(client, steward, token):
    pkg = call(
        client, "package_create", dataset_clean_data(owner_org=steward.agency.code), token
    ).json()["result"]
    response = call(client, "package_update", {"id": pkg["id"], "title": "only a title"}, token)
    assert response.status_code == 409
    assert "tag_string" in response.json()["error"]
    blanked = call(client, "package_update", {**pkg, "data_category": "", "maintainer": ""}, token)
    assert blanked.status_code == 409
    assert {"data_category", "maintainer"} <= set(blanked.json()["error"])
    assert Dataset.objects.get().title == "จำนวนผู้สูงอายุรายจังหวัด"


def test_package_patch_changes_only_given_fields(client, steward, token):
    pkg = call(
        client, "package_create", dataset_clean_data(owner_org=steward.agency.code), token
    ).json()["result"]
    patched = call(
        client, "package_patch", {"id": pkg["name"], "notes": "คำอธิบายใหม่"}, token
    ).json()["result"]
    assert patched["notes"] == "คำอธิบายใหม่"
    assert patched["title"] == pkg["title"]
    assert [t["name"] for t in patched["tags"]] == ["ประชากร", "ผู้สูงอายุ"]


def test_personal_data_cannot_be_made_public_through_package_patch(client, steward, token):
    payload = dataset_clean_data(
        owner_org=steward.agency.code, data_category="personal", private=True
    )
    pkg = call(client, "package_create", payload, token).json()["result"]
    response = call(client, "package_patch", {"id": pkg["id"], "private": False}, token)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["__type"] == "Validation Error"
    assert "private" in error
    assert Dataset.objects.get().private is True
    assert client.get("/api/3/action/package_show", {"id": pkg["name"]}).status_code == 404


def test_patch_of_another_agencys_dataset_is_refused(client, token):
    dataset = DatasetFactory()
    response = call(client, "package_patch", {"id": dataset.name, "title": "hijacked"}, token)
    assert response.status_code == 403
    assert response.json()["error"]["__type"] == "Authorization Error"
    dataset.refresh_from_db()
    assert dataset.title != "hijacked"


def test_package_update_reconciles_resources_like_ckan(client, steward, token):
    payload = dataset_clean_data(
        owner_org=steward.agency.code,
        resources=[
            {"name": "a", "url": "https://x.go.th/a.csv"},
            {"name": "b", "url": "https://x.go.th/b.csv"},
        ],
    )
    pkg = call(client, "package_create", payload, token).json()["result"]
    first, _second = pkg["resources"]
    first["description"] = "แก้ไข"
    pkg["resources"] = [first, {"name": "c", "url": "https://x.go.th/c.csv"}]
    updated = call(client, "package_update", pkg, token).json()["result"]
    assert [(r["name"], r["description"]) for r in updated["resources"]] == [
        ("a", "แก้ไข"),
        ("c", ""),
    ]
    assert updated["resources"][0]["id"] == first["id"]
    assert Resource.objects.filter(state="deleted").values_list("name", flat=True).get() == "b"


def test_package_delete_hides_the_dataset(client, steward, token):
    pkg = call(
        client, "package_create", dataset_clean_data(owner_org=steward.agency.code), token
    ).json()["result"]
    response = call(client, "package_delete", {"id": pkg["id"]}, token)
    assert response.status_code == 200
    assert response.json()["result"] is None
    assert client.get("/api/3/action/package_show", {"id": pkg["name"]}).status_code == 404
    assert client.get("/api/3/action/package_list").json()["result"] == []
    assert Dataset.objects.get().state == "deleted"
    assert call(client, "package_delete", {"id": pkg["id"]}, token).status_code == 404


def test_package_delete_by_a_stranger_is_refused(client, steward):
    dataset = DatasetFactory(owner_org=steward.agency)
    other = api_token_create(actor=None, user=MembershipFactory(role=Role.ADMIN).user)
    assert call(client, "package_delete", {"id": dataset.name}, other).status_code == 403
    assert call(client, "package_delete", {"id": dataset.name}).status_code == 403
    dataset.refresh_from_db()
    assert dataset.state == "active"


def test_a_date_can_be_set_and_cleared(client, steward, token):
    payload = dataset_clean_data(owner_org=steward.agency.code, last_updated_date="2024-02-29")
    pkg = call(client, "package_create", payload, token).json()["result"]
    assert pkg["last_updated_date"] == "2024-02-29"
    cleared = call(
        client, "package_patch", {"id": pkg["id"], "last_updated_date": None}, token
    ).json()["result"]
    assert cleared["last_updated_date"] is None
