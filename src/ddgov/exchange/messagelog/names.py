"""Names for the identifiers a message record carries: services, providers, clients, purposes.

Records keep identifiers as strings (``TH/GOV/M/S/SVC``) so they outlive registry changes; the
monitoring and tracker selectors resolve them here, a few queries per page rather than per row.
An identifier that no longer (or never) matched the registry resolves to empty names and is
not ``registered``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ddgov.agencies.models import Agency
from ddgov.exchange.ids import MEMBER_CLASS, ClientId, instance
from ddgov.exchange.models import Purpose, Service, Subsystem

# Directory (metadata) services the gateway answers itself; their ids end in these codes.
DIRECTORY_CODES = frozenset({"listMethods", "allowedMethods", "getOpenAPI"})


@dataclass(frozen=True)
class ServiceNames:
    """A service's titles and the agency that provides it.

    ``registered``: the id names a service in the registry (active or not), or a directory
    method of a registered subsystem; anything else a caller typed is not.
    """

    title_th: str = ""
    title_en: str = ""
    provider: Agency | None = None
    registered: bool = False


@dataclass(frozen=True)
class ClientNames:
    """A client subsystem's names and its agency."""

    system_th: str = ""
    system_en: str = ""
    agency: Agency | None = None


def _parts(identifier: str, count: int) -> tuple[str, ...] | None:
    parts = identifier.split("/")
    if len(parts) != count or parts[0] != instance() or parts[1] != MEMBER_CLASS:
        return None
    return tuple(parts[2:])


def _subsystems(keys: set[tuple[str, str]]) -> dict[tuple[str, str], Subsystem]:
    members = {member for member, _code in keys}
    if not members:
        return {}
    rows = Subsystem.objects.filter(member__code__in=members).select_related("member__agency")
    found = {(s.member.code, s.code): s for s in rows}
    return {key: found[key] for key in keys if key in found}


def service_names(service_ids: Iterable[str]) -> dict[str, ServiceNames]:
    """Names for each service id (directory calls are titled by their method name)."""
    parsed = {sid: _parts(sid, 5) for sid in set(service_ids)}
    members = {p[0] for p in parsed.values() if p is not None}
    services: dict[tuple[str, ...], Service] = {}
    if members:
        rows = Service.objects.filter(subsystem__member__code__in=members).select_related(
            "subsystem__member__agency"
        )
        services = {(s.subsystem.member.code, s.subsystem.code, s.code): s for s in rows}
    subsystems = _subsystems({(p[0], p[1]) for p in parsed.values() if p is not None})
    names = {}
    for sid, p in parsed.items():
        if p is None:
            names[sid] = ServiceNames()
            continue
        service = services.get(p)
        if service is not None:
            names[sid] = ServiceNames(
                title_th=service.title_th,
                title_en=service.title_en,
                provider=service.subsystem.member.agency,
                registered=True,
            )
            continue
        subsystem = subsystems.get((p[0], p[1]))
        provider = subsystem.member.agency if subsystem is not None else None
        directory = p[2] in DIRECTORY_CODES
        title = p[2] if directory else ""
        names[sid] = ServiceNames(
            title_th=title,
            title_en=title,
            provider=provider,
            registered=directory and subsystem is not None,
        )
    return names


def client_names(client_ids: Iterable[str]) -> dict[str, ClientNames]:
    """Names for each client id (``TH/GOV/M/S``)."""
    parsed = {cid: ClientId.parse(cid) for cid in set(client_ids) if cid}
    subsystems = _subsystems({(c.member, c.subsystem) for c in parsed.values() if c is not None})
    names = {}
    for cid, ident in parsed.items():
        subsystem = subsystems.get((ident.member, ident.subsystem)) if ident else None
        if subsystem is None:
            names[cid] = ClientNames()
        else:
            names[cid] = ClientNames(
                system_th=subsystem.name_th,
                system_en=subsystem.name_en,
                agency=subsystem.member.agency,
            )
    return names


def purpose_names(codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """``{code: (name_th, name_en)}`` for the purpose codes that exist."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    return {
        p.code: (p.name_th, p.name_en)
        for p in Purpose.objects.filter(code__in=wanted).only("code", "name_th", "name_en")
    }
