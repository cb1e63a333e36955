"""Who may call what, for which purpose, on which lawful basis: purposes, grants, data agreements.

A provider agency grants one of its services to a named consumer subsystem
(:class:`~ddgov.exchange.models.AccessGrant`) for a list of purposes; a call must state one of
them in ``X-Purpose``. For personal data the grant names the PDPA lawful basis (s.24, or
consent under s.19). With ``consent``, each call also needs the concerned citizen's consent
to a :class:`~ddgov.exchange.models.DataAgreement` (GovStack Consent): the terms a citizen
reads and answers. Publishing changed terms makes a new version with a new revision hash, so
consent given to the old terms no longer counts. Every change is audited.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ddgov.audit.services import audit_record_append
from ddgov.exchange.messagelog.chain import canonical
from ddgov.exchange.models import (
    AccessGrant,
    DataAgreement,
    LawfulBasis,
    Purpose,
    Service,
    Subsystem,
)
from ddgov.exchange.selectors.registry import service_identifier, subsystem_identifier
from ddgov.identity.models import User

PURPOSE_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
MAX_RATE_PER_MINUTE = 1_000_000


def _service_id(service: Service) -> str:
    return str(service_identifier(service=service))


def _client_id(subsystem: Subsystem) -> str:
    return str(subsystem_identifier(subsystem=subsystem))


def _require_active(service: Service, client: Subsystem) -> None:
    if not (
        service.is_active and service.subsystem.is_active and service.subsystem.member.is_active
    ):
        raise ValidationError(
            {"service": _("This service is not active. / บริการนี้ไม่ได้ใช้งานแล้ว")},
            code="inactive",
        )
    if not (client.is_active and client.member.is_active):
        raise ValidationError(
            {"client": _("This subsystem is not active. / ระบบย่อยนี้ไม่ได้ใช้งานแล้ว")},
            code="inactive",
        )


# --- purposes ----------------------------------------------------------------------------------


def purpose_define(
    *,
    code: str,
    name_th: str,
    name_en: str,
    description: str = "",
    actor: User | None = None,
) -> Purpose:
    """Create the purpose ``code`` or update its names (idempotent, so seeders can re-run it)."""
    clean = (code or "").strip()
    if not PURPOSE_CODE_RE.match(clean):
        raise ValidationError(
            {
                "code": _(
                    "A purpose code has 1-64 letters, digits, '-' or '_'. / "
                    "รหัสวัตถุประสงค์ต้องเป็นตัวอักษรอังกฤษ ตัวเลข '-' หรือ '_' 1-64 ตัว"
                )
            },
            code="invalid",
        )
    names = {"name_th": (name_th or "").strip(), "name_en": (name_en or "").strip()}
    if not all(names.values()):
        raise ValidationError(
            _(
                "Enter the purpose's Thai and English names. / "
                "กรุณากรอกชื่อวัตถุประสงค์ทั้งภาษาไทยและภาษาอังกฤษ"
            ),
            code="required",
        )
    values = {**names, "description": description or ""}
    with transaction.atomic():
        purpose, created = Purpose.objects.select_for_update().get_or_create(
            code=clean, defaults=values
        )
        before = None
        if not created:
            before = {k: getattr(purpose, k) for k in values}
            if before == values:
                return purpose
            for name, value in values.items():
                setattr(purpose, name, value)
            purpose.save(update_fields=list(values))
        audit_record_append(
            action="exchange.purpose.define",
            actor=actor,
            target_type="exchange_purpose",
            target_id=clean,
            before=before,
            after=values,
        )
    return purpose


# --- grants ------------------------------------------------------------------------------------


def grant_create(
    *,
    service: Service,
    client: Subsystem,
    purposes: Sequence[Purpose],
    lawful_basis: str = "",
    rate_per_minute: int | None = None,
    actor: User | None = None,
) -> AccessGrant:
    """Allow ``client`` to call ``service`` for ``purposes``; one active grant per pair.

    A personal-data service needs a ``lawful_basis`` (:class:`~ddgov.exchange.models.LawfulBasis`).
    A ``consent`` grant is accepted without a data agreement, but the gateway then refuses
    every call until one is published and the citizen consents. ``rate_per_minute``
    overrides ``DDGOV_EXCHANGE_RATE_PER_MINUTE`` for this consumer.
    """
    _require_active(service, client)
    chosen = list(dict.fromkeys(purposes))
    if any(not isinstance(p, Purpose) for p in chosen):
        raise ValidationError(
            {
                "purposes": _(
                    "Purposes must be defined purpose records (purpose_define), not codes. / "
                    "วัตถุประสงค์ต้องเป็นรายการที่กำหนดไว้แล้ว (purpose_define) ไม่ใช่รหัส"
                )
            },
            code="invalid",
        )
    if not chosen or any(p.pk is None for p in chosen):
        raise ValidationError(
            {"purposes": _("Choose at least one purpose. / กรุณาเลือกวัตถุประสงค์อย่างน้อยหนึ่งรายการ")},
            code="required",
        )
    basis = (lawful_basis or "").strip()
    if basis and basis not in LawfulBasis.values:
        raise ValidationError(
            {"lawful_basis": _("Unknown lawful basis. / ไม่รู้จักฐานทางกฎหมายนี้")},
            code="invalid",
        )
    if service.personal_data and not basis:
        raise ValidationError(
            {
                "lawful_basis": _(
                    "This service carries personal data: choose the PDPA lawful basis. / "
                    "บริการนี้มีข้อมูลส่วนบุคคล กรุณาเลือกฐานทางกฎหมายตาม พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล"
                )
            },
            code="required",
        )
    if rate_per_minute is not None and not 1 <= rate_per_minute <= MAX_RATE_PER_MINUTE:
        raise ValidationError(
            {
                "rate_per_minute": _(
                    "The rate limit is 1 to 1000000 calls a minute. / "
                    "อัตราการเรียกต้องอยู่ระหว่าง 1 ถึง 1000000 ครั้งต่อนาที"
                )
            },
            code="invalid",
        )
    provider = service.subsystem.member.agency
    with transaction.atomic():
        if AccessGrant.objects.filter(
            service=service, client=client, revoked_at__isnull=True
        ).exists():
            raise ValidationError(
                _(
                    "This subsystem already holds an active grant for this service; revoke it "
                    "first. / ระบบย่อยนี้ได้รับสิทธิ์ใช้บริการนี้อยู่แล้ว กรุณาเพิกถอนสิทธิ์เดิมก่อน"
                ),
                code="duplicate",
            )
        grant = AccessGrant.objects.create(
            service=service,
            client=client,
            lawful_basis=basis,
            rate_per_minute=rate_per_minute,
            granted_by=actor if actor is not None and actor.pk else None,
        )
        grant.purposes.set(chosen)
        audit_record_append(
            action="exchange.grant.create",
            actor=actor,
            acting_for=f"agency:{provider.code}",
            agency_code=provider.code,
            target_type="exchange_grant",
            target_id=str(grant.pk),
            after={
                "service": _service_id(service),
                "client": _client_id(client),
                "purposes": sorted(p.code for p in chosen),
                "lawful_basis": basis,
                "rate_per_minute": rate_per_minute,
            },
        )
    return grant


def grant_revoke(*, grant: AccessGrant, actor: User | None = None) -> None:
    """End a grant: the consumer's next call is refused. Revoking twice changes nothing."""
    if grant.revoked_at is not None:
        return
    provider = grant.service.subsystem.member.agency
    with transaction.atomic():
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        audit_record_append(
            action="exchange.grant.revoke",
            actor=actor,
            acting_for=f"agency:{provider.code}",
            agency_code=provider.code,
            target_type="exchange_grant",
            target_id=str(grant.pk),
            detail={"service": _service_id(grant.service), "client": _client_id(grant.client)},
        )


# --- data agreements ---------------------------------------------------------------------------


def agreement_terms(*, agreement: DataAgreement) -> dict[str, Any]:
    """The terms an agreement's revision hash covers (what the citizen consents to)."""
    return {
        "service": _service_id(agreement.service),
        "client": _client_id(agreement.client),
        "purpose": agreement.purpose.code,
        "lawful_basis": agreement.lawful_basis,
        "version": agreement.version,
        "text_th": agreement.text_th,
        "text_en": agreement.text_en,
        "dpia_url": agreement.dpia_url,
    }


def agreement_revision_hash(*, agreement: DataAgreement) -> str:
    """SHA-256 (hex) of the canonical JSON of :func:`agreement_terms`."""
    return hashlib.sha256(canonical(agreement_terms(agreement=agreement))).hexdigest()


def agreement_publish(
    *,
    service: Service,
    client: Subsystem,
    purpose: Purpose,
    text_th: str,
    text_en: str = "",
    dpia_url: str = "",
    lawful_basis: str = LawfulBasis.CONSENT,
    actor: User | None = None,
) -> DataAgreement:
    """Publish the next version of the agreement (service, consumer, purpose) for citizens.

    The version is the previous one plus one and replaces it (the previous is deactivated);
    its ``revision_hash`` covers the terms, so consent to an earlier version does not carry
    over. Only personal-data services have agreements.
    """
    _require_active(service, client)
    if not service.personal_data:
        raise ValidationError(
            {
                "service": _(
                    "Only a service with personal data has a data agreement. / "
                    "ข้อตกลงการใช้ข้อมูลมีได้เฉพาะบริการที่มีข้อมูลส่วนบุคคล"
                )
            },
            code="not_personal",
        )
    text = (text_th or "").strip()
    if not text:
        raise ValidationError(
            {"text_th": _("Enter the agreement's Thai text. / กรุณากรอกข้อความข้อตกลงภาษาไทย")},
            code="required",
        )
    if lawful_basis not in LawfulBasis.values:
        raise ValidationError(
            {"lawful_basis": _("Unknown lawful basis. / ไม่รู้จักฐานทางกฎหมายนี้")},
            code="invalid",
        )
    url = (dpia_url or "").strip()
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError as exc:
            raise ValidationError(
                {"dpia_url": _("Enter a valid web address. / กรุณากรอกที่อยู่เว็บที่ถูกต้อง")},
                code="invalid",
            ) from exc
    provider = service.subsystem.member.agency
    with transaction.atomic():
        # One publisher at a time per service: the version numbers stay gap-free and unique.
        list(Service.objects.select_for_update().filter(pk=service.pk).values_list("pk"))
        previous = DataAgreement.objects.filter(service=service, client=client, purpose=purpose)
        last = previous.aggregate(last=Max("version"))["last"] or 0
        previous.filter(is_active=True).update(is_active=False)
        agreement = DataAgreement(
            service=service,
            client=client,
            purpose=purpose,
            lawful_basis=lawful_basis,
            version=last + 1,
            text_th=text,
            text_en=(text_en or "").strip(),
            dpia_url=url,
        )
        agreement.revision_hash = agreement_revision_hash(agreement=agreement)
        agreement.save()
        audit_record_append(
            action="exchange.agreement.publish",
            actor=actor,
            acting_for=f"agency:{provider.code}",
            agency_code=provider.code,
            target_type="exchange_agreement",
            target_id=str(agreement.pk),
            after={
                **agreement_terms(agreement=agreement),
                "revision_hash": agreement.revision_hash,
            },
        )
    return agreement
