"""X-Road's metadata services: ``listClients``, ``listMethods``, ``allowedMethods``, ``getOpenAPI``.

``GET /x/listClients`` is public (who is on the exchange). The three per-provider services sit
where a service code would, ``/x/r1/TH/GOV/<member>/<subsystem>/<name>``, and need the same
authentication as a call. Each function here is synchronous and runs on the gateway's
database thread pool, returning the JSON body to send or the refusal.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from ddgov.exchange.errors import ExchangeRefusal
from ddgov.exchange.gateway import refusals
from ddgov.exchange.gateway.authorize import caller_authenticate
from ddgov.exchange.ids import ClientId, ServiceId
from ddgov.exchange.models import Service, Subsystem
from ddgov.exchange.selectors.registry import (
    clients_list,
    service_get,
    service_identifier,
    services_allowed,
    services_list,
    subsystem_get,
)

LIST_CLIENTS = "listClients"
LIST_METHODS = "listMethods"
ALLOWED_METHODS = "allowedMethods"
GET_OPENAPI = "getOpenAPI"
RESERVED_CODES = frozenset({LIST_METHODS, ALLOWED_METHODS, GET_OPENAPI})


def json_bytes(data: object) -> bytes:
    """Compact UTF-8 JSON (Thai stays readable)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class DirectoryAnswer:
    """A directory body, or the refusal; ``client_id`` is what the message log records."""

    client_id: str
    body: bytes = b""
    refusal: ExchangeRefusal | None = None


def clients_body() -> bytes:
    """``listClients``: every active subsystem of an active member, with its agency."""
    clients = []
    for subsystem in clients_list():
        member = subsystem.member
        agency = member.agency
        clients.append(
            {
                "id": str(ClientId(member=member.code, subsystem=subsystem.code)),
                "member": member.code,
                "subsystem": subsystem.code,
                "name": {"th": subsystem.name_th, "en": subsystem.name_en},
                "agency": {
                    "code": agency.code,
                    "name_th": agency.name_th,
                    "name_en": agency.name_en,
                },
            }
        )
    return json_bytes({"clients": clients})


def _service_entry(service: Service) -> dict[str, Any]:
    return {
        "id": str(service_identifier(service=service)),
        "code": service.code,
        "title": {"th": service.title_th, "en": service.title_en},
        "kind": service.kind,
        "personal_data": service.personal_data,
    }


def _provider_active(provider: ClientId) -> Subsystem | None:
    subsystem = subsystem_get(client_id=provider)
    if subsystem is None or not subsystem.is_active or not subsystem.member.is_active:
        return None
    return subsystem


def _list_methods(provider: ClientId) -> bytes:
    services = [s for s in services_list(provider=provider) if s.is_active]
    return json_bytes({"services": [_service_entry(s) for s in services]})


def _allowed_methods(provider: ClientId, consumer_pk: int) -> bytes:
    consumer = Subsystem.objects.select_related("member").get(pk=consumer_pk)
    entries = [
        {**_service_entry(service), "purposes": sorted(purposes)}
        for service, purposes in services_allowed(client=consumer, provider=provider)
        if service.is_active
    ]
    return json_bytes({"services": entries})


def _openapi_of(provider: ClientId, query_string: str) -> bytes | ExchangeRefusal:
    codes = parse_qs(query_string).get("serviceCode", [])
    code = codes[0].strip() if codes else ""
    if not code:
        return refusals.service_code_required()
    service_id = ServiceId(member=provider.member, subsystem=provider.subsystem, service=code)
    service = service_get(service_id=service_id) if len(code) <= 64 else None
    if service is None or not service.is_active:
        return refusals.unknown_service(f"{provider}/{code[:64]}")
    document = copy.deepcopy(service.openapi) if isinstance(service.openapi, dict) else {}
    # Consumers call through the exchange, never the provider's own (internal) address.
    document["servers"] = [{"url": f"/x/r1/{service_id}"}]
    return json_bytes(document)


def directory_answer(
    *, name: str, provider: ClientId, token: str, client_header: str, query_string: str
) -> DirectoryAnswer:
    """Answer ``listMethods``, ``allowedMethods`` or ``getOpenAPI`` of ``provider``.

    The provider must be an active subsystem (else ``Client.UnknownService``) and the caller
    authenticated exactly as for a call (token, ``X-Road-Client``). The log names the token's
    subsystem, or no client before authentication.
    """
    if _provider_active(provider) is None:
        refusal = refusals.unknown_service(f"{provider}/{name}")
        return DirectoryAnswer(client_id="", refusal=refusal)
    client_id, caller = caller_authenticate(token=token, client_header=client_header)
    if isinstance(caller, ExchangeRefusal):
        return DirectoryAnswer(client_id=client_id, refusal=caller)
    if name == LIST_METHODS:
        answer: bytes | ExchangeRefusal = _list_methods(provider)
    elif name == ALLOWED_METHODS:
        answer = _allowed_methods(provider, caller.subsystem_pk)
    else:
        answer = _openapi_of(provider, query_string)
    if isinstance(answer, ExchangeRefusal):
        return DirectoryAnswer(client_id=client_id, refusal=answer)
    return DirectoryAnswer(client_id=client_id, body=answer)
