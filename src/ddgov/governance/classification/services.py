"""Writes of the classification part: detected column classes, stewards' overrides, releases.

* :func:`resource_classify` runs the detection (:mod:`.detect`) on a version's Parquet and stores
  one :class:`ColumnClass` per column with ``source=detected``; it never overwrites a column a
  steward classified or an anonymised release marked.
* :func:`column_class_set` is a steward's decision on one column. Only data stewards (or admins)
  of the owning agency may make it; turning a *personal* column public needs the agency's admin
  role and a reason. Marking a column of an open dataset non-public withdraws the dataset (makes
  it private) in the same transaction, since personal data can never be open data.
* :func:`column_classes_set_release` marks the columns of an anonymised release public.

Every write is audited in its transaction; refusals are audited outside it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ddgov.audit.services import audit_record_append
from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.services.datasets import dataset_update
from ddgov.catalog.vocab import Classification, DataCategory
from ddgov.governance.classification.detect import (
    SENSITIVE_KINDS,
    ColumnDecision,
    table_classify,
)
from ddgov.governance.classification.selectors import (
    column_class_can_declassify,
    release_version_exists,
    version_columns,
)
from ddgov.governance.models import ColumnClass
from ddgov.identity.models import Role, User
from ddgov.identity.services import agency_access_require
from ddgov.jobs.services import job_enqueue
from ddgov.lake.storage import absolute

log = logging.getLogger(__name__)
CLASSIFY_JOB_KIND = "governance.classify"
KEPT_SOURCES = frozenset({ColumnClass.Source.STEWARD, ColumnClass.Source.RELEASE})
MIN_REASON = 10


class ClassificationError(ValueError):
    """A classification that cannot be stored, with a reason in English and Thai."""

    def __init__(self, message: str, *, field: str = "") -> None:
        """Keep the bilingual ``message`` and the form ``field`` it belongs to."""
        super().__init__(message)
        self.message = message
        self.field = field


def _agency_of(resource: Resource) -> str:
    return resource.dataset.owner_org.code


def _audit(
    *,
    action: str,
    actor: User | None,
    resource: Resource,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    outcome: str = "ok",
) -> None:
    code = _agency_of(resource)
    audit_record_append(
        action=action,
        actor=actor,
        acting_for=f"agency:{code}",
        agency_code=code,
        target_type="resource",
        target_id=str(resource.pk),
        before=before,
        after=after,
        detail=detail,
        outcome=outcome,
    )


def _snapshot(rows: Iterable[ColumnClass]) -> dict[str, Any]:
    return {c.column: [c.category, c.access_level, c.pii_type, c.sensitive, c.source] for c in rows}


def column_classes_store(
    *, resource: Resource, decisions: list[ColumnDecision], actor: User | None = None
) -> list[ColumnClass]:
    """Store detections as ``source=detected`` rows; steward and release rows are kept as they are."""
    with transaction.atomic():
        existing = {
            c.column: c
            for c in ColumnClass.objects.select_for_update().filter(
                resource=resource, column__in=[d.column for d in decisions]
            )
        }
        before = _snapshot(existing.values())
        stored: list[ColumnClass] = []
        for decision in decisions:
            row = existing.get(decision.column)
            if row is not None and row.source in KEPT_SOURCES:
                continue
            row = row or ColumnClass(resource=resource, column=decision.column)
            row.category = decision.category
            row.access_level = decision.access_level
            row.pii_type = decision.pii_type
            row.sensitive = decision.sensitive
            row.source = ColumnClass.Source.DETECTED
            row.details = {**decision.details, "confidence": decision.confidence}
            row.updated_by = None
            row.save()
            stored.append(row)
        _audit(
            action="classification.detect",
            actor=actor,
            resource=resource,
            before=before,
            after=_snapshot(stored),
            detail={"columns": len(decisions), "stored": len(stored)},
        )
    return stored


def resource_classify(
    *, version_id: int, decisions: list[ColumnDecision] | None = None
) -> list[ColumnClass]:
    """Detect (unless ``decisions`` are given) and store the classes of an ingested version's columns.

    The version of an anonymised release is left alone (its columns are set by
    :func:`column_classes_set_release`); any other version of the same resource is classified.
    Raises ``TableScanError`` if the version's Parquet cannot be read.
    """
    version = ResourceVersion.objects.select_related("resource__dataset__owner_org").get(
        pk=version_id
    )
    resource = version.resource
    if release_version_exists(version=version):
        return []
    if decisions is None:
        if not version.parquet_path:
            return []
        decisions = table_classify(path=absolute(version.parquet_path))
    return column_classes_store(resource=resource, decisions=decisions)


def _check_choice(value: str, allowed: Iterable[str], field: str) -> None:
    allowed = list(allowed)
    if value not in allowed:
        raise ClassificationError(
            _("Value must be one of: %(choices)s / ค่าต้องเป็นหนึ่งใน: %(choices)s")
            % {"choices": ", ".join(allowed)},
            field=field,
        )


def _check_consistent(category: str, access_level: str, sensitive: str) -> None:
    if category == DataCategory.PUBLIC and access_level != Classification.PUBLIC:
        raise ClassificationError(
            _(
                "Public data has the access level 'public'. / "
                "ข้อมูลสาธารณะต้องมีระดับชั้นการเข้าถึงเป็น 'สาธารณะ'"
            ),
            field="access_level",
        )
    if category != DataCategory.PUBLIC and access_level == Classification.PUBLIC:
        raise ClassificationError(
            _(
                "Non-public data needs an access level (internal, confidential, secret or top "
                "secret). / ข้อมูลที่ไม่ใช่ข้อมูลสาธารณะต้องกำหนดชั้นความลับ (ใช้ภายใน ลับ ลับมาก หรือลับที่สุด)"
            ),
            field="access_level",
        )
    if sensitive and category != DataCategory.PERSONAL:
        raise ClassificationError(
            _(
                "PDPA section 26 sensitive data is personal data: choose the category "
                "'personal'. / ข้อมูลอ่อนไหวตามมาตรา 26 เป็นข้อมูลส่วนบุคคล ต้องเลือกหมวด 'ข้อมูลส่วนบุคคล'"
            ),
            field="category",
        )


def _withdraw_if_open(dataset: Dataset, actor: User) -> bool:
    """Make an open dataset private (personal data can never be open); return whether it was open."""
    if not dataset.is_open:
        return False
    dataset_update(actor=actor, dataset=dataset, data={"private": True}, partial=True)
    return True


@dataclass(frozen=True)
class ColumnChange:
    """A steward's classification of one column."""

    column: str
    category: str
    access_level: str
    sensitive: str = ""


def _validate(change: ColumnChange, known: set[str]) -> None:
    if change.column not in known:
        raise ClassificationError(
            _("The table has no column %(name)s. / ไม่มีคอลัมน์ %(name)s ในตาราง")
            % {"name": change.column},
            field="column",
        )
    _check_choice(change.category, DataCategory.values, "category")
    _check_choice(change.access_level, Classification.values, "access_level")
    _check_choice(change.sensitive, ["", *SENSITIVE_KINDS], "sensitive")
    _check_consistent(change.category, change.access_level, change.sensitive)


def _apply(
    row: ColumnClass, change: ColumnChange, *, actor: User, reason: str
) -> dict[str, Any] | None:
    """Set ``row`` from ``change`` as the steward's decision; return its snapshot before."""
    before = _snapshot([row]) if row.pk else None
    details = dict(row.details or {})
    if row.source == ColumnClass.Source.DETECTED and row.pk:
        details["detected"] = {
            "category": row.category,
            "access_level": row.access_level,
            "sensitive": row.sensitive,
            "confidence": details.get("confidence"),
        }
    if reason:
        details["reason"] = reason
    row.category, row.access_level = change.category, change.access_level
    row.sensitive = change.sensitive
    row.source = ColumnClass.Source.STEWARD
    row.details = details
    row.updated_by = actor
    row.save()
    return before


def column_classes_set(
    *, actor: User, resource: Resource, changes: list[ColumnChange], reason: str = ""
) -> list[ColumnClass]:
    """Record a steward's classification of some columns of ``resource``, all or nothing.

    Needs the data-steward role (or higher) in the owning agency. Making a personal column public
    needs the agency's admin role and a ``reason`` of at least 10 characters (both audited). If
    a column becomes non-public while its dataset is open data, the dataset is made private in
    the same transaction. Raises ``AccessDenied`` or :class:`ClassificationError`; nothing is
    stored when any change is refused.
    """
    dataset = resource.dataset
    agency_access_require(
        actor=actor,
        agency=dataset.owner_org,
        at_least=Role.DATA_STEWARD,
        action="classification.set",
    )
    current = {c.column: c for c in ColumnClass.objects.filter(resource=resource)}
    known = set(version_columns(version=resource.current_version) or []) | set(current)
    for change in changes:
        _validate(change, known)
    declassified = [
        c.column
        for c in changes
        if c.column in current
        and current[c.column].category == DataCategory.PERSONAL
        and c.category == DataCategory.PUBLIC
    ]
    reason = reason.strip()
    if declassified:
        if not column_class_can_declassify(user=actor, dataset=dataset):
            agency_access_require(
                actor=actor,
                agency=dataset.owner_org,
                at_least=Role.ADMIN,
                action="classification.declassify",
            )
        if len(reason) < MIN_REASON:
            raise ClassificationError(
                _(
                    "Say why a personal column may be public (at least 10 characters). / "
                    "โปรดระบุเหตุผลที่คอลัมน์ข้อมูลส่วนบุคคลเปิดเผยได้ (อย่างน้อย 10 ตัวอักษร)"
                ),
                field="reason",
            )
    rows = []
    with transaction.atomic():
        locked = {
            c.column: c
            for c in ColumnClass.objects.select_for_update().filter(
                resource=resource, column__in=[c.column for c in changes]
            )
        }
        for change in changes:
            row = locked.get(change.column) or ColumnClass(resource=resource, column=change.column)
            declassify = change.column in declassified
            before = _apply(row, change, actor=actor, reason=reason if declassify else "")
            _audit(
                action="classification.declassify" if declassify else "classification.set",
                actor=actor,
                resource=resource,
                before=before,
                after=_snapshot([row]),
                detail={"column": change.column, **({"reason": reason} if declassify else {})},
            )
            rows.append(row)
        if any(c.category != DataCategory.PUBLIC for c in changes) and _withdraw_if_open(
            dataset, actor
        ):
            _audit(
                action="classification.withdraw",
                actor=actor,
                resource=resource,
                detail={"dataset": dataset.name, "made_private": True},
            )
    return rows


def column_class_set(
    *,
    actor: User,
    resource: Resource,
    column: str,
    category: str,
    access_level: str,
    sensitive: str = "",
    reason: str = "",
) -> ColumnClass:
    """Record a steward's classification of one column (see :func:`column_classes_set`)."""
    change = ColumnChange(column, category, access_level, sensitive)
    return column_classes_set(actor=actor, resource=resource, changes=[change], reason=reason)[0]


def column_classes_set_release(
    *, resource: Resource, columns: list[str], actor: User | None
) -> list[ColumnClass]:
    """Mark the columns of an anonymised release public (``source=release``), audited.

    Called by the anonymisation services for the release's own resource; detections never
    overwrite these rows afterwards.
    """
    with transaction.atomic():
        existing = {
            c.column: c
            for c in ColumnClass.objects.select_for_update().filter(
                resource=resource, column__in=columns
            )
        }
        before = _snapshot(existing.values())
        rows = []
        for column in columns:
            row = existing.get(column) or ColumnClass(resource=resource, column=column)
            row.category = DataCategory.PUBLIC
            row.access_level = Classification.PUBLIC
            row.pii_type = ""
            row.sensitive = ""
            row.source = ColumnClass.Source.RELEASE
            row.details = {"release": True}
            row.updated_by = actor if isinstance(actor, User) and actor.is_authenticated else None
            row.save()
            rows.append(row)
        _audit(
            action="classification.release",
            actor=actor,
            resource=resource,
            before=before,
            after=_snapshot(rows),
            detail={"columns": len(rows)},
        )
    return rows


def resource_classify_enqueue(*, actor: User, resource: Resource) -> bool:
    """Queue the detection again on the resource's current version (stewards only).

    Returns False when the resource has no ingested version to classify.
    """
    agency_access_require(
        actor=actor,
        agency=resource.dataset.owner_org,
        at_least=Role.DATA_STEWARD,
        action="classification.detect",
    )
    version_id = resource.current_version_id
    if version_id is None:
        return False
    job_enqueue(kind=CLASSIFY_JOB_KIND, payload={"version_id": version_id})
    return True


def dataset_category_set(
    *, actor: User, dataset: Dataset, category: str, access_level: str
) -> Dataset:
    """Set a dataset's DGF category and access level through the catalog's own validation.

    Public data has the access level public and non-public data needs one; the catalog refuses
    a non-public category on open data, and the publish checks refuse personal columns.
    Raises ``AccessDenied``, :class:`ClassificationError` or ``CatalogValidationError``.
    """
    agency_access_require(
        actor=actor,
        agency=dataset.owner_org,
        at_least=Role.DATA_STEWARD,
        action="classification.dataset",
    )
    _check_choice(category, DataCategory.values, "category")
    _check_choice(access_level, Classification.values, "access_level")
    _check_consistent(category, access_level, "")
    return dataset_update(
        actor=actor,
        dataset=dataset,
        data={"data_category": category, "data_classification": access_level},
        partial=True,
    )
