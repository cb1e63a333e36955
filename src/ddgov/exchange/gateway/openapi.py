"""The exchange's own OpenAPI 3.0 document, served at ``GET /x/openapi.json``.

It describes the directory endpoints, the generic call path, the bearer security scheme and
the error body, so consumers (and Schemathesis) can exercise the gateway itself. Providers'
own operations are described by their documents, served through ``getOpenAPI``.
"""

from __future__ import annotations

import functools
from typing import Any

from ddgov.exchange import errors
from ddgov.exchange.gateway.directory import json_bytes
from ddgov.exchange.ids import CODE_RE, MEMBER_CLASS, instance

_CODE_PATTERN = CODE_RE.pattern
_CALL_METHODS = ("get", "post", "put", "patch", "delete")
ERROR_CODES = (
    errors.BAD_REQUEST,
    errors.UNAUTHENTICATED,
    errors.CLIENT_MISMATCH,
    errors.UNKNOWN_SERVICE,
    errors.UNKNOWN_METHOD,
    errors.ACCESS_DENIED,
    errors.PURPOSE_REQUIRED,
    errors.PURPOSE_NOT_ALLOWED,
    errors.SUBJECT_REQUIRED,
    errors.CONSENT_REQUIRED,
    errors.RATE_LIMITED,
    errors.REQUEST_TOO_LARGE,
    errors.PROVIDER_UNREACHABLE,
    errors.PROVIDER_TIMEOUT,
    errors.RESPONSE_TOO_LARGE,
    errors.INTERNAL,
    errors.LOG_UNAVAILABLE,
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{name}"}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {
            "X-Road-Request-Id": _ref("headers/RequestId"),
            "X-Road-Error": _ref("headers/ErrorCode"),
        },
        "content": {"application/json": {"schema": _ref("schemas/Error")}},
    }


def _error_or_provider(description: str) -> dict[str, Any]:
    """A call's status that is the exchange's refusal, or the provider's own answer passed on."""
    return {
        "description": (
            f"{description} (with X-Road-Error and the error body), "
            "or the provider's own answer with this status, passed through unchanged"
        ),
        "headers": {
            "X-Road-Request-Id": _ref("headers/RequestId"),
            "X-Road-Error": _ref("headers/ErrorCode"),
        },
        "content": {
            "application/json": {"schema": {"anyOf": [_ref("schemas/Error"), {}]}},
            "*/*": {"schema": {}},
        },
    }


def _with_retry_after(response: dict[str, Any]) -> dict[str, Any]:
    response["headers"]["Retry-After"] = {
        "description": "Whole seconds to wait before the next call",
        "schema": {"type": "integer", "minimum": 1},
    }
    return response


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"X-Road-Request-Id": _ref("headers/RequestId")},
        "content": {"application/json": {"schema": schema}},
    }


def _provider_params() -> list[dict[str, Any]]:
    return [
        _ref("parameters/Instance"),
        _ref("parameters/MemberClass"),
        _ref("parameters/Member"),
        _ref("parameters/Subsystem"),
    ]


def _directory_errors() -> dict[str, Any]:
    return {
        "400": _error(
            "Missing, malformed or repeated X-Road-Client or Authorization, a bad parameter, "
            "or a Host this exchange does not serve"
        ),
        "401": _error("No valid access token"),
        "403": _error("X-Road-Client is not the token's subsystem"),
        "404": _error("Unknown provider or service"),
        "405": _error("Only GET is allowed"),
        "503": _error("The message log is unavailable"),
    }


def _call_operation(method: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": f"call{method.capitalize()}",
        "summary": f"{method.upper()} a provider's operation through the exchange",
        "description": (
            "Forwards the call to the provider's operation `path` after checking the caller's "
            "token, access right, purpose and (for consent-based personal data) the citizen's "
            "consent. The provider's answer, including its own 4xx/5xx, passes through unchanged "
            "and without `X-Road-Error`; the statuses below with `X-Road-Error` are the "
            "exchange's own refusals."
        ),
        "tags": ["call"],
        "parameters": [
            *_provider_params(),
            _ref("parameters/Service"),
            _ref("parameters/Path"),
            _ref("parameters/Client"),
            _ref("parameters/Purpose"),
        ],
        "responses": {
            "200": {
                "description": "The provider's answer (any status, passed through)",
                "headers": {"X-Road-Request-Id": _ref("headers/RequestId")},
                "content": {"*/*": {"schema": {}}},
            },
            "400": _error_or_provider(
                "Bad path or Host; a repeated Authorization, X-Road-Client or X-Purpose; a missing "
                "or malformed X-Road-Client or X-Purpose; a missing or invalid citizen ID"
            ),
            "401": _error_or_provider("No valid access token"),
            "403": _error_or_provider(
                "Client mismatch, no access right, purpose not allowed, no consent"
            ),
            "404": _error_or_provider("Unknown service or operation"),
            "413": _error_or_provider("Request body too large"),
            "429": _with_retry_after(_error_or_provider("Rate limit reached")),
            "500": _error_or_provider("The exchange failed unexpectedly"),
            "502": _error_or_provider("Provider unreachable or its answer too large"),
            "503": _error_or_provider("The message log is unavailable"),
            "504": _error_or_provider("Provider timeout"),
            "default": {
                "description": "The provider's answer (any status, passed through)",
                "content": {"*/*": {"schema": {}}},
            },
        },
        "security": [{"bearer": []}],
    }
    if method in {"post", "put", "patch"}:
        operation["requestBody"] = {
            "required": False,
            "description": "Passed to the provider unchanged (at most DDGOV_EXCHANGE_MAX_REQUEST_BYTES)",
            "content": {
                "application/json": {"schema": {}},
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    return operation


def exchange_openapi() -> dict[str, Any]:
    """The document as a dict (a fresh copy each time)."""
    service_entry = {
        "type": "object",
        "required": ["id", "code", "title", "kind", "personal_data"],
        "properties": {
            "id": {
                "type": "string",
                "example": f"{instance()}/{MEMBER_CLASS}/DOPA/registry/person",
            },
            "code": {"type": "string"},
            "title": _ref("schemas/Text"),
            "kind": {"type": "string", "enum": ["dataset", "external"]},
            "personal_data": {"type": "boolean"},
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "ddgov Government Data Exchange (GDX) gateway",
            "version": "r1",
            "description": (
                "Calls between agencies' systems go through the exchange: "
                "`{METHOD} /x/r1/TH/GOV/<member>/<subsystem>/<service>/<path>` with "
                "`Authorization: Bearer <token>` (OAuth2 client credentials from `/o/token/`), "
                "`X-Road-Client: TH/GOV/<member>/<subsystem>` and `X-Purpose: <code>`. Every "
                "answer carries `X-Road-Request-Id`; the exchange's own refusals and failures "
                "carry `X-Road-Error` and a JSON error body. Every call is signed into the "
                "message log."
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "directory", "description": "Metadata services (X-Road style)"},
            {"name": "call", "description": "Calls to providers' services"},
        ],
        "paths": {
            "/x/openapi.json": {
                "get": {
                    "operationId": "getExchangeOpenAPI",
                    "summary": "This document",
                    "tags": ["directory"],
                    "responses": {
                        "200": _ok("OpenAPI 3.0 document", {"type": "object"}),
                        "400": _error("A Host this exchange does not serve"),
                    },
                }
            },
            "/x/listClients": {
                "get": {
                    "operationId": "listClients",
                    "summary": "Active subsystems on the exchange (no authentication needed)",
                    "tags": ["directory"],
                    "responses": {
                        "200": _ok("The clients", _ref("schemas/ClientList")),
                        "400": _error("A Host this exchange does not serve"),
                        "405": _error("Only GET is allowed"),
                    },
                }
            },
            "/x/r1/{instance}/{memberClass}/{member}/{subsystem}/listMethods": {
                "get": {
                    "operationId": "listMethods",
                    "summary": "The services a provider subsystem offers",
                    "tags": ["directory"],
                    "parameters": [*_provider_params(), _ref("parameters/Client")],
                    "responses": {
                        "200": _ok("The services", _ref("schemas/ServiceList")),
                        **_directory_errors(),
                    },
                    "security": [{"bearer": []}],
                }
            },
            "/x/r1/{instance}/{memberClass}/{member}/{subsystem}/allowedMethods": {
                "get": {
                    "operationId": "allowedMethods",
                    "summary": "The provider's services the caller holds an active grant for",
                    "tags": ["directory"],
                    "parameters": [*_provider_params(), _ref("parameters/Client")],
                    "responses": {
                        "200": _ok("The services", _ref("schemas/AllowedServiceList")),
                        **_directory_errors(),
                    },
                    "security": [{"bearer": []}],
                }
            },
            "/x/r1/{instance}/{memberClass}/{member}/{subsystem}/getOpenAPI": {
                "get": {
                    "operationId": "getOpenAPI",
                    "summary": "A service's OpenAPI 3 document",
                    "tags": ["directory"],
                    "parameters": [
                        *_provider_params(),
                        _ref("parameters/Client"),
                        {
                            "name": "serviceCode",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "pattern": _CODE_PATTERN},
                        },
                    ],
                    "responses": {
                        "200": _ok("OpenAPI 3 document", {"type": "object"}),
                        **_directory_errors(),
                    },
                    "security": [{"bearer": []}],
                }
            },
            "/x/r1/{instance}/{memberClass}/{member}/{subsystem}/{service}/{path}": {
                method: _call_operation(method) for method in _CALL_METHODS
            },
        },
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "OAuth2 client-credentials access token from POST /o/token/",
                }
            },
            "parameters": {
                "Instance": {
                    "name": "instance",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": [instance()]},
                },
                "MemberClass": {
                    "name": "memberClass",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": [MEMBER_CLASS]},
                },
                "Member": {
                    "name": "member",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": _CODE_PATTERN},
                },
                "Subsystem": {
                    "name": "subsystem",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": _CODE_PATTERN},
                },
                "Service": {
                    "name": "service",
                    "in": "path",
                    "required": True,
                    "description": "Service code (listMethods, allowedMethods, getOpenAPI are reserved)",
                    "schema": {"type": "string", "pattern": _CODE_PATTERN},
                },
                "Path": {
                    "name": "path",
                    "in": "path",
                    "required": True,
                    "description": "The provider operation's path (may contain further segments)",
                    "schema": {"type": "string"},
                },
                "Client": {
                    "name": "X-Road-Client",
                    "in": "header",
                    "required": True,
                    "description": (
                        "The calling subsystem, TH/GOV/<member>/<subsystem> (the token's; sent once)"
                    ),
                    "schema": {"type": "string"},
                },
                "Purpose": {
                    "name": "X-Purpose",
                    "in": "header",
                    "required": True,
                    "description": "A purpose code the caller's access right covers (sent once)",
                    "schema": {"type": "string", "pattern": _CODE_PATTERN},
                },
            },
            "headers": {
                "RequestId": {
                    "description": "The exchange's id of this call (uuid4), as in the message log",
                    "schema": {"type": "string", "format": "uuid"},
                },
                "ErrorCode": {
                    "description": "Set only when the exchange itself refused or failed",
                    "schema": {"type": "string", "enum": list(ERROR_CODES)},
                },
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["type", "message", "message_th", "status"],
                    "properties": {
                        "type": {"type": "string", "enum": list(ERROR_CODES)},
                        "message": {"type": "string"},
                        "message_th": {"type": "string"},
                        "status": {"type": "integer"},
                        "request_id": {"type": "string", "format": "uuid"},
                    },
                },
                "Text": {
                    "type": "object",
                    "required": ["th", "en"],
                    "properties": {"th": {"type": "string"}, "en": {"type": "string"}},
                },
                "ClientList": {
                    "type": "object",
                    "required": ["clients"],
                    "properties": {
                        "clients": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "member", "subsystem", "name", "agency"],
                                "properties": {
                                    "id": {"type": "string"},
                                    "member": {"type": "string"},
                                    "subsystem": {"type": "string"},
                                    "name": _ref("schemas/Text"),
                                    "agency": {
                                        "type": "object",
                                        "required": ["code", "name_th", "name_en"],
                                        "properties": {
                                            "code": {"type": "string"},
                                            "name_th": {"type": "string"},
                                            "name_en": {"type": "string"},
                                        },
                                    },
                                },
                            },
                        }
                    },
                },
                "ServiceList": {
                    "type": "object",
                    "required": ["services"],
                    "properties": {"services": {"type": "array", "items": service_entry}},
                },
                "AllowedServiceList": {
                    "type": "object",
                    "required": ["services"],
                    "properties": {
                        "services": {
                            "type": "array",
                            "items": {
                                "allOf": [
                                    service_entry,
                                    {
                                        "type": "object",
                                        "required": ["purposes"],
                                        "properties": {
                                            "purposes": {
                                                "type": "array",
                                                "items": {"type": "string"},
                                            }
                                        },
                                    },
                                ]
                            },
                        }
                    },
                },
            },
        },
    }


@functools.cache
def exchange_openapi_bytes() -> bytes:
    """The document as JSON bytes (built once per process)."""
    return json_bytes(exchange_openapi())
