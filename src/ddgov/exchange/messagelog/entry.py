"""What the gateway says about one call; the message log turns it into a signed record.

A :class:`LogEntry` is built on the gateway's event loop and handed to the process's log writer
(:mod:`ddgov.exchange.messagelog.writer`) without touching the database; the writer chains,
signs and stores it. Bodies are never kept, only their SHA-256 digests.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

EMPTY_DIGEST = hashlib.sha256(b"").hexdigest()


def body_digest(body: bytes) -> str:
    """The SHA-256 hex digest of a request or response body (of ``b""`` when empty)."""
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One call through the exchange, refused or not, as the gateway saw it."""

    at: datetime  # aware, when the call arrived
    request_id: str  # uuid4 string, also sent as X-Road-Request-Id
    client_id: str  # "TH/GOV/M/S" as claimed/verified ("" when none given)
    service_id: str  # "TH/GOV/M/S/SVC", or "TH/GOV/M/S/listMethods" etc. for directory calls
    method: str
    path: str  # the path after the service id, without the query string
    purpose: str
    subjects: tuple[str, ...]  # citizen IDs concerned
    request_digest: str  # sha256 hex of the request body (of b"" when empty)
    response_digest: str  # sha256 hex of the response body sent to the caller
    status: int
    error: str  # X-Road-Error code, "" when the exchange did not refuse/fail
    duration_ms: float
