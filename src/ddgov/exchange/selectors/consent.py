"""Reads of data agreements and consent, for the citizen's portal and the gateway's check.

:func:`agreements_for_citizen` lists every current agreement of a personal-data service with
the citizen's answer to it, so the portal can show what may be read about them and let them
give or withdraw consent. :func:`consent_valid` is the gateway's per-call question.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F

from ddgov.exchange.models import ConsentEvent, ConsentRecord, DataAgreement, Service, Subsystem
from ddgov.exchange.selectors.registry import service_identifier, subsystem_identifier
from ddgov.identity.thaiid import thai_id_is_valid, thai_id_normalize


@dataclass(frozen=True)
class AgreementView:
    """One current agreement as a citizen sees it, with their answer.

    ``record`` is the citizen's consent record for this version (None when never answered);
    ``given`` whether it is currently given; ``outdated`` that they had consented to an
    earlier version of the same terms, which no longer counts.
    """

    agreement: DataAgreement
    record: ConsentRecord | None
    given: bool
    outdated: bool
    service_id: str
    client_id: str
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
    lawful_basis: str
    version: int


def _citizen(citizen_id: str) -> str | None:
    if not thai_id_is_valid(citizen_id):
        return None
    return thai_id_normalize(citizen_id)


def _view(
    agreement: DataAgreement, record: ConsentRecord | None, *, outdated: bool
) -> AgreementView:
    service, client = agreement.service, agreement.client
    provider, consumer = service.subsystem.member.agency, client.member.agency
    return AgreementView(
        agreement=agreement,
        record=record,
        given=record is not None and record.state == ConsentRecord.State.GIVEN,
        outdated=outdated,
        service_id=str(service_identifier(service=service)),
        client_id=str(subsystem_identifier(subsystem=client)),
        consumer_agency_th=consumer.name_th,
        consumer_agency_en=consumer.name_en,
        consumer_system_th=client.name_th,
        consumer_system_en=client.name_en,
        provider_agency_th=provider.name_th,
        provider_agency_en=provider.name_en,
        service_title_th=service.title_th,
        service_title_en=service.title_en,
        purpose_code=agreement.purpose.code,
        purpose_th=agreement.purpose.name_th,
        purpose_en=agreement.purpose.name_en,
        lawful_basis=agreement.lawful_basis,
        version=agreement.version,
    )


def agreements_for_citizen(*, citizen_id: str) -> list[AgreementView]:
    """Every active agreement of an active personal-data service, with the citizen's answer.

    An invalid citizen ID yields an empty list.
    """
    normalized = _citizen(citizen_id)
    if normalized is None:
        return []
    agreements = list(
        DataAgreement.objects.filter(
            is_active=True,
            service__is_active=True,
            service__personal_data=True,
            service__subsystem__is_active=True,
            service__subsystem__member__is_active=True,
            client__is_active=True,
            client__member__is_active=True,
        )
        .select_related("service__subsystem__member__agency", "client__member__agency", "purpose")
        .order_by(
            "service__subsystem__member__code",
            "service__subsystem__code",
            "service__code",
            "client__member__code",
            "client__code",
            "purpose__code",
        )
    )
    records = {
        r.agreement_id: r
        for r in ConsentRecord.objects.filter(
            citizen_id=normalized, agreement_id__in=[a.pk for a in agreements]
        )
    }
    earlier = set(
        ConsentRecord.objects.filter(
            citizen_id=normalized, state=ConsentRecord.State.GIVEN, agreement__is_active=False
        ).values_list("agreement__service_id", "agreement__client_id", "agreement__purpose_id")
    )
    views = []
    for agreement in agreements:
        record = records.get(agreement.pk)
        outdated = record is None and (
            (agreement.service_id, agreement.client_id, agreement.purpose_id) in earlier
        )
        views.append(_view(agreement, record, outdated=outdated))
    return views


def agreement_get(*, agreement_id: int) -> DataAgreement | None:
    """The active agreement with this id (what a citizen may consent to), or None."""
    return (
        DataAgreement.objects.select_related(
            "service__subsystem__member__agency", "client__member__agency", "purpose"
        )
        .filter(pk=agreement_id, is_active=True)
        .first()
    )


def consent_record_for_citizen(*, citizen_id: str, record_id: int) -> ConsentRecord | None:
    """The citizen's own consent record with this id, or None (someone else's is not found)."""
    normalized = _citizen(citizen_id)
    if normalized is None:
        return None
    return (
        ConsentRecord.objects.select_related(
            "agreement__service__subsystem__member__agency",
            "agreement__client__member__agency",
            "agreement__purpose",
        )
        .filter(pk=record_id, citizen_id=normalized)
        .first()
    )


def consent_events_list(*, record: ConsentRecord) -> list[ConsentEvent]:
    """The record's signed history, oldest first."""
    return list(ConsentEvent.objects.filter(record=record).order_by("seq"))


def consent_valid(
    *, service: Service, client: Subsystem, purpose_code: str, citizen_id: str
) -> bool:
    """Whether the citizen's consent currently covers a call (the gateway's check, rule 6).

    True when a consent record in state ``given`` exists for an active agreement (service,
    client, purpose) and names that agreement's current revision hash.
    """
    if not thai_id_is_valid(citizen_id):
        return False
    return ConsentRecord.objects.filter(
        citizen_id=thai_id_normalize(citizen_id),
        state=ConsentRecord.State.GIVEN,
        agreement__service=service,
        agreement__client=client,
        agreement__purpose__code=purpose_code,
        agreement__is_active=True,
        agreement_revision_hash=F("agreement__revision_hash"),
    ).exists()
