"""Writing identities, signing in, and enforcing access with an audit record for each refusal."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from ddgov.audit.models import AuditRecord
from ddgov.audit.services import audit_record_append
from ddgov.identity.models import (
    ROLE_RANK,
    AgencyMembership,
    ApiToken,
    Business,
    BusinessRepresentative,
    Person,
    Role,
    User,
)
from ddgov.identity.selectors import user_has_role, user_role_in
from ddgov.identity.thaiid import thai_id_normalize

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ddgov.agencies.models import AdminArea, Agency


class AccessDenied(PermissionDenied):
    """Refused access, with a message fit to show the person (Thai and English)."""


def _snapshot(obj: Person | Business) -> dict[str, Any]:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.name not in {"created_at", "updated_at"}
    }


def username_digest(username: str) -> str:
    """Return a digest of a sign-in name: audit records name attempts without storing IDs."""
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:16]


# --- people and businesses ---------------------------------------------------------------


@transaction.atomic
def person_create(
    *,
    actor: User | AnonymousUser | None,
    citizen_id: str,
    first_name_th: str,
    last_name_th: str,
    birth_date: dt.date,
    title_th: str = "",
    title_en: str = "",
    first_name_en: str = "",
    last_name_en: str = "",
    sex: str = Person.Sex.UNSPECIFIED,
    address_line: str = "",
    subdistrict: AdminArea | None = None,
    acting_for: str = "",
) -> Person:
    """Register a person after validating the citizen ID (format and check digit) and uniqueness."""
    normalized = thai_id_normalize(citizen_id)
    if Person.objects.filter(citizen_id=normalized).exists():
        raise ValidationError(
            {
                "citizen_id": _(
                    "This citizen ID is already registered. / เลขประจำตัวประชาชนนี้ลงทะเบียนไว้แล้ว"
                )
            },
            code="duplicate",
        )
    person = Person(
        citizen_id=normalized,
        title_th=title_th,
        first_name_th=first_name_th.strip(),
        last_name_th=last_name_th.strip(),
        title_en=title_en,
        first_name_en=first_name_en.strip(),
        last_name_en=last_name_en.strip(),
        birth_date=birth_date,
        sex=sex,
        address_line=address_line,
        subdistrict=subdistrict,
    )
    person.full_clean()
    person.save()
    audit_record_append(
        action="person.create",
        actor=actor,
        acting_for=acting_for,
        target_type="person",
        target_id=str(person.pk),
        after=_snapshot(person),
    )
    return person


def person_update(*, actor: User, person: Person, acting_for: str = "", **changes: Any) -> Person:
    """Change a person's record; only the person themself or a platform admin may.

    A refusal is audited outside the write's transaction so that it survives the rollback.
    """
    if not (actor.is_platform_admin or actor.person_id == person.pk):
        audit_record_append(
            action="person.update",
            actor=actor,
            target_type="person",
            target_id=str(person.pk),
            outcome=AuditRecord.Outcome.DENIED,
        )
        raise AccessDenied(_("You may change only your own record. / แก้ไขได้เฉพาะข้อมูลของตนเอง"))
    allowed = {
        "title_th",
        "title_en",
        "first_name_en",
        "last_name_en",
        "address_line",
        "subdistrict",
    }
    unknown = set(changes) - allowed
    if unknown:
        msg = f"fields not changeable here: {sorted(unknown)}"
        raise ValueError(msg)
    with transaction.atomic():
        before = _snapshot(person)
        for name, value in changes.items():
            setattr(person, name, value)
        person.full_clean()
        person.save()
        audit_record_append(
            action="person.update",
            actor=actor,
            acting_for=acting_for,
            target_type="person",
            target_id=str(person.pk),
            before=before,
            after=_snapshot(person),
        )
    return person


def person_get_for_viewer(*, viewer: User, citizen_id: str) -> Person:
    """Return a person's record if ``viewer`` is that person or a platform admin; audit refusals."""
    normalized = thai_id_normalize(citizen_id)
    person = Person.objects.filter(citizen_id=normalized).first()
    if person is not None and (viewer.is_platform_admin or viewer.person_id == person.pk):
        return person
    audit_record_append(
        action="person.read",
        actor=viewer,
        target_type="person",
        target_id=str(person.pk) if person else "",
        outcome=AuditRecord.Outcome.DENIED,
    )
    raise AccessDenied(_("You may see only your own record. / ดูได้เฉพาะข้อมูลของตนเอง"))


@transaction.atomic
def business_create(
    *,
    actor: User | None,
    juristic_id: str,
    name_th: str,
    name_en: str = "",
    kind: str = Business.Kind.COMPANY,
    registered_on: dt.date | None = None,
    address_line: str = "",
    subdistrict: AdminArea | None = None,
) -> Business:
    """Register a juristic person after validating its 13-digit ID."""
    normalized = thai_id_normalize(juristic_id, kind="juristic")
    if Business.objects.filter(juristic_id=normalized).exists():
        raise ValidationError(
            {
                "juristic_id": _(
                    "This juristic ID is already registered. / เลขทะเบียนนิติบุคคลนี้ลงทะเบียนไว้แล้ว"
                )
            },
            code="duplicate",
        )
    business = Business(
        juristic_id=normalized,
        name_th=name_th,
        name_en=name_en,
        kind=kind,
        registered_on=registered_on,
        address_line=address_line,
        subdistrict=subdistrict,
    )
    business.full_clean()
    business.save()
    audit_record_append(
        action="business.create",
        actor=actor,
        target_type="business",
        target_id=str(business.pk),
        after=_snapshot(business),
    )
    return business


@transaction.atomic
def business_representative_grant(
    *,
    actor: User | None,
    person: Person,
    business: Business,
    capacity: str = BusinessRepresentative.Capacity.DIRECTOR,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
) -> BusinessRepresentative:
    """Authorise a citizen to act for a business (as recorded by the business registry)."""
    rep, _created = BusinessRepresentative.objects.update_or_create(
        person=person,
        business=business,
        defaults={"capacity": capacity, "valid_from": valid_from, "valid_until": valid_until},
    )
    audit_record_append(
        action="business.representative_grant",
        actor=actor,
        acting_for=f"business:{business.pk}",
        target_type="business",
        target_id=str(business.pk),
        after={"person": person.pk, "capacity": capacity, "from": valid_from, "until": valid_until},
    )
    return rep


# --- users ------------------------------------------------------------------------------


def _unique_username(username: str) -> str:
    clean = username.strip()
    if not clean:
        raise ValidationError({"username": _("Enter a user name. / กรุณากรอกชื่อผู้ใช้")})
    if User.objects.filter(username__iexact=clean).exists():
        raise ValidationError(
            {"username": _("This user name is already taken. / ชื่อผู้ใช้นี้มีผู้ใช้แล้ว")}, code="duplicate"
        )
    return clean


@transaction.atomic
def citizen_register(
    *,
    citizen_id: str,
    first_name_th: str,
    last_name_th: str,
    birth_date: dt.date,
    password: str,
    email: str = "",
    title_th: str = "",
) -> User:
    """Open a citizen account; the citizen ID is the user name.

    A person already in the registry claims their record by giving the matching birth date and
    names; a second account for the same person is refused.
    """
    normalized = thai_id_normalize(citizen_id)
    account_exists = ValidationError(
        {"citizen_id": _("An account already exists for this citizen ID. / มีบัญชีของเลขประจำตัวนี้แล้ว")},
        code="duplicate",
    )
    if User.objects.filter(username=normalized).exists():
        raise account_exists
    person = Person.objects.filter(citizen_id=normalized).first()
    if person is None:
        person = person_create(
            actor=None,
            citizen_id=normalized,
            first_name_th=first_name_th,
            last_name_th=last_name_th,
            birth_date=birth_date,
            title_th=title_th,
        )
    elif (
        person.birth_date != birth_date
        or person.first_name_th != first_name_th.strip()
        or person.last_name_th != last_name_th.strip()
    ):
        raise ValidationError(
            _(
                "The details do not match the registry for this citizen ID. / ข้อมูลไม่ตรงกับทะเบียนของเลขประจำตัวนี้"
            ),
            code="mismatch",
        )
    elif User.objects.filter(person=person).exists():
        raise account_exists
    user = User(username=normalized, email=email, kind=User.Kind.CITIZEN, person=person)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        user.save()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise ValidationError(
            _("This account already exists. / บัญชีนี้มีอยู่แล้ว"), code="duplicate"
        ) from exc
    audit_record_append(
        action="user.register",
        actor=user,
        acting_for=f"person:{person.pk}",
        target_type="user",
        target_id=str(user.pk),
        after={"username": user.username, "kind": user.kind, "person": person.pk},
    )
    return user


@transaction.atomic
def staff_user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_platform_admin: bool = False,
) -> User:
    """Create a staff account (agency roles are granted separately)."""
    clean = _unique_username(username)
    user = User(
        username=clean,
        email=email,
        first_name=first_name,
        last_name=last_name,
        kind=User.Kind.STAFF,
        is_platform_admin=is_platform_admin,
        is_staff=is_platform_admin,
        is_superuser=is_platform_admin,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record_append(
        action="user.create",
        actor=actor,
        target_type="user",
        target_id=str(user.pk),
        after={"username": user.username, "kind": user.kind, "platform_admin": is_platform_admin},
    )
    return user


def membership_grant(
    *, actor: User | None, user: User, agency: Agency, role: str
) -> AgencyMembership:
    """Give a staff user a role in an agency; the actor must administer that agency.

    ``actor=None`` is the system itself (demo seeding, migrations).
    """
    if actor is not None and not user_has_role(user=actor, agency=agency, at_least=Role.ADMIN):
        agency_access_deny(actor=actor, agency=agency, action="membership.grant")
    if not user.is_government_staff:
        raise ValidationError(
            _("Only staff accounts can hold agency roles. / บทบาทในหน่วยงานให้ได้เฉพาะบัญชีเจ้าหน้าที่")
        )
    with transaction.atomic():
        before_role = user_role_in(user=user, agency=agency) if not user.is_platform_admin else None
        membership, _created = AgencyMembership.objects.update_or_create(
            user=user, agency=agency, defaults={"role": Role(role)}
        )
        audit_record_append(
            action="membership.grant",
            actor=actor,
            acting_for=f"agency:{agency.code}",
            agency_code=agency.code,
            target_type="user",
            target_id=str(user.pk),
            before={"role": before_role} if before_role else None,
            after={"role": membership.role},
        )
    return membership


# --- access enforcement -----------------------------------------------------------------


def agency_access_deny(*, actor: User | AnonymousUser, agency: Agency, action: str) -> None:
    """Record a refused attempt on ``agency`` and raise :class:`AccessDenied`."""
    audit_record_append(
        action=action,
        actor=actor,
        agency_code=agency.code,
        target_type="agency",
        target_id=agency.code,
        outcome=AuditRecord.Outcome.DENIED,
    )
    raise AccessDenied(_("You do not have access to this agency. / คุณไม่มีสิทธิ์เข้าถึงข้อมูลของหน่วยงานนี้"))


def agency_access_require(
    *,
    actor: User | AnonymousUser,
    agency: Agency,
    at_least: str = Role.VIEWER,
    action: str = "agency.read",
) -> str:
    """Return the actor's role in ``agency``, or audit the refusal and raise AccessDenied."""
    role = user_role_in(user=actor, agency=agency) if isinstance(actor, User) else None
    if role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[Role(at_least)]:
        return role
    agency_access_deny(actor=actor, agency=agency, action=action)
    return ""  # unreachable: agency_access_deny raises


# --- signing in -------------------------------------------------------------------------


class SignInOutcome(StrEnum):
    """What happened when someone tried to sign in."""

    SIGNED_IN = "signed_in"
    NEEDS_TOTP = "needs_totp"
    FAILED = "failed"


@dataclass(frozen=True)
class SignInResult:
    """The outcome and, unless it failed, the user."""

    outcome: SignInOutcome
    user: User | None = None


def _normalise_login_name(username: str) -> str:
    try:
        return thai_id_normalize(username)
    except ValidationError:
        return username.strip()


def user_has_totp(*, user: User) -> bool:
    """Return whether the user has a confirmed TOTP device."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def sign_in_check(*, request: Any, username: str, password: str) -> SignInResult:
    """Check a password; staff with TOTP must then give a code. Failures are audited."""
    name = _normalise_login_name(username)
    user = authenticate(request, username=name, password=password)
    if user is None or not isinstance(user, User):
        known = User.objects.filter(username__iexact=name).values_list("pk", flat=True).first()
        audit_record_append(
            action="auth.sign_in",
            target_type="user",
            target_id=str(known or ""),
            outcome=AuditRecord.Outcome.FAILED,
            detail={"username_digest": username_digest(name), "reason": "bad_credentials"},
        )
        return SignInResult(SignInOutcome.FAILED)
    if user.is_government_staff and user_has_totp(user=user):
        return SignInResult(SignInOutcome.NEEDS_TOTP, user)
    return SignInResult(SignInOutcome.SIGNED_IN, user)


def totp_verify(*, user: User, token: str) -> Any | None:
    """Return the device whose current code ``token`` is, or None; failures are audited."""
    device = match_token(user, token.strip())
    if device is None:
        audit_record_append(
            action="auth.totp",
            target_type="user",
            target_id=str(user.pk),
            outcome=AuditRecord.Outcome.FAILED,
        )
    return device


def totp_device_create(*, actor: User) -> Any:
    """Start TOTP enrolment: an unconfirmed device whose secret the user adds to an app."""
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name="authenticator", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, actor: User, token: str) -> bool:
    """Confirm enrolment with a first code; from then on sign-in asks for a code."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None or not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record_append(
        action="auth.totp_enable", actor=actor, target_type="user", target_id=str(actor.pk)
    )
    return True


# --- API tokens ---------------------------------------------------------------------------


TOKEN_USE_RESOLUTION = dt.timedelta(minutes=5)


def api_token_digest(token: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str = "api") -> str:
    """Create a token for ``user`` and return it; only its digest is kept."""
    if not user.is_active:
        raise ValidationError(_("This account is disabled. / บัญชีนี้ถูกระงับการใช้งาน"))
    token = f"ddg_{secrets.token_urlsafe(32)}"
    record = ApiToken.objects.create(
        user=user, name=name, digest=api_token_digest(token), prefix=token[:8]
    )
    audit_record_append(
        action="api_token.create",
        actor=actor,
        target_type="user",
        target_id=str(user.pk),
        after={"token_id": record.pk, "name": name},
    )
    return token


def api_token_authenticate(*, token: str) -> User | None:
    """Return the active user a valid, unexpired, unrevoked token belongs to, or None."""
    if not token:
        return None
    record = (
        ApiToken.objects.select_related("user")
        .filter(digest=api_token_digest(token.strip()), revoked=False, user__is_active=True)
        .first()
    )
    if record is None or (record.expires_at is not None and record.expires_at <= timezone.now()):
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at > TOKEN_USE_RESOLUTION:
        # One write per token per few minutes, not one per API call.
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
