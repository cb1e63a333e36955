import codecs
import csv
import hashlib
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse

from ddgov.catalog.models import ResourceVersion
from ddgov.catalog.services.downloads import csv_export_path
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.catalog.tests.open_data_support import ELDERLY_ROWS, ingested_version
from ddgov.identity.models import Role
from ddgov.identity.services import api_token_create
from ddgov.identity.tests.factories import MembershipFactory
from ddgov.lake.storage import absolute

pytestmark = pytest.mark.django_db


def download(dataset, resource, filename):
    return reverse(
        "resource_download",
        kwargs={"name": dataset.name, "resource_id": resource.pk, "filename": filename},
    )


def original(dataset, resource):
    return reverse("resource_original", kwargs={"name": dataset.name, "resource_id": resource.pk})


def body(response):
    return b"".join(response.streaming_content)


def disposition_name(response):
    value = response["Content-Disposition"]
    return unquote(value.split("filename*=utf-8''", 1)[1]) if "filename*=" in value else value


@pytest.fixture
def table():
    dataset = DatasetFactory(name="elderly")
    resource = ResourceFactory(dataset=dataset, name="ผู้สูงอายุรายจังหวัด.csv")
    version = ingested_version(resource)
    return dataset, resource, version


def test_parquet_download_streams_the_lake_file(client, table):
    dataset, resource, version = table
    response = client.get(download(dataset, resource, "anything.parquet"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apache.parquet"
    assert disposition_name(response) == "ผู้สูงอายุรายจังหวัด.parquet"
    data = body(response)
    assert data == absolute(version.parquet_path).read_bytes()
    assert response["Access-Control-Allow-Origin"] == "*"


def test_csv_download_is_utf8_with_bom_without_the_row_id(client, table):
    dataset, resource, _version = table
    response = client.get(download(dataset, resource, "x.csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert disposition_name(response) == "ผู้สูงอายุรายจังหวัด.csv"
    data = body(response)
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["province", "elderly", "as_of"]
    assert rows[1:] == [[p, str(n), d] for p, n, d in ELDERLY_ROWS]


def test_csv_is_written_once_and_then_served_from_the_lake(client, table):
    dataset, resource, version = table
    first = body(client.get(download(dataset, resource, "x.csv")))
    export = csv_export_path(resource=resource, version=version)
    assert export.is_file()
    sidecar = export.with_name(export.name + ".sha256")
    assert sidecar.read_text().strip() == hashlib.sha256(first).hexdigest()
    export.write_bytes(codecs.BOM_UTF8 + b"cached\n")  # a second download must not rewrite it
    assert body(client.get(download(dataset, resource, "x.csv"))) == codecs.BOM_UTF8 + b"cached\n"


def test_older_versions_stay_downloadable(client, table):
    dataset, resource, _v1 = table
    newer = (("ภูเก็ต", 55_555, "2024-01-01"),)
    ingested_version(resource, number=2, rows=newer)
    current = body(client.get(download(dataset, resource, "x.csv"))).decode("utf-8-sig")
    assert "ภูเก็ต" in current
    assert "เชียงใหม่" not in current
    old = client.get(download(dataset, resource, "x.csv") + "?version=1")
    assert old.status_code == 200
    assert disposition_name(old) == "ผู้สูงอายุรายจังหวัด-v1.csv"
    assert "เชียงใหม่" in body(old).decode("utf-8-sig")
    parquet_v1 = body(client.get(download(dataset, resource, "x.parquet") + "?version=1"))
    assert parquet_v1 == absolute(_v1.parquet_path).read_bytes()
    assert parquet_v1 != body(client.get(download(dataset, resource, "x.parquet")))


@pytest.mark.parametrize(
    ("query", "status"), [("?version=9", 404), ("?version=abc", 400), ("?version=0", 400)]
)
def test_bad_or_missing_versions(client, table, query, status):
    dataset, resource, _version = table
    response = client.get(download(dataset, resource, "x.csv") + query)
    assert response.status_code == status
    if status == 400:
        assert "version" in response.content.decode()
        assert "จำนวนเต็ม" in response.content.decode()


def test_original_keeps_its_bytes_and_file_name(client, table):
    dataset, resource, version = table
    response = client.get(original(dataset, resource))
    assert response.status_code == 200
    assert disposition_name(response) == "ผู้สูงอายุ.csv"
    assert body(response) == absolute(version.original_path).read_bytes()
    other_name = client.get(download(dataset, resource, "data.xlsx"))
    assert body(other_name) == absolute(version.original_path).read_bytes()


@pytest.mark.parametrize("status", ["failed", "queued", "running"])
def test_an_unready_upload_is_kept_for_stewards_only(client, status):
    dataset = DatasetFactory()
    resource = ResourceFactory(dataset=dataset, url_type="upload")
    version = ingested_version(resource, make_current=False)
    ResourceVersion.objects.filter(pk=version.pk).update(status=status, parquet_path="")
    response = client.get(download(dataset, resource, "x.csv"))
    assert response.status_code == 404
    assert "ยังไม่มีเวอร์ชันที่พร้อมใช้" in response.content.decode()
    assert "no ready version" in response.content.decode()
    # Not checked yet (or refused, e.g. for personal data): the public never gets the upload.
    assert client.get(original(dataset, resource) + "?version=1").status_code == 404
    viewer = MembershipFactory(role=Role.VIEWER, agency=dataset.owner_org).user
    client.force_login(viewer)
    assert client.get(original(dataset, resource) + "?version=1").status_code == 404
    steward = MembershipFactory(role=Role.DATA_STEWARD, agency=dataset.owner_org).user
    client.force_login(steward)
    kept = client.get(original(dataset, resource) + "?version=1")
    assert kept.status_code == 200
    assert body(kept) == absolute(version.original_path).read_bytes()


def test_link_resources_redirect_to_their_url(client):
    dataset = DatasetFactory()
    resource = ResourceFactory(dataset=dataset, url="https://data.example.go.th/file.csv")
    for url in (download(dataset, resource, "file.csv"), original(dataset, resource)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "https://data.example.go.th/file.csv"


def test_a_stored_path_cannot_leave_the_lake(client, table):
    dataset, resource, version = table
    ResourceVersion.objects.filter(pk=version.pk).update(parquet_path="../../../etc/passwd")
    response = client.get(download(dataset, resource, "x.parquet"))
    assert response.status_code == 404
    assert b"root:" not in response.content


def test_private_downloads_need_a_member_session_or_token(client, table):
    dataset, resource, _version = table
    dataset.private = True
    dataset.save()
    url = download(dataset, resource, "x.parquet")
    assert client.get(url).status_code == 404
    outsider = MembershipFactory(role=Role.ADMIN).user
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.logout()
    member = MembershipFactory(role=Role.VIEWER, agency=dataset.owner_org).user
    token = api_token_create(actor=member, user=member)
    assert client.get(url, HTTP_AUTHORIZATION=token).status_code == 200
    assert client.get(url, HTTP_X_CKAN_API_KEY=token).status_code == 200
    assert client.get(url, HTTP_AUTHORIZATION="ddg_not-a-real-token").status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_wrong_dataset_deleted_resource_and_unknown_ids_are_404(client, table):
    dataset, resource, _version = table
    other = DatasetFactory()
    assert client.get(download(other, resource, "x.csv")).status_code == 404
    by_id = reverse(
        "resource_download",
        kwargs={"name": str(dataset.pk), "resource_id": resource.pk, "filename": "x.csv"},
    )
    assert client.get(by_id).status_code == 200
    resource.state = "deleted"
    resource.save()
    assert client.get(download(dataset, resource, "x.csv")).status_code == 404
    unknown = reverse(
        "resource_download",
        kwargs={
            "name": dataset.name,
            "resource_id": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
            "filename": "x.csv",
        },
    )
    assert client.get(unknown).status_code == 404


def test_downloads_are_read_only(client, table):
    dataset, resource, _version = table
    assert client.post(download(dataset, resource, "x.csv")).status_code == 405
    assert client.head(download(dataset, resource, "x.parquet")).status_code == 200
