"""Service levels per category: when a complaint must be resolved, and when to remind.

Each category can have a :class:`~ddgov.complaints.models.CategorySla` row (editable in the
admin); a category without one uses ``COMPLAINTS_SLA_DEFAULT_HOURS`` (15 days by default).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from ddgov.complaints.models import CategorySla


def sla_for(*, category: str) -> CategorySla:
    """The category's SLA row, or an unsaved one holding the defaults."""
    row = CategorySla.objects.filter(category=category).first() if category else None
    if row is not None:
        return row
    hours = int(getattr(settings, "COMPLAINTS_SLA_DEFAULT_HOURS", 24 * 15))
    return CategorySla(category=category, resolve_hours=hours)


def sla_due(*, category: str, start: dt.datetime) -> dt.datetime:
    """When a complaint of ``category`` filed (or reopened, or forwarded) at ``start`` is due."""
    return start + dt.timedelta(hours=sla_for(category=category).resolve_hours)
