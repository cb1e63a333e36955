"""Reads of the exchange registry: members, subsystems, services and who may call them.

The gateway's directory services (listClients, listMethods, allowedMethods, getOpenAPI) and
its per-call authorisation read through here; so do the staff pages and ``ddgov exchange``.
"Active" means the object and everything it hangs off (subsystem, member) is active.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Prefetch, Q, QuerySet

from ddgov.exchange.ids import ClientId, ServiceId
from ddgov.exchange.models import (
    AccessGrant,
    DataAgreement,
    Member,
    Purpose,
    Service,
    Subsystem,
    SubsystemClient,
)

_ACTIVE_SERVICE = Q(is_active=True, subsystem__is_active=True, subsystem__member__is_active=True)


def _services() -> QuerySet[Service]:
    return Service.objects.select_related("subsystem__member__agency", "resource")


def service_get(*, service_id: ServiceId, include_inactive: bool = False) -> Service | None:
    """The service ``TH/GOV/M/S/SVC`` (active only unless asked), with its provider loaded."""
    found = _services().filter(
        subsystem__member__code=service_id.member,
        subsystem__code=service_id.subsystem,
        code=service_id.service,
    )
    if not include_inactive:
        found = found.filter(_ACTIVE_SERVICE)
    return found.first()


def service_identifier(*, service: Service) -> ServiceId:
    """The X-Road identifier of ``service``."""
    subsystem = service.subsystem
    return ServiceId(member=subsystem.member.code, subsystem=subsystem.code, service=service.code)


def subsystem_identifier(*, subsystem: Subsystem) -> ClientId:
    """The X-Road identifier of ``subsystem`` as a client."""
    return ClientId(member=subsystem.member.code, subsystem=subsystem.code)


def subsystem_get(*, client_id: ClientId, include_inactive: bool = False) -> Subsystem | None:
    """The subsystem ``TH/GOV/M/S`` (active with an active member unless asked)."""
    found = Subsystem.objects.select_related("member__agency").filter(
        member__code=client_id.member, code=client_id.subsystem
    )
    if not include_inactive:
        found = found.filter(is_active=True, member__is_active=True)
    return found.first()


def member_get(*, code: str) -> Member | None:
    """The member with this code, active or not."""
    return Member.objects.select_related("agency").filter(code=code).first()


def clients_list() -> list[Subsystem]:
    """Every active subsystem of an active member (the ``listClients`` directory)."""
    return list(
        Subsystem.objects.select_related("member__agency")
        .filter(is_active=True, member__is_active=True)
        .order_by("member__code", "code")
    )


def services_list(*, provider: ClientId) -> list[Service]:
    """The active services the subsystem ``provider`` offers (the ``listMethods`` directory)."""
    return list(
        _services()
        .filter(_ACTIVE_SERVICE)
        .filter(subsystem__member__code=provider.member, subsystem__code=provider.subsystem)
        .order_by("code")
    )


def services_allowed(*, client: Subsystem, provider: ClientId) -> list[tuple[Service, list[str]]]:
    """The provider's active services ``client`` holds an active grant for, with its purposes."""
    grants = (
        AccessGrant.objects.filter(
            revoked_at__isnull=True,
            client=client,
            service__subsystem__member__code=provider.member,
            service__subsystem__code=provider.subsystem,
        )
        .filter(
            service__is_active=True,
            service__subsystem__is_active=True,
            service__subsystem__member__is_active=True,
        )
        .select_related("service__subsystem__member__agency", "service__resource")
        .prefetch_related(Prefetch("purposes", queryset=Purpose.objects.order_by("code")))
        .order_by("service__code")
    )
    return [(g.service, [p.code for p in g.purposes.all()]) for g in grants]


def grant_active_get(*, service: Service, client: Subsystem) -> AccessGrant | None:
    """The active grant of ``service`` to ``client`` with its purposes, or None."""
    return (
        AccessGrant.objects.filter(service=service, client=client, revoked_at__isnull=True)
        .prefetch_related("purposes")
        .first()
    )


def grants_for_service(*, service: Service, include_revoked: bool = False) -> list[AccessGrant]:
    """The grants of a service (staff pages), newest first."""
    found = AccessGrant.objects.filter(service=service)
    if not include_revoked:
        found = found.filter(revoked_at__isnull=True)
    return list(
        found.select_related("client__member__agency", "granted_by")
        .prefetch_related("purposes")
        .order_by("-created_at", "-pk")
    )


def agreements_for_service(
    *, service: Service, include_inactive: bool = False
) -> list[DataAgreement]:
    """The data agreements of a service (staff pages), latest version first."""
    found = DataAgreement.objects.filter(service=service)
    if not include_inactive:
        found = found.filter(is_active=True)
    return list(
        found.select_related("client__member__agency", "purpose").order_by(
            "client__member__code", "client__code", "purpose__code", "-version"
        )
    )


def services_for_agencies(*, agency_ids: Collection[int] | None) -> list[Service]:
    """Services provided by, or granted to, these agencies (None: all, for platform admins).

    Includes inactive services, for the staff registry pages.
    """
    found = _services()
    if agency_ids is not None:
        ids_list = list(agency_ids)
        consumed = AccessGrant.objects.filter(client__member__agency_id__in=ids_list).values(
            "service_id"
        )
        found = found.filter(Q(subsystem__member__agency_id__in=ids_list) | Q(pk__in=consumed))
    return list(found.order_by("subsystem__member__code", "subsystem__code", "code"))


def subsystems_for_agencies(*, agency_ids: Collection[int] | None) -> list[Subsystem]:
    """The subsystems of these agencies' members (None: all), active or not."""
    found = Subsystem.objects.select_related("member__agency")
    if agency_ids is not None:
        found = found.filter(member__agency_id__in=list(agency_ids))
    return list(found.order_by("member__code", "code"))


def subsystem_clients(
    *, subsystem: Subsystem, include_revoked: bool = False
) -> list[SubsystemClient]:
    """The OAuth2 clients of a subsystem, newest first."""
    found = SubsystemClient.objects.filter(subsystem=subsystem).select_related("application")
    if not include_revoked:
        found = found.filter(revoked_at__isnull=True)
    return list(found.order_by("-created_at", "-pk"))


def subsystem_client_get(*, client_id: str) -> SubsystemClient | None:
    """The subsystem client whose OAuth2 ``client_id`` this is, or None."""
    return (
        SubsystemClient.objects.select_related("subsystem__member__agency", "application")
        .filter(application__client_id=client_id)
        .first()
    )


def purposes_list() -> list[Purpose]:
    """Every purpose code, by code."""
    return list(Purpose.objects.order_by("code"))
