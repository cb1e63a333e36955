"""Staff page: a dataset's classification, per resource and column, editable by its stewards.

``/governance/dataset/<name>/classification/`` shows the dataset's DGF category and access
level, and for every resource each column's category, access level, PII type, PDPA s.26 flag and
where the decision came from, and whether the dataset may be open data. Any staff member of the
owning agency may look; its data stewards change it (CSRF-protected posts). Rights and rules
are decided by the services; the views only parse the form and show the outcome.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ddgov.catalog.models import Dataset, Resource
from ddgov.catalog.selectors.datasets import NotFound, dataset_get_for_viewer
from ddgov.catalog.services.datasets import CatalogValidationError
from ddgov.catalog.vocab import Classification, DataCategory
from ddgov.governance.classification.detect import SENSITIVE_KINDS
from ddgov.governance.classification.selectors import (
    ResourceClassification,
    column_class_can_declassify,
    column_class_can_edit,
    dataset_classification,
    dataset_restricted_resources,
)
from ddgov.governance.classification.services import (
    ClassificationError,
    ColumnChange,
    column_classes_set,
    dataset_category_set,
    resource_classify_enqueue,
)
from ddgov.identity.models import Role, User
from ddgov.identity.services import agency_access_require

SENSITIVE_LABELS = {
    "health": gettext_lazy("health"),
    "religion": gettext_lazy("religion or belief"),
    "criminal_record": gettext_lazy("criminal record"),
    "disability": gettext_lazy("disability"),
    "biometric": gettext_lazy("biometric data"),
    "race": gettext_lazy("race or ethnic origin"),
    "political_opinion": gettext_lazy("political opinion"),
    "sexual_behaviour": gettext_lazy("sexual behaviour"),
    "trade_union": gettext_lazy("trade union membership"),
    "genetic": gettext_lazy("genetic data"),
}


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _dataset(request: HttpRequest, name: str) -> Dataset:
    """The dataset, if the user is staff of its agency (any role); else 404 or an audited 403."""
    try:
        dataset = dataset_get_for_viewer(viewer=request.user, name_or_id=name)
    except NotFound as exc:
        raise Http404(name) from exc
    agency_access_require(
        actor=_user(request),
        agency=dataset.owner_org,
        at_least=Role.VIEWER,
        action="classification.view",
    )
    return dataset


def _resource(dataset: Dataset, resource_id: uuid.UUID) -> Resource:
    resource = dataset.resources.filter(pk=resource_id, state=Resource.State.ACTIVE).first()
    if resource is None:
        raise Http404(str(resource_id))
    return resource


def _rows(entry: ResourceClassification) -> list[dict[str, Any]]:
    """One row per column for the template: stored classes first, then unclassified columns."""
    rows: list[dict[str, Any]] = []
    for c in entry.columns:
        details = c.details or {}
        rows.append(
            {
                "column": c.column,
                "category": c.category,
                "access_level": c.access_level,
                "pii_type": c.pii_type,
                "sensitive": c.sensitive,
                "source": c.get_source_display(),
                "source_code": c.source,
                "confidence": details.get("confidence"),
                "note": details.get("note", ""),
                "reason": details.get("reason", ""),
                "updated_by": c.updated_by,
                "updated_at": c.updated_at,
            }
        )
    rows.extend(
        {
            "column": name,
            "category": DataCategory.PUBLIC,
            "access_level": Classification.PUBLIC,
            "pii_type": "",
            "sensitive": "",
            "source": _("Not classified yet"),
            "source_code": "",
        }
        for name in entry.unclassified
    )
    for i, row in enumerate(rows):
        row["index"] = i
        row["restricted"] = row["category"] != DataCategory.PUBLIC
    return rows


def _context(request: HttpRequest, dataset: Dataset, **extra: Any) -> dict[str, Any]:
    resources = [
        {"entry": entry, "rows": _rows(entry)} for entry in dataset_classification(dataset=dataset)
    ]
    blocked = dataset_restricted_resources(dataset=dataset)
    return {
        "dataset": dataset,
        "resources": resources,
        "blocked": blocked,
        "mismatch": bool(blocked) and dataset.data_category == DataCategory.PUBLIC,
        "can_edit": column_class_can_edit(user=request.user, dataset=dataset),
        "can_declassify": column_class_can_declassify(user=request.user, dataset=dataset),
        "categories": DataCategory.choices,
        "levels": Classification.choices,
        "sensitive_kinds": [(k, SENSITIVE_LABELS.get(k, k)) for k in SENSITIVE_KINDS],
        "error": "",
        "error_resource": "",
        **extra,
    }


@login_required
def classification_page(request: HttpRequest, name: str) -> HttpResponse:
    """``/governance/dataset/<name>/classification/``: the dataset's classification."""
    dataset = _dataset(request, name)
    return render(request, "governance/classification/dataset.html", _context(request, dataset))


def _changes(request: HttpRequest, resource: Resource, columns: list[str]) -> list[ColumnChange]:
    """The rows of the posted table whose values differ from what is stored."""
    current = {c.column: c for c in resource.column_classes.all()}
    changes = []
    for i, column in enumerate(columns):
        prefix = f"col-{i}-"
        if request.POST.get(f"{prefix}name") != column:
            continue
        category = request.POST.get(f"{prefix}category", "")
        level = request.POST.get(f"{prefix}access_level", "")
        sensitive = request.POST.get(f"{prefix}sensitive", "")
        row = current.get(column)
        if row is not None and (row.category, row.access_level, row.sensitive) == (
            category,
            level,
            sensitive,
        ):
            continue
        if row is None and category == DataCategory.PUBLIC and not sensitive:
            continue
        changes.append(ColumnChange(column, category, level, sensitive))
    return changes


@login_required
@require_POST
def classification_columns(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    """Save a steward's changes to one resource's column classes (all or nothing)."""
    user = _user(request)
    dataset = _dataset(request, name)
    resource = _resource(dataset, resource_id)
    entry = next(r for r in dataset_classification(dataset=dataset) if r.resource.pk == resource.pk)
    columns = [row["column"] for row in _rows(entry)]
    changes = _changes(request, resource, columns)
    if not changes:
        messages.info(request, _("Nothing was changed. / ไม่มีการเปลี่ยนแปลง"))
        return redirect("governance:classification", name=dataset.name)
    was_open = dataset.is_open
    try:
        column_classes_set(
            actor=user, resource=resource, changes=changes, reason=request.POST.get("reason", "")
        )
    except (ClassificationError, CatalogValidationError) as exc:
        message = exc.message if isinstance(exc, ClassificationError) else str(exc)
        dataset.refresh_from_db()
        context = _context(request, dataset, error=message, error_resource=str(resource.pk))
        return render(request, "governance/classification/dataset.html", context, status=400)
    dataset.refresh_from_db()
    messages.success(request, _("Classification saved. / บันทึกการจัดชั้นข้อมูลแล้ว"))
    if was_open and not dataset.is_open:
        messages.warning(
            request,
            _(
                "The dataset held personal or non-public data, so it was made private. / "
                "ชุดข้อมูลมีข้อมูลส่วนบุคคลหรือข้อมูลที่ไม่ใช่ข้อมูลสาธารณะ จึงถูกตั้งเป็นส่วนตัวแล้ว"
            ),
        )
    return redirect("governance:classification", name=dataset.name)


@login_required
@require_POST
def classification_dataset(request: HttpRequest, name: str) -> HttpResponse:
    """Save the dataset's DGF category and access level."""
    user = _user(request)
    dataset = _dataset(request, name)
    try:
        dataset_category_set(
            actor=user,
            dataset=dataset,
            category=request.POST.get("data_category", ""),
            access_level=request.POST.get("data_classification", ""),
        )
    except ClassificationError as exc:
        dataset.refresh_from_db()
        context = _context(request, dataset, error=exc.message, error_resource="dataset")
        return render(request, "governance/classification/dataset.html", context, status=400)
    except CatalogValidationError as exc:
        dataset.refresh_from_db()
        message = " ".join(m for msgs in exc.field_errors.values() for m in msgs)
        context = _context(request, dataset, error=message, error_resource="dataset")
        return render(request, "governance/classification/dataset.html", context, status=400)
    messages.success(request, _("Dataset category saved. / บันทึกหมวดหมู่ชุดข้อมูลแล้ว"))
    return redirect("governance:classification", name=dataset.name)


@login_required
@require_POST
def classification_detect(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    """Run the detection again on a resource's current version (in the background)."""
    user = _user(request)
    dataset = _dataset(request, name)
    resource = _resource(dataset, resource_id)
    if resource_classify_enqueue(actor=user, resource=resource):
        messages.success(
            request,
            _(
                "Detection queued; reload the page in a moment. / "
                "กำลังตรวจหาข้อมูลส่วนบุคคลอีกครั้ง โปรดโหลดหน้านี้ใหม่ในอีกสักครู่"
            ),
        )
    else:
        messages.info(
            request,
            _("This resource has no ingested table yet. / ทรัพยากรนี้ยังไม่มีตารางที่นำเข้าแล้ว"),
        )
    return redirect("governance:classification", name=dataset.name)
