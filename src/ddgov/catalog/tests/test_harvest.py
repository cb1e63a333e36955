import json
import socket

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import Dataset, Resource
from ddgov.catalog.services import harvest as harvest_module
from ddgov.catalog.services.harvest import (
    HarvestError,
    harvest_enqueue,
    harvest_job,
    harvest_run,
    package_to_data,
)
from ddgov.catalog.tests.factories import DatasetFactory, GroupFactory
from ddgov.catalog.tests.harvest_support import FakeCkan, sample_packages, serve, thai_gdc_package
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

GOOD = {"bkkpopulationage", "0914_pm25monthly01", "airportraillink-passenger"}


@pytest.fixture
def steward():
    GroupFactory(name="welfare", title_th="ลดความเหลื่อมล้ำด้านสวัสดิการ", title_en="Welfare")
    GroupFactory(name="environment", title_th="สิ่งแวดล้อม", title_en="Environment")
    return MembershipFactory(role=Role.DATA_STEWARD)


@pytest.fixture
def remote():
    fake = FakeCkan(sample_packages())
    with serve(fake):
        yield fake


def run(steward, remote, **kwargs):
    return harvest_run(
        actor=steward.user, source_url=remote.url, organization=steward.agency, **kwargs
    )


def test_thai_gdc_packages_become_ddgov_datasets(steward, remote):
    report = run(steward, remote)
    assert set(report.created) == GOOD
    assert {f.remote for f in report.failed} == {"budget2567", "bmahospital"}
    assert not report.error
    elderly = Dataset.objects.get(name="bkkpopulationage")
    assert elderly.owner_org == steward.agency
    assert elderly.harvest_source == f"{remote.url}#{remote.packages[0]['id']}"
    assert (elderly.data_type, elderly.update_frequency_unit, elderly.geo_coverage) == (
        "statistical",
        "yearly",
        "province",
    )
    assert (elderly.data_category, elderly.data_classification, elderly.license_id) == (
        "public",
        "public",
        "Open-D",
    )
    assert sorted(elderly.objective) == ["agency_mission", "national_strategy"]
    assert elderly.update_frequency_interval == 1
    assert elderly.data_language == ["th"]
    assert elderly.official_statistics is True
    assert elderly.high_value_dataset is False
    assert elderly.extras["first_year_of_data"] == "2560"
    assert elderly.extras["telephone_number"] == "0 2356 9999"
    assert elderly.extras["source_system"] == "stat.bora.dopa.go.th"
    assert sorted(elderly.tags.values_list("name", flat=True)) == ["ประชากร", "ผู้สูงอายุ"]
    assert list(elderly.groups.values_list("name", flat=True)) == [
        "welfare"
    ]  # "population" is no focus area
    resource = elderly.resources.get()
    assert (
        resource.url
        == "https://data.go.th/dataset/bkkpopulationage/resource/r1/download/bkkpopulationage.csv"
    )
    assert (resource.format, resource.url_type, resource.current_version) == ("CSV", "", None)
    pm = Dataset.objects.get(name="0914_pm25monthly01")
    assert (pm.data_type, pm.update_frequency_unit, pm.geo_coverage) == (
        "record",
        "monthly",
        "coordinates",
    )
    assert pm.objective == ["public_service"]
    assert pm.data_format == "CSV, JSON"
    assert [(r.name, r.format) for r in pm.resources.order_by("position")] == [
        ("PM2.5 2566", "CSV"),
        ("pm25.json", "JSON"),
    ]


def test_a_generic_ckan_dataset_gets_defaults_it_is_told_about(steward, remote):
    run(steward, remote)
    arl = Dataset.objects.get(name="airportraillink-passenger")
    assert (arl.maintainer, arl.maintainer_email) == (
        "SRT Electrified Train Co.",
        "open-data@srtet.co.th",
    )
    assert (arl.data_type, arl.objective, arl.data_category, arl.license_id) == (
        "other",
        ["other"],
        "public",
        "cc-by",
    )
    assert arl.data_format == "XLSX"
    assert set(arl.extras["harvest_defaults"]) == {"data_type", "update_frequency_unit", "geo_coverage", "objective",
                                                   "data_category"}  # fmt: skip


def test_failures_say_why_and_leave_nothing_behind(steward, remote):
    report = run(steward, remote)
    reasons = {f.remote: f.reason for f in report.failed}
    assert "notes" in reasons["budget2567"]
    assert "maintainer_email" in reasons["budget2567"]
    assert "กรุณากรอกข้อมูล" in reasons["budget2567"]
    assert "cannot be published as open data" in reasons["bmahospital"]
    assert "ข้อมูลเปิด" in reasons["bmahospital"]
    assert not Dataset.objects.filter(name__in=["budget2567", "bmahospital", "_01_12"]).exists()
    assert AuditRecord.objects.filter(action="dataset.create").count() == 3
    summary = AuditRecord.objects.get(action="catalog.harvest")
    assert summary.agency_code == steward.agency.code
    assert summary.detail["created"] == 3
    assert summary.detail["failed"] == 2


def test_a_failure_halfway_through_a_dataset_rolls_the_dataset_back(steward, remote, monkeypatch):
    real = harvest_module.resource_create

    def flaky(*, actor, dataset, data):
        if dataset.name == "0914_pm25monthly01" and data["harvest_id"] == "pm-2":
            raise ValueError("disk full / ดิสก์เต็ม")
        return real(actor=actor, dataset=dataset, data=data)

    monkeypatch.setattr(harvest_module, "resource_create", flaky)
    report = run(steward, remote)
    assert [f.remote for f in report.failed if "disk full" in f.reason] == ["0914_pm25monthly01"]
    assert not Dataset.objects.filter(name="0914_pm25monthly01").exists()
    assert not Resource.objects.filter(url__contains="pm25").exists()
    assert {"bkkpopulationage", "airportraillink-passenger"} <= set(report.created)


def test_harvesting_again_updates_instead_of_duplicating(steward, remote):
    run(steward, remote)
    second = run(steward, remote)
    assert set(second.unchanged) == GOOD
    assert not second.created
    assert not second.updated
    assert Dataset.objects.count() == 3
    package = remote.packages[0]
    package["title"] = "ประชากรกรุงเทพมหานครจำแนกตามอายุ (ปรับปรุง)"
    package["metadata_modified"] = "2024-02-01T00:00:00"
    package["resources"] = [
        {"id": "r2", "name": "ฉบับใหม่", "format": "XLSX", "url": "https://data.go.th/new.xlsx"}
    ]
    local = Dataset.objects.get(name="bkkpopulationage")
    local_resource = Resource.objects.create(
        dataset=local, name="added in ddgov", url="https://ddgov.example/x.csv"
    )
    third = run(steward, remote)
    assert third.updated == ["bkkpopulationage"]
    local.refresh_from_db()
    assert local.title.endswith("(ปรับปรุง)")
    active = set(local.resources.filter(state="active").values_list("name", flat=True))
    assert active == {"ฉบับใหม่", "added in ddgov"}
    assert local.resources.get(name="ประชากรกรุงเทพมหานครจำแนกตามอายุ (CSV)").state == "deleted"
    local_resource.refresh_from_db()
    assert local_resource.state == "active"
    assert Dataset.objects.count() == 3


def test_a_name_taken_locally_needs_a_prefix(steward, remote):
    DatasetFactory(name="bkkpopulationage")
    report = run(steward, remote)
    reason = next(f.reason for f in report.failed if f.remote == "bkkpopulationage")
    assert "prefix" in reason
    assert "คำนำหน้า" in reason
    prefixed = run(steward, remote, name_prefix="dgt-")
    assert "dgt-bkkpopulationage" in prefixed.created
    with pytest.raises(HarvestError, match="prefix"):
        run(steward, remote, name_prefix="Bad Prefix!")


def test_private_datasets_only_when_asked(steward, remote):
    assert "_01_12" not in {*run(steward, remote).created}
    remote.packages[-1]["data_category"] = "ข้อมูลส่วนบุคคล"
    report = run(steward, remote, include_private=True)
    assert "_01_12" in report.created
    assert Dataset.objects.get(name="_01_12").private is True


def test_only_stewards_of_the_organization_may_harvest(steward, remote):
    for role, agency in ((Role.OFFICER, steward.agency), (Role.DATA_STEWARD, None)):
        outsider = MembershipFactory(role=role, **({"agency": agency} if agency else {})).user
        with pytest.raises(PermissionDenied):
            harvest_run(actor=outsider, source_url=remote.url, organization=steward.agency.code)
    assert not Dataset.objects.exists()
    assert remote.calls == []
    assert AuditRecord.objects.filter(action="catalog.harvest", outcome="denied").count() == 2


def test_an_unreachable_or_wrong_source_is_a_clear_error(steward):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(HarvestError, match="อ่าน CKAN API ที่"):
        harvest_run(
            actor=steward.user, source_url=f"http://127.0.0.1:{port}", organization=steward.agency
        )
    with pytest.raises(HarvestError, match="http"):
        harvest_run(
            actor=steward.user, source_url="file:///etc/passwd", organization=steward.agency
        )
    with pytest.raises(HarvestError, match="ไม่พบหน่วยงาน"):
        harvest_run(actor=None, source_url="http://127.0.0.1:9", organization="no-such-agency")
    assert not Dataset.objects.exists()


def test_without_package_search_it_lists_and_shows(steward, remote):
    remote.search_enabled = False
    report = run(steward, remote)
    assert set(report.created) == GOOD
    assert remote.calls.count("package_list") == 1
    assert remote.calls.count("package_show") == 5


def test_real_data_go_th_slugs_page_through_search(steward, shared_data):
    names = json.loads(
        (shared_data / "opendata" / "datagoth_ckan_package_batches.json").read_text()
    )["result"]
    picked = names[:12] + names[len(names) // 2 : len(names) // 2 + 11]
    fake = FakeCkan([thai_gdc_package(n, f"ชุดข้อมูล {n}") for n in picked])
    with serve(fake):
        report = run(steward, fake, rows=5)
    assert sorted(report.created) == sorted(picked)
    assert fake.calls.count("package_search") == 5
    assert Dataset.objects.count() == len(picked)


def test_progress_is_reported(steward, remote):
    seen = []
    run(steward, remote, progress=lambda fraction, message: seen.append((fraction, message)))
    assert seen[-1] == (1.0, "5/5")
    assert [f for f, _m in seen] == sorted(f for f, _m in seen)


def test_the_command_and_the_job_handler(steward, remote, capsys):
    call_command("catalog_harvest", remote.url, "--org", steward.agency.code, "--prefix", "cmd-")
    out = capsys.readouterr().out
    assert "created 3" in out
    assert "สร้างใหม่ 3" in out
    assert "failed / ล้มเหลว budget2567" in out
    assert Dataset.objects.filter(name="cmd-bkkpopulationage").exists()
    call_command(
        "catalog_harvest", remote.url, "--org", steward.agency.code, "--prefix", "cmd-", "--json"
    )
    report = json.loads(capsys.readouterr().out)
    assert len(report["unchanged"]) == 3
    with pytest.raises(CommandError):
        call_command("catalog_harvest", "ftp://example", "--org", steward.agency.code)
    call_command("catalog", "harvest", remote.url, "--org", steward.agency.code, "--prefix", "cmd-")
    assert "unchanged 3" in capsys.readouterr().out
    progress = []
    other_source = FakeCkan(sample_packages())
    with serve(other_source):
        harvest_job(job_id=1, progress=lambda f, m: progress.append(m), source_url=other_source.url,
                    organization=steward.agency.code, name_prefix="job-", actor_id=steward.user.pk)  # fmt: skip
    assert Dataset.objects.filter(name="job-bkkpopulationage").exists()
    assert "created 3" in progress[-1]


def test_a_source_feeds_one_organization(steward, remote):
    run(steward, remote)
    other = MembershipFactory(role=Role.DATA_STEWARD)
    report = harvest_run(
        actor=other.user, source_url=remote.url, organization=other.agency, name_prefix="o-"
    )
    assert not report.created
    assert {s.remote for s in report.skipped} == GOOD
    assert all(steward.agency.code in s.reason for s in report.skipped)
    assert set(Dataset.objects.values_list("owner_org", flat=True)) == {steward.agency.pk}


def test_package_mapping_handles_the_shapes_ckan_returns():
    agency = MembershipFactory().agency
    package = thai_gdc_package(
        "x1",
        "ทดสอบ",
        objective='["มติคณะรัฐมนตรี", "นโยบายรัฐบาล/ข้อสั่งการนายกรัฐมนตรี"]',
        data_language="{ไทย,อังกฤษ}",
        data_category="ข้อมูลใช้ภายใน",
        geo_coverage="ดาวอังคาร",
        created_date="2566-01-31",
        north_bound_longitude="20.4",
        update_frequency_interval="ไม่ระบุ",
    )
    data = package_to_data(
        package, organization=agency, source_key="s#1", name="x1", group_names=set()
    )
    assert data["objective"] == ["cabinet_resolution", "other"]
    assert data["extras"]["objective_other"] == ["นโยบายรัฐบาล/ข้อสั่งการนายกรัฐมนตรี"]
    assert data["data_language"] == ["th", "en"]
    assert (data["data_category"], data["data_classification"]) == ("public", "internal")
    assert (data["geo_coverage"], data["extras"]["geo_coverage_other"]) == ("other", "ดาวอังคาร")
    assert str(data["created_date"]) == "2023-01-31"
    assert data["north_bound_latitude"] == "20.4"
    assert data["update_frequency_interval"] is None


def test_only_one_source_organization(steward, remote):
    report = run(steward, remote, source_organization="dopa")
    assert set(report.created) == {"bkkpopulationage", "0914_pm25monthly01"}
    assert [s.remote for s in report.skipped] == ["airportraillink-passenger"]


def test_a_queued_harvest_runs_as_a_job(steward, remote, django_capture_on_commit_callbacks):
    from ddgov.jobs.models import Job

    with django_capture_on_commit_callbacks(execute=True):
        job = harvest_enqueue(
            actor=steward.user, source_url=remote.url, organization=steward.agency.code
        )
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.message.startswith("created 3")
    assert "budget2567: " in job.message
    assert Dataset.objects.filter(name="bkkpopulationage").exists()
    outsider = MembershipFactory(role=Role.DATA_STEWARD).user
    with pytest.raises(PermissionDenied):
        harvest_enqueue(actor=outsider, source_url=remote.url, organization=steward.agency.code)
    with pytest.raises(HarvestError):
        harvest_enqueue(
            actor=steward.user, source_url="gopher://x", organization=steward.agency.code
        )
    assert Job.objects.count() == 1
