"""One intake service behind every channel: web form, call centre, Open311 and CSV import.

:func:`complaint_submit` checks the whole submission first and reports every problem at once
(bilingual, with stable codes); only a clean submission is written, in one transaction: the
complaint, the lead agency's assignment, the timeline, photos, the reporter as follower, the
notification and the audit record. If anything fails halfway the transaction rolls back and the
photo files it wrote are removed, so nothing partial remains.

An anonymous complaint keeps its reporter (so they can follow it in the portal and be told of
progress) but staff pages, Open311 and the open-data release never show who filed it.

Submission is idempotent: a caller passes an ``intake_key`` (the web form's one-time nonce, an
Open311 client's ``Idempotency-Key`` or a digest of its request, an import's source ticket id)
and a retry with the same key returns the complaint the first attempt made, even when two
retries race.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

import geothai
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from ddgov.agencies.selectors import admin_area_get
from ddgov.audit.services import audit_record_append
from ddgov.complaints.classify.services import category_predict
from ddgov.complaints.classify.taxonomy import taxonomy_load
from ddgov.complaints.duplicates.text import text_tokens
from ddgov.complaints.errors import ComplaintError, Problem
from ddgov.complaints.models import (
    Assignment,
    Channel,
    Complaint,
    ComplaintEvent,
    Follower,
    State,
)
from ddgov.complaints.release.redact import text_redact
from ddgov.complaints.routing.services import RouteDecision, complaint_route
from ddgov.complaints.services.notify import notification_enqueue
from ddgov.complaints.services.photos import CheckedPhoto, photo_store, photos_check, photos_discard
from ddgov.complaints.services.sla import sla_due

if TYPE_CHECKING:
    from ddgov.agencies.models import Agency
    from ddgov.complaints.models import Open311Client
    from ddgov.identity.models import User

TEXT_MAX = 4000  # Open311 GeoReport v2's description limit
ADDRESS_MAX = 500
NAME_MAX = 200
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{7,18}$")
_CODE_CLEAN = re.compile(r"[^0-9A-Z]")


@dataclass
class Submission:
    """What a channel collected; every field but ``text`` and a place is optional."""

    text: str
    channel: str = Channel.WEB
    category: str = ""
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    subdistrict_code: str = ""
    photos: list[tuple[str, IO[bytes]]] = field(default_factory=list)
    is_anonymous: bool = False
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    reporter: User | None = None
    intake_key: str = ""
    open311_client: Open311Client | None = None
    external_source: str = ""
    external_id: str = ""
    created_at: dt.datetime | None = None


@dataclass(frozen=True)
class IntakeResult:
    """The complaint and whether this call made it (``False``: an earlier attempt did)."""

    complaint: Complaint
    created: bool


def tracking_code_new() -> str:
    """A fresh, unguessable tracking code such as ``7KQ2-M9XD`` (40 random bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def tracking_code_normalise(code: str) -> str:
    """Accept a code as people type it (lower case, spaces, no hyphen) in its stored form."""
    raw = _CODE_CLEAN.sub("", (code or "").upper())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


def _validate(sub: Submission) -> list[Problem]:  # noqa: PLR0912 - one check per field
    problems: list[Problem] = []
    text = (sub.text or "").strip()
    if not text:
        problems.append(
            Problem(
                "text",
                "text_required",
                "Describe the problem.",
                "กรุณาเล่าปัญหาที่พบ",
            )
        )
    elif len(text) > TEXT_MAX:
        problems.append(
            Problem(
                "text",
                "text_too_long",
                f"The description is {len(text):,} characters long; at most {TEXT_MAX:,} are "
                "accepted. Please shorten it.",
                f"รายละเอียดยาว {len(text):,} ตัวอักษร รับได้ไม่เกิน {TEXT_MAX:,} ตัวอักษร กรุณาย่อให้สั้นลง",
            )
        )
    if (sub.lat is None) != (sub.lon is None):
        problems.append(
            Problem(
                "location",
                "location_incomplete",
                "Give both latitude and longitude, or neither.",
                "กรุณาระบุทั้งละติจูดและลองจิจูด",
            )
        )
    elif (
        sub.lat is not None
        and sub.lon is not None
        and not (-90 <= sub.lat <= 90 and -180 <= sub.lon <= 180)
    ):
        problems.append(
            Problem(
                "location",
                "location_invalid",
                "The coordinates are not a place on Earth.",
                "พิกัดที่ระบุไม่ถูกต้อง",
            )
        )
    if sub.subdistrict_code and geothai.subdistrict(sub.subdistrict_code) is None:
        problems.append(
            Problem(
                "subdistrict_code",
                "subdistrict_unknown",
                f"There is no subdistrict with code {sub.subdistrict_code!r}.",
                f"ไม่พบตำบล/แขวงรหัส {sub.subdistrict_code!r}",
            )
        )
    if len(sub.address) > ADDRESS_MAX:
        problems.append(
            Problem(
                "address",
                "address_too_long",
                f"The address may be at most {ADDRESS_MAX} characters.",
                f"ที่อยู่ยาวได้ไม่เกิน {ADDRESS_MAX} ตัวอักษร",
            )
        )
    has_place = sub.lat is not None or bool(sub.subdistrict_code) or bool(sub.address.strip())
    if not has_place:
        problems.append(
            Problem(
                "location",
                "location_required",
                "Say where the problem is: pin it on the map or give an address.",
                "กรุณาระบุตำแหน่งของปัญหา โดยปักหมุดบนแผนที่หรือระบุที่อยู่",
            )
        )
    if sub.category:
        try:
            taxonomy_load().get(sub.category)
        except KeyError:
            problems.append(
                Problem(
                    "category",
                    "category_unknown",
                    f"There is no category {sub.category!r}.",
                    f"ไม่มีหมวดหมู่ {sub.category!r}",
                )
            )
    if sub.contact_email:
        try:
            validate_email(sub.contact_email)
        except ValidationError:
            problems.append(
                Problem(
                    "contact_email",
                    "email_invalid",
                    "The e-mail address is not valid.",
                    "อีเมลไม่ถูกต้อง",
                )
            )
    if sub.contact_phone and not _PHONE.match(sub.contact_phone.strip()):
        problems.append(
            Problem(
                "contact_phone",
                "phone_invalid",
                "The phone number is not valid.",
                "หมายเลขโทรศัพท์ไม่ถูกต้อง",
            )
        )
    problems.extend(
        Problem(
            name,
            "null_character",
            "The text contains a NUL character, which is not allowed.",
            "ข้อความมีอักขระ NUL ซึ่งไม่อนุญาต",
        )
        for name in (
            "text",
            "address",
            "contact_name",
            "contact_phone",
            "contact_email",
            "intake_key",
        )
        if "\x00" in getattr(sub, name)
    )
    if len(sub.contact_name) > NAME_MAX:
        problems.append(
            Problem(
                "contact_name",
                "name_too_long",
                f"The name may be at most {NAME_MAX} characters.",
                f"ชื่อยาวได้ไม่เกิน {NAME_MAX} ตัวอักษร",
            )
        )
    if len(sub.intake_key) > 96:
        problems.append(
            Problem("intake_key", "key_too_long", "The submission key is too long.", "คีย์ยาวเกินไป")
        )
    return problems


def _category(sub: Submission, text: str) -> tuple[str, str, float | None]:
    """The category, where it came from, and the classifier's score when it chose."""
    if sub.category:
        source = (
            Complaint.CategorySource.IMPORT
            if sub.channel == Channel.IMPORT
            else Complaint.CategorySource.STAFF
            if sub.channel == Channel.CALL_CENTRE
            else Complaint.CategorySource.CITIZEN
        )
        return sub.category, source, None
    scores = category_predict(text=text, top=1)
    threshold = float(getattr(settings, "COMPLAINTS_CATEGORY_MIN_SCORE", 0.3))
    if scores and scores[0].score >= threshold:
        return scores[0].code, Complaint.CategorySource.CLASSIFIER, scores[0].score
    return "", Complaint.CategorySource.CLASSIFIER, scores[0].score if scores else None


def _existing(key: str) -> Complaint | None:
    return Complaint.objects.filter(intake_key=key).first() if key else None


def complaint_submit(*, submission: Submission) -> IntakeResult:
    """File a complaint from any channel; raise :class:`ComplaintError` listing every problem.

    Classifies the text when no category is given, routes it (category + place → agency, with
    a reason), sets the SLA, and tells the reporter the tracking code when they left an e-mail.
    """
    sub = submission
    if (existing := _existing(sub.intake_key)) is not None:
        return IntakeResult(existing, created=False)
    problems = _validate(sub)
    photos: list[CheckedPhoto] = []
    if sub.photos:
        photos, photo_problems = photos_check(uploads=sub.photos)
        problems.extend(photo_problems)
    if problems:
        raise ComplaintError(problems)

    text = sub.text.strip()
    category, source, score = _category(sub, text)
    route = complaint_route(
        category_code=category,
        lat=sub.lat,
        lon=sub.lon,
        subdistrict_code=sub.subdistrict_code or None,
    )
    written: list[str] = []
    try:
        with transaction.atomic():
            complaint = _write(
                sub=sub,
                text=text,
                category=category,
                source=source,
                score=score,
                route=route,
                photos=photos,
                written=written,
            )
    except IntegrityError:
        photos_discard(written=written)
        if (existing := _existing(sub.intake_key)) is not None:
            return IntakeResult(existing, created=False)
        raise
    except BaseException:
        photos_discard(written=written)
        raise
    transaction.on_commit(_screen_add)
    return IntakeResult(complaint, created=True)


def _screen_add() -> None:
    from ddgov.complaints.selectors.screening import screening_index_touch  # noqa: PLC0415

    screening_index_touch()


def _write(
    *,
    sub: Submission,
    text: str,
    category: str,
    source: str,
    score: float | None,
    route: RouteDecision,
    photos: list[CheckedPhoto],
    written: list[str],
) -> Complaint:
    now = timezone.now()
    created_at = sub.created_at or now
    agency: Agency | None = route.agency
    sub_area = geothai.subdistrict(sub.subdistrict_code) if sub.subdistrict_code else None
    # The directory may lack the geography (no ``ddgov geo load``): keep the codes, skip the link.
    area = admin_area_get(code=sub_area.code) if sub_area else None
    reporter = sub.reporter if sub.reporter is not None and sub.reporter.is_authenticated else None
    complaint = Complaint(
        tracking_code=_unique_code(),
        intake_key=sub.intake_key or None,
        channel=sub.channel,
        state=State.RECEIVED,
        text=text,
        text_public=text_redact(text=text).text,
        tokens=" ".join(text_tokens(text)),
        category=category,
        category_source=source,
        category_score=score,
        lat=sub.lat,
        lon=sub.lon,
        address=sub.address.strip(),
        subdistrict=area,
        district_code=sub_area.district_code if sub_area else route.district_code or "",
        province_code=route.province_code or "",
        agency=agency,
        route_rule=route.rule,
        route_reason_th=route.reason_th,
        route_reason_en=route.reason_en,
        reporter=reporter,
        is_anonymous=sub.is_anonymous,
        contact_name=sub.contact_name.strip(),
        contact_phone=sub.contact_phone.strip(),
        contact_email=sub.contact_email.strip(),
        open311_client=sub.open311_client,
        open311_token=secrets.token_hex(8) if sub.channel == Channel.OPEN311 else "",
        external_source=sub.external_source,
        external_id=sub.external_id,
        sla_due_at=sla_due(category=category, start=created_at),
        created_at=created_at,
        updated_at=now,
    )
    complaint.save()
    if agency is not None:
        Assignment.objects.create(
            complaint=complaint,
            agency=agency,
            state=State.RECEIVED,
            is_lead=True,
            sla_due_at=complaint.sla_due_at,
            created_at=created_at,
            updated_at=now,
        )
    photo_ids = [
        photo_store(
            complaint=complaint,
            photo=photo,
            stage="before",
            uploaded_by=reporter,
            now=now,
            written=written,
        ).pk
        for photo in photos
    ]
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.SUBMITTED,
        actor=reporter,
        to_state=State.RECEIVED,
        data={"channel": sub.channel, "category": category, "photos": photo_ids},
        at=created_at,
    )
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.ROUTED,
        agency=agency,
        data={"rule": route.rule, "reason_th": route.reason_th, "reason_en": route.reason_en},
        at=created_at,
    )
    email = complaint.contact_email or (reporter.email if reporter is not None else "")
    if reporter is not None or email:
        Follower.objects.create(
            complaint=complaint,
            user=reporter,
            email="" if reporter is not None else email,
            is_reporter=True,
            created_at=now,
        )
    if email:
        notification_enqueue(complaint=complaint, recipient=email, template="received")
    audit_record_append(
        action="complaint.submit",
        actor=reporter,
        agency_code=agency.code if agency else "",
        target_type="complaint",
        target_id=complaint.tracking_code,
        after={"tracking_code": complaint.tracking_code, "category": category},
        detail={"channel": sub.channel, "rule": route.rule, "photos": len(photos)},
    )
    return complaint


def _unique_code() -> str:
    for _ in range(8):
        code = tracking_code_new()
        if not Complaint.objects.filter(tracking_code=code).exists():
            return code
    msg = "could not find a free tracking code"
    raise RuntimeError(msg)
