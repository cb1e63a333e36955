"""The demo consumer apps' recent history on the exchange, as real calls and message-log evidence.

The welfare registration app (``DSDW/welfare-app``) processed applications over the past 30
days: for each applicant it looked the person up in the civil registry, the farmer registry and
the insured vehicles, and asked the Revenue Department for their income, which needs the
applicant's consent. The Comptroller General's payments (``CGD/payments``) checked some payees
in the civil registry before paying them. A few calls were refused, as they would be: the
payments system asking for income it holds no grant for, a lookup with a purpose the grant
does not list, income without consent.

Every call that was not refused really runs here: :func:`dataset_service_call` answers it from
the lake through the analytics engine, exactly as for the gateway, and its status, response
digest and duration go into the :class:`~ddgov.exchange.messagelog.entry.LogEntry`; refused
calls get the gateway's own refusal (:mod:`ddgov.exchange.gateway.refusals`) and error body.
Calls planned in the past carry their planned time; the consent-based income calls run *now*,
after the citizens' consent was recorded, so the log, the consent history and the citizen's
tracker tell one consistent story.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.utils import timezone

from ddgov.exchange import errors
from ddgov.exchange.demo.members import ELIGIBILITY, PAYMENT, PAYMENTS, WELFARE_APP, DemoExchange
from ddgov.exchange.gateway import refusals
from ddgov.exchange.messagelog.entry import EMPTY_DIGEST, LogEntry, body_digest
from ddgov.exchange.models import Service, Subsystem
from ddgov.exchange.selectors.registry import service_identifier, subsystem_identifier
from ddgov.exchange.services.dataset import dataset_service_call

DAYS = 30
STREAM = "demo-seed/exchange"
"""The message-log stream the seeded history is written to (the gateway's are ``<node>/<pid>-…``)."""


@dataclass(frozen=True)
class DemoCall:
    """One planned call: when (None: now), who, what, why, about whom, refused or not."""

    at: dt.datetime | None
    consumer: str
    service: str
    purpose: str
    citizen_id: str
    refusal: errors.ExchangeRefusal | None = None


def _service_id(service: Service) -> str:
    return str(service_identifier(service=service))


def _client_id(subsystem: Subsystem) -> str:
    return str(subsystem_identifier(subsystem=subsystem))


def history_plan(
    *,
    rng: random.Random,
    now: dt.datetime,
    applicants: Sequence[str],
    consenting: Collection[str],
    demo: DemoExchange,
) -> list[DemoCall]:
    """The past month's calls, in time order (the consent-based income calls are not in it).

    Each applicant's application is checked in one go (person, farm, vehicles a quarter of a
    second apart); applicants who did not consent get their income call refused. About half
    of the applications were approved and paid a week or two later, after a payee check.
    """
    calls: list[DemoCall] = []
    checks = [s for s in ("person", "farmer", "vehicles") if s in demo.services]
    for citizen_id in applicants:
        applied = now - dt.timedelta(days=rng.uniform(0.1, DAYS))
        local = timezone.localtime(applied)  # office hours where the app runs (Asia/Bangkok)
        applied = local.replace(hour=rng.randrange(8, 17), minute=rng.randrange(60))
        applied = min(applied, now - dt.timedelta(minutes=rng.uniform(30, 90)))
        for k, short in enumerate(checks):
            at = applied + dt.timedelta(milliseconds=250 * k)
            calls.append(DemoCall(at, WELFARE_APP, short, ELIGIBILITY, citizen_id))
        if "income" in demo.services and citizen_id not in consenting:
            at = applied + dt.timedelta(milliseconds=250 * len(checks))
            refused = refusals.consent_required()
            calls.append(DemoCall(at, WELFARE_APP, "income", ELIGIBILITY, citizen_id, refused))
        paid = applied + dt.timedelta(days=rng.uniform(7, 14))
        if "person" in demo.services and paid < now and rng.random() < 0.5:
            calls.append(DemoCall(paid, PAYMENTS, "person", PAYMENT, citizen_id))
    strays = list(applicants[: max(1, len(applicants) // 20)])
    for citizen_id in strays:
        at = now - dt.timedelta(seconds=rng.uniform(3600, DAYS * 86400))
        if "income" in demo.services:
            refused = refusals.access_denied()  # the payments system holds no income grant
            calls.append(DemoCall(at, PAYMENTS, "income", PAYMENT, citizen_id, refused))
        if "farmer" in demo.services:
            late = at + dt.timedelta(minutes=5)
            refused = refusals.purpose_not_allowed(PAYMENT)  # not a purpose of that grant
            calls.append(DemoCall(late, WELFARE_APP, "farmer", PAYMENT, citizen_id, refused))
    calls.sort(key=lambda c: c.at or now)
    return calls


def call_run(*, call: DemoCall, demo: DemoExchange, rng: random.Random) -> LogEntry:
    """Make the call (or refuse it) and describe it as the gateway would for the message log."""
    service = demo.services[call.service]
    consumer = demo.consumers[call.consumer]
    request_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    at = call.at or timezone.now()
    refusal = call.refusal
    started = time.perf_counter()
    if refusal is None:
        try:
            answer = dataset_service_call(
                service=service, key=call.citizen_id, consumer=consumer, purpose=call.purpose
            )
            status, body, error = answer.status, answer.body, ""
        except errors.ExchangeRefusal as exc:
            refusal = exc
    if refusal is not None:
        status, error = refusal.status, refusal.code
        body = json.dumps(  # the gateway's error body, byte for byte
            refusal.as_json(request_id=request_id), ensure_ascii=False, separators=(",", ":")
        ).encode()
    duration = (time.perf_counter() - started) * 1000
    return LogEntry(
        at=at,
        request_id=request_id,
        client_id=_client_id(consumer),
        service_id=_service_id(service),
        method="GET",
        path=f"/records/{call.citizen_id}",
        purpose=call.purpose,
        subjects=(call.citizen_id,),
        request_digest=EMPTY_DIGEST,
        response_digest=body_digest(body),
        status=status,
        error=error,
        duration_ms=round(duration, 3),
    )
