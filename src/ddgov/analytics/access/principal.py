"""Who a query runs as: a :class:`Principal` holds the agency roles the access rules look at.

A principal is resolved once per query from a user (their active agency memberships), or made
up for an audience that is not a person: the public (open data only) and "any staff member of an
agency" (the viewer role there), which dashboards use to compute what their least-privileged
reader may see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ddgov.agencies.models import Agency
from ddgov.catalog.selectors.datasets import Viewer
from ddgov.identity.models import ROLE_RANK, AgencyMembership, Role, User

_NO_ROLES: Mapping[int, str] = MappingProxyType({})


@dataclass(frozen=True)
class Principal:
    """The rights one query runs with.

    ``label`` names it in audit records and snapshots (``user:<username>``, ``public``,
    ``agency:<code>``); ``user`` is the person to audit, None for synthetic principals;
    ``roles`` maps agency id to the role held there; a platform admin is an admin everywhere.
    """

    label: str
    user: User | None
    roles: Mapping[int, str] = field(default_factory=lambda: _NO_ROLES)
    platform_admin: bool = False

    def member_of(self, agency_id: int) -> bool:
        """Whether the principal may see the agency's non-public datasets (any role)."""
        return self.platform_admin or agency_id in self.roles

    def role_rank(self, agency_id: int) -> int:
        """The rank of the principal's role in the agency (0 without one; admins rank highest)."""
        if self.platform_admin:
            return ROLE_RANK[Role.ADMIN]
        role = self.roles.get(agency_id)
        return ROLE_RANK.get(Role(role), 0) if role in Role.values else 0


def principal_public() -> Principal:
    """Anyone at all: open data only, every restricted column masked."""
    return Principal(label="public", user=None)


def principal_for_user(*, user: Viewer) -> Principal:
    """The rights of ``user``: their roles in active agencies; anonymous callers are the public.

    A deactivated account keeps its label (for the audit trail) but no agency rights.
    """
    if not isinstance(user, User) or not user.is_authenticated:
        return principal_public()
    label = f"user:{user.get_username()}"
    if not user.is_active:
        return Principal(label=label, user=user)
    roles = dict(
        AgencyMembership.objects.filter(user=user, agency__is_active=True).values_list(
            "agency_id", "role"
        )
    )
    return Principal(
        label=label,
        user=user,
        roles=MappingProxyType(roles),
        platform_admin=bool(user.is_platform_admin),
    )


def principal_agency_viewer(*, agency: Agency) -> Principal:
    """What any staff member of ``agency`` may see: the viewer role there and nothing else."""
    return Principal(
        label=f"agency:{agency.code}",
        user=None,
        roles=MappingProxyType({agency.pk: str(Role.VIEWER)}),
    )


def principal_for_exchange(*, agency: Agency, label: str) -> Principal:
    """The rights a dataset-backed exchange service reads its provider's data with.

    The provider agency's data steward role: the service was registered by that agency over
    its own resource and exposes only its declared columns, and the consumer's access grant
    (checked by the exchange gateway before the query runs) is what authorises the reader.
    ``label`` names the call in the audit trail, e.g. ``exchange:TH/GOV/M/S``.
    """
    return Principal(
        label=label,
        user=None,
        roles=MappingProxyType({agency.pk: str(Role.DATA_STEWARD)}),
    )
