"""The CKAN-style API action ``quality_report_show?id=<dataset name or id>``."""

from __future__ import annotations

from typing import Any

from ddgov.catalog.api.actions.registry import ActionContext, action
from ddgov.catalog.api.params import required
from ddgov.catalog.selectors import dataset_get_for_viewer
from ddgov.governance.quality.selectors import quality_dataset_report


@action("quality_report_show", side_effect_free=True)
def quality_report_show(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Return the dataset's quality report: scores per dimension, each rule, failing samples, history."""
    dataset = dataset_get_for_viewer(viewer=ctx.caller, name_or_id=str(required(data, "id")))
    return quality_dataset_report(dataset=dataset)
