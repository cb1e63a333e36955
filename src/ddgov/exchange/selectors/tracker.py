"""The citizen's "who read my data": every logged exchange that concerned one citizen ID.

Read through the message log's subject index (:class:`~ddgov.exchange.models.MessageSubject`),
newest first, with the consumer's agency and system, the provider, the service and the stated
purpose resolved to names. Calls the exchange refused or failed are included and flagged
``refused`` (no data reached the consumer), so the citizen also sees who tried. A stated purpose
code the registry does not define is flagged ``purpose_unknown`` with empty names: it is
whatever the caller sent, so pages say "unknown purpose" rather than echo it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ddgov.exchange.messagelog.names import client_names, purpose_names, service_names
from ddgov.exchange.models import MessageRecord, MessageSubject

LIMIT_MAX = 500


@dataclass(frozen=True)
class DataAccess:
    """One exchange that concerned the citizen, with names in Thai and English."""

    at: dt.datetime
    request_id: str
    consumer_agency_th: str
    consumer_agency_en: str
    consumer_system_th: str
    consumer_system_en: str
    provider_agency_th: str
    provider_agency_en: str
    service_title_th: str
    service_title_en: str
    purpose_code: str
    purpose_th: str
    purpose_en: str
    status: int
    refused: bool  # the exchange refused or failed the call: nothing was passed on
    error: str = ""  # the X-Road-Error code when refused
    service_id: str = ""
    client_id: str = ""
    purpose_unknown: bool = False  # a purpose code was stated that no Purpose defines


def data_accesses_for_citizen(
    *, citizen_id: str, limit: int = 50, offset: int = 0
) -> list[DataAccess]:
    """The exchanges that concerned ``citizen_id``, newest first."""
    if not citizen_id:
        return []
    start = max(offset, 0)
    stop = start + min(max(limit, 0), LIMIT_MAX)
    records = list(
        MessageRecord.objects.filter(subject_rows__citizen_id=citizen_id)
        .order_by("-at", "-pk")
        .only(
            "at",
            "request_id",
            "client_id",
            "service_id",
            "purpose",
            "status",
            "error",
        )[start:stop]
    )
    services = service_names(r.service_id for r in records)
    clients = client_names(r.client_id for r in records)
    purposes = purpose_names(r.purpose for r in records)
    accesses = []
    for record in records:
        service = services[record.service_id]
        client = clients.get(record.client_id)
        consumer = client.agency if client is not None else None
        purpose_th, purpose_en = purposes.get(record.purpose, ("", ""))
        purpose_unknown = bool(record.purpose) and record.purpose not in purposes
        accesses.append(
            DataAccess(
                at=record.at,
                request_id=record.request_id,
                consumer_agency_th=consumer.name_th if consumer is not None else "",
                consumer_agency_en=consumer.name_en if consumer is not None else "",
                consumer_system_th=client.system_th if client is not None else "",
                consumer_system_en=client.system_en if client is not None else "",
                provider_agency_th=service.provider.name_th if service.provider else "",
                provider_agency_en=service.provider.name_en if service.provider else "",
                service_title_th=service.title_th,
                service_title_en=service.title_en,
                purpose_code=record.purpose,
                purpose_th=purpose_th,
                purpose_en=purpose_en,
                status=record.status,
                refused=bool(record.error),
                error=record.error,
                service_id=record.service_id,
                client_id=record.client_id,
                purpose_unknown=purpose_unknown,
            )
        )
    return accesses


def data_access_count_for_citizen(*, citizen_id: str) -> int:
    """How many logged exchanges concerned ``citizen_id``."""
    if not citizen_id:
        return 0
    return MessageSubject.objects.filter(citizen_id=citizen_id).count()
