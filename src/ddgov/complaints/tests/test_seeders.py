"""The centre's demo seeder: registered, fast enough, and leaves the pages something to show."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddgov.agencies.models import Agency
from ddgov.agencies.tests.factories import admin_area_real
from ddgov.catalog.models import Dataset
from ddgov.complaints.demo import seed
from ddgov.complaints.models import (
    CategorySla,
    Channel,
    Complaint,
    ComplaintEvent,
    Open311Client,
    State,
)
from ddgov.complaints.release.services import DATASET_NAME
from ddgov.complaints.seeders import seed_complaints
from ddgov.core.seeding import SeedContext, seeders_ordered
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory


def test_seeder_is_registered_after_agencies_and_staff() -> None:
    names = [s.name for s in seeders_ordered()]
    assert "complaints" in names
    assert names.index("complaints") > names.index("staff")
    assert names.index("complaints") > names.index("agencies")


@pytest.fixture
def demo_world(directory: dict[str, Agency], settings: object, tmp_path: Path) -> None:
    """The centre's demo officer, Bang Kapi's office, and no shared data (the shipped slice)."""
    settings.SHARED_DATA_DIR = tmp_path / "missing"  # type: ignore[attr-defined]
    centre = StaffUserFactory(username=seed.CENTRE_USER)
    MembershipFactory(user=centre, agency=directory["opm-ops"], role=Role.OFFICER)
    district = admin_area_real("1006")
    Agency.objects.create(
        code="bkk-1006",
        name_th="สำนักงานเขตบางกะปิ",
        name_en="Bang Kapi District Office",
        kind=Agency.Kind.DISTRICT_OFFICE,
        parent=directory["bma"],
        area=district,
    )


@pytest.mark.django_db
def test_demo_seeds_real_complaints_in_motion(demo_world: None) -> None:
    context = SeedContext(scale=1)
    rows = seed_complaints(context)
    assert rows > 0
    assert CategorySla.objects.get(category="lighting").resolve_hours == 72
    assert CategorySla.objects.count() == len(seed.SLA_HOURS)
    assert Open311Client.objects.count() == 1
    assert {u for u, _ in context.accounts} == {"bkk.bangkapi", "mea.officer"}

    imported = Complaint.objects.filter(channel=Channel.IMPORT)
    assert imported.count() >= 180  # the 200-row slice, a few rows may fail validation
    assert imported.filter(state=State.RESOLVED).exists()
    assert imported.filter(state=State.IN_PROGRESS).exists()
    assert ComplaintEvent.objects.filter(kind=ComplaintEvent.Kind.UPDATE, is_public=True).exists()
    newest = imported.order_by("-created_at").first()
    oldest = imported.order_by("created_at").first()
    assert newest is not None
    assert oldest is not None
    span = newest.created_at - oldest.created_at
    assert 8 <= span.days <= seed.DAYS  # moved into the last days, spacing kept
    dataset = Dataset.objects.get(name=DATASET_NAME)
    assert dataset.resources.count() == seed.RELEASE_DAYS

    assert seed_complaints(SeedContext(scale=1)) == 0  # a second run adds nothing
