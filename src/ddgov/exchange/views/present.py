"""Shaping exchange records for the pages: who the staff reader is, localized labels, paging.

Views stay thin: they ask :func:`staff_scope` who is reading (and which agencies they act for),
read through the exchange selectors, and hand the rows built here to the templates. Names are
picked in the reader's language (Thai, or English when chosen and present).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from ddgov.agencies.models import Agency
from ddgov.audit.models import AuditRecord
from ddgov.audit.services import audit_record_append
from ddgov.core.language import localized
from ddgov.exchange.ids import ClientId, ServiceId
from ddgov.exchange.models import (
    AccessGrant,
    DataAgreement,
    Member,
    MessageRecord,
    Service,
    Subsystem,
)
from ddgov.exchange.selectors.monitoring import UNREGISTERED
from ddgov.exchange.selectors.registry import (
    agreements_for_service,
    grants_for_service,
    service_get,
    service_identifier,
    subsystem_get,
    subsystem_identifier,
    subsystems_for_agencies,
)
from ddgov.identity.models import Role, User
from ddgov.identity.selectors import user_agencies, user_has_role
from ddgov.identity.services import AccessDenied

PAGE_SIZE = 50


# --- who is reading -----------------------------------------------------------------------


@dataclass(frozen=True)
class StaffScope:
    """A staff reader and the agencies whose exchange records they may see.

    ``agency_ids`` is None for platform admins, who see every agency's records.
    """

    user: User
    agency_ids: frozenset[int] | None

    def sees_agency(self, agency_id: int) -> bool:
        """Whether records of ``agency_id`` are the reader's to see."""
        return self.agency_ids is None or agency_id in self.agency_ids

    @property
    def agency_id_list(self) -> list[int] | None:
        """``agency_ids`` as the selectors take it."""
        return None if self.agency_ids is None else sorted(self.agency_ids)


def staff_scope(request: HttpRequest) -> StaffScope:
    """The signed-in staff member and their agencies; refuse (and audit) everyone else.

    Citizens and staff without any agency membership may not see the exchange's back office.
    """
    user = request.user
    if isinstance(user, User) and user.is_government_staff:
        if user.is_platform_admin:
            return StaffScope(user=user, agency_ids=None)
        ids = frozenset(user_agencies(user=user).values_list("pk", flat=True))
        if ids:
            return StaffScope(user=user, agency_ids=ids)
    audit_record_append(
        action="exchange.staff.read",
        actor=user,
        target_type="exchange",
        target_id=request.path[:200],
        outcome=AuditRecord.Outcome.DENIED,
    )
    raise AccessDenied(
        _(
            "Only staff of an agency on the exchange can see this page. / "
            "เฉพาะเจ้าหน้าที่ของหน่วยงานเท่านั้นที่เข้าถึงหน้านี้ได้"
        )
    )


def may_manage(*, scope: StaffScope, agency: Agency) -> bool:
    """Whether the reader may change ``agency``'s grants and credentials (steward or admin)."""
    return user_has_role(user=scope.user, agency=agency, at_least=Role.DATA_STEWARD)


# --- looking things up by their identifiers -------------------------------------------------


def service_or_404(*, member: str, subsystem: str, code: str) -> Service:
    """The service ``TH/GOV/<member>/<subsystem>/<code>``, or 404."""
    service = service_get(
        service_id=ServiceId(member=member, subsystem=subsystem, service=code),
        include_inactive=True,
    )
    if service is None:
        raise Http404(code)
    return service


def subsystem_or_404(*, member: str, subsystem: str) -> Subsystem:
    """The subsystem ``TH/GOV/<member>/<subsystem>``, or 404."""
    found = subsystem_get(
        client_id=ClientId(member=member, subsystem=subsystem), include_inactive=True
    )
    if found is None:
        raise Http404(subsystem)
    return found


def client_id_of(subsystem: Subsystem) -> str:
    """``TH/GOV/<member>/<subsystem>``."""
    return str(subsystem_identifier(subsystem=subsystem))


def service_id_of(service: Service) -> str:
    """``TH/GOV/<member>/<subsystem>/<service>``."""
    return str(service_identifier(service=service))


# --- rows for the templates -------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceRow:
    """One service as the lists show it."""

    service: Service
    id: str
    member: str
    subsystem: str
    code: str
    title: str
    provider_agency: str
    provider_system: str
    kind: str
    personal_data: bool
    mine: bool


def service_rows(*, services: Iterable[Service], scope: StaffScope) -> list[ServiceRow]:
    """Services with their identifier, title and provider in the reader's language."""
    rows = []
    for service in services:
        sub = service.subsystem
        rows.append(
            ServiceRow(
                service=service,
                id=service_id_of(service),
                member=sub.member.code,
                subsystem=sub.code,
                code=service.code,
                title=localized(service.title_th, service.title_en),
                provider_agency=sub.member.agency.name,
                provider_system=localized(sub.name_th, sub.name_en) or sub.code,
                kind=service.get_kind_display(),
                personal_data=service.personal_data,
                mine=scope.sees_agency(sub.member.agency_id),
            )
        )
    return rows


@dataclass(frozen=True)
class Operation:
    """One method and path of a service's OpenAPI document."""

    method: str
    path: str
    summary: str


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def openapi_operations(document: object) -> list[Operation]:
    """The operations an OpenAPI 3 document declares, in document order (bad shapes skipped)."""
    if not isinstance(document, dict):
        return []
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return []
    found = []
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                summary = operation.get("summary") or operation.get("operationId") or ""
                found.append(Operation(method.upper(), str(path), str(summary)))
    return found


@dataclass(frozen=True)
class GrantRow:
    """An active grant on a service, with its consumer and purposes."""

    grant: AccessGrant
    client_id: str
    consumer_agency: str
    consumer_system: str
    purposes: list[tuple[str, str]]
    lawful_basis: str
    rate_per_minute: int | None


def service_grants(*, service: Service, scope: StaffScope, provider: bool) -> list[GrantRow]:
    """Active grants on ``service``: all of them for its provider, else the reader's own."""
    rows = []
    for grant in grants_for_service(service=service):
        client = grant.client
        if not provider and not scope.sees_agency(client.member.agency_id):
            continue
        rows.append(
            GrantRow(
                grant=grant,
                client_id=client_id_of(client),
                consumer_agency=client.member.agency.name,
                consumer_system=localized(client.name_th, client.name_en) or client.code,
                purposes=[(p.code, localized(p.name_th, p.name_en)) for p in grant.purposes.all()],
                lawful_basis=grant.get_lawful_basis_display() if grant.lawful_basis else "",
                rate_per_minute=grant.rate_per_minute,
            )
        )
    return rows


@dataclass(frozen=True)
class AgreementRow:
    """An active data agreement on a service."""

    agreement: DataAgreement
    client_id: str
    consumer_agency: str
    purpose_code: str
    purpose: str
    lawful_basis: str
    version: int
    text: str
    revision_hash: str
    given: int


def service_agreements(
    *, service: Service, scope: StaffScope, provider: bool
) -> list[AgreementRow]:
    """Active data agreements on ``service`` (the provider's all, a consumer's own)."""
    rows = []
    for agreement in agreements_for_service(service=service):
        client = agreement.client
        if not provider and not scope.sees_agency(client.member.agency_id):
            continue
        given = agreement.consents.filter(
            state="given", agreement_revision_hash=agreement.revision_hash
        ).count()
        rows.append(
            AgreementRow(
                agreement=agreement,
                client_id=client_id_of(client),
                consumer_agency=client.member.agency.name,
                purpose_code=agreement.purpose.code,
                purpose=localized(agreement.purpose.name_th, agreement.purpose.name_en),
                lawful_basis=agreement.get_lawful_basis_display(),
                version=agreement.version,
                text=localized(agreement.text_th, agreement.text_en),
                revision_hash=agreement.revision_hash,
                given=given,
            )
        )
    return rows


def subsystems_by_member(*, scope: StaffScope) -> list[tuple[Member, list[Subsystem]]]:
    """The reader's agencies' members, each with its subsystems (active or not)."""
    grouped: dict[int, tuple[Member, list[Subsystem]]] = {}
    for sub in subsystems_for_agencies(agency_ids=scope.agency_id_list):
        grouped.setdefault(sub.member_id, (sub.member, []))[1].append(sub)
    return list(grouped.values())


def grants_held(*, subsystem: Subsystem) -> list[AccessGrant]:
    """The active grants ``subsystem`` holds as a consumer, with services and purposes."""
    return list(
        AccessGrant.objects.filter(client=subsystem, revoked_at__isnull=True)
        .select_related("service__subsystem__member__agency")
        .prefetch_related("purposes")
        .order_by("service__subsystem__member__code", "service__subsystem__code", "service__code")
    )


def grant_active_or_404(*, pk: int) -> AccessGrant:
    """The active grant ``pk`` with its service's provider loaded, or 404."""
    grant = (
        AccessGrant.objects.select_related("service__subsystem__member__agency", "client__member")
        .filter(pk=pk, revoked_at__isnull=True)
        .first()
    )
    if grant is None:
        raise Http404(str(pk))
    return grant


def client_choices(*, clients: Iterable[Subsystem]) -> list[tuple[str, str]]:
    """(client id, label) pairs for a consumer select."""
    choices = []
    for sub in clients:
        ident = client_id_of(sub)
        name = localized(sub.name_th, sub.name_en)
        label = f"{ident} · {sub.member.agency.name}" + (f" · {name}" if name else "")
        choices.append((ident, label))
    return choices


@dataclass(frozen=True)
class StatsRow:
    """One service's traffic in the monitoring window, titled in the reader's language."""

    stats: Any
    title: str
    link: tuple[str, str, str] | None


def stats_rows(stats: Iterable[Any]) -> list[StatsRow]:
    """Part B's ``ServiceStats`` with a title for the reader and the service page's URL parts.

    The platform admin's aggregated row of unregistered service ids gets a title and no link.
    """
    rows = []
    for s in stats:
        if s.service_id == UNREGISTERED:
            rows.append(StatsRow(stats=s, title=_("Unregistered service ids"), link=None))
            continue
        ident = ServiceId.parse(s.service_id)
        link = (ident.member, ident.subsystem, ident.service) if ident else None
        rows.append(StatsRow(stats=s, title=localized(s.title_th, s.title_en), link=link))
    return rows


# One digit of an ID: any decimal digit (ASCII, Thai U+0E50-U+0E59, …) or a Thai digit still
# percent-encoded (a path the gateway could not decode is logged as sent).
_ID_DIGIT = r"(?:\d|%[Ee]0%[Bb]9%9\d)"
# What people put between the digit groups (1-2345-67890-12-1), as identity.thaiid strips.
_ID_SEPARATOR = r"(?:[\s\-\u2010-\u2015.]|%20|%2[Dd])"
CITIZEN_ID_RE = re.compile(
    rf"(?:(?<![\d%])|(?<=%20)|(?<=%2[Dd])){_ID_DIGIT}(?:{_ID_SEPARATOR}?{_ID_DIGIT}){{12}}"
    rf"(?!{_ID_DIGIT})"
)
"""Thirteen digits in any script, optionally grouped, not part of a longer number."""
MASK = "•" * 13
SUBJECT_MASK_MIN = 5  # shorter "subjects" (junk in old records) would mask random characters


def citizen_ids_mask(text: str) -> str:
    """``text`` with every 13-digit ID (ASCII or Thai digits, plain or grouped) masked."""
    return CITIZEN_ID_RE.sub(MASK, text) if text else text


@dataclass(frozen=True)
class LogRow:
    """A message record for the log browser, its path with citizen IDs masked."""

    record: MessageRecord
    path: str
    subjects: int
    purpose: str = ""


def log_rows(records: Iterable[MessageRecord]) -> list[LogRow]:
    """Records with citizen IDs in their path and purpose masked: staff see evidence, not people.

    The record's own subjects are masked wherever they appear, and any other 13-digit ID
    (:data:`CITIZEN_ID_RE`: ASCII or Thai digits, plain, grouped or percent-encoded) too.
    """
    rows = []
    for record in records:
        path = record.path
        subjects = record.subjects if isinstance(record.subjects, list) else []
        for subject in subjects:
            if len(str(subject)) >= SUBJECT_MASK_MIN:
                path = path.replace(str(subject), MASK)
        rows.append(
            LogRow(
                record=record,
                path=citizen_ids_mask(path),
                subjects=len(subjects),
                purpose=citizen_ids_mask(record.purpose),
            )
        )
    return rows


# --- the citizen's tracker ------------------------------------------------------------------


@dataclass(frozen=True)
class AccessRow:
    """One exchange that concerned the citizen, in the reader's language."""

    at: dt.datetime
    request_id: str
    consumer_agency: str
    consumer_system: str
    provider_agency: str
    service_title: str
    purpose_code: str
    purpose: str
    status: int
    refused: bool
    purpose_unknown: bool = False


def _purpose_label(access: Any) -> str:
    """The purpose's name; "unknown purpose" for a code no purpose defines (never the raw code)."""
    if getattr(access, "purpose_unknown", False):
        return _("Unknown purpose")
    return localized(access.purpose_th, access.purpose_en)


def access_rows(accesses: Iterable[Any]) -> list[AccessRow]:
    """Part B's ``DataAccess`` tuples with names picked for the reader."""
    return [
        AccessRow(
            at=a.at,
            request_id=a.request_id,
            consumer_agency=localized(a.consumer_agency_th, a.consumer_agency_en),
            consumer_system=localized(a.consumer_system_th, a.consumer_system_en),
            provider_agency=localized(a.provider_agency_th, a.provider_agency_en),
            service_title=localized(a.service_title_th, a.service_title_en),
            purpose_code=a.purpose_code,
            purpose=_purpose_label(a),
            status=a.status,
            refused=bool(a.refused),
            purpose_unknown=bool(getattr(a, "purpose_unknown", False)),
        )
        for a in accesses
    ]


# --- paging -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of a list read with ``limit = size + 1`` (the extra row says there is more)."""

    number: int
    items: Sequence[Any]
    has_next: bool
    total: int | None = None

    @property
    def has_previous(self) -> bool:
        """Whether there is a page before this one."""
        return self.number > 1

    @property
    def previous_number(self) -> int:
        """The previous page's number."""
        return self.number - 1

    @property
    def next_number(self) -> int:
        """The next page's number."""
        return self.number + 1


def page_number(request: HttpRequest) -> int:
    """The ``page`` query parameter (1 when absent or nonsense, capped against abuse)."""
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return min(max(number, 1), 10_000)


def page_of(
    items: Sequence[Any], *, number: int, size: int = PAGE_SIZE, total: int | None = None
) -> Page:
    """Cut the extra look-ahead row off ``items``."""
    return Page(number=number, items=items[:size], has_next=len(items) > size, total=total)


def query_without_page(request: HttpRequest) -> str:
    """The current query string without ``page`` (for the pager's links)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
