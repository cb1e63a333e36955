"""Reading identities and deciding who may see what.

Authorization lives here and in ``services``, not only in views: every caller, a page, an API or
a command, gets the same answer about whether a user may reach an agency or a person's record.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from ddgov.agencies.models import Agency
from ddgov.identity.models import ROLE_RANK, AgencyMembership, Business, Person, Role, User


def user_agencies(*, user: User) -> QuerySet[Agency]:
    """Return the agencies whose non-public data ``user`` may see."""
    if not user.is_authenticated:
        return Agency.objects.none()
    if user.is_platform_admin:
        return Agency.objects.filter(is_active=True)
    return Agency.objects.filter(memberships__user=user, is_active=True).distinct()


def user_memberships(*, user: User) -> QuerySet[AgencyMembership]:
    """Return the user's agency roles, agency names included."""
    return (
        AgencyMembership.objects.filter(user=user).select_related("agency").order_by("agency__code")
    )


def user_role_in(*, user: User, agency: Agency) -> str | None:
    """Return the user's role in ``agency`` (platform admins count as admins), or None."""
    if not user.is_authenticated:
        return None
    if user.is_platform_admin:
        return Role.ADMIN
    return (
        AgencyMembership.objects.filter(user=user, agency=agency)
        .values_list("role", flat=True)
        .first()
    )


def user_has_role(*, user: User, agency: Agency, at_least: str = Role.VIEWER) -> bool:
    """Return whether the user holds ``at_least`` (or higher) in ``agency``."""
    role = user_role_in(user=user, agency=agency)
    return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[Role(at_least)]


def agency_members(*, agency: Agency) -> QuerySet[AgencyMembership]:
    """Return the staff of an agency (the caller has checked access)."""
    return (
        AgencyMembership.objects.filter(agency=agency)
        .select_related("user")
        .order_by("user__username")
    )


def person_for_user(*, user: User) -> Person | None:
    """Return the citizen record the user signs in as, or None for staff."""
    if not user.is_authenticated or user.person_id is None:
        return None
    return Person.objects.select_related("subdistrict__parent__parent").get(pk=user.person_id)


def businesses_represented(*, person: Person, on: dt.date | None = None) -> QuerySet[Business]:
    """Return the businesses ``person`` may act for on ``on`` (today by default)."""
    day = on or timezone.localdate()
    return Business.objects.filter(
        Q(representatives__valid_until__isnull=True) | Q(representatives__valid_until__gte=day),
        representatives__person=person,
        representatives__valid_from__lte=day,
    ).distinct()


def user_may_act_for_business(*, user: User, business: Business) -> bool:
    """Return whether a signed-in citizen is authorised for ``business`` today."""
    person = person_for_user(user=user)
    return (
        person is not None and businesses_represented(person=person).filter(pk=business.pk).exists()
    )


def user_by_username(*, username: str) -> User | None:
    """Return the user with ``username`` (case-insensitive), or None."""
    return User.objects.filter(username__iexact=username).first()
