"""Forwarding an authorized call to an external provider over aiohttp (gateway rule 9).

One :class:`aiohttp.ClientSession` per gateway process and event loop keeps a pool of
keep-alive connections to providers. The session holds no cookies (a dummy jar) and nothing
from one call is reused for another. Only the content headers of the consumer's request go
on, with the exchange's own ``X-Road-Client``, ``X-Road-Id`` and ``X-Purpose``; the consumer's
``Authorization`` and cookies never leave the gateway. Answers are read in full up to the
size limit, so an oversized answer can still be replaced by a clean 502.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import quote

import aiohttp
from yarl import URL

from ddgov.exchange.errors import ExchangeRefusal
from ddgov.exchange.gateway import refusals

# Request headers passed on to the provider (lower case, as ASGI gives them).
PASSED_REQUEST_HEADERS = (b"content-type", b"accept", b"accept-language")
# Provider response headers never passed back: hop-by-hop, framing, and the exchange's own.
DROPPED_RESPONSE_HEADERS = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"trailers",
        b"transfer-encoding",
        b"upgrade",
        b"content-length",
        b"date",
        b"server",
        b"set-cookie",
        b"x-road-error",
        b"x-road-request-id",
    }
)
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"
_READ_CHUNK = 65536


@dataclass(frozen=True)
class ProviderReply:
    """The provider's answer as it goes back to the consumer."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def provider_url(base_url: str, raw_path: str, query_string: str) -> URL:
    """``base_url`` + the call's raw path (+ query), kept exactly as encoded by the caller."""
    path = quote(raw_path, safe=_SAFE_PATH) if not raw_path.isascii() else raw_path
    text = base_url.rstrip("/") + (path or "/")
    if query_string:
        text += "?" + quote(query_string, safe=_SAFE_QUERY)
    return URL(text, encoded=True)


class Forwarder:
    """The process's provider connection pool; create and close it on the event loop's thread."""

    def __init__(self) -> None:
        """Create no session yet: it binds to the running loop on first use."""
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _ensure(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            connector = aiohttp.TCPConnector(
                limit=1000, limit_per_host=0, ttl_dns_cache=60, keepalive_timeout=30
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                skip_auto_headers=("Accept-Encoding", "User-Agent"),
                trust_env=False,
            )
            self._loop = loop
        return self._session

    async def start(self) -> None:
        """Open the session on the serving loop (ASGI lifespan startup)."""
        self._ensure()

    async def close(self) -> None:
        """Close the session and its pooled connections (ASGI lifespan shutdown)."""
        session, self._session = self._session, None
        if session is not None and not session.closed and self._loop is asyncio.get_running_loop():
            await session.close()

    async def forward(
        self,
        *,
        url: URL,
        method: str,
        headers: list[tuple[str, str]],
        body: bytes,
        timeout_ms: int,
        max_response_bytes: int,
    ) -> ProviderReply:
        """Send the call and read the whole answer; raise :class:`ExchangeRefusal` on failure."""
        session = self._ensure()
        try:
            async with asyncio.timeout(timeout_ms / 1000.0):
                async with session.request(
                    method,
                    url,
                    headers=headers,
                    data=body or None,
                    allow_redirects=False,
                    compress=None,
                ) as response:
                    length = response.content_length
                    if length is not None and length > max_response_bytes:
                        raise refusals.response_too_large(max_response_bytes)
                    if length is not None:
                        payload = await response.read()
                    else:
                        payload = await _read_capped(response, max_response_bytes)
                    status = response.status
                    raw_headers = response.raw_headers
        except ExchangeRefusal:
            raise
        except TimeoutError:
            raise refusals.provider_timeout(timeout_ms) from None
        except (aiohttp.ClientError, OSError, ValueError):
            raise refusals.provider_unreachable() from None
        if len(payload) > max_response_bytes:
            raise refusals.response_too_large(max_response_bytes)
        kept = [
            (name.lower(), value)
            for name, value in raw_headers
            if name.lower() not in DROPPED_RESPONSE_HEADERS
        ]
        return ProviderReply(status=status, headers=kept, body=payload)


async def _read_capped(response: aiohttp.ClientResponse, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = await response.content.read(_READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limit:
            raise refusals.response_too_large(limit)
        chunks.append(chunk)
