"""profile_run, the after-ingest job, idempotence, audit, and a steward's request for a new profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import ResourceVersion
from ddgov.catalog.services.ingest import resource_version_create
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.governance.models import Profile
from ddgov.governance.profiling.selectors import profile_get
from ddgov.governance.profiling.services import ProfileError, profile_request, profile_run
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory
from ddgov.identity.thaiid import thai_id_complete, thai_id_format
from ddgov.jobs.models import Job

pytestmark = pytest.mark.django_db

IDS = [thai_id_complete(f"1{n:011d}") for n in (101, 202, 303)]
CSV = (
    "จังหวัด,เลขประจำตัวประชาชน,วันที่,จำนวน\n"
    f'เชียงใหม่,{thai_id_format(IDS[0])},17/05/2566,"1,200"\n'
    f"ลำพูน,{thai_id_format(IDS[1])},18/05/2566,3400\n"
    f"ลำปาง,{thai_id_format(IDS[2])},19/05/2566,\n"
)


@pytest.fixture
def steward():
    return MembershipFactory(role=Role.DATA_STEWARD)


def upload(steward, tmp_path: Path, capture, text: str = CSV) -> ResourceVersion:
    # Private: an open dataset may not hold citizen IDs (the classification part refuses it).
    dataset = DatasetFactory(owner_org=steward.agency, private=True)
    resource = ResourceFactory(dataset=dataset, format="")
    source = tmp_path / "data.csv"
    source.write_text(text, encoding="utf-8")
    with capture(execute=True):
        version = resource_version_create(
            actor=steward.user, resource=resource, upload=source, filename=source.name
        )
    version.refresh_from_db()
    assert version.status == ResourceVersion.Status.SUCCEEDED, version.message
    return version


def test_every_ingested_version_is_profiled_in_the_background(
    steward, tmp_path, django_capture_on_commit_callbacks
) -> None:
    version = upload(steward, tmp_path, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind="governance.profile")
    assert job.payload == {"version_id": version.pk}
    assert job.status == Job.Status.SUCCEEDED, job.message
    profile = profile_get(version_id=version.pk)
    assert profile is not None
    assert profile.row_count == 3
    columns = {c["name"]: c for c in profile.data["columns"]}
    assert list(columns) == ["จังหวัด", "เลขประจำตัวประชาชน", "วันที่", "จำนวน"]
    assert columns["จังหวัด"]["thai"]["admin_level"] == "province"
    assert columns["เลขประจำตัวประชาชน"]["thai"]["citizen_id_like"] == 3
    # The ingest typed the BE dates as dates (format "be"); the profile still says they were BE.
    assert columns["วันที่"]["type"] == "date"
    assert columns["วันที่"]["min"] == "2023-05-17"
    assert columns["วันที่"]["thai"]["buddhist_era"] == 3
    assert columns["จำนวน"]["type"] == "integer"
    assert (columns["จำนวน"]["nulls"], columns["จำนวน"]["mean"]) == (1, 2300.0)


def test_profile_run_is_idempotent_and_audited_each_time_it_computes(
    steward, tmp_path, django_capture_on_commit_callbacks
) -> None:
    version = upload(steward, tmp_path, django_capture_on_commit_callbacks)
    first = profile_get(version_id=version.pk)
    assert first is not None
    records = AuditRecord.objects.filter(action="governance.profile")
    assert records.count() == 1
    record = records.get()
    assert record.agency_code == steward.agency.code
    assert record.target_id == f"{version.resource_id}:v{version.number}"
    assert record.outcome == "ok"

    again = profile_run(version_id=version.pk)
    assert again.pk == first.pk
    assert again.created_at == first.created_at
    assert records.count() == 1  # nothing computed, nothing audited

    Profile.objects.filter(pk=first.pk).update(row_count=-1)
    forced = profile_run(version_id=version.pk, force=True)
    assert forced.pk == first.pk
    assert forced.row_count == 3
    assert records.count() == 2
    assert Profile.objects.count() == 1


def test_a_missing_or_failed_version_is_refused_without_a_profile(
    steward, tmp_path, django_capture_on_commit_callbacks
) -> None:
    with pytest.raises(ProfileError, match="ไม่พบรุ่น"):
        profile_run(version_id=999_999)
    failed = upload(steward, tmp_path, django_capture_on_commit_callbacks)
    ResourceVersion.objects.filter(pk=failed.pk).update(status=ResourceVersion.Status.FAILED)
    Profile.objects.all().delete()
    with pytest.raises(ProfileError, match=r"no ingested table.*/ รุ่นที่"):
        profile_run(version_id=failed.pk)
    assert Profile.objects.count() == 0


def test_only_a_steward_of_the_agency_may_ask_for_a_new_profile(
    steward, tmp_path, django_capture_on_commit_callbacks
) -> None:
    version = upload(steward, tmp_path, django_capture_on_commit_callbacks)
    viewer = MembershipFactory(role=Role.VIEWER, agency=steward.agency)
    with pytest.raises(PermissionDenied):
        profile_request(actor=viewer.user, version_id=version.pk)
    assert AuditRecord.objects.filter(action="governance.profile", outcome="denied").exists()
    before = AuditRecord.objects.filter(action="governance.profile", outcome="ok").count()
    with django_capture_on_commit_callbacks(execute=True):
        job = profile_request(actor=steward.user, version_id=version.pk)
    job.refresh_from_db()
    assert job.payload == {"version_id": version.pk, "force": True}
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert (
        AuditRecord.objects.filter(action="governance.profile", outcome="ok").count() == before + 1
    )
