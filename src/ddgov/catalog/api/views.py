"""The one view behind ``/api/3/action/<name>`` and ``/api/action/<name>``.

It reads the parameters (query string, JSON body or multipart form), identifies the caller,
runs the action and wraps the outcome in CKAN's envelope. Errors the catalog raises are mapped
to CKAN's ``__type`` strings and statuses here, in one place, so every action answers alike.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ddgov.catalog.api.actions import ActionContext, action_get
from ddgov.catalog.api.auth import api_caller
from ddgov.catalog.api.errors import (
    ActionError,
    ApiIntegrityError,
    ApiSearchQueryError,
    ApiValidationError,
    AuthorizationError,
    BadRequestError,
    NotFoundError,
    RawActionError,
)
from ddgov.catalog.selectors.datasets import NotFound
from ddgov.catalog.selectors.datastore import DatastoreError
from ddgov.catalog.selectors.search import SearchQueryError
from ddgov.catalog.services.datasets import CatalogValidationError

log = logging.getLogger(__name__)
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class _Encoder(DjangoJSONEncoder):
    """Dates, decimals and UUIDs as CKAN prints them; anything else as text."""

    def default(self, o: Any) -> Any:
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def _json(body: dict[str, Any], status: int) -> HttpResponse:
    response = JsonResponse(
        body, status=status, encoder=_Encoder, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Type"] = "application/json;charset=utf-8"
    response["Cache-Control"] = "no-cache"
    return response


def _help_url(request: HttpRequest, name: str) -> str:
    return request.build_absolute_uri(f"/api/3/action/help_show?name={name}")


def _query_params(request: HttpRequest) -> dict[str, Any]:
    """GET parameters: a repeated key becomes a list; actions decode JSON-valued ones."""
    data: dict[str, Any] = {}
    for key in request.GET:
        values = request.GET.getlist(key)
        data[key] = values if len(values) > 1 else values[0]
    return data


def _body_params(request: HttpRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    """POST parameters and uploaded files; a JSON body must be an object."""
    content_type = request.content_type or ""
    if content_type in FORM_TYPES:
        data: dict[str, Any] = {}
        for key in request.POST:
            values = request.POST.getlist(key)
            data[key] = values if len(values) > 1 else values[0]
        return data, {key: request.FILES[key] for key in request.FILES}
    raw = request.body
    if not raw.strip():
        return {}, {}
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequestError(
            _("JSON Error: could not parse the request body (%(error)s). / อ่าน JSON ในคำขอไม่ได้")
            % {"error": exc}
        ) from exc
    if not isinstance(parsed, dict):
        raise BadRequestError(
            _("JSON Error: the request body must be a JSON object. / เนื้อหาคำขอต้องเป็นออบเจกต์ JSON")
        )
    return parsed, {}


def _map_exception(exc: Exception) -> ActionError | None:
    """Return the CKAN error for an exception the catalog raises, or None if unexpected."""
    error: ActionError | None
    if isinstance(exc, ActionError):
        error = exc
    elif isinstance(exc, CatalogValidationError):
        error = ApiValidationError(exc.field_errors)
    elif isinstance(exc, NotFound):
        error = NotFoundError(_("%(what)s / ไม่พบข้อมูล") % {"what": str(exc) or "object"})
    elif isinstance(exc, PermissionDenied):
        error = AuthorizationError(str(exc) or _("Not allowed. / ไม่มีสิทธิ์"))
    elif isinstance(exc, ValidationError):
        fields = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"__all__": exc.messages}
        )
        error = ApiValidationError(fields)
    elif isinstance(exc, IntegrityError):
        error = ApiIntegrityError(
            _("The change conflicts with stored data. / การเปลี่ยนแปลงขัดกับข้อมูลที่มีอยู่")
        )
    elif isinstance(exc, RequestDataTooBig):
        error = BadRequestError(_("The request body is too large. / คำขอมีขนาดใหญ่เกินไป"))
    else:
        error = _map_collaborator_exception(exc)
    return error


def _map_collaborator_exception(exc: Exception) -> ActionError | None:
    """Errors raised by the DataStore and search selectors carry their own CKAN meaning."""
    if isinstance(exc, DatastoreError):
        payload = dict(exc.payload) if isinstance(exc.payload, dict) else {}
        payload.setdefault("message", str(exc))
        return RawActionError(type_name=exc.ckan_type, status=exc.status, payload=payload)
    if isinstance(exc, SearchQueryError):
        return ApiSearchQueryError(str(exc))
    return None


@csrf_exempt
@require_http_methods(["GET", "POST"])
def action_view(request: HttpRequest, name: str) -> HttpResponse:
    """Run the action ``name`` and answer in CKAN's envelope."""
    help_url = _help_url(request, name)
    try:
        action = action_get(name)
        if action is None:
            raise BadRequestError(  # noqa: TRY301
                _("Action name not known: %(name)s / ไม่รู้จักชื่อการดำเนินการนี้") % {"name": name}
            )
        if request.method == "GET" and not action.side_effect_free:
            raise BadRequestError(  # noqa: TRY301
                _(
                    "JSON Error: Invalid request. Please use POST method for your request "
                    "/ การดำเนินการนี้ต้องใช้ POST"
                )
            )
        if request.method == "GET":
            data, files = _query_params(request), {}
        else:
            data, files = _body_params(request)
        caller = api_caller(request, side_effect_free=action.side_effect_free)
        ctx = ActionContext(request=request, caller=caller, name=name, files=files)
        result = action.func(ctx, data)
    except Exception as exc:  # every failure becomes a CKAN error body
        error = _map_exception(exc)
        if error is None:
            log.exception("API action %s failed", name)
            error = ActionError(
                _("Internal error; it has been logged. / เกิดข้อผิดพลาดภายใน ได้บันทึกไว้แล้ว")
            )
        return _json({"help": help_url, "success": False, "error": error.payload()}, error.status)
    return _json({"help": help_url, "success": True, "result": result}, 200)


def api_version_view(request: HttpRequest) -> HttpResponse:
    """``/api/3``: the API version, as CKAN answers it."""
    return _json({"version": 3}, 200)
