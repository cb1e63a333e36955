"""Registrations of the quality part into the catalog's hooks (imported by GovernanceConfig.ready).

* after ingest: queue the ``governance.quality`` job (it profiles first, then runs the rules);
* the dataset page's badge: the mean quality score, linked to the report;
* the CKAN-style action ``quality_report_show`` (imported from ``api``).
"""

from __future__ import annotations

from django.template.loader import render_to_string

from ddgov.catalog.hooks import register_after_ingest, register_dataset_badge
from ddgov.catalog.models import Dataset
from ddgov.governance.quality import api  # noqa: F401 - registers the API action
from ddgov.governance.quality.selectors import quality_badge
from ddgov.governance.quality.services import quality_enqueue


def _after_ingest(version_id: int) -> None:
    quality_enqueue(version_id=version_id)


def _badge(dataset: Dataset) -> str:
    badge = quality_badge(dataset=dataset)
    if badge is None:
        return ""
    return render_to_string("governance/quality/badge.html", {"dataset": dataset, "badge": badge})


register_after_ingest(_after_ingest)
register_dataset_badge(_badge)
