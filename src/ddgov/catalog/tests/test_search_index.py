"""Keeping the index current: writes through the services, the change log, and other processes."""

import pytest

from ddgov.catalog.models import Dataset, SearchChange, SearchDocument
from ddgov.catalog.search import engine
from ddgov.catalog.selectors.search import dataset_search
from ddgov.catalog.services import (
    dataset_create,
    dataset_delete,
    dataset_update,
    resource_create,
    resource_delete,
    search_index,
)
from ddgov.catalog.services.search_index import dataset_index, dataset_index_bulk
from ddgov.catalog.tests.factories import DatasetFactory, dataset_clean_data
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def names(**kwargs):
    return sorted(d.name for d in dataset_search(viewer=None, rows=100, **kwargs).datasets)


@pytest.fixture
def steward():
    return MembershipFactory(role=Role.DATA_STEWARD)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit index updates of the writes inside the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_index_follows_create_update_and_delete(steward, commit):
    with commit():
        dataset = dataset_create(
            actor=steward.user, data=dataset_clean_data(owner_org=steward.agency.code)
        )
    assert names(q="ผู้สูงอายุ") == ["elderly-by-province"]
    with commit():
        dataset_update(
            actor=steward.user, dataset=dataset, data={"title": "จำนวนนักเรียนรายจังหวัด"}, partial=True
        )
    assert names(q="นักเรียน") == ["elderly-by-province"]
    assert names(q="title:ผู้สูงอายุ") == []
    with commit():
        dataset_update(actor=steward.user, dataset=dataset, data={"private": True}, partial=True)
    assert names() == []
    with commit():
        dataset_update(actor=steward.user, dataset=dataset, data={"private": False}, partial=True)
    assert names() == ["elderly-by-province"]
    with commit():
        dataset_delete(actor=steward.user, dataset=dataset)
    assert names() == []
    assert not SearchDocument.objects.exists()


def test_resources_feed_formats_and_words(steward, commit):
    with commit():
        dataset = dataset_create(
            actor=steward.user, data=dataset_clean_data(owner_org=steward.agency.code)
        )
        resource = resource_create(
            actor=steward.user,
            dataset=dataset,
            data={"name": "ตารางเบี้ยยังชีพ", "format": "xlsx", "url": "https://x.go.th/a"},
        )
    assert dataset_search(viewer=None, facet_fields=["res_format"]).facets == {
        "res_format": {"XLSX": 1}
    }
    assert names(q="เบี้ยยังชีพ") == ["elderly-by-province"]
    with commit():
        resource_delete(actor=steward.user, resource=resource)
    assert dataset_search(viewer=None, facet_fields=["res_format"]).facets == {"res_format": {}}
    assert names(q="เบี้ยยังชีพ") == []


def test_every_index_write_is_logged_with_increasing_generations():
    first, second = DatasetFactory(), DatasetFactory()
    dataset_index(dataset_id=first.pk)
    dataset_index(dataset_id=second.pk)
    dataset_index_bulk()
    log = list(SearchChange.objects.values_list("generation", "dataset_id"))
    assert log == [(1, first.pk), (2, second.pk), (3, None)]
    assert len(set(SearchChange.objects.values_list("token", flat=True))) == 3


def test_a_process_catches_up_with_only_what_changed():
    kept, changed = DatasetFactory(title="ข้อมูลแรงงาน"), DatasetFactory(title="ข้อมูลประมง")
    dataset_index_bulk()
    before = engine.index_snapshot()
    Dataset.objects.filter(pk=changed.pk).update(title="ข้อมูลป่าไม้")
    dataset_index(dataset_id=changed.pk)
    after = engine.index_snapshot()
    assert after is not before
    assert after.base is before.base  # no full reload
    assert after.delta_size == 1
    assert names(q="ป่าไม้") == [changed.name]
    assert names(q="ประมง") == []
    assert names(q="แรงงาน") == [kept.name]


def test_a_new_process_loads_the_same_index():
    datasets = [DatasetFactory(title=f"สถิติการท่องเที่ยว ชุด {i}") for i in range(3)]
    dataset_index_bulk()
    dataset_index(dataset_id=datasets[0].pk)
    expected = dataset_search(viewer=None, q="ท่องเที่ยว", facet_fields=["organization"])
    engine.index_cache_clear()  # as a freshly started worker process
    again = dataset_search(viewer=None, q="ท่องเที่ยว", facet_fields=["organization"])
    assert again.datasets == expected.datasets
    assert again.facets == expected.facets
    assert engine.index_snapshot().delta_size == 0


def test_a_divergent_history_forces_a_full_reload():
    dataset = DatasetFactory(title="ข้อมูลชลประทาน")
    dataset_index(dataset_id=dataset.pk)
    stale = engine.index_snapshot()
    # Another history with the same generation number (a rolled-back transaction, a restored backup).
    SearchChange.objects.all().delete()
    SearchDocument.objects.all().delete()
    other = DatasetFactory(title="ข้อมูลอุทกภัย")
    dataset_index(dataset_id=other.pk)
    assert SearchChange.objects.get().generation == stale.generation
    assert names(q="ชลประทาน") == []
    assert names(q="อุทกภัย") == [other.name]
    assert engine.index_snapshot().base is not stale.base


def test_a_large_delta_is_folded_into_a_new_base(monkeypatch):
    monkeypatch.setattr(engine, "DELTA_LIMIT_MIN", 2)
    datasets = [DatasetFactory(title=f"ชุดข้อมูล {i}") for i in range(4)]
    dataset_index_bulk()
    base = engine.index_snapshot().base
    dataset_index(dataset_id=datasets[0].pk)
    assert engine.index_snapshot().base is base
    for dataset in datasets[1:]:
        dataset_index(dataset_id=dataset.pk)
    assert engine.index_snapshot().base is not base
    assert engine.index_snapshot().delta_size == 0
    assert len(names()) == 4


def test_the_change_log_is_pruned_and_a_process_left_behind_reloads(monkeypatch):
    monkeypatch.setattr(search_index, "CHANGE_LOG_PRUNE_EVERY", 2)
    monkeypatch.setattr(search_index, "CHANGE_LOG_KEEP", 1)
    first = DatasetFactory(title="ข้อมูลโรงพยาบาล")
    dataset_index(dataset_id=first.pk)
    behind = engine.index_snapshot()
    later = [DatasetFactory(title="ข้อมูลโรงพยาบาล") for _ in range(3)]
    for dataset in later:
        dataset_index(dataset_id=dataset.pk)
    assert SearchChange.objects.count() < 4
    assert not SearchChange.objects.filter(generation=behind.generation).exists()
    assert names(q="โรงพยาบาล") == sorted(d.name for d in [first, *later])
    assert engine.index_snapshot().base is not behind.base


def test_bulk_index_removes_entries_of_deleted_and_vanished_datasets():
    gone, deleted, kept = DatasetFactory(), DatasetFactory(), DatasetFactory()
    assert dataset_index_bulk() == 3
    Dataset.objects.filter(pk=deleted.pk).update(state="deleted")
    gone_id = gone.pk
    gone.delete()
    assert dataset_index_bulk() == 1
    assert list(SearchDocument.objects.values_list("dataset_id", flat=True)) == [kept.pk]
    assert dataset_index_bulk(dataset_ids=[gone_id, kept.pk]) == 1
    assert names() == [kept.name]


def test_indexing_a_dataset_that_no_longer_exists_removes_it():
    dataset = DatasetFactory()
    dataset_index(dataset_id=dataset.pk)
    dataset_id = dataset.pk
    dataset.delete()
    dataset_index(dataset_id=dataset_id)
    assert not SearchDocument.objects.exists()
    assert dataset_search(viewer=None).count == 0


def test_bulk_index_reports_progress():
    for _ in range(5):
        DatasetFactory()
    seen = []
    dataset_index_bulk(batch_size=2, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_search_reindex_command_rebuilds_the_index():
    from io import StringIO

    from django.core.management import call_command

    DatasetFactory(title="ข้อมูลคุณภาพน้ำ")
    out = StringIO()
    call_command("search", "reindex", "--batch-size", "10", stdout=out)
    assert out.getvalue().strip() == "search index rebuilt: 1 datasets"
    assert dataset_search(viewer=None, q="คุณภาพน้ำ").count == 1


def test_bulk_index_segments_in_worker_processes():
    datasets = [DatasetFactory(title=f"ข้อมูลปริมาณน้ำฝน ชุด {i}") for i in range(4)]
    assert dataset_index_bulk(workers=2, batch_size=2) == 4
    assert names(q="น้ำฝน") == sorted(d.name for d in datasets)
