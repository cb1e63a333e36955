# ruff: noqa: S608 - SQL over the test's own Parquet file
"""Versions, background ingestion and corrections: the catalog services around the pipeline."""

import hashlib
import io
from pathlib import Path

import duckdb
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import Resource, ResourceVersion
from ddgov.catalog.selectors.datasets import resource_table_path
from ddgov.catalog.selectors.open_data import resource_version_for_download
from ddgov.catalog.services import CatalogValidationError, resource_create
from ddgov.catalog.services.ingest import (
    resource_version_create,
    resource_version_ingest,
    resource_version_reingest,
)
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory
from ddgov.jobs.models import Job
from ddgov.lake.storage import absolute, lake_root

pytestmark = pytest.mark.django_db

CSV = 'จังหวัด,รหัส,จำนวน\nเชียงใหม่,001,"1,200"\nลำพูน,002,"3,400"\n'


@pytest.fixture
def steward():
    return MembershipFactory(role=Role.DATA_STEWARD)


@pytest.fixture
def resource(steward):
    return ResourceFactory(dataset=DatasetFactory(owner_org=steward.agency), format="")


def upload(resource, actor, data, name="data.csv", capture=None):
    """Create a version and run its queued ingest job (eager jobs run after commit)."""
    with capture(execute=True):
        version = resource_version_create(
            actor=actor, resource=resource, upload=data, filename=name
        )
    version.refresh_from_db()
    resource.refresh_from_db()
    return version


def raw_files():
    root = lake_root() / "raw"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_an_upload_is_kept_byte_for_byte_ingested_and_becomes_current(
    resource, steward, tmp_path, django_capture_on_commit_callbacks
):
    source = tmp_path / "ผู้สูงอายุ.csv"
    source.write_text(CSV, encoding="utf-8")
    version = upload(
        resource, steward.user, source, source.name, django_capture_on_commit_callbacks
    )

    assert version.number == 1
    assert version.status == ResourceVersion.Status.SUCCEEDED, version.message
    assert version.progress == 1.0
    assert version.original_filename == "ผู้สูงอายุ.csv"
    assert absolute(version.original_path).read_bytes() == source.read_bytes()
    assert version.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert version.original_size == source.stat().st_size
    assert version.created_by == steward.user
    assert version.source_format == "CSV"
    assert version.encoding == "utf-8"
    assert version.row_count == 2
    assert {f["name"]: f["type"] for f in version.table_schema["fields"]} == {
        "จังหวัด": "string",
        "รหัส": "string",
        "จำนวน": "integer",
    }
    assert resource.current_version == version
    assert resource.format == "CSV"
    table = resource_table_path(resource=resource)
    assert table == absolute(version.parquet_path)
    assert version.parquet_size == table.stat().st_size
    assert duckdb.connect().execute(
        f"SELECT _id, จำนวน FROM read_parquet('{table}')"
    ).fetchall() == [(1, 1200), (2, 3400)]
    actions = list(
        AuditRecord.objects.filter(
            target_type="resource_version", action__startswith="resource_version."
        ).values_list("action", "outcome")
    )
    assert actions == [("resource_version.create", "ok"), ("resource_version.ingest", "ok")]
    assert AuditRecord.objects.filter(
        action="resource_version.ingest", agency_code=steward.agency.code
    ).exists()
    job = Job.objects.get(kind="catalog.ingest")
    assert job.status == Job.Status.SUCCEEDED
    assert job.payload == {"version_id": version.pk}


@pytest.mark.parametrize(
    "make",
    [
        lambda: SimpleUploadedFile("data.csv", CSV.encode(), content_type="text/csv"),
        lambda: io.BytesIO(CSV.encode()),
    ],
    ids=["django-uploaded-file", "file-object"],
)
def test_uploaded_files_and_file_objects(
    resource, steward, make, django_capture_on_commit_callbacks
):
    version = upload(resource, steward.user, make(), "data.csv", django_capture_on_commit_callbacks)
    assert version.status == ResourceVersion.Status.SUCCEEDED, version.message
    assert absolute(version.original_path).read_text(encoding="utf-8") == CSV


def test_a_zero_byte_upload_is_refused_and_nothing_is_written(resource, steward):
    with pytest.raises(CatalogValidationError) as info:
        resource_version_create(
            actor=steward.user, resource=resource, upload=io.BytesIO(b""), filename="empty.csv"
        )
    assert "upload" in info.value.field_errors
    assert "0 ไบต์" in info.value.field_errors["upload"][0]
    assert not ResourceVersion.objects.exists()
    assert not Job.objects.exists()
    assert raw_files() == []
    assert [p for p in lake_root().rglob("*") if p.is_file()] == []


def test_a_rolled_back_transaction_leaves_no_raw_file(resource, steward):
    class BoomError(Exception):
        pass

    stored = []

    def store_then_fail():
        with transaction.atomic():
            version = resource_version_create(
                actor=steward.user,
                resource=resource,
                upload=io.BytesIO(CSV.encode()),
                filename="a.csv",
            )
            stored.append(absolute(version.original_path))
            assert stored[0].exists()
            raise BoomError

    with pytest.raises(BoomError):
        store_then_fail()
    assert not stored[0].exists()
    assert raw_files() == []
    assert not ResourceVersion.objects.exists()


def test_resource_create_with_an_upload_rolls_back_the_file_with_the_resource(steward, monkeypatch):
    dataset = DatasetFactory(owner_org=steward.agency)

    def broken_index(dataset):
        raise RuntimeError("index down")

    monkeypatch.setattr("ddgov.catalog.services.datasets._after_write", broken_index)
    with pytest.raises(RuntimeError):
        resource_create(
            actor=steward.user,
            dataset=dataset,
            data={"name": "ผู้สูงอายุ"},
            upload=SimpleUploadedFile("a.csv", CSV.encode()),
            filename="a.csv",
        )
    assert not Resource.objects.exists()
    assert raw_files() == []


def test_resource_create_with_an_upload_ingests_it(steward, django_capture_on_commit_callbacks):
    dataset = DatasetFactory(owner_org=steward.agency)
    with django_capture_on_commit_callbacks(execute=True):
        resource = resource_create(
            actor=steward.user,
            dataset=dataset,
            data={"name": "ผู้สูงอายุ"},
            upload=SimpleUploadedFile("a.csv", CSV.encode()),
            filename="a.csv",
        )
    resource.refresh_from_db()
    assert resource.current_version is not None
    assert resource.current_version.row_count == 2


def test_a_failed_reupload_leaves_the_previous_version_current_and_downloadable(
    resource, steward, django_capture_on_commit_callbacks
):
    first = upload(
        resource,
        steward.user,
        io.BytesIO(CSV.encode()),
        "a.csv",
        django_capture_on_commit_callbacks,
    )
    ragged = "จังหวัด,รหัส,จำนวน\nเชียงใหม่,001\n"
    second = upload(
        resource,
        steward.user,
        io.BytesIO(ragged.encode()),
        "b.csv",
        django_capture_on_commit_callbacks,
    )

    assert second.number == 2
    assert second.status == ResourceVersion.Status.FAILED
    assert "Line 2" in second.message
    assert "บรรทัดที่ 2" in second.message
    assert second.table_schema == {"x_ddgov": {"error_code": "ragged"}}
    assert second.parquet_path == ""
    assert resource.current_version == first
    assert resource_version_for_download(resource=resource, number=None) == first
    assert absolute(first.parquet_path).exists()
    assert absolute(second.original_path).exists()  # the upload itself is kept
    tables = list((lake_root() / "tables").rglob("*.parquet"))
    assert tables == [absolute(first.parquet_path)]
    assert (
        AuditRecord.objects.filter(action="resource_version.ingest", outcome="failed").count() == 1
    )
    job = Job.objects.filter(kind="catalog.ingest").order_by("-id").first()
    assert job.status == Job.Status.FAILED
    assert "Line 2" in job.message


@pytest.mark.parametrize(
    "case",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "picture.csv", "not_csv"),
        (b"a,b\n1,\xff\xfe\n", "bad.csv", "encoding"),
    ],
    ids=["png-named-csv", "wrong-encoding"],
)
def test_bad_files_fail_with_a_reason(resource, steward, case, django_capture_on_commit_callbacks):
    data, name, code = case
    version = upload(
        resource, steward.user, io.BytesIO(data), name, django_capture_on_commit_callbacks
    )
    assert version.status == ResourceVersion.Status.FAILED
    assert version.table_schema["x_ddgov"]["error_code"] == code
    assert " / " in version.message
    assert resource.current_version is None


def test_progress_is_recorded_on_the_version(resource, steward, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        version = resource_version_create(
            actor=steward.user, resource=resource, upload=io.BytesIO(CSV.encode()), filename="a.csv"
        )
    assert version.status == ResourceVersion.Status.QUEUED
    seen = []
    resource_version_ingest(version_id=version.pk, progress=lambda f, m="": seen.append(f))
    version.refresh_from_db()
    assert version.progress == 1.0
    assert seen == sorted(seen)
    assert seen[-1] == 1.0


def test_reingest_with_the_stewards_types(resource, steward, django_capture_on_commit_callbacks):
    first = upload(
        resource,
        steward.user,
        io.BytesIO(CSV.encode()),
        "a.csv",
        django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = resource_version_reingest(
            actor=steward.user,
            version=first,
            schema_overrides={"รหัส": "integer", "จำนวน": {"type": "number"}},
        )
    second.refresh_from_db()
    resource.refresh_from_db()
    assert second.number == 2
    assert second.status == ResourceVersion.Status.SUCCEEDED, second.message
    assert second.original_path == first.original_path
    assert second.sha256 == first.sha256
    assert second.schema_overrides == {"รหัส": {"type": "integer"}, "จำนวน": {"type": "number"}}
    kinds = {f["name"]: f["type"] for f in second.table_schema["fields"]}
    assert kinds == {"จังหวัด": "string", "รหัส": "integer", "จำนวน": "number"}
    assert resource.current_version == second
    assert absolute(first.parquet_path).exists()
    assert AuditRecord.objects.filter(action="resource_version.reingest").count() == 1


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"nope": "integer"}, "nope"),
        ({"จำนวน": "money"}, "จำนวน"),
        ({"จำนวน": {"type": "year", "format": "lunar"}}, "จำนวน"),
        ({"จำนวน": {"type": "number", "invalid": "ignore"}}, "จำนวน"),
        ({}, "schema_overrides"),
    ],
)
def test_reingest_refuses_bad_corrections_before_queueing(
    resource, steward, overrides, key, django_capture_on_commit_callbacks
):
    first = upload(
        resource,
        steward.user,
        io.BytesIO(CSV.encode()),
        "a.csv",
        django_capture_on_commit_callbacks,
    )
    jobs = Job.objects.count()
    with pytest.raises(CatalogValidationError) as info:
        resource_version_reingest(actor=steward.user, version=first, schema_overrides=overrides)
    assert key in info.value.field_errors
    assert " / " in info.value.field_errors[key][0]
    assert ResourceVersion.objects.count() == 1
    assert Job.objects.count() == jobs


def test_reingest_of_a_failed_version_is_refused(
    resource, steward, django_capture_on_commit_callbacks
):
    failed = upload(
        resource, steward.user, io.BytesIO(b"a,b\n1\n"), "a.csv", django_capture_on_commit_callbacks
    )
    with pytest.raises(CatalogValidationError) as info:
        resource_version_reingest(
            actor=steward.user, version=failed, schema_overrides={"a": "integer"}
        )
    assert "schema_overrides" in info.value.field_errors


def test_a_correction_the_data_does_not_fit_fails_that_version_only(
    resource, steward, django_capture_on_commit_callbacks
):
    first = upload(
        resource,
        steward.user,
        io.BytesIO(CSV.encode()),
        "a.csv",
        django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = resource_version_reingest(
            actor=steward.user, version=first, schema_overrides={"จังหวัด": "integer"}
        )
    second.refresh_from_db()
    resource.refresh_from_db()
    assert second.status == ResourceVersion.Status.FAILED
    assert "เชียงใหม่" in second.message
    assert resource.current_version == first


def test_only_stewards_of_the_agency_may_correct(
    resource, steward, django_capture_on_commit_callbacks
):
    first = upload(
        resource,
        steward.user,
        io.BytesIO(CSV.encode()),
        "a.csv",
        django_capture_on_commit_callbacks,
    )
    officer = MembershipFactory(role=Role.OFFICER, agency=steward.agency)
    with pytest.raises(PermissionDenied):
        resource_version_reingest(
            actor=officer.user, version=first, schema_overrides={"รหัส": "integer"}
        )
    assert (
        AuditRecord.objects.filter(action="resource_version.reingest", outcome="denied").count()
        == 1
    )
    assert ResourceVersion.objects.count() == 1


def test_ingesting_a_finished_version_again_changes_nothing(
    resource, steward, django_capture_on_commit_callbacks
):
    version = upload(
        resource,
        steward.user,
        io.BytesIO(CSV.encode()),
        "a.csv",
        django_capture_on_commit_callbacks,
    )
    again = resource_version_ingest(version_id=version.pk)
    assert again.parquet_path == version.parquet_path
    assert AuditRecord.objects.filter(action="resource_version.ingest").count() == 1


def test_raw_paths_are_versioned_under_the_lake(
    resource, steward, django_capture_on_commit_callbacks
):
    v1 = upload(
        resource,
        steward.user,
        io.BytesIO(CSV.encode()),
        "../../etc/passwd.csv",
        django_capture_on_commit_callbacks,
    )
    v2 = upload(
        resource,
        steward.user,
        io.BytesIO(CSV.encode()),
        "a.csv",
        django_capture_on_commit_callbacks,
    )
    assert Path(v1.original_path).parts[:4] == (
        "raw",
        str(resource.dataset_id),
        str(resource.pk),
        "v1",
    )
    assert Path(v1.original_path).name == "passwd.csv"
    assert Path(v2.original_path).parts[3] == "v2"


def test_an_upload_can_carry_the_stewards_types_and_is_ingested_once(
    steward, django_capture_on_commit_callbacks
):
    dataset = DatasetFactory(owner_org=steward.agency)
    with django_capture_on_commit_callbacks(execute=True):
        resource = resource_create(
            actor=steward.user,
            dataset=dataset,
            data={"name": "typed"},
            upload=SimpleUploadedFile("a.csv", CSV.encode()),
            filename="a.csv",
            schema_overrides={"รหัส": "integer", "จำนวน": {"type": "number"}},
        )
    version = resource.versions.get()
    assert version.status == ResourceVersion.Status.SUCCEEDED, version.message
    assert version.schema_overrides == {"รหัส": {"type": "integer"}, "จำนวน": {"type": "number"}}
    kinds = {f["name"]: f["type"] for f in version.table_schema["fields"]}
    assert kinds == {"จังหวัด": "string", "รหัส": "integer", "จำนวน": "number"}


def test_upload_types_are_checked_before_anything_is_stored(steward):
    dataset = DatasetFactory(owner_org=steward.agency)
    with pytest.raises(CatalogValidationError) as info:
        resource_create(
            actor=steward.user,
            dataset=dataset,
            data={"name": "typed"},
            upload=SimpleUploadedFile("a.csv", CSV.encode()),
            filename="a.csv",
            schema_overrides={"จำนวน": "money"},
        )
    assert " / " in info.value.field_errors["จำนวน"][0]
    assert not Resource.objects.filter(dataset=dataset).exists()
    assert ResourceVersion.objects.count() == 0


def test_an_upload_typing_a_column_it_lacks_fails_its_ingest_clearly(
    steward, django_capture_on_commit_callbacks
):
    dataset = DatasetFactory(owner_org=steward.agency)
    with django_capture_on_commit_callbacks(execute=True):
        resource = resource_create(
            actor=steward.user,
            dataset=dataset,
            data={"name": "typed"},
            upload=SimpleUploadedFile("a.csv", CSV.encode()),
            filename="a.csv",
            schema_overrides={"nope": "integer"},
        )
    version = resource.versions.get()
    assert version.status == ResourceVersion.Status.FAILED
    assert "nope" in version.message
