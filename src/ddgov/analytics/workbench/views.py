"""The workbench page ``/analytics/workbench/`` and its form posts (save, delete).

The page works without JavaScript: its form posts the SQL back here and the first page of the
result (or the error, with its line) is rendered on the server. ``workbench.js`` enhances it:
Ctrl+Enter runs, results and pages come from the JSON API without reloading, the error's line is
highlighted in the editor. Export buttons post the same form to ``/analytics/api/export``;
saving and deleting post to the views below and come back with a message.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ddgov.analytics.access.principal import principal_for_user
from ddgov.analytics.models import SavedQuery
from ddgov.analytics.selectors.saved import (
    saved_queries_for_user,
    saved_query_agencies,
    saved_query_can_edit,
    saved_query_get_for_user,
)
from ddgov.analytics.services.queries import QueryError
from ddgov.analytics.services.saved import (
    SavedQueryError,
    saved_query_create,
    saved_query_delete,
    saved_query_update,
)
from ddgov.analytics.workbench.present import (
    DEFAULT_PAGE_SIZE,
    PAGE_SIZES,
    RequestError,
    engine_choices,
    engine_default,
    error_excerpt,
    flag,
    page_request,
    query_error_json,
    run_page,
    workbench_allowed,
)
from ddgov.analytics.workbench.selectors import workbench_tables
from ddgov.catalog.selectors.datasets import NotFound
from ddgov.identity.models import User

EXAMPLE_SQL = "SELECT 1 AS one"


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not workbench_allowed(user=user):
        raise PermissionDenied(
            _(
                "The SQL workbench is for government staff. / "
                "ห้องปฏิบัติการ SQL ใช้ได้เฉพาะเจ้าหน้าที่หน่วยงานรัฐ"
            )
        )
    return user


def _opened(user: User, query_id: str | None) -> SavedQuery | None:
    if not query_id:
        return None
    try:
        return saved_query_get_for_user(user=user, query_id=query_id)
    except NotFound as exc:
        raise Http404(query_id) from exc


def _form(data: Any, opened: SavedQuery | None) -> dict[str, Any]:
    """The editor's values: what was posted, else the opened query, else the defaults."""
    if data is not None:
        return {
            "sql": data.get("sql", ""),
            "engine": data.get("engine") or engine_default(),
            "page_size": data.get("page_size") or DEFAULT_PAGE_SIZE,
            "explain": flag(data.get("explain")),
            "title": data.get("title", ""),
            "description": data.get("description", ""),
            "shared": flag(data.get("shared")),
            "agency": data.get("agency", ""),
        }
    return {
        "sql": opened.sql if opened else "",
        "engine": (opened.engine if opened else "") or engine_default(),
        "page_size": DEFAULT_PAGE_SIZE,
        "explain": False,
        "title": opened.title if opened else "",
        "description": opened.description if opened else "",
        "shared": opened.shared if opened else False,
        "agency": opened.agency.code if opened else "",
    }


def _render(
    request: HttpRequest,
    user: User,
    *,
    opened: SavedQuery | None,
    data: Any = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    principal = principal_for_user(user=user)
    saved = list(saved_queries_for_user(user=user))
    context = {
        "form": _form(data, opened),
        "opened": opened,
        "can_edit_opened": opened is not None and saved_query_can_edit(user=user, query=opened),
        "tables": workbench_tables(viewer=user, principal=principal),
        "saved": [(q, saved_query_can_edit(user=user, query=q)) for q in saved],
        "agencies": list(saved_query_agencies(user=user)),
        "engines": engine_choices(),
        "page_sizes": PAGE_SIZES,
        "example_sql": EXAMPLE_SQL,
        "result": None,
        "error": None,
        "save_errors": None,
        **extra,
    }
    return render(request, "analytics/workbench/workbench.html", context, status=status)


def _run(request: HttpRequest, user: User, opened: SavedQuery | None) -> HttpResponse:
    """The no-script path: run the posted page and render it, or the error with its line."""
    data = request.POST
    error: dict[str, Any]
    try:
        page = page_request(data)
        result = run_page(
            principal=principal_for_user(user=user), request=page, channel="workbench"
        )
    except RequestError as exc:
        error = {"code": exc.code, "message": exc.message}
        return _render(request, user, opened=opened, data=data, status=exc.status, error=error)
    except QueryError as exc:
        error = query_error_json(exc)
        error["excerpt"] = error_excerpt(str(data.get("sql", "")), exc.position)
        return _render(request, user, opened=opened, data=data, status=exc.status, error=error)
    return _render(request, user, opened=opened, data=data, result=result)


def workbench_refused(request: HttpRequest, *, error: dict[str, Any], status: int) -> HttpResponse:
    """The page again, with the posted SQL and why it could not be exported."""
    user = _staff(request)
    opened = _opened(user, request.POST.get("query_id"))
    return _render(request, user, opened=opened, data=request.POST, status=status, error=error)


@login_required
@require_http_methods(["GET", "POST"])
def workbench_page(request: HttpRequest) -> HttpResponse:
    """``/analytics/workbench/``: the editor, the table browser, results and saved queries."""
    user = _staff(request)
    if request.method == "POST":
        return _run(request, user, _opened(user, request.POST.get("query_id")))
    return _render(request, user, opened=_opened(user, request.GET.get("open")))


@login_required
@require_POST
def workbench_save(request: HttpRequest) -> HttpResponse:
    """Save the editor's SQL: change the opened query when allowed, else save a new one.

    A colleague's shared query opened by someone who may not change it is saved as a new query
    of their own.
    """
    user = _staff(request)
    data = request.POST
    opened = _opened(user, data.get("query_id"))
    fields: dict[str, Any] = {
        "title": data.get("title", ""),
        "sql": data.get("sql", ""),
        "description": data.get("description", ""),
        "shared": flag(data.get("shared")),
        "engine": data.get("engine", ""),
    }
    try:
        editable = opened is not None and saved_query_can_edit(user=user, query=opened)
        if opened is not None and editable and not flag(data.get("as_new")):
            query = saved_query_update(actor=user, query=opened, **fields)
        else:
            code = data.get("agency", "")
            agency = saved_query_agencies(user=user).filter(code=code).first()
            if agency is None:
                raise SavedQueryError(  # noqa: TRY301 - reported with the other field errors
                    {"agency": [_("Choose the agency to save under. / กรุณาเลือกหน่วยงานที่จะบันทึกไว้")]}
                )
            query = saved_query_create(actor=user, agency=agency, **fields)
    except SavedQueryError as exc:
        return _render(
            request, user, opened=opened, data=data, status=400, save_errors=exc.field_errors
        )
    except QueryError as exc:
        error = query_error_json(exc)
        error["excerpt"] = error_excerpt(str(data.get("sql", "")), exc.position)
        return _render(
            request,
            user,
            opened=opened,
            data=data,
            status=400,
            save_errors={"sql": [exc.message]},
            error=error,
        )
    messages.success(request, _("Query saved."))
    return redirect(f"{reverse('analytics:workbench')}?open={query.pk}")


@login_required
@require_POST
def workbench_delete(request: HttpRequest, query_id: uuid.UUID) -> HttpResponse:
    """Delete a saved query (its author or an agency administrator)."""
    user = _staff(request)
    query = _opened(user, str(query_id))
    assert query is not None  # noqa: S101 - _opened raises 404 for a missing query
    try:
        saved_query_delete(actor=user, query=query)
    except SavedQueryError as exc:
        for problems in exc.field_errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(f"{reverse('analytics:workbench')}?open={query.pk}")
    messages.success(request, _("Query deleted."))
    return redirect("analytics:workbench")
