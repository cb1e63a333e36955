"""Demo data of the exchange: registries as services, a welfare app's month, citizens' consent.

DOPA's population registry and the Revenue Department's income registry are generated around
the demo's people and published as private datasets; with OAE's farmer registry (analytics
demo) and OIC's motor policies (governance demo), reused as they are, they become
dataset-backed services on the exchange. The Department of Social Development and Welfare's
welfare app and the Comptroller General's payments hold grants (public task; consent for
income), the demo citizens consent to the income agreement (the last one then withdraws),
and the apps' calls of the past month run for real and are written to the signed message
log, so each demo citizen sees who read their data and staff see the monitoring. Nothing
secret is created or printed: ``ddgov exchange client create`` issues client secrets.
See :mod:`ddgov.exchange.demo.seed`.
"""

from __future__ import annotations

from ddgov.core.seeding import SeedContext, seeder
from ddgov.exchange.demo.seed import exchange_demo_seed
from ddgov.exchange.models import Member


@seeder(
    "exchange",
    after=(
        "agencies",
        "staff",
        "citizens",
        "catalog_datasets",
        "governance_motor",
        "analytics_farmer",
    ),
)
def seed_exchange(ctx: SeedContext) -> int:
    """Exchange: registries as services, grants, consent, a month of signed call records."""
    if Member.objects.exists():
        return 0
    return exchange_demo_seed(rng=ctx.rng("exchange"), scale=max(1, ctx.scale)).rows
