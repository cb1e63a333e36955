"""Reading saved queries: which ones a user may see, open and change.

A saved query is private to its author unless it is *shared*, in which case every staff member
of its agency (any role) and platform admins see it too. Changing or deleting one needs its
author or an administrator of its agency. Callers never learn that a query they may not see
exists: the lookup raises :class:`~ddgov.catalog.selectors.datasets.NotFound` either way.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from ddgov.agencies.models import Agency
from ddgov.analytics.models import SavedQuery
from ddgov.catalog.selectors.datasets import NotFound, Viewer
from ddgov.identity.models import Role, User
from ddgov.identity.selectors import user_agencies, user_has_role


def saved_queries_for_user(*, user: Viewer) -> QuerySet[SavedQuery]:
    """Return the user's own saved queries and those shared within the user's agencies."""
    if not isinstance(user, User) or not user.is_authenticated:
        return SavedQuery.objects.none()
    agencies = user_agencies(user=user).values("pk")
    return (
        SavedQuery.objects.filter(Q(owner=user) | Q(shared=True, agency__in=agencies))
        .select_related("agency", "owner")
        .order_by("-updated_at")
    )


def saved_query_get_for_user(*, user: Viewer, query_id: str | uuid.UUID) -> SavedQuery:
    """Return the saved query ``query_id`` if ``user`` may see it, else raise NotFound."""
    try:
        pk = query_id if isinstance(query_id, uuid.UUID) else uuid.UUID(str(query_id))
    except ValueError as exc:
        raise NotFound(str(query_id)) from exc
    query = saved_queries_for_user(user=user).filter(pk=pk).first()
    if query is None:
        raise NotFound(str(query_id))
    return query


def saved_query_can_edit(*, user: Viewer, query: SavedQuery) -> bool:
    """Whether ``user`` may change or delete ``query``: its author or an admin of its agency."""
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    if query.owner_id == user.pk:
        return True
    return user_has_role(user=user, agency=query.agency, at_least=Role.ADMIN)


def saved_query_agencies(*, user: Viewer) -> QuerySet[Agency]:
    """Return the agencies ``user`` may save queries under (those whose staff the user is)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Agency.objects.none()
    return user_agencies(user=user).order_by("code")
