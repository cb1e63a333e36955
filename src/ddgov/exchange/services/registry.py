"""Registering who is on the exchange and what they offer: members, subsystems, services, clients.

An agency joins as a :class:`~ddgov.exchange.models.Member`; each of its applications is a
:class:`~ddgov.exchange.models.Subsystem` that authenticates with OAuth2 client credentials
(a One ID machine client linked as a :class:`~ddgov.exchange.models.SubsystemClient`) and may
offer REST services. An *external* service is proxied to the agency's own HTTPS server and
described by the OpenAPI document the agency supplies; a *dataset-backed* service is a lookup
over one of the agency's catalog resources whose OpenAPI document is generated here
(:mod:`ddgov.exchange.services.dataset`). Every change is written to the audit trail in the
same transaction. Validation errors are bilingual ("English. / ไทย") like the identity app's.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from ddgov.agencies.models import Agency
from ddgov.audit.services import audit_record_append
from ddgov.catalog.models import Resource
from ddgov.exchange import ids
from ddgov.exchange.models import Member, Service, Subsystem, SubsystemClient
from ddgov.exchange.selectors.registry import service_identifier, subsystem_identifier
from ddgov.exchange.services.dataset import dataset_service_plan
from ddgov.identity.models import User
from ddgov.identity.oidc_clients import OidcGrant, oidc_client_create

RESERVED_SERVICE_CODES = frozenset({"listMethods", "allowedMethods", "getOpenAPI"})
"""Service codes the gateway answers itself (X-Road metadata services)."""

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
MAX_TIMEOUT_MS = 120_000
_SEGMENT_RE = re.compile(r"^(?:[^{}]|\{[^{}/]+\})*$")
_TEMPLATE_VAR_RE = re.compile(r"\{([^{}/]+)\}")
_PARAM_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class SubsystemClientCreated:
    """A subsystem's new OAuth2 client and its plain secret, which cannot be recovered later."""

    client: SubsystemClient
    client_id: str
    client_secret: str


# --- validation helpers ----------------------------------------------------------------------


def _code_clean(code: str, *, field: str) -> str:
    """``code`` stripped, or a bilingual error when it cannot be one part of an identifier."""
    clean = (code or "").strip()
    if not ids.code_valid(clean):
        raise ValidationError(
            {
                field: _(
                    "Use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit. / "
                    "ใช้ตัวอักษรอังกฤษ ตัวเลข '-' '_' หรือ '.' 1-64 ตัว และขึ้นต้นด้วยตัวอักษรหรือตัวเลข"
                )
            },
            code="invalid",
        )
    return clean


def _active_subsystem(subsystem: Subsystem) -> None:
    if not (subsystem.is_active and subsystem.member.is_active):
        raise ValidationError(
            {"subsystem": _("This subsystem is not active. / ระบบย่อยนี้ไม่ได้ใช้งานแล้ว")},
            code="inactive",
        )


def _service_code_clean(subsystem: Subsystem, code: str) -> str:
    clean = _code_clean(code, field="code")
    if clean in RESERVED_SERVICE_CODES:
        raise ValidationError(
            {
                "code": _(
                    "This code is reserved for the exchange's directory services. / "
                    "รหัสนี้สงวนไว้สำหรับบริการไดเรกทอรีของระบบแลกเปลี่ยนข้อมูล"
                )
            },
            code="reserved",
        )
    if Service.objects.filter(subsystem=subsystem, code=clean).exists():
        raise ValidationError(
            {
                "code": _(
                    "This subsystem already has a service with this code. / "
                    "ระบบย่อยนี้มีบริการที่ใช้รหัสนี้แล้ว"
                )
            },
            code="duplicate",
        )
    return clean


def _title_clean(title_th: str) -> str:
    clean = (title_th or "").strip()
    if not clean:
        raise ValidationError(
            {"title_th": _("Enter the service's Thai title. / กรุณากรอกชื่อบริการภาษาไทย")},
            code="required",
        )
    return clean


def _host_is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def base_url_clean(url: str) -> str:
    """The provider URL without a trailing ``/``, or a bilingual error.

    It must be https; plain http only to a loopback host (``localhost``, ``127.0.0.0/8``,
    ``::1``) and only when ``DDGOV_EXCHANGE_ALLOW_HTTP_LOOPBACK`` is on (development, tests).
    No user name, query string or fragment: the gateway appends the call's path and query.
    """
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = urlsplit(""), False
    if (
        parts.scheme not in {"https", "http"}
        or not parts.hostname
        or not port_ok
        or parts.username
        or parts.password
        or parts.query
        or parts.fragment
    ):
        raise ValidationError(
            {
                "base_url": _(
                    "Enter the provider's base URL, like https://api.agency.go.th/v1 "
                    "(no user name, query or fragment). / "
                    "กรุณากรอก URL หลักของผู้ให้บริการ เช่น https://api.agency.go.th/v1 "
                    "(ไม่มีชื่อผู้ใช้ query หรือ fragment)"
                )
            },
            code="invalid",
        )
    if parts.scheme == "http" and not (
        settings.DDGOV_EXCHANGE_ALLOW_HTTP_LOOPBACK and _host_is_loopback(parts.hostname)
    ):
        raise ValidationError(
            {"base_url": _("The provider URL must use https. / URL ของผู้ให้บริการต้องใช้ https")},
            code="insecure",
        )
    return text.rstrip("/")


def _invalid_openapi() -> ValidationError:
    return ValidationError(
        {
            "openapi": _(
                "Give an OpenAPI 3 document (JSON) with at least one path and operation; "
                "paths start with '/' and templates look like /persons/{citizen_id}. / "
                "กรุณาให้เอกสาร OpenAPI 3 (JSON) ที่มีอย่างน้อยหนึ่ง path และหนึ่ง operation "
                "path ต้องขึ้นต้นด้วย '/' และใช้รูปแบบ /persons/{citizen_id}"
            )
        },
        code="invalid",
    )


def openapi_clean(document: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON copy of an OpenAPI 3.x document the gateway can route by, or a bilingual error.

    Checked: ``openapi`` is ``3.*``; ``paths`` is a non-empty object whose keys start with
    ``/`` and use well-formed ``{name}`` templates, each with at least one HTTP operation.
    """
    if not isinstance(document, Mapping):
        raise _invalid_openapi()
    try:
        copy = json.loads(json.dumps(document, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise _invalid_openapi() from exc
    version = copy.get("openapi")
    paths = copy.get("paths")
    if not (isinstance(version, str) and version.startswith("3.")):
        raise _invalid_openapi()
    if not isinstance(paths, dict) or not paths:
        raise _invalid_openapi()
    for path, item in paths.items():
        if not path.startswith("/") or not all(_SEGMENT_RE.match(s) for s in path.split("/")):
            raise _invalid_openapi()
        if not isinstance(item, dict) or not any(
            m in HTTP_METHODS and isinstance(op, dict) for m, op in item.items()
        ):
            raise _invalid_openapi()
    return copy


def openapi_parameter_names(document: Mapping[str, Any]) -> set[str]:
    """Every path template name and every declared path/query parameter name of a document."""
    names: set[str] = set()
    for path, item in (document.get("paths") or {}).items():
        names.update(_TEMPLATE_VAR_RE.findall(path))
        if not isinstance(item, dict):
            continue
        blocks = [item.get("parameters")] + [
            op.get("parameters")
            for m, op in item.items()
            if m in HTTP_METHODS and isinstance(op, dict)
        ]
        for block in blocks:
            for parameter in block or []:
                if isinstance(parameter, dict) and parameter.get("in") in {"path", "query"}:
                    names.add(str(parameter.get("name", "")))
    names.discard("")
    return names


def _subject_param_clean(subject_param: str, document: Mapping[str, Any]) -> str:
    clean = (subject_param or "").strip()
    if not clean:
        return ""
    if not _PARAM_NAME_RE.match(clean) or clean not in openapi_parameter_names(document):
        raise ValidationError(
            {
                "subject_param": _(
                    "The subject parameter must be a path template name or a query parameter "
                    "of the OpenAPI document. / "
                    "พารามิเตอร์ที่ระบุตัวบุคคลต้องเป็นชื่อในแม่แบบ path หรือพารามิเตอร์ query "
                    "ในเอกสาร OpenAPI"
                )
            },
            code="invalid",
        )
    return clean


def _timeout_clean(timeout_ms: int | None) -> int | None:
    if timeout_ms is None:
        return None
    if not isinstance(timeout_ms, int) or not 1 <= timeout_ms <= MAX_TIMEOUT_MS:
        raise ValidationError(
            {
                "timeout_ms": _(
                    "The timeout is 1 to 120000 milliseconds. / "
                    "ระยะเวลารอต้องอยู่ระหว่าง 1 ถึง 120000 มิลลิวินาที"
                )
            },
            code="invalid",
        )
    return timeout_ms


def _service_snapshot(service: Service) -> dict[str, Any]:
    return {
        "id": str(service_identifier(service=service)),
        "kind": service.kind,
        "title_th": service.title_th,
        "title_en": service.title_en,
        "personal_data": service.personal_data,
        "subject_param": service.subject_param,
        "base_url": service.base_url,
        "timeout_ms": service.timeout_ms,
        "resource": str(service.resource_id or ""),
        "key_column": service.key_column,
        "columns": list(service.columns),
        "paths": sorted((service.openapi.get("paths") or {}).keys()),
    }


# --- members and subsystems --------------------------------------------------------------------


def member_register(*, agency: Agency, code: str, actor: User | None = None) -> Member:
    """Put ``agency`` on the exchange under member ``code`` (the ``M`` in ``TH/GOV/M/S``)."""
    clean = _code_clean(code, field="code")
    if not agency.is_active:
        raise ValidationError(
            {"agency": _("This agency is not active. / หน่วยงานนี้ไม่ได้ใช้งานแล้ว")},
            code="inactive",
        )
    if Member.objects.filter(agency=agency).exists():
        raise ValidationError(
            {
                "agency": _(
                    "This agency is already a member of the exchange. / "
                    "หน่วยงานนี้เป็นสมาชิกของระบบแลกเปลี่ยนข้อมูลแล้ว"
                )
            },
            code="duplicate",
        )
    if Member.objects.filter(code=clean).exists():
        raise ValidationError(
            {"code": _("This member code is taken. / รหัสสมาชิกนี้ถูกใช้แล้ว")},
            code="duplicate",
        )
    with transaction.atomic():
        member = Member.objects.create(agency=agency, code=clean)
        audit_record_append(
            action="exchange.member.register",
            actor=actor,
            acting_for=f"agency:{agency.code}",
            agency_code=agency.code,
            target_type="exchange_member",
            target_id=clean,
            after={"code": clean, "agency": agency.code},
        )
    return member


def subsystem_register(
    *, member: Member, code: str, name_th: str, name_en: str = "", actor: User | None = None
) -> Subsystem:
    """Register an application of ``member``; it can then get clients and offer services."""
    clean = _code_clean(code, field="code")
    name = (name_th or "").strip()
    if not name:
        raise ValidationError(
            {"name_th": _("Enter the system's Thai name. / กรุณากรอกชื่อระบบภาษาไทย")},
            code="required",
        )
    if not member.is_active:
        raise ValidationError(
            {"member": _("This member is not active. / สมาชิกนี้ไม่ได้ใช้งานแล้ว")},
            code="inactive",
        )
    if Subsystem.objects.filter(member=member, code=clean).exists():
        raise ValidationError(
            {
                "code": _(
                    "This member already has a subsystem with this code. / สมาชิกนี้มีระบบย่อยที่ใช้รหัสนี้แล้ว"
                )
            },
            code="duplicate",
        )
    with transaction.atomic():
        subsystem = Subsystem.objects.create(
            member=member, code=clean, name_th=name, name_en=(name_en or "").strip()
        )
        client_id = str(ids.ClientId(member=member.code, subsystem=clean))
        audit_record_append(
            action="exchange.subsystem.register",
            actor=actor,
            acting_for=f"agency:{member.agency.code}",
            agency_code=member.agency.code,
            target_type="exchange_subsystem",
            target_id=client_id,
            after={"id": client_id, "name_th": subsystem.name_th, "name_en": subsystem.name_en},
        )
    return subsystem


# --- services ----------------------------------------------------------------------------------


def _service_create(service: Service, *, actor: User | None) -> Service:
    with transaction.atomic():
        service.save()
        snapshot = _service_snapshot(service)
        agency = service.subsystem.member.agency
        audit_record_append(
            action="exchange.service.register",
            actor=actor,
            acting_for=f"agency:{agency.code}",
            agency_code=agency.code,
            target_type="exchange_service",
            target_id=snapshot["id"],
            after=snapshot,
            detail={"kind": service.kind, "personal_data": service.personal_data},
        )
    return service


def service_register_external(
    *,
    subsystem: Subsystem,
    code: str,
    title_th: str,
    title_en: str = "",
    description: str = "",
    base_url: str,
    openapi: Mapping[str, Any],
    personal_data: bool = False,
    subject_param: str = "",
    timeout_ms: int | None = None,
    actor: User | None = None,
) -> Service:
    """Register a REST service the gateway proxies to ``base_url`` on the agency's own server.

    ``openapi`` describes it (3.x; the gateway routes only the methods and paths listed);
    ``subject_param`` names the path template or query parameter carrying the citizen ID a
    call concerns (message log, consent check); ``timeout_ms`` overrides the default timeout.
    """
    _active_subsystem(subsystem)
    clean_code = _service_code_clean(subsystem, code)
    document = openapi_clean(openapi)
    service = Service(
        subsystem=subsystem,
        code=clean_code,
        kind=Service.Kind.EXTERNAL,
        title_th=_title_clean(title_th),
        title_en=(title_en or "").strip(),
        description=description or "",
        openapi=document,
        personal_data=bool(personal_data),
        subject_param=_subject_param_clean(subject_param, document),
        base_url=base_url_clean(base_url),
        timeout_ms=_timeout_clean(timeout_ms),
    )
    return _service_create(service, actor=actor)


def service_register_dataset(
    *,
    subsystem: Subsystem,
    code: str,
    title_th: str,
    title_en: str = "",
    description: str = "",
    resource: Resource,
    key_column: str,
    columns: Sequence[str],
    personal_data: bool | None = None,
    actor: User | None = None,
) -> Service:
    """Register a lookup over one of the member agency's own catalog resources.

    The generated API is ``GET /records/{<key_column>}``: the rows whose ``key_column``
    equals the key, with only ``columns``. ``personal_data=None`` derives it from the
    resource's column classification (see :func:`~ddgov.exchange.services.dataset.dataset_service_plan`);
    for a personal-data service the key is the call's subject (``subject_param``).
    """
    _active_subsystem(subsystem)
    clean_code = _service_code_clean(subsystem, code)
    title = _title_clean(title_th)
    service_id = ids.ServiceId(subsystem.member.code, subsystem.code, clean_code)
    plan = dataset_service_plan(
        agency=subsystem.member.agency,
        resource=resource,
        key_column=key_column,
        columns=columns,
        personal_data=personal_data,
        service_id=str(service_id),
        title=(title_en or "").strip() or title,
        description=description or "",
    )
    service = Service(
        subsystem=subsystem,
        code=clean_code,
        kind=Service.Kind.DATASET,
        title_th=title,
        title_en=(title_en or "").strip(),
        description=description or "",
        openapi=plan.openapi,
        personal_data=plan.personal_data,
        subject_param=plan.key_column if plan.personal_data else "",
        resource=resource,
        key_column=plan.key_column,
        columns=list(plan.columns),
    )
    return _service_create(service, actor=actor)


# --- clients -----------------------------------------------------------------------------------


def subsystem_client_create(
    *, subsystem: Subsystem, actor: User | None = None
) -> SubsystemClientCreated:
    """Issue the subsystem an OAuth2 client-credentials client (One ID) and link it.

    The plain secret exists only in the returned value (the provider stores its hash). A
    subsystem may hold several clients at once, so keys can be rotated without downtime.
    """
    _active_subsystem(subsystem)
    member = subsystem.member
    client_id = str(ids.ClientId(member=member.code, subsystem=subsystem.code))
    with transaction.atomic():
        created = oidc_client_create(
            name=f"exchange {client_id}",
            grant=OidcGrant.CLIENT_CREDENTIALS,
            agency=member.agency,
            actor=actor,
        )
        client = SubsystemClient.objects.create(
            subsystem=subsystem, application=created.application
        )
        audit_record_append(
            action="exchange.client.create",
            actor=actor,
            acting_for=f"agency:{member.agency.code}",
            agency_code=member.agency.code,
            target_type="exchange_client",
            target_id=created.client_id,
            after={"subsystem": client_id, "client_id": created.client_id},
        )
    return SubsystemClientCreated(
        client=client, client_id=created.client_id, client_secret=created.client_secret
    )


def subsystem_client_revoke(*, client: SubsystemClient, actor: User | None = None) -> None:
    """Revoke one client of a subsystem at once; its other clients keep working.

    The gateway refuses tokens of a revoked client from the next call. Besides, the client's
    outstanding tokens are deleted and its stored secret is replaced by an unknown one, so it
    cannot obtain new tokens from One ID either. Revoking twice changes nothing.
    """
    if client.revoked_at is not None:
        return
    application = client.application
    subsystem = client.subsystem
    agency = subsystem.member.agency
    with transaction.atomic():
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        get_refresh_token_model().objects.filter(application=application).delete()
        get_access_token_model().objects.filter(application=application).delete()
        application.client_secret = generate_client_secret()  # hashed on save, never shown
        application.save(update_fields=["client_secret"])
        audit_record_append(
            action="exchange.client.revoke",
            actor=actor,
            acting_for=f"agency:{agency.code}",
            agency_code=agency.code,
            target_type="exchange_client",
            target_id=application.client_id,
            detail={"subsystem": str(subsystem_identifier(subsystem=subsystem))},
        )
