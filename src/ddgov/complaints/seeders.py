"""Demo data of the 1111 complaint centre: SLAs, an Open311 client, staff, real complaints.

Real Traffy Fondue complaints (``SHARED_DATA_DIR/traffy``, or the slice shipped in
``complaints/demo/``) are imported through the import service with their times moved into the
last days, carried to Traffy's status, and some are forwarded, updated and resolved, so the
queues, tracking pages, dashboards and the open-data release have content.
See :mod:`ddgov.complaints.demo.seed`.
"""

from __future__ import annotations

from ddgov.complaints.demo.seed import complaints_demo_seed
from ddgov.complaints.models import Channel, Complaint
from ddgov.core.seeding import SeedContext, seeder


@seeder("complaints", after=("agencies", "staff", "catalog_groups"))
def seed_complaints(ctx: SeedContext) -> int:
    """Complaints (1111): SLAs, staff, real Traffy complaints moved along the workflow."""
    if Complaint.objects.filter(channel=Channel.IMPORT).exists():
        return 0
    accounts: list[tuple[str, str]] = []
    result = complaints_demo_seed(
        rng=ctx.rng("complaints"), scale=max(1, ctx.scale), accounts=accounts
    )
    for username, description in accounts:
        ctx.account(username=username, description=description)
    return result.rows
