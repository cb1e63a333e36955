"""Pages of the profiling part: a resource's profile (HTML and JSON) and "profile again".

Views only parse input, ask the selectors/services and render. Who may see a profile is decided
by ``profile_view_get`` (the catalog's visibility of the dataset); who may ask for a fresh one by
``profile_request`` (data stewards of the agency; refusals audited).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ddgov.governance.profiling.selectors import NotFound, ProfileView, profile_view_get
from ddgov.governance.profiling.services import ProfileError, profile_request
from ddgov.identity.models import User


class _BadVersionError(ValueError):
    pass


def _version_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("version", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not raw.isascii():
        raise _BadVersionError(raw)
    return int(raw)


def _bad_version_message() -> str:
    return _(
        "The version must be a whole number, e.g. ?version=2. / รุ่นต้องเป็นเลขจำนวนเต็ม เช่น ?version=2"
    )


def _view(request: HttpRequest, resource_id: str) -> ProfileView:
    try:
        return profile_view_get(
            viewer=request.user,
            resource_id=str(resource_id),
            version_number=_version_number(request),
        )
    except NotFound as exc:
        raise Http404(str(resource_id)) from exc


def _admin_label(level: str | None) -> str:
    labels = {
        "province": _("Province"),
        "district": _("District"),
        "subdistrict": _("Subdistrict"),
    }
    return labels.get(level or "", "")


def _decorate(column: dict[str, Any]) -> dict[str, Any]:
    """What the template needs beyond the stored document: labels and bar maxima."""
    thai = column.get("thai") or {}
    top = column.get("top_values") or []
    findings = []
    if thai.get("admin_level"):
        kind = _("codes") if thai.get("admin_kind") == "code" else _("names")
        findings.append(f"{_admin_label(thai['admin_level'])} ({kind})")
    if thai.get("citizen_id_like"):
        findings.append(_("Citizen IDs"))
    if thai.get("buddhist_era"):
        findings.append(_("Buddhist-era dates"))
    if thai.get("thai_digits") or thai.get("thai_digits_converted"):
        findings.append(_("Thai digits"))
    return {
        **column,
        "findings": findings,
        "top_max": max((t["count"] for t in top), default=0),
        "pattern_max": max((p["count"] for p in column.get("patterns") or []), default=0),
        "numeric": column.get("mean") is not None,
    }


@require_GET
def profile_page(request: HttpRequest, resource_id: str) -> HttpResponse:
    """``/governance/resource/<id>/profile/``: the profile of the current (or chosen) version."""
    try:
        view = _view(request, resource_id)
    except _BadVersionError:
        return HttpResponseBadRequest(
            _bad_version_message(), content_type="text/plain; charset=utf-8"
        )
    data = view.profile.data if view.profile is not None else {}
    context = {
        "view": view,
        "dataset": view.dataset,
        "resource": view.resource,
        "profile": view.profile,
        "data": data,
        "columns": [_decorate(c) for c in data.get("columns", [])],
    }
    return render(request, "governance/profiling/profile.html", context)


@require_GET
def profile_json(request: HttpRequest, resource_id: str) -> JsonResponse:
    """``…/profile.json``: the same profile as JSON (the stored ``Profile.data`` document)."""
    try:
        view = _view(request, resource_id)
    except _BadVersionError:
        return JsonResponse({"error": _bad_version_message()}, status=400)
    if view.version is None or view.profile is None:
        message = _("This resource has no profile yet. / ทรัพยากรนี้ยังไม่มีผลการสำรวจข้อมูล")
        return JsonResponse({"error": message}, status=404)
    profile = view.profile
    return JsonResponse(
        {
            "resource_id": str(view.resource.pk),
            "dataset": view.dataset.name,
            "version": view.version.number,
            "created": profile.created_at.isoformat(),
            "duration_ms": profile.duration_ms,
            "profile": profile.data,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@require_POST
def profile_refresh(request: HttpRequest, resource_id: str) -> HttpResponse:
    """A steward asks for a fresh profile of the shown version (runs in the background)."""
    try:
        view = _view(request, resource_id)
    except _BadVersionError:
        return HttpResponseBadRequest(
            _bad_version_message(), content_type="text/plain; charset=utf-8"
        )
    if view.version is None or not isinstance(request.user, User):
        raise Http404(str(resource_id))
    try:
        profile_request(actor=request.user, version_id=view.version.pk)
    except ProfileError as exc:
        messages.error(request, str(exc))
    except PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    else:
        messages.success(
            request,
            _("A new profile is being computed; reload the page in a moment."),
        )
    url = reverse("governance:profile", args=[view.resource.pk])
    return redirect(f"{url}?version={view.version.number}")
