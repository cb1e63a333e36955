"""Harvest from a live ddgov through its own CKAN Action API, into another organisation."""

import pytest

from ddgov.catalog.models import Dataset
from ddgov.catalog.services.datasets import dataset_create, resource_create
from ddgov.catalog.services.harvest import harvest_run
from ddgov.catalog.tests.factories import GroupFactory, ResourceFactory, dataset_clean_data
from ddgov.catalog.tests.open_data_support import ingested_version
from ddgov.identity.models import Role
from ddgov.identity.services import api_token_create
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_ddgov_harvests_ddgov(live_server):
    GroupFactory(name="welfare", title_th="ลดความเหลื่อมล้ำด้านสวัสดิการ", title_en="Welfare")
    source = MembershipFactory(role=Role.DATA_STEWARD)
    original = dataset_create(
        actor=source.user,
        data=dataset_clean_data(
            owner_org=source.agency.code, groups=["welfare"], data_language=["th"], official_statistics=True,
            update_frequency_unit="monthly", update_frequency_interval=2, first_year_of_data="2560",
        ),
    )  # fmt: skip
    resource_create(
        actor=source.user, dataset=original, data={"name": "หน้าเว็บ", "url": "https://dopa.go.th/x"}
    )
    ingested_version(ResourceFactory(dataset=original, name="ตาราง"))
    dataset_create(
        actor=source.user,
        data=dataset_clean_data(
            name="welfare-cards",
            owner_org=source.agency.code,
            private=True,
            data_category="personal",
        ),
    )
    target = MembershipFactory(role=Role.DATA_STEWARD)

    def harvest(**kwargs):
        return harvest_run(actor=target.user, source_url=live_server.url, organization=target.agency,
                           name_prefix="copy-", source_organization=source.agency.code, **kwargs)  # fmt: skip

    report = harvest()

    assert report.created == ["copy-elderly-by-province"], report
    assert not report.failed
    copy = Dataset.objects.get(name="copy-elderly-by-province")
    assert copy.owner_org == target.agency
    assert copy.harvest_source == f"{live_server.url}#{original.pk}"
    for field in ("title", "notes", "data_type", "objective", "update_frequency_unit", "update_frequency_interval",
                  "geo_coverage", "data_source", "data_category", "license_id", "maintainer_email",
                  "official_statistics", "data_language"):  # fmt: skip
        assert getattr(copy, field) == getattr(original, field), field
    assert copy.extras.get("first_year_of_data") == "2560"
    assert sorted(copy.tags.values_list("name", flat=True)) == ["ประชากร", "ผู้สูงอายุ"]
    assert list(copy.groups.values_list("name", flat=True)) == ["welfare"]
    links = {r.name: r.url for r in copy.resources.all()}
    assert links["หน้าเว็บ"] == "https://dopa.go.th/x"
    assert links["ตาราง"].startswith(live_server.url)  # the source's download, as a link

    again = harvest()
    assert again.unchanged == ["copy-elderly-by-province"]

    member_token = api_token_create(actor=source.user, user=source.user)
    private = harvest(include_private=True, api_key=member_token)
    assert private.created == ["copy-welfare-cards"], private
    assert Dataset.objects.get(name="copy-welfare-cards").private is True
