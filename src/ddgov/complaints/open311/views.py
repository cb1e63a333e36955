"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) for the 1111 complaint centre.

Endpoints under ``/open311/v2/``, each as ``.json`` or ``.xml`` (no suffix: JSON): discovery,
services, services/{service_code}, requests (GET: search, POST: file a complaint with an
``api_key``), requests/{service_request_id} and tokens/{token}. GET endpoints are public. The
views only pick the format and language and shape the response; reading, checking and filing
happen in the modules beside this one and in the complaint services. POST is CSRF-exempt: it
is authenticated by its API key, not by a browser session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt

from ddgov.complaints.open311 import catalogue, queries, serializers
from ddgov.complaints.open311.errors import Open311Error, not_found
from ddgov.complaints.open311.formats import api_language, format_of, render
from ddgov.complaints.open311.params import requests_query_parse
from ddgov.complaints.open311.submit import open311_request_post


@dataclass(frozen=True)
class Reply:
    """What a handler answers: the XML root, the body, the status and extra headers."""

    root: str
    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[], Reply]


def _base_url(request: HttpRequest) -> str:
    configured = str(getattr(settings, "DDGOV_BASE_URL", "")).rstrip("/")
    return configured or request.build_absolute_uri("/").rstrip("/")


def _answer(
    request: HttpRequest, fmt: str | None, methods: tuple[str, ...], handler: Handler
) -> HttpResponse:
    """Run ``handler`` in the client's language; errors become the spec's error list."""
    out = format_of(fmt)
    with translation.override(api_language(request)):
        if request.method not in (*methods, "HEAD" if "GET" in methods else ""):
            error = Open311Error.one(
                405,
                "method_not_allowed",
                f"Use {' or '.join(methods)}.",
                f"ต้องใช้เมธอด {' หรือ '.join(methods)}",
            )
            response = render(fmt=out, root="errors", body=error.body(), status=405)
            response["Allow"] = ", ".join(methods)
            return response
        try:
            reply = handler()
        except RequestDataTooBig:
            error = Open311Error.one(
                413, "request_too_large", "The request body is too large.", "เนื้อหาคำขอใหญ่เกินไป"
            )
            return render(fmt=out, root="errors", body=error.body(), status=413)
        except Open311Error as error:
            response = render(fmt=out, root="errors", body=error.body(), status=error.status)
            response["Cache-Control"] = "no-store"
            for name, value in error.headers.items():
                response[name] = value
            return response
        response = render(fmt=out, root=reply.root, body=reply.body, status=reply.status)
        for name, value in reply.headers.items():
            response[name] = value
        return response


def discovery(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """``GET discovery``: the endpoint, its specification and formats."""
    return _answer(
        request,
        fmt,
        ("GET",),
        lambda: Reply("discovery", serializers.discovery_out(base_url=_base_url(request))),
    )


def services(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """``GET services``: the complaint categories."""
    return _answer(request, fmt, ("GET",), lambda: Reply("services", catalogue.services_out()))


def service_definition(request: HttpRequest, code: str, fmt: str | None = None) -> HttpResponse:
    """``GET services/{service_code}``: one category's attributes (404 if unknown)."""

    def run() -> Reply:
        category = catalogue.category_find(code=code)
        if category is None:
            raise not_found("service_code", "service_code", code, "service_code_unknown")
        return Reply("service_definition", catalogue.service_definition_out(category))

    return _answer(request, fmt, ("GET",), run)


@csrf_exempt
def requests(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """``GET requests`` searches complaints; ``POST requests`` files one (needs ``api_key``)."""

    def search() -> Reply:
        query = requests_query_parse(params=request.GET, now=timezone.now())
        found = queries.open311_requests_find(query=query)
        body = serializers.requests_out(complaints=found, base_url=_base_url(request))
        return Reply("service_requests", body)

    def post() -> Reply:
        outcome = open311_request_post(
            api_key=request.POST.get("api_key") or request.GET.get("api_key", ""),
            idempotency_key=request.headers.get("Idempotency-Key"),
            params=request.POST,
        )
        return Reply(
            "service_requests",
            serializers.post_out(complaint=outcome.complaint),
            201,
            {} if outcome.created else {"Idempotent-Replayed": "true"},
        )

    return _answer(request, fmt, ("GET", "POST"), post if request.method == "POST" else search)


def request_detail(request: HttpRequest, request_id: str, fmt: str | None = None) -> HttpResponse:
    """``GET requests/{service_request_id}``: one complaint by its tracking code."""

    def run() -> Reply:
        complaint = queries.open311_request_get(service_request_id=request_id)
        if complaint is None:
            raise not_found("service request", "เรื่องร้องเรียน", request_id, "request_not_found")
        body = serializers.requests_out(complaints=[complaint], base_url=_base_url(request))
        return Reply("service_requests", body)

    return _answer(request, fmt, ("GET",), run)


def token(request: HttpRequest, token: str, fmt: str | None = None) -> HttpResponse:
    """``GET tokens/{token}``: the service request id a POST's token stands for."""

    def run() -> Reply:
        complaint = queries.open311_token_find(token=token)
        if complaint is None:
            raise not_found("token", "โทเคน", token, "token_not_found")
        return Reply("service_requests", serializers.token_out(complaint=complaint, token=token))

    return _answer(request, fmt, ("GET",), run)


@csrf_exempt
def unknown(request: HttpRequest, path: str) -> HttpResponse:
    """Anything else under ``/open311/v2/``: a 404 in the spec's error list (as JSON)."""

    def run() -> Reply:
        raise Open311Error.one(
            404,
            "unknown_endpoint",
            "There is no such Open311 endpoint or format; formats are .json and .xml.",
            "ไม่มีปลายทางหรือรูปแบบ Open311 นี้ รูปแบบที่รองรับคือ .json และ .xml",
        )

    return _answer(request, "json", ("GET", "POST"), run)
