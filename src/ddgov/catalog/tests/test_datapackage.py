import csv
import hashlib
import io
import json
import re

import pytest
from django.urls import reverse

from ddgov.catalog.datapackage import _table_schema
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.catalog.tests.open_data_support import ingested_version
from ddgov.identity.models import Role
from ddgov.identity.services import api_token_create
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# The Frictionless Data Package / Data Resource / Table Schema rules (specs v1) checked here.
NAME = re.compile(r"^[-a-z0-9._/]+$")
LICENSE_NAME = re.compile(r"^[-a-zA-Z0-9._]+$")
HASH = re.compile(r"^(sha256:)?[0-9a-f]{64}$")
MEDIATYPE = re.compile(r"^(.+)/(.+)$")
FIELD_TYPES = {"string", "number", "integer", "boolean", "object", "array", "date", "time", "datetime", "year",
               "yearmonth", "duration", "geopoint", "geojson", "any"}  # fmt: skip


def check_datapackage(package):
    """Assert the descriptor has the structure the Frictionless specs require."""
    assert NAME.match(package["name"])
    assert isinstance(package["resources"], list)
    assert package["resources"], "a data package needs at least one resource"
    assert package["profile"] in {"data-package", "tabular-data-package"}
    for entry in package.get("licenses", []):
        assert "name" in entry or "path" in entry
        if "name" in entry:
            assert LICENSE_NAME.match(entry["name"])
    names = [r["name"] for r in package["resources"]]
    assert len(names) == len(set(names))
    for resource in package["resources"]:
        assert NAME.match(resource["name"])
        assert isinstance(resource["path"], str)
        assert resource["path"].startswith(("http://", "https://"))
        if "hash" in resource:
            assert HASH.match(resource["hash"])
        if "bytes" in resource:
            assert isinstance(resource["bytes"], int)
            assert resource["bytes"] >= 0
        if "mediatype" in resource:
            assert MEDIATYPE.match(resource["mediatype"])
        if (
            resource["profile"] == "tabular-data-resource"
            or package["profile"] == "tabular-data-package"
        ):
            fields = resource["schema"]["fields"]
            assert fields
            for field in fields:
                assert isinstance(field["name"], str)
                assert field.get("type", "string") in FIELD_TYPES


def get_package(client, name, **headers):
    response = client.get(reverse("dataset_datapackage", kwargs={"name": name}), **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


@pytest.fixture
def elderly():
    dataset = DatasetFactory(name="elderly", license_id="cc-by")
    table = ResourceFactory(dataset=dataset, name="ผู้สูงอายุรายจังหวัด")
    ingested_version(table)
    ResourceFactory(
        dataset=dataset,
        name="Source page",
        url="https://stat.bora.dopa.go.th/elderly.html",
        format="HTML",
    )
    ResourceFactory(
        dataset=dataset,
        name="Source page",
        url="https://stat.bora.dopa.go.th/elderly.pdf",
        format="PDF",
    )
    ResourceFactory(dataset=dataset, name="not ingested yet", url_type="upload")
    return dataset, table


def test_package_structure_follows_the_frictionless_specs(client, elderly):
    dataset, table = elderly
    package = get_package(client, "elderly")
    check_datapackage(package)
    assert package["name"] == "elderly"
    assert package["title"] == dataset.title
    assert package["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "title": "Creative Commons Attribution 4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
        }
    ]
    assert [r["title"] for r in package["resources"]] == [
        "ผู้สูงอายุรายจังหวัด",
        "Source page",
        "Source page",
    ]
    tabular, page, pdf = package["resources"]
    assert tabular["profile"] == "tabular-data-resource"
    assert (tabular["format"], tabular["mediatype"]) == ("csv", "text/csv")
    assert tabular["path"].endswith(f"/dataset/elderly/resource/{table.pk}/download/data.csv")
    assert [f["name"] for f in tabular["schema"]["fields"]] == ["province", "elderly", "as_of"]
    assert "primaryKey" not in tabular["schema"]
    assert tabular["ddgov"]["parquet"]["bytes"] == table.current_version.parquet_size
    assert tabular["ddgov"]["original"]["hash"] == f"sha256:{table.current_version.sha256}"
    assert (page["name"], pdf["name"]) == ("source-page", "source-page-2")
    assert page["path"] == "https://stat.bora.dopa.go.th/elderly.html"
    assert pdf["mediatype"] == "application/pdf"
    assert package["profile"] == "data-package"  # links are not tabular
    assert package["thai_gdc"]["data_category"] == "public"
    assert package["contributors"][0]["role"] == "publisher"


def test_paths_serve_files_matching_the_schema_and_hash(client, elderly):
    _dataset, _table = elderly
    package = get_package(client, "elderly")
    tabular = package["resources"][0]
    assert "hash" not in tabular  # not known before the CSV is first made
    response = client.get(tabular["path"].removeprefix("http://testserver"))
    content = b"".join(response.streaming_content)
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header == [f["name"] for f in tabular["schema"]["fields"]]
    again = get_package(client, "elderly")["resources"][0]
    assert again["bytes"] == len(content)
    assert again["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
    check_datapackage(get_package(client, "elderly"))


def test_the_current_versions_schema_is_published(client, elderly):
    _dataset, table = elderly
    v2 = ingested_version(table, number=2, rows=(("ภูเก็ต", 1, "2024-01-01"),))
    v2.table_schema = {"fields": [{"name": "_id", "type": "integer"}, {"name": "จังหวัด", "type": "string"},
                                  {"name": "elderly", "type": "integer"}, {"name": "as_of", "type": "date"}]}  # fmt: skip
    v2.save()
    tabular = get_package(client, "elderly")["resources"][0]
    assert [f["name"] for f in tabular["schema"]["fields"]] == ["จังหวัด", "elderly", "as_of"]
    assert tabular["ddgov"]["version"] == 2


def test_an_all_tabular_dataset_is_a_tabular_data_package(client):
    dataset = DatasetFactory(name="tables-only")
    ingested_version(ResourceFactory(dataset=dataset, name="a"))
    package = get_package(client, "tables-only")
    check_datapackage(package)
    assert package["profile"] == "tabular-data-package"


def test_no_package_without_a_ready_resource(client):
    DatasetFactory(name="nothing-yet")
    response = client.get("/dataset/nothing-yet/datapackage.json")
    assert response.status_code == 404
    message = json.loads(response.content)["error"]
    assert "no resource ready" in message
    assert "ยังไม่มีทรัพยากร" in message


def test_private_packages_are_for_members_only(client):
    dataset = DatasetFactory(name="welfare-cards", private=True, data_category="personal")
    ingested_version(ResourceFactory(dataset=dataset))
    assert client.get("/dataset/welfare-cards/datapackage.json").status_code == 404
    assert client.get("/dataset/no-such/datapackage.json").status_code == 404
    member = MembershipFactory(role=Role.VIEWER, agency=dataset.owner_org).user
    token = api_token_create(actor=member, user=member)
    package = get_package(client, "welfare-cards", HTTP_AUTHORIZATION=token)
    check_datapackage(package)


def test_the_structure_check_itself_rejects_bad_packages():
    good = {
        "name": "a",
        "profile": "data-package",
        "resources": [{"name": "r", "path": "http://x/r.csv", "profile": "data-resource"}],
    }
    check_datapackage(good)
    for broken in ({**good, "name": "Bad Name"}, {**good, "resources": []},
                   {**good, "resources": [{"name": "r", "path": "http://x", "profile": "data-resource", "hash": "abc"}]}):  # fmt: skip
        with pytest.raises(AssertionError):
            check_datapackage(broken)


def test_table_schema_cleanup():
    raw = {"fields": [{"name": "_id", "type": "integer"}, {"name": "a", "type": "string"}], "primaryKey": ["_id"],
           "missingValues": ["", "-"]}  # fmt: skip
    assert _table_schema(raw) == {
        "fields": [{"name": "a", "type": "string"}],
        "missingValues": ["", "-"],
    }
    assert _table_schema({"fields": [{"name": "_id"}]}) is None
    assert _table_schema({}) is None
