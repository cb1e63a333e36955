"""Shared write operations of the core: running the demo seed."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from ddgov.core.models import DemoAccount
from ddgov.core.seeding import SeedContext, SeedResult, seed_run


def demo_seed(
    *, scale: int, seed: int = 2565, on_step: Callable[[SeedResult], None] | None = None
) -> SeedContext:
    """Fill an empty database with the demo, all or nothing, and remember its sign-ins."""
    if scale < 1:
        msg = "scale must be 1 or more"
        raise ValueError(msg)
    context = SeedContext(scale=scale, seed=seed)
    with transaction.atomic():
        seed_run(context=context, on_step=on_step)
        DemoAccount.objects.bulk_create(
            [
                DemoAccount(username=username, description=description, order=i)
                for i, (username, description) in enumerate(context.accounts)
            ]
        )
    return context
