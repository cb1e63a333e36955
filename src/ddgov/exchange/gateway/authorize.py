"""Everything the gateway needs from the database for one call, in one synchronous pass.

The gateway runs :func:`call_authorize` once per call on its database thread pool (never on the
event loop): it resolves the target service, authenticates the caller's token, matches the
operation, checks the grant, the purpose and (for consent-based personal data) the citizen's
consent, in the order of the gateway rules, and returns either a :class:`CallPlan` to execute
or the :class:`~ddgov.exchange.errors.ExchangeRefusal` to answer with. Nothing is cached between
calls except compiled path templates, so a revoked token, grant or consent takes effect on the
very next call.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from ddgov.exchange.errors import ExchangeRefusal
from ddgov.exchange.gateway import queries, refusals
from ddgov.exchange.gateway.paths import (
    CompiledPaths,
    compiled_paths_cached,
    compiled_paths_store,
)
from ddgov.exchange.ids import ClientId, ServiceId
from ddgov.exchange.models import LawfulBasis, Service

MAX_TOKEN_CHARS = 1024
MAX_SUBJECTS = 100
CITIZEN_ID_MAX = 13


@dataclass(frozen=True)
class CallRequest:
    """What the gateway read from the HTTP request (no body: authorization never needs it)."""

    service_id: ServiceId
    method: str
    path: str  # decoded, after the service identifier, starting with "/"
    query_string: str
    token: str  # the bearer token, "" when none was sent
    client_header: str  # X-Road-Client as sent
    purpose: str  # X-Purpose as sent


@dataclass(frozen=True)
class Caller:
    """The authenticated consumer subsystem."""

    subsystem_pk: int
    client_id: ClientId


@dataclass(frozen=True)
class CallPlan:
    """An authorized call, ready to execute."""

    service_pk: int
    kind: str
    base_url: str
    timeout_ms: int
    caller_pk: int
    rate_per_minute: int
    dataset_key: str
    provider_url_allowed: bool


@dataclass(frozen=True)
class CallDecision:
    """The outcome: a plan or a refusal, plus what the message log records either way."""

    client_id: str
    subjects: tuple[str, ...]
    plan: CallPlan | None = None
    refusal: ExchangeRefusal | None = None


def claimed_client(header: str) -> str:
    """The client identifier as the caller claimed it, normalised when it parses (for the log)."""
    parsed = ClientId.parse(header) if header else None
    if parsed is not None:
        return str(parsed)
    return header.strip()[:200]


def _checksum(token: str) -> str:
    """DOT's lookup key of a token (SHA-256); one that cannot be a token matches nothing."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return ""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def _caller_check(
    found: tuple[int, str, str] | None, client_header: str
) -> Caller | ExchangeRefusal:
    """Rule 2 on the token's subsystem (None: no valid token) and the ``X-Road-Client`` header."""
    if found is None:
        return refusals.unauthenticated()
    subsystem_pk, member_code, subsystem_code = found
    claimed = ClientId.parse(client_header) if client_header else None
    if claimed is None:
        return refusals.client_header_missing()
    if claimed.member != member_code or claimed.subsystem != subsystem_code:
        return refusals.client_mismatch()
    return Caller(subsystem_pk=subsystem_pk, client_id=claimed)


def caller_authenticate(*, token: str, client_header: str) -> Caller | ExchangeRefusal:
    """Rule 2: the token's subsystem, and the ``X-Road-Client`` header naming that subsystem."""
    checksum = _checksum(token)
    found = queries.token_subsystem(checksum=checksum, now=datetime.now(UTC)) if checksum else None
    return _caller_check(found, client_header)


def provider_url_allowed(base_url: str) -> bool:
    """Rule 9: https, or plain http to loopback when ``DDGOV_EXCHANGE_ALLOW_HTTP_LOOPBACK``."""
    try:
        parts = urlsplit(base_url)
        host = parts.hostname or ""
    except ValueError:
        return False
    if not host or parts.scheme not in {"http", "https"}:
        return False
    if parts.scheme == "https":
        return True
    return bool(settings.DDGOV_EXCHANGE_ALLOW_HTTP_LOOPBACK) and _is_loopback(host)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _compiled(service_pk: int, revision: str) -> CompiledPaths:
    compiled = compiled_paths_cached(service_pk=service_pk, revision=revision)
    if compiled is None:
        document = Service.objects.filter(pk=service_pk).values_list("openapi", flat=True).first()
        compiled = compiled_paths_store(service_pk=service_pk, revision=revision, openapi=document)
    return compiled


def _subject_values(subject_param: str, params: dict[str, str], query_string: str) -> list[str]:
    if not subject_param:
        return []
    if subject_param in params:
        values = [params[subject_param]]
    elif query_string and subject_param in query_string:
        values = parse_qs(query_string, keep_blank_values=False).get(subject_param, [])
    else:
        values = []
    seen: dict[str, None] = {}
    for value in values[: MAX_SUBJECTS * 2]:
        cleaned = value.strip()
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)[:MAX_SUBJECTS]


def call_authorize(*, request: CallRequest) -> CallDecision:  # noqa: PLR0911 - one exit per gateway rule
    """Apply gateway rules 1-6 to one call (rate limits and sizes are the event loop's job)."""
    client_log = claimed_client(request.client_header)
    sid = request.service_id
    # One round trip: the service, the token's subsystem and that subsystem's grant.
    rows = queries.call_rows(
        member=sid.member,
        subsystem=sid.subsystem,
        code=sid.service,
        checksum=_checksum(request.token),
        now=datetime.now(UTC),
    )
    # Rule 1: the target service, with its provider subsystem and member active.
    if rows is None:
        return CallDecision(
            client_id=client_log, subjects=(), refusal=refusals.unknown_service(str(sid))
        )
    service = rows.service
    pk = service.pk

    # Rule 2: who is calling.
    caller = _caller_check(rows.caller, request.client_header)
    if isinstance(caller, ExchangeRefusal):
        return CallDecision(client_id=client_log, subjects=(), refusal=caller)
    client_id = str(caller.client_id)

    # Rule 3: an operation of the service's OpenAPI document.
    found = _compiled(pk, service.revision).match(method=request.method, path=request.path)
    if found is None or not found.method_allowed:
        return CallDecision(
            client_id=client_id,
            subjects=(),
            refusal=refusals.unknown_method(request.method, request.path),
        )
    subject_param = service.subject_param
    raw_subjects = _subject_values(subject_param, dict(found.params), request.query_string)
    subjects = tuple(s for s in raw_subjects if len(s) <= CITIZEN_ID_MAX)

    def refused(refusal: ExchangeRefusal) -> CallDecision:
        return CallDecision(client_id=client_id, subjects=subjects, refusal=refusal)

    # Rule 4: an active grant for this consumer.
    grant = rows.grant
    if grant is None:
        return refused(refusals.access_denied())
    lawful_basis = grant.lawful_basis
    rate = grant.rate_per_minute or settings.DDGOV_EXCHANGE_RATE_PER_MINUTE
    purposes = grant.purposes

    # Rule 5: a purpose the grant covers.
    purpose = request.purpose.strip()
    if not purpose:
        return refused(refusals.purpose_required())
    if purpose not in purposes:
        return refused(refusals.purpose_not_allowed(purpose))

    # Rule 6: consent of every citizen concerned, on every call. A personal-data grant
    # without a recorded basis is treated as consent-based: the strictest reading.
    key_column = service.key_column
    if service.personal_data and lawful_basis in {LawfulBasis.CONSENT, ""}:
        if not raw_subjects:
            return refused(refusals.subject_required(subject_param or key_column or "citizen_id"))
        if len(subjects) != len(raw_subjects):
            return refused(refusals.consent_required())
        consenting = queries.consenting_citizens(
            citizen_ids=subjects, service_pk=pk, client_pk=caller.subsystem_pk, purpose=purpose
        )
        if len(consenting) != len(subjects):
            return refused(refusals.consent_required())

    dataset_key = ""
    if service.kind == Service.Kind.DATASET:
        dataset_key = found.params.get(key_column) or found.params.get(subject_param) or ""
        if not dataset_key and found.params:
            dataset_key = next(iter(found.params.values()))
    return CallDecision(
        client_id=client_id,
        subjects=subjects,
        plan=CallPlan(
            service_pk=pk,
            kind=service.kind,
            base_url=service.base_url,
            timeout_ms=int(service.timeout_ms or settings.DDGOV_EXCHANGE_TIMEOUT_MS),
            caller_pk=caller.subsystem_pk,
            rate_per_minute=int(rate),
            dataset_key=dataset_key,
            provider_url_allowed=(
                service.kind != Service.Kind.EXTERNAL or provider_url_allowed(service.base_url)
            ),
        ),
    )
