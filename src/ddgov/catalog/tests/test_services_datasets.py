import pytest
from django.core.exceptions import PermissionDenied

from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import Dataset
from ddgov.catalog.selectors import dataset_get_for_viewer, datasets_visible
from ddgov.catalog.selectors.datasets import NotFound
from ddgov.catalog.services import (
    CatalogValidationError,
    dataset_create,
    dataset_delete,
    dataset_update,
)
from ddgov.catalog.tests.factories import DatasetFactory, GroupFactory, dataset_clean_data
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import CitizenUserFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward():
    return MembershipFactory(role=Role.DATA_STEWARD)


def test_steward_creates_a_complete_dataset_and_it_is_audited(steward):
    GroupFactory(name="welfare")
    dataset = dataset_create(
        actor=steward.user,
        data=dataset_clean_data(owner_org=steward.agency.code, groups=["welfare"]),
    )
    assert dataset.owner_org == steward.agency
    assert sorted(dataset.tags.values_list("name", flat=True)) == ["ประชากร", "ผู้สูงอายุ"]
    assert list(dataset.groups.values_list("name", flat=True)) == ["welfare"]
    record = AuditRecord.objects.get(action="dataset.create")
    assert record.agency_code == steward.agency.code
    assert record.actor_id == steward.user.pk


@pytest.mark.parametrize(
    "missing",
    ["data_type", "maintainer_email", "tags", "objective", "data_category", "license_id", "notes"],
)
def test_every_required_thai_gdc_field_is_enforced(steward, missing):
    data = dataset_clean_data(owner_org=steward.agency.code)
    del data[missing]
    with pytest.raises(CatalogValidationError) as info:
        dataset_create(actor=steward.user, data=data)
    key = "tag_string" if missing == "tags" else missing
    assert key in info.value.field_errors
    assert "กรุณากรอกข้อมูล" in info.value.field_errors[key][0]
    assert not Dataset.objects.exists()
    assert not AuditRecord.objects.filter(action="dataset.create").exists()


def test_bad_choice_and_bad_name_are_reported_together(steward):
    data = dataset_clean_data(
        owner_org=steward.agency.code, data_type="spreadsheet", name="Bad Name!"
    )
    with pytest.raises(CatalogValidationError) as info:
        dataset_create(actor=steward.user, data=data)
    assert {"data_type", "name"} <= set(info.value.field_errors)


def test_personal_data_cannot_be_open(steward):
    data = dataset_clean_data(
        owner_org=steward.agency.code, data_category="personal", private=False
    )
    with pytest.raises(CatalogValidationError) as info:
        dataset_create(actor=steward.user, data=data)
    assert "private" in info.value.field_errors
    dataset = dataset_create(actor=steward.user, data={**data, "private": True})
    with pytest.raises(CatalogValidationError):
        dataset_update(actor=steward.user, dataset=dataset, data={"private": False}, partial=True)
    dataset.refresh_from_db()
    assert dataset.private


def test_officers_and_other_agencies_cannot_write(steward):
    officer = MembershipFactory(role=Role.OFFICER, agency=steward.agency)
    outsider = MembershipFactory(role=Role.ADMIN)
    for actor in (officer.user, outsider.user):
        with pytest.raises(PermissionDenied):
            dataset_create(actor=actor, data=dataset_clean_data(owner_org=steward.agency.code))
    assert not Dataset.objects.exists()
    assert AuditRecord.objects.filter(action="dataset.create", outcome="denied").count() == 2


def test_private_and_draft_datasets_are_visible_only_inside_the_agency(steward):
    public = DatasetFactory(owner_org=steward.agency)
    private = DatasetFactory(owner_org=steward.agency, private=True)
    draft = DatasetFactory(owner_org=steward.agency, state="draft")
    deleted = DatasetFactory(owner_org=steward.agency, state="deleted")
    citizen = CitizenUserFactory()
    outsider = MembershipFactory().user
    assert set(datasets_visible(viewer=citizen)) == {public}
    assert set(datasets_visible(viewer=outsider)) == {public}
    assert set(datasets_visible(viewer=None)) == {public}
    assert set(datasets_visible(viewer=steward.user, include_drafts=True)) == {
        public,
        private,
        draft,
    }
    with pytest.raises(NotFound):
        dataset_get_for_viewer(viewer=outsider, name_or_id=private.name)
    with pytest.raises(NotFound):
        dataset_get_for_viewer(viewer=steward.user, name_or_id=deleted.name)


def test_patch_keeps_other_fields_and_delete_hides(steward):
    dataset = dataset_create(
        actor=steward.user, data=dataset_clean_data(owner_org=steward.agency.code)
    )
    dataset_update(actor=steward.user, dataset=dataset, data={"title": "ใหม่"}, partial=True)
    dataset.refresh_from_db()
    assert (dataset.title, dataset.license_id) == ("ใหม่", "Open-D")
    dataset_delete(actor=steward.user, dataset=dataset)
    assert not datasets_visible(viewer=steward.user).exists()
    assert [r.action for r in AuditRecord.objects.filter(target_type="dataset")] == [
        "dataset.create",
        "dataset.update",
        "dataset.delete",
    ]


def test_full_update_requires_the_required_fields_again(steward):
    dataset = dataset_create(
        actor=steward.user, data=dataset_clean_data(owner_org=steward.agency.code)
    )
    with pytest.raises(CatalogValidationError):
        dataset_update(
            actor=steward.user,
            dataset=dataset,
            data={"title": "x", "owner_org": steward.agency.code},
        )
    dataset.refresh_from_db()
    assert dataset.title == "จำนวนผู้สูงอายุรายจังหวัด"
