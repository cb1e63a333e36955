"""A personal resource can never be made open data: services, ingestion, stewards' overrides, releases.

Every path the catalog has (its services, which the web forms, the CKAN API and harvesting all
call) meets the same checks; the web and API paths are proven in ``test_classification_paths``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.db import transaction

from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.services.datasets import CatalogValidationError, dataset_update, resource_create
from ddgov.catalog.services.ingest import resource_version_create
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.governance.classification.selectors import (
    resource_is_personal,
    resource_personal_columns,
)
from ddgov.governance.classification.services import (
    ClassificationError,
    column_class_set,
    column_classes_set_release,
    resource_classify,
)
from ddgov.governance.models import ColumnClass, Release
from ddgov.governance.tests.classification_support import (
    Agencies,
    build_agencies,
    personal_csv,
    public_csv,
    upload,
)
from ddgov.identity.services import AccessDenied
from ddgov.identity.thaiid import thai_id_complete
from ddgov.lake.storage import relative, table_path

pytestmark = pytest.mark.django_db

ID_COLUMN = "เลขประจำตัวประชาชน"


@pytest.fixture
def world() -> Agencies:
    return build_agencies()


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks: Any) -> Any:
    """Run on-commit callbacks (the eager ingest job and its hooks) of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _personal_resource(tmp_path: Path, world: Agencies, run_jobs: Any) -> Resource:
    with run_jobs():
        resource = upload(tmp_path, world.private_dataset, personal_csv(), actor=world.steward)
    resource.refresh_from_db()
    assert resource.current_version is not None
    return resource


# --- detection on ingest ---------------------------------------------------------------------


def test_an_upload_into_a_private_dataset_is_ingested_and_classified(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    resource = _personal_resource(tmp_path, world, run_jobs)
    classes = {c.column: c for c in ColumnClass.objects.filter(resource=resource)}
    assert set(classes) == {ID_COLUMN, "ชื่อ-สกุล", "เบอร์โทรศัพท์", "จังหวัด", "อายุ"}
    assert classes[ID_COLUMN].category == "personal"
    assert classes[ID_COLUMN].source == "detected"
    assert classes["จังหวัด"].category == "public"
    assert resource_is_personal(resource=resource)
    assert AuditRecord.objects.filter(
        action="classification.detect", target_id=str(resource.pk)
    ).exists()


# --- publishing: the dataset services -------------------------------------------------------


def test_a_dataset_with_a_personal_resource_cannot_be_made_open(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    resource = _personal_resource(tmp_path, world, run_jobs)
    with pytest.raises(CatalogValidationError) as info:
        dataset_update(
            actor=world.steward,
            dataset=world.private_dataset,
            data={"private": False},
            partial=True,
        )
    reasons = " ".join(info.value.field_errors["private"])
    assert f"“{resource.name}”" in reasons
    assert ID_COLUMN in reasons
    assert "anonymised release" in reasons
    assert "ข้อมูลส่วนบุคคล" in reasons
    dataset = Dataset.objects.get(pk=world.private_dataset.pk)
    assert dataset.private is True
    assert not AuditRecord.objects.filter(
        action="dataset.update", target_id=str(dataset.pk)
    ).exists()


def test_relabelling_the_dataset_public_does_not_help(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    _personal_resource(tmp_path, world, run_jobs)
    with pytest.raises(CatalogValidationError):
        dataset_update(
            actor=world.admin,
            dataset=world.private_dataset,
            data={"private": False, "data_category": "public", "data_classification": "public"},
            partial=True,
        )
    assert Dataset.objects.get(pk=world.private_dataset.pk).private is True


def test_a_draft_cannot_be_activated_as_open_data(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    draft = DatasetFactory(name="draft-people", owner_org=world.agency, state="draft")
    with run_jobs():
        upload(tmp_path, draft, personal_csv(), actor=world.steward)
    with pytest.raises(CatalogValidationError):
        dataset_update(actor=world.steward, dataset=draft, data={"state": "active"}, partial=True)
    assert Dataset.objects.get(pk=draft.pk).state == "draft"


def test_removing_the_personal_resource_lets_the_dataset_open(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    resource = _personal_resource(tmp_path, world, run_jobs)
    resource.state = Resource.State.DELETED
    resource.save()
    dataset_update(
        actor=world.steward, dataset=world.private_dataset, data={"private": False}, partial=True
    )
    assert Dataset.objects.get(pk=world.private_dataset.pk).private is False


def test_a_resource_ingested_before_classification_is_classified_when_publishing(
    world: Agencies,
) -> None:
    """A version with no column classes (older data) is scanned by the publish check itself."""
    resource = ResourceFactory(dataset=world.private_dataset, name="legacy")
    path = table_path(dataset_id=world.private_dataset.pk, resource_id=resource.pk, version=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("CREATE TABLE t (_id BIGINT, pid VARCHAR, amount BIGINT)")
    con.executemany(
        "INSERT INTO t VALUES (?, ?, ?)",
        [(i + 1, thai_id_complete(f"3100{i:08d}"), i) for i in range(30)],
    )
    con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    con.close()
    version = ResourceVersion.objects.create(
        resource=resource,
        number=1,
        status=ResourceVersion.Status.SUCCEEDED,
        parquet_path=relative(path),
        table_schema={"fields": [{"name": "pid"}, {"name": "amount"}]},
    )
    resource.current_version = version
    resource.save()
    with pytest.raises(CatalogValidationError) as info:
        dataset_update(
            actor=world.steward,
            dataset=world.private_dataset,
            data={"private": False},
            partial=True,
        )
    assert "pid" in " ".join(info.value.field_errors["private"])
    assert [c.column for c in resource_personal_columns(resource=resource)] == ["pid"]


# --- ingesting into open data ---------------------------------------------------------------


def test_personal_data_uploaded_into_open_data_fails_and_the_previous_version_stays(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    with run_jobs():
        resource = upload(tmp_path, world.open_dataset, public_csv(), actor=world.steward)
    resource.refresh_from_db()
    first = resource.current_version
    assert first is not None
    assert first.status == ResourceVersion.Status.SUCCEEDED
    path = tmp_path / "people.csv"
    path.write_text(personal_csv(), encoding="utf-8")
    with run_jobs(), transaction.atomic():
        resource_version_create(
            actor=world.steward, resource=resource, upload=path, filename="people.csv"
        )
    resource.refresh_from_db()
    failed = resource.versions.get(number=2)
    assert failed.status == ResourceVersion.Status.FAILED
    assert failed.table_schema["x_ddgov"]["error_code"] == "personal_data"
    assert ID_COLUMN in failed.message
    assert "เบอร์โทรศัพท์" in failed.message
    assert " / " in failed.message
    assert "ข้อมูลเปิด" in failed.message
    assert not failed.parquet_path
    assert resource.current_version_id == first.pk
    assert not resource_is_personal(resource=resource)
    assert Dataset.objects.get(pk=world.open_dataset.pk).private is False


def test_a_new_resource_with_personal_data_in_open_data_fails(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    with run_jobs():
        resource = upload(
            tmp_path, world.open_dataset, personal_csv(health=True), actor=world.steward
        )
    resource.refresh_from_db()
    version = resource.versions.get()
    assert version.status == ResourceVersion.Status.FAILED
    assert "โรคประจำตัว" in version.message
    assert resource.current_version is None


def test_a_column_a_steward_marked_personal_blocks_later_uploads(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    """Detection alone finds nothing in this table: the steward's decision is what is enforced."""
    with run_jobs():
        resource = upload(tmp_path, world.private_dataset, public_csv(), actor=world.steward)
    resource.refresh_from_db()
    column_class_set(
        actor=world.steward,
        resource=resource,
        column="ปี",
        category="personal",
        access_level="confidential",
    )
    with pytest.raises(CatalogValidationError) as info:
        dataset_update(
            actor=world.steward,
            dataset=world.private_dataset,
            data={"private": False},
            partial=True,
        )
    assert "ปี" in " ".join(info.value.field_errors["private"])
    # Even if the dataset were open, a new version carrying that column would fail.
    Dataset.objects.filter(pk=world.private_dataset.pk).update(private=False)
    path = tmp_path / "again.csv"
    path.write_text(public_csv(20), encoding="utf-8")
    with run_jobs(), transaction.atomic():
        resource_version_create(
            actor=world.steward, resource=resource, upload=path, filename="again.csv"
        )
    failed = resource.versions.get(number=2)
    assert failed.status == ResourceVersion.Status.FAILED
    assert "ปี" in failed.message


# --- anonymised releases -------------------------------------------------------------------


def _release_upload(
    tmp_path: Path, world: Agencies, run_jobs: Any, *, record_release: bool
) -> ResourceVersion:
    """What the anonymisation services do: a version of an open resource, recorded as a release first."""
    source = _personal_resource(tmp_path, world, run_jobs)
    target = ResourceFactory(dataset=world.open_dataset, name="ฉบับนิรนาม")
    path = tmp_path / "release.csv"
    path.write_text(personal_csv(), encoding="utf-8")
    with run_jobs(), transaction.atomic():
        version = resource_version_create(
            actor=world.steward, resource=target, upload=path, filename="release.csv"
        )
        if record_release:
            Release.objects.create(
                source_version=source.current_version, resource=target, version=version
            )
    version.refresh_from_db()
    return version


def test_the_version_of_an_anonymised_release_is_allowed_into_open_data(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    version = _release_upload(tmp_path, world, run_jobs, record_release=True)
    assert version.status == ResourceVersion.Status.SUCCEEDED
    # Its columns are left to the anonymisation service, which marks them public:
    assert not ColumnClass.objects.filter(resource=version.resource, source="detected").exists()
    column_classes_set_release(
        resource=version.resource, columns=["จังหวัด", "อายุ"], actor=world.steward
    )
    assert set(
        ColumnClass.objects.filter(resource=version.resource, source="release").values_list(
            "column", "category"
        )
    ) == {("จังหวัด", "public"), ("อายุ", "public")}
    assert not resource_is_personal(resource=version.resource)
    assert AuditRecord.objects.filter(action="classification.release").exists()


def test_the_same_upload_without_a_release_record_fails(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    version = _release_upload(tmp_path, world, run_jobs, record_release=False)
    assert version.status == ResourceVersion.Status.FAILED
    assert version.table_schema["x_ddgov"]["error_code"] == "personal_data"


def test_detection_never_overwrites_a_release_or_a_steward_decision(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    resource = _personal_resource(tmp_path, world, run_jobs)
    column_class_set(
        actor=world.steward,
        resource=resource,
        column="อายุ",
        category="personal",
        access_level="internal",
    )
    column_classes_set_release(resource=resource, columns=["จังหวัด"], actor=world.steward)
    resource_classify(version_id=resource.current_version_id)
    classes = {c.column: c for c in ColumnClass.objects.filter(resource=resource)}
    assert (classes["อายุ"].source, classes["อายุ"].category, classes["อายุ"].access_level) == (
        "steward",
        "personal",
        "internal",
    )
    assert (classes["จังหวัด"].source, classes["จังหวัด"].category) == ("release", "public")
    assert classes[ID_COLUMN].source == "detected"


# --- stewards' decisions --------------------------------------------------------------------


def test_marking_a_column_of_open_data_personal_withdraws_the_dataset(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    with run_jobs():
        resource = upload(tmp_path, world.open_dataset, public_csv(), actor=world.steward)
    resource.refresh_from_db()
    row = column_class_set(
        actor=world.steward,
        resource=resource,
        column="จังหวัด",
        category="personal",
        access_level="confidential",
    )
    assert row.source == "steward"
    assert row.updated_by == world.steward
    assert row.details["detected"]["category"] == "public"
    assert Dataset.objects.get(pk=world.open_dataset.pk).private is True
    assert AuditRecord.objects.filter(action="classification.withdraw").exists()
    assert AuditRecord.objects.filter(
        action="dataset.update", target_id=str(world.open_dataset.pk)
    ).exists()


def test_only_the_agency_admin_may_make_a_personal_column_public_and_must_say_why(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    resource = _personal_resource(tmp_path, world, run_jobs)
    with pytest.raises(AccessDenied):
        column_class_set(
            actor=world.steward,
            resource=resource,
            column=ID_COLUMN,
            category="public",
            access_level="public",
            reason="ตรวจแล้วไม่ใช่เลขประจำตัวจริง",
        )
    assert (
        AuditRecord.objects.filter(action="classification.declassify", outcome="denied").count()
        == 1
    )
    with pytest.raises(ClassificationError) as info:
        column_class_set(
            actor=world.admin,
            resource=resource,
            column=ID_COLUMN,
            category="public",
            access_level="public",
        )
    assert info.value.field == "reason"
    assert "(at least 10 characters). / " in info.value.message
    assert ColumnClass.objects.get(resource=resource, column=ID_COLUMN).category == "personal"
    column_class_set(
        actor=world.admin,
        resource=resource,
        column=ID_COLUMN,
        category="public",
        access_level="public",
        reason="เป็นรหัสทดสอบ ไม่ใช่เลขประจำตัวของบุคคลจริง",
    )
    row = ColumnClass.objects.get(resource=resource, column=ID_COLUMN)
    assert (row.category, row.source) == ("public", "steward")
    assert row.details["reason"].startswith("เป็นรหัสทดสอบ")
    record = AuditRecord.objects.get(action="classification.declassify", outcome="ok")
    assert record.actor_id == world.admin.pk


def test_a_steward_of_another_agency_is_refused_and_audited(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    resource = _personal_resource(tmp_path, world, run_jobs)
    with pytest.raises(AccessDenied):
        column_class_set(
            actor=world.outsider,
            resource=resource,
            column="อายุ",
            category="personal",
            access_level="internal",
        )
    assert AuditRecord.objects.filter(action="classification.set", outcome="denied").exists()
    assert ColumnClass.objects.get(resource=resource, column="อายุ").source == "detected"


BAD_CASES = [
    # column, category, access level, sensitive kind, the field blamed
    ("อายุ", "personal", "public", "", "access_level"),
    ("อายุ", "public", "secret", "", "access_level"),
    ("อายุ", "public", "public", "health", "category"),
    ("อายุ", "open", "public", "", "category"),
    ("อายุ", "personal", "internal", "astrology", "sensitive"),
    ("no-such-column", "personal", "internal", "", "column"),
]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_classifications_are_refused_in_both_languages_and_nothing_changes(
    tmp_path: Path, world: Agencies, run_jobs: Any, case: tuple[str, str, str, str, str]
) -> None:
    column, category, level, sensitive, field = case
    resource = _personal_resource(tmp_path, world, run_jobs)
    before = list(
        ColumnClass.objects.filter(resource=resource).values_list("column", "category", "source")
    )
    with pytest.raises(ClassificationError) as info:
        column_class_set(
            actor=world.steward,
            resource=resource,
            column=column,
            category=category,
            access_level=level,
            sensitive=sensitive,
        )
    assert info.value.field == field
    english, thai = info.value.message.split(" / ", 1)
    assert english
    assert thai
    after = list(
        ColumnClass.objects.filter(resource=resource).values_list("column", "category", "source")
    )
    assert after == before


def test_resource_create_with_personal_data_for_open_data_via_the_service(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    """The same guard as the API's resource_create: the catalog service with an upload."""
    path = tmp_path / "p.csv"
    path.write_text(personal_csv(), encoding="utf-8")
    with run_jobs():
        resource = resource_create(
            actor=world.steward, dataset=world.open_dataset, data={"name": "p"}, upload=path
        )
    assert resource.versions.get().status == ResourceVersion.Status.FAILED


def test_a_later_plain_upload_into_a_release_resource_is_checked_again(
    tmp_path: Path, world: Agencies, run_jobs: Any
) -> None:
    """Only the release's own version is exempt, not whatever is uploaded to its resource later."""
    release = _release_upload(tmp_path, world, run_jobs, record_release=True)
    assert release.status == ResourceVersion.Status.SUCCEEDED
    path = tmp_path / "raw-again.csv"
    path.write_text(personal_csv(), encoding="utf-8")
    with run_jobs(), transaction.atomic():
        later = resource_version_create(
            actor=world.steward, resource=release.resource, upload=path, filename="raw-again.csv"
        )
    later.refresh_from_db()
    assert later.status == ResourceVersion.Status.FAILED
    assert later.table_schema["x_ddgov"]["error_code"] == "personal_data"
    release.resource.refresh_from_db()
    assert release.resource.current_version_id == release.pk
