"""``POST requests``: an API client files a complaint through the one intake service.

Order of checks: the ``api_key`` (403 when missing, unknown or revoked), the client's rate
(``COMPLAINTS_OPEN311_RATE_PER_MINUTE`` a minute per key and server process; 429 with
``Retry-After``), the ``Idempotency-Key`` header, the form (400), then the intake's own checks
(400, every problem listed). Nothing is written unless every check passes.

Idempotency: with an ``Idempotency-Key`` header the intake key is ``open311:<client>:k:<sha256
of the header>``; reusing a key with different parameters is refused (409). Without the header
it is ``open311:<client>:d:<sha256 of the normalised form>``, so a retried identical POST (same
client, same fields after trimming, same numbers) returns the first complaint instead of filing
a second. A replay answers exactly as the first call did (201) with ``Idempotent-Replayed:
true``.

``media_url`` cannot be fetched (the server has no outside network): the link is kept in the
complaint's ``submitted`` event (``data["media_url"]``) and returned as the request's
``media_url`` until a photo is attached. ``device_id`` and ``account_id`` only make requests
distinct for idempotency; they are not stored.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import QueryDict

from ddgov.complaints.api import TokenBuckets
from ddgov.complaints.errors import ComplaintError
from ddgov.complaints.models import Channel, Complaint, ComplaintEvent, Open311Client
from ddgov.complaints.open311.errors import Open311Error
from ddgov.complaints.open311.params import PostRequest, idempotency_key_check, post_request_parse
from ddgov.complaints.services.intake import Submission, complaint_submit
from ddgov.complaints.services.open311_keys import open311_client_authenticate

DEFAULT_RATE_PER_MINUTE = 120
buckets = TokenBuckets()


@dataclass(frozen=True)
class PostOutcome:
    """The complaint, and whether this call filed it (``False``: a replay)."""

    complaint: Complaint
    created: bool


def open311_client_for(*, api_key: str) -> Open311Client:
    """The client holding ``api_key``; 403 when it is missing, unknown or revoked."""
    if not (api_key or "").strip():
        raise Open311Error.one(
            403,
            "api_key_required",
            "api_key is required to submit a service request.",
            "ต้องระบุ api_key เพื่อส่งเรื่องร้องเรียน",
        )
    client = open311_client_authenticate(api_key=api_key)
    if client is None:
        raise Open311Error.one(
            403,
            "api_key_invalid",
            "The api_key is not valid or has been revoked.",
            "api_key ไม่ถูกต้องหรือถูกยกเลิกแล้ว",
        )
    return client


def open311_rate_check(*, client: Open311Client) -> None:
    """429 when ``client`` has used up its submissions for now."""
    rate = int(getattr(settings, "COMPLAINTS_OPEN311_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE))
    wait = buckets.take(key=f"client:{client.pk}", rate_per_minute=rate)
    if wait > 0:
        raise Open311Error.one(
            429,
            "rate_limited",
            f"Too many requests: at most {rate} a minute per api_key. Try again later.",
            f"ส่งคำขอถี่เกินไป (ไม่เกิน {rate} ครั้งต่อนาทีต่อ api_key) กรุณาลองใหม่ภายหลัง",
            headers={"Retry-After": str(math.ceil(wait))},
        )


def _intake_key(client: Open311Client, idempotency_key: str, digest: str) -> str:
    if idempotency_key:
        return f"open311:{client.pk}:k:{hashlib.sha256(idempotency_key.encode()).hexdigest()}"
    return f"open311:{client.pk}:d:{digest}"


def _reused(complaint: Complaint, digest: str) -> None:
    """409 when an Idempotency-Key comes back with different parameters."""
    event = complaint.events.filter(kind=ComplaintEvent.Kind.SUBMITTED).first()
    first = (event.data or {}).get("open311_digest") if event is not None else None
    if first is not None and first != digest:
        raise Open311Error.one(
            409,
            "idempotency_key_reused",
            "This Idempotency-Key was used for a different request; use a new key.",
            "Idempotency-Key นี้เคยใช้กับคำขออื่นแล้ว กรุณาใช้คีย์ใหม่",
        )


def _submission(post: PostRequest, client: Open311Client, intake_key: str) -> Submission:
    return Submission(
        text=post.description,
        channel=Channel.OPEN311,
        category=post.service_code,
        lat=post.lat,
        lon=post.lon,
        address=post.address_string,
        subdistrict_code=post.address_id,
        is_anonymous=post.anonymous,
        contact_name=post.contact_name,
        contact_phone=post.phone,
        contact_email=post.email,
        intake_key=intake_key,
        open311_client=client,
    )


def open311_request_post(
    *, api_key: str, idempotency_key: str | None, params: QueryDict
) -> PostOutcome:
    """File (or find again) the complaint of one ``POST requests``; raise :class:`Open311Error`."""
    client = open311_client_for(api_key=api_key)
    open311_rate_check(client=client)
    key = idempotency_key_check(idempotency_key)
    post = post_request_parse(params=params)
    digest = post.digest()
    intake_key = _intake_key(client, key, digest)
    existing = Complaint.objects.filter(intake_key=intake_key).first()
    if existing is not None:
        _reused(existing, digest)
        return PostOutcome(existing, created=False)
    try:
        with transaction.atomic():
            result = complaint_submit(submission=_submission(post, client, intake_key))
            if result.created:
                event = result.complaint.events.get(kind=ComplaintEvent.Kind.SUBMITTED)
                event.data = {
                    **(event.data or {}),
                    "open311_client": client.key_prefix,
                    "open311_digest": digest,
                    **({"media_url": post.media_url} if post.media_url else {}),
                }
                event.save(update_fields=["data"])
    except ComplaintError as exc:
        raise Open311Error.from_complaint_error(exc) from exc
    if not result.created:
        _reused(result.complaint, digest)
    return PostOutcome(result.complaint, created=result.created)
