"""Reading agencies and areas. Agencies' names and structure are public information."""

from __future__ import annotations

from django.db.models import QuerySet

from ddgov.agencies.models import AdminArea, Agency


def agency_get(*, code: str) -> Agency | None:
    """Return the agency with ``code``, or None."""
    return Agency.objects.select_related("parent", "area").filter(code=code).first()


def agency_list(*, kind: str | None = None, parent: Agency | None = None) -> QuerySet[Agency]:
    """Return active agencies, optionally of one kind or under one parent."""
    qs = Agency.objects.filter(is_active=True).select_related("parent", "area")
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(parent=parent)
    return qs


def agency_ancestors(*, agency: Agency) -> list[Agency]:
    """Return the chain of parents from the nearest up to the top (ministry)."""
    chain: list[Agency] = []
    seen: set[int] = set()
    current = agency.parent
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.parent
    return chain


def admin_area_get(*, code: str) -> AdminArea | None:
    """Return the area with DOPA ``code`` (2, 4 or 6 digits), or None."""
    return AdminArea.objects.select_related("parent__parent").filter(code=code).first()


def admin_area_path(*, area: AdminArea) -> list[AdminArea]:
    """Return ``[province, district, subdistrict]`` down to ``area``."""
    path = [area]
    while path[0].parent_id is not None:
        parent = path[0].parent
        if parent is None:
            break
        path.insert(0, parent)
    return path
