"""The workbench's JSON API under ``/analytics/api/``.

* ``POST query`` — ``{sql, engine?, page?, page_size?, explain?}`` → one page of the result:
  ``{columns: [{name, type}], rows, page, page_size, has_more, elapsed_ms, engine, plan, sources}``.
* ``GET/POST queries`` and ``GET/PATCH/DELETE queries/<uuid>`` — saved queries.
* ``POST export`` — ``{sql, format: csv|parquet, engine?}`` → the whole result as a file.
* ``GET tables`` — the tables the caller may query (the page's table browser).

Callers authenticate like the catalog's API (``ddgov.catalog.api.auth``): an API token in
``Authorization`` (no CSRF check: a token is not sent by a browser on its own), or the session
cookie of a signed-in user, in which case every write must carry the CSRF token
(``X-CSRFToken`` header or ``csrfmiddlewaretoken`` field). Only government staff and platform
admins may use it. Errors answer ``{"error": {"code", "message", "line"?, "column"?}}`` with the
access layer's HTTP status (400 policy, 404 unknown table, 408 time limit, 413 memory, 422 run).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ddgov.analytics.access.principal import principal_for_user
from ddgov.analytics.selectors.saved import (
    saved_queries_for_user,
    saved_query_agencies,
    saved_query_get_for_user,
)
from ddgov.analytics.services.exports import export_file_remove, query_export
from ddgov.analytics.services.queries import QueryError
from ddgov.analytics.services.saved import (
    SavedQueryError,
    saved_query_create,
    saved_query_delete,
    saved_query_update,
)
from ddgov.analytics.workbench.present import (
    RequestError,
    error_excerpt,
    flag,
    page_request,
    query_error_json,
    run_page,
    saved_query_json,
    workbench_allowed,
)
from ddgov.analytics.workbench.selectors import workbench_tables, workbench_tables_json
from ddgov.analytics.workbench.views import workbench_refused
from ddgov.catalog.api.auth import api_caller, request_token
from ddgov.catalog.api.errors import AuthorizationError
from ddgov.catalog.selectors.datasets import NotFound
from ddgov.identity.models import User

log = logging.getLogger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _json(body: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def _error(code: str, message: str, status: int, **extra: Any) -> JsonResponse:
    return _json({"error": {"code": code, "message": message, **extra}}, status)


def _no_view(_request: HttpRequest) -> HttpResponse:
    """Stands in for the view in the CSRF check, which only needs a callable."""
    return HttpResponse()


def _csrf_ok(request: HttpRequest) -> bool:
    """Run Django's CSRF check on a session-authenticated write (the views are exempt)."""
    check = CsrfViewMiddleware(_no_view)
    return check.process_view(request, _no_view, (), {}) is None


def api_user(request: HttpRequest) -> User:
    """The calling staff member (token or session); raise RequestError otherwise."""
    try:
        caller = api_caller(request, side_effect_free=True)
    except AuthorizationError as exc:
        raise RequestError("auth", exc.message, 401) from exc
    if not isinstance(caller, User) or not caller.is_authenticated:
        raise RequestError(
            "auth",
            _(
                "Sign in, or send your API token in the Authorization header. / "
                "กรุณาเข้าสู่ระบบ หรือส่งโทเค็น API ในส่วนหัว Authorization"
            ),
            401,
        )
    if not workbench_allowed(user=caller):
        raise RequestError(
            "forbidden",
            _(
                "The SQL workbench is for government staff. / "
                "ห้องปฏิบัติการ SQL ใช้ได้เฉพาะเจ้าหน้าที่หน่วยงานรัฐ"
            ),
            403,
        )
    if request.method not in SAFE_METHODS and not request_token(request) and not _csrf_ok(request):
        raise RequestError(
            "csrf",
            _(
                "The CSRF token is missing or wrong; reload the page and try again. / "
                "ไม่พบโทเค็น CSRF หรือไม่ถูกต้อง กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง"
            ),
            403,
        )
    return caller


def request_data(request: HttpRequest) -> dict[str, Any]:
    """The request's parameters: a JSON object body, or a form."""
    if (request.content_type or "") in FORM_TYPES:
        return {key: request.POST.get(key) for key in request.POST}
    raw = request.body
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestError(
            "request", _("The body is not valid JSON. / เนื้อหาคำขอไม่ใช่ JSON ที่ถูกต้อง")
        ) from exc
    if not isinstance(data, dict):
        raise RequestError(
            "request", _("The body must be a JSON object. / เนื้อหาคำขอต้องเป็นออบเจกต์ JSON")
        )
    return data


def _channel(request: HttpRequest) -> str:
    return "api" if request_token(request) else "workbench"


def _answer(exc: Exception) -> JsonResponse | None:
    """The JSON error for an exception the workbench expects, or None."""
    if isinstance(exc, RequestError):
        return _error(exc.code, exc.message, exc.status)
    if isinstance(exc, QueryError):
        return _json({"error": query_error_json(exc)}, exc.status)
    if isinstance(exc, SavedQueryError):
        summary = "; ".join(m for messages in exc.field_errors.values() for m in messages)
        return _error("validation", summary, 400, fields=exc.field_errors)
    if isinstance(exc, NotFound):
        return _error("not_found", _("No such saved query. / ไม่พบคำค้นที่บันทึกไว้"), 404)
    if isinstance(exc, PermissionDenied):
        return _error("forbidden", str(exc) or _("Not allowed. / ไม่มีสิทธิ์"), 403)
    return None


def _guarded(request: HttpRequest, handler: Any, *args: Any) -> HttpResponseBase:
    try:
        return handler(request, *args)
    except Exception as exc:  # every expected failure becomes a JSON error
        response = _answer(exc)
        if response is None:
            log.exception("analytics API %s failed", request.path)
            return _error(
                "internal",
                _("Internal error; it has been logged. / เกิดข้อผิดพลาดภายใน ได้บันทึกไว้แล้ว"),
                500,
            )
        return response


# --- query -------------------------------------------------------------------------------


def _query(request: HttpRequest) -> HttpResponse:
    user = api_user(request)
    page = page_request(request_data(request))
    body = run_page(
        principal=principal_for_user(user=user), request=page, channel=_channel(request)
    )
    return _json(body)


@csrf_exempt
@require_http_methods(["POST"])
def query_view(request: HttpRequest) -> HttpResponseBase:
    """``POST /analytics/api/query``: run one page of a query."""
    return _guarded(request, _query)


# --- export ------------------------------------------------------------------------------


def _export_file(request: HttpRequest, user: User) -> HttpResponseBase:
    data = request_data(request)
    sql = data.get("sql")
    if not isinstance(sql, str) or not sql.strip():
        raise RequestError("request", _("Write a query to export. / กรุณาเขียนคำสั่ง SQL ที่จะส่งออก"))
    engine = data.get("engine")
    export = query_export(
        principal=principal_for_user(user=user),
        sql=sql,
        fmt=str(data.get("format") or ""),
        engine=str(engine).strip().lower() if engine else None,
    )
    handle = export.path.open("rb")
    export_file_remove(export=export)  # the open handle keeps the data readable until sent
    response = FileResponse(
        handle, as_attachment=True, filename=export.filename, content_type=export.content_type
    )
    response["X-Ddgov-Rows"] = str(export.rows)
    response["X-Ddgov-Truncated"] = "true" if export.truncated else "false"
    response["Cache-Control"] = "no-store"
    return response


def _export(request: HttpRequest) -> HttpResponseBase:
    user = api_user(request)
    if request_token(request) or (request.content_type or "") not in FORM_TYPES:
        return _export_file(request, user)
    # The workbench page's export buttons: a refused query comes back as the page, not JSON.
    try:
        return _export_file(request, user)
    except QueryError as exc:
        error = query_error_json(exc)
        error["excerpt"] = error_excerpt(str(request.POST.get("sql", "")), exc.position)
        return workbench_refused(request, error=error, status=exc.status)
    except RequestError as exc:
        error = {"code": exc.code, "message": exc.message}
        return workbench_refused(request, error=error, status=exc.status)


@csrf_exempt
@require_http_methods(["POST"])
def export_view(request: HttpRequest) -> HttpResponseBase:
    """``POST /analytics/api/export``: the whole result (up to the export cap) as a file.

    A JSON or token call gets JSON errors; the workbench page's form gets the page back with
    the error shown under the editor.
    """
    return _guarded(request, _export)


# --- saved queries -----------------------------------------------------------------------


def _agency_for(user: User, code: Any) -> Any:
    agencies = saved_query_agencies(user=user)
    if code:
        agency = agencies.filter(code=str(code)).first()
        if agency is None:
            raise SavedQueryError(
                {
                    "agency": [
                        _(
                            "You are not staff of agency %(code)s. / "
                            "คุณไม่ได้เป็นเจ้าหน้าที่ของหน่วยงาน %(code)s"
                        )
                        % {"code": code}
                    ]
                }
            )
        return agency
    mine = list(agencies[:2])
    if len(mine) != 1:
        raise SavedQueryError(
            {"agency": [_("Choose the agency to save under. / กรุณาเลือกหน่วยงานที่จะบันทึกไว้")]}
        )
    return mine[0]


def _queries(request: HttpRequest) -> HttpResponse:
    user = api_user(request)
    if request.method == "GET":
        queries = saved_queries_for_user(user=user)
        return _json({"queries": [saved_query_json(q, user=user) for q in queries]})
    data = request_data(request)
    query = saved_query_create(
        actor=user,
        agency=_agency_for(user, data.get("agency")),
        title=str(data.get("title") or ""),
        sql=str(data.get("sql") or ""),
        description=str(data.get("description") or ""),
        shared=flag(data.get("shared")),
        engine=str(data.get("engine") or ""),
    )
    return _json(saved_query_json(query, user=user), 201)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def queries_view(request: HttpRequest) -> HttpResponseBase:
    """``GET/POST /analytics/api/queries``: list (own + shared) or save a query."""
    return _guarded(request, _queries)


def _query_detail(request: HttpRequest, query_id: str) -> HttpResponse:
    user = api_user(request)
    query = saved_query_get_for_user(user=user, query_id=query_id)
    if request.method == "GET":
        return _json(saved_query_json(query, user=user))
    if request.method == "DELETE":
        saved_query_delete(actor=user, query=query)
        return HttpResponse(status=204)
    data = request_data(request)
    fields = {k: v for k, v in data.items() if k != "id"}
    query = saved_query_update(actor=user, query=query, **fields)
    return _json(saved_query_json(query, user=user))


@csrf_exempt
@require_http_methods(["GET", "PATCH", "DELETE"])
def query_detail_view(request: HttpRequest, query_id: str) -> HttpResponseBase:
    """``GET/PATCH/DELETE /analytics/api/queries/<uuid>``: one saved query."""
    return _guarded(request, _query_detail, str(query_id))


# --- tables ------------------------------------------------------------------------------


def _tables(request: HttpRequest) -> HttpResponse:
    user = api_user(request)
    tables = workbench_tables(viewer=user, principal=principal_for_user(user=user))
    return _json({"tables": workbench_tables_json(tables=tables)})


@require_http_methods(["GET"])
def tables_view(request: HttpRequest) -> HttpResponseBase:
    """``GET /analytics/api/tables``: the tables the caller may query, with masked columns."""
    return _guarded(request, _tables)
