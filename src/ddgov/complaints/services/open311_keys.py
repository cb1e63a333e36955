"""API keys of Open311 clients: issue one (shown once), check one, revoke one.

Only the key's SHA-256 digest is stored, with its first 8 characters (``key_prefix``) so
operators can name a key without holding it. A key is 64 hexadecimal characters (256 random
bits): a digest lookup by that much entropy cannot be guessed, and the stored digest is compared
in constant time. Revoking sets ``revoked_at``; a revoked key authenticates nobody.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ddgov.audit.services import audit_record_append
from ddgov.complaints.models import Open311Client

KEY_BYTES = 32
PREFIX_CHARS = 8
NAME_MAX = 100
# ``last_used_at`` is refreshed at most this often, so busy clients do not write on every call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
_KEY_MAX_CHARS = 256


def open311_key_digest(*, api_key: str) -> str:
    """The SHA-256 hex digest under which a key is stored."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def open311_client_create(*, name: str) -> tuple[Open311Client, str]:
    """Register a client application; return it and its API key (the only time it is shown).

    Raises :class:`ValidationError` for an empty or over-long name.
    """
    clean = (name or "").strip()
    if not clean:
        raise ValidationError("Give the client a name. / กรุณาระบุชื่อผู้ใช้ API")
    if len(clean) > NAME_MAX:
        raise ValidationError(
            f"The name may be at most {NAME_MAX} characters. / ชื่อยาวได้ไม่เกิน {NAME_MAX} ตัวอักษร"
        )
    api_key = secrets.token_hex(KEY_BYTES)
    with transaction.atomic():
        client = Open311Client.objects.create(
            name=clean,
            key_digest=open311_key_digest(api_key=api_key),
            key_prefix=api_key[:PREFIX_CHARS],
            created_at=timezone.now(),
        )
        audit_record_append(
            action="open311.client.create",
            target_type="open311_client",
            target_id=str(client.pk),
            after={"name": client.name, "key_prefix": client.key_prefix},
        )
    return client, api_key


def open311_client_authenticate(*, api_key: str) -> Open311Client | None:
    """The active client holding ``api_key``, or ``None`` (unknown, malformed or revoked key)."""
    key = (api_key or "").strip()
    if not key or len(key) > _KEY_MAX_CHARS:
        return None
    digest = open311_key_digest(api_key=key)
    client = Open311Client.objects.filter(key_digest=digest).first()
    if client is None or not hmac.compare_digest(client.key_digest, digest):
        return None
    if client.revoked_at is not None:
        return None
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_RESOLUTION:
        Open311Client.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


def open311_client_revoke(*, client: Open311Client) -> Open311Client:
    """Revoke ``client``'s key from now on (revoking twice keeps the first time)."""
    if client.revoked_at is not None:
        return client
    with transaction.atomic():
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit_record_append(
            action="open311.client.revoke",
            target_type="open311_client",
            target_id=str(client.pk),
            after={"name": client.name, "key_prefix": client.key_prefix},
        )
    return client


def open311_clients_by_prefix(*, prefix: str) -> list[Open311Client]:
    """Clients whose key starts with ``prefix`` (at least 4 characters, case-insensitive)."""
    clean = (prefix or "").strip().lower()
    if len(clean) < 4:
        return []
    short = clean[:PREFIX_CHARS]
    candidates = (
        Open311Client.objects.filter(key_prefix=short)
        if len(clean) >= PREFIX_CHARS
        else (Open311Client.objects.filter(key_prefix__startswith=short))
    )
    return list(candidates.order_by("id"))


def open311_client_list() -> list[Open311Client]:
    """Every client, active and revoked, by name."""
    return list(Open311Client.objects.order_by("name", "id"))
