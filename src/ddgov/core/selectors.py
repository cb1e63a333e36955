"""Shared reads of the core."""

from __future__ import annotations

from django.db.models import QuerySet

from ddgov.core.models import DemoAccount


def demo_accounts() -> QuerySet[DemoAccount]:
    """Return the demo's sign-ins in the order they were created."""
    return DemoAccount.objects.all()


def demo_is_seeded() -> bool:
    """Return whether the demo seed has already run on this database."""
    return DemoAccount.objects.exists()
