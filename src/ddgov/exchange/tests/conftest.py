"""Live-HTTP fixtures for the exchange: the gateway under uvicorn, a test provider, tokens, calls.

* ``exchange_server`` - ``ddgov.asgi.application`` served by uvicorn on a free loopback port in
  a background thread (lifespan on, so the log writer and the provider pool start and stop as in
  production); yields the base URL. Needs the transactional database (the server reads and the
  log writer writes from their own threads); it requests ``transactional_db`` itself.
* ``provider_server`` - a small aiohttp provider on loopback (``GET /persons/{id}`` echoes the
  ID, the headers and the query it received as JSON; ``POST /echo`` echoes the body; ``GET
  /slow?ms=N`` sleeps; ``GET /big?bytes=N[&chunked=1]`` answers N bytes; ``GET /status/{code}``
  answers that status); yields its base URL.
* ``down_url`` - a loopback URL where nothing listens.
* ``issue_token(subsystem) -> str`` - a client-credentials One ID application linked to the
  subsystem and a valid access token for it, created directly (``test_oauth`` covers the real
  token endpoint).
* ``exchange_call(base, service, path, token, client, purpose, method="GET", body=None,
  headers=None) -> Reply`` - one HTTP call through the gateway (``service``: a Service or its
  identifier; ``client``: a Subsystem or ``TH/GOV/M/S``; ``None`` leaves a header out). It
  returns once the call is in the message log, so a test may write to the database next.
* ``log_flush()`` - wait until the gateway's log writer has committed every call so far.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from django.utils import timezone

from ddgov.exchange.messagelog.writer import log_writer_reset
from ddgov.exchange.models import Service, Subsystem, SubsystemClient


@dataclass
class Reply:
    """An HTTP answer: status, headers (case-insensitive ``get``) and body."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


HeaderPairs = Sequence[tuple[str, str | bytes]]


def _send_pairs(
    conn: http.client.HTTPConnection,
    method: str,
    target: str,
    pairs: HeaderPairs,
    body: bytes | None,
) -> None:
    """Send a request with exactly these header lines: repeated names, raw bytes, own ``Host``."""
    names = {name.lower() for name, _ in pairs}
    conn.putrequest(method, target, skip_host="host" in names, skip_accept_encoding=True)
    for name, value in pairs:
        conn.putheader(name, value)
    if body is not None and "content-length" not in names:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body)


def http_request(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | HeaderPairs | None = None,
    body: bytes | None = None,
    timeout: float = 30.0,
) -> Reply:
    """One plain HTTP/1.1 request on loopback (no proxies from the environment).

    ``headers`` is a dict, or a list of ``(name, value)`` pairs sent exactly as given (a name
    may repeat, a value may be raw bytes, a ``Host`` pair replaces the automatic one). After a
    call under ``/x/`` it waits until the gateway's log writer has committed it.
    """
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        if isinstance(headers, list | tuple):
            _send_pairs(conn, method, target, headers, body)
        else:
            conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        reply = Reply(status=response.status, headers=response.headers, body=response.read())
    finally:
        conn.close()
    if "/x/" in parts.path:
        # The call is in the message log when this returns: tests may then write to the
        # database without racing the log writer (SQLite's shared-cache test database
        # allows one writer at a time and does not wait for a busy one).
        log_flush_all()
    return reply


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _service_id(service: Service | str) -> str:
    if isinstance(service, str):
        return service
    from ddgov.exchange.selectors.registry import service_identifier

    return str(service_identifier(service=service))


def _client_id(client: Subsystem | str) -> str:
    if isinstance(client, str):
        return client
    from ddgov.exchange.selectors.registry import subsystem_identifier

    return str(subsystem_identifier(subsystem=client))


@pytest.fixture
def exchange_server(transactional_db: None, settings: Any) -> Iterator[str]:
    """``ddgov.asgi.application`` under uvicorn on 127.0.0.1:<free port>; yields the base URL."""
    import uvicorn

    from ddgov.asgi import application, gateway

    settings.DDGOV_EXCHANGE_ALLOW_HTTP_LOOPBACK = True
    gateway.buckets.reset()
    log_writer_reset()
    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        application,
        lifespan="on",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="exchange-uvicorn", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the exchange server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
        gateway.buckets.reset()
        log_writer_reset()


def _provider_app() -> web.Application:
    async def person(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "citizen_id": request.match_info["citizen_id"],
                "method": request.method,
                "query": request.query_string,
                "headers": dict(request.headers),
            }
        )

    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        return web.Response(
            body=body,
            content_type=request.content_type or "application/octet-stream",
            headers={"X-Provider-Saw-Authorization": str("Authorization" in request.headers)},
        )

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(int(request.query.get("ms", "1000")) / 1000)
        return web.json_response({"slept_ms": int(request.query.get("ms", "1000"))})

    async def big(request: web.Request) -> web.StreamResponse:
        size = int(request.query.get("bytes", "1024"))
        if request.query.get("chunked"):
            response = web.StreamResponse()
            response.content_type = "application/octet-stream"
            response.enable_chunked_encoding()
            await response.prepare(request)
            sent = 0
            while sent < size:
                part = min(65536, size - sent)
                await response.write(b"x" * part)
                sent += part
            await response.write_eof()
            return response
        return web.Response(body=b"x" * size, content_type="application/octet-stream")

    async def status(request: web.Request) -> web.Response:
        code = int(request.match_info["code"])
        return web.json_response(
            {"provider_status": code},
            status=code,
            headers={"X-Road-Error": "Provider.Fake", "X-Provider": "yes"},
        )

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_get("/persons/{citizen_id}", person)
    app.router.add_post("/echo", echo)
    app.router.add_get("/slow", slow)
    app.router.add_get("/big", big)
    app.router.add_get("/status/{code}", status)
    return app


@pytest.fixture(scope="session")
def provider_server() -> Iterator[str]:
    """A test provider on 127.0.0.1:<free port> in its own thread; yields the base URL."""
    sock = _free_socket()
    port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(_provider_app(), access_log=None)
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.SockSite(runner, sock).start())
        ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, name="exchange-test-provider", daemon=True)
    thread.start()
    if not ready.wait(timeout=20):
        pytest.fail("the test provider did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def down_url() -> str:
    """A loopback URL with nothing listening (connection refused)."""
    sock = _free_socket()
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


def token_issue(subsystem: Subsystem, *, expires_in: timedelta = timedelta(hours=1)) -> str:
    """A client-credentials application for ``subsystem`` and a fresh access token of it."""
    from oauth2_provider.models import (
        AbstractApplication,
        get_access_token_model,
        get_application_model,
    )

    application = get_application_model().objects.create(
        name=f"test client of {subsystem}",
        client_type=AbstractApplication.CLIENT_CONFIDENTIAL,
        authorization_grant_type=AbstractApplication.GRANT_CLIENT_CREDENTIALS,
        algorithm=AbstractApplication.NO_ALGORITHM,
        client_secret=secrets.token_urlsafe(24),
    )
    SubsystemClient.objects.create(subsystem=subsystem, application=application)
    token = secrets.token_urlsafe(32)
    get_access_token_model().objects.create(
        token=token, application=application, expires=timezone.now() + expires_in, scope="read"
    )
    return token


@pytest.fixture
def issue_token(db: None) -> Callable[..., str]:
    """``issue_token(subsystem, expires_in=timedelta(hours=1)) -> token``."""
    return token_issue


def gateway_call(  # noqa: PLR0917 - the helper's documented positional signature
    base: str,
    service: Service | str,
    path: str,
    token: str | None,
    client: Subsystem | str | None,
    purpose: str | None,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """``{method} {base}/x/r1/<service id><path>`` with the exchange's headers."""
    sent: dict[str, str] = {}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    if client is not None:
        sent["X-Road-Client"] = _client_id(client)
    if purpose is not None:
        sent["X-Purpose"] = purpose
    if body is not None:
        sent.setdefault("Content-Type", "application/json")
    sent.update(headers or {})
    return http_request(
        f"{base}/x/r1/{_service_id(service)}{path}", method=method, headers=sent, body=body
    )


@pytest.fixture
def exchange_call() -> Callable[..., Reply]:
    """The :func:`gateway_call` helper."""
    return gateway_call


def log_flush_all(timeout: float = 10.0) -> None:
    """Wait until every call so far is committed to the message log."""
    from ddgov.exchange.messagelog.writer import log_writer

    log_writer().flush(timeout=timeout)


@pytest.fixture
def log_flush() -> Callable[..., None]:
    """``log_flush(timeout=10.0)``: the gateway's log writer has committed every call so far."""
    return log_flush_all


@pytest.fixture(autouse=True)
def _throwaway_signing_key(settings: Any, tmp_path: Any) -> Iterator[None]:
    """Every exchange test signs with its own Ed25519 key, never the developer's ``var/`` key."""
    from ddgov.exchange.messagelog.keys import keys_reset

    settings.DDGOV_EXCHANGE_SIGNING_KEY_FILE = tmp_path / "signing.pem"
    settings.DDGOV_EXCHANGE_TRUSTED_KEY_FILES = []
    keys_reset()
    yield
    keys_reset()
