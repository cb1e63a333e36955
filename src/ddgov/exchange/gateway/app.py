"""The exchange gateway: a lean raw ASGI application serving ``/x/…``.

``ddgov.asgi`` routes every HTTP path under ``/x/`` here, before (and without) Django's
middleware. Per call the gateway reads the request head, reads the body up to the size limit,
makes exactly one hop to its database thread pool (:func:`~.authorize.call_authorize`: service,
token, operation, grant, purpose, consent), applies the rate limit on the event loop, then
forwards the call: over aiohttp to an external provider, or to
:func:`~ddgov.exchange.services.dataset.dataset_service_call` on a second small pool for a
dataset-backed service. Every call under ``/x/r1/``, refused or not, is handed to the
process's message-log writer as a :class:`~ddgov.exchange.messagelog.entry.LogEntry` before
its answer is sent; when the writer is unhealthy the gateway answers ``503
Server.LogUnavailable`` and forwards nothing (no logging, no exchange).

Every answer carries ``X-Road-Request-Id``; answers the exchange itself produced because it
refused or failed a call also carry ``X-Road-Error`` and the bilingual JSON error body.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from django.conf import settings
from django.db import close_old_connections, connection, connections

from ddgov.exchange.errors import ExchangeRefusal
from ddgov.exchange.gateway import refusals
from ddgov.exchange.gateway.authorize import (
    CallDecision,
    CallPlan,
    CallRequest,
    call_authorize,
)
from ddgov.exchange.gateway.directory import (
    RESERVED_CODES,
    DirectoryAnswer,
    clients_body,
    directory_answer,
    json_bytes,
)
from ddgov.exchange.gateway.forward import PASSED_REQUEST_HEADERS, Forwarder, provider_url
from ddgov.exchange.gateway.hosts import host_allowed, request_host
from ddgov.exchange.gateway.openapi import exchange_openapi_bytes
from ddgov.exchange.gateway.paths import split_path
from ddgov.exchange.gateway.ratelimit import TokenBuckets, retry_after_header
from ddgov.exchange.ids import ClientId, ServiceId
from ddgov.exchange.messagelog.entry import EMPTY_DIGEST, LogEntry
from ddgov.exchange.messagelog.writer import LogWriter, log_writer
from ddgov.exchange.models import Service, Subsystem

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

R1_PREFIX = "/x/r1/"
LIST_CLIENTS_PATH = "/x/listClients"
OPENAPI_PATH = "/x/openapi.json"
DB_THREADS_DEFAULT = 8
DATASET_THREADS = 2
JSON_CONTENT_TYPE = b"application/json; charset=utf-8"
WWW_AUTHENTICATE = b'Bearer realm="ddgov-exchange"'
_FIELD_LIMITS = {"client_id": 200, "service_id": 260, "path": 500, "purpose": 64, "method": 10}
# Headers whose value decides what the call is: sent twice, they are refused (never "last wins").
_SINGLE_HEADERS = {
    b"authorization": "Authorization",
    b"x-road-client": "X-Road-Client",
    b"x-purpose": "X-Purpose",
}


class ClientDisconnectedError(Exception):
    """The caller went away before sending its whole request."""


@dataclass
class _Call:
    """What the message log needs to know about a call, filled in as the call proceeds."""

    at: datetime
    started: float
    request_id: str
    method: str
    service_id: str = ""
    path: str = ""
    client_id: str = ""
    purpose: str = ""
    subjects: tuple[str, ...] = ()
    request_digest: str = EMPTY_DIGEST
    logged: bool = False
    extra_headers: list[tuple[bytes, bytes]] = field(default_factory=list)


@dataclass
class _Head:
    """The request headers the gateway uses."""

    token: str = ""
    client: str = ""
    purpose: str = ""
    content_length: int | None = None
    chunked: bool = False
    passed: list[tuple[str, str]] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    forwarded_host: str | None = None
    seen: set[bytes] = field(default_factory=set)
    repeated: str = ""  # the first of _SINGLE_HEADERS sent more than once ("" when none)


@dataclass(frozen=True)
class _Target:
    """Where a ``/x/r1/…`` call goes: the identifier's parts and the provider path."""

    id_parts: tuple[str, ...]  # decoded; meaningful only when id_ok
    id_ok: bool  # False when a part decodes to "/" or is not UTF-8
    raw_id: str  # the identifier as sent (percent-encoded)
    service_id: ServiceId | None
    directory: bool
    raw_rest: str  # the path after the identifier, percent-encoded as sent ("" when none)
    path: str | None  # raw_rest decoded, None when a segment is unacceptable
    query_string: str


def _id_part(raw: str) -> str | None:
    """One decoded part of the identifier; None when decoding would make it two (``%2F``)."""
    if "%" not in raw:
        return raw
    try:
        value = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    return None if "/" in value else value


def _target(scope: Scope) -> _Target:
    raw_path = scope.get("raw_path")
    raw = raw_path.decode("latin-1") if raw_path else quote(scope["path"])
    if not raw.startswith(R1_PREFIX):
        raw = quote(scope["path"])
    parts = raw[len(R1_PREFIX) :].split("/", 5)
    decoded_parts = [_id_part(p) for p in parts[:5]]
    id_ok = None not in decoded_parts
    id_parts = tuple(p or "" for p in decoded_parts)
    raw_rest = "/" + parts[5] if len(parts) > 5 else ""
    decoded = split_path(raw_rest or "/")
    reserved = id_ok and len(id_parts) == 5 and id_parts[4] in RESERVED_CODES
    service_id = None
    if id_ok and len(id_parts) == 5 and not reserved:
        service_id = ServiceId.parse("/".join(id_parts))
    return _Target(
        id_parts=id_parts,
        id_ok=id_ok,
        raw_id="/".join(parts[:5]),
        service_id=service_id,
        directory=reserved and not raw_rest,
        raw_rest=raw_rest,
        path=decoded[0] if decoded else None,
        query_string=scope.get("query_string", b"").decode("latin-1"),
    )


def _in_db_thread(fn: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    """Run database work the way Django runs a request, on a long-lived pool thread.

    Before and after, :func:`~django.db.close_old_connections` drops a connection that failed
    or outlived ``CONN_MAX_AGE``, as Django does around each request. One difference: with the
    default ``CONN_MAX_AGE = 0`` a request's connection is closed after it, but reconnecting on
    every call would cost several times the whole authorization, so a pool thread keeps its
    connection (like the message-log writer does) until it fails or the gateway stops.
    """
    close_old_connections()
    try:
        return fn(**kwargs)
    finally:
        if connection.connection is not None and not connection.settings_dict["CONN_MAX_AGE"]:
            connection.close_at = None
        close_old_connections()


def _pool_close(pool: ThreadPoolExecutor, threads: int) -> None:
    """Close every pool thread's database connections, then stop the pool.

    Django connections belong to their thread, so each thread must close its own: one job per
    thread, held at a barrier until all threads have one.
    """
    barrier = threading.Barrier(threads, timeout=5.0)

    def close_mine() -> None:
        connections.close_all()
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()

    jobs = [pool.submit(close_mine) for _ in range(threads)]
    futures.wait(jobs, timeout=10.0)
    pool.shutdown(wait=True, cancel_futures=True)


def _single_header(head: _Head, name: bytes, value: bytes) -> None:
    """Read ``Authorization``, ``X-Road-Client`` or ``X-Purpose``, noting a repetition."""
    if name in head.seen and not head.repeated:
        head.repeated = _SINGLE_HEADERS[name]
    head.seen.add(name)
    if name == b"authorization":
        scheme, _, token = value.decode("latin-1").partition(" ")
        if scheme.lower() == "bearer":
            head.token = token.strip()
    elif name == b"x-road-client":
        head.client = value.decode("latin-1").strip()
    else:
        # UTF-8 when it is (a Thai purpose is refused, but logged readably), else Latin-1.
        try:
            head.purpose = value.decode("utf-8").strip()
        except UnicodeDecodeError:
            head.purpose = value.decode("latin-1").strip()


def _head(scope: Scope) -> _Head:
    head = _Head()
    for name, value in scope["headers"]:
        if name in _SINGLE_HEADERS:
            _single_header(head, name, value)
        elif name == b"host":
            head.hosts.append(value.decode("latin-1"))
        elif name == b"x-forwarded-host":
            text = value.decode("latin-1")
            joined = text if head.forwarded_host is None else f"{head.forwarded_host},{text}"
            head.forwarded_host = joined  # repeated: a list, which no allowed host matches
        elif name == b"content-length":
            with contextlib.suppress(ValueError):  # the server already refused a bad one
                head.content_length = int(value)
        elif name == b"transfer-encoding":
            head.chunked = True
        elif name in PASSED_REQUEST_HEADERS:
            head.passed.append((name.decode("latin-1"), value.decode("latin-1")))
    return head


async def _read_body(receive: Receive, head: _Head, limit: int) -> tuple[bytes, bool]:
    """The request body, or ``(b"", True)`` once it is known to exceed ``limit``."""
    if head.content_length is not None and head.content_length > limit:
        return b"", True
    if not head.chunked and not head.content_length:
        return b"", False
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnectedError
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > limit:
                return b"", True
            chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _short(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[:limit]


def _host_ok(scope: Scope, head: _Head) -> bool:
    """Whether the request names a host of ``ALLOWED_HOSTS`` (as Django would require)."""
    host = request_host(
        hosts=head.hosts, forwarded_host=head.forwarded_host, server=scope.get("server")
    )
    return host is not None and host_allowed(host)


class GatewayApp:
    """The gateway as an ASGI callable; one instance per process (see ``ddgov.asgi``)."""

    def __init__(self) -> None:
        """Set up the pools lazily: the serving loop and threads exist only once serving."""
        self.forwarder = Forwarder()
        self.buckets = TokenBuckets()
        self._db_pool: ThreadPoolExecutor | None = None
        self._db_threads = DB_THREADS_DEFAULT
        self._dataset_pool: ThreadPoolExecutor | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def _writer(self) -> LogWriter:
        return log_writer()

    def _db(self) -> ThreadPoolExecutor:
        if self._db_pool is None:
            self._db_threads = max(
                1, int(getattr(settings, "DDGOV_EXCHANGE_DB_THREADS", DB_THREADS_DEFAULT))
            )
            self._db_pool = ThreadPoolExecutor(self._db_threads, thread_name_prefix="gdx-db")
        return self._db_pool

    async def startup(self) -> None:
        """Open the provider connection pool and start the message-log writer (lifespan)."""
        await self.forwarder.start()
        self._writer().start()

    async def shutdown(self) -> None:
        """Close provider connections, write the queued log entries, stop the threads."""
        await self.forwarder.close()
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, self._writer().close, 10.0)
        except Exception:
            logger.exception("message log writer failed to close")
        pools = [(self._db_pool, self._db_threads), (self._dataset_pool, DATASET_THREADS)]
        self._db_pool = self._dataset_pool = None
        for pool, threads in pools:
            if pool is not None:
                await loop.run_in_executor(None, _pool_close, pool, threads)

    async def _in_db(self, fn: Callable[..., Any], **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db(), _in_db_thread, fn, kwargs)

    # --- dispatch --------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection scope."""
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await receive()
                await send({"type": "websocket.close", "code": 1008})
            return
        path: str = scope["path"]
        if path.startswith(R1_PREFIX):
            await self._r1(scope, receive, send)
        elif not _host_ok(scope, _head(scope)):
            await self._send_refusal(send, refusals.host_not_allowed(), str(uuid.uuid4()), [])
        elif path == LIST_CLIENTS_PATH:
            await self._list_clients(scope, send)
        elif path == OPENAPI_PATH:
            await self._openapi(scope, send)
        else:
            rid = str(uuid.uuid4())
            await self._send_refusal(send, refusals.unknown_endpoint(), rid, [])

    async def _send_refusal(
        self,
        send: Send,
        refusal: ExchangeRefusal,
        request_id: str,
        extra: list[tuple[bytes, bytes]],
        body: bytes = b"",
    ) -> None:
        body = body or json_bytes(refusal.as_json(request_id=request_id))
        headers = [
            (b"content-type", JSON_CONTENT_TYPE),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
            (b"x-road-request-id", request_id.encode()),
            (b"x-road-error", refusal.code.encode()),
            *extra,
        ]
        await _send(send, refusal.status, headers, body)

    async def _send_json(self, send: Send, body: bytes, request_id: str) -> None:
        headers = [
            (b"content-type", JSON_CONTENT_TYPE),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
            (b"x-road-request-id", request_id.encode()),
        ]
        await _send(send, 200, headers, body)

    async def _openapi(self, scope: Scope, send: Send) -> None:
        rid = str(uuid.uuid4())
        if scope["method"] not in {"GET", "HEAD"}:
            refusal = refusals.method_not_allowed(scope["method"])
            await self._send_refusal(send, refusal, rid, [(b"allow", b"GET, HEAD")])
            return
        await self._send_json(send, exchange_openapi_bytes(), rid)

    async def _list_clients(self, scope: Scope, send: Send) -> None:
        rid = str(uuid.uuid4())
        if scope["method"] not in {"GET", "HEAD"}:
            refusal = refusals.method_not_allowed(scope["method"])
            await self._send_refusal(send, refusal, rid, [(b"allow", b"GET, HEAD")])
            return
        try:
            body = await self._in_db(clients_body)
        except Exception:
            logger.exception("listClients failed (request %s)", rid)
            await self._send_refusal(send, refusals.internal_error(), rid, [])
            return
        await self._send_json(send, body, rid)

    # --- calls -----------------------------------------------------------------------------

    async def _r1(self, scope: Scope, receive: Receive, send: Send) -> None:
        call = _Call(
            at=datetime.now(UTC),
            started=time.perf_counter(),
            request_id=str(uuid.uuid4()),
            method=scope["method"],
        )
        try:
            await self._r1_call(call, scope, receive, send)
        except ClientDisconnectedError:
            self._log(call, status=499, error="", response_body=b"")
        except Exception:
            logger.exception("exchange call failed (request %s)", call.request_id)
            if not call.logged:
                refusal = refusals.internal_error()
                body = json_bytes(refusal.as_json(request_id=call.request_id))
                self._log(call, status=refusal.status, error=refusal.code, response_body=body)
                try:
                    await self._send_refusal(send, refusal, call.request_id, [], body)
                except (OSError, RuntimeError):  # the answer had started, or the caller left
                    logger.debug("could not answer request %s", call.request_id)

    async def _refuse(self, call: _Call, send: Send, refusal: ExchangeRefusal) -> None:
        body = json_bytes(refusal.as_json(request_id=call.request_id))
        if refusal.status == 401:
            call.extra_headers.append((b"www-authenticate", WWW_AUTHENTICATE))
        self._log(call, status=refusal.status, error=refusal.code, response_body=body)
        await self._send_refusal(send, refusal, call.request_id, call.extra_headers, body)

    async def _r1_call(self, call: _Call, scope: Scope, receive: Receive, send: Send) -> None:
        target = _target(scope)
        head = _head(scope)
        shown_id = "/".join(target.id_parts) if target.id_ok else target.raw_id
        call.service_id = _short(shown_id, _FIELD_LIMITS["service_id"])
        # The client stays "" until a token proves who calls (the header is only a claim).
        call.purpose = _short(head.purpose, _FIELD_LIMITS["purpose"])
        call.path = _short(target.path or target.raw_rest, _FIELD_LIMITS["path"])

        service_id = target.service_id
        if not self._writer().healthy():
            await self._refuse(call, send, refusals.log_unavailable())
        elif not _host_ok(scope, head):
            await self._refuse(call, send, refusals.host_not_allowed())
        elif head.repeated:
            await self._refuse(call, send, refusals.header_repeated(head.repeated))
        elif not target.id_ok:
            await self._refuse(call, send, refusals.bad_identifier())
        elif target.directory:
            await self._directory(call, target, send, head)
        elif service_id is None:
            await self._refuse(call, send, refusals.unknown_service(call.service_id))
        elif target.path is None:
            await self._refuse(call, send, refusals.bad_path())
        else:
            await self._service_call(
                call, service_id=service_id, target=target, receive=receive, send=send, head=head
            )

    async def _service_call(
        self,
        call: _Call,
        *,
        service_id: ServiceId,
        target: _Target,
        receive: Receive,
        send: Send,
        head: _Head,
    ) -> None:
        """Rules 1-10 for a call to a service: authorize, limit, forward, answer."""
        limit = settings.DDGOV_EXCHANGE_MAX_REQUEST_BYTES
        body, too_large = await _read_body(receive, head, limit)
        if body:
            call.request_digest = hashlib.sha256(body).hexdigest()
        request = CallRequest(
            service_id=service_id,
            method=call.method,
            path=target.path or "/",
            query_string=target.query_string,
            token=head.token,
            client_header=head.client,
            purpose=head.purpose,
        )
        decision: CallDecision = await self._in_db(call_authorize, request=request)
        call.client_id = _short(decision.client_id, _FIELD_LIMITS["client_id"])
        call.subjects = decision.subjects
        plan = decision.plan
        refusal = decision.refusal
        if refusal is None and plan is not None:
            refusal = self._gate(call, plan, too_large=too_large, limit=limit)
        if refusal is not None or plan is None:
            await self._refuse(call, send, refusal or refusals.internal_error())
            return
        try:
            if plan.kind == "dataset":
                status, headers, payload = await self._dataset(plan, call)
            else:
                status, headers, payload = await self._external(
                    plan=plan, call=call, head=head, target=target, body=body
                )
        except ExchangeRefusal as failed:
            await self._refuse(call, send, failed)
            return
        self._log(call, status=status, error="", response_body=payload)
        out = [
            (b"content-length", str(len(payload)).encode()),
            (b"x-road-request-id", call.request_id.encode()),
            *headers,
        ]
        await _send(send, status, out, payload)

    def _gate(
        self, call: _Call, plan: CallPlan, *, too_large: bool, limit: int
    ) -> ExchangeRefusal | None:
        """Rules 7 and 8 for an authorized call: the rate limit, then the request size."""
        wait = self.buckets.take(
            consumer=plan.caller_pk, service=plan.service_pk, rate_per_minute=plan.rate_per_minute
        )
        if wait > 0:
            retry = retry_after_header(wait)
            call.extra_headers.append((b"retry-after", retry.encode()))
            return refusals.rate_limited(retry)
        if too_large:
            call.extra_headers.append((b"connection", b"close"))
            return refusals.request_too_large(limit)
        return None

    async def _external(
        self, *, plan: CallPlan, call: _Call, head: _Head, target: _Target, body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        if not plan.provider_url_allowed:
            raise refusals.provider_url_refused()
        url = provider_url(plan.base_url, target.raw_rest, target.query_string)
        headers = [
            *head.passed,
            ("X-Road-Client", call.client_id),
            ("X-Road-Id", call.request_id),
            ("X-Purpose", call.purpose),
        ]
        reply = await self.forwarder.forward(
            url=url,
            method=call.method,
            headers=headers,
            body=body,
            timeout_ms=plan.timeout_ms,
            max_response_bytes=settings.DDGOV_EXCHANGE_MAX_RESPONSE_BYTES,
        )
        return reply.status, reply.headers, reply.body

    async def _dataset(
        self, plan: CallPlan, call: _Call
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        if self._dataset_pool is None:
            self._dataset_pool = ThreadPoolExecutor(
                DATASET_THREADS, thread_name_prefix="gdx-dataset"
            )
        loop = asyncio.get_running_loop()
        answer = await loop.run_in_executor(
            self._dataset_pool,
            _in_db_thread,
            _dataset_answer,
            {"plan": plan, "purpose": call.purpose},
        )
        limit = settings.DDGOV_EXCHANGE_MAX_RESPONSE_BYTES
        if len(answer.body) > limit:
            raise refusals.response_too_large(limit)
        return answer.status, [(b"content-type", answer.content_type.encode())], answer.body

    async def _directory(self, call: _Call, target: _Target, send: Send, head: _Head) -> None:
        if call.method not in {"GET", "HEAD"}:
            call.extra_headers.append((b"allow", b"GET, HEAD"))
            await self._refuse(call, send, refusals.method_not_allowed(call.method))
            return
        provider = ClientId.parse("/".join(target.id_parts[:4]))
        if provider is None:
            await self._refuse(call, send, refusals.unknown_service(call.service_id))
            return
        answer: DirectoryAnswer = await self._in_db(
            directory_answer,
            name=target.id_parts[4],
            provider=provider,
            token=head.token,
            client_header=head.client,
            query_string=target.query_string,
        )
        call.client_id = _short(answer.client_id, _FIELD_LIMITS["client_id"])
        if answer.refusal is not None:
            await self._refuse(call, send, answer.refusal)
            return
        self._log(call, status=200, error="", response_body=answer.body)
        await self._send_json(send, answer.body, call.request_id)

    # --- message log -----------------------------------------------------------------------

    def _log(self, call: _Call, *, status: int, error: str, response_body: bytes) -> None:
        """Hand the call to the log writer (never blocks, never fails the answer)."""
        if call.logged:
            return
        call.logged = True
        try:
            entry = LogEntry(
                at=call.at,
                request_id=call.request_id,
                client_id=call.client_id,
                service_id=call.service_id,
                method=_short(call.method, _FIELD_LIMITS["method"]),
                path=call.path,
                purpose=call.purpose,
                subjects=call.subjects,
                request_digest=call.request_digest,
                response_digest=hashlib.sha256(response_body).hexdigest(),
                status=status,
                error=error,
                duration_ms=(time.perf_counter() - call.started) * 1000.0,
            )
            self._writer().submit(entry)
        except Exception:
            logger.exception("could not hand request %s to the message log", call.request_id)


@functools.cache
def _dataset_service_call() -> Callable[..., Any]:
    """Part of the registry layer, loaded on the first dataset call (it pulls in the engine)."""
    from ddgov.exchange.services.dataset import dataset_service_call  # noqa: PLC0415 - once

    return dataset_service_call


def _dataset_answer(*, plan: CallPlan, purpose: str) -> Any:
    """Answer a dataset-backed call (runs on the dataset pool, with the ORM)."""
    service = Service.objects.select_related("subsystem__member__agency", "resource").get(
        pk=plan.service_pk
    )
    consumer = Subsystem.objects.select_related("member__agency").get(pk=plan.caller_pk)
    return _dataset_service_call()(
        service=service, key=plan.dataset_key, consumer=consumer, purpose=purpose
    )
