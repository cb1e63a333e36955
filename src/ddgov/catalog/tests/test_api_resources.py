"""CKAN Action API contract for resources: links, multipart uploads into versions, ingest status."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ddgov.catalog.models import Resource, ResourceVersion
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.identity.models import Role
from ddgov.identity.services import api_token_create
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

CSV = 'จังหวัด,ปี,จำนวนผู้สูงอายุ\nเชียงใหม่,2566,"312,456"\nขอนแก่น,2566,"250,001"\n'
CSV_V2 = CSV + 'ภูเก็ต,2566,"61,234"\n'


@pytest.fixture
def steward():
    return MembershipFactory(role=Role.DATA_STEWARD)


@pytest.fixture
def token(steward):
    return api_token_create(actor=None, user=steward.user)


@pytest.fixture
def dataset(steward):
    return DatasetFactory(owner_org=steward.agency, name="elderly")


def call(client, name, data=None, token=None):
    extra = {"HTTP_AUTHORIZATION": token} if token else {}
    return client.post(
        f"/api/action/{name}", data=json.dumps(data or {}), content_type="application/json", **extra
    )


def upload(client, name, token, fields, *, content=CSV, filename="ผู้สูงอายุ.csv"):
    form = {
        **fields,
        "upload": SimpleUploadedFile(filename, content.encode(), content_type="text/csv"),
    }
    return client.post(f"/api/action/{name}", data=form, HTTP_AUTHORIZATION=token)


# --- links ---------------------------------------------------------------------------------


def test_resource_create_with_a_link(client, dataset, token):
    response = call(
        client,
        "resource_create",
        {
            "package_id": dataset.name,
            "name": "ลิงก์",
            "url": "https://data.example.go.th/x.csv",
            "format": "csv",
        },
        token,
    )
    assert response.status_code == 200, response.json()
    res = response.json()["result"]
    assert res["package_id"] == str(dataset.pk)
    assert res["url"] == "https://data.example.go.th/x.csv"
    assert res["format"] == "CSV"
    assert res["datastore_active"] is False
    assert res["version"] is None
    pkg = client.get("/api/3/action/package_show", {"id": dataset.name}).json()["result"]
    assert [r["id"] for r in pkg["resources"]] == [res["id"]]
    assert pkg["num_resources"] == 1


def test_resource_create_errors(client, dataset, token):
    missing = call(client, "resource_create", {"name": "x"}, token)
    assert missing.status_code == 409
    assert "package_id" in missing.json()["error"]
    unknown = call(client, "resource_create", {"package_id": "nope", "name": "x"}, token)
    assert unknown.status_code == 404
    anonymous = call(client, "resource_create", {"package_id": dataset.name, "name": "x"})
    assert anonymous.status_code == 403
    stranger = api_token_create(actor=None, user=MembershipFactory(role=Role.DATA_STEWARD).user)
    refused = call(client, "resource_create", {"package_id": dataset.name, "name": "x"}, stranger)
    assert refused.status_code == 403
    assert refused.json()["error"]["__type"] == "Authorization Error"
    assert not Resource.objects.exists()


def test_resource_show_patch_update_delete(client, dataset, token):
    resource = ResourceFactory(
        dataset=dataset, name="เดิม", url="https://x.go.th/a.csv", description="ก"
    )
    shown = client.get("/api/3/action/resource_show", {"id": str(resource.pk)}).json()["result"]
    assert shown["name"] == "เดิม"
    assert shown["versions"] == []
    patched = call(
        client, "resource_patch", {"id": str(resource.pk), "description": "ข"}, token
    ).json()["result"]
    assert (patched["name"], patched["description"], patched["url"]) == (
        "เดิม",
        "ข",
        "https://x.go.th/a.csv",
    )
    updated = call(
        client,
        "resource_update",
        {"id": str(resource.pk), "name": "ใหม่", "url": "https://x.go.th/b.csv"},
        token,
    ).json()["result"]
    assert (updated["name"], updated["description"], updated["url"]) == (
        "ใหม่",
        "",
        "https://x.go.th/b.csv",
    )
    assert call(client, "resource_delete", {"id": str(resource.pk)}, token).json()["result"] is None
    assert client.get("/api/3/action/resource_show", {"id": str(resource.pk)}).status_code == 404
    pkg = client.get("/api/3/action/package_show", {"id": dataset.name}).json()["result"]
    assert pkg["resources"] == []


@pytest.mark.parametrize("rid", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_resource_show_unknown_is_not_found(client, rid):
    response = client.get("/api/3/action/resource_show", {"id": rid})
    assert response.status_code == 404
    assert response.json()["error"]["__type"] == "Not Found Error"


def test_resources_of_private_datasets_are_hidden(client, steward, token):
    resource = ResourceFactory(dataset=DatasetFactory(owner_org=steward.agency, private=True))
    assert client.get("/api/3/action/resource_show", {"id": str(resource.pk)}).status_code == 404
    assert (
        client.get(
            "/api/3/action/resource_show", {"id": str(resource.pk)}, HTTP_AUTHORIZATION=token
        ).status_code
        == 200
    )


# --- uploads -------------------------------------------------------------------------------


def test_multipart_upload_becomes_version_one_and_is_ingested(
    client, dataset, token, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client, "resource_create", token, {"package_id": dataset.name, "format": "csv"}
        )
    assert response.status_code == 200, response.json()
    res = client.get("/api/3/action/resource_show", {"id": response.json()["result"]["id"]}).json()[
        "result"
    ]
    assert res["name"] == "ผู้สูงอายุ.csv"
    assert res["url_type"] == "upload"
    assert res["ingest_status"] == "succeeded", res["ingest_message"]
    assert res["version"] == 1
    assert res["datastore_active"] is True
    assert res["row_count"] == 2
    assert res["url"].startswith(
        f"http://testserver/dataset/{dataset.name}/resource/{res['id']}/download/"
    )
    assert res["url"].endswith(".csv")
    assert set(res["download_urls"]) == {"original", "csv", "parquet"}
    assert [v["number"] for v in res["versions"]] == [1]
    assert res["versions"][0]["original_filename"] == "ผู้สูงอายุ.csv"


def test_a_new_upload_is_the_next_version_and_old_versions_stay(
    client, dataset, token, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rid = upload(client, "resource_create", token, {"package_id": dataset.name}).json()[
            "result"
        ]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "resource_patch", token, {"id": rid}, content=CSV_V2)
    assert response.status_code == 200, response.json()
    res = client.get("/api/3/action/resource_show", {"id": rid}).json()["result"]
    assert res["version"] == 2
    assert res["row_count"] == 3
    assert [v["number"] for v in res["versions"]] == [2, 1]
    old = res["versions"][1]
    assert old["status"] == "succeeded"
    assert old["download_urls"]["original"].endswith("?version=1")
    assert old["download_urls"]["csv"].endswith("?version=1")


def test_a_failed_ingest_keeps_the_previous_version_and_says_why(
    client, dataset, token, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rid = upload(client, "resource_create", token, {"package_id": dataset.name}).json()[
            "result"
        ]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client,
            "resource_patch",
            token,
            {"id": rid},
            content="\x00\x01PK garbage",
            filename="bad.xlsx",
        )
    res = client.get("/api/3/action/resource_show", {"id": rid}).json()["result"]
    if response.status_code == 200:
        assert res["ingest_status"] == "failed"
        assert res["ingest_message"]
        assert res["latest_version"] == 2
    else:
        assert response.json()["error"]["__type"] == "Validation Error"
    assert res["version"] == 1
    assert res["datastore_active"] is True
    assert res["row_count"] == 2


def test_echoing_the_download_url_back_keeps_the_upload(
    client, dataset, token, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        res = upload(client, "resource_create", token, {"package_id": dataset.name}).json()[
            "result"
        ]
    res["description"] = "อัปเดตคำอธิบาย"
    updated = call(client, "resource_update", res, token).json()["result"]
    assert updated["url_type"] == "upload"
    assert updated["version"] == 1
    assert updated["description"] == "อัปเดตคำอธิบาย"
    assert ResourceVersion.objects.count() == 1


# --- schema correction (the "Correct column types" page, in the API) -----------------------


def _uploaded(client, dataset, token, capture):
    with capture(execute=True):
        response = upload(
            client, "resource_create", token, {"package_id": dataset.name, "format": "csv"}
        )
    assert response.status_code == 200, response.json()
    return response.json()["result"]["id"]


def _types(resource_id):
    version = Resource.objects.get(pk=resource_id).current_version
    return version.number, {f["name"]: f["type"] for f in version.table_schema["fields"]}


def test_resource_schema_update_reingests_with_the_corrected_types(
    client, dataset, token, django_capture_on_commit_callbacks
):
    rid = _uploaded(client, dataset, token, django_capture_on_commit_callbacks)
    number, types = _types(rid)
    assert types["ปี"] != "string"
    with django_capture_on_commit_callbacks(execute=True):
        response = call(
            client, "resource_schema_update", {"id": rid, "fields": {"ปี": "string"}}, token
        )
    assert response.status_code == 200, response.json()
    assert [v["number"] for v in response.json()["result"]["versions"]][:2] == [2, 1]
    new_number, new_types = _types(rid)
    assert (new_number, new_types["ปี"]) == (number + 1, "string")
    assert new_types["จำนวนผู้สูงอายุ"] == types["จำนวนผู้สูงอายุ"]


@pytest.fixture(
    params=[({"ไม่มีคอลัมน์นี้": "integer"}, None), ({"ปี": "banana"}, None), ("ปี=string", "fields")]
)
def bad_correction(request):
    return request.param


def test_resource_schema_update_refuses_bad_corrections_and_keeps_the_version(
    client, dataset, token, django_capture_on_commit_callbacks, bad_correction
):
    fields, key = bad_correction
    rid = _uploaded(client, dataset, token, django_capture_on_commit_callbacks)
    before = ResourceVersion.objects.filter(resource_id=rid).count()
    response = call(client, "resource_schema_update", {"id": rid, "fields": fields}, token)
    assert response.status_code == 409
    body = response.json()
    assert body["success"] is False
    assert body["error"]["__type"] == "Validation Error"
    if key:
        assert key in body["error"]
    assert ResourceVersion.objects.filter(resource_id=rid).count() == before


def test_resource_schema_update_needs_a_steward_of_the_agency(
    client, dataset, token, django_capture_on_commit_callbacks
):
    rid = _uploaded(client, dataset, token, django_capture_on_commit_callbacks)
    outsider = api_token_create(actor=None, user=MembershipFactory(role=Role.DATA_STEWARD).user)
    response = call(
        client, "resource_schema_update", {"id": rid, "fields": {"ปี": "string"}}, outsider
    )
    assert response.status_code == 403
    anonymous = call(client, "resource_schema_update", {"id": rid, "fields": {"ปี": "string"}})
    assert anonymous.status_code == 403
    assert ResourceVersion.objects.filter(resource_id=rid).count() == 1
