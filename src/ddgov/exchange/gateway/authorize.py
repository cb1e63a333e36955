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
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from ddgov.exchange.errors import ExchangeRefusal
from ddgov.exchange.gateway import queries, refusals
from ddgov.exchange.gateway.paths import (
    CompiledPaths,
    compiled_paths_cached,
    compiled_paths_store,
)
from ddgov.exchange.gateway.queries import ServiceRow
from ddgov.exchange.ids import ClientId, ServiceId
from ddgov.exchange.models import LawfulBasis, Service
from ddgov.identity.thaiid import thai_id_check_digit, thai_id_normalize

MAX_TOKEN_CHARS = 1024
MAX_SUBJECTS = 100
# A purpose code as the registry defines them (ids.CODE_RE), matched whole.
PURPOSE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


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


def verified_client(found: tuple[int, str, str] | None) -> str:
    """The client identifier the message log records: the token's subsystem, "" without a token.

    Never the ``X-Road-Client`` header as sent: a caller could otherwise have its calls (or its
    junk) recorded under another agency's name. When the header names another subsystem than
    the token's, the call is refused and logged under the token's subsystem.
    """
    if found is None:
        return ""
    return str(ClientId(member=found[1], subsystem=found[2]))


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


def caller_authenticate(*, token: str, client_header: str) -> tuple[str, Caller | ExchangeRefusal]:
    """Rule 2: the token's subsystem, and the ``X-Road-Client`` header naming that subsystem.

    Returns the client identifier to log (:func:`verified_client`) and the caller or refusal.
    """
    checksum = _checksum(token)
    found = queries.token_subsystem(checksum=checksum, now=datetime.now(UTC)) if checksum else None
    return verified_client(found), _caller_check(found, client_header)


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


@dataclass(frozen=True)
class Subjects:
    """The citizens a call concerns, read from the matched path and the query string."""

    ids: tuple[str, ...]  # normalised 13-digit citizen IDs, in order, without repeats
    malformed: bool  # a value is no valid citizen ID, or more than MAX_SUBJECTS are given
    path_id: str = ""  # the path parameter's ID, normalised ("" when none or malformed)


NO_SUBJECTS = Subjects(ids=(), malformed=False)


def _query_values(name: str, query_string: str) -> list[str]:
    """Every value of ``name`` in the query, read as leniently as any provider might read it.

    Names and values are percent-decoded (``?%63id=`` is ``cid``); raw UTF-8 bytes count as
    UTF-8 (the server hands the query over as Latin-1 text); and when the query contains ``;``
    it is also read with ``;`` as a separator, so a parameter hidden behind one is seen too.
    """
    text = query_string
    if not text.isascii():
        text = text.encode("latin-1", "replace").decode("utf-8", "replace")
    values = parse_qs(text).get(name, [])
    if ";" in text:
        values += parse_qs(text.replace(";", "&")).get(name, [])
    return values


def _citizen_id(value: str) -> str:
    """``value`` as 13 plain digits (Thai digits, dashes, spaces allowed); "" when invalid.

    The usual case, 13 plain digits already, is checked inline; every other spelling goes
    through :func:`thai_id_normalize`, the cleaner consent is given with.
    """
    if len(value) == 13 and value.isascii() and value.isdigit():
        valid = value[0] not in "09" and thai_id_check_digit(value[:12]) == int(value[12])
        return value if valid else ""
    try:
        return thai_id_normalize(value)
    except ValidationError:
        return ""


def subjects_read(*, subject_param: str, path_params: Mapping[str, str], query: str) -> Subjects:
    """The citizen IDs in ``subject_param``'s path value and query values (gateway rule 6).

    Every value is normalised the way consent is given (:func:`thai_id_normalize`), so the log
    and the consent check see the same 13 digits whichever way the caller wrote them. A value
    that is not a valid citizen ID, or more than ``MAX_SUBJECTS`` values, mark the call
    ``malformed``; blank values name nobody.
    """
    if not subject_param:
        return NO_SUBJECTS
    values: list[str] = []
    path_value = path_params.get(subject_param)
    if path_value is not None:
        values.append(path_value)
    if query:
        values += _query_values(subject_param, query)
    distinct = [v for v in dict.fromkeys(v.strip() for v in values) if v]
    malformed = len(distinct) > MAX_SUBJECTS
    normalised = {value: _citizen_id(value) for value in distinct[:MAX_SUBJECTS]}
    malformed = malformed or not all(normalised.values())
    ids = tuple(dict.fromkeys(v for v in normalised.values() if v))
    path_id = normalised.get(path_value.strip(), "") if path_value else ""
    return Subjects(ids=ids, malformed=malformed, path_id=path_id)


def _dataset_key(service: ServiceRow, params: Mapping[str, str], subjects: Subjects) -> str:
    """The lookup key of a dataset-backed call: the key column's path value.

    When that value is the citizen ID the call concerns, the normalised ID is looked up: the
    one the message log records and consent was checked for.
    """
    for name in (service.key_column, service.subject_param):
        if name and params.get(name):
            if name == service.subject_param and subjects.path_id:
                return subjects.path_id
            return params[name]
    return next(iter(params.values()), "")


def _subjects_check(
    *, service: ServiceRow, read: Subjects, lawful_basis: str, caller: Caller, purpose: str
) -> ExchangeRefusal | None:
    """Rule 6 for a personal-data service.

    Every citizen must be named by a valid ID, whatever the lawful basis: the log and the
    citizen's tracker must know whom the call concerns. On the basis of consent each of them
    must have consented, checked on every call; a grant without a recorded basis is treated as
    consent-based (the strictest reading).
    """
    if read.malformed:
        return refusals.subject_malformed(service.subject_param, MAX_SUBJECTS)
    if lawful_basis not in {LawfulBasis.CONSENT, ""}:
        return None
    if not read.ids:
        return refusals.subject_required(
            service.subject_param or service.key_column or "citizen_id"
        )
    consenting = queries.consenting_citizens(
        citizen_ids=read.ids, service_pk=service.pk, client_pk=caller.subsystem_pk, purpose=purpose
    )
    return refusals.consent_required() if len(consenting) != len(read.ids) else None


def call_authorize(*, request: CallRequest) -> CallDecision:  # noqa: PLR0911 - one exit per gateway rule
    """Apply gateway rules 1-6 to one call (rate limits and sizes are the event loop's job)."""
    sid = request.service_id
    # One round trip: the service, the token's subsystem and that subsystem's grant.
    rows = queries.call_rows(
        member=sid.member,
        subsystem=sid.subsystem,
        code=sid.service,
        checksum=_checksum(request.token),
        now=datetime.now(UTC),
    )
    # Rule 1: the target service, with its provider subsystem and member active. Nobody is
    # authenticated yet, so the log names no client.
    if rows is None:
        return CallDecision(client_id="", subjects=(), refusal=refusals.unknown_service(str(sid)))
    service = rows.service
    pk = service.pk

    # Rule 2: who is calling. From here on the log names the token's subsystem.
    client_id = verified_client(rows.caller)
    caller = _caller_check(rows.caller, request.client_header)
    if isinstance(caller, ExchangeRefusal):
        return CallDecision(client_id=client_id, subjects=(), refusal=caller)

    # Rule 3: an operation of the service's OpenAPI document.
    found = _compiled(pk, service.revision).match(method=request.method, path=request.path)
    if found is None or not found.method_allowed:
        return CallDecision(
            client_id=client_id,
            subjects=(),
            refusal=refusals.unknown_method(request.method, request.path),
        )
    subject_param = service.subject_param
    read = subjects_read(
        subject_param=subject_param, path_params=found.params, query=request.query_string
    )
    subjects = read.ids

    def refused(refusal: ExchangeRefusal) -> CallDecision:
        return CallDecision(client_id=client_id, subjects=subjects, refusal=refusal)

    # Rule 4: an active grant for this consumer.
    grant = rows.grant
    if grant is None:
        return refused(refusals.access_denied())
    rate = grant.rate_per_minute or settings.DDGOV_EXCHANGE_RATE_PER_MINUTE

    # Rule 5: a well-formed purpose code the grant covers.
    purpose = request.purpose.strip()
    if not purpose:
        return refused(refusals.purpose_required())
    if not PURPOSE_RE.fullmatch(purpose):
        return refused(refusals.purpose_malformed())
    if purpose not in grant.purposes:
        return refused(refusals.purpose_not_allowed(purpose))

    # Rule 6: the citizens concerned, and their consent.
    if service.personal_data:
        refusal = _subjects_check(
            service=service,
            read=read,
            lawful_basis=grant.lawful_basis,
            caller=caller,
            purpose=purpose,
        )
        if refusal is not None:
            return refused(refusal)

    dataset_key = ""
    if service.kind == Service.Kind.DATASET:
        dataset_key = _dataset_key(service, found.params, read)
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
