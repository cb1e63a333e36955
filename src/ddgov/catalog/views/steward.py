"""Steward pages: create and edit datasets, upload resources and new versions, correct schemas.

Sign-in is required; the right to change a dataset (data steward or agency admin of its
organisation) is decided by the selectors and services, and a refusal is audited and shown on
the 403 page with its Thai/English reason. Nothing is saved when validation fails.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ddgov.catalog.forms import DatasetForm, ResourceUploadForm, SchemaForm, dataset_initial
from ddgov.catalog.models import Dataset, Resource
from ddgov.catalog.selectors.browse import organizations_for_steward, resource_latest_version
from ddgov.catalog.selectors.datasets import (
    NotFound,
    dataset_can_edit,
    dataset_get_for_viewer,
    groups_list,
    resource_get_for_viewer,
)
from ddgov.catalog.services.datasets import (
    CatalogValidationError,
    dataset_create,
    dataset_update,
    resource_create,
    resource_update,
)
from ddgov.catalog.services.ingest import resource_version_reingest
from ddgov.identity.models import Role, User
from ddgov.identity.services import agency_access_require

SESSION_AGENCY = "ddgov_agency"  # the back office's current agency (portal.views.staff)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required has run; keeps the type narrow
        raise PermissionDenied
    return user


def _editable(request: HttpRequest, name: str) -> Dataset:
    """The dataset, if the signed-in user may change it; else 404, or an audited 403."""
    try:
        dataset = dataset_get_for_viewer(viewer=request.user, name_or_id=name)
    except NotFound as exc:
        raise Http404(name) from exc
    if not dataset_can_edit(user=request.user, dataset=dataset):
        agency_access_require(
            actor=_user(request),
            agency=dataset.owner_org,
            at_least=Role.DATA_STEWARD,
            action="dataset.edit",
        )
    return dataset


def _editable_resource(request: HttpRequest, dataset: Dataset, resource_id: str) -> Resource:
    try:
        resource = resource_get_for_viewer(viewer=request.user, resource_id=resource_id)
    except NotFound as exc:
        raise Http404(resource_id) from exc
    if resource.dataset_id != dataset.pk:
        raise Http404(resource_id)
    return resource


def _wants_json(request: HttpRequest) -> bool:
    """The upload script asks for JSON; a plain form post gets HTML and redirects."""
    return "application/json" in request.headers.get("Accept", "")


# --- datasets -----------------------------------------------------------------------------


@login_required
def dataset_new(request: HttpRequest) -> HttpResponse:
    """``/dataset/new/``: a new dataset with every Thai GD-Catalog field, for one of the user's agencies."""
    user = _user(request)
    organizations = list(organizations_for_steward(user=user))
    if not organizations:
        raise PermissionDenied(
            _(
                "Only data stewards of an agency can create datasets. / "
                "เฉพาะผู้ดูแลข้อมูลของหน่วยงานเท่านั้นที่สร้างชุดข้อมูลได้"
            )
        )
    form_args: dict[str, Any] = {"organizations": organizations, "groups": groups_list()}
    if request.method == "POST":
        form = DatasetForm(request.POST, **form_args)
        if form.is_valid():
            try:
                dataset = dataset_create(actor=user, data=form.clean_data())
            except CatalogValidationError as exc:
                form.add_service_errors(exc.field_errors)
            else:
                messages.success(request, _("Dataset created. / สร้างชุดข้อมูลแล้ว"))
                return redirect("catalog:dataset", name=dataset.name)
        return render(
            request, "catalog/dataset_form.html", {"form": form, "dataset": None}, status=400
        )
    current = request.session.get(SESSION_AGENCY)
    initial = {"owner_org": current if any(a.code == current for a in organizations) else ""}
    if len(organizations) == 1:
        initial["owner_org"] = organizations[0].code
    form = DatasetForm(initial=initial, **form_args)
    return render(request, "catalog/dataset_form.html", {"form": form, "dataset": None})


@login_required
def dataset_edit(request: HttpRequest, name: str) -> HttpResponse:
    """``/dataset/<name>/edit/``: change a dataset's metadata (all fields, as CKAN's package_update)."""
    user = _user(request)
    dataset = _editable(request, name)
    organizations = list(organizations_for_steward(user=user))
    if dataset.owner_org not in organizations:
        organizations.insert(0, dataset.owner_org)
    form_args: dict[str, Any] = {"organizations": organizations, "groups": groups_list()}
    if request.method == "POST":
        form = DatasetForm(request.POST, **form_args)
        if form.is_valid():
            try:
                dataset = dataset_update(
                    actor=user,
                    dataset=dataset,
                    data=form.clean_data(existing_extras=dataset.extras),
                )
            except CatalogValidationError as exc:
                form.add_service_errors(exc.field_errors)
            else:
                messages.success(request, _("Changes saved. / บันทึกการแก้ไขแล้ว"))
                return redirect("catalog:dataset", name=dataset.name)
        return render(
            request, "catalog/dataset_form.html", {"form": form, "dataset": dataset}, status=400
        )
    form = DatasetForm(initial=dataset_initial(dataset), **form_args)
    return render(request, "catalog/dataset_form.html", {"form": form, "dataset": dataset})


# --- uploads ------------------------------------------------------------------------------


def _upload_response(
    request: HttpRequest, *, dataset: Dataset, resource: Resource | None, form: ResourceUploadForm
) -> HttpResponse:
    """Answer an upload: JSON for the upload script, else the form again (400) or a redirect."""
    if resource is not None:
        page = f"/dataset/{dataset.name}/resource/{resource.pk}/"
        if _wants_json(request):
            return JsonResponse(
                {"ok": True, "resource_url": page, "status_url": f"{page}status.json"}, status=201
            )
        messages.success(
            request, _("File received; it is being ingested. / ได้รับไฟล์แล้ว กำลังนำเข้าข้อมูล")
        )
        return redirect(page)
    if _wants_json(request):
        errors = {key: [str(e) for e in value] for key, value in form.errors.items()}
        return JsonResponse({"ok": False, "errors": errors}, status=400)
    template = "catalog/resource_upload.html"
    return render(
        request, template, {"form": form, "dataset": dataset, "resource": None}, status=400
    )


def _upload_errors(form: ResourceUploadForm, exc: CatalogValidationError) -> None:
    for key, values in exc.field_errors.items():
        target = key if key in form.fields else ("upload" if key in {"url", "file"} else None)
        for message in values:
            form.add_error(target, message)


@login_required
def resource_new(request: HttpRequest, name: str) -> HttpResponse:
    """``/dataset/<name>/resource/new/``: upload a file as a new resource; it is ingested in the background."""
    user = _user(request)
    dataset = _editable(request, name)
    if request.method != "POST":
        form = ResourceUploadForm()
        return render(
            request,
            "catalog/resource_upload.html",
            {"form": form, "dataset": dataset, "resource": None},
        )
    form = ResourceUploadForm(request.POST, request.FILES)
    resource = None
    if form.is_valid():
        upload = form.cleaned_data["upload"]
        data = {
            "name": form.cleaned_data.get("name") or upload.name,
            "description": form.cleaned_data.get("description"),
        }
        try:
            resource = resource_create(
                actor=user, dataset=dataset, data=data, upload=upload, filename=upload.name
            )
        except CatalogValidationError as exc:
            _upload_errors(form, exc)
    return _upload_response(request, dataset=dataset, resource=resource, form=form)


@login_required
def resource_upload(request: HttpRequest, name: str, resource_id: str) -> HttpResponse:
    """``/dataset/<name>/resource/<id>/upload/``: a new version of a resource (old ones stay)."""
    user = _user(request)
    dataset = _editable(request, name)
    resource = _editable_resource(request, dataset, resource_id)
    context = {"dataset": dataset, "resource": resource}
    if request.method != "POST":
        return render(
            request,
            "catalog/resource_upload.html",
            {"form": ResourceUploadForm(new_version=True), **context},
        )
    form = ResourceUploadForm(request.POST, request.FILES, new_version=True)
    updated = None
    if form.is_valid():
        upload = form.cleaned_data["upload"]
        try:
            updated = resource_update(
                actor=user,
                resource=resource,
                data={},
                partial=True,
                upload=upload,
                filename=upload.name,
            )
        except CatalogValidationError as exc:
            _upload_errors(form, exc)
    if updated is None and not _wants_json(request):
        return render(
            request, "catalog/resource_upload.html", {"form": form, **context}, status=400
        )
    return _upload_response(request, dataset=dataset, resource=updated, form=form)


# --- schema -------------------------------------------------------------------------------


@login_required
def resource_schema(request: HttpRequest, name: str, resource_id: str) -> HttpResponse:
    """``…/schema/``: correct the inferred column types; the version is ingested again with them."""
    user = _user(request)
    dataset = _editable(request, name)
    resource = _editable_resource(request, dataset, resource_id)
    version = resource.current_version or resource_latest_version(resource=resource)
    fields = list((version.table_schema or {}).get("fields", [])) if version else []
    form = SchemaForm(request.POST or None, schema_fields=fields)
    if version is not None and request.method == "POST" and form.is_valid():
        overrides = form.overrides(existing=version.schema_overrides or {})
        try:
            resource_version_reingest(actor=user, version=version, schema_overrides=overrides)
        except CatalogValidationError as exc:
            form.add_service_errors(exc.field_errors)
        else:
            messages.success(
                request,
                _(
                    "The data is being ingested again with your types. / "
                    "กำลังนำเข้าข้อมูลอีกครั้งตามชนิดที่แก้ไข"
                ),
            )
            return redirect("catalog:resource", name=dataset.name, resource_id=resource.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "catalog/resource_schema.html",
        {"form": form, "dataset": dataset, "resource": resource, "version": version},
        status=status,
    )
