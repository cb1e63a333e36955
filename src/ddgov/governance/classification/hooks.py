"""Enforcement: personal data never becomes open data, whichever path a write takes.

The catalog calls these from its services (``catalog/hooks.py``), so the steward's web forms,
the CKAN Action API, harvesting, and any future path (the data exchange) all obey them:

* :func:`personal_version_check` (version check) — a new version of a resource of an *open*
  dataset whose table has personal or other non-public columns fails with ``personal_data``,
  naming the columns; the previous version stays current and the refused upload is removed
  from the lake (open datasets serve their versions' original files). Versions of anonymised
  releases are allowed. The detection is kept for :func:`classify_after_ingest`.
* :func:`personal_publish_check` (publish check) — a dataset with any active resource that has
  non-public columns cannot become open data; the reason names the resource and its columns
  and points to an anonymised release.
* :func:`classify_after_ingest` (after ingest) — stores the detected classes of every ingested
  version (private and draft datasets too), for the steward's page and the publish check.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from pathlib import Path

from django.utils.translation import gettext as _

from ddgov.catalog.hooks import (
    register_after_ingest,
    register_publish_check,
    register_version_check,
)
from ddgov.catalog.ingest import IngestError
from ddgov.catalog.models import Dataset, ResourceVersion
from ddgov.catalog.vocab import DataCategory
from ddgov.governance.classification.detect import ColumnDecision, table_classify
from ddgov.governance.classification.selectors import (
    dataset_active_resources,
    dataset_restricted_resources,
    release_version_exists,
    resource_needs_classifying,
)
from ddgov.governance.classification.services import resource_classify
from ddgov.governance.models import ColumnClass
from ddgov.governance.pii.table import TableScanError
from ddgov.lake import storage
from ddgov.lake.storage import absolute

log = logging.getLogger(__name__)
_KEEP = 64
# Detections made by the version check, reused once the version has committed.
_pending: OrderedDict[int, list[ColumnDecision]] = OrderedDict()


def _remember(version_id: int, decisions: list[ColumnDecision]) -> None:
    _pending[version_id] = decisions
    while len(_pending) > _KEEP:
        _pending.popitem(last=False)


def _effective_restricted(
    version: ResourceVersion, decisions: list[ColumnDecision]
) -> list[tuple[str, str]]:
    """(column, category) of non-public columns: a steward's or release's decision wins."""
    kept = {
        c.column: c.category
        for c in ColumnClass.objects.filter(resource_id=version.resource_id).exclude(
            source=ColumnClass.Source.DETECTED
        )
    }
    restricted = []
    for d in decisions:
        category = kept.get(d.column, d.category)
        if category != DataCategory.PUBLIC:
            restricted.append((d.column, category))
    return restricted


def _drop_original(version: ResourceVersion) -> None:
    """Remove a refused upload from the lake: an open dataset serves its versions' originals.

    The version keeps its SHA-256, size and file name for the audit trail; the download then
    says the original is not kept.
    """
    if not version.original_path:
        return
    try:
        path = absolute(version.original_path)
    except ValueError:
        return
    # ``discard`` also removes the object-store copy where the lake has one.
    remove = getattr(storage, "discard", None)
    if remove is not None:
        remove(path)
    else:
        path.unlink(missing_ok=True)


def _column_list(columns: list[str]) -> str:
    return ", ".join(columns)


@register_version_check
def personal_version_check(version: ResourceVersion, parquet: Path) -> IngestError | None:
    """Fail a version of an open dataset's resource whose table holds non-public columns."""
    if release_version_exists(
        version=version
    ):  # only the release's own version, never later uploads
        return None
    try:
        decisions = table_classify(path=parquet)
    except TableScanError:
        log.exception("classification of version %s could not read its table", version.pk)
        return None
    _remember(version.pk, decisions)
    dataset = Dataset.objects.get(pk=version.resource.dataset_id)
    if not dataset.is_open:
        return None
    restricted = _effective_restricted(version, decisions)
    if not restricted:
        return None
    columns = _column_list([c for c, _cat in restricted])
    _drop_original(version)
    return IngestError(
        "personal_data",
        _(
            "This dataset is open data, but the file has personal or non-public data in the "
            "columns %(columns)s. Remove those columns, make the dataset private, or publish an "
            "anonymised release instead. / ชุดข้อมูลนี้เป็นข้อมูลเปิด แต่ไฟล์มีข้อมูลส่วนบุคคลหรือข้อมูลที่ไม่ใช่ข้อมูลสาธารณะในคอลัมน์ "
            "%(columns)s ให้ลบคอลัมน์เหล่านั้น ตั้งชุดข้อมูลเป็นส่วนตัว หรือเผยแพร่ฉบับข้อมูลนิรนามแทน"
        )
        % {"columns": columns},
        columns=[c for c, _cat in restricted],
    )


def _classify_missing(dataset: Dataset) -> None:
    """Classify resources ingested before classification existed (none are skipped unseen)."""
    for resource in dataset_active_resources(dataset=dataset):
        if resource.current_version_id and resource_needs_classifying(resource=resource):
            try:
                resource_classify(version_id=resource.current_version_id)
            except (TableScanError, OSError):
                log.exception("could not classify resource %s", resource.pk)


@register_publish_check
def personal_publish_check(dataset: Dataset) -> list[str]:
    """Refuse open data for a dataset that has a resource with personal or non-public columns."""
    if dataset._state.adding:  # a dataset being created has no resources yet
        return []
    _classify_missing(dataset)
    reasons = []
    for resource, columns in dataset_restricted_resources(dataset=dataset):
        names = _column_list([c.column for c in columns])
        personal = any(c.category == DataCategory.PERSONAL for c in columns)
        if personal:
            message = _(
                "The resource “%(resource)s” has personal data in the columns %(columns)s, so "
                "the dataset cannot be open data. Publish an anonymised release of it instead. / "
                "ทรัพยากร “%(resource)s” มีข้อมูลส่วนบุคคลในคอลัมน์ %(columns)s จึงเผยแพร่ชุดข้อมูลนี้เป็นข้อมูลเปิดไม่ได้ "
                "ให้เผยแพร่ฉบับข้อมูลนิรนามแทน"
            )
        else:
            message = _(
                "The resource “%(resource)s” has non-public data in the columns %(columns)s, so "
                "the dataset cannot be open data. / "
                "ทรัพยากร “%(resource)s” มีข้อมูลที่ไม่ใช่ข้อมูลสาธารณะในคอลัมน์ %(columns)s "
                "จึงเผยแพร่ชุดข้อมูลนี้เป็นข้อมูลเปิดไม่ได้"
            )
        reasons.append(message % {"resource": resource.name, "columns": names})
    return reasons


@register_after_ingest
def classify_after_ingest(version_id: int) -> None:
    """Store the classes of a freshly ingested version's columns (reusing the check's detection)."""
    decisions = _pending.pop(version_id, None)
    version = ResourceVersion.objects.filter(pk=version_id).first()
    if version is None or version.status != ResourceVersion.Status.SUCCEEDED:
        return
    resource_classify(version_id=version_id, decisions=decisions)
