"""Steward pages for anonymised releases: the request form, the report, and publishing.

``/governance/resource/<uuid>/release/`` lists the resource's columns with a suggested
treatment and hierarchy (from their types); posting it queues the engine run and leads to
``/governance/release/<id>/``, which shows the risk report once the run is done and offers
"Publish" (a CSRF-protected post) to the source agency's stewards. Published releases' reports
are public, like their datasets. The views parse input and render; the services decide.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ddgov.catalog.models import Resource
from ddgov.catalog.selectors.datasets import NotFound, resource_get_for_viewer
from ddgov.governance.anonymize.selectors import (
    release_can_request,
    release_columns,
    release_get_for_viewer,
    releases_of_version,
)
from ddgov.governance.anonymize.services import (
    STATUS_READY,
    release_publish,
    release_request,
)
from ddgov.governance.anonymize.spec import (
    DEFAULT_MAX_SUPPRESSION,
    KINDS,
    AnonymizeError,
    AnonymizeSpec,
    HierarchySpec,
    hierarchy_parse,
)
from ddgov.identity.models import Role, User
from ddgov.identity.services import agency_access_require

ROLES = ("keep", "quasi", "sensitive", "drop", "redact")
FORM_KINDS = tuple(k for k in KINDS if k != "tree")


def _resource(request: HttpRequest, resource_id: str) -> Resource:
    """The resource, if the user is a data steward of its agency (else 404 or an audited 403)."""
    try:
        resource = resource_get_for_viewer(viewer=request.user, resource_id=str(resource_id))
    except NotFound as exc:
        raise Http404(str(resource_id)) from exc
    if not isinstance(request.user, User):
        raise PermissionDenied
    agency_access_require(
        actor=request.user,
        agency=resource.dataset.owner_org,
        at_least=Role.DATA_STEWARD,
        action="governance.release.form",
    )
    return resource


def _number(value: str, cast: type, default: Any) -> Any:
    value = (value or "").strip()
    if not value:
        return default
    try:
        return cast(value)
    except ValueError:
        raise AnonymizeError(f"Not a number: {value!r} / ไม่ใช่ตัวเลข: {value!r}", field="k") from None


def _spec_from_post(post: Any, columns: list[dict[str, Any]]) -> AnonymizeSpec:
    groups: dict[str, list[str]] = {role: [] for role in ROLES}
    hierarchies: dict[str, HierarchySpec] = {}
    for i, column in enumerate(columns):
        name = column["name"]
        role = post.get(f"role_{i}", "keep")
        groups[role if role in ROLES else "keep"].append(name)
        kind = post.get(f"hier_{i}", "")
        if role == "quasi" and kind in FORM_KINDS:
            params = post.get(f"params_{i}", "").strip()
            text = f"{name}={kind}" + (f":{params}" if params else "")
            hierarchies.update([hierarchy_parse(text)])
    return AnonymizeSpec(
        quasi=tuple(groups["quasi"]),
        sensitive=tuple(groups["sensitive"]),
        k=_number(post.get("k", ""), int, 5),
        l=_number(post.get("l", ""), int, None),
        t=_number(post.get("t", ""), float, None),
        max_suppression=_number(post.get("max_suppression", ""), float, DEFAULT_MAX_SUPPRESSION),
        hierarchies=hierarchies,
        drop=tuple(groups["drop"]),
        redact=tuple(groups["redact"]),
    )


@login_required
def release_form(request: HttpRequest, resource_id: str) -> HttpResponse:
    """The release request form (GET) and its submission (POST, queues the engine run)."""
    resource = _resource(request, resource_id)
    version = resource.current_version
    columns = release_columns(version=version) if version is not None else []
    error, status = None, 200
    values: dict[str, Any] = {"k": "5", "l": "2", "t": "", "max_suppression": "0.05"}
    if request.method == "POST" and version is not None:
        values = {key: request.POST.get(key, "") for key in values}
        for i, column in enumerate(columns):
            column["role"] = request.POST.get(f"role_{i}", "keep")
            column["hierarchy"] = request.POST.get(f"hier_{i}", column["hierarchy"])
            column["params"] = request.POST.get(f"params_{i}", "")
        try:
            spec = _spec_from_post(request.POST, columns)
            release = release_request(actor=request.user, source_version=version, spec=spec)  # type: ignore[arg-type]
        except AnonymizeError as exc:
            error, status = exc.message, 400
        else:
            return redirect("governance:anonymize_release", release_id=release.pk)
    return render(
        request,
        "governance/anonymize/form.html",
        {
            "resource": resource,
            "dataset": resource.dataset,
            "version": version,
            "columns": columns,
            "roles": ROLES,
            "kinds": FORM_KINDS,
            "values": values,
            "error": error,
            "releases": releases_of_version(version=version) if version is not None else [],
        },
        status=status,
    )


def release_page(request: HttpRequest, release_id: int) -> HttpResponse:
    """A release's status and risk report; stewards may publish it from here."""
    try:
        release = release_get_for_viewer(viewer=request.user, release_id=release_id)
    except NotFound as exc:
        raise Http404(str(release_id)) from exc
    can_publish = (
        release_can_request(user=request.user, version=release.source_version)
        and release.version_id is None
        and release.report.get("status") == STATUS_READY
    )
    return render(
        request,
        "governance/anonymize/release.html",
        {
            "release": release,
            "report": release.report,
            "source": release.source_version.resource,
            "can_publish": can_publish,
            "can_see_source": release_can_request(
                user=request.user, version=release.source_version
            ),
            "error": request.GET.get("error", "") and None,
        },
    )


@login_required
@require_POST
def release_publish_view(request: HttpRequest, release_id: int) -> HttpResponse:
    """Publish a ready release into the catalog (stewards of the source's agency only)."""
    try:
        release = release_get_for_viewer(viewer=request.user, release_id=release_id)
    except NotFound as exc:
        raise Http404(str(release_id)) from exc
    try:
        release_publish(actor=request.user, release=release)  # type: ignore[arg-type]
    except AnonymizeError as exc:
        return render(
            request,
            "governance/anonymize/release.html",
            {
                "release": release,
                "report": release.report,
                "source": release.source_version.resource,
                "can_publish": False,
                "can_see_source": True,
                "error": exc.message,
            },
            status=400,
        )
    return redirect("governance:anonymize_release", release_id=release.pk)
