"""Registering the agency systems ("relying parties") that sign people in through One ID.

Each client is a django-oauth-toolkit ``Application``. Clients are always confidential: agency
systems are servers that can keep a secret. DOT stores only a hash of the secret, so the plain
secret exists once, in the value returned here, and is never written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AbstractApplication, get_application_model

from ddgov.agencies.models import Agency
from ddgov.audit.services import audit_record_append
from ddgov.identity.models import User


class OidcGrant(StrEnum):
    """How a client obtains tokens."""

    #: A person signs in through the browser (OpenID Connect, with PKCE).
    AUTHORIZATION_CODE = AbstractApplication.GRANT_AUTHORIZATION_CODE
    #: A machine calls ddgov's APIs as itself; no person is involved, so no ID token.
    CLIENT_CREDENTIALS = AbstractApplication.GRANT_CLIENT_CREDENTIALS


@dataclass(frozen=True)
class OidcClientCreated:
    """A new client and its plain secret, which cannot be recovered later."""

    application: AbstractApplication
    client_id: str
    client_secret: str


def oidc_client_create(
    *,
    name: str,
    grant: OidcGrant | str,
    redirect_uris: Sequence[str] = (),
    skip_authorization: bool = False,
    agency: Agency | None = None,
    actor: User | None = None,
) -> OidcClientCreated:
    """Register a confidential One ID client and return it with its plain secret.

    Sign-in (authorization-code) clients get RS256 ID tokens, signed by the provider's RSA key
    that relying parties fetch from the JWKS endpoint, and need at least one redirect URI.
    Machine (client-credentials) clients take no redirect URI and no consent setting, since no
    person ever sees them. ``skip_authorization`` is for trusted government systems whose users
    should not be asked to consent each time. ``agency`` names the agency that runs the system;
    it is recorded in the audit trail. ``actor=None`` means the platform operator (the console).
    """
    clean_name = name.strip()
    if not clean_name:
        raise ValidationError({"name": _("Enter a client name. / กรุณากรอกชื่อระบบ")})
    try:
        kind = OidcGrant(grant)
    except ValueError as exc:
        raise ValidationError(
            {"grant": _("Unknown grant type. / ไม่รู้จักประเภทการขอสิทธิ์นี้")}, code="invalid"
        ) from exc
    uris = [uri.strip() for uri in redirect_uris if uri.strip()]
    if kind is OidcGrant.CLIENT_CREDENTIALS and (uris or skip_authorization):
        raise ValidationError(
            _(
                "A machine client has no redirect URI or consent step. / "
                "ระบบที่เรียกใช้งานเองไม่มี redirect URI หรือขั้นตอนขอความยินยอม"
            ),
            code="invalid",
        )
    if kind is OidcGrant.AUTHORIZATION_CODE and not uris:
        raise ValidationError(
            {
                "redirect_uris": _(
                    "Give at least one redirect URI. / กรุณาระบุ redirect URI อย่างน้อยหนึ่งรายการ"
                )
            }
        )
    if agency is not None and not agency.is_active:
        raise ValidationError({"agency": _("This agency is not active. / หน่วยงานนี้ไม่ได้ใช้งานแล้ว")})

    application_model = get_application_model()
    plain_secret = generate_client_secret()
    application = application_model(
        name=clean_name,
        client_type=AbstractApplication.CLIENT_CONFIDENTIAL,
        authorization_grant_type=kind.value,
        redirect_uris=" ".join(uris),
        skip_authorization=skip_authorization,
        algorithm=(
            AbstractApplication.RS256_ALGORITHM
            if kind is OidcGrant.AUTHORIZATION_CODE
            else AbstractApplication.NO_ALGORITHM
        ),
        client_secret=plain_secret,
        hash_client_secret=True,
        user=actor,
    )
    application.full_clean()
    metadata = {
        "name": clean_name,
        "client_id": application.client_id,
        "grant": kind.value,
        "redirect_uris": uris,
        "skip_authorization": skip_authorization,
        "algorithm": application.algorithm,
        "agency": agency.code if agency is not None else "",
    }
    with transaction.atomic():
        application.save()  # ClientSecretField hashes the secret here
        audit_record_append(
            action="oidc.client_create",
            actor=actor,
            acting_for=f"agency:{agency.code}" if agency is not None else "",
            agency_code=agency.code if agency is not None else "",
            target_type="oidc_client",
            target_id=application.client_id,
            after=metadata,
            detail=metadata,
        )
    return OidcClientCreated(
        application=application, client_id=application.client_id, client_secret=plain_secret
    )
