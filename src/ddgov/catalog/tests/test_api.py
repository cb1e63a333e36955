"""CKAN Action API contract: envelope, URLs, authentication, error types and statuses, and the
site, organisation, group and tag actions.
"""

import json

import pytest

from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import Dataset
from ddgov.catalog.tests.factories import DatasetFactory, GroupFactory, dataset_clean_data
from ddgov.identity.models import ApiToken, Role
from ddgov.identity.services import api_token_create
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward():
    return MembershipFactory(role=Role.DATA_STEWARD)


@pytest.fixture
def token(steward):
    return api_token_create(actor=None, user=steward.user)


def post(
    client, name, data=None, token=None, *, header="HTTP_AUTHORIZATION", prefix="/api/action/"
):
    extra = {header: token} if token else {}
    return client.post(
        f"{prefix}{name}", data=json.dumps(data or {}), content_type="application/json", **extra
    )


# --- envelope and URLs ---------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/api/3/action/", "/api/action/"])
def test_status_show_answers_on_both_urls_in_the_ckan_envelope(client, prefix):
    response = client.get(f"{prefix}status_show")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["success"] is True
    assert body["help"].endswith("/api/3/action/help_show?name=status_show")
    result = body["result"]
    assert result["ckan_version"].startswith("2.10")
    assert {"thai_gdc", "datastore"} <= set(result["extensions"])
    assert result["site_title"]


def test_post_with_json_and_trailing_slash_are_served_without_redirect(client):
    response = post(client, "status_show/")
    assert response.status_code == 200
    assert response.json()["success"] is True


def test_api_version_endpoint(client):
    assert client.get("/api/3").json() == {"version": 3}


def test_help_show_returns_the_action_documentation(client):
    body = client.get("/api/3/action/help_show", {"name": "package_search"}).json()
    assert body["success"] is True
    assert "Thai" in body["result"]
    missing = client.get("/api/3/action/help_show", {"name": "nope"})
    assert missing.status_code == 404
    assert missing.json()["error"]["__type"] == "Not Found Error"


def test_unknown_action_is_a_400_naming_the_action(client):
    response = post(client, "package_teleport")
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False
    assert "Action name not known: package_teleport" in body["error"]["message"]


def test_get_is_refused_for_actions_with_side_effects(client, token):
    response = client.get("/api/3/action/package_create", {"name": "x"}, HTTP_AUTHORIZATION=token)
    assert response.status_code == 400
    assert "POST" in response.json()["error"]["message"]
    assert not Dataset.objects.exists()


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]"])
def test_malformed_json_bodies_are_400(client, body):
    response = client.post("/api/action/package_list", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["__type"] == "Bad Request"


def test_other_http_methods_are_refused(client):
    assert client.put("/api/action/package_list").status_code == 405


# --- authentication ------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["HTTP_AUTHORIZATION", "HTTP_X_CKAN_API_KEY"])
def test_raw_token_in_either_header_authenticates(client, steward, token, header):
    data = dataset_clean_data(owner_org=steward.agency.code)
    response = post(client, "package_create", data, token=token, header=header)
    assert response.status_code == 200, response.json()
    assert Dataset.objects.get().creator == steward.user


@pytest.mark.parametrize("action", ["status_show", "package_list", "package_create"])
def test_an_unknown_token_is_an_authorization_error_not_anonymous(client, action):
    response = post(client, action, {}, token="ddg_not-a-real-token")
    assert response.status_code == 403
    assert response.json()["error"]["__type"] == "Authorization Error"


def test_a_revoked_token_is_refused(client, steward, token):
    ApiToken.objects.update(revoked=True)
    response = post(
        client, "package_create", dataset_clean_data(owner_org=steward.agency.code), token=token
    )
    assert response.status_code == 403
    assert not Dataset.objects.exists()


def test_anonymous_writes_are_refused_and_nothing_is_written(client, steward):
    response = post(client, "package_create", dataset_clean_data(owner_org=steward.agency.code))
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["__type"] == "Authorization Error"
    assert "package_create" in error["message"]
    assert not Dataset.objects.exists()


def test_a_session_cookie_never_authorises_a_write(client, steward):
    client.force_login(steward.user)
    response = post(client, "package_create", dataset_clean_data(owner_org=steward.agency.code))
    assert response.status_code == 403
    assert not Dataset.objects.exists()


def test_a_session_cookie_is_honoured_for_reads(client, steward):
    dataset = DatasetFactory(owner_org=steward.agency, private=True)
    assert client.get("/api/3/action/package_show", {"id": dataset.name}).status_code == 404
    client.force_login(steward.user)
    response = client.get("/api/3/action/package_show", {"id": dataset.name})
    assert response.status_code == 200
    assert response.json()["result"]["private"] is True


def test_writes_are_csrf_exempt_for_token_callers(steward, token):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = post(
        strict, "package_create", dataset_clean_data(owner_org=steward.agency.code), token=token
    )
    assert response.status_code == 200


def test_steward_of_another_agency_is_refused_and_the_refusal_is_audited(client, token):
    other = MembershipFactory(role=Role.DATA_STEWARD).agency
    response = post(client, "package_create", dataset_clean_data(owner_org=other.code), token=token)
    assert response.status_code == 403
    assert response.json()["error"]["__type"] == "Authorization Error"
    assert not Dataset.objects.exists()
    assert AuditRecord.objects.filter(
        action="dataset.create", outcome="denied", agency_code=other.code
    ).exists()


def test_an_officer_may_read_but_not_write(client):
    officer = MembershipFactory(role=Role.OFFICER)
    token = api_token_create(actor=None, user=officer.user)
    response = post(
        client, "package_create", dataset_clean_data(owner_org=officer.agency.code), token=token
    )
    assert response.status_code == 403


# --- organisations -------------------------------------------------------------------------


def test_organization_list_names_and_all_fields(client, steward):
    DatasetFactory(owner_org=steward.agency)
    DatasetFactory(owner_org=steward.agency, private=True)
    names = client.get("/api/3/action/organization_list").json()["result"]
    assert steward.agency.code in names
    full = client.get("/api/3/action/organization_list", {"all_fields": "true"}).json()["result"]
    org = next(o for o in full if o["name"] == steward.agency.code)
    assert org["title"] == steward.agency.name_th
    assert org["title_en"] == steward.agency.name_en
    assert org["display_name"] == steward.agency.name_th
    assert org["is_organization"] is True
    assert org["package_count"] == 1  # the private one is not counted for an anonymous caller


def test_organization_list_sorts_filters_and_pages(client, steward):
    DatasetFactory(owner_org=steward.agency)
    result = client.get(
        "/api/3/action/organization_list",
        {"sort": "package_count desc", "limit": 1, "all_fields": True},
    ).json()["result"]
    assert [o["name"] for o in result] == [steward.agency.code]
    bad = client.get("/api/3/action/organization_list", {"sort": "colour"})
    assert bad.status_code == 409
    assert bad.json()["error"]["__type"] == "Validation Error"
    assert "sort" in bad.json()["error"]


def test_organization_show_by_code_or_id_with_datasets(client, steward):
    dataset = DatasetFactory(owner_org=steward.agency)
    DatasetFactory(owner_org=steward.agency, private=True)
    by_code = client.get(
        "/api/3/action/organization_show", {"id": steward.agency.code, "include_datasets": "true"}
    ).json()["result"]
    assert by_code["package_count"] == 1
    assert [p["name"] for p in by_code["packages"]] == [dataset.name]
    by_id = client.get("/api/3/action/organization_show", {"id": str(steward.agency.pk)}).json()[
        "result"
    ]
    assert by_id["name"] == steward.agency.code
    assert "packages" not in by_id


def test_organization_show_unknown_is_not_found(client):
    response = client.get("/api/3/action/organization_show", {"id": "no-such-agency"})
    assert response.status_code == 404
    assert response.json()["error"]["__type"] == "Not Found Error"


def test_organization_show_needs_an_id(client):
    response = client.get("/api/3/action/organization_show")
    assert response.status_code == 409
    assert response.json()["error"]["id"] == ["Missing value / กรุณากรอกข้อมูล"]


@pytest.mark.parametrize(
    "action", ["organization_create", "organization_delete", "group_create", "group_update"]
)
def test_organisations_and_groups_are_not_managed_through_the_api(client, token, action):
    response = post(client, action, {"name": "new-org", "title": "x"}, token=token)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["__type"] == "Authorization Error"
    assert "API" in error["message"]


def test_organization_list_for_user_by_permission(client, steward, token):
    MembershipFactory(user=steward.user, role=Role.VIEWER)
    read = client.get(
        "/api/3/action/organization_list_for_user", {"permission": "read"}, HTTP_AUTHORIZATION=token
    ).json()["result"]
    create = client.get(
        "/api/3/action/organization_list_for_user",
        {"permission": "create_dataset"},
        HTTP_AUTHORIZATION=token,
    ).json()["result"]
    assert len(read) == 2
    assert [o["name"] for o in create] == [steward.agency.code]
    assert client.get("/api/3/action/organization_list_for_user").json()["result"] == []


# --- groups and tags -----------------------------------------------------------------------


def test_group_list_and_show(client, steward):
    welfare = GroupFactory(name="welfare", title_th="สวัสดิการ", title_en="Welfare")
    GroupFactory(name="health", title_th="สาธารณสุข", title_en="Health")
    dataset = DatasetFactory(owner_org=steward.agency)
    dataset.groups.add(welfare)
    assert client.get("/api/3/action/group_list", {"sort": "name"}).json()["result"] == [
        "health",
        "welfare",
    ]
    # CKAN's default order is by title: สวัสดิการ before สาธารณสุข.
    assert client.get("/api/3/action/group_list").json()["result"] == ["welfare", "health"]
    full = client.get(
        "/api/3/action/group_list", {"all_fields": "true", "sort": "name asc"}
    ).json()["result"]
    assert [(g["name"], g["package_count"], g["title_en"]) for g in full] == [
        ("health", 0, "Health"),
        ("welfare", 1, "Welfare"),
    ]
    shown = client.get(
        "/api/3/action/group_show", {"id": "welfare", "include_datasets": True}
    ).json()["result"]
    assert shown["title"] == "สวัสดิการ"
    assert shown["is_organization"] is False
    assert [p["name"] for p in shown["packages"]] == [dataset.name]
    assert client.get("/api/3/action/group_show", {"id": "nope"}).status_code == 404


def test_tag_list_hides_tags_of_private_datasets_and_filters(client, steward, token):
    post(client, "package_create", dataset_clean_data(owner_org=steward.agency.code), token=token)
    post(
        client,
        "package_create",
        dataset_clean_data(
            name="secret-one", owner_org=steward.agency.code, tags=["ลับเฉพาะ"], private=True
        ),
        token=token,
    )
    assert client.get("/api/3/action/tag_list").json()["result"] == ["ประชากร", "ผู้สูงอายุ"]
    assert client.get("/api/3/action/tag_list", {"query": "สูง"}).json()["result"] == ["ผู้สูงอายุ"]
    mine = client.get("/api/3/action/tag_list", HTTP_AUTHORIZATION=token).json()["result"]
    assert "ลับเฉพาะ" in mine
    full = client.get("/api/3/action/tag_list", {"all_fields": "true"}).json()["result"]
    assert {t["name"] for t in full} == {"ประชากร", "ผู้สูงอายุ"}
