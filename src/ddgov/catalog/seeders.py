"""Demo catalog: the plan's ten focus areas as groups."""

from __future__ import annotations

from ddgov.catalog.models import Group
from ddgov.catalog.vocab import FOCUS_AREAS
from ddgov.core.seeding import SeedContext, seeder


@seeder("catalog_groups")
def seed_groups(ctx: SeedContext) -> int:
    """Create the ten focus-area groups."""
    Group.objects.bulk_create(
        [Group(name=code, title_th=th, title_en=en) for code, th, en in FOCUS_AREAS], ignore_conflicts=True
    )
    return len(FOCUS_AREAS)
