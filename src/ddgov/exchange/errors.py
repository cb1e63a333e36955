"""Why the exchange itself refused or failed a call: an HTTP status, a code and a bilingual message.

Codes follow X-Road's ``Client.*`` (the caller's fault, 4xx) and ``Server.*`` (the exchange or
the provider failed, 5xx) convention; the gateway sends the code in ``X-Road-Error``. A provider's
own error responses are not exchange errors: they pass through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ExchangeRefusal(Exception):  # noqa: N818 - a refusal is an outcome, not only an error
    """The exchange refuses or fails a call; ``code`` goes in ``X-Road-Error``."""

    status: int
    code: str
    message_en: str
    message_th: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"

    def as_json(self, *, request_id: str = "") -> dict[str, str | int]:
        """The JSON error body: ``{"type", "message", "message_th", "status", "request_id"}``."""
        body: dict[str, str | int] = {
            "type": self.code,
            "message": self.message_en,
            "message_th": self.message_th,
            "status": self.status,
        }
        if request_id:
            body["request_id"] = request_id
        return body


# The codes the gateway uses (documented in docs/exchange.md; outside checks may match them).
BAD_REQUEST = "Client.BadRequest"
UNAUTHENTICATED = "Client.Unauthenticated"
CLIENT_MISMATCH = "Client.ClientMismatch"
UNKNOWN_SERVICE = "Client.UnknownService"
UNKNOWN_METHOD = "Client.UnknownMethod"
ACCESS_DENIED = "Client.AccessDenied"
PURPOSE_REQUIRED = "Client.PurposeRequired"
PURPOSE_NOT_ALLOWED = "Client.PurposeNotAllowed"
SUBJECT_REQUIRED = "Client.SubjectRequired"
CONSENT_REQUIRED = "Client.ConsentRequired"
RATE_LIMITED = "Client.RateLimited"
REQUEST_TOO_LARGE = "Client.RequestTooLarge"
PROVIDER_UNREACHABLE = "Server.ProviderUnreachable"
PROVIDER_TIMEOUT = "Server.ProviderTimeout"
RESPONSE_TOO_LARGE = "Server.ResponseTooLarge"
INTERNAL = "Server.InternalError"
LOG_UNAVAILABLE = "Server.LogUnavailable"
