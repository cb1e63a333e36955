"""CKAN Action API errors: the ``__type`` strings and HTTP statuses clients decide on.

The ``ckanapi`` client picks the exception it raises from ``error.__type`` alone, so these strings
are part of the contract and must match CKAN's exactly. Each error renders as
``{"success": false, "error": {"__type": ..., "message": ..., <field>: [messages]}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ActionError(Exception):
    """An error the API reports in CKAN's envelope instead of raising."""

    type_name = "Internal Server Error"
    status = 500
    prefix = ""

    def __init__(self, message: str = "", *, fields: Mapping[str, Any] | None = None) -> None:
        """Keep the human message and, for validation errors, ``{field: [messages]}``."""
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})

    def payload(self) -> dict[str, Any]:
        """Return the ``error`` object of the response body."""
        body: dict[str, Any] = dict(self.fields)
        body["__type"] = self.type_name
        body["message"] = f"{self.prefix}{self.message}" if self.prefix else self.message
        return body


class BadRequestError(ActionError):
    """Malformed request: unknown action, bad JSON, GET for a write (CKAN's plain 400)."""

    type_name = "Bad Request"
    status = 400
    prefix = "Bad request - "


class ApiValidationError(ActionError):
    """CKAN ``Validation Error`` (409): one list of messages per field."""

    type_name = "Validation Error"
    status = 409

    def __init__(self, fields: Mapping[str, Any], message: str = "") -> None:
        """Build from ``{field: [messages]}``; the message summarises the fields."""
        summary = message or "; ".join(
            f"{field}: {' '.join(str(m) for m in (msgs if isinstance(msgs, list) else [msgs]))}"
            for field, msgs in fields.items()
        )
        super().__init__(summary, fields=fields)


class NotFoundError(ActionError):
    """CKAN ``Not Found Error`` (404)."""

    type_name = "Not Found Error"
    status = 404
    prefix = "Not found: "


class AuthorizationError(ActionError):
    """CKAN ``Authorization Error`` (403)."""

    type_name = "Authorization Error"
    status = 403
    prefix = "Access denied: "


class ApiSearchQueryError(ActionError):
    """CKAN ``Search Query Error`` (400): the search parameters are invalid."""

    type_name = "Search Query Error"
    status = 400
    prefix = "Search Query is invalid: "


class ApiSearchError(ActionError):
    """CKAN ``Search Error`` (409): the search itself failed."""

    type_name = "Search Error"
    status = 409
    prefix = "Search error: "


class ApiIntegrityError(ActionError):
    """CKAN ``Integrity Error`` (400): the write conflicts with stored data."""

    type_name = "Integrity Error"
    status = 400


class RawActionError(ActionError):
    """An error whose ``__type``, status and payload were decided elsewhere (the DataStore)."""

    def __init__(self, *, type_name: str, status: int, payload: Mapping[str, Any]) -> None:
        """Keep the given CKAN type, HTTP status and error payload as they are."""
        message = str(payload.get("message", "")) if isinstance(payload, Mapping) else ""
        super().__init__(
            message, fields={k: v for k, v in payload.items() if k not in {"message", "__type"}}
        )
        self.type_name = type_name
        self.status = status
        self.raw_message = message

    def payload(self) -> dict[str, Any]:
        """Return the payload unchanged, with the type and message."""
        body = dict(self.fields)
        body["__type"] = self.type_name
        body["message"] = self.raw_message
        return body
