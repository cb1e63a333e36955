"""The demo catalog: real Thai open data published by plausible agencies and ingested at once."""

import pytest

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.catalog.models import Dataset, ResourceVersion
from ddgov.catalog.seeders import DEMO_DATASETS, seed_datasets
from ddgov.catalog.tests.factories import GroupFactory
from ddgov.catalog.vocab import FOCUS_AREAS, REQUIRED_FIELDS
from ddgov.core.seeding import SeedContext
from ddgov.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies():
    for code in {d.owner for d in DEMO_DATASETS}:
        DepartmentFactory(code=code)
    for code, _th, _en in FOCUS_AREAS:
        GroupFactory(name=code)


def test_demo_datasets_are_ingested_with_full_metadata(agencies, shared_data):
    written = seed_datasets(SeedContext(scale=1))
    assert written > len(DEMO_DATASETS)
    assert Dataset.objects.count() == len(DEMO_DATASETS)
    population = Dataset.objects.get(name="population-households-by-subdistrict")
    assert population.owner_org.code == "dopa"
    assert list(population.groups.values_list("name", flat=True)) == ["welfare"]
    assert population.official_statistics
    for dataset in Dataset.objects.all():
        for field in REQUIRED_FIELDS:
            if field != "tag_string":
                assert getattr(dataset, field), (dataset.name, field)
        assert dataset.tags.exists()
        assert dataset.is_open
    versions = ResourceVersion.objects.all()
    assert versions.count() == sum(len(d.files) for d in DEMO_DATASETS)
    failed = [
        (v.original_filename, v.message)
        for v in versions
        if v.status != ResourceVersion.Status.SUCCEEDED
    ]
    assert failed == []
    for version in versions:
        assert version.resource.current_version_id == version.pk
        assert version.row_count > 0
    ev = ResourceVersion.objects.get(original_filename="PEA_ev_charging_stations.csv")
    assert {f["name"]: f["type"] for f in ev.table_schema["fields"]}["Power"] == "integer"
    # ingested right away: every job already ran
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.SUCCEEDED}


def test_without_the_shared_folder_the_demo_has_no_datasets(agencies, settings, tmp_path, capsys):
    settings.SHARED_DATA_DIR = tmp_path / "absent"
    assert seed_datasets(SeedContext(scale=1)) == 0
    assert "not found" in capsys.readouterr().err
    assert not Dataset.objects.exists()
