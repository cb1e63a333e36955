"""The lake on an S3-compatible store, against a real S3 API (moto's server) on loopback.

Uploads and tables must reach the bucket before the database says they exist; a machine with
an empty local folder must serve the same DataStore rows and downloads by fetching them back;
a failed ingest must leave no table object behind.
"""

from __future__ import annotations

import codecs
import io
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse

from ddgov.catalog.models import ResourceVersion
from ddgov.catalog.selectors.datastore import datastore_search
from ddgov.catalog.services.ingest import resource_version_create, resource_version_ingest
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory
from ddgov.lake import backends
from ddgov.lake.backends import LakeStoreError
from ddgov.lake.services import lake_cache_prune, lake_push
from ddgov.lake.storage import absolute, lake_root

pytestmark = pytest.mark.django_db

CSV = 'จังหวัด,รหัส,จำนวน\nเชียงใหม่,001,"1,200"\nลำพูน,002,"3,400"\nน่าน,003,"5,600"\n'


@pytest.fixture
def steward():
    return MembershipFactory(role=Role.DATA_STEWARD)


@pytest.fixture
def resource(steward):
    dataset = DatasetFactory(owner_org=steward.agency, name="elderly-s3")
    return ResourceFactory(dataset=dataset, name="by-province", format="")


def upload(resource, actor, data: bytes, capture, name="ผู้สูงอายุ.csv") -> ResourceVersion:
    """Store an upload and run its ingest job (eager jobs run on commit)."""
    with capture(execute=True):
        version = resource_version_create(
            actor=actor, resource=resource, upload=io.BytesIO(data), filename=name
        )
    version.refresh_from_db()
    resource.refresh_from_db()
    return version


def local_files(folder: str) -> list[Path]:
    base = lake_root() / folder
    return sorted(p for p in base.rglob("*") if p.is_file()) if base.exists() else []


def clear_local_cache() -> None:
    """Make this machine's lake folder look like a new server's: nothing but the store."""
    for folder in ("raw", "tables", "exports"):
        shutil.rmtree(lake_root() / folder, ignore_errors=True)


def download(client, resource, filename: str) -> bytes:
    url = reverse(
        "resource_download",
        kwargs={"name": resource.dataset.name, "resource_id": resource.pk, "filename": filename},
    )
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content)


def test_an_ingested_upload_reaches_the_bucket_and_is_served_from_it_alone(
    s3_lake, resource, steward, client, django_capture_on_commit_callbacks
):
    version = upload(resource, steward.user, CSV.encode(), django_capture_on_commit_callbacks)
    assert version.status == ResourceVersion.Status.SUCCEEDED, version.message

    assert s3_lake.keys() == sorted([version.original_path, version.parquet_path])
    assert s3_lake.read(version.original_path) == CSV.encode()
    parquet = absolute(version.parquet_path).read_bytes()
    assert s3_lake.read(version.parquet_path) == parquet
    before = datastore_search(viewer=AnonymousUser(), resource_id=str(resource.pk))

    clear_local_cache()
    assert local_files("tables") == []

    after = datastore_search(viewer=AnonymousUser(), resource_id=str(resource.pk))
    assert after["records"] == before["records"]
    assert [r["จังหวัด"] for r in after["records"]] == ["เชียงใหม่", "ลำพูน", "น่าน"]
    assert after["total"] == 3
    assert absolute(version.parquet_path).read_bytes() == parquet  # fetched back into the cache

    clear_local_cache()
    assert download(client, resource, "x.parquet") == parquet
    csv_body = download(client, resource, "x.csv")
    assert csv_body.startswith(codecs.BOM_UTF8)
    assert "น่าน,003,5600" in csv_body.decode("utf-8-sig").replace("\r\n", "\n")
    clear_local_cache()
    original = client.get(
        reverse(
            "resource_original",
            kwargs={"name": resource.dataset.name, "resource_id": resource.pk},
        )
    )
    assert original.status_code == 200
    assert b"".join(original.streaming_content) == CSV.encode()


def test_a_failed_ingest_leaves_no_table_object_and_the_previous_version_current(
    s3_lake, resource, steward, client, django_capture_on_commit_callbacks
):
    first = upload(resource, steward.user, CSV.encode(), django_capture_on_commit_callbacks)
    ragged = "จังหวัด,รหัส,จำนวน\nเชียงใหม่,001\n".encode()
    second = upload(resource, steward.user, ragged, django_capture_on_commit_callbacks, "b.csv")

    assert second.status == ResourceVersion.Status.FAILED
    assert resource.current_version == first
    assert s3_lake.keys("tables/") == [first.parquet_path]
    assert second.original_path in s3_lake.keys("raw/")  # the upload itself is kept
    clear_local_cache()
    assert download(client, resource, "x.parquet") == s3_lake.read(first.parquet_path)


def test_a_store_failure_while_ingesting_fails_the_version_and_leaves_nothing(
    s3_lake, resource, steward, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=False):
        version = resource_version_create(
            actor=steward.user, resource=resource, upload=io.BytesIO(CSV.encode()), filename="a.csv"
        )

    def refuse(self, local, relative):
        raise LakeStoreError("The lake's object store could not store it. / จัดเก็บไม่สำเร็จ")

    monkeypatch.setattr(backends.ObjectStore, "put", refuse)
    with pytest.raises(LakeStoreError):
        resource_version_ingest(version_id=version.pk)

    version.refresh_from_db()
    resource.refresh_from_db()
    assert version.status == ResourceVersion.Status.FAILED
    assert "object store" in version.message
    assert version.parquet_path == ""
    assert resource.current_version is None
    assert s3_lake.keys("tables/") == []
    assert local_files("tables") == []


def test_a_database_failure_after_the_upload_removes_the_table_object(
    s3_lake, resource, steward, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=False):
        version = resource_version_create(
            actor=steward.user, resource=resource, upload=io.BytesIO(CSV.encode()), filename="a.csv"
        )

    def broken(version):
        raise RuntimeError("database went away")

    monkeypatch.setattr("ddgov.catalog.services.ingest._on_commit_ingested", broken)
    with pytest.raises(RuntimeError):
        resource_version_ingest(version_id=version.pk)

    resource.refresh_from_db()
    assert resource.current_version is None
    assert s3_lake.keys("tables/") == []
    assert local_files("tables") == []


def test_a_rolled_back_upload_leaves_no_raw_object(s3_lake, resource, steward):
    class BoomError(Exception):
        pass

    seen: list[list[str]] = []

    def store_then_fail():
        with transaction.atomic():
            resource_version_create(
                actor=steward.user,
                resource=resource,
                upload=io.BytesIO(CSV.encode()),
                filename="a.csv",
            )
            seen.append(s3_lake.keys("raw/"))
            raise BoomError

    with pytest.raises(BoomError):
        store_then_fail()

    assert len(seen[0]) == 1  # it was in the bucket before the commit that never came
    assert s3_lake.keys() == []
    assert local_files("raw") == []
    assert not ResourceVersion.objects.exists()


def test_a_file_missing_everywhere_is_reported_missing(s3_lake):
    path = absolute("tables/nowhere/none/v1.parquet")
    assert not path.exists()


def test_a_store_that_cannot_be_reached_says_so_in_english_and_thai(settings, s3_lake, monkeypatch):
    monkeypatch.setattr(backends, "MAX_ATTEMPTS", 1)  # no retries with back-off in a test
    settings.DDGOV_LAKE_S3_ENDPOINT_URL = "http://127.0.0.1:9"  # discard port: refused at once
    with pytest.raises(LakeStoreError) as caught:
        absolute("tables/d/r/v1.parquet")
    message = str(caught.value)
    assert "could not fetch" in message
    assert "tables/d/r/v1.parquet" in message
    assert " / คลังข้อมูล" in message


@pytest.fixture
def local_then_remote(settings, resource, steward, django_capture_on_commit_callbacks, request):
    """A version ingested while the lake was local only, then the store switched on."""
    version = upload(resource, steward.user, CSV.encode(), django_capture_on_commit_callbacks)
    bucket = request.getfixturevalue("s3_lake")
    assert bucket.keys() == []
    return version, bucket


def test_push_uploads_a_local_lake_and_is_safe_to_repeat(local_then_remote):
    version, bucket = local_then_remote
    dry = lake_push(dry_run=True)
    assert (dry.uploaded, dry.present) == (2, 0)
    assert bucket.keys() == []

    first = lake_push()
    assert (first.uploaded, first.present) == (2, 0)
    assert first.uploaded_bytes == sum(p.stat().st_size for p in local_files("raw")) + sum(
        p.stat().st_size for p in local_files("tables")
    )
    assert bucket.keys() == sorted([version.original_path, version.parquet_path])
    again = lake_push()
    assert (again.uploaded, again.present) == (0, 2)


def test_prune_drops_only_copies_the_store_holds_and_they_come_back(local_then_remote):
    version, bucket = local_then_remote
    table = absolute(version.parquet_path)
    data = table.read_bytes()
    bucket.put(version.parquet_path, data)  # the original is not in the store

    kept = lake_cache_prune(older_than_days=1)
    assert (kept.removed, kept.kept_recent) == (0, 2)

    result = lake_cache_prune(older_than_days=0)
    assert (result.removed, result.kept_not_in_store) == (1, 1)
    assert result.freed_bytes == len(data)
    assert not table.exists()
    assert local_files("raw") == [absolute(version.original_path)]
    assert absolute(version.parquet_path).read_bytes() == data


def test_the_lake_command_reports_status_and_refuses_without_a_store(s3_lake, capsys, settings):
    call_command("lake", "status")
    out = capsys.readouterr().out
    assert f"s3://{s3_lake.name}/ddgov" in out
    assert "answers: ok" in out
    assert "secret" not in out

    settings.DDGOV_LAKE_URL = "s3://no-such-bucket-here/ddgov"
    with pytest.raises(CommandError, match="no-such-bucket-here"):
        call_command("lake", "status")

    settings.DDGOV_LAKE_URL = ""
    with pytest.raises(CommandError, match="DDGOV_LAKE_URL is not set"):
        call_command("lake", "push")
    call_command("lake", "status")
    assert "none (DDGOV_LAKE_URL is empty)" in capsys.readouterr().out
