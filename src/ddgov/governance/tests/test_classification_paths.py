"""Every way into the catalog refuses to make a personal resource public: web form and CKAN API."""

from __future__ import annotations

import json
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.tests.factories import dataset_clean_data
from ddgov.governance.tests.classification_support import (
    Agencies,
    build_agencies,
    personal_csv,
    upload,
)
from ddgov.identity.services import api_token_create

pytestmark = pytest.mark.django_db

ID_COLUMN = "เลขประจำตัวประชาชน"


@pytest.fixture
def world(tmp_path: Path, django_capture_on_commit_callbacks: Any) -> Agencies:
    """The agencies, with a personal resource ingested into the private dataset."""
    world = build_agencies()
    with django_capture_on_commit_callbacks(execute=True):
        upload(tmp_path, world.private_dataset, personal_csv(), actor=world.steward, name="คน.csv")
    return world


def _still_private(world: Agencies) -> bool:
    return Dataset.objects.get(pk=world.private_dataset.pk).private


def _call(client: Client, name: str, data: dict[str, Any], token: str) -> Any:
    return client.post(
        f"/api/3/action/{name}",
        data=json.dumps(data),
        content_type="application/json",
        HTTP_AUTHORIZATION=token,
    )


def test_the_steward_edit_form_cannot_publish_it(client: Client, world: Agencies) -> None:
    client.force_login(world.steward)
    form = {
        **dataset_clean_data(name="policy-holders", title="ผู้ถือกรมธรรม์"),
        "owner_org": world.agency.code,
        "tag_string": "ประกัน",
        "data_classification": "public",
        "data_language": ["th"],
        "state": "active",
    }
    form.pop("tags")
    # "private" left out: the unticked checkbox asks to publish
    response = client.post("/dataset/policy-holders/edit/", form)
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert ID_COLUMN in html
    assert "anonymised release" in html
    assert _still_private(world)


@pytest.mark.parametrize("action", ["package_patch", "package_update"])
def test_the_ckan_api_cannot_publish_it(client: Client, world: Agencies, action: str) -> None:
    token = api_token_create(actor=None, user=world.steward)
    data: dict[str, Any] = {"id": "policy-holders", "private": False}
    if action == "package_update":
        data = {
            **dataset_clean_data(name="policy-holders", owner_org=world.agency.code),
            "id": "policy-holders",
            "private": False,
        }
    response = _call(client, action, data, token)
    assert response.status_code == 409, response.json()
    error = response.json()["error"]
    assert error["__type"] == "Validation Error"
    assert ID_COLUMN in " ".join(error["private"])
    assert _still_private(world)
    shown = client.get(
        "/api/3/action/package_show", {"id": "policy-holders"}, HTTP_AUTHORIZATION=token
    ).json()
    assert shown["result"]["private"] is True


def test_the_ckan_api_cannot_upload_personal_data_into_open_data(
    client: Client, world: Agencies, django_capture_on_commit_callbacks: Any
) -> None:
    token = api_token_create(actor=None, user=world.steward)
    form = {
        "package_id": world.open_dataset.name,
        "upload": SimpleUploadedFile("คน.csv", personal_csv().encode(), content_type="text/csv"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/3/action/resource_create", data=form, HTTP_AUTHORIZATION=token)
    assert response.status_code == 200, response.json()
    rid = response.json()["result"]["id"]
    shown = client.get("/api/3/action/resource_show", {"id": rid}).json()["result"]
    assert shown["ingest_status"] == "failed"
    assert ID_COLUMN in shown["ingest_message"]
    assert shown["datastore_active"] is False
    # Nothing of it can be read from the open dataset.
    search = client.post(
        "/api/3/action/datastore_search",
        data=json.dumps({"resource_id": rid}),
        content_type="application/json",
    )
    assert search.status_code in {404, 409}
    version = Resource.objects.get(pk=rid).versions.get()
    assert version.status == ResourceVersion.Status.FAILED
    assert not version.parquet_path


def test_a_refused_upload_is_not_kept_where_open_data_is_served(
    client: Client, world: Agencies, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """The original file of a refused version must not be downloadable from the open dataset."""
    with django_capture_on_commit_callbacks(execute=True):
        resource = upload(tmp_path, world.open_dataset, personal_csv(), actor=world.steward)
    version = resource.versions.get()
    assert version.status == ResourceVersion.Status.FAILED
    url = f"/dataset/{world.open_dataset.name}/resource/{resource.pk}/original?version=1"
    response = client.get(url)  # anonymous: the dataset is open
    assert response.status_code in {404, 410}
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"110000000000" not in body  # the first citizen ID of the file
    assert "เลขประจำตัวประชาชน".encode() not in body
